"""BodyLimitMiddleware (clastic_like.middleware.body_limit)."""
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder, encode_multipart, run_wsgi_app

from clastic_like import POST, Application, Response
from clastic_like.errors import RequestEntityTooLarge
from clastic_like.middleware import BodyLimitMiddleware, PostDataMiddleware
from clastic_like.middleware.body_limit import LimitedInput

LIMIT = 100


class ExplodingInput(io.BytesIO):
    """A wsgi.input that fails the test if anyone reads it."""

    def read(self, *a):
        raise AssertionError("the body was read")

    readline = read


def make_app(limit=LIMIT, extra_mws=()):
    def upload(request):
        return Response(str(len(request.get_data())))

    def form(name):
        return Response(f"name has {len(name or '')} chars")

    routes = [POST("/upload", upload), POST("/form", form)]
    return Application(routes, middlewares=[BodyLimitMiddleware(limit), PostDataMiddleware({"name": str}),
                                            *extra_mws])


def chunked(app, path, body, content_type="application/octet-stream"):
    """Serve a body without Content-Length, as a server handling chunked encoding would."""
    environ = EnvironBuilder(path=path, method="POST", data=body, content_type=content_type).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    environ["wsgi.input_terminated"] = True
    app_iter, status, headers = run_wsgi_app(app, environ, buffered=True)
    return int(status.split()[0]), b"".join(app_iter).decode()


def declared(app, path, length):
    """POST with a declared Content-Length and a body that must not be read."""
    return app.get_local_client().post(
        path, environ_overrides={"CONTENT_LENGTH": length, "wsgi.input": ExplodingInput()})


def post(app, path, body, **kw):
    resp = app.get_local_client().post(path, data=body, **kw)
    return resp.status_code, resp.get_data(as_text=True)


@pytest.mark.parametrize("size", [0, 1, LIMIT - 1, LIMIT])
def test_body_within_limit_is_served_whole(size):
    """A body up to the limit reaches the endpoint complete."""
    assert post(make_app(), "/upload", b"x" * size) == (200, str(size))


def test_declared_oversize_body_is_413_without_reading():
    """A Content-Length over the limit is answered 413 before anything reads the body."""
    resp = declared(make_app(), "/upload", str(LIMIT + 1))
    assert resp.status_code == 413
    assert "100 bytes" in resp.get_data(as_text=True)


@pytest.mark.parametrize("length", [str(LIMIT + 1), "10" * 30, str(2 ** 63)])
def test_huge_declared_lengths_are_413(length):
    """Any declared length over the limit, however huge, is a 413."""
    resp = declared(make_app(), "/upload", length)
    assert resp.status_code == 413


def test_declared_oversize_body_to_unknown_path_is_413():
    """The declared-length check runs for every path, before the 404 (no body is read either way)."""
    resp = declared(make_app(), "/nope", "1000000")
    assert resp.status_code == 413


@pytest.mark.parametrize("length", ["abc", "-5", "1.5", " "])
def test_malformed_content_length_is_not_an_error(length):
    """A malformed Content-Length is read by Werkzeug as 0: no body, no 500."""
    resp = make_app().get_local_client().post("/upload", data=b"hello", headers={"Content-Length": length})
    assert resp.status_code == 200


def test_chunked_body_over_limit_is_413():
    """A body without Content-Length that grows past the limit is a 413, not truncated data."""
    assert chunked(make_app(), "/upload", b"x" * (LIMIT + 1))[0] == 413


@pytest.mark.parametrize("size", [0, LIMIT - 1, LIMIT])
def test_chunked_body_within_limit_is_served_whole(size):
    """A body without Content-Length up to the limit is read completely."""
    assert chunked(make_app(), "/upload", b"x" * size) == (200, str(size))


def test_chunked_form_over_limit_is_413():
    """A chunked form body over the limit is refused while PostDataMiddleware parses it."""
    body = b"name=" + b"y" * 500
    assert chunked(make_app(), "/form", body, "application/x-www-form-urlencoded")[0] == 413


def test_chunked_multipart_over_limit_is_413():
    """A chunked multipart body over the limit is refused."""
    boundary, body = encode_multipart({"name": "z" * 500})
    assert chunked(make_app(), "/form", body, f"multipart/form-data; boundary={boundary}")[0] == 413


def test_form_within_limit_is_served():
    """A small form passes and is parsed."""
    assert post(make_app(), "/form", {"name": "Ada"}) == (200, "name has 3 chars")


def test_werkzeug_form_limits_are_413_not_500():
    """Werkzeug's own form limits (too many parts) answer 413 through the middleware."""
    app = make_app(limit=10_000_000)
    data = {f"f{i}": "x" for i in range(1200)}
    assert post(app, "/form", data, content_type="multipart/form-data")[0] == 413


def test_endpoint_reading_werkzeug_limit_gets_413():
    """An endpoint reading request.form itself and hitting Werkzeug's part limit gets 413, not 500."""
    def raw_form(request):
        return Response(str(len(request.form)))

    app = Application([POST("/raw", raw_form)], middlewares=[BodyLimitMiddleware(10_000_000)])
    data = {f"f{i}": "x" for i in range(1200)}
    assert post(app, "/raw", data, content_type="multipart/form-data")[0] == 413


def test_limit_zero_refuses_any_body():
    """max_bytes=0 accepts requests without a body and refuses any byte."""
    app = make_app(limit=0)
    assert post(app, "/upload", b"")[0] == 200
    assert post(app, "/upload", b"x")[0] == 413


def test_limited_input_reads_exactly_up_to_limit():
    """LimitedInput returns all bytes up to the limit and raises on the first byte past it."""
    stream = LimitedInput(io.BytesIO(b"abcdef"), 6)
    assert stream.read(4) == b"abcd" and stream.read() == b"ef"
    over = LimitedInput(io.BytesIO(b"abcdefg"), 6)
    with pytest.raises(RequestEntityTooLarge):
        over.read()


def test_limited_input_readline_and_iteration():
    """readline, readlines and iteration are limited too."""
    assert LimitedInput(io.BytesIO(b"a\nb\n"), 10).readlines() == [b"a\n", b"b\n"]
    assert list(LimitedInput(io.BytesIO(b"a\nb\n"), 10)) == [b"a\n", b"b\n"]
    with pytest.raises(RequestEntityTooLarge):
        list(LimitedInput(io.BytesIO(b"line one\nline two\n"), 10))


@given(data=st.binary(max_size=300), limit=st.integers(0, 300),
       sizes=st.lists(st.one_of(st.none(), st.integers(-1, 80)), max_size=12))
def test_limited_input_never_truncates(data, limit, sizes):
    """Any mix of reads returns exactly the body when it fits, and raises 413 when it does not."""
    stream = LimitedInput(io.BytesIO(data), limit)
    out = b""
    try:
        for size in sizes:
            out += stream.read(size)
        out += stream.read()
    except RequestEntityTooLarge:
        assert len(data) > limit
        assert len(out) <= limit
    else:
        assert len(data) <= limit and out == data


@pytest.mark.parametrize("limit", [-1, 1.5, "100", None, True])
def test_bad_limit_fails_construction(limit):
    """max_bytes must be a whole number of bytes >= 0."""
    with pytest.raises(ValueError, match="max_bytes"):
        BodyLimitMiddleware(limit)
