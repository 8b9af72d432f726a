"""CORSMiddleware (clastic_like.middleware.cors): allow-listed origins, preflights, errors."""
import pytest

from clastic_like import GET, POST, Application, render_basic
from clastic_like.middleware import CORSMiddleware

APP_ORIGIN = "https://app.example.com"
EVIL_ORIGIN = "https://evil.example.net"


def make_app(**mw_kw):
    mw_kw.setdefault("origins", [APP_ORIGIN])

    def crash():
        raise RuntimeError("boom")

    routes = [GET("/items", lambda: {"items": []}, render_basic),
              POST("/items", lambda: "created", render_basic),
              POST("/submit", lambda: "ok", render_basic),
              ("/crash", crash)]
    return Application(routes, middlewares=[CORSMiddleware(**mw_kw)])


def request(path="/items", method="GET", app=None, **headers):
    # Headers go straight into the WSGI environ, so hostile values (CR/LF)
    # reach the middleware as a broken proxy could deliver them.
    environ = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    return (app or make_app()).get_local_client().open(path, method=method, environ_overrides=environ)


def preflight(path="/submit", origin=APP_ORIGIN, method="POST", req_headers=None, app=None):
    headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if req_headers is not None:
        headers["Access-Control-Request-Headers"] = req_headers
    return request(path, "OPTIONS", app=app, **headers)


def cors_headers(resp):
    return {k: v for k, v in resp.headers.items() if k.lower().startswith("access-control-")}


# -- simple requests --------------------------------------------------------------------

def test_allowed_origin_gets_allow_origin():
    """A request from an allowed origin gets Access-Control-Allow-Origin echoing it."""
    resp = request(Origin=APP_ORIGIN)
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == APP_ORIGIN


@pytest.mark.parametrize("origin", [
    EVIL_ORIGIN, "https://app.example.com.evil.net", "http://app.example.com", "https://app.example.com:8443",
    "null", "", "https://app.example.com/", "https://APP.example.com, https://evil.example.net",
    "https://app.example.com\r\nX-Injected: 1", "x" * 20_000, "*",
])
def test_disallowed_origin_gets_no_cors_headers(origin):
    """A request from any other (or malformed, or hostile) origin gets no Access-Control-* header at all."""
    resp = request(Origin=origin)
    assert resp.status_code == 200
    assert cors_headers(resp) == {}


def test_origin_comparison_ignores_case():
    """Origins compare case-insensitively; the header echoes what the browser sent."""
    resp = request(Origin="https://APP.Example.com")
    assert resp.headers["Access-Control-Allow-Origin"] == "https://APP.Example.com"


def test_vary_origin_on_every_response():
    """Responses vary on Origin, with, without and with a disallowed Origin."""
    for headers in ({}, {"Origin": APP_ORIGIN}, {"Origin": EVIL_ORIGIN}):
        assert "Origin" in request(**headers).headers["Vary"]


def test_vary_merges_with_existing_values():
    """Vary: Origin is added to the application's own Vary values, not replacing them."""
    assert request(Origin=APP_ORIGIN, Accept="application/json").headers["Vary"].split(", ") == ["Accept", "Origin"]


def test_no_origin_no_cors_headers():
    """A same-origin (no Origin header) request gets no Access-Control-* headers."""
    assert cors_headers(request()) == {}


def test_credentials_and_exposed_headers():
    """allow_credentials and expose_headers add their headers for allowed origins."""
    resp = request(Origin=APP_ORIGIN, app=make_app(allow_credentials=True, expose_headers=["X-Request-ID"]))
    assert resp.headers["Access-Control-Allow-Credentials"] == "true"
    assert resp.headers["Access-Control-Expose-Headers"] == "X-Request-ID"


def test_wildcard_sends_star_without_vary():
    """origins='*' answers every origin with '*' and needs no Vary: Origin."""
    resp = request(Origin=EVIL_ORIGIN, app=make_app(origins="*"))
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "Origin" not in resp.headers.get("Vary", "")


def test_endpoint_own_allow_origin_wins():
    """An endpoint that set Access-Control-Allow-Origin itself keeps its decision."""
    from clastic_like import Response

    app = Application([("/", lambda: Response("x", headers={"Access-Control-Allow-Origin": "https://other.org"}))],
                      middlewares=[CORSMiddleware([APP_ORIGIN])])
    resp = app.get_local_client().get("/", headers={"Origin": APP_ORIGIN})
    assert resp.headers.getlist("Access-Control-Allow-Origin") == ["https://other.org"]


@pytest.mark.parametrize("path, method, status", [
    ("/nope", "GET", 404), ("/submit", "GET", 405), ("/crash", "GET", 500),
])
def test_error_responses_carry_cors_headers(path, method, status):
    """404, 405 and 500 responses to allowed origins carry CORS headers, so the page can read them."""
    resp = request(path, method, Origin=APP_ORIGIN)
    assert resp.status_code == status
    assert resp.headers["Access-Control-Allow-Origin"] == APP_ORIGIN


# -- preflight ------------------------------------------------------------------------------

def test_preflight_for_post_only_route_is_answered():
    """A preflight to a path whose only route is POST is answered 204 with the CORS headers."""
    resp = preflight("/submit", req_headers="Content-Type")
    assert resp.status_code == 204
    assert resp.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert "POST" in resp.headers["Access-Control-Allow-Methods"]
    assert resp.headers["Access-Control-Allow-Headers"] == "Content-Type"
    assert resp.headers["Access-Control-Max-Age"] == "600"
    assert resp.get_data() == b""


