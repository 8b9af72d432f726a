"""Tests for the example applications in ``examples/``."""
import importlib
import re
from urllib.parse import urlsplit

import pytest

from clastic_like import Application


def _client(module_name):
    module = importlib.import_module('examples.' + module_name)
    app = module.create_app()
    assert isinstance(app, Application)
    return app.get_local_client()


def _location_path(response):
    return urlsplit(response.headers['Location']).path


# hello.py

def test_hello_root_uses_default_name():
    """GET / greets the world using the endpoint's default argument."""
    resp = _client('hello').get('/')
    assert resp.status_code == 200
    assert resp.get_data(as_text=True) == 'Hello, world!'
    assert resp.mimetype == 'text/plain'


def test_hello_name_from_url():
    """GET /Ben injects the URL segment as ``name``."""
    resp = _client('hello').get('/Ben')
    assert resp.status_code == 200
    assert resp.get_data(as_text=True) == 'Hello, Ben!'


def test_hello_endpoint_is_a_plain_function():
    """The endpoint can be called directly without a request or client."""
    from examples import hello
    assert hello.hello() == 'Hello, world!'
    assert hello.hello('Justin') == 'Hello, Justin!'


def test_hello_module_level_app():
    """The module exposes a ready-made ``app`` that is a clastic_like Application."""
    from examples import hello
    assert isinstance(hello.app, Application)
    assert hello.app.get_local_client().get('/x').get_data(as_text=True) == 'Hello, x!'


def test_hello_unknown_deep_path_is_404():
    """A path with two segments matches neither route and gives 404."""
    assert _client('hello').get('/a/b').status_code == 404


# fancy.py

def test_fancy_reports_get_post_and_cookie():
    """POST /fancy lists the query argument, the form field and the cookie."""
    client = _client('fancy')
    client.set_cookie('cookie_crisp', 'delicious')
    resp = client.post('/fancy?get=gotten', data={'post': 'posted'})
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "argument 'get' = 'gotten'" in body
    assert "argument 'post' = 'posted'" in body
    assert "cookie 'cookie_crisp' = 'delicious'" in body
    assert len(body.splitlines()) == 3


def test_fancy_with_nothing_to_report():
    """A bare GET /fancy says that nothing was found."""
    resp = _client('fancy').get('/fancy')
    assert resp.status_code == 200
    assert resp.get_data(as_text=True) == 'Nothing found.\n'


def test_fancy_json_separates_sources():
    """/fancy.json returns args, form and cookies as separate JSON objects."""
    client = _client('fancy')
    client.set_cookie('cookie_crisp', 'delicious')
    resp = client.post('/fancy.json?get=gotten', data={'post': 'posted'})
    assert resp.status_code == 200
    assert resp.mimetype == 'application/json'
    assert resp.get_json() == {'method': 'POST',
                               'route': '/fancy.json',
                               'args': {'get': 'gotten'},
                               'form': {'post': 'posted'},
                               'cookies': {'cookie_crisp': 'delicious'}}


# custom_response.py

def test_custom_response_home():
    """GET / returns the home page text through render_basic."""
    resp = _client('custom_response').get('/')
    assert resp.status_code == 200
    assert resp.get_data(as_text=True) == 'Home, Sweet Home!'


def test_custom_response_hand_built_301():
    """The hand-built Response keeps its 301 status, Location and custom header."""
    resp = _client('custom_response').get('/return-home')
    assert resp.status_code == 301
    assert _location_path(resp) == '/'
    assert resp.headers['X-Example'] == 'custom_response'
    assert resp.get_data(as_text=True) == 'Moved to /\n'


def test_custom_response_follow_redirect_reaches_home():
    """Following the hand-built redirect ends on the home page."""
    resp = _client('custom_response').get('/return-home', follow_redirects=True)
    assert resp.status_code == 200
    assert resp.get_data(as_text=True) == 'Home, Sweet Home!'


def test_custom_response_redirect_helper_is_302():
    """redirect('/') from an endpoint produces a 302 to /."""
    resp = _client('custom_response').get('/redirect-home')
    assert resp.status_code == 302
    assert _location_path(resp) == '/'


def test_custom_response_redirector_is_301():
    """A Redirector('/') endpoint produces a 301 to /."""
    resp = _client('custom_response').get('/old-home')
    assert resp.status_code == 301
    assert _location_path(resp) == '/'


# unresolved.py

def test_unresolved_module_imports_without_app():
    """Importing the module succeeds and defines no module-level app."""
    from examples import unresolved
    assert not hasattr(unresolved, 'app')


def test_unresolved_argument_raises_nameerror_at_construction():
    """create_app() raises NameError naming the missing argument and the route pattern."""
    from examples import unresolved
    with pytest.raises(NameError) as excinfo:
        unresolved.create_app()
    message = str(excinfo.value)
    assert 'first_name' in message
    assert '/hello/<name>' in message


