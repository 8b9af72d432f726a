"""Responses: the 200 ``make_response`` builds without Werkzeug's argument
handling, error responses initialised the same way, and ``ResponseHeaders``,
the headers they carry (with the record of whether Werkzeug would send them
unchanged, which lets the dispatcher send a middleware's Response itself).

Every shortcut here is checked once at import against the installed
Werkzeug (``_probe_fast_response``) and property-tested against it.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from werkzeug.datastructures import Headers
from werkzeug.wrappers import Response as Response

__all__ = ["Response", "ResponseHeaders", "make_response", "init_response", "set_body", "PLAIN_HEADERS",
           "REWRITTEN_HEADERS", "WIRE_ANSWERS"]

_new_response = Response.__new__
_new_headers = Headers.__new__


def _probe_fast_response() -> bool:
    """Does Werkzeug build a Response the way :func:`make_response` assumes?

    Checked once at import against the installed Werkzeug, so a future
    change in its internals disables the shortcut instead of breaking it.
    """
    try:
        slow = Response(b"probe", content_type="text/plain; charset=utf-8")
        fast = _fast_response(b"probe", "text/plain; charset=utf-8")
        return (
            vars(slow).keys() == vars(fast).keys()
            and vars(slow.headers).keys() == vars(fast.headers).keys()
            and slow.headers.to_wsgi_list() == fast.headers.to_wsgi_list()
            and all(getattr(slow, k) == getattr(fast, k) for k in vars(slow) if k != "headers")
        )
    except Exception:  # pragma: no cover - only on an incompatible Werkzeug
        return False


def _fill(resp: Response, body: bytes, content_type: str, status: str, status_code: int) -> None:
    headers = _new_headers(ResponseHeaders)
    # Already-validated str pairs: skip Headers' per-item checks.
    headers._list = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    resp.headers = headers
    resp._status = status
    resp._status_code = status_code
    resp.direct_passthrough = False
    resp._on_close = []
    resp.response = [body]


def _fast_response(body: bytes, content_type: str) -> Response:
    resp = _new_response(Response)
    headers = _new_headers(ResponseHeaders)
    headers._list = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    resp.headers = headers
    resp._status = "200 OK"
    resp._status_code = 200
    resp.direct_passthrough = False
    resp._on_close = []
    resp.response = [body]
    return resp


def init_response(resp: Response, body: bytes, content_type: str, status_code: int) -> None:
    """Initialise ``resp`` (a Response or subclass instance, not yet initialised)
    exactly as ``Response.__init__(resp, body, status_code, content_type=...)`` would.

    For error responses, made on every 404.
    """
    if _FAST:
        status = _STATUS_LINES.get(status_code) if type(status_code) is int else None
        if status is None or type(resp)._clean_status is not _CLEAN_STATUS:
            status, status_code = resp._clean_status(status_code)
        _fill(resp, body, content_type, status, status_code)
    else:  # pragma: no cover - only on an incompatible Werkzeug
        Response.__init__(resp, body, status_code, content_type=content_type)


def _set_header(items: list[tuple[str, str]], key: str, value: str) -> None:
    """``Headers.set`` for a trusted key and value: replace the first
    occurrence in place and drop the others, or append."""
    ikey = key.lower()
    for idx, (old_key, _) in enumerate(items):
        if old_key.lower() == ikey:
            items[idx] = (key, value)
            items[idx + 1:] = [item for item in items[idx + 1:] if item[0].lower() != ikey]
            return
    items.append((key, value))


#: The header names Werkzeug rewrites when it sends a Response (IRI to URI).
REWRITTEN_HEADERS = ("location", "content-location")


class ResponseHeaders(Headers):
    """The headers of the Responses renders and errors make: Werkzeug's
    ``Headers``, with ``headers[key] = value`` for a ``str`` key and value
    done in one call (middleware set response headers on most requests),
    and a record of whether Werkzeug would send the list as it is.

    ``__setitem__`` makes the same check (no CR or LF in the value:
    ``ValueError``) and the same change as ``Headers.__setitem__``,
    property-tested; any other key or value type goes to it.

    ``_plain`` is True while the list is known to hold a Content-Length and
    no header Werkzeug rewrites when it sends a Response (REWRITTEN_HEADERS,
    in any case): then, for a 200 with a list of bytes, Werkzeug sends the
    list unchanged, and the dispatcher sends it without reading the names
    (Application.__call__).  The Responses ``make_response`` and
    ``init_response`` build start True; ``headers[name] = value`` and
    ``add`` keep it unless the name is one of those; every other change
    sets it False, as does making a ResponseHeaders any other way (through
    ``__init__``).  Only editing the private ``_list`` directly goes unseen.
    """

    # True for the two made here without __init__ (make_response's and
    # init_response's, with Content-Type and Content-Length); __init__
    # (ResponseHeaders(...), copy()) sets it False.
    _plain = True

    def __init__(self, defaults: Any = None) -> None:
        self._plain = False
        Headers.__init__(self, defaults)

    def __setitem__(self, key: Any, value: Any) -> None:
        if type(key) is str and type(value) is str:
            # (CR and LF are not printable: one scan for the usual value.)
            if not value.isprintable() and ("\n" in value or "\r" in value):
                raise ValueError("Header values must not contain newline characters.")
            items = self._list
            ikey = key.lower()
            if ikey in REWRITTEN_HEADERS:
                self._plain = False
            size = len(ikey)
            # The usual case, a header not there yet, without a call.  No
            # character lowers to nothing, so a name longer than ``ikey``
            # cannot lower to it: only the others are lowered.
            for old_key, _ in items:
                if len(old_key) <= size and old_key.lower() == ikey:
                    _set_header(items, key, value)
                    return
            items.append((key, value))
        else:
            self._plain = False
            Headers.__setitem__(self, key, value)

    def add(self, key: Any, value: Any, /, **kw: Any) -> None:
        """``Headers.add`` (Set-Cookie's way), keeping ``_plain`` for names
        Werkzeug does not rewrite."""
        Headers.add(self, key, value, **kw)
        if type(key) is not str or key.lower() in REWRITTEN_HEADERS:
            self._plain = False


def _unplain(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method``, first recording that the headers may no longer be plain."""
    @functools.wraps(method)
    def changing(self: ResponseHeaders, *args: Any, **kwargs: Any) -> Any:
        self._plain = False
        return method(self, *args, **kwargs)
    return changing


# Every other method of Headers that changes the list (before it runs, so a
# change that fails half-way counts too).
for _name in ("__delitem__", "remove", "pop", "popitem", "clear", "add_header", "set", "setlist",
              "setdefault", "setlistdefault", "extend", "update", "__ior__"):
    setattr(ResponseHeaders, _name, _unplain(getattr(Headers, _name)))
del _name


# Header classes whose items are exactly their ``_list`` (no __iter__ of their own).
PLAIN_HEADERS = (Headers, ResponseHeaders)


def set_body(resp: Response, body: bytes, content_type: str) -> None:
    """``resp.set_data(body); resp.content_type = content_type``, for a body
    and type the caller made (error pages), without re-validating them."""
    if _FAST and type(resp.headers) in PLAIN_HEADERS:
        resp.response = [body]
        items = resp.headers._list
        if len(items) == 2 and items[0][0] == "Content-Type" and items[1][0] == "Content-Length" \
                and resp.automatically_set_content_length:
            # The layout init_response made: replace both in place.
            items[0] = ("Content-Type", content_type)
            items[1] = ("Content-Length", str(len(body)))
            return
        if resp.automatically_set_content_length:
            _set_header(items, "Content-Length", str(len(body)))
        _set_header(items, "Content-Type", content_type)
    else:  # pragma: no cover - only on an incompatible Werkzeug
        resp.set_data(body)
        resp.content_type = content_type


_FAST = _probe_fast_response()

_CLEAN_STATUS = Response._clean_status
# The status line Werkzeug's _clean_status makes for each int code, made by it
# once here: a constant table, so an error response skips formatting its
# status line (and the upper-casing of its reason) on every 404.
_STATUS_LINES = {code: _CLEAN_STATUS(_new_response(Response), code)[0] for code in range(100, 600)}


def _generic_response(body: bytes, content_type: str) -> Response:
    return Response(body, content_type=content_type)  # pragma: no cover - incompatible Werkzeug only


#: ``make_response(body, content_type)``: a 200 Response with ``body`` and a
#: full ``Content-Type`` value, equal to ``Response(body,
#: content_type=content_type)`` minus Werkzeug's general-purpose argument
#: handling (renderers call it once per request).
make_response = _fast_response if _FAST else _generic_response

#: Whether ``make_response(body, content_type)`` reaches the server as
#: exactly ``"200 OK"``, ``[("Content-Type", content_type), ("Content-Length",
#: str(len(body)))]`` and ``[body]`` (see _wsgi_response.to_wsgi): then a
#: route without middleware may send that answer without making the Response
#: (BoundRoute._wire).  False on a Werkzeug whose Response differs.
WIRE_ANSWERS = _FAST
