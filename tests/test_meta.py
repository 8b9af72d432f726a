"""``clastic_like.meta``: the /_meta/ introspection application (§2.15, MA1-MA4)."""
from __future__ import annotations

import dataclasses
import html
from collections import namedtuple

import pytest

from clastic_like import Application, GET, Middleware, render_basic, render_json
from clastic_like.meta import (
    DEFAULT_PERIPHERALS,
    REDACTED,
    MetaApplication,
    MetaPeripheral,
    is_secret_key,
    redact,
    redacted_repr,
)


class Timer(Middleware):
    """Hands the endpoint a start time."""

    provides = ('started',)

    def request(self, next, request):
        return next(started=1.0)


def show_user(user_id, db, started, request, verbose=False):
    """Show one user."""
    return {'id': user_id}


def build(resources=None, middlewares=(), extra_routes=(), **meta_kw):
    routes = [GET('/users/<user_id:int>', show_user, render_basic), *extra_routes,
              ('/_meta', MetaApplication(**meta_kw))]
    return Application(routes, resources={'db': {}, **(resources or {})}, middlewares=list(middlewares) or [Timer()])


def page(app, path='/_meta/'):
    resp = app.get_local_client().get(path)
    assert resp.status_code == 200
    return resp


# -- MA1: routes and formats ---------------------------------------------------------------------

def test_meta_page_is_html():
    """MA1: ``/_meta/`` is an HTML page rendered from a Jinja2 template."""
    resp = page(build())
    assert resp.content_type == 'text/html; charset=utf-8'
    assert resp.get_data(as_text=True).startswith('<!DOCTYPE html>')


def test_meta_json_is_json():
    """MA1: ``/_meta/json/`` returns the same sections as JSON, with no section failing (MA3)."""
    data = page(build(), '/_meta/json/').get_json()
    assert set(data['sections']) >= {'routes', 'middlewares', 'resources', 'host', 'process', 'python'}
    assert data['errors'] == {}


def test_meta_bare_prefix_redirects():
    """MA1: ``/_meta`` redirects to the canonical ``/_meta/``."""
    resp = build().get_local_client().get('/_meta')
    assert resp.status_code == 301 and resp.headers['Location'].endswith('/_meta/')


def test_meta_stylesheet_is_served_and_linked():
    """MA1: the page links its stylesheet under the mount point, and that URL serves CSS."""
    app = build()
    assert 'href="/_meta/clastic_assets/meta.css"' in page(app).get_data(as_text=True)
    resp = app.get_local_client().get('/_meta/clastic_assets/meta.css', buffered=True)
    assert resp.status_code == 200 and resp.mimetype == 'text/css'


def test_meta_page_has_no_script():
    """MA1 (changed): the page is plain HTML and CSS: no jQuery, no script at all."""
    assert '<script' not in page(build()).get_data(as_text=True)


def test_meta_links_honour_script_root():
    """Links are built from the mount point and SCRIPT_NAME, so they work behind a prefix."""
    app = build()
    body = app.get_local_client().get('/_meta/', environ_overrides={'SCRIPT_NAME': '/app'}).get_data(as_text=True)
    assert 'href="/app/_meta/json/"' in body and 'href="/app/_meta/clastic_assets/meta.css"' in body


# -- MA2: what is shown ----------------------------------------------------------------------------

def test_routes_listed_with_pattern_methods_and_endpoint():
    """MA2: each route shows its pattern, methods and endpoint (module and name)."""
    routes = page(build(), '/_meta/json/').get_json()['sections']['routes']
    user = routes[0]
    assert user['pattern'] == '/users/<user_id:int>'
    assert user['methods'] == ['GET', 'HEAD']
    assert user['endpoint']['name'].endswith('show_user') and user['endpoint']['doc'] == 'Show one user.'


def test_routes_show_every_argument_source():
    """MA2: every endpoint argument shows its source: url, resource, middleware, builtin or default."""
    routes = page(build(), '/_meta/json/').get_json()['sections']['routes']
    endpoint_step = next(step for step in routes[0]['chain'] if step['role'] == 'endpoint')
    sources = {arg['name']: arg['source'] for arg in endpoint_step['args']}
    assert sources == {'user_id': 'url', 'db': 'resource', 'started': 'middleware', 'request': 'builtin',
                       'verbose': 'default'}


def test_routes_show_render_function_and_template():
    """MA2/MA4 (fixed): renders are named (functions by qualified name, templates by file), not as 'function'."""
    routes = page(build(), '/_meta/json/').get_json()['sections']['routes']
    assert routes[0]['render']['name'] == 'clastic_like.render.simple.BasicRender instance'
    meta_main = next(r for r in routes if r['pattern'] == '/_meta/')
    assert meta_main['render'] == {'type': 'template', 'name': 'meta/meta.html', 'mimetype': 'text/html',
                                   'argument': None}


