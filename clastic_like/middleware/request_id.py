"""Request ids: one per request, taken from ``X-Request-ID`` when well-formed, echoed back.

A proxy or client that already assigned an id keeps it, so one id follows a
request through every service's logs; a missing or malformed one (too long,
or with characters outside ``A-Z a-z 0-9 . _ ~ : + / = -``) is replaced by a
fresh random id rather than trusted into logs and headers.
"""
from __future__ import annotations

import re
import uuid
from typing import Any, Callable, Iterable, Optional

from .._wrappers import REQUEST_ID_ENVIRON_KEY
from ._headers import is_token, set_header
from .core import Middleware

__all__ = ["RequestIdMiddleware", "ENVIRON_KEY", "is_valid_request_id"]

# Where the id is kept in the WSGI environ, so other WSGI-level code (the
# access log) can read it without depending on this middleware.
ENVIRON_KEY = REQUEST_ID_ENVIRON_KEY  # Request.request_guid reads the same key

_SAFE_CHARS = re.compile(r"[A-Za-z0-9._~:+/=-]+\Z")
_MAX_LENGTH_LIMIT = 1024


def is_valid_request_id(value: Any, max_length: int = 128) -> bool:
    """Whether ``value`` is a non-empty id of safe characters, at most ``max_length`` long."""
    return (isinstance(value, str) and 0 < len(value) <= max_length
            and _SAFE_CHARS.match(value) is not None)


def _new_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware(Middleware):
    """Provide ``request_id`` and send it back in the ``X-Request-ID`` response header.

    ``header_name``: the request and response header.  ``provided_name``:
    the injectable name.  ``trust_incoming=False`` always makes a new id
    (for services facing clients that must not choose ids).
    ``max_length``: the longest incoming id accepted.  ``generate``: makes
    new ids (default: 32 random hex digits).

    Works at the WSGI level (``wsgi_wrapper``), so every response carries the
    header: 404s, 405s, and 500s built by the error handler too.
    """

    def __init__(self, header_name: str = "X-Request-ID", *, provided_name: str = "request_id",
                 trust_incoming: bool = True, max_length: int = 128,
                 generate: Optional[Callable[[], str]] = None) -> None:
        if not is_token(header_name):
            raise ValueError(f"RequestIdMiddleware header_name must be an HTTP header name, not {header_name!r}.")
        if not isinstance(trust_incoming, bool):
            raise TypeError(f"RequestIdMiddleware trust_incoming must be True or False, not {trust_incoming!r}.")
        if isinstance(max_length, bool) or not isinstance(max_length, int) \
                or not 1 <= max_length <= _MAX_LENGTH_LIMIT:
            raise ValueError(
                f"RequestIdMiddleware max_length must be an integer from 1 to {_MAX_LENGTH_LIMIT},"
                f" not {max_length!r}."
            )
        if generate is not None and not callable(generate):
            raise TypeError(f"RequestIdMiddleware generate must be a callable returning a string, not {generate!r}.")
        self.header_name = header_name
        self.provided_name = provided_name
        self.provides = (provided_name,)
        self.trust_incoming = trust_incoming
        self.max_length = max_length
        self.generate = generate or _new_id
        self._environ_header = "HTTP_" + header_name.upper().replace("-", "_")

    def resolve(self, environ: dict[str, Any]) -> str:
        """The id of the request in ``environ``, choosing it on first use."""
        known = environ.get(ENVIRON_KEY)
        if isinstance(known, str):
            return known
        incoming = environ.get(self._environ_header) if self.trust_incoming else None
        if is_valid_request_id(incoming, self.max_length):
            request_id = incoming
        else:
            request_id = self.generate()
            if not is_valid_request_id(request_id, _MAX_LENGTH_LIMIT):
                raise ValueError(
                    f"RequestIdMiddleware generate() returned {request_id!r}; it must return a"
                    " non-empty string of A-Z a-z 0-9 . _ ~ : + / = - (it goes into a header)."
                )
        environ[ENVIRON_KEY] = request_id
        return str(request_id)

    def wsgi_wrapper(self, app: Callable[..., Any]) -> Callable[..., Any]:
        def request_id_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            request_id = self.resolve(environ)

            def start_with_id(status: str, headers: list, exc_info: Any = None) -> Any:
                headers = list(headers)
                set_header(headers, self.header_name, request_id)
                return start_response(status, headers, exc_info)

            return app(environ, start_with_id)

        return request_id_app

    def request(self, next: Callable[..., Any], request: Any) -> Any:
        return next(**{self.provided_name: self.resolve(request.environ)})

    def __repr__(self) -> str:
        return f"RequestIdMiddleware(header_name={self.header_name!r})"
