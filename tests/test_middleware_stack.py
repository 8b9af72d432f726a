"""Every built-in middleware stacked on one application (examples/middleware_service.py).

Each middleware is tested alone in its own module; here they must work
together: 200, 404, 405, 413 and 500 keep their status and a readable body,
and each middleware still does its part.
"""
import gzip
import logging

import pytest

from clastic_like.middleware import (
    AccessLogMiddleware,
    BodyLimitMiddleware,
    ContextProcessor,
    CORSMiddleware,
    GetParamMiddleware,
    GzipMiddleware,
    HTTPCacheMiddleware,
    PostDataMiddleware,
    RequestIdMiddleware,
    ScriptRootMiddleware,
    SignedCookieMiddleware,
    SimpleContextProcessor,
    SimpleProfileMiddleware,
)
from clastic_like.middleware.stats import StatsMiddleware
from examples import middleware_service

ORIGIN = "https://app.example.com"
BROWSER = {"Origin": ORIGIN, "Accept-Encoding": "gzip", "Accept": "application/json"}


@pytest.fixture
def app():
    return middleware_service.create_app(notes=[f"note {i}" for i in range(25)])


def body_text(resp):
    data = resp.get_data()
    if resp.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return data.decode()


def test_every_builtin_middleware_is_in_the_stack(app):
    """The example application uses each built-in middleware type."""
    types = {type(mw) for mw in app.middlewares}
    assert types >= {AccessLogMiddleware, RequestIdMiddleware, CORSMiddleware, BodyLimitMiddleware,
                     StatsMiddleware, SimpleProfileMiddleware, HTTPCacheMiddleware, GzipMiddleware,
                     SignedCookieMiddleware, GetParamMiddleware, PostDataMiddleware, ScriptRootMiddleware,
                     SimpleContextProcessor}
    assert issubclass(SimpleContextProcessor, ContextProcessor)


def test_200_has_every_middleware_contribution(app):
    """A 200 is compressed, cacheable, CORS-enabled, has a request id and a readable JSON body."""
    resp = app.get_local_client().get("/notes?page=2", headers=BROWSER)
    assert resp.status_code == 200
    assert resp.headers["Content-Encoding"] == "gzip"
    assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "ETag" in resp.headers and "private" in resp.headers["Cache-Control"]
    assert resp.headers["X-Request-ID"]
    assert {"Accept-Encoding", "Cookie", "Origin"} <= set(resp.headers["Vary"].split(", "))
    assert '"note 10"' in body_text(resp)
    assert '"script_root": ""' in body_text(resp)


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/missing", 404),
    ("DELETE", "/notes", 405),
    ("GET", "/boom", 500),
    ("GET", "/notes?page=two", 400),
])
def test_error_statuses_survive_the_stack(app, method, path, status):
    """404, 405, 500 and 400 keep their status and a readable error body, with CORS and request id."""
    resp = app.get_local_client().open(path, method=method, headers=BROWSER)
    assert resp.status_code == status
    assert f'"code": {status}' in body_text(resp)
    assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert resp.headers["X-Request-ID"]


def test_405_keeps_allow_header(app):
    """A 405 through the whole stack still says which methods are allowed."""
    resp = app.get_local_client().delete("/notes", headers=BROWSER)
    assert resp.headers["Allow"] == "GET, HEAD, POST"


def test_500_body_has_no_traceback(app):
    """A 500 through the stack shows no exception details outside debug mode."""
    resp = app.get_local_client().get("/boom", headers=BROWSER)
    assert "always fails" not in body_text(resp) and "Traceback" not in body_text(resp)


def test_post_form_and_session(app):
    """A POST reads the form, updates the session and sets its cookie."""
    client = app.get_local_client()
    resp = client.post("/notes", data={"text": "hello"}, headers=BROWSER)
    assert resp.status_code == 200 and '"added_by_you": 1' in body_text(resp)
    assert "clastic_session=" in resp.headers["Set-Cookie"]
    assert '"added_by_you": 2' in body_text(client.post("/notes", data={"text": "again"}, headers=BROWSER))


def test_oversize_body_is_413(app):
    """A body over the limit is a 413 through the stack."""
    resp = app.get_local_client().post("/notes", data={"text": "x" * 70_000}, headers=BROWSER)
    assert resp.status_code == 413


def test_preflight_for_post(app):
    """A preflight for POST /notes is answered by CORS with credentials allowed."""
    resp = app.get_local_client().options("/notes", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert resp.status_code == 204 and resp.headers["Access-Control-Allow-Credentials"] == "true"


def test_conditional_get_gives_304(app):
    """A repeated GET with the ETag gets a 304 through the stack."""
    client = app.get_local_client()
    etag = client.get("/notes", headers=BROWSER).headers["ETag"]
    assert client.get("/notes", headers={**BROWSER, "If-None-Match": etag}).status_code == 304


def test_stats_see_every_status(app):
    """The stats app reports the 200, 404 and error hits of the stack."""
    client = app.get_local_client()
    client.get("/notes")
    client.get("/missing")
    client.get("/boom")
    stats = client.get("/_stats/", headers={"Accept": "application/json"}).get_json()["route_stats"]
    assert stats["/notes"]["200"]["count"] == 1
    assert stats["/<_ignored*>"]["404"]["count"] == 1
    assert stats["/boom"]["RuntimeError"]["count"] == 1


def test_every_request_is_logged(app, caplog):
    """Each of 200, 404, 405 and 500 produces one access-log line with its status and request id."""
    caplog.set_level(logging.INFO, logger="clastic_like.access")
    client = app.get_local_client()
    for method, path in [("GET", "/notes"), ("GET", "/missing"), ("DELETE", "/notes"), ("GET", "/boom")]:
        client.open(path, method=method, buffered=True)
    logged = [r.access for r in caplog.records if r.name == "clastic_like.access"]
    assert [entry["status"] for entry in logged] == [200, 404, 405, 500]
    assert all(entry["request_id"] != "-" for entry in logged)


def test_profiler_off_in_production_on_in_debug():
    """The profiler in the stack ignores ?_prof=1 in production and answers it in debug mode."""
    prod = middleware_service.create_app()
    assert prod.get_local_client().get("/notes?_prof=1").mimetype == "application/json"
    dev = middleware_service.create_app(debug=True)
    assert "function calls" in dev.get_local_client().get("/notes?_prof=1").get_data(as_text=True)
