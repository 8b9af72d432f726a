"""Middleware: the contract (:mod:`.core`) and the built-in middleware."""
from __future__ import annotations

from .core import DummyMiddleware as DummyMiddleware
from .core import Middleware as Middleware
from .core import check_middleware as check_middleware
from .core import check_middlewares as check_middlewares
from .core import make_middleware_chain as make_middleware_chain
from .core import merge_middlewares as merge_middlewares
from .url import GetParamMiddleware as GetParamMiddleware
from .url import ScriptRootMiddleware as ScriptRootMiddleware

__all__ = [
    "Middleware", "DummyMiddleware", "check_middleware", "check_middlewares",
    "make_middleware_chain", "merge_middlewares", "GetParamMiddleware", "ScriptRootMiddleware",
]
