"""Choosing an error body's format from the request's ``Accept`` header (E5)."""
from __future__ import annotations

from typing import Any

__all__ = ["MIME_SUPPORT_MAP", "DEFAULT_MIME", "CHARSET_MIMES", "negotiate_error_mimetype"]

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
    if isinstance(environ, dict) and not environ.get("HTTP_ACCEPT"):
        return DEFAULT_MIME  # what best_match gives for no Accept, without parsing
    accept = getattr(request, "accept_mimetypes", None)
    if accept is None:
        return DEFAULT_MIME
    return accept.best_match(list(MIME_SUPPORT_MAP)) or DEFAULT_MIME
