"""HTTP errors that are both exceptions and responses, and the error handlers.

An :class:`HTTPException` can be raised or returned from an endpoint or a
middleware; either way it becomes the response.  It carries structured data
(:meth:`HTTPException.to_dict`) and serialises to text, HTML, JSON and XML; the
error handler picks the format from the request's ``Accept`` header.

Production errors (:class:`ErrorHandler`) never show the client an exception's
type, message, file or frame: a 500 says its code, a message and a request id,
and the traceback goes to the ``clastic_like`` logger with that id.  The
debug handler (:class:`ContextualErrorHandler`, the default with
``debug=True``) shows the traceback.
"""
from __future__ import annotations

import json
import logging
import traceback
import uuid
from html import escape as _html_escape
from typing import Any, Iterable, Mapping, Optional
from xml.sax.saxutils import escape as _xml_escape

from werkzeug.wrappers import Response

__all__ = [
    "HTTPException",
    "BadRequest",
    "Unauthorized",
    "PaymentRequired",
    "Forbidden",
    "NotFound",
    "MethodNotAllowed",
    "NotAcceptable",
    "ProxyAuthenticationRequired",
    "RequestTimeout",
    "Conflict",
    "Gone",
    "LengthRequired",
    "PreconditionFailed",
    "RequestEntityTooLarge",
    "RequestURITooLong",
    "UnsupportedMediaType",
    "RequestedRangeNotSatisfiable",
    "ExpectationFailed",
    "ImATeapot",
    "MisdirectedRequest",
    "UnprocessableEntity",
    "Locked",
    "FailedDependency",
    "TooEarly",
    "UpgradeRequired",
    "PreconditionRequired",
    "TooManyRequests",
    "RequestHeaderFieldsTooLarge",
    "UnavailableForLegalReasons",
    "InternalServerError",
    "NotImplemented",
    "BadGateway",
    "ServiceUnavailable",
    "GatewayTimeout",
    "HTTPVersionNotSupported",
    "VariantAlsoNegotiates",
    "InsufficientStorage",
    "LoopDetected",
    "NotExtended",
    "NetworkAuthenticationRequired",
    "ERROR_CODE_MAP",
    "MIME_SUPPORT_MAP",
    "DEFAULT_MIME",
    "ErrorHandler",
    "ContextualErrorHandler",
    "negotiate_error_mimetype",
    "logger",
]

logger = logging.getLogger("clastic_like")

DEFAULT_MIME = "text/plain"
# Formats an error can be rendered in, in order of preference when a client
# accepts several equally (a browser's "*/*" gets HTML, as in Clastic E5).
MIME_SUPPORT_MAP = {
    "text/html": "html",
    "application/json": "json",
    "text/plain": "text",
    "application/xml": "xml",
}
_CHARSET_MIMES = ("text/html", "text/plain", "application/xml")

_STR_LIMIT = 512


def _middle_truncate(text: str, limit: int = _STR_LIMIT) -> str:
    if len(text) <= limit:
        return text
    half = (limit - 5) // 2
    return f"{text[:half]} ... {text[-half:]}"


