"""Application behaviour: request flow, sub-applications, helpers, errors and isolation.

Statement ids (F1, SA3, RW1, ...) refer to /work/shared/spec/clastic-reference.md.
"""
import json
import logging
import re

import pytest
from werkzeug.test import Client

from clastic_like import (
    GET,
    POST,
    Application,
    DispatchState,
    HTTPException,
    Middleware,
    NotFound,
    Redirector,
    Request,
    RerouteWSGI,
    Response,
    Route,
    SubApplication,
    clastic_decorator,
    render_basic,
)
from clastic_like.errors import ContextualErrorHandler, ErrorHandler
from clastic_like.middleware import DummyMiddleware

ERROR_ACCEPTS = ['text/plain', 'text/html', 'application/json', 'application/xml']


# -- helpers ------------------------------------------------------------------

def get(app, path='/', **kw):
    return app.get_local_client().get(path, **kw)


def text(resp):
    return resp.get_data(as_text=True)


def make_factory(label):
    """A trivial render factory whose output names the factory that made it."""
    def factory(name):
        return lambda context: Response(label + ':' + name + ':' + str(context))
    return factory


class HeaderMiddleware(Middleware):
    """Request hook that marks every response passing through it."""

    def request(self, next):
        resp = next()
        resp.headers['X-Seen'] = 'yes'
        return resp


class WrapperMiddleware(Middleware):
    """Middleware whose only effect is a ``wsgi_wrapper`` adding a header."""

    def wsgi_wrapper(self, wsgi_app):
        def wrapped(environ, start_response):
            def sr(status, headers, exc_info=None):
                return start_response(status, headers + [('X-Wrapped', 'yes')], exc_info)
            return wsgi_app(environ, sr)
        return wrapped


def boom():
    raise RuntimeError('secret-token-123')


# -- F1: per-request setup ------------------------------------------------------

def test_request_is_clastic_like_request():
    """F1: the injected ``request`` is built from the application's request type."""
    app = Application([('/', lambda request: type(request).__name__ + ':' + str(isinstance(request, Request)),
                        render_basic)])
    assert text(get(app)) == 'Request:True'


def test_request_guid_is_24_hex_digits():
    """F1/I2: each request gets a ``request_guid`` of 24 hex characters."""
    app = Application([('/', lambda request: request.request_guid, render_basic)])
    assert re.fullmatch(r'[0-9a-f]{24}', text(get(app)))


def test_request_id_differs_between_requests():
    """F1/I2: each request gets a fresh ``request_id``."""
    app = Application([('/', lambda request: str(request.request_id), render_basic)])
    client = app.get_local_client()
    first, second = text(client.get('/')), text(client.get('/'))
    assert first != second


# -- F2: endpoint result vs render ---------------------------------------------------

def test_response_from_endpoint_skips_render():
    """F2: an endpoint returning a Response is returned as is and the render is skipped."""
    def exploding_render(context):
        raise AssertionError('render must not run')
    app = Application([('/', lambda: Response('direct'), exploding_render)])
    resp = get(app)
    assert (resp.status_code, text(resp)) == (200, 'direct')


def test_returned_http_exception_is_not_rendered():
    """F2: a returned HTTPException is a Response, so the render side is skipped and it is the answer."""
    app = Application([('/', lambda: NotFound(), render_basic)])
    assert get(app).status_code == 404


def test_request_hook_sees_rendered_response():
    """F2: request hooks wrap the render phase too, so they see the rendered Response."""
    app = Application([('/', lambda: 'body', render_basic)], middlewares=[HeaderMiddleware()])
    resp = get(app)
    assert (text(resp), resp.headers.get('X-Seen')) == ('body', 'yes')


# -- F3: next -----------------------------------------------------------------------

class ProvidingMiddleware(Middleware):
    provides = ('first', 'second')

    def __init__(self, style):
        self.style = style

    def request(self, next):
        if self.style == 'positional':
            return next('a', 'b')
        return next(second='b', first='a')


@pytest.mark.parametrize('style', ['positional', 'keyword'])
def test_next_accepts_provides_positionally_or_by_keyword(style):
    """F3: ``next`` takes the hook's provides positionally in declared order or by keyword."""
    app = Application([('/', lambda first, second: first + second, render_basic)],
                      middlewares=[ProvidingMiddleware(style)])
    assert text(get(app)) == 'ab'


