"""Choosing an error body's format from the request's ``Accept`` header (E5)."""
from __future__ import annotations

import functools
from typing import Any

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

__all__ = ["MIME_SUPPORT_MAP", "DEFAULT_MIME", "CHARSET_MIMES", "negotiate_error_mimetype", "negotiate_accept"]

DEFAULT_MIME = "text/plain"
# Formats an error can be rendered in, in order of preference when a client
# accepts several equally: a browser's "*/*" gets HTML (Clastic's E5).
MIME_SUPPORT_MAP = {
    "text/html": "html",
    "application/json": "json",
    "text/plain": "text",
    "application/xml": "xml",
}
# Text types get an explicit charset; JSON is UTF-8 by definition.
CHARSET_MIMES = ("text/html", "text/plain", "application/xml")


def negotiate_error_mimetype(request: Any) -> str:
    """The best of :data:`MIME_SUPPORT_MAP` for ``request``; text when nothing fits.

    No ``Accept`` header, or one naming only other types (``image/png``),
    gets plain text: an error must always have a body, and text is the
    format every client can show.
    """
    environ = getattr(request, "environ", None)
    if isinstance(environ, dict):
        mimetype = negotiate_accept(environ.get("HTTP_ACCEPT"))
        if mimetype is not None:
            return mimetype
    accept = getattr(request, "accept_mimetypes", None)
    if accept is None:
        return DEFAULT_MIME
    return accept.best_match(_OFFERED) or DEFAULT_MIME


def negotiate_accept(header: Any) -> Any:
    """:func:`negotiate_error_mimetype` for the text of an ``Accept`` header
    (``None`` or empty when there is none); ``None`` for a header too long
    to memoise, which the caller parses from the request."""
    if not header:
        return DEFAULT_MIME  # what best_match gives for no Accept, without parsing
    if len(header) <= _CACHED_HEADER_LENGTH:
        return _negotiate_header(header)
    return None


_OFFERED = list(MIME_SUPPORT_MAP)
# Clients send a handful of distinct Accept headers ("*/*", a browser's), so
# the answer is memoised per header value.  This is a cache of a pure
# function of the header text, not state: no application can observe it.
_CACHED_HEADER_LENGTH = 512


@functools.lru_cache(maxsize=256)
def _negotiate_header(header: str) -> str:
    return parse_accept_header(header, MIMEAccept).best_match(_OFFERED) or DEFAULT_MIME
