"""AccessLogMiddleware (clastic_like.middleware.access_log)."""
import logging

import pytest

from clastic_like import POST, Application, Response, render_basic
from clastic_like.errors import ErrorHandler
from clastic_like.middleware import AccessLogMiddleware, RequestIdMiddleware
from clastic_like.middleware.access_log import format_fields


class Ticker:
    """Each call advances 2.5 ms: every request lasts 2.5 ms."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        self.now += 0.0025
        return self.now


def make_app(extra_mws=(), **app_kw):
    def crash():
        raise RuntimeError("boom")

    routes = [("/", lambda: "hello", render_basic), ("/crash", crash),
              POST("/post-only", lambda: "x", render_basic),
              ("/stream", lambda: Response(iter([b"ab", b"cde"])))]
    return Application(routes, middlewares=[AccessLogMiddleware(clock=Ticker()), *extra_mws], **app_kw)


def records(caplog):
    return [r for r in caplog.records if r.name == "clastic_like.access"]


def fetch(app, path="/", method="GET", **kw):
    return app.get_local_client().open(path, method=method, buffered=True, **kw)


@pytest.fixture
def caplog_access(caplog):
    caplog.set_level(logging.INFO, logger="clastic_like.access")
    return caplog


def test_one_line_per_request_with_all_fields(caplog_access):
    """A request logs one line with method, path, status, bytes, duration and request id."""
    fetch(make_app(), "/?secret=token")
    record, = records(caplog_access)
    assert record.getMessage() == "method=GET path=/ status=200 bytes=5 duration_ms=2.5 request_id=-"
    assert record.levelno == logging.INFO


def test_fields_on_record_for_structured_handlers(caplog_access):
    """The fields are also on the record as record.access (for JSON formatters)."""
    fetch(make_app(), "/")
    record, = records(caplog_access)
    assert record.access == {"method": "GET", "path": "/", "status": 200, "bytes": 5, "duration_ms": 2.5,
                             "request_id": "-"}


def test_query_string_is_not_logged(caplog_access):
    """The query string (often holding tokens) is not logged."""
    fetch(make_app(), "/?secret=token")
    assert "token" not in records(caplog_access)[0].getMessage()


@pytest.mark.parametrize("path, method, status", [
    ("/nope", "GET", 404), ("/post-only", "GET", 405), ("/crash", "GET", 500),
])
def test_error_responses_are_logged_with_their_status(caplog_access, path, method, status):
    """404, 405 and 500 responses are logged with their real status."""
    fetch(make_app(), path, method)
    assert records(caplog_access)[0].access["status"] == status


def test_reraised_exception_is_logged_as_500(caplog_access):
    """An exception escaping the application (reraise_uncaught) is logged as a 500, then propagates."""
    app = make_app(error_handler=ErrorHandler(reraise_uncaught=True))
    with pytest.raises(RuntimeError):
        fetch(app, "/crash")
    assert records(caplog_access)[0].access["status"] == 500


def test_streamed_bytes_are_counted(caplog_access):
    """Bytes are those actually sent, streamed bodies included."""
    fetch(make_app(), "/stream")
    assert records(caplog_access)[0].access["bytes"] == 5


def test_head_logs_zero_bytes(caplog_access):
    """A HEAD response sends no body and logs 0 bytes."""
    fetch(make_app(), "/", "HEAD")
    assert records(caplog_access)[0].access["bytes"] == 0


def test_request_id_from_request_id_middleware(caplog_access):
    """With RequestIdMiddleware the log line carries the request's id."""
    app = make_app([RequestIdMiddleware()])
    fetch(app, "/", headers={"X-Request-ID": "trace-42"})
    assert records(caplog_access)[0].access["request_id"] == "trace-42"


def test_logged_once_even_if_closed_twice(caplog_access):
    """Closing the response body twice still logs one line."""
    app = make_app()
    body = app({"REQUEST_METHOD": "GET", "PATH_INFO": "/", "SERVER_NAME": "x", "SERVER_PORT": "80",
                "wsgi.url_scheme": "http", "wsgi.input": None}, lambda status, headers, exc_info=None: None)
    list(body)
    body.close()
    body.close()
    assert len(records(caplog_access)) == 1


@pytest.mark.parametrize("path", [
    "/a b", "/quote\"d", "/new%0Aline", "/tab%09x", "/é", "/%FF%FE", "/x=y z=w", "/" + "a" * 5000,
])
def test_hostile_paths_cannot_forge_lines_or_fields(caplog_access, path):
    """Paths with spaces, quotes, newlines, '=' or huge length stay one quoted field on one line."""
    fetch(make_app(), path)
    message = records(caplog_access)[0].getMessage()
    assert "\n" not in message and "\r" not in message
    assert len(message) < 1300
    assert message.startswith("method=GET path=") and message.count(" status=") == 1


def test_custom_logger_and_level(caplog):
    """logger= and level= choose where and how the lines go."""
    caplog.set_level(logging.DEBUG, logger="my.access")
    app = Application([("/", lambda: "x", render_basic)],
                      middlewares=[AccessLogMiddleware("my.access", level=logging.DEBUG)])
    fetch(app)
    assert [r.levelno for r in caplog.records if r.name == "my.access"] == [logging.DEBUG]


def test_format_fields_quotes_only_when_needed():
    """format_fields leaves plain values bare and JSON-quotes the rest."""
    assert format_fields({"a": 1, "b": "x y", "c": "/p"}) == 'a=1 b="x y" c=/p'


@pytest.mark.parametrize("kwargs, error", [
    ({"logger": 5}, TypeError), ({"level": "INFO"}, TypeError), ({"clock": 1}, TypeError),
    ({"max_path_length": 3}, ValueError),
])
def test_bad_configuration_fails_construction(kwargs, error):
    """Invalid options are refused at construction."""
    with pytest.raises(error, match="AccessLogMiddleware"):
        AccessLogMiddleware(**kwargs)