def test_hook_can_short_circuit():
    """F3: a hook may short-circuit by not calling ``next``."""
    class Gate(Middleware):
        def request(self, next):
            return Response('blocked', status=403)

    def endpoint():
        raise AssertionError('endpoint must not run')
    app = Application([('/', endpoint)], middlewares=[Gate()])
    resp = get(app)
    assert (resp.status_code, text(resp)) == (403, 'blocked')


# -- F4: non-Response result ----------------------------------------------------------

@pytest.mark.parametrize('value', ['a string', b'bytes', {'a': 1}, None, 42])
def test_non_response_without_render_is_500(value):
    """F4: an endpoint result that is not a Response, with no render, gives a 500."""
    app = Application([('/', lambda: value)])
    assert get(app).status_code == 500


# -- F5: uncaught exceptions ----------------------------------------------------------

def test_uncaught_exception_is_500():
    """F5: an exception that is not an HTTPException goes to the error handler and becomes a 500."""
    app = Application([('/', boom)])
    assert get(app).status_code == 500


def test_reraise_uncaught_propagates_out_of_wsgi_call():
    """F5/E9: with ``ErrorHandler(reraise_uncaught=True)`` the exception propagates out of the WSGI call."""
    app = Application([('/', boom)], error_handler=ErrorHandler(reraise_uncaught=True))
    with pytest.raises(RuntimeError, match='secret-token-123'):
        get(app)


# -- F6: breaking and non-breaking HTTPExceptions -----------------------------------

def test_non_breaking_error_lets_later_route_serve():
    """F6: a non-breaking HTTPException defers and a later matching route serves (test-backed)."""
    app = Application([('/', lambda: NotFound(is_breaking=False)),
                       ('/', lambda: 'so hot in here', render_basic)])
    resp = get(app)
    assert (resp.status_code, text(resp)) == (200, 'so hot in here')


def test_deferred_error_is_answer_when_nothing_serves():
    """F6/H4: when no later route serves, the last deferred non-breaking error is the answer."""
    app = Application([('/', lambda: NotFound('deferred-detail', is_breaking=False))])
    resp = get(app)
    assert resp.status_code == 404 and 'deferred-detail' in text(resp)


def test_breaking_error_stops_routing():
    """F6: a breaking HTTPException (the default) stops routing; later routes do not run."""
    def later():
        raise AssertionError('later route must not run')
    app = Application([('/', lambda: NotFound()), ('/', later)])
    assert get(app).status_code == 404


def test_raised_http_exception_gets_source_route():
    """F6: a raised HTTPException gets ``source_route`` set to the route that raised it."""
    def endpoint():
        raise NotFound()
    app = Application([Route('/x', endpoint,
                             render_error=lambda _error: Response(_error.source_route.pattern, status=404))])
    assert text(get(app, '/x')) == '/x'


# -- F7: rendering the final error ----------------------------------------------------

def test_final_error_uses_route_render_error():
    """F7: the final HTTPException is rendered with its source route's ``render_error``."""
    app = Application([Route('/', lambda: NotFound(),
                             render_error=lambda _error: Response('custom %s' % _error.code, status=_error.code))])
    resp = get(app)
    assert (resp.status_code, text(resp)) == (404, 'custom 404')


def test_failing_render_error_falls_back_to_negotiation():
    """F7: if ``render_error`` raises, ``default_render_error`` (Accept negotiation) is used."""
    def bad_render_error(_error):
        raise ValueError('render_error broke')
    app = Application([Route('/', lambda: NotFound(), render_error=bad_render_error)])
    resp = get(app, headers={'Accept': 'application/json'})
    assert (resp.status_code, resp.mimetype, json.loads(text(resp))['code']) == (404, 'application/json', 404)


def test_plain_response_bypasses_error_handler():
    """F7: a non-HTTPException Response (even with an error status) is returned without the error handler."""
    def render_error(_error):
        raise AssertionError('error handler must not run')
    app = Application([Route('/', lambda: Response('teapot', status=418), render_error=render_error)])
    resp = get(app)
    assert (resp.status_code, text(resp)) == (418, 'teapot')


# -- F8: middleware around the null route ----------------------------------------------

