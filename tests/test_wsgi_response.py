"""The fast path from Response to WSGI sends exactly what Werkzeug would."""
from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import Headers
from werkzeug.wrappers import Response

from clastic_like._wsgi_response import to_wsgi
from clastic_like.errors import NotFound

header_names = st.sampled_from(["X-A", "Content-Length", "Location", "content-location", "Set-Cookie",
                                "Content-Type", "Vary", "ETag"])
header_values = st.text(alphabet=string.ascii_letters + string.digits + "/:;=. ", max_size=12)
statuses = st.sampled_from([100, 101, 200, 201, 204, 206, 301, 304, 400, 404, 500, 503])
bodies = st.one_of(
    st.lists(st.binary(max_size=20), max_size=3),
    st.lists(st.text(max_size=5), max_size=3),
    st.binary(max_size=30).map(lambda b: iter([b])),
)


def _run(app_call, environ):
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"] = status
        captured["headers"] = list(headers)

    body = app_call(environ, start_response)
    try:
        data = b"".join(body)
    finally:
        if hasattr(body, "close"):
            body.close()
    return captured["status"], captured["headers"], data


def _outcome(fn):
    """The result, or the type of the exception raised (a passthrough str body fails on both paths)."""
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - compared, not hidden
        return type(exc)


def _environ(method):
    return {"REQUEST_METHOD": method, "SERVER_NAME": "localhost", "SERVER_PORT": "80",
            "wsgi.url_scheme": "http", "PATH_INFO": "/x", "SCRIPT_NAME": "", "HTTP_HOST": "localhost"}


class _SubHeaders(Headers):
    pass


@settings(max_examples=400, deadline=None)
@given(statuses, st.lists(st.tuples(header_names, header_values), max_size=4), bodies,
       st.sampled_from(["GET", "HEAD", "POST"]), st.booleans(), st.booleans(), st.booleans())
def test_fast_path_matches_werkzeug(status, headers, body, method, passthrough, on_close, sub_headers):
    """For random responses and methods, to_wsgi yields the same status, headers and body as Response.__call__."""
    def make():
        resp = Response(status=status, headers=headers, direct_passthrough=passthrough)
        resp.response = list(body) if isinstance(body, list) else body
        if on_close:
            resp.call_on_close(lambda: None)
        if sub_headers:  # a Headers subclass is iterated, not read through _list
            resp.headers = _SubHeaders(resp.headers)
        return resp

    if not isinstance(body, list):
        body_copy = list(body)
        body = body_copy

        def make():  # noqa: F811 - rebuild with a fresh iterator each time
            resp = Response(status=status, headers=headers, direct_passthrough=passthrough)
            resp.response = iter(body_copy)
            return resp

    assert _outcome(lambda: _run(lambda e, s: to_wsgi(make(), e, s), _environ(method))) == \
        _outcome(lambda: _run(make(), _environ(method)))


def test_fast_path_matches_for_http_exceptions():
    """A returned HTTPException (a Response subclass) is sent identically by both paths."""
    expected = _run(NotFound("gone"), _environ("GET"))
    actual = _run(lambda e, s: to_wsgi(NotFound("gone"), e, s), _environ("GET"))
    assert actual == expected


def test_custom_response_call_is_respected():
    """A Response subclass overriding __call__ is handed to its own __call__."""
    class Custom(Response):
        def __call__(self, environ, start_response):
            start_response("299 CUSTOM", [])
            return [b"custom"]

    assert _run(lambda e, s: to_wsgi(Custom("x"), e, s), _environ("GET")) == ("299 CUSTOM", [], b"custom")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=20), st.lists(st.tuples(header_names, header_values), max_size=3),
       st.sampled_from(["GET", "HEAD", "POST"]))
def test_made_response_with_added_headers_matches_werkzeug(body, added, method):
    """A make_response answer with headers added after it (as middleware do) goes out as Response.__call__ sends it."""
    from clastic_like._wrappers import make_response

    def make():
        resp = make_response(body, "text/plain; charset=utf-8")
        for name, value in added:
            resp.headers.add(name, value)
        return resp

    assert _run(lambda e, s: to_wsgi(make(), e, s), _environ(method)) == _run(make(), _environ(method))
