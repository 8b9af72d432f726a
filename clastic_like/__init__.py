"""clastic_like: a dependency-injecting WSGI microframework on Werkzeug 3.

Endpoints are plain functions; an :class:`Application` resolves every
argument they (and their middleware and renderers) ask for when it is built,
and refuses to be built when something is missing or provided twice.
"""
from __future__ import annotations

from werkzeug.utils import redirect as redirect

from ._wrappers import ParameterDict as ParameterDict
from ._response import ResponseHeaders as ResponseHeaders
from ._wrappers import Request as Request
from ._wrappers import Response as Response
from .application import Application as Application
from .application import DispatchState as DispatchState
from .application import RerouteWSGI as RerouteWSGI
from .application import SubApplication as SubApplication
from .decorators import clastic_decorator as clastic_decorator
from .errors import BadRequest as BadRequest
from .errors import HTTPException as HTTPException
from .errors import InternalServerError as InternalServerError
from .errors import MethodNotAllowed as MethodNotAllowed
from .errors import NotFound as NotFound
from .middleware import GetParamMiddleware as GetParamMiddleware
from .middleware import Middleware as Middleware
from .render import render_basic as render_basic
from .render import render_json as render_json
from .render import render_json_dev as render_json_dev
from .routing import DELETE as DELETE
from .routing import GET as GET
from .routing import HEAD as HEAD
from .routing import OPTIONS as OPTIONS
from .routing import PATCH as PATCH
from .routing import POST as POST
from .routing import PUT as PUT
from .routing import RESERVED_ARGS as RESERVED_ARGS
from .routing import S_REDIRECT as S_REDIRECT
from .routing import S_REWRITE as S_REWRITE
from .routing import S_STRICT as S_STRICT
from .routing import Route as Route
from .utils import Redirector as Redirector

__version__ = "0.1.0"

# Clastic also exports these at the top level.  They pull in Jinja2 and the
# meta/static machinery, so they are imported on first use (PEP 562) rather
# than with every ``import clastic_like``.
_LAZY = {
    "MetaApplication": "clastic_like.meta",
    "StaticApplication": "clastic_like.static",
    "StaticFileRoute": "clastic_like.static",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'clastic_like' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)

__all__ = [
    "Application", "SubApplication", "RerouteWSGI", "DispatchState",
    "Route", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS",
    "RESERVED_ARGS", "S_REDIRECT", "S_REWRITE", "S_STRICT",
    "Middleware", "GetParamMiddleware",
    "render_basic", "render_json", "render_json_dev",
    "HTTPException", "BadRequest", "NotFound", "MethodNotAllowed", "InternalServerError",
    "Redirector", "Request", "Response", "redirect", "clastic_decorator",
    "MetaApplication", "StaticApplication", "StaticFileRoute",
]