@pytest.mark.parametrize('method, path, status', [
    ('GET', '/missing', 404),
    ('POST', '/only-get', 405),
])
def test_app_middleware_wraps_not_found_and_method_not_allowed(method, path, status):
    """F8: application middlewares also run for 404 and 405 answers."""
    app = Application([GET('/only-get', lambda: 'ok', render_basic)], middlewares=[HeaderMiddleware()])
    resp = app.get_local_client().open(path, method=method)
    assert (resp.status_code, resp.headers.get('X-Seen')) == (status, 'yes')


# -- RW1: RerouteWSGI -----------------------------------------------------------------

def _other_app():
    return Application([('/other/', lambda request: 'okay ' + request.path, render_basic)])


def test_reroute_wsgi_as_endpoint():
    """RW1: RerouteWSGI(app) used as an endpoint hands the request to the other app (test-backed)."""
    app = Application([('/', lambda: 'hooray', render_basic),
                       ('/<x*str>', RerouteWSGI(_other_app()))])
    client = app.get_local_client()
    assert (text(client.get('/')), text(client.get('/other/'))) == ('hooray', 'okay /other/')


def test_reroute_wsgi_raised_from_endpoint():
    """RW1: RerouteWSGI raised from an endpoint is not an error; the other app gets the unmodified environ."""
    other = _other_app()

    def endpoint():
        raise RerouteWSGI(other)
    app = Application([('/<x*str>', endpoint)])
    resp = get(app, '/other/')
    assert (resp.status_code, text(resp)) == (200, 'okay /other/')


def test_reroute_wsgi_raised_from_middleware():
    """RW1: RerouteWSGI may also be raised from middleware."""
    other = _other_app()

    class Rerouter(Middleware):
        def request(self, next):
            raise RerouteWSGI(other)

    def endpoint():
        raise AssertionError('endpoint must not run')
    app = Application([('/<x*str>', endpoint)], middlewares=[Rerouter()])
    assert text(get(app, '/other/')) == 'okay /other/'


# -- RD1: Redirector ------------------------------------------------------------------

@pytest.mark.parametrize('redirector, status', [
    (Redirector('/other'), 301),
    (Redirector('/other', code=302), 302),
])
def test_redirector_status(redirector, status):
    """RD1/§1.11: Redirector redirects with 301 by default, or the given code."""
    app = Application([('/', redirector)])
    assert get(app).status_code == status


def test_redirector_location_stays_relative():
    """RD1 (changed for Werkzeug 3): the Location header is sent as given, e.g. '/other'."""
    app = Application([('/', Redirector('/other'))])
    assert get(app).headers['Location'] == '/other'


def test_redirector_repr():
    """§1.11: Redirector's repr is ``Redirector('/x', code=301)``."""
    assert repr(Redirector('/x')) == "Redirector('/x', code=301)"


# -- CD1: clastic_decorator -------------------------------------------------------------

def _plain_decorator(func):
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper


def _hello(name):
    return 'hi ' + name


def test_clastic_decorator_keeps_signature_for_injection():
    """CD1: ``clastic_decorator(deco)(f)`` keeps f's parameters visible, so ``name`` is injected."""
    endpoint = clastic_decorator(_plain_decorator)(_hello)
    app = Application([('/', endpoint, render_basic)], resources={'name': 'Ben'})
    assert text(get(app)) == 'hi Ben'


def test_plain_decorator_hides_parameters():
    """CD1: a plain ``*args/**kwargs`` decorator hides f's parameters, so ``name`` is not injected."""
    app = Application([('/', _plain_decorator(_hello), render_basic)], resources={'name': 'Ben'})
    assert get(app).status_code == 500


def test_clastic_decorator_refuses_variadic_function():
    """§1.10: clastic_decorator raises TypeError if the decorated function uses ``*args``/``**kwargs``."""
    with pytest.raises(TypeError):
        clastic_decorator(_plain_decorator)(lambda *args: None)


# -- LC1: get_local_client ---------------------------------------------------------------

def test_local_client_is_werkzeug_client():
    """LC1: ``get_local_client()`` returns werkzeug's test client bound to the app."""
    assert isinstance(Application([]).get_local_client(), Client)


