"""The middleware package's public names and Clastic's module paths for them (spec §1.4)."""
import importlib

import pytest

import clastic_like.middleware as middleware_pkg

CLASTIC_PACKAGE_EXPORTS = [
    "Middleware", "check_middlewares", "merge_middlewares", "make_middleware_chain", "DummyMiddleware",
    "GetParamMiddleware", "ContextProcessor", "SimpleContextProcessor", "GzipMiddleware",
    "SimpleProfileMiddleware", "HTTPCacheMiddleware",
]

CLASTIC_MODULE_NAMES = [
    ("url", "GetParamMiddleware"), ("url", "ScriptRootMiddleware"),
    ("form", "PostDataMiddleware"),
    ("cookie", "SignedCookieMiddleware"), ("cookie", "JSONCookie"), ("cookie", "SESSION"),
    ("cookie", "NEVER"), ("cookie", "NOW"), ("cookie", "DEFAULT_EXPIRY"),
    ("compress", "GzipMiddleware"),
    ("client_cache", "HTTPCacheMiddleware"),
    ("context", "ContextProcessor"), ("context", "SimpleContextProcessor"),
    ("profile", "SimpleProfileMiddleware"),
    ("stats", "StatsMiddleware"), ("stats", "Reservoir"), ("stats", "RouteStatReservoir"), ("stats", "Hit"),
    ("stats", "fast_randint"), ("stats", "get_stats_dict"), ("stats", "get_and_reset_stats_dict"),
    ("stats", "create_stats_app"),
]

NEW_MODULE_NAMES = [
    ("cors", "CORSMiddleware"), ("request_id", "RequestIdMiddleware"),
    ("access_log", "AccessLogMiddleware"), ("body_limit", "BodyLimitMiddleware"),
]

MODULES = ["url", "form", "cookie", "compress", "client_cache", "context", "profile", "stats", "cors",
           "request_id", "access_log", "body_limit"]


@pytest.mark.parametrize("name", CLASTIC_PACKAGE_EXPORTS)
def test_clastic_package_exports_are_kept(name):
    """§1.4: each name Clastic's middleware package exports is in clastic_like.middleware.__all__."""
    assert name in middleware_pkg.__all__ and getattr(middleware_pkg, name) is not None


@pytest.mark.parametrize("module, name", CLASTIC_MODULE_NAMES + NEW_MODULE_NAMES)
def test_names_importable_from_their_modules(module, name):
    """§1.4: each middleware name is importable from its submodule (Clastic's path)."""
    assert hasattr(importlib.import_module(f"clastic_like.middleware.{module}"), name)


@pytest.mark.parametrize("name", middleware_pkg.__all__)
def test_package_names_are_the_submodule_objects(name):
    """Every package-level name is bound and is the object its module defines."""
    obj = getattr(middleware_pkg, name)
    module = importlib.import_module(obj.__module__)
    assert getattr(module, name) is obj


@pytest.mark.parametrize("module", MODULES)
def test_each_module_declares_all(module):
    """Each built-in middleware module has an explicit __all__ of names it defines."""
    mod = importlib.import_module(f"clastic_like.middleware.{module}")
    assert mod.__all__ and all(hasattr(mod, name) for name in mod.__all__)
