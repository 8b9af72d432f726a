"""One structured log line per request on the ``clastic_like.access`` logger.

The line is ``key=value`` pairs (logfmt)::

    method=GET path=/users/3 status=200 bytes=512 duration_ms=1.84 request_id=9f2c...

Values with spaces, quotes, ``=`` or control characters are JSON-quoted, so a
hostile path cannot forge a second line or a field.  The same fields are on
the log record as ``record.access`` (a dict) for JSON formatters.

It works at the WSGI level, so it sees what the client got: 404s, 405s, 500s
from the error handler, and the bytes actually sent.  The request id is the
one :class:`~clastic_like.middleware.request_id.RequestIdMiddleware` chose,
or ``-`` without it.
"""
from __future__ import annotations

import json
import logging
import re
import time
from typing import Any, Callable, Iterable, Iterator, Optional

from .core import Middleware
from .request_id import ENVIRON_KEY

__all__ = ["AccessLogMiddleware", "format_fields"]

_PLAIN = re.compile(r"[A-Za-z0-9._~:/+%@,-]+\Z")


def _quote(value: Any) -> str:
    text = str(value)
    if _PLAIN.match(text):
        return text
    return json.dumps(text)  # ASCII-only, escapes quotes, newlines and controls


def format_fields(fields: dict[str, Any]) -> str:
    """``{'a': 1, 'b': 'x y'}`` → ``a=1 b="x y"``."""
    return " ".join(f"{key}={_quote(value)}" for key, value in fields.items())


def _environ_path(environ: dict[str, Any]) -> str:
    # WSGI strings are latin-1 decoded bytes; recover the UTF-8 text.
    raw = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    try:
        return raw.encode("latin-1").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return raw


class _LoggedBody:
    """Pass the response body through, counting bytes; log once when closed."""

    def __init__(self, body: Iterable[bytes], on_close: Callable[[int], None]) -> None:
        self._body = body
        self._on_close = on_close
        self._sent = 0
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._body:
            self._sent += len(chunk)
            yield chunk

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._on_close(self._sent)


class AccessLogMiddleware(Middleware):
    """Log method, path, status, bytes sent, duration and request id of every request.

    ``logger``: a ``logging.Logger`` or a logger name (default
    ``'clastic_like.access'``).  ``level``: the record level (INFO).
    ``clock``: the duration timer (tests inject one).  ``max_path_length``:
    longer paths are cut (with ``...``) so one request cannot write a
    megabyte log line.  The query string is never logged: it often holds
    tokens.
    """

    def __init__(self, logger: Any = "clastic_like.access", *, level: int = logging.INFO,
                 clock: Callable[[], float] = time.perf_counter, max_path_length: int = 1024) -> None:
        if isinstance(logger, str):
            logger = logging.getLogger(logger)
        if not isinstance(logger, (logging.Logger, logging.LoggerAdapter)):
            raise TypeError(f"AccessLogMiddleware logger must be a logging.Logger or a logger name, not {logger!r}.")
        if isinstance(level, bool) or not isinstance(level, int):
            raise TypeError(f"AccessLogMiddleware level must be a logging level such as logging.INFO, not {level!r}.")
        if not callable(clock):
            raise TypeError(f"AccessLogMiddleware clock must be callable, not {clock!r}.")
        if isinstance(max_path_length, bool) or not isinstance(max_path_length, int) or max_path_length < 16:
            raise ValueError(f"AccessLogMiddleware max_path_length must be an integer >= 16, not {max_path_length!r}.")
        self.logger = logger
        self.level = level
        self.clock = clock
        self.max_path_length = max_path_length

    def log(self, environ: dict[str, Any], status: Optional[str], sent: int, seconds: float) -> None:
        path = _environ_path(environ)
        if len(path) > self.max_path_length:
            path = path[: self.max_path_length] + "..."
        try:
            code: Any = int(str(status).split(None, 1)[0])
        except ValueError:
            code = "-"
        fields = {
            "method": environ.get("REQUEST_METHOD", "-")[:32],
            "path": path,
            "status": code,
            "bytes": sent,
            "duration_ms": round(seconds * 1000, 3),
            "request_id": environ.get(ENVIRON_KEY) or "-",
        }
        self.logger.log(self.level, "%s", format_fields(fields), extra={"access": fields})

    def wsgi_wrapper(self, app: Callable[..., Any]) -> Callable[..., Any]:
        def access_log_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            started = self.clock()
            seen: dict[str, str] = {}

            def start_and_remember(status: str, headers: list, exc_info: Any = None) -> Any:
                seen["status"] = status
                return start_response(status, headers, exc_info)

            try:
                body = app(environ, start_and_remember)
            except BaseException:
                # The server turns this into a 500 (reraise_uncaught, or a
                # wrapper that failed): log it as one.
                self.log(environ, seen.get("status", "500"), 0, self.clock() - started)
                raise
            return _LoggedBody(
                body, lambda sent: self.log(environ, seen.get("status"), sent, self.clock() - started)
            )

        return access_log_app

    def __repr__(self) -> str:
        return f"AccessLogMiddleware(logger={getattr(self.logger, 'name', self.logger)!r})"
