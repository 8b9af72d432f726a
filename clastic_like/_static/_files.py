"""Building the response for one file: type, validators, 304, ranges.

The file is opened only when a body is actually sent (not for HEAD, 304 or
416), and by a generator that closes it however the response ends, so no
file handle outlives its request.
"""
from __future__ import annotations

import mimetypes
import os
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, Iterator, Mapping, Optional

from werkzeug.http import http_date, parse_date, parse_etags, parse_range_header, quote_etag
from werkzeug.wrappers import Response

from ..errors import RequestedRangeNotSatisfiable

__all__ = [
    "DEFAULT_TEXT_MIME",
    "DEFAULT_BINARY_MIME",
    "WEB_MIMETYPES",
    "guess_mimetype",
    "is_binary_string",
    "peek_file",
    "get_file_mtime",
    "make_etag",
    "build_file_response",
]

DEFAULT_TEXT_MIME = "text/plain"
DEFAULT_BINARY_MIME = "application/octet-stream"
_CHUNK = 64 * 1024
_SNIFF = 1024

# Web types whose system mapping varies between platforms (or is outdated,
# like application/javascript); these win over the mimetypes module.
WEB_MIMETYPES: Mapping[str, str] = MappingProxyType({
    ".html": "text/html", ".htm": "text/html", ".css": "text/css",
    ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json",
    ".map": "application/json", ".xml": "application/xml", ".svg": "image/svg+xml",
    ".txt": "text/plain", ".md": "text/markdown", ".csv": "text/csv",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/vnd.microsoft.icon",
    ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
    ".wasm": "application/wasm", ".pdf": "application/pdf", ".webmanifest": "application/manifest+json",
})
# A compressed file is served as the archive it is: declaring
# ``Content-Encoding`` would make clients unpack it behind the user's back.
_ENCODED_MIMETYPES = MappingProxyType({
    "gzip": "application/gzip", "bzip2": "application/x-bzip2", "xz": "application/x-xz",
    "br": "application/x-brotli", "compress": "application/x-compress",
})
# Types that are text but do not start with "text/": they get a charset too.
_TEXTUAL = ("application/json", "application/javascript", "application/xml", "image/svg+xml",
            "application/manifest+json")
# Bytes that plain text files contain (printable ASCII, common controls, and
# anything >= 0x80, which is how UTF-8 text looks byte by byte).
_TEXT_BYTES = bytes({7, 8, 9, 10, 12, 13, 27} | set(range(0x20, 0x7F)) | set(range(0x80, 0x100)))
# One private table, so results do not depend on /etc/mime.types.
_BUILTIN = mimetypes.MimeTypes()


def is_binary_string(data: bytes, sample_size: int = 4096) -> bool:
    """Whether ``data`` looks binary: a NUL or another non-text byte early on."""
    return bool(data[:sample_size].translate(None, _TEXT_BYTES))


def peek_file(path: str, size: int = _SNIFF) -> bytes:
    """The first ``size`` bytes of a file (closed again at once)."""
    with open(path, "rb") as f:
        return f.read(size)


def guess_mimetype(path: str, default_text_mime: str = DEFAULT_TEXT_MIME,
                   default_binary_mime: str = DEFAULT_BINARY_MIME) -> str:
    """The MIME type of a file: by extension, else by sniffing its first bytes."""
    ext = os.path.splitext(path)[1].lower()
    if ext in WEB_MIMETYPES:
        return WEB_MIMETYPES[ext]
    mimetype, encoding = _BUILTIN.guess_type(path, strict=False)
    if encoding:
        return _ENCODED_MIMETYPES.get(encoding, default_binary_mime)
    if mimetype:
        return mimetype
    try:
        sample = peek_file(path)
    except OSError:
        return default_binary_mime
    return default_binary_mime if is_binary_string(sample) else default_text_mime


def with_charset(mimetype: str, charset: Optional[str]) -> str:
    """``text/css`` -> ``text/css; charset=utf-8``; binary types unchanged."""
    if charset and ";" not in mimetype and (mimetype.startswith("text/") or mimetype in _TEXTUAL):
        return f"{mimetype}; charset={charset}"
    return mimetype


def get_file_mtime(path: str) -> datetime:
    """The file's modification time, timezone-aware UTC, whole seconds (HTTP dates have no fractions)."""
    return datetime.fromtimestamp(int(os.stat(path).st_mtime), tz=timezone.utc)


def make_etag(st: os.stat_result) -> str:
    """A strong validator from size and modification time (nanoseconds)."""
    return f"{st.st_size:x}-{st.st_mtime_ns:x}"