def test_local_client_keeps_cookies():
    """§1.2/LC1: cookies set by one response are sent with the next request of the same client."""
    def set_cookie():
        resp = Response('set')
        resp.set_cookie('flavour', 'oatmeal')
        return resp
    app = Application([('/set', set_cookie),
                       ('/get', lambda request: request.cookies.get('flavour', 'none'), render_basic)])
    client = app.get_local_client()
    client.get('/set')
    assert text(client.get('/get')) == 'oatmeal'


# -- DispatchState ----------------------------------------------------------------------------

def test_dispatch_state_starts_empty():
    """§1.2: a new DispatchState has no exceptions, no allowed methods and no attempted routes."""
    state = DispatchState()
    assert (state.exceptions, state.allowed_methods, state.attempted_routes) == ([], set(), [])


def test_dispatch_state_record_methods():
    """§1.2: ``add_exception``, ``update_methods`` and ``add_route`` record into the state."""
    state = DispatchState()
    exc = NotFound()
    state.add_exception(exc)
    state.update_methods(['POST'])
    state.add_route('route')
    assert (state.exceptions, state.allowed_methods, state.attempted_routes) == ([exc], {'POST'}, ['route'])


def test_dispatch_state_injected_with_allowed_methods():
    """H2/I2: ``_dispatch_state`` is injectable and collects methods of path-matched, method-mismatched routes."""
    def endpoint(_dispatch_state):
        assert isinstance(_dispatch_state, DispatchState)
        return ','.join(sorted(_dispatch_state.allowed_methods))
    app = Application([POST('/x', lambda: 'post', render_basic), ('/x', endpoint, render_basic)])
    assert text(get(app, '/x')) == 'POST'


# -- Application repr, add(), set_error_handler() ---------------------------------------------

def test_application_repr():
    """§1.2: the repr shows routes_count, resources_keys, middlewares, render_factory, slash_mode and debug."""
    app = Application([('/', lambda: 'x', render_basic)], resources={'b': 2, 'a': 1})
    assert repr(app) == ("<Application routes_count=1 resources_keys=['a', 'b'] middlewares=[]"
                         " render_factory=None slash_mode='redirect' debug=False>")


def test_add_after_construction_serves_route():
    """§1.2: ``add()`` binds a route after construction and it is served."""
    app = Application([])
    app.add(('/late', lambda: 'late', render_basic))
    assert text(get(app, '/late')) == 'late'


def test_add_after_construction_applies_route_wsgi_wrapper():
    """MW4 (changed): a middleware's ``wsgi_wrapper`` on a route added after construction is applied."""
    app = Application([('/', lambda: 'root', render_basic)])
    app.add(Route('/late', lambda: 'late', render_basic, middlewares=[WrapperMiddleware()]))
    assert get(app, '/late').headers.get('X-Wrapped') == 'yes'


def test_set_error_handler_applies_to_existing_routes():
    """§1.2 (changed): ``set_error_handler`` after construction is used by routes bound earlier."""
    class CustomHandler(ErrorHandler):
        def render_error(self, request, _error, **kw):
            return Response('custom %s' % _error.code, status=_error.code)

    def endpoint():
        raise NotFound()
    app = Application([('/x', endpoint)])
    app.set_error_handler(CustomHandler())
    resp = get(app, '/x')
    assert (resp.status_code, text(resp)) == (404, 'custom 404')


# -- SA1: prefixes -------------------------------------------------------------------------------

def _sub_app():
    return Application([('/', lambda: 'root', render_basic), ('/foo', lambda: 'foo', render_basic)])


@pytest.mark.parametrize('prefix, patterns', [
    ('/beta', ['/beta/', '/beta/foo']),
    ('/beta/', ['/beta/', '/beta/foo']),
    ('/beta//', ['/beta/', '/beta/foo']),
    ('/', ['/', '/foo']),
])
def test_subapp_prefix_patterns(prefix, patterns):
    """SA1: a ``('/prefix', app)`` tuple embeds the app; trailing slashes of the prefix are stripped ('/' -> '')."""
    app = Application([(prefix, _sub_app())])
    assert [r.pattern for r in app.routes] == patterns


@pytest.mark.parametrize('path, body', [('/beta/', 'root'), ('/beta/foo', 'foo')])
def test_subapp_routes_served_under_prefix(path, body):
    """SA1: the embedded routes answer under the prefix."""
    app = Application([('/beta/', _sub_app())])
    assert text(get(app, path)) == body


