"""GzipMiddleware (clastic_like.middleware.compress).

Statement ids GZ1, GZ2 refer to shared/spec/clastic-reference.md §2.13.
"""
import gzip

import pytest

from clastic_like import POST, Application, NotFound, Response, render_basic
from clastic_like.middleware import GzipMiddleware

BODY = "a" * 2000


def make_app(**mw_kw):
    def big():
        return BODY

    def tiny():
        return "x"

    def already():
        return Response(b"data", headers={"Content-Encoding": "br"})

    def streamed():
        return Response(iter([b"a" * 1000, b"b" * 1000]))

    def image():
        return Response(b"\x00" * 2000, mimetype="image/png")

    def script():
        return Response("var a = 1;" * 200, mimetype="application/javascript")

    def partial():
        return Response(BODY, status=206, headers={"Content-Range": "bytes 0-1999/5000"})

    def not_found():
        raise NotFound("x" * 3000)

    routes = [("/", big, render_basic), ("/tiny", tiny, render_basic), ("/already", already),
              ("/streamed", streamed), ("/image", image), ("/script", script), ("/partial", partial),
              ("/raise404", not_found), POST("/post-only", big, render_basic)]
    return Application(routes, middlewares=[GzipMiddleware(**mw_kw)])


def get(path, accept="gzip", **headers):
    if accept is not None:
        headers["Accept-Encoding"] = accept
    return make_app().get_local_client().get(path, headers=headers)


def test_compresses_when_client_accepts_gzip():
    """GZ1: a 2000-character body is under 200 bytes with Accept-Encoding: gzip, and decompresses back."""
    resp = get("/")
    assert resp.headers["Content-Encoding"] == "gzip"
    assert len(resp.get_data()) < 200
    assert int(resp.headers["Content-Length"]) == len(resp.get_data())
    assert gzip.decompress(resp.get_data()).decode() == BODY


def test_not_compressed_without_accept_encoding():
    """GZ1: without Accept-Encoding the 2000-character body is sent uncompressed."""
    resp = get("/", accept=None)
    assert "Content-Encoding" not in resp.headers
    assert resp.get_data(as_text=True) == BODY


@pytest.mark.parametrize("accept", [
    "gzip;q=0", "identity", "br, deflate", "gzip;q=0, *", "*;q=0", "", "gzip;q=abc, identity",
    ",,,;;;", "gzip;q=0.0",
])
def test_not_compressed_when_gzip_refused(accept):
    """GZ1: a client whose gzip quality is 0 or absent (also via '*' or malformed values) gets plain bytes."""
    resp = get("/", accept=accept)
    assert "Content-Encoding" not in resp.headers


@pytest.mark.parametrize("accept", ["gzip", "GZIP", "x-gzip", "*", "br;q=1, gzip;q=0.5", "deflate, *;q=0.1"])
def test_compressed_when_gzip_accepted(accept):
    """GZ1: gzip accepted explicitly, in any case, as x-gzip or through '*' gets a compressed body."""
    assert get("/", accept=accept).headers.get("Content-Encoding") == "gzip"


def test_huge_accept_encoding_header_is_harmless():
    """A megabyte-long Accept-Encoding is parsed without error."""
    resp = get("/", accept="foo;q=0.5, " * 50_000 + "gzip")
    assert resp.status_code == 200


@pytest.mark.parametrize("path", ["/", "/tiny", "/already", "/streamed", "/nope", "/raise404"])
def test_vary_accept_encoding_always_added(path):
    """GZ1: Vary gets Accept-Encoding on every response, compressed or not, errors included."""
    assert "Accept-Encoding" in get(path).headers.get("Vary", "")


def test_small_body_left_alone_when_gzip_is_bigger():
    """GZ1: the body is replaced only when compression makes it smaller."""
    resp = get("/tiny")
    assert "Content-Encoding" not in resp.headers
    assert resp.get_data() == b"x"


def test_existing_content_encoding_left_alone():
    """GZ1: a response that already has a Content-Encoding is not touched."""
    resp = get("/already")
    assert resp.headers["Content-Encoding"] == "br" and resp.get_data() == b"data"


def test_streamed_response_left_alone():
    """GZ1: streamed responses are not buffered or compressed."""
    resp = get("/streamed")
    assert "Content-Encoding" not in resp.headers
    assert len(resp.get_data()) == 2000


def test_partial_content_left_alone():
    """A 206 response is not compressed (its Content-Range refers to the plain bytes)."""
    assert "Content-Encoding" not in get("/partial").headers


@pytest.mark.parametrize("path, compressed", [("/image", False), ("/script", True), ("/", True)])
def test_msie_gets_only_text_and_javascript_compressed(path, compressed):
    """GZ1: for an MSIE user agent only text and JavaScript types are compressed."""
    resp = get(path, **{"User-Agent": "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)"})
    assert (resp.headers.get("Content-Encoding") == "gzip") is compressed


def test_other_browsers_get_binary_types_compressed():
    """GZ1: non-MSIE clients get any type compressed."""
    assert get("/image", **{"User-Agent": "Mozilla/5.0 Firefox/120.0"}).headers["Content-Encoding"] == "gzip"


def test_etag_is_not_changed():
    """GZ1: an existing ETag is kept as is."""
    app = Application([("/", lambda: Response(BODY, headers={"ETag": '"abc"'}))],
                      middlewares=[GzipMiddleware()])
    resp = app.get_local_client().get("/", headers={"Accept-Encoding": "gzip"})
    assert resp.headers["Content-Encoding"] == "gzip" and resp.headers["ETag"] == '"abc"'


@pytest.mark.parametrize("path, status", [("/nope", 404), ("/post-only", 405), ("/raise404", 404)])
def test_error_responses_pass_through_unharmed(path, status):
    """GZ2 fixed: 404/405 (returned or raised) go through gzip with their status and a readable body."""
    resp = get(path, Accept="text/plain")
    assert resp.status_code == status
    assert "Content-Encoding" not in resp.headers
    assert str(status) in resp.get_data(as_text=True)


@pytest.mark.parametrize("level, xfl", [(1, 4), (9, 2)])
def test_compress_level_is_used(level, xfl):
    """compress_level reaches gzip: the header's XFL byte says fastest (4) for 1, best (2) for 9."""
    app = Application([("/", lambda: BODY, render_basic)], middlewares=[GzipMiddleware(compress_level=level)])
    data = app.get_local_client().get("/", headers={"Accept-Encoding": "gzip"}).get_data()
    assert data[8] == xfl


def test_head_request_gets_compressed_length():
    """HEAD gets the headers of the compressed representation and no body."""
    resp = make_app().get_local_client().head("/", headers={"Accept-Encoding": "gzip"})
    assert resp.headers["Content-Encoding"] == "gzip"
    assert resp.get_data() == b""


@pytest.mark.parametrize("level", [0, 10, -1, "6", 6.0, True, None])
def test_bad_compress_level_fails_construction(level):
    """compress_level must be an integer from 1 to 9."""
    with pytest.raises(ValueError, match="compress_level"):
        GzipMiddleware(compress_level=level)
