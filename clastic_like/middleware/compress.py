"""Gzip compression of buffered responses for clients that accept it."""
from __future__ import annotations

import gzip
from typing import Any, Callable

from werkzeug.wrappers import Response as _Response

from ..errors import HTTPException
from .core import Middleware

__all__ = ["GzipMiddleware"]


def gzip_quality(request: Any) -> float:
    """The client's quality value for gzip, per its ``Accept-Encoding``.

    An explicit ``gzip`` (or its alias ``x-gzip``) entry wins over ``*``, so
    ``gzip;q=0, *`` refuses gzip; no header, or no matching entry, is 0.
    """
    explicit = None
    wildcard = None
    for value, quality in request.accept_encodings:
        coding = value.lower()
        if coding in ("gzip", "x-gzip"):
            explicit = quality if explicit is None else max(explicit, quality)
        elif coding == "*":
            wildcard = quality
    if explicit is not None:
        return explicit
    return wildcard or 0


class GzipMiddleware(Middleware):
    """Gzip-compress eligible responses (Clastic's GZ1).

    Every response gets ``Accept-Encoding`` added to ``Vary`` (raised HTTP
    errors too).  The body is
    left alone when the response already has a ``Content-Encoding``, the
    client does not accept gzip, the client is MSIE and the type is neither
    text nor JavaScript, the response is streamed, or it is a partial (206)
    response; otherwise the buffered body is compressed at
    ``compress_level`` (1-9) and replaced only when that makes it smaller.
    The ETag is kept (as in Clastic): put :class:`HTTPCacheMiddleware`
    *before* this middleware so its ETag is computed on the compressed body.

    Error responses (``HTTPException``, returned or raised) are not
    compressed: the application renders their body in the client's format
    after the middleware chain returned, which would replace compressed
    bytes with plain text under a ``Content-Encoding: gzip`` header.
    """

    def __init__(self, compress_level: int = 6) -> None:
        if isinstance(compress_level, bool) or not isinstance(compress_level, int) \
                or not 1 <= compress_level <= 9:
            raise ValueError(
                f"GzipMiddleware compress_level must be an integer from 1 (fastest) to 9"
                f" (smallest), not {compress_level!r}."
            )
        self.compress_level = compress_level

    def request(self, next: Callable[[], Any], request: Any) -> Any:
        try:
            resp = next()
        except HTTPException as exc:
            exc.vary.add("Accept-Encoding")
            raise
        if not isinstance(resp, _Response):
            return resp
        resp.vary.add("Accept-Encoding")
        if isinstance(resp, HTTPException) or not self._eligible(request, resp):
            return resp
        data = resp.get_data()
        compressed = gzip.compress(data, compresslevel=self.compress_level, mtime=0)
        if len(compressed) < len(data):
            resp.set_data(compressed)
            resp.headers["Content-Encoding"] = "gzip"
            resp.headers["Content-Length"] = str(len(compressed))
        return resp

    def _eligible(self, request: Any, resp: Any) -> bool:
        if "Content-Encoding" in resp.headers or resp.status_code == 206 or resp.is_streamed:
            return False
        if gzip_quality(request) <= 0:
            return False
        # Old Internet Explorer mishandles compressed non-text types.
        if "MSIE " in request.headers.get("User-Agent", ""):
            mimetype = resp.mimetype or ""
            if not (mimetype.startswith("text/") or "javascript" in mimetype):
                return False
        return True

    def __repr__(self) -> str:
        return f"GzipMiddleware(compress_level={self.compress_level!r})"
