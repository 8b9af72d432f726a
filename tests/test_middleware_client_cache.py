"""HTTPCacheMiddleware (clastic_like.middleware.client_cache).

HC1 refers to shared/spec/clastic-reference.md §2.13.
"""
import pytest

from clastic_like import POST, Application, NotFound, Response, render_basic
from clastic_like.middleware import HTTPCacheMiddleware


def make_app(**mw_kw):
    def page():
        return "content"

    def created():
        return Response("made", status=201)

    def streamed():
        return Response(iter([b"a", b"b"]))

    def fail():
        raise NotFound()

    routes = [("/", page, render_basic), ("/created", created), ("/streamed", streamed),
              ("/fail", fail), POST("/post-only", page, render_basic)]
    return Application(routes, middlewares=[HTTPCacheMiddleware(**mw_kw)])


def get(path="/", mw_kw=None, **headers):
    return make_app(**(mw_kw or {})).get_local_client().get(path, headers=headers)


@pytest.mark.parametrize("mw_kw, expected", [
    ({"max_age": 60}, "max-age=60"),
    ({"s_maxage": 30}, "s-maxage=30"),
    ({"no_cache": True}, "no-cache"),
    ({"no_store": True}, "no-store"),
    ({"no_transform": True}, "no-transform"),
    ({"must_revalidate": True}, "must-revalidate"),
    ({"proxy_revalidate": True}, "proxy-revalidate"),
    ({"public": True}, "public"),
    ({"private": True}, "private"),
])
def test_configured_field_is_sent(mw_kw, expected):
    """HC1: each truthy configured field appears in Cache-Control."""
    assert expected in get(mw_kw=mw_kw).headers["Cache-Control"]


def test_several_fields_combine():
    """HC1: several fields are sent together."""
    cc = get(mw_kw={"max_age": 60, "public": True, "must_revalidate": True}).headers["Cache-Control"]
    assert {part.strip() for part in cc.split(",")} == {"max-age=60", "public", "must-revalidate"}


@pytest.mark.parametrize("mw_kw", [{"max_age": 0}, {"no_cache": False}, {"public": None}, {}])
def test_falsy_fields_are_not_sent(mw_kw):
    """HC1: falsy values (None, False, and max_age=0) are not set."""
    assert "Cache-Control" not in get(mw_kw=mw_kw).headers


def test_etag_added_to_buffered_200():
    """HC1: with use_etags (default) a buffered response gets an ETag."""
    assert get().headers["ETag"].startswith('"')


def test_matching_if_none_match_gives_304():
    """HC1: a request whose If-None-Match matches the ETag gets 304 with no body."""
    etag = get().headers["ETag"]
    resp = get(**{"If-None-Match": etag})
    assert resp.status_code == 304 and resp.get_data() == b""


def test_non_matching_if_none_match_gives_200():
    """HC1: a stale ETag gets the full 200."""
    assert get(**{"If-None-Match": '"stale"'}).status_code == 200


def test_use_etags_false_sends_no_etag():
    """HC1: use_etags=False leaves ETags and conditionals alone."""
    assert "ETag" not in get(mw_kw={"use_etags": False}).headers


def test_streamed_response_gets_no_etag():
    """HC1: a streamed body is not buffered to compute an ETag."""
    resp = get("/streamed")
    assert "ETag" not in resp.headers and resp.get_data() == b"ab"


def test_non_200_response_gets_no_etag():
    """ETags and 304s apply to 200 responses only: a 201 is sent as is."""
    resp = get("/created")
    assert resp.status_code == 201 and "ETag" not in resp.headers


@pytest.mark.parametrize("path, status", [("/nope", 404), ("/post-only", 405), ("/fail", 404)])
def test_error_responses_are_skipped(path, status):
    """HC1: error responses (returned or raised HTTPExceptions) pass unharmed, without caching headers."""
    resp = get(path, mw_kw={"max_age": 3600})
    assert resp.status_code == status
    assert "Cache-Control" not in resp.headers and "ETag" not in resp.headers


@pytest.mark.parametrize("headers", [
    {"If-None-Match": "garbage without quotes"},
    {"If-None-Match": '"' * 5000},
    {"If-None-Match": "*, W/, ,,"},
    {"If-Modified-Since": "not a date"},
    {"If-Modified-Since": "Mon, 99 Foo 99999 99:99:99 GMT"},
    {"If-Match": '"x"', "If-None-Match": '"y"'},
    {"Range": "bytes=oops"},
])
def test_hostile_conditional_headers_never_500(headers):
    """Malformed conditional headers never cause a server error."""
    assert get(**headers).status_code < 500


@pytest.mark.parametrize("kwargs, error", [
    ({"max_age": -1}, ValueError), ({"max_age": 1.5}, ValueError), ({"max_age": "60"}, ValueError),
    ({"s_maxage": True}, ValueError), ({"no_cache": "yes"}, TypeError), ({"public": 1}, TypeError),
    ({"public": True, "private": True}, ValueError), ({"use_etags": None}, TypeError),
])
def test_bad_configuration_fails_construction(kwargs, error):
    """Invalid values are refused at construction, naming the option."""
    with pytest.raises(error, match="HTTPCacheMiddleware"):
        HTTPCacheMiddleware(**kwargs)
