"""A ceiling on request body size: 413 instead of reading (or buffering) too much.

Two checks, so neither a declared nor an undeclared size gets through:

* a ``Content-Length`` above the limit is refused with 413 before anything
  reads the body;
* a body without a length (chunked transfer, where the server sets
  ``wsgi.input_terminated``) is read through a stream that raises 413 as
  soon as one byte more than the limit arrives.  Werkzeug's own
  ``max_content_length`` stream is not used for this: at the limit it ends
  the body quietly, and the endpoint would see truncated data.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, Optional

from werkzeug.exceptions import RequestEntityTooLarge as _WerkzeugTooLarge

from ..errors import RequestEntityTooLarge
from .._errors._werkzeug import from_werkzeug
from .core import Middleware

__all__ = ["BodyLimitMiddleware", "LimitedInput"]

_CHUNK = 64 * 1024


def _too_large(limit: int) -> RequestEntityTooLarge:
    return RequestEntityTooLarge(f"The request body is larger than the limit of {limit} bytes.")


class LimitedInput:
    """A ``wsgi.input`` that raises 413 once more than ``limit`` bytes were read.

    It reads at most one byte past the limit, so an oversized body is never
    buffered; the raised error is clastic_like's ``RequestEntityTooLarge``,
    which the application answers like any HTTP error.
    """

    def __init__(self, stream: Any, limit: int) -> None:
        self._stream = stream
        self.limit = limit
        self.consumed = 0

    def _account(self, data: bytes) -> bytes:
        self.consumed += len(data)
        if self.consumed > self.limit:
            raise _too_large(self.limit)
        return data

    def read(self, size: Optional[int] = -1) -> bytes:
        if size is None or size < 0:
            chunks: list[bytes] = []
            while True:
                chunk = self._stream.read(min(_CHUNK, self.limit - self.consumed + 1))
                if not chunk:
                    return b"".join(chunks)
                chunks.append(self._account(chunk))
        return self._account(self._stream.read(min(size, self.limit - self.consumed + 1)))

    def readline(self, size: Optional[int] = -1) -> bytes:
        allowed = self.limit - self.consumed + 1
        if size is None or size < 0 or size > allowed:
            size = allowed
        return self._account(self._stream.readline(size))

    def readlines(self, hint: Optional[int] = -1) -> list[bytes]:
        lines: list[bytes] = []
        total = 0
        while True:
            line = self.readline()
            if not line:
                return lines
            lines.append(line)
            total += len(line)
            if hint is not None and 0 < hint <= total:
                return lines

    def __iter__(self) -> Iterator[bytes]:
        while True:
            line = self.readline()
            if not line:
                return
            yield line

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class BodyLimitMiddleware(Middleware):
    """Answer 413 to request bodies over ``max_bytes`` (see the module docstring).

    The stream limit is installed by a ``wsgi_wrapper``, so it holds for
    every reader, whatever the middleware order, and for the whole
    application even when the middleware is given on one route.  The
    ``Content-Length`` check runs as a request hook, so its 413 is rendered
    by the application's error handler like any error.  Werkzeug's own
    form limits (``Request.max_form_parts``, ``max_form_memory_size``) also
    answer 413 through this middleware instead of a 500.
    """

    def __init__(self, max_bytes: int) -> None:
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 0:
            raise ValueError(f"BodyLimitMiddleware max_bytes must be a whole number of bytes (>= 0), not {max_bytes!r}.")
        self.max_bytes = max_bytes

    def wsgi_wrapper(self, app: Callable[..., Any]) -> Callable[..., Any]:
        def body_limit_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            stream = environ.get("wsgi.input")
            if stream is not None and not isinstance(stream, LimitedInput):
                environ["wsgi.input"] = LimitedInput(stream, self.max_bytes)
            return app(environ, start_response)

        return body_limit_app

    def request(self, next: Callable[[], Any], request: Any) -> Any:
        length = request.content_length
        if length is not None and length > self.max_bytes:
            raise _too_large(self.max_bytes)
        try:
            return next()
        except _WerkzeugTooLarge as exc:
            raise from_werkzeug(exc) from None

    def __repr__(self) -> str:
        return f"BodyLimitMiddleware(max_bytes={self.max_bytes!r})"