def test_subapp_prefix_with_binding():
    """SA1/I1: a prefix with a URL binding is injected into the sub app's endpoints."""
    sub = Application([('/p/<pid:int>', lambda pid, uid=None: '%r,%r' % (uid, pid), render_basic)])
    app = Application([('/u/<uid:int>', sub)])
    assert text(get(app, '/u/3/p/4')) == '3,4'


# -- SA2: copy at embed time, outer error handler ---------------------------------------------

def test_subapp_routes_copied_at_embed_time():
    """SA2: routes are copied at embed time; routes added to the sub app later are not seen."""
    sub = _sub_app()
    app = Application([('/s', sub)])
    sub.add(('/added-later', lambda: 'late', render_basic))
    assert get(app, '/s/added-later').status_code == 404


def test_subapp_uses_outer_render_error():
    """SA2: the outermost app's error handler supplies ``render_error`` for embedded routes."""
    class SubHandler(ErrorHandler):
        def render_error(self, request, _error, **kw):
            return Response('sub handler', status=_error.code)

    def endpoint():
        raise NotFound()
    sub = Application([('/x', endpoint)], error_handler=SubHandler())
    app = Application([('/s', sub)])
    resp = get(app, '/s/x')
    assert (resp.status_code, text(resp).splitlines()[0]) == (404, '404 - Not found')


def test_subapp_uses_outer_uncaught_handling():
    """SA2: the outermost app's ``uncaught_to_response`` is used, not the sub app's (no re-raise here)."""
    sub = Application([('/x', boom)], error_handler=ErrorHandler(reraise_uncaught=True))
    app = Application([('/s', sub)])
    assert get(app, '/s/x').status_code == 500


# -- SA3: render rebinding --------------------------------------------------------------------------

@pytest.mark.parametrize('rebind_render, outer_factory, body', [
    (False, make_factory('outer'), 'sub:tmpl:v'),
    (False, None, 'sub:tmpl:v'),
    (True, make_factory('outer'), 'outer:tmpl:v'),
])
def test_subapp_rebind_render(rebind_render, outer_factory, body):
    """SA3: rebind_render=False keeps the sub app's render; rebind_render=True re-runs the embedding factory."""
    sub = Application([('/x', lambda: 'v', 'tmpl')], render_factory=make_factory('sub'))
    app = Application([SubApplication('/s', sub, rebind_render=rebind_render)], render_factory=outer_factory)
    assert text(get(app, '/s/x')) == body


def test_subapp_keeps_original_render_factory():
    """SA3: with rebind_render=False the bound route keeps its original ``render_factory``."""
    sub_factory = make_factory('sub')
    sub = Application([('/x', lambda: 'v', 'tmpl')], render_factory=sub_factory)
    app = Application([('/s', sub)], render_factory=make_factory('outer'))
    assert app.routes[0].render_factory is sub_factory


def test_subapp_unresolved_render_uses_embedding_factory():
    """SA3: a render name that never got a factory is resolved with the embedding app's factory."""
    sub = Application([('/x', lambda: 'v', 'tmpl')])
    app = Application([('/s', sub)], render_factory=make_factory('outer'))
    assert text(get(app, '/s/x')) == 'outer:tmpl:v'


# -- SA4: slashes -----------------------------------------------------------------------------------

@pytest.mark.parametrize('inherit_slashes, status', [(True, 301), (False, 404)])
def test_subapp_inherit_slashes(inherit_slashes, status):
    """SA4: inherit_slashes=True takes the embedding app's slash mode (redirect); False keeps the sub app's (strict)."""
    sub = Application([('/b/', lambda: 'b', render_basic)], slash_mode='strict')
    app = Application([SubApplication('/s', sub, inherit_slashes=inherit_slashes)])
    assert get(app, '/s/b').status_code == status


# -- SA5: middlewares and resources -------------------------------------------------------------------

def test_subapp_middlewares_deduplicated():
    """SA5/MW3: parent and sub app each with a DummyMiddleware -> the bound route has 1 (test-backed)."""
    sub = Application([('/x', lambda: 'x', render_basic)], middlewares=[DummyMiddleware()])
    app = Application([('/s', sub)], middlewares=[DummyMiddleware()])
    assert len(app.routes[0].middlewares) == 1