def test_unresolved_fixed_app_works():
    """Renaming the argument to match the URL binding makes the app construct and serve."""
    from examples import unresolved
    resp = unresolved.create_fixed_app().get_local_client().get('/hello/Ann')
    assert resp.status_code == 200
    assert resp.get_data(as_text=True) == 'Hello, Ann!'


# conflicting.py

def test_conflicting_module_imports_without_app():
    """Importing the module succeeds and defines no module-level app."""
    from examples import conflicting
    assert not hasattr(conflicting, 'app')


def test_conflicting_middlewares_raise_nameerror():
    """Two middlewares providing ``user`` make create_app() raise NameError naming it."""
    from examples import conflicting
    with pytest.raises(NameError) as excinfo:
        conflicting.create_app()
    assert 'user' in str(excinfo.value)


def test_conflicting_resource_and_middleware_raise_nameerror():
    """A resource and a middleware both providing ``user`` raise NameError naming it."""
    from examples import conflicting
    with pytest.raises(NameError) as excinfo:
        conflicting.create_resource_conflict_app()
    assert 'user' in str(excinfo.value)


def test_conflicting_fixed_app_injects_provided_user():
    """With a single provider, the middleware's ``user`` reaches the endpoint."""
    from examples import conflicting
    client = conflicting.create_fixed_app().get_local_client()
    assert client.get('/whoami').get_data(as_text=True) == 'You are anonymous.'
    client.set_cookie('user', 'kurt')
    resp = client.get('/whoami')
    assert resp.status_code == 200
    assert resp.get_data(as_text=True) == 'You are kurt.'


# timing.py

_TIME_RE = re.compile(r'^(\d+\.\d{3})ms$')


def test_timing_header_added():
    """Responses carry an X-Response-Time header in milliseconds."""
    resp = _client('timing').get('/')
    assert resp.status_code == 200
    assert resp.get_data(as_text=True) == 'fast'
    assert _TIME_RE.match(resp.headers['X-Response-Time'])


def test_timing_measures_the_endpoint():
    """The header for the 50 ms endpoint reports at least 50 ms."""
    resp = _client('timing').get('/slow')
    assert resp.status_code == 200
    assert resp.get_data(as_text=True) == 'slow'
    match = _TIME_RE.match(resp.headers['X-Response-Time'])
    assert match and float(match.group(1)) >= 50.0


def test_timing_custom_header_name():
    """The middleware writes to the header name it was configured with."""
    from clastic_like import render_basic
    from examples.timing import TimingMiddleware, fast
    app = Application([('/', fast, render_basic)],
                      middlewares=[TimingMiddleware(header_name='X-Took')])
    resp = app.get_local_client().get('/')
    assert _TIME_RE.match(resp.headers['X-Took'])
    assert 'X-Response-Time' not in resp.headers


# session.py

def test_session_counts_visits_with_cookie():
    """Repeated GET / with the same client counts 1, 2, 3 via the session cookie."""
    client = _client('session')
    for n in (1, 2, 3):
        resp = client.get('/')
        assert resp.status_code == 200
        assert resp.get_data(as_text=True) == 'Visit number %d.' % n
        assert 'session=' in resp.headers['Set-Cookie']


def test_session_is_per_client():
    """A second client starts its own count at 1."""
    from examples import session
    app = session.create_app()
    first, second = app.get_local_client(), app.get_local_client()
    first.get('/')
    first.get('/')
    assert second.get('/').get_data(as_text=True) == 'Visit number 1.'


def test_session_stores_name():
    """POST /name stores the name, and GET /hello greets by it."""
    client = _client('session')
    assert client.get('/hello').get_data(as_text=True) == 'Hello, stranger!'
    resp = client.post('/name', data={'name': 'Mahmoud'})
    assert resp.status_code == 200
    assert resp.get_data(as_text=True) == 'Name saved: Mahmoud.'
    assert client.get('/hello').get_data(as_text=True) == 'Hello, Mahmoud!'


def test_session_unchanged_sets_no_cookie():
    """A read-only endpoint leaves the session alone, so no Set-Cookie is sent."""
    resp = _client('session').get('/hello')
    assert resp.status_code == 200
    assert 'Set-Cookie' not in resp.headers


def test_session_tampered_cookie_is_ignored():
    """A cookie with a bad signature is treated as an empty session."""
    client = _client('session')
    client.get('/')
    client.get('/')
    value = client.get_cookie('session').value
    forged = ('B' if value[0] == 'A' else 'A') + value[1:]
    client.set_cookie('session', forged)
    assert client.get('/').get_data(as_text=True) == 'Visit number 1.'


def test_session_method_restriction():
    """GET /name is not allowed because the route is POST-only."""
    assert _client('session').get('/name').status_code == 405
