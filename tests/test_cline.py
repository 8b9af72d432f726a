"""``clastic_like.cline``: decorator-style applications (§1.13, CL1)."""
from __future__ import annotations

import pytest

from clastic_like import Application, Response, render_json
from clastic_like.cline import Cline


def test_stacked_decorators_add_one_route_each():
    """CL1: stacked ``@app.get``/``@app.post`` add one route per decorator, innermost first."""
    app = Cline()

    @app.get('/')
    @app.post('/')
    def hello():
        return 'hello, world'

    assert [sorted(r.methods) for r in app.routes] == [['POST'], ['GET', 'HEAD']]
    client = app.get_local_client()
    assert client.get('/').get_data(as_text=True) == 'hello, world'
    assert client.post('/').get_data(as_text=True) == 'hello, world'


def test_autorender_uses_render_basic():
    """CL1: with autorender (default) a route without render uses render_basic."""
    app = Cline()
    app.get('/data', lambda: {'a': 1})
    resp = app.get_local_client().get('/data')
    assert resp.mimetype == 'application/json' and resp.get_json() == {'a': 1}


def test_autorender_off_needs_a_response():
    """§1.13: ``autorender=False`` adds no render: endpoints return responses."""
    app = Cline(autorender=False)
    app.get('/', lambda: Response('raw'))
    assert app.routes[0].render is None
    assert app.get_local_client().get('/').get_data(as_text=True) == 'raw'


def test_explicit_render_wins():
    """§1.13: a ``render=`` given to the decorator is used instead of render_basic."""
    app = Cline()
    app.get('/', lambda: {'a': 1}, render=render_json)
    assert app.routes[0].render is render_json


@pytest.mark.parametrize('method', ['get', 'post', 'put', 'delete', 'patch', 'head'])
def test_method_decorators(method):
    """§1.13: each method helper restricts its route to that method (GET also answers HEAD)."""
    app = Cline()
    getattr(app, method)('/x', lambda: 'ok')
    expected = {'GET', 'HEAD'} if method == 'get' else {method.upper()}
    assert set(app.routes[0].methods) == expected
    assert app.get_local_client().open('/x', method=method.upper()).status_code == 200


def test_route_with_methods_and_direct_call():
    """§1.13: ``route(path, methods, func)`` adds directly and returns the function."""
    app = Cline()

    def endpoint():
        return 'ok'

    assert app.route('/r', ['GET', 'PUT'], endpoint) is endpoint
    assert set(app.routes[0].methods) == {'GET', 'HEAD', 'PUT'}


def test_route_any_method_by_default():
    """§1.13: ``route(path)`` without methods answers any method."""
    app = Cline()
    app.route('/any')(lambda: 'ok')
    assert app.get_local_client().delete('/any').status_code == 200


def test_decorator_returns_function_unchanged():
    """§1.13: the decorated function stays a plain, directly callable function."""
    app = Cline()

    @app.get('/<name>')
    def greet(name):
        return f'hi {name}'

    assert greet('ada') == 'hi ada'
    assert app.get_local_client().get('/ada').get_data(as_text=True) == 'hi ada'


def test_missing_argument_fails_at_the_decorator():
    """Routes are checked as they are added: an unresolvable argument fails at the decorator line."""
    app = Cline()
    with pytest.raises(NameError, match="asks for argument 'nobody'"):
        @app.get('/')
        def broken(nobody):
            return nobody


def test_application_keywords_pass_through():
    """§1.13: keyword arguments configure the underlying Application (resources here)."""
    app = Cline(resources={'greeting': 'hello'})
    app.get('/', lambda greeting: greeting)
    assert app.get_local_client().get('/').get_data(as_text=True) == 'hello'


def test_two_clines_are_independent():
    """CL2 (changed): there is no module-level default app; two Clines never share routes."""
    import clastic_like.cline as cline_module
    first, second = Cline(), Cline()
    first.get('/only-first', lambda: 'x')
    assert len(first.routes) == 1 and second.routes == []
    assert not hasattr(cline_module, 'DEFAULT_APP') and not hasattr(cline_module, 'route')


def test_cline_is_an_application():
    """§1.13: Cline is an Application subclass."""
    assert isinstance(Cline(), Application)


def test_decorating_non_callable_is_type_error():
    """A decorator applied to something that is not callable fails with a clear message."""
    with pytest.raises(TypeError, match='decorates a function'):
        Cline().get('/')('not a function')


def test_run_calls_serve_on_localhost(monkeypatch):
    """§1.13 (changed): ``run()`` serves on 127.0.0.1 by default (Clastic used 0.0.0.0)."""
    calls = []
    app = Cline()
    monkeypatch.setattr(app, 'serve', lambda **kw: calls.append(kw))
    app.run(port=8123)
    assert calls == [{'address': '127.0.0.1', 'port': 8123}]
