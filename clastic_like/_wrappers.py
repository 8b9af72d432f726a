"""Request and response types.

:class:`Request` is Werkzeug's request with the few attributes Clastic adds:
``request_id`` (a per-application counter), ``request_guid`` (24 hex digits,
unique across processes) and ``path_params`` (the converted URL bindings of
the route being served).  :class:`Response` is Werkzeug's response.
"""
from __future__ import annotations

import uuid
from io import BytesIO
from typing import Any

from urllib.parse import parse_qsl

from werkzeug.datastructures import Headers
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.wsgi import LimitedStream, get_content_length
from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wrappers import Response as Response

__all__ = ["Request", "Response", "make_response", "init_response", "set_body", "REQUEST_ID_ENVIRON_KEY"]

# Where the request id lives in the WSGI environ (shared with RequestIdMiddleware).
REQUEST_ID_ENVIRON_KEY = "clastic_like.request_id"


_URLENCODED = "application/x-www-form-urlencoded"
_CHUNK = 64 * 1024


def _read_exactly(stream: Any, length: int) -> bytes:
    """Read ``length`` bytes as Werkzeug's LimitedStream does: a read error or
    an early end of the body means the client disconnected (a 400)."""
    chunks = []
    remaining = length
    while remaining > 0:
        try:
            chunk = stream.read(min(remaining, _CHUNK))
        except (OSError, ValueError):
            raise ClientDisconnected() from None
        if not chunk:
            raise ClientDisconnected()
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def parse_urlencoded(text: str) -> list[tuple[str, str]]:
    """``urllib.parse.parse_qsl(text, keep_blank_values=True)`` with Werkzeug's
    error handler; text without ``%`` or ``+`` (most form posts) is split
    directly, since there is nothing to decode."""
    if "%" in text or "+" in text:
        return parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")
    items = []
    for pair in text.split("&"):
        if pair:
            name, _, value = pair.partition("=")
            items.append((name, value))
    return items

# The attributes Werkzeug's Request.__init__ computes from the environ.
_PARSED_ON_DEMAND = frozenset(
    ["method", "scheme", "server", "root_path", "path", "query_string", "headers", "remote_addr"]
)


class Request(_WerkzeugRequest):
    """Werkzeug's request plus ``request_id``, ``request_guid`` and ``path_params``.

    Construction only stores the environ: Werkzeug's parsing of it (method,
    path, headers, ...) happens the first time one of those attributes is
    read, so an endpoint that takes ``request`` but does not use it costs
    almost nothing.  Everything else behaves exactly like Werkzeug's Request.
    """

    request_id: int = 0
    path_params: dict[str, Any] = {}

    def __init__(self, environ: Any, populate_request: bool = True, shallow: bool = False) -> None:
        self.environ = environ
        self.shallow = shallow
        if populate_request and not shallow:
            environ["werkzeug.request"] = self

    def _load_form_data(self) -> None:
        """Parse the form; urlencoded bodies take a direct path.

        For an ``application/x-www-form-urlencoded`` body with a
        Content-Length (the usual HTML form post), this does what Werkzeug's
        FormDataParser does (the same limits, stream and decoding, the same
        413 and empty-form-on-bad-UTF-8 outcomes) without its general
        machinery; everything else goes to Werkzeug.
        ``tests/test_dispatch_fastpaths.py`` checks the two agree.
        """
        d = self.__dict__
        if "form" in d:
            return
        environ = self.environ
        if (
            not self.shallow
            and self.form_data_parser_class is FormDataParser
            and "stream" not in d
            and "_cached_data" not in d
            and "wsgi.input_terminated" not in environ
            and environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower() == _URLENCODED
        ):
            length = get_content_length(environ)
            if length is not None:
                if self.max_content_length is not None and length > self.max_content_length:
                    raise RequestEntityTooLarge()
                data = _read_exactly(environ["wsgi.input"], length)
                storage = self.parameter_storage_class
                try:
                    items = parse_urlencoded(data.decode())
                except ValueError:  # undecodable body: Werkzeug's silent parser gives an empty form
                    form = storage()
                else:
                    form = storage(items)
                # The body is consumed, as Werkzeug's limited stream would be.
                d["stream"], d["form"], d["files"] = LimitedStream(BytesIO(), 0), form, storage()
                return
        super()._load_form_data()

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails, i.e. before parsing.
        if name in _PARSED_ON_DEMAND and "environ" in self.__dict__:
            _WerkzeugRequest.__init__(self, self.environ, populate_request=False, shallow=self.shallow)
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def request_guid(self) -> str:
        """The id of this request: the one ``RequestIdMiddleware`` accepted or
        made (so logs, headers and error pages agree), else a random one.

        Random rather than derived from a process-wide salt (Clastic): no
        module state, and unique across processes and restarts.
        """
        guid = self.environ.get(REQUEST_ID_ENVIRON_KEY)
        if not guid:
            guid = self.environ[REQUEST_ID_ENVIRON_KEY] = uuid.uuid4().hex[:24]
        return guid


_new_response = Response.__new__
_new_headers = Headers.__new__


def _make_headers(items: list[tuple[str, str]]) -> Headers:
    headers = _new_headers(Headers)
    headers._list = items  # already-validated str pairs: skip Headers' per-item checks
    return headers


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
    resp.headers = _make_headers([("Content-Type", content_type), ("Content-Length", str(len(body)))])
    resp._status = status
    resp._status_code = status_code
    resp.direct_passthrough = False
    resp._on_close = []
    resp.response = [body]


def _fast_response(body: bytes, content_type: str) -> Response:
    resp = _new_response(Response)
    headers = _new_headers(Headers)
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
        status, code = resp._clean_status(status_code)
        _fill(resp, body, content_type, status, code)
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


def set_body(resp: Response, body: bytes, content_type: str) -> None:
    """``resp.set_data(body); resp.content_type = content_type``, for a body
    and type the caller made (error pages), without re-validating them."""
    if _FAST and type(resp.headers) is Headers:
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


def _generic_response(body: bytes, content_type: str) -> Response:
    return Response(body, content_type=content_type)  # pragma: no cover - incompatible Werkzeug only


#: ``make_response(body, content_type)``: a 200 Response with ``body`` and a
#: full ``Content-Type`` value, equal to ``Response(body,
#: content_type=content_type)`` minus Werkzeug's general-purpose argument
#: handling (renderers call it once per request).
make_response = _fast_response if _FAST else _generic_response
