"""SignedCookieMiddleware and JSONCookie (clastic_like.middleware.cookie).

Statement ids (CK1-CK3) refer to shared/spec/clastic-reference.md §2.13.
clastic_like signs with itsdangerous (HMAC-SHA-256, JSON payload), rotates
keys, defaults to HttpOnly + SameSite=Lax, requires a secret outside debug
mode, and fixes CK2's NOW/NEVER (see docs/compat.md).
"""
import base64
import hashlib
import json
import secrets

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeSerializer

from clastic_like import Application, NotFound, Redirector, render_basic
from clastic_like.errors import ErrorHandler
from clastic_like.middleware import SignedCookieMiddleware
from clastic_like.middleware.cookie import (
    DEFAULT_EXPIRY,
    NEVER,
    NOW,
    SESSION,
    InsecureSecretWarning,
    JSONCookie,
)

SECRET = "0123456789abcdef-test-secret"
OLD_SECRET = "fedcba9876543210-old-secret"


class Clock:
    """A settable time source, so expiry is tested without sleeping."""

    def __init__(self, now=1_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


def hello(cookie):
    return "Hello, %s!" % cookie.get("name", "world")


def set_name(cookie, name):
    cookie["name"] = name
    return "stored"


def forget(cookie):
    cookie.clear()
    return "forgotten"


def expire(cookie):
    cookie.set_expires()
    return "expired"


def make_app(mw=None, debug=False, **app_kw):
    mw = mw if mw is not None else SignedCookieMiddleware(secret_key=SECRET)
    routes = [("/", hello, render_basic), ("/forget", forget, render_basic),
              ("/expire", expire, render_basic), ("/<name>/", set_name, render_basic)]
    return Application(routes, middlewares=[mw], debug=debug, **app_kw)


def text(resp):
    return resp.get_data(as_text=True)


def set_cookie_headers(resp):
    return resp.headers.getlist("Set-Cookie")


def raw_cookie(resp, name="clastic_cookie"):
    """The value of ``name`` in the response's Set-Cookie."""
    for header in set_cookie_headers(resp):
        if header.startswith(name + "="):
            return header.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError(f"no Set-Cookie for {name}")


# -- CK1 / CK3: the round trip -------------------------------------------------------

def test_stored_value_comes_back_on_next_request():
    """CK3: /Kurt/ stores the name; the next request from that client says Hello, Kurt!."""
    client = make_app().get_local_client()
    assert text(client.get("/Kurt/")) == "stored"
    assert text(client.get("/")) == "Hello, Kurt!"


def test_new_client_has_empty_session():
    """CK3: another client (no cookie) gets an empty session."""
    app = make_app()
    app.get_local_client().get("/Kurt/")
    assert text(app.get_local_client().get("/")) == "Hello, world!"


def test_default_arg_and_cookie_names():
    """CK1: the session is provided as 'cookie' in a cookie named 'clastic_cookie'."""
    resp = make_app().get_local_client().get("/Kurt/")
    assert raw_cookie(resp, "clastic_cookie")


def test_custom_arg_name_names_the_cookie():
    """CK1: arg_name='session' provides 'session' in a cookie named 'clastic_session'."""
    def store(session):
        session["k"] = 1
        return "ok"

    app = Application([("/", store, render_basic)],
                      middlewares=[SignedCookieMiddleware("session", secret_key=SECRET)])
    assert raw_cookie(app.get_local_client().get("/"), "clastic_session")


def test_unmodified_session_is_not_saved():
    """CK2: a request that only reads the session sends no Set-Cookie."""
    client = make_app().get_local_client()
    client.get("/Kurt/")
    assert set_cookie_headers(client.get("/")) == []


def test_vary_cookie_on_every_response():
    """Responses that read the session carry Vary: Cookie, saved or not."""
    client = make_app().get_local_client()
    assert "Cookie" in client.get("/").headers["Vary"]
    assert "Cookie" in client.get("/Kurt/").headers["Vary"]


def test_vary_cookie_on_404_through_the_middleware():
    """A 404 answered through the application-level session middleware also varies on Cookie."""
    resp = make_app().get_local_client().get("/no/such/path")
    assert resp.status_code == 404
    assert "Cookie" in resp.headers["Vary"]


# -- format and crypto ----------------------------------------------------------------

def test_payload_is_json():
    """The cookie is itsdangerous URL-safe JSON: its payload decodes to the session data."""
    value = raw_cookie(make_app().get_local_client().get("/Kurt/"))
    payload = value.split(".")[0]
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert decoded["d"] == {"name": "Kurt"}


def test_signature_is_sha256():
    """The signature is HMAC-SHA-256: a 32-byte MAC, 43 URL-safe base64 characters."""
    value = raw_cookie(make_app().get_local_client().get("/Kurt/"))
    assert len(value.rsplit(".", 1)[1]) == 43


def test_sha1_signed_cookie_is_refused():
    """A cookie signed like Clastic's (SHA-1) with the right secret is not accepted."""
    weak = URLSafeSerializer(SECRET, salt="clastic_like.cookie:clastic_cookie",
                             signer_kwargs={"digest_method": hashlib.sha1})
    client = make_app().get_local_client()
    client.set_cookie("clastic_cookie", weak.dumps({"d": {"name": "Mallory"}, "t": 1.0}))
    assert text(client.get("/")) == "Hello, world!"


@pytest.mark.parametrize("digest", ["sha384", "sha512"])
def test_stronger_digests_round_trip(digest):
    """digest='sha384' / 'sha512' sign and verify."""
    client = make_app(SignedCookieMiddleware(secret_key=SECRET, digest=digest)).get_local_client()
    client.get("/Kurt/")
    assert text(client.get("/")) == "Hello, Kurt!"


def test_key_rotation_accepts_old_secret():
    """With secret_key=[new, old], a cookie signed with the old secret is still accepted."""
    old_app = make_app(SignedCookieMiddleware(secret_key=OLD_SECRET))
    value = raw_cookie(old_app.get_local_client().get("/Kurt/"))
    client = make_app(SignedCookieMiddleware(secret_key=[SECRET, OLD_SECRET])).get_local_client()
    client.set_cookie("clastic_cookie", value)
    assert text(client.get("/")) == "Hello, Kurt!"


def test_key_rotation_signs_with_first_secret():
    """With secret_key=[new, old], new cookies are signed with the first (new) secret."""
    rotating = make_app(SignedCookieMiddleware(secret_key=[SECRET, OLD_SECRET]))
    value = raw_cookie(rotating.get_local_client().get("/Kurt/"))
    new_only = make_app(SignedCookieMiddleware(secret_key=SECRET)).get_local_client()
    new_only.set_cookie("clastic_cookie", value)
    assert text(new_only.get("/")) == "Hello, Kurt!"


def test_other_secret_is_refused():
    """A cookie signed with a secret not in the list gives an empty session."""
    value = raw_cookie(make_app(SignedCookieMiddleware(secret_key=OLD_SECRET)).get_local_client().get("/Kurt/"))
    client = make_app().get_local_client()
    client.set_cookie("clastic_cookie", value)
    assert text(client.get("/")) == "Hello, world!"


def test_value_signed_for_another_cookie_name_is_refused():
    """The cookie name salts the signature: a value moved to another cookie name is refused."""
    value = raw_cookie(make_app(SignedCookieMiddleware(secret_key=SECRET, cookie_name="a")).get_local_client()
                       .get("/Kurt/"), "a")
    client = make_app(SignedCookieMiddleware(secret_key=SECRET, cookie_name="b")).get_local_client()
    client.set_cookie("b", value)
    assert text(client.get("/")) == "Hello, world!"


# -- hostile cookies --------------------------------------------------------------------

def _valid_value():
    return raw_cookie(make_app().get_local_client().get("/Kurt/"))


def _tamper(value):
    payload, sig = value.split(".", 1)
    forged = base64.urlsafe_b64encode(json.dumps({"d": {"name": "Mallory"}, "t": 1e6}).encode()).rstrip(b"=")
    return forged.decode() + "." + sig


def _signed(obj):
    return URLSafeSerializer(SECRET, salt="clastic_like.cookie:clastic_cookie",
                             signer_kwargs={"digest_method": hashlib.sha256}).dumps(obj)


@pytest.mark.parametrize("make_value", [
    pytest.param(lambda: _tamper(_valid_value()), id="tampered-payload"),
    pytest.param(lambda: _valid_value()[:-3], id="truncated-signature"),
    pytest.param(lambda: _valid_value() + "x", id="extended-signature"),
    pytest.param(lambda: _valid_value().replace(".", ""), id="no-separator"),
    pytest.param(lambda: "garbage", id="garbage"),
    pytest.param(lambda: "", id="empty"),
    pytest.param(lambda: "." * 50, id="dots"),
    pytest.param(lambda: "é☃\u0000", id="non-ascii"),
    pytest.param(lambda: "eyJkIjp7fX0.!!!!", id="bad-base64-signature"),
    pytest.param(lambda: _signed(["not", "a", "dict"]), id="signed-list"),
    pytest.param(lambda: _signed({"d": "str", "t": 1.0}), id="signed-non-dict-data"),
    pytest.param(lambda: _signed({"d": {}, "t": "yesterday"}), id="signed-bad-timestamp"),
    pytest.param(lambda: _signed({"d": {"name": "x"}, "t": 1.0, "e": "never"}), id="signed-bad-expiry"),
    pytest.param(lambda: _signed({"d": {"name": "x"}, "t": float("nan")}), id="signed-nan-timestamp"),
    pytest.param(lambda: _signed({"d": {"name": "x"}, "t": 1.0, "e": 5.0}), id="signed-expired"),
    pytest.param(lambda: _signed({"d": {"name": "x"}}), id="signed-no-timestamp"),
])
def test_untrustworthy_cookie_gives_empty_session(make_value):
    """A tampered, garbage, oversized, malformed or expired cookie yields an empty session and a 200."""
    client = make_app().get_local_client()
    client.set_cookie("clastic_cookie", make_value())
    resp = client.get("/")
    assert (resp.status_code, text(resp)) == (200, "Hello, world!")


@pytest.mark.parametrize("cookie_header", [
    "clastic_cookie=" + "x" * 50_000,
    "clastic_cookie=" + "eyJk" * 3000 + ".sig",
    'clastic_cookie="unterminated',
    "clastic_cookie=a; clastic_cookie=b",
    "=====; ;;; clastic_cookie",
    "clastic_cookie=%00%ff",
])
def test_hostile_cookie_headers_give_empty_session(cookie_header):
    """Raw hostile Cookie headers never cause an error."""
    resp = make_app().get_local_client().get("/", headers={"Cookie": cookie_header})
    assert (resp.status_code, text(resp)) == (200, "Hello, world!")


# -- expiry -------------------------------------------------------------------------------

def test_numeric_expiry_expires_data():
    """CK3: with a numeric expiry the data is gone once that many seconds passed (injected clock)."""
    clock = Clock()
    client = make_app(SignedCookieMiddleware(secret_key=SECRET, expiry=0.1, clock=clock)).get_local_client()
    client.get("/Kurt/")
    clock.now += 0.05
    assert text(client.get("/")) == "Hello, Kurt!"
    clock.now += 0.06
    assert text(client.get("/")) == "Hello, world!"


def test_numeric_expiry_sets_cookie_max_age():
    """CK2: a numeric expiry gives the cookie a Max-Age (whole seconds, rounded up)."""
    resp = make_app(SignedCookieMiddleware(secret_key=SECRET, expiry=90.5)).get_local_client().get("/Kurt/")
    assert "Max-Age=91" in set_cookie_headers(resp)[0]


def test_session_expiry_is_a_browser_session_cookie():
    """CK2: SESSION (the default) sends neither Expires nor Max-Age."""
    assert DEFAULT_EXPIRY == SESSION == 0
    header = set_cookie_headers(make_app().get_local_client().get("/Kurt/"))[0]
    assert "Expires" not in header and "Max-Age" not in header


def test_never_is_a_far_future_persistent_cookie():
    """CK2 fixed: NEVER sends a persistent cookie with a Max-Age of years (not a session cookie)."""
    header = set_cookie_headers(make_app(SignedCookieMiddleware(secret_key=SECRET, expiry=NEVER))
                                .get_local_client().get("/Kurt/"))[0]
    max_age = int(header.split("Max-Age=")[1].split(";")[0])
    assert max_age >= 5 * 365 * 24 * 3600
    assert "Expires=" in header


def test_never_data_does_not_expire_server_side():
    """NEVER puts no age limit on the signed data."""
    clock = Clock()
    client = make_app(SignedCookieMiddleware(secret_key=SECRET, expiry=NEVER, clock=clock)).get_local_client()
    client.get("/Kurt/")
    clock.now += 10 * 365 * 24 * 3600
    assert text(client.get("/")) == "Hello, Kurt!"


def test_now_expires_the_cookie():
    """CK2 fixed: NOW does not crash; saving deletes the cookie (Max-Age=0, past Expires)."""
    resp = make_app(SignedCookieMiddleware(secret_key=SECRET, expiry=NOW)).get_local_client().get("/Kurt/")
    assert resp.status_code == 200
    header = set_cookie_headers(resp)[0]
    assert "Max-Age=0" in header and "1970" in header


def test_max_age_limits_data_age_for_session_cookies():
    """max_age refuses data older than that, even in a browser-session cookie."""
    clock = Clock()
    client = make_app(SignedCookieMiddleware(secret_key=SECRET, max_age=60, clock=clock)).get_local_client()
    client.get("/Kurt/")
    clock.now += 59
    assert text(client.get("/")) == "Hello, Kurt!"
    clock.now += 2
    assert text(client.get("/")) == "Hello, world!"


def test_sliding_expiry_renews_on_each_response():
    """sliding=True re-sends the session on every response, so the limit counts from the last request."""
    clock = Clock()
    client = make_app(SignedCookieMiddleware(secret_key=SECRET, expiry=60, sliding=True, clock=clock)) \
        .get_local_client()
    client.get("/Kurt/")
    for _ in range(3):
        clock.now += 45
        resp = client.get("/")
        assert text(resp) == "Hello, Kurt!"
        assert set_cookie_headers(resp)


def test_without_sliding_expiry_counts_from_last_save():
    """Without sliding, reads do not renew: the data expires after expiry seconds from its save."""
    clock = Clock()
    client = make_app(SignedCookieMiddleware(secret_key=SECRET, expiry=60, clock=clock)).get_local_client()
    client.get("/Kurt/")
    clock.now += 45
    assert text(client.get("/")) == "Hello, Kurt!"
    clock.now += 45
    assert text(client.get("/")) == "Hello, world!"


def test_sliding_does_not_send_empty_sessions():
    """sliding=True does not create cookies for clients without a session."""
    resp = make_app(SignedCookieMiddleware(secret_key=SECRET, expiry=60, sliding=True)).get_local_client().get("/")
    assert set_cookie_headers(resp) == []


def test_emptied_session_deletes_the_cookie():
    """Clearing the session deletes the cookie instead of storing an empty one."""
    client = make_app().get_local_client()
    client.get("/Kurt/")
    resp = client.get("/forget")
    assert "Max-Age=0" in set_cookie_headers(resp)[0]
    assert text(client.get("/")) == "Hello, world!"


def test_set_expires_now_deletes_the_cookie():
    """CK2: JSONCookie.set_expires() clears the data and deletes the cookie."""
    client = make_app().get_local_client()
    client.get("/Kurt/")
    resp = client.get("/expire")
    assert "Max-Age=0" in set_cookie_headers(resp)[0]
    assert text(client.get("/")) == "Hello, world!"


def test_set_expires_timestamp_expires_data_then():
    """set_expires(t) keeps the data until Unix time t, then loads it as empty."""
    clock = Clock()

    def until_later(cookie):
        cookie["name"] = "Kurt"
        cookie.set_expires(clock.now + 30)
        return "ok"

    app = Application([("/", hello, render_basic), ("/set", until_later, render_basic)],
                      middlewares=[SignedCookieMiddleware(secret_key=SECRET, clock=clock)])
    client = app.get_local_client()
    assert "Max-Age=30" in set_cookie_headers(client.get("/set"))[0]
    clock.now += 29
    assert text(client.get("/")) == "Hello, Kurt!"
    clock.now += 1
    assert text(client.get("/")) == "Hello, world!"


# -- cookie attributes ----------------------------------------------------------------------

def test_default_flags_are_httponly_and_samesite_lax():
    """The cookie is HttpOnly and SameSite=Lax by default, with Path=/ and no Secure."""
    header = set_cookie_headers(make_app().get_local_client().get("/Kurt/"))[0]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/" in header
    assert "Secure" not in header


def test_secure_domain_path_and_samesite_options():
    """secure, domain, path, samesite and http_only=False are honoured."""
    mw = SignedCookieMiddleware(secret_key=SECRET, secure=True, domain="example.com", path="/app",
                                samesite="strict", http_only=False)
    header = set_cookie_headers(make_app(mw).get_local_client().get("/Kurt/"))[0]
    assert "Secure" in header and "Domain=example.com" in header and "Path=/app" in header
    assert "SameSite=Strict" in header and "HttpOnly" not in header


def test_samesite_none_option():
    """samesite=None omits the attribute."""
    header = set_cookie_headers(make_app(SignedCookieMiddleware(secret_key=SECRET, samesite=None))
                                .get_local_client().get("/Kurt/"))[0]
    assert "SameSite" not in header


# -- errors around the endpoint ---------------------------------------------------------------

def test_session_saved_on_raised_http_exception():
    """A session changed before a raised HTTP error (a redirect, a 404) is still saved."""
    def login(cookie):
        cookie["user"] = "ada"
        raise NotFound("after login")

    app = Application([("/login", login)], middlewares=[SignedCookieMiddleware(secret_key=SECRET)])
    resp = app.get_local_client().get("/login")
    assert resp.status_code == 404
    assert raw_cookie(resp)
    assert "Cookie" in resp.headers["Vary"]


def test_session_not_saved_when_endpoint_crashes():
    """An uncaught exception discards the session change (the 500 carries no cookie)."""
    def crash(cookie):
        cookie["half"] = "done"
        raise RuntimeError("boom")

    resp = Application([("/", crash)], middlewares=[SignedCookieMiddleware(secret_key=SECRET)]) \
        .get_local_client().get("/")
    assert resp.status_code == 500
    assert set_cookie_headers(resp) == []


def test_returned_response_gets_cookie():
    """An endpoint returning a Response (here a redirect) gets the Set-Cookie too."""
    def login(cookie):
        cookie["user"] = "ada"
        return Redirector("/")()

    app = Application([("/login", login)], middlewares=[SignedCookieMiddleware(secret_key=SECRET)])
    resp = app.get_local_client().get("/login")
    assert resp.status_code == 301 and raw_cookie(resp)


def test_non_json_value_fails_loudly():
    """Storing a value JSON cannot encode raises a TypeError that says so (a server bug, not data loss)."""
    def store(cookie):
        cookie["when"] = object()
        return "ok"

    app = Application([("/", store, render_basic)], middlewares=[SignedCookieMiddleware(secret_key=SECRET)],
                      error_handler=ErrorHandler(reraise_uncaught=True))
    with pytest.raises(TypeError, match="JSON cannot encode"):
        app.get_local_client().get("/")


def test_oversized_session_fails_loudly():
    """A session too big for a browser cookie raises instead of being silently dropped by the browser."""
    def store(cookie):
        cookie["blob"] = secrets.token_hex(3000)  # random: the payload compression cannot shrink it
        return "ok"

    app = Application([("/", store, render_basic)], middlewares=[SignedCookieMiddleware(secret_key=SECRET)],
                      error_handler=ErrorHandler(reraise_uncaught=True))
    with pytest.raises(ValueError, match="browsers drop"):
        app.get_local_client().get("/")


# -- secrets and construction ----------------------------------------------------------------

def test_missing_secret_fails_construction():
    """Without secret_key, a non-debug Application refuses to build, saying how to fix it."""
    with pytest.raises(ValueError, match="has no secret_key.*secret_key=") as info:
        make_app(SignedCookieMiddleware())
    assert "debug=True" in str(info.value)


def test_missing_secret_in_debug_uses_random_key_with_warning():
    """In debug mode a missing secret is replaced by a random key, with an InsecureSecretWarning."""
    with pytest.warns(InsecureSecretWarning, match="random key"):
        app = make_app(SignedCookieMiddleware(), debug=True)
    client = app.get_local_client()
    client.get("/Kurt/")
    assert text(client.get("/")) == "Hello, Kurt!"


def test_random_debug_keys_differ_between_middlewares():
    """Two debug middlewares without secret get different keys (cookies do not cross)."""
    with pytest.warns(InsecureSecretWarning):
        first = make_app(SignedCookieMiddleware(), debug=True)
        second = make_app(SignedCookieMiddleware(), debug=True)
    value = raw_cookie(first.get_local_client().get("/Kurt/"))
    client = second.get_local_client()
    client.set_cookie("clastic_cookie", value)
    assert text(client.get("/")) == "Hello, world!"


@pytest.mark.parametrize("kwargs, error, match", [
    ({"secret_key": "short"}, ValueError, "too short"),
    ({"secret_key": []}, ValueError, "empty list"),
    ({"secret_key": [SECRET, "tiny"]}, ValueError, "too short"),
    ({"secret_key": 12345}, TypeError, "secret_key must be"),
    ({"secret_key": [SECRET, 5]}, TypeError, "each secret"),
    ({"secret_key": SECRET, "expiry": -1}, ValueError, "expiry"),
    ({"secret_key": SECRET, "expiry": "tomorrow"}, ValueError, "expiry"),
    ({"secret_key": SECRET, "expiry": True}, ValueError, "expiry"),
    ({"secret_key": SECRET, "expiry": float("inf")}, ValueError, "expiry"),
    ({"secret_key": SECRET, "max_age": 0}, ValueError, "max_age"),
    ({"secret_key": SECRET, "sliding": True}, ValueError, "sliding"),
    ({"secret_key": SECRET, "sliding": "yes"}, TypeError, "sliding"),
    ({"secret_key": SECRET, "samesite": "sometimes"}, ValueError, "samesite"),
    ({"secret_key": SECRET, "samesite": "None"}, ValueError, "secure=True"),
    ({"secret_key": SECRET, "digest": "sha1"}, ValueError, "digest"),
    ({"secret_key": SECRET, "digest": "md5"}, ValueError, "digest"),
    ({"secret_key": SECRET, "cookie_name": "bad name"}, ValueError, "cookie_name"),
    ({"secret_key": SECRET, "cookie_name": "a;b"}, ValueError, "cookie_name"),
    ({"secret_key": SECRET, "path": "relative"}, ValueError, "path"),
    ({"secret_key": SECRET, "domain": "a.com; evil"}, ValueError, "domain"),
    ({"secret_key": SECRET, "secure": "yes"}, TypeError, "secure"),
    ({"secret_key": SECRET, "clock": 5}, TypeError, "clock"),
    ({"secret_key": SECRET, "arg_name": "not valid"}, TypeError, "arg_name"),
])
def test_bad_configuration_fails_at_construction(kwargs, error, match):
    """Each invalid option raises at construction with a message naming it."""
    with pytest.raises(error, match=match):
        SignedCookieMiddleware(**kwargs)


def test_short_secret_is_not_echoed():
    """The error for a too-short secret does not print the secret."""
    with pytest.raises(ValueError) as info:
        SignedCookieMiddleware(secret_key="hunter2")
    assert "hunter2" not in str(info.value)


def test_data_expiry_is_a_deprecated_alias():
    """CK2: data_expiry still works as expiry, with a DeprecationWarning."""
    with pytest.warns(DeprecationWarning, match="data_expiry"):
        mw = SignedCookieMiddleware(secret_key=SECRET, data_expiry=30)
    assert mw.expiry == 30


def test_unbound_middleware_explains_itself():
    """Used outside an Application without a secret, the hook raises a clear RuntimeError."""
    mw = SignedCookieMiddleware()
    with pytest.raises(RuntimeError, match="never bound"):
        mw.request(lambda **kw: None, request=None)


def test_constants_keep_clastic_values():
    """CK2: SESSION, NEVER, NOW keep Clastic's values."""
    assert (SESSION, NEVER, NOW) == (0, "never", "now")


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=15,
)