class HTTPException(Response, Exception):
    """An HTTP error: raise it or return it; it is its own response.

    ``detail`` explains this occurrence (defaults to the class's general
    explanation); ``is_breaking=False`` makes routing continue with later
    routes instead of answering with this error (Clastic's F6).
    """

    code: int = 500
    message: str = "HTTP error"
    detail: Any = "An HTTP error occurred."

    def __init__(
        self,
        detail: Any = None,
        *,
        message: Optional[str] = None,
        code: Optional[int] = None,
        error_type: Optional[str] = None,
        is_breaking: bool = True,
        source_route: Any = None,
        headers: Any = None,
        mimetype: Optional[str] = None,
        content_type: Optional[str] = None,
        **kw: Any,
    ) -> None:
        # Unknown keyword arguments are accepted and ignored, as in Clastic
        # (E2), so subclasses can share one calling convention.
        if detail is not None:
            self.detail = detail
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        self.error_type = error_type
        self.is_breaking = is_breaking
        self.source_route = source_route
        Response.__init__(self, status=self.code, headers=headers)
        Exception.__init__(self, self.detail)
        self.adapt(content_type or mimetype)

    # -- serialisations (Clastic's E3) ---------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The error as plain data (what the JSON and XML forms show)."""
        return {
            "code": self.code,
            "message": self.message,
            "detail": self.detail,
            "error_type": self.error_type,
        }

    def to_escaped_dict(self) -> dict[str, Any]:
        return {k: _html_escape(str(v)) if v is not None else None for k, v in self.to_dict().items()}

    def to_text(self) -> str:
        lines = [f"{self.code} - {self.message}", "", str(self.detail)]
        if self.error_type:
            lines += ["", f"Error type: {self.error_type}"]
        return "\n".join(lines) + "\n"

    def to_html(self) -> str:
        d = self.to_escaped_dict()
        parts = [
            "<!DOCTYPE html>",
            "<html><head><meta charset=\"utf-8\">",
            f"<title>{d['code']} - {d['message']}</title></head>",
            f"<body><h1>{d['message']}</h1>",
            f"<p>{d['detail']}</p>",
        ]
        if self.error_type:
            if str(self.error_type).startswith("http"):
                parts.append(f"<p>Error type: <a href=\"{d['error_type']}\">{d['error_type']}</a></p>")
            else:
                parts.append(f"<p>Error type: {d['error_type']}</p>")
        parts.append("</body></html>")
        return "\n".join(parts) + "\n"

    def to_json(self, indent: int = 2, sort_keys: bool = True, skipkeys: bool = True) -> str:
        return json.dumps(
            self.to_dict(), indent=indent, sort_keys=sort_keys, skipkeys=skipkeys,
            ensure_ascii=False, default=repr,
        )

    def to_xml(self) -> str:
        items = "".join(
            f"<{k}>{_xml_escape(str(v)) if v is not None else ''}</{k}>"
            for k, v in self.to_dict().items()
        )
        return f"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<http_error>{items}</http_error>\n"

    def adapt(self, mimetype: Optional[str] = None) -> "HTTPException":
        """Set the body and ``Content-Type`` to the given format (E4).

        Known: ``text/html``, ``application/json``, ``text/plain``,
        ``application/xml``; anything else (including ``None``) is text.
        """
        mimetype = (mimetype or "").split(";")[0].strip().lower()
        fmt = MIME_SUPPORT_MAP.get(mimetype)
        if fmt is None:
            mimetype, fmt = DEFAULT_MIME, "text"
        body = getattr(self, "to_" + fmt)()
        self.set_data(body)
        self.content_type = f"{mimetype}; charset=utf-8" if mimetype in _CHARSET_MIMES else mimetype
        return self

    def __str__(self) -> str:
        detail = self.detail
        if not detail:
            return str(self.message)
        text = detail if isinstance(detail, str) else repr(detail)
        return _middle_truncate(text)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(message={self.message!r})"

    # Exceptions are hashable by identity; Response defines no __eq__, so
    # keep object identity semantics explicit for sets of deferred errors.
    __hash__ = object.__hash__


def _error_class(name: str, code: int, message: str, detail: str, base: type = HTTPException) -> type:
    return type(name, (base,), {"code": code, "message": message, "detail": detail, "__module__": __name__,
                                "__qualname__": name, "__doc__": f"{code} {message}: {detail}"})


class BadRequest(HTTPException):
    """400, and the base class of every 4xx error."""

    code = 400
    message = "Bad Request"
    detail = "Your web client or proxy sent a request that this endpoint could not understand."


class NotFound(BadRequest):
    """404: nothing is at the requested path."""

    code = 404
    message = "Not found"
    detail = "The requested URL was not found on this server."

    def __init__(self, *a: Any, dispatch_state: Any = None, **kw: Any) -> None:
        self.dispatch_state = dispatch_state
        super().__init__(*a, **kw)


class MethodNotAllowed(BadRequest):
    """405: the path exists but not for this method; carries ``Allow``."""

    code = 405
    message = "Method not allowed"
    detail = "The method used is not allowed for the requested URL."

    def __init__(self, allowed_methods: Optional[Iterable[str]] = None, *a: Any, **kw: Any) -> None:
        self.allowed_methods = set(allowed_methods or ())
        if self.allowed_methods and not a and kw.get("detail") is None:
            a = (f"{self.detail} Allowed methods: {sorted(self.allowed_methods)!r}",)
        super().__init__(*a, **kw)
        if self.allowed_methods:
            self.headers["Allow"] = ", ".join(sorted(self.allowed_methods))

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["allowed_methods"] = sorted(self.allowed_methods)
        return d


