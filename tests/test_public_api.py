"""The public surface of ``clastic_like``: top-level names and Clastic's module paths."""
import importlib

import pytest

import clastic_like

EXPECTED_ALL = {
    'Application', 'SubApplication', 'RerouteWSGI', 'DispatchState',
    'Route', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS',
    'RESERVED_ARGS', 'S_REDIRECT', 'S_REWRITE', 'S_STRICT',
    'Middleware', 'GetParamMiddleware',
    'render_basic', 'render_json', 'render_json_dev',
    'HTTPException', 'BadRequest', 'NotFound', 'MethodNotAllowed', 'InternalServerError',
    'Redirector', 'Request', 'Response', 'redirect', 'clastic_decorator',
    'MetaApplication', 'StaticApplication', 'StaticFileRoute',
}

SUBMODULE_NAMES = [
    ('clastic_like.application', 'Application'),
    ('clastic_like.application', 'SubApplication'),
    ('clastic_like.application', 'RerouteWSGI'),
    ('clastic_like.application', 'DispatchState'),
    ('clastic_like.route', 'Route'),
    ('clastic_like.route', 'GET'),
    ('clastic_like.route', 'POST'),
    ('clastic_like.route', 'PUT'),
    ('clastic_like.route', 'DELETE'),
    ('clastic_like.route', 'PATCH'),
    ('clastic_like.route', 'HEAD'),
    ('clastic_like.route', 'OPTIONS'),
    ('clastic_like.route', 'RESERVED_ARGS'),
    ('clastic_like.route', 'S_REDIRECT'),
    ('clastic_like.route', 'S_REWRITE'),
    ('clastic_like.route', 'S_STRICT'),
    ('clastic_like.middleware', 'Middleware'),
    ('clastic_like.middleware', 'GetParamMiddleware'),
    ('clastic_like.render', 'render_basic'),
    ('clastic_like.render', 'render_json'),
    ('clastic_like.render', 'render_json_dev'),
    ('clastic_like.errors', 'HTTPException'),
    ('clastic_like.errors', 'BadRequest'),
    ('clastic_like.errors', 'NotFound'),
    ('clastic_like.errors', 'MethodNotAllowed'),
    ('clastic_like.errors', 'InternalServerError'),
    ('clastic_like.decorators', 'clastic_decorator'),
    ('clastic_like.utils', 'Redirector'),
    ('clastic_like.meta', 'MetaApplication'),
    ('clastic_like.static', 'StaticApplication'),
    ('clastic_like.static', 'StaticFileRoute'),
]


def test_all_is_exactly_the_public_surface():
    """``clastic_like.__all__`` lists exactly the agreed public names, no more, no fewer."""
    assert set(clastic_like.__all__) == EXPECTED_ALL


def test_all_has_no_duplicates():
    """Each public name appears once in ``__all__``."""
    assert len(clastic_like.__all__) == len(set(clastic_like.__all__))


@pytest.mark.parametrize('name', sorted(EXPECTED_ALL))
def test_public_name_is_bound_at_top_level(name):
    """Every name in ``__all__`` is importable from ``clastic_like`` (spec §1.1: names importable at top level)."""
    assert getattr(clastic_like, name, None) is not None


def test_star_import_provides_all_names():
    """``from clastic_like import *`` binds every public name."""
    namespace = {}
    exec('from clastic_like import *', namespace)
    assert EXPECTED_ALL <= set(namespace)


@pytest.mark.parametrize('module_name, name', SUBMODULE_NAMES)
def test_name_importable_from_clastic_module_path(module_name, name):
    """Each public name is also importable from its Clastic submodule path and is the same object (spec §1.2-1.6, 1.10, 1.11)."""
    module = importlib.import_module(module_name)
    assert getattr(module, name) is getattr(clastic_like, name)


def test_reserved_args_value():
    """RESERVED_ARGS is the tuple ('request', '_application', '_route', '_dispatch_state', 'context', 'next') (spec §1.1)."""
    assert clastic_like.RESERVED_ARGS == ('request', '_application', '_route', '_dispatch_state', 'context', 'next')


@pytest.mark.parametrize('name, value', [
    ('S_REDIRECT', 'redirect'),
    ('S_REWRITE', 'rewrite'),
    ('S_STRICT', 'strict'),
])
def test_slash_mode_constants(name, value):
    """The slash-mode constants are 'redirect', 'rewrite' and 'strict' (spec §1.1)."""
    assert getattr(clastic_like, name) == value