def test_subapp_parent_resource_wins_at_request_time():
    """SA5/I6: parent resource name='Kurt' beats sub app resource name='Rajkumar' for sub app routes (test-backed)."""
    sub = Application([('/n', lambda name: name, render_basic)], resources={'name': 'Rajkumar'})
    app = Application([('/s', sub)], resources={'name': 'Kurt'})
    assert text(get(app, '/s/n')) == 'Kurt'


# -- Errors: 404, 405, negotiation -------------------------------------------------------------------

def test_not_found_status():
    """H4: a path no route matches answers 404."""
    app = Application([('/', lambda: 'x', render_basic)])
    assert get(app, '/missing').status_code == 404


def test_method_not_allowed_status_and_allow_header():
    """H4/H5 (fixed): a path matched with the wrong method answers 405 with an ``Allow`` header."""
    app = Application([GET('/g', lambda: 'g', render_basic)])
    resp = app.get_local_client().post('/g')
    assert (resp.status_code, resp.headers.get('Allow')) == (405, 'GET, HEAD')


@pytest.mark.parametrize('accept, mimetype', [
    (None, 'text/plain'),
    ('*/*', 'text/html'),
    ('application/json', 'application/json'),
    ('text/html', 'text/html'),
    ('application/xml', 'application/xml'),
])
def test_error_body_negotiation(accept, mimetype):
    """E5: no Accept -> text/plain; ``*/*`` -> HTML; otherwise the best match among html/json/text/xml."""
    headers = {'Accept': accept} if accept else {}
    resp = get(Application([]), '/missing', headers=headers)
    assert resp.mimetype == mimetype


def test_json_error_body_keys():
    """E3: the JSON error body has keys code, message, detail and error_type."""
    resp = get(Application([]), '/missing', headers={'Accept': 'application/json'})
    data = json.loads(text(resp))
    assert {'code', 'message', 'detail', 'error_type'} <= set(data) and data['code'] == 404


def test_bare_http_exception_is_not_200():
    """E1 (fixed): a bare ``HTTPException()`` raised is sent as 500, not 200."""
    def endpoint():
        raise HTTPException()
    assert get(Application([('/', endpoint)])).status_code == 500


# -- Errors: 500 without leaks, debug, logging ---------------------------------------------------------

@pytest.mark.parametrize('accept', ERROR_ACCEPTS)
def test_production_500_does_not_leak(accept):
    """E9 (fixed): a production 500 shows neither the exception type, message, file nor traceback."""
    resp = get(Application([('/', boom)]), headers={'Accept': accept})
    body = text(resp)
    assert resp.status_code == 500
    assert [s for s in ('RuntimeError', 'secret-token-123', '.py', 'Traceback') if s in body] == []


@pytest.mark.parametrize('accept', ERROR_ACCEPTS)
def test_production_500_request_id_matches_log(accept, caplog):
    """E9 (fixed): the 500 body carries a request id that also appears in the 'clastic_like' log record."""
    with caplog.at_level(logging.ERROR, logger='clastic_like'):
        body = text(get(Application([('/', boom)]), headers={'Accept': accept}))
    messages = [r.getMessage() for r in caplog.records if r.name == 'clastic_like']
    candidates = re.findall(r'[0-9a-f]{16,}', body)
    assert len(messages) == 1 and any(c in messages[0] for c in candidates)


@pytest.mark.parametrize('accept', ERROR_ACCEPTS)
def test_debug_500_shows_exception(accept):
    """E10/E12: with debug=True the 500 body shows the exception type and message."""
    body = text(get(Application([('/', boom)], debug=True), headers={'Accept': accept}))
    assert 'RuntimeError' in body and 'secret-token-123' in body


def test_debug_uses_contextual_error_handler():
    """§1.2: ``debug=True`` selects ContextualErrorHandler as the default error handler."""
    assert isinstance(Application([], debug=True).error_handler, ContextualErrorHandler)


# -- No global state --------------------------------------------------------------------------------------

def _interleave(pairs):
    """GET each (app, path) in order, alternating apps, and return the bodies."""
    clients = {}
    out = []
    for app, path in pairs:
        client = clients.setdefault(id(app), app.get_local_client())
        out.append(text(client.get(path)))
    return out