class InternalServerError(HTTPException):
    """500, and the base class of every 5xx error."""

    code = 500
    message = "Internal server error"
    detail = (
        "The server encountered an internal error and was unable to complete your request."
    )

    def __init__(self, detail: Any = None, *, exc_info: Any = None, request_id: Optional[str] = None,
                 **kw: Any) -> None:
        self.exc_info = exc_info
        self.request_id = request_id
        super().__init__(detail, **kw)

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        if self.request_id is not None:
            d["request_id"] = self.request_id
        return d

    def to_text(self) -> str:
        text = super().to_text()
        if self.request_id is not None:
            text += f"\nRequest ID: {self.request_id}\n"
        return text

    def to_html(self) -> str:
        html = super().to_html()
        if self.request_id is not None:
            html = html.replace("</body>", f"<p>Request ID: <code>{_html_escape(self.request_id)}</code></p></body>")
        return html


# The rest of the status table (Clastic's E7, plus 421, 423-425, 506-511).
_4XX = [
    ("Unauthorized", 401, "Authentication required", "This server could not verify that you are authorized to access the requested resource."),
    ("PaymentRequired", 402, "Payment required", "Payment is required to access this resource."),
    ("Forbidden", 403, "Access forbidden", "You don't have the permission to access the requested resource."),
    ("NotAcceptable", 406, "Available content not acceptable", "The resource cannot produce a response in any format the client accepts."),
    ("ProxyAuthenticationRequired", 407, "Proxy authentication required", "The client must first authenticate itself with the proxy."),
    ("RequestTimeout", 408, "Request timed out", "The server closed the connection because the client did not finish the request in time."),
    ("Conflict", 409, "A conflict occurred", "The request conflicts with the current state of the resource."),
    ("Gone", 410, "Gone", "The requested resource is no longer available and will not be available again."),
    ("LengthRequired", 411, "Length required", "The request must specify a Content-Length."),
    ("PreconditionFailed", 412, "Precondition failed", "A precondition given in the request headers was not met."),
    ("RequestEntityTooLarge", 413, "Request entity too large", "The request body is larger than the server is willing to process."),
    ("RequestURITooLong", 414, "Request URL too long", "The request URL is longer than the server is willing to process."),
    ("UnsupportedMediaType", 415, "Unsupported media type", "The request body is in a format this resource does not support."),
    ("RequestedRangeNotSatisfiable", 416, "Requested range not satisfiable", "The requested range cannot be served for this resource."),
    ("ExpectationFailed", 417, "Expectation failed", "The server cannot meet the requirements of the Expect request header."),
    ("ImATeapot", 418, "I'm a teapot: short, stout.", "The server refuses to brew coffee because it is a teapot."),
    ("MisdirectedRequest", 421, "Misdirected request", "The request was sent to a server that cannot produce a response for it."),
    ("UnprocessableEntity", 422, "Unprocessable entity", "The request was well-formed but its contents could not be processed."),
    ("Locked", 423, "Locked", "The resource being accessed is locked."),
    ("FailedDependency", 424, "Failed dependency", "The request failed because a request it depended on failed."),
    ("TooEarly", 425, "Too early", "The server is unwilling to process a request that might be replayed."),
    ("UpgradeRequired", 426, "Upgrade required", "The client should switch to a different protocol."),
    ("PreconditionRequired", 428, "Precondition required", "This request must be conditional."),
    ("TooManyRequests", 429, "Too many requests", "The client has sent too many requests in a given amount of time."),
    ("RequestHeaderFieldsTooLarge", 431, "Request header fields too large", "The request's header fields are too large."),
    ("UnavailableForLegalReasons", 451, "Unavailable for legal reasons", "The resource is unavailable for legal reasons."),
]
_5XX = [
    ("NotImplemented", 501, "Response behavior not implemented", "The server does not support the action requested."),
    ("BadGateway", 502, "Bad gateway", "The proxy server received an invalid response from an upstream server."),
    ("ServiceUnavailable", 503, "Service or resource unavailable", "The server is temporarily unable to service the request. Please try again later."),
    ("GatewayTimeout", 504, "Gateway timeout", "The gateway server did not receive a timely response."),
    ("HTTPVersionNotSupported", 505, "HTTP version not supported", "The server does not support the HTTP protocol version used in the request."),
    ("VariantAlsoNegotiates", 506, "Variant also negotiates", "The server has an internal configuration error in content negotiation."),
    ("InsufficientStorage", 507, "Insufficient storage", "The server is unable to store the representation needed to complete the request."),
    ("LoopDetected", 508, "Loop detected", "The server detected an infinite loop while processing the request."),
    ("NotExtended", 510, "Not extended", "Further extensions to the request are required for the server to fulfil it."),
    ("NetworkAuthenticationRequired", 511, "Network authentication required", "The client needs to authenticate to gain network access."),
]
for _name, _code, _message, _detail in _4XX:
    globals()[_name] = _error_class(_name, _code, _message, _detail, BadRequest)