def test_route_without_render():
    """MA2: a route without render says so."""
    from clastic_like import Response
    app = build(extra_routes=[('/raw', lambda: Response('x'))])
    raw = next(r for r in page(app, '/_meta/json/').get_json()['sections']['routes'] if r['pattern'] == '/raw')
    assert raw['render']['type'] is None


def test_routes_shown_in_html_escaped():
    """MA2: patterns appear on the page, escaped."""
    body = page(build()).get_data(as_text=True)
    assert '/users/&lt;user_id:int&gt;' in body and '<user_id' not in body


def test_middleware_listed_with_provides_and_requires():
    """MA2: application-wide middleware show their type, provides and requires."""
    mws = page(build(), '/_meta/json/').get_json()['sections']['middlewares']
    assert mws == [{'name': 'Timer', 'module': __name__, 'hooks': ['request'], 'provides': ['started'],
                    'endpoint_provides': [], 'render_provides': [], 'requires': ['request'],
                    'doc': 'Hands the endpoint a start time.'}]


def test_host_process_python_sections():
    """MA2: host, process and Python facts are present."""
    sections = page(build(), '/_meta/json/').get_json()['sections']
    assert sections['host']['cpu_count'] and sections['host']['time_utc'].endswith('+00:00')
    assert sections['process']['pid'] > 0 and 'rlimits' in sections['process']
    assert sections['python']['version'] and sections['python']['recursion_limit'] > 0


def test_meta_does_not_change_umask(monkeypatch):
    """MA2 (changed): showing the process never calls ``os.umask`` (which can only read by setting)."""
    import os
    calls = []
    monkeypatch.setattr(os, 'umask', lambda *a: calls.append(a))
    page(build(), '/_meta/')
    page(build(), '/_meta/json/')
    assert calls == []


def test_introspects_the_application_it_is_mounted_in():
    """MA2: the meta application describes the outermost application, including its own routes."""
    patterns = [r['pattern'] for r in page(build(), '/_meta/json/').get_json()['sections']['routes']]
    assert patterns[0] == '/users/<user_id:int>' and '/_meta/json/' in patterns


# -- redaction (MA2, hardened) ----------------------------------------------------------------------------

@dataclasses.dataclass
class Config:
    host: str
    api_key: str


Creds = namedtuple('Creds', 'user password')

SECRET_RESOURCES = {
    'secret_key': 'value-1',
    'DB_PASSWORD': 'value-2',
    'passwd': 'value-3',
    'AuthToken': 'value-4',
    'api_key': 'value-5',
    'Credentials': 'value-6',
    'settings': {'nested': {'Session_Secret': 'value-7'}, 'list': [{'token': 'value-8'}]},
    'config': Config('db.local', 'value-9'),
    'creds': Creds('ada', 'value-10'),
}


@pytest.mark.parametrize('path', ['/_meta/', '/_meta/json/'])
def test_secrets_are_redacted(path):
    """MA2 (hardened): keys containing secret/password/passwd/token/key/credential are redacted at any depth."""
    body = page(build(resources=SECRET_RESOURCES), path).get_data(as_text=True)
    for i in range(1, 11):
        assert f'value-{i}' not in body
    assert REDACTED in html.unescape(body)


def test_non_secret_values_are_shown():
    """MA2: other resources show their type and (truncated) repr."""
    resources = page(build(resources={'greeting': 'hello', 'limit': 5, 'long': 'x' * 500}),
                     '/_meta/json/').get_json()['sections']['resources']
    by_name = {r['name']: r for r in resources}
    assert by_name['greeting'] == {'name': 'greeting', 'type': 'str', 'value': "'hello'"}
    assert by_name['limit']['value'] == '5'
    assert len(by_name['long']['value']) <= 160


@pytest.mark.parametrize('key, secret', [
    ('secret', True), ('SECRET_KEY', True), ('password', True), ('passwd', True), ('token', True),
    ('api_key', True), ('credentials', True), ('Keyring', True), ('name', False), ('db', False), (3, False),
])
def test_is_secret_key(key, secret):
    """MA2: secret-looking keys are recognised case-insensitively by substring."""
    assert is_secret_key(key) is secret


def test_redact_keeps_structure():
    """redact() copies mappings and sequences, replacing only secret values."""
    assert redact({'a': [1, {'token': 't'}], 'b': ('x', {'key': 'k'})}) == \
        {'a': [1, {'token': REDACTED}], 'b': ('x', {'key': REDACTED})}


def test_redact_survives_cycles():
    """redact() cuts reference cycles instead of recursing forever."""
    loop = {'a': 1}
    loop['self'] = loop
    assert redact(loop)['self'] == '<cycle>'


def test_redacted_repr_scrubs_object_reprs():
    """An object whose own repr shows ``password=...`` is scrubbed too."""
    class Conn:
        def __repr__(self):
            return "<Conn user=ada password='hunter2'>"
    assert 'hunter2' not in redacted_repr(Conn())