def _iter_file(path: str, start: int, length: int) -> Iterator[bytes]:
    # O_NOFOLLOW: the path was resolved already; refuse a symlink swapped in since.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        f.seek(start)
        remaining = length
        while remaining > 0:
            chunk = f.read(min(_CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def _not_modified(environ: Mapping[str, Any], etag: str, last_modified: datetime) -> bool:
    """RFC 9110 13.2.2: If-None-Match first (weak comparison); If-Modified-Since only without it."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        return parse_etags(if_none_match).contains_weak(etag)
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    return since is not None and last_modified <= since


def _precondition_failed(environ: Mapping[str, Any], etag: str) -> bool:
    """If-Match (strong comparison): a client updating a different version."""
    if_match = environ.get("HTTP_IF_MATCH")
    return bool(if_match) and not parse_etags(if_match).contains(etag)


def _if_range_holds(environ: Mapping[str, Any], etag: str, last_modified: datetime) -> bool:
    """If-Range: the range applies only to the version the client already has."""
    value = environ.get("HTTP_IF_RANGE")
    if not value:
        return True
    if value.startswith(('"', "W/")):
        etags = parse_etags(value)
        return not value.startswith("W/") and etags.contains(etag)
    date = parse_date(value)
    return date is not None and date == last_modified


def _byte_range(environ: Mapping[str, Any], size: int) -> Optional[tuple[int, int]]:
    """``(start, stop)`` of a satisfiable single byte range; ``None`` to send everything.

    A malformed header, another unit or several ranges are ignored (RFC 9110
    allows it), so the client gets the whole file; a well-formed range that
    lies outside the file is a 416.
    """
    header = environ.get("HTTP_RANGE")
    if not header or size == 0:
        return None
    parsed = parse_range_header(header)
    if parsed is None or parsed.units != "bytes" or len(parsed.ranges) != 1:
        return None
    start, stop = parsed.ranges[0]
    if start < 0:  # a suffix: the last -start bytes (all of them if the file is shorter)
        start, stop = max(0, size + start), size
    if start >= size:
        error = RequestedRangeNotSatisfiable(f"The file has {size} bytes; the range {header!r} starts after its end.")
        error.headers["Content-Range"] = f"bytes */{size}"
        raise error
    stop = size if stop is None else min(stop, size)
    return start, stop


def build_file_response(
    path: str,
    request: Any,
    *,
    cache_timeout: int = 360,
    mimetype: Optional[str] = None,
    charset: Optional[str] = "utf-8",
    default_text_mime: str = DEFAULT_TEXT_MIME,
    default_binary_mime: str = DEFAULT_BINARY_MIME,
) -> Response:
    """The 200, 206, 304 or 412 response for the regular file at ``path``.

    Sets ``Content-Type`` (with ``charset`` for text), ``Content-Length``,
    ``ETag``, ``Last-Modified``, ``Cache-Control``, ``Accept-Ranges`` and
    ``X-Content-Type-Options: nosniff``.  Raises ``FileNotFoundError`` if
    the file is gone; a 416 (``RequestedRangeNotSatisfiable``) for a range
    past the end.
    """
    st = os.stat(path)
    environ = request.environ
    etag = make_etag(st)
    last_modified = datetime.fromtimestamp(int(st.st_mtime), tz=timezone.utc)
    content_type = with_charset(mimetype or guess_mimetype(path, default_text_mime, default_binary_mime), charset)

    response = Response(status=200)
    headers = response.headers
    headers["ETag"] = quote_etag(etag)
    headers["Last-Modified"] = http_date(last_modified)
    if cache_timeout and cache_timeout > 0:
        headers["Cache-Control"] = f"public, max-age={int(cache_timeout)}"
    else:
        headers["Cache-Control"] = "no-cache"
    method = environ.get("REQUEST_METHOD", "GET")
    conditional = method in ("GET", "HEAD")
    if conditional and _precondition_failed(environ, etag):
        response.status_code = 412
        del headers["Content-Type"]
        return response
    if conditional and _not_modified(environ, etag, last_modified):
        # RFC 9110 15.4.5: validators and caching headers, no representation metadata.
        response.status_code = 304
        del headers["Content-Type"]
        return response

    headers["Content-Type"] = content_type
    headers["Accept-Ranges"] = "bytes"
    headers["X-Content-Type-Options"] = "nosniff"
    start, stop = 0, st.st_size
    if method == "GET" and _if_range_holds(environ, etag, last_modified):
        byte_range = _byte_range(environ, st.st_size)
        if byte_range is not None:
            start, stop = byte_range
            response.status_code = 206
            headers["Content-Range"] = f"bytes {start}-{stop - 1}/{st.st_size}"
    headers["Content-Length"] = str(stop - start)
    if method != "HEAD":
        response.response = _iter_file(path, start, stop - start)
    return response