for _name, _code, _message, _detail in _5XX:
    globals()[_name] = _error_class(_name, _code, _message, _detail, InternalServerError)
del _name, _code, _message, _detail

# Built explicitly, so 404 and 500 map to the plain classes (Clastic's E8).
ERROR_CODE_MAP: Mapping[int, type] = {
    cls.code: cls
    for cls in [BadRequest, NotFound, MethodNotAllowed, InternalServerError]
    + [globals()[row[0]] for row in _4XX + _5XX]
}


def negotiate_error_mimetype(request: Any) -> str:
    """Pick the error format from ``Accept`` (E5); no header means text."""
    accept = getattr(request, "accept_mimetypes", None)
    if accept is None:
        return DEFAULT_MIME
    return accept.best_match(list(MIME_SUPPORT_MAP)) or DEFAULT_MIME


class ErrorHandler:
    """The production error policy.

    ``reraise_uncaught=True`` hands uncaught exceptions to the WSGI server (or
    a debugger wrapping the application) instead of answering 500.
    """

    wsgi_wrapper: Any = None
    not_found_type: type = NotFound
    method_not_allowed_type: type = MethodNotAllowed
    server_error_type: type = InternalServerError

    def __init__(self, *, reraise_uncaught: Optional[bool] = None) -> None:
        self.reraise_uncaught = bool(reraise_uncaught)

    def render_error(self, request: Any, _error: HTTPException, **kw: Any) -> HTTPException:
        """Adapt ``_error`` to the format the client accepts."""
        return _error.adapt(negotiate_error_mimetype(request))

    def uncaught_to_response(self, _error: BaseException, _route: Any = None, request: Any = None,
                             **kw: Any) -> HTTPException:
        """Turn an exception no one caught into a 500 (or re-raise it)."""
        if self.reraise_uncaught:
            raise _error
        request_id = uuid.uuid4().hex
        method = getattr(request, "method", "?")
        path = getattr(request, "path", "?")
        pattern = getattr(_route, "pattern", None)
        logger.error(
            "Uncaught exception serving %s %s (route %r), request id %s",
            method, path, pattern, request_id,
            exc_info=(type(_error), _error, _error.__traceback__),
        )
        return self._make_server_error(_error, _route, request_id)

    def _make_server_error(self, error: BaseException, route: Any, request_id: str) -> HTTPException:
        return self.server_error_type(exc_info=error, request_id=request_id, source_route=route)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reraise_uncaught={self.reraise_uncaught!r})"


class ContextualErrorHandler(ErrorHandler):
    """The debug error policy: a 500 shows the traceback, a 404 the routes.

    Only for development: the traceback and route table are shown to anyone
    who can reach the application.
    """

    def _make_server_error(self, error: BaseException, route: Any, request_id: str) -> HTTPException:
        tb_text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        return self.server_error_type(
            tb_text, exc_info=error, request_id=request_id, source_route=route,
            error_type=f"{type(error).__module__}.{type(error).__qualname__}",
        )

    def render_error(self, request: Any, _error: HTTPException, _application: Any = None,
                     **kw: Any) -> HTTPException:
        if isinstance(_error, NotFound) and _application is not None and type(_error.detail) is str \
                and _error.detail == NotFound.detail:
            lines = [f"{_error.detail}", "", f"{getattr(request, 'method', '')} {getattr(request, 'path', '')}",
                     "", "Routes tried, in order:"]
            for route in _application.iter_routes():
                methods = ", ".join(sorted(route.methods)) if route.methods else "any method"
                lines.append(f"  {route.pattern}  [{methods}]")
            _error.detail = "\n".join(lines)
        return _error.adapt(negotiate_error_mimetype(request))
