"""``examples/site``: templates, static files and the meta application together."""
from __future__ import annotations

import pytest

from clastic_like import Application
from examples.site import create_app


@pytest.fixture
def client():
    return create_app().get_local_client()


def get(client, path, **kw):
    return client.get(path, buffered=True, **kw)


def test_create_app_builds_a_fresh_application():
    """The example builds its application in a function; two calls share nothing."""
    first, second = create_app(), create_app()
    assert isinstance(first, Application) and first is not second
    assert first.resources['notes'] is not second.resources['notes']


def test_home_lists_notes_from_template(client):
    """The home page is index.html extending base.html, listing every note with the custom filter."""
    resp = get(client, '/')
    body = resp.get_data(as_text=True)
    assert resp.content_type == 'text/html; charset=utf-8'
    assert '<title>Field notes</title>' in body and 'Routes are tried in order' in body
    assert '19 words' in body


def test_note_page_escapes_data(client):
    """A note's text is autoescaped by the HTML template."""
    body = get(client, '/notes/escaping').get_data(as_text=True)
    assert '&lt;script&gt;alert(1)&lt;/script&gt;' in body and '<script>' not in body


def test_unknown_note_is_404(client):
    """An unknown slug is a 404 from the endpoint."""
    assert get(client, '/notes/nope').status_code == 404


def test_feed_is_xml(client):
    """The feed template's ``.xml`` extension makes it application/xml."""
    resp = get(client, '/feed.xml')
    assert resp.mimetype == 'application/xml' and '<feed' in resp.get_data(as_text=True)


def test_api_is_json(client):
    """The JSON route lists slugs and titles."""
    assert get(client, '/api/notes').get_json()[0] == {'slug': 'ordered-routes', 'title': 'Routes are tried in order'}


@pytest.mark.parametrize('path, mimetype', [
    ('/static/style.css', 'text/css'),
    ('/static/logo.svg', 'image/svg+xml'),
    ('/robots.txt', 'text/plain'),
])
def test_static_files(client, path, mimetype):
    """Static files are served with their types and validators."""
    resp = get(client, path)
    assert resp.status_code == 200 and resp.mimetype == mimetype and resp.headers['ETag']


def test_static_refuses_traversal(client):
    """The site's static mount does not serve its own source."""
    assert get(client, '/static/../app.py').status_code == 403


def test_meta_mounted_and_redacting(client):
    """The meta application is mounted at /_meta/, lists the site's routes and redacts its secret."""
    body = get(client, '/_meta/').get_data(as_text=True)
    assert '/notes/&lt;slug&gt;' in body and 'template <code>note.html</code>' in body
    assert 'example-only-not-a-real-secret' not in body


def test_debug_app_reloads_templates():
    """``create_app(debug=True)`` turns template auto-reload on and uses the debug error handler."""
    app = create_app(debug=True)
    assert app.debug and app.render_factory.env.auto_reload