@settings(max_examples=50, deadline=None)
@given(data=st.dictionaries(st.text(min_size=1, max_size=10), _json, min_size=1, max_size=5))
def test_any_json_session_round_trips(data):
    """Whatever JSON data an endpoint stores comes back equal on the next request."""
    def store(cookie):
        cookie.update(data)
        return "ok"

    def dump(cookie):
        return json.dumps(cookie, sort_keys=True)

    app = Application([("/store", store, render_basic), ("/dump", dump, render_basic)],
                      middlewares=[SignedCookieMiddleware(secret_key=SECRET)])
    client = app.get_local_client()
    client.get("/store")
    assert json.loads(text(client.get("/dump"))) == data


# -- JSONCookie ---------------------------------------------------------------------------------

@pytest.mark.parametrize("mutate", [
    pytest.param(lambda c: c.__setitem__("b", 2), id="setitem"),
    pytest.param(lambda c: c.__delitem__("a"), id="delitem"),
    pytest.param(lambda c: c.update(b=2), id="update"),
    pytest.param(lambda c: c.__ior__({"b": 2}), id="ior"),
    pytest.param(lambda c: c.pop("a"), id="pop"),
    pytest.param(lambda c: c.popitem(), id="popitem"),
    pytest.param(lambda c: c.setdefault("b", 2), id="setdefault-new"),
    pytest.param(lambda c: c.clear(), id="clear"),
    pytest.param(lambda c: c.set_expires(), id="set_expires"),
])
def test_json_cookie_mutations_mark_modified(mutate):
    """Every mutating dict method marks the session modified."""
    cookie = JSONCookie({"a": 1}, new=False)
    mutate(cookie)
    assert cookie.modified and cookie.should_save


@pytest.mark.parametrize("read", [
    pytest.param(lambda c: c["a"], id="getitem"),
    pytest.param(lambda c: c.get("zz"), id="get"),
    pytest.param(lambda c: list(c.items()), id="items"),
    pytest.param(lambda c: "a" in c, id="contains"),
    pytest.param(lambda c: c.setdefault("a", 5), id="setdefault-existing"),
    pytest.param(lambda c: c.pop("zz", None), id="pop-missing"),
    pytest.param(lambda c: json.dumps(c), id="json"),
])
def test_json_cookie_reads_do_not_mark_modified(read):
    """Reading (and no-op mutators) leave the session unmodified."""
    cookie = JSONCookie({"a": 1}, new=False)
    read(cookie)
    assert not cookie.modified


def test_json_cookie_is_a_dict():
    """The session is a real dict (json.dumps, dict(), isinstance all work)."""
    cookie = JSONCookie({"a": 1})
    assert isinstance(cookie, dict) and dict(cookie) == {"a": 1}


def test_set_expires_refuses_non_times():
    """set_expires() takes NOW or a number."""
    with pytest.raises(TypeError, match="Unix time"):
        JSONCookie().set_expires("tomorrow")
