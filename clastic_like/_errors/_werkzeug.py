"""Werkzeug's own HTTP errors, turned into clastic_like's.

Werkzeug raises ``werkzeug.exceptions.HTTPException`` subclasses from inside
request parsing: ``request.form`` on an oversize or malformed multipart body
(413, 400), ``request.get_json()`` on bad JSON (400, 415).  Those are the
client's mistakes and must reach the client as that 4xx, rendered and
negotiated like every other error, not as a 500 from an "uncaught" exception.
"""
from __future__ import annotations

from typing import Any

from werkzeug.exceptions import HTTPException as WerkzeugHTTPException

from ._base import HTTPException
from ._status import ERROR_CODE_MAP, InternalServerError

__all__ = ["from_werkzeug"]

# Headers that carry meaning for the client; the rest (Content-Type, ...) are
# re-made when the error is rendered.
_KEPT_HEADERS = ("allow", "www-authenticate", "retry-after", "proxy-authenticate")


def from_werkzeug(exc: WerkzeugHTTPException) -> HTTPException:
    """The clastic_like error for a Werkzeug HTTP error (same code and explanation)."""
    code = exc.code or 500
    cls = ERROR_CODE_MAP.get(code, InternalServerError if code >= 500 else None)
    kwargs: dict[str, Any] = {}
    if cls is None:
        cls, kwargs["code"] = HTTPException, code
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() in _KEPT_HEADERS]
    # By keyword: MethodNotAllowed's first positional parameter is the methods.
    return cls(detail=exc.description, headers=headers, **kwargs)