def test_broken_repr_does_not_break_page():
    """MA3: a resource whose repr raises is shown as a placeholder."""
    class Broken:
        def __repr__(self):
            raise RuntimeError('no repr')
    resources = page(build(resources={'b': Broken()}), '/_meta/json/').get_json()['sections']['resources']
    assert 'repr failed' in resources[0]['value'] or 'repr failed' in resources[1]['value']


# -- MA3: failing peripherals ---------------------------------------------------------------------------

class Exploding(MetaPeripheral):
    key, title = 'exploding', 'Exploding'

    def get_context(self, _application, request):
        raise RuntimeError('peripheral broke')


def test_failing_peripheral_is_isolated():
    """MA3: a failing section shows its error; the rest of the page renders."""
    app = build(peripherals=[Exploding])
    body = page(app).get_data(as_text=True)
    assert 'RuntimeError: peripheral broke' in body and 'id="routes"' in body
    assert page(app, '/_meta/json/').get_json()['errors'] == {'exploding': 'RuntimeError: peripheral broke'}


class Custom(MetaPeripheral):
    key, title = 'custom', 'Custom section'

    def get_context(self, _application, request):
        return {'route_count': len(_application.routes), 'path': request.path}


def test_custom_peripheral_section():
    """§1.8: a custom peripheral adds a section (generic key/value template) and a JSON entry."""
    app = build(peripherals=[Custom()])
    assert 'Custom section' in page(app).get_data(as_text=True)
    assert page(app, '/_meta/json/').get_json()['sections']['custom']['path'] == '/_meta/json/'


class WithRoute(MetaPeripheral):
    key, title = 'extra', 'Extra'

    def get_context(self, _application, request):
        return {}

    def get_extra_routes(self):
        return [('/extra', lambda: {'extra': True}, render_json)]


def test_peripheral_extra_routes():
    """§1.8: a peripheral's extra routes are mounted under the meta application."""
    assert page(build(peripherals=[WithRoute]), '/_meta/extra').get_json() == {'extra': True}


@pytest.mark.parametrize('peripheral, error, fragment', [
    (type('NoKey', (MetaPeripheral,), {}), ValueError, 'needs a key'),
    (type('Dup', (MetaPeripheral,), {'key': 'routes'}), ValueError, "two peripherals with key 'routes'"),
    (type('BadTemplate', (MetaPeripheral,), {'key': 'bt', 'template': 'meta/nope.html'}), LookupError, 'nope.html'),
])
def test_bad_peripheral_fails_at_construction(peripheral, error, fragment):
    """A peripheral without a key, with a duplicate key or a missing template fails MetaApplication()."""
    with pytest.raises(error, match=fragment):
        MetaApplication(peripherals=[peripheral])


def test_page_title():
    """§1.8: ``page_title`` heads the page."""
    assert '<title>Field test · meta</title>' in page(build(page_title='Field test')).get_data(as_text=True)


def test_meta_applications_share_nothing():
    """No global state: each MetaApplication builds its own peripherals and templates."""
    a, b = MetaApplication(), MetaApplication()
    assert all(x is not y for x, y in zip(a.peripherals, b.peripherals))
    assert a._templates.env is not b._templates.env
    assert all(isinstance(p, type) for p in DEFAULT_PERIPHERALS)


# -- stats panel --------------------------------------------------------------------------------------

class FakeStats(Middleware):
    """Shaped like a stats middleware: it has ``route_hits``."""

    def __init__(self):
        self.route_hits = {}

    def request(self, next, _route):
        response = next()
        self.route_hits.setdefault(_route, {}).setdefault(str(response.status_code), []).append(1)
        return response


def test_stats_panel_absent_without_stats_middleware():
    """The stats section only appears when a stats middleware is installed."""
    data = page(build(), '/_meta/json/').get_json()
    assert 'stats' not in data['sections'] and 'id="stats"' not in page(build()).get_data(as_text=True)


def test_stats_panel_from_route_hits():
    """A middleware with ``route_hits`` is detected by shape and its hit counts shown."""
    app = build(middlewares=[Timer(), FakeStats()])
    client = app.get_local_client()
    client.get('/users/1')
    client.get('/users/2')
    rows = client.get('/_meta/json/').get_json()['sections']['stats']['rows']
    assert {'pattern': '/users/<user_id:int>', 'status': '200', 'count': 2} in rows


def test_stats_panel_with_stats_middleware():
    """The real StatsMiddleware's snapshot (counts and durations) is shown when installed."""
    stats = pytest.importorskip('clastic_like.middleware.stats')
    app = build(middlewares=[Timer(), stats.StatsMiddleware()])
    client = app.get_local_client()
    client.get('/users/1')
    rows = client.get('/_meta/json/').get_json()['sections']['stats']['rows']
    row = next(r for r in rows if r['pattern'] == '/users/<user_id:int>')
    assert row['count'] == 1 and row['status'] == '200' and 'mean_ms' in row
    assert 'Request statistics' in client.get('/_meta/').get_data(as_text=True)


def test_meta_pages_answer_get_only():
    """The meta pages are read-only: POST is a 405."""
    assert build().get_local_client().post('/_meta/json/').status_code == 405
