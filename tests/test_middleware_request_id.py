"""RequestIdMiddleware (clastic_like.middleware.request_id)."""
import itertools
import re

import pytest

from clastic_like import POST, Application, render_basic
from clastic_like.middleware import RequestIdMiddleware
from clastic_like.middleware.request_id import ENVIRON_KEY, is_valid_request_id


def make_app(mw=None):
    def crash():
        raise RuntimeError("boom")

    routes = [("/", lambda request_id: request_id, render_basic), ("/crash", crash),
              POST("/post-only", lambda: "x", render_basic)]
    return Application(routes, middlewares=[mw or RequestIdMiddleware()])


def get(path="/", app=None, incoming=None):
    environ = {} if incoming is None else {"HTTP_X_REQUEST_ID": incoming}
    return (app or make_app()).get_local_client().get(path, environ_overrides=environ)


def test_generated_id_is_provided_and_echoed():
    """Without an incoming id a new one is made, injected as request_id and sent in X-Request-ID."""
    resp = get()
    request_id = resp.get_data(as_text=True)
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert resp.headers["X-Request-ID"] == request_id


def test_each_request_gets_its_own_id():
    """Two requests get different ids."""
    client = make_app().get_local_client()
    assert client.get("/").headers["X-Request-ID"] != client.get("/").headers["X-Request-ID"]


@pytest.mark.parametrize("incoming", [
    "abc-123", "0f8fad5b-d9cb-469f-a165-70867728950e", "trace:1.2/3+4=5~_", "x" * 128,
])
def test_well_formed_incoming_id_is_kept(incoming):
    """A well-formed incoming X-Request-ID is used and echoed unchanged."""
    resp = get(incoming=incoming)
    assert resp.get_data(as_text=True) == incoming == resp.headers["X-Request-ID"]


@pytest.mark.parametrize("incoming", [
    "", "x" * 129, "x" * 100_000, "has space", "semi;colon", "new\r\nline", "quote\"", "<script>",
    "é", "tab\there", "comma,separated", "a\x00b",
])
def test_malformed_incoming_id_is_replaced(incoming):
    """An incoming id that is empty, too long or has unsafe characters is replaced by a fresh one."""
    resp = get(incoming=incoming)
    request_id = resp.get_data(as_text=True)
    assert request_id != incoming and re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert resp.headers["X-Request-ID"] == request_id


def test_trust_incoming_false_always_generates():
    """trust_incoming=False ignores even a well-formed incoming id."""
    resp = get(app=make_app(RequestIdMiddleware(trust_incoming=False)), incoming="client-chosen")
    assert resp.get_data(as_text=True) != "client-chosen"


def test_max_length_bounds_incoming_ids():
    """max_length sets the longest incoming id accepted."""
    app = make_app(RequestIdMiddleware(max_length=8))
    assert get(app=app, incoming="12345678").get_data(as_text=True) == "12345678"
    assert get(app=app, incoming="123456789").get_data(as_text=True) != "123456789"


def test_custom_generator_and_header():
    """generate= makes the ids and header_name= names the header both ways."""
    counter = itertools.count(1)
    app = make_app(RequestIdMiddleware("X-Trace", generate=lambda: f"req-{next(counter)}"))
    client = app.get_local_client()
    assert client.get("/").headers["X-Trace"] == "req-1"
    resp = client.get("/", headers={"X-Trace": "from-proxy"})
    assert resp.get_data(as_text=True) == "from-proxy" == resp.headers["X-Trace"]


def test_provided_name_is_configurable():
    """provided_name renames the injectable."""
    app = Application([("/", lambda rid: rid, render_basic)],
                      middlewares=[RequestIdMiddleware(provided_name="rid", generate=lambda: "fixed")])
    assert app.get_local_client().get("/").get_data(as_text=True) == "fixed"


@pytest.mark.parametrize("path, status", [("/nope", 404), ("/post-only", 405), ("/crash", 500)])
def test_error_responses_carry_the_id(path, status):
    """404, 405 and 500 responses carry the request id too."""
    resp = get(path, incoming="trace-1")
    assert resp.status_code == status and resp.headers["X-Request-ID"] == "trace-1"


def test_endpoint_header_is_replaced_not_duplicated():
    """A response that already has the header ends up with exactly one, the request's id."""
    from clastic_like import Response

    app = Application([("/", lambda: Response("x", headers={"X-Request-ID": "other"}))],
                      middlewares=[RequestIdMiddleware()])
    resp = app.get_local_client().get("/", headers={"X-Request-ID": "mine"})
    assert resp.headers.getlist("X-Request-ID") == ["mine"]


def test_id_is_stored_in_environ():
    """The id is kept in environ['clastic_like.request_id'] for other WSGI code."""
    seen = []
    app = Application([("/", lambda request: seen.append(request.environ[ENVIRON_KEY]) or "ok", render_basic)],
                      middlewares=[RequestIdMiddleware(generate=lambda: "abc")])
    app.get_local_client().get("/")
    assert seen == ["abc"]


def test_bad_generator_output_is_refused():
    """A generator returning an unsafe id raises a clear error instead of writing it into a header."""
    mw = RequestIdMiddleware(generate=lambda: "bad id\n")
    with pytest.raises(ValueError, match="generate"):
        mw.resolve({})


@pytest.mark.parametrize("kwargs, error, match", [
    ({"header_name": "X Bad"}, ValueError, "header_name"),
    ({"header_name": ""}, ValueError, "header_name"),
    ({"max_length": 0}, ValueError, "max_length"),
    ({"max_length": 5000}, ValueError, "max_length"),
    ({"max_length": "64"}, ValueError, "max_length"),
    ({"trust_incoming": "no"}, TypeError, "trust_incoming"),
    ({"generate": "uuid"}, TypeError, "generate"),
])
def test_bad_configuration_fails_construction(kwargs, error, match):
    """Invalid options are refused at construction."""
    with pytest.raises(error, match=match):
        RequestIdMiddleware(**kwargs)


@pytest.mark.parametrize("value, expected", [("ok", True), ("", False), (None, False), (5, False), ("a b", False)])
def test_is_valid_request_id(value, expected):
    """is_valid_request_id accepts only non-empty strings of safe characters."""
    assert is_valid_request_id(value) is expected


def test_error_page_request_id_is_the_middleware_id():
    """A 500's request id (body and log) is the id RequestIdMiddleware echoes in X-Request-ID."""
    from clastic_like import Application, render_basic
    from clastic_like.middleware.request_id import RequestIdMiddleware

    def boom():
        raise RuntimeError("x")

    app = Application([("/", boom, render_basic)], middlewares=[RequestIdMiddleware()])
    resp = app.get_local_client().get("/", headers={"X-Request-ID": "abc-123"})
    assert resp.status_code == 500
    assert resp.headers["X-Request-ID"] == "abc-123" and "abc-123" in resp.get_data(as_text=True)
