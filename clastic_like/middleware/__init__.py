"""Middleware: the contract (:mod:`.core`) and the built-in middleware.

Like Clastic, the stats middleware is imported from its module
(``clastic_like.middleware.stats``): its application factory needs the
application module, which itself imports this package.
"""
from __future__ import annotations

from .access_log import AccessLogMiddleware as AccessLogMiddleware
from .body_limit import BodyLimitMiddleware as BodyLimitMiddleware
from .client_cache import HTTPCacheMiddleware as HTTPCacheMiddleware
from .compress import GzipMiddleware as GzipMiddleware
from .context import ContextProcessor as ContextProcessor
from .context import SimpleContextProcessor as SimpleContextProcessor
from .cookie import SignedCookieMiddleware as SignedCookieMiddleware
from .core import DummyMiddleware as DummyMiddleware
from .core import Middleware as Middleware
from .core import check_middleware as check_middleware
from .core import check_middlewares as check_middlewares
from .core import make_middleware_chain as make_middleware_chain
from .core import merge_middlewares as merge_middlewares
from .cors import CORSMiddleware as CORSMiddleware
from .form import PostDataMiddleware as PostDataMiddleware
from .profile import SimpleProfileMiddleware as SimpleProfileMiddleware
from .request_id import RequestIdMiddleware as RequestIdMiddleware
from .url import GetParamMiddleware as GetParamMiddleware
from .url import ScriptRootMiddleware as ScriptRootMiddleware

__all__ = [
    "Middleware", "DummyMiddleware", "check_middleware", "check_middlewares",
    "make_middleware_chain", "merge_middlewares", "GetParamMiddleware", "ScriptRootMiddleware",
    # Clastic's other package-level exports
    "ContextProcessor", "SimpleContextProcessor", "GzipMiddleware", "SimpleProfileMiddleware",
    "HTTPCacheMiddleware",
    # importable here too (Clastic: only from their modules)
    "SignedCookieMiddleware", "PostDataMiddleware",
    # clastic_like's service middleware
    "CORSMiddleware", "RequestIdMiddleware", "AccessLogMiddleware", "BodyLimitMiddleware",
]