def test_preflight_does_not_run_endpoints():
    """A preflight is answered without calling any endpoint."""
    calls = []
    app = Application([("/any", lambda: calls.append(1) or "ran", render_basic)],
                      middlewares=[CORSMiddleware([APP_ORIGIN])])
    assert preflight("/any", app=app).status_code == 204
    assert calls == []


def test_preflight_vary_headers():
    """A preflight answer varies on Origin and the two request headers it depends on."""
    vary = preflight().headers["Vary"]
    assert vary == "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"


def test_preflight_with_credentials():
    """With allow_credentials, preflights say so too."""
    assert preflight(app=make_app(allow_credentials=True)).headers["Access-Control-Allow-Credentials"] == "true"


def test_preflight_max_age_none_omits_header():
    """max_age=None sends no Access-Control-Max-Age."""
    assert "Access-Control-Max-Age" not in preflight(app=make_app(max_age=None)).headers


def test_preflight_any_header_echoes_requested():
    """allow_headers='*' allows (and echoes) any well-formed requested header."""
    resp = preflight(req_headers="X-Custom, Authorization", app=make_app(allow_headers="*"))
    assert resp.headers["Access-Control-Allow-Headers"] == "X-Custom, Authorization"


@pytest.mark.parametrize("origin, method, req_headers", [
    (EVIL_ORIGIN, "POST", None),
    ("null", "POST", None),
    (APP_ORIGIN, "TRACE", None),
    (APP_ORIGIN, "P O S T", None),
    (APP_ORIGIN, "POST", "X-Not-Allowed"),
    (APP_ORIGIN, "POST", "Content-Type, X-Not-Allowed"),
    (APP_ORIGIN, "POST", "Bad Header\r\nX: 1"),
    (APP_ORIGIN, "POST", "x" * 10_000),
    (APP_ORIGIN, "", None),
])
def test_refused_preflight_gets_no_cors_headers(origin, method, req_headers):
    """A preflight from a disallowed origin, or for a disallowed method or header, gets no CORS headers."""
    resp = preflight(origin=origin, method=method, req_headers=req_headers)
    assert cors_headers(resp) == {}
    assert resp.status_code < 500


def test_refused_preflight_falls_through_to_application():
    """A refused preflight is served as a plain OPTIONS request (the application's 200 with Allow)."""
    resp = preflight(origin=EVIL_ORIGIN)
    assert resp.status_code == 200 and resp.headers["Allow"] == "OPTIONS, POST"


def test_plain_options_is_not_a_preflight():
    """OPTIONS without Access-Control-Request-Method is left to the application."""
    resp = request("/submit", "OPTIONS", Origin=APP_ORIGIN)
    assert resp.status_code == 200 and "Allow" in resp.headers
    assert "Access-Control-Allow-Methods" not in resp.headers


def test_route_level_middleware_covers_the_application():
    """Given on one route, the middleware still answers preflights (it wraps the whole application)."""
    app = Application([POST("/submit", lambda: "ok", render_basic,
                            middlewares=[CORSMiddleware([APP_ORIGIN])])])
    assert preflight("/submit", app=app).status_code == 204


# -- construction ------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, match", [
    ({"origins": "*", "allow_credentials": True}, ValueError, "credentials"),
    ({"origins": "https://a.com"}, TypeError, "list of origins"),
    ({"origins": None}, TypeError, "origins"),
    ({"origins": []}, ValueError, "empty"),
    ({"origins": ["https://a.com/"]}, ValueError, "'https://a.com'"),
    ({"origins": ["https://a.com/path"]}, ValueError, "path"),
    ({"origins": ["a.com"]}, ValueError, "not an origin"),
    ({"origins": ["https://*.a.com"]}, ValueError, "wildcards"),
    ({"origins": ["null"]}, ValueError, "null"),
    ({"origins": ["https://user@a.com"]}, ValueError, "not an origin"),
    ({"origins": ["https://a.com:99999"]}, ValueError, "not an origin"),
    ({"origins": ["https://a.com?x"]}, ValueError, "not an origin"),
    ({"origins": [5]}, TypeError, "strings"),
    ({"origins": ["https://a.com"], "allow_methods": ["GET POST"]}, ValueError, "allow_methods"),
    ({"origins": ["https://a.com"], "allow_methods": []}, ValueError, "allow_methods"),
    ({"origins": ["https://a.com"], "allow_headers": ["X Bad"]}, ValueError, "allow_headers"),
    ({"origins": ["https://a.com"], "max_age": -5}, ValueError, "max_age"),
    ({"origins": ["https://a.com"], "allow_credentials": "yes"}, TypeError, "allow_credentials"),
])
def test_bad_configuration_fails_construction(kwargs, error, match):
    """Misconfigurations are refused at construction with a message naming the problem."""
    with pytest.raises(error, match=match):
        CORSMiddleware(**kwargs)


def test_default_port_in_configuration_is_normalised():
    """An allow-list entry with the scheme's default port matches the origin browsers send (without it)."""
    app = make_app(origins=["https://app.example.com:443"])
    assert request(Origin=APP_ORIGIN, app=app).headers["Access-Control-Allow-Origin"] == APP_ORIGIN