def test_same_named_resources_are_per_application():
    """Issue (no global state): two apps with a same-named resource each serve their own value."""
    route = Route('/', lambda name: name, render_basic)
    one = Application([route], resources={'name': 'one'})
    two = Application([route], resources={'name': 'two'})
    assert _interleave([(one, '/'), (two, '/'), (one, '/'), (two, '/')]) == ['one', 'two', 'one', 'two']


def test_same_named_converters_are_per_application():
    """Issue (no global state): a converter name means what each app's ``converters`` says, independently."""
    route = Route('/s/<v:slug>', lambda v: repr(v), render_basic)
    letters = Application([route], converters={'slug': (r'[a-z]+', str.upper)})
    digits = Application([route], converters={'slug': (r'[0-9]+', int)})
    bodies = _interleave([(letters, '/s/abc'), (digits, '/s/123'), (letters, '/s/xyz'), (digits, '/s/7')])
    assert bodies == ["'ABC'", '123', "'XYZ'", '7']


@pytest.mark.parametrize('app_index, path', [(0, '/s/123'), (1, '/s/abc')])
def test_converter_of_other_application_does_not_match(app_index, path):
    """Issue (no global state): a segment valid only for the other app's converter gives 404."""
    route = Route('/s/<v:slug>', lambda v: repr(v), render_basic)
    apps = [Application([route], converters={'slug': (r'[a-z]+', str.upper)}),
            Application([route], converters={'slug': (r'[0-9]+', int)})]
    assert get(apps[app_index], path).status_code == 404


class Tagger(Middleware):
    provides = ('tag',)

    def __init__(self, tag):
        self.tag = tag

    def request(self, next):
        return next(tag=self.tag)


def test_same_middleware_class_configured_differently_per_application():
    """Issue (no global state): one middleware class configured differently in two apps keeps each configuration."""
    route = Route('/', lambda tag: tag, render_basic)
    one = Application([route], middlewares=[Tagger('one')])
    two = Application([route], middlewares=[Tagger('two')])
    assert _interleave([(one, '/'), (two, '/'), (one, '/'), (two, '/')]) == ['one', 'two', 'one', 'two']


def test_distinct_middleware_classes_with_same_name_per_application():
    """Issue (no global state): two different middleware classes sharing a class name do not affect each other."""
    def make(tag):
        class Tagger(Middleware):
            provides = ('tag',)

            def request(self, next):
                return next(tag=tag)
        return Tagger()
    route = Route('/', lambda tag: tag, render_basic)
    one = Application([route], middlewares=[make('one')])
    two = Application([route], middlewares=[make('two')])
    assert _interleave([(two, '/'), (one, '/'), (two, '/'), (one, '/')]) == ['two', 'one', 'two', 'one']


def test_building_second_application_leaves_first_routes_unchanged():
    """Issue (no global state): building a second app from the same Route does not change the first app's routes."""
    route = Route('/s/<v:slug>', lambda v, name: name + repr(v), render_basic)
    one = Application([route], resources={'name': 'one'}, converters={'slug': (r'[a-z]+', str.upper)},
                      middlewares=[Tagger('one')])

    def snapshot(app):
        return [(r, r.pattern, r.regex.pattern, dict(r.resources), [m.tag for m in r.middlewares],
                 r.converters['slug'])
                for r in app.routes]
    before = snapshot(one)
    Application([route], resources={'name': 'two'}, converters={'slug': (r'[0-9]+', int)},
                middlewares=[Tagger('two')])
    assert snapshot(one) == before and text(get(one, '/s/abc')) == "one'ABC'"


def test_invalid_pattern_and_method_are_value_errors():
    """C14: InvalidPattern and InvalidMethod are ValueError subclasses."""
    from clastic_like.route import InvalidMethod, InvalidPattern

    assert issubclass(InvalidPattern, ValueError) and issubclass(InvalidMethod, ValueError)


def test_render_factory_error_surfaces_at_construction():
    """C16/RF1: a render factory that fails for a route's render argument fails Application construction."""
    def factory(template_name):
        raise LookupError(f'no template {template_name!r}')

    with pytest.raises(LookupError, match='missing.html'):
        Application([('/', lambda: {}, 'missing.html')], render_factory=factory)


def test_render_factory_called_once_per_binding():
    """RF1: the render factory is called at bind time, once for the route, not per request."""
    calls = []

    def factory(name):
        calls.append(name)
        return lambda context: Response(f'{name}:{context}')

    app = Application([('/', lambda: 'ctx', 'page')], render_factory=factory)
    client = app.get_local_client()
    assert [client.get('/').get_data(as_text=True) for _ in range(3)] == ['page:ctx'] * 3
    assert calls == ['page']


@pytest.mark.parametrize('raised, status', [
    ('RequestEntityTooLarge', 413), ('BadRequest', 400), ('UnsupportedMediaType', 415),
    ('UnprocessableEntity', 422), ('Unauthorized', 401), ('TooManyRequests', 429),
])
def test_werkzeug_http_errors_become_clastic_errors(raised, status):
    """A Werkzeug HTTP error raised inside a chain (e.g. by request parsing) is that 4xx, rendered like ours."""
    import werkzeug.exceptions

    def endpoint():
        raise getattr(werkzeug.exceptions, raised)()

    resp = Application([('/', endpoint, render_basic)]).get_local_client().get(
        '/', headers={'Accept': 'application/json'})
    assert resp.status_code == status and resp.get_json()['code'] == status


def test_bad_json_body_is_a_400_not_a_500():
    """request.get_json() on a malformed body answers 400 (Werkzeug's BadRequest converted)."""
    def endpoint(request):
        return request.get_json()

    client = Application([('/', endpoint, render_basic)]).get_local_client()
    resp = client.post('/', data='{not json', content_type='application/json')
    assert resp.status_code == 400


def test_oversize_form_is_a_413():
    """A form body over the request's max_content_length answers 413, not 500."""
    from clastic_like import Request

    class SmallRequest(Request):
        max_content_length = 10

    def endpoint(request):
        return dict(request.form)

    app = Application([('/', endpoint, render_basic)])
    app.request_type = SmallRequest
    resp = app.get_local_client().post('/', data={'field': 'x' * 100})
    assert resp.status_code == 413


def test_uploaded_files_are_closed_after_the_response():
    """Files parsed from a multipart body are closed once the response is made (no leaked temp files)."""
    import io

    seen = []

    def upload(request):
        seen.append(request.files['f'])
        return request.files['f'].filename

    client = Application([('/', upload, render_basic)]).get_local_client()
    resp = client.post('/', data={'f': (io.BytesIO(b'x' * 10), 'u.txt')})
    assert resp.get_data(as_text=True) == 'u.txt' and seen[0].stream.closed


def test_files_parsed_for_the_form_alone_are_closed_after_the_response():
    """Files parsed along with request.form (the endpoint never reads request.files) are closed too."""
    import io

    seen = []

    def endpoint(request):
        seen.append(request)
        return request.form['a']

    resp = Application([('/', endpoint, render_basic)]).get_local_client().post(
        '/', data={'a': '1', 'f': (io.BytesIO(b'x'), 'u.txt')})
    assert resp.get_data(as_text=True) == '1'
    assert vars(seen[0])['files']['f'].stream.closed  # (read after the response: vars, not the property)


def test_assigned_files_are_closed_after_the_response():
    """Files an endpoint assigns to request.files are closed after the response, as parsed ones are."""
    import io

    from werkzeug.datastructures import FileStorage, MultiDict

    upload = FileStorage(io.BytesIO(b'x'), 'u.txt')

    def endpoint(request):
        request.files = MultiDict([('f', upload)])
        return 'ok'

    resp = Application([('/', endpoint, render_basic)]).get_local_client().get('/')
    assert resp.get_data(as_text=True) == 'ok' and upload.stream.closed


def test_files_of_a_request_type_with_its_own_form_parsing_are_closed():
    """A request type with its own form machinery (here: its own ``files``) still has its files closed
    after the response."""
    import io

    from werkzeug.datastructures import FileStorage, ImmutableMultiDict
    from werkzeug.utils import cached_property

    upload = FileStorage(io.BytesIO(b'x'), 'u.txt')

    class OwnParsing(Request):
        @cached_property
        def files(self):
            return ImmutableMultiDict([('f', upload)])

    def endpoint(request):
        return request.files['f'].filename

    app = Application([('/', endpoint, render_basic)])
    app.request_type = OwnParsing
    resp = app.get_local_client().post('/', data={'a': '1'})
    assert resp.get_data(as_text=True) == 'u.txt' and upload.stream.closed
