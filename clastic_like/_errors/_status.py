"""One class per HTTP error status: Clastic's table (E7) plus 421, 423-425 and 506-511.

Every 4xx class derives from :class:`BadRequest` and every 5xx class from
:class:`InternalServerError`, so ``except BadRequest`` catches all client
errors.  ``message`` strings are Clastic's, because clients may match on them.
The few statuses that have a header of their own take it as a keyword
argument: ``MethodNotAllowed(allowed_methods)`` sends ``Allow``,
``Unauthorized(www_authenticate=...)`` sends ``WWW-Authenticate``,
``ProxyAuthenticationRequired(proxy_authenticate=...)`` sends
``Proxy-Authenticate``, and ``TooManyRequests`` / ``ServiceUnavailable``
take ``retry_after`` (seconds or a datetime) for ``Retry-After``.
"""
from __future__ import annotations

import datetime
from html import escape as html_escape
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Optional, Union

from werkzeug.http import http_date

from ._base import HTTPException

__all__ = [
    "BadRequest", "Unauthorized", "PaymentRequired", "Forbidden", "NotFound", "MethodNotAllowed",
    "NotAcceptable", "ProxyAuthenticationRequired", "RequestTimeout", "Conflict", "Gone",
    "LengthRequired", "PreconditionFailed", "RequestEntityTooLarge", "RequestURITooLong",
    "UnsupportedMediaType", "RequestedRangeNotSatisfiable", "ExpectationFailed", "ImATeapot",
    "MisdirectedRequest", "UnprocessableEntity", "Locked", "FailedDependency", "TooEarly",
    "UpgradeRequired", "PreconditionRequired", "TooManyRequests", "RequestHeaderFieldsTooLarge",
    "UnavailableForLegalReasons",
    "InternalServerError", "NotImplemented", "BadGateway", "ServiceUnavailable", "GatewayTimeout",
    "HTTPVersionNotSupported", "VariantAlsoNegotiates", "InsufficientStorage", "LoopDetected",
    "NotExtended", "NetworkAuthenticationRequired",
    "ERROR_CODE_MAP",
]

RetryAfter = Union[int, datetime.datetime]


def _challenge_values(value: Any, owner: str, keyword: str) -> list[str]:
    """Validate an authentication challenge (one string or several)."""
    values = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else None
    if not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise TypeError(
            f"{owner}({keyword}=...) expects a challenge string such as 'Bearer realm=\"api\"'"
            f" or a list of them, not {value!r}."
        )
    for v in values:
        if "\r" in v or "\n" in v:
            raise ValueError(f"{owner}({keyword}=...) must not contain line breaks, got {v!r}.")
    return values


def _retry_after_value(value: Any, owner: str) -> str:
    """``Retry-After`` as sent: delay-seconds or an HTTP date (RFC 9110, 10.2.3)."""
    if isinstance(value, datetime.datetime):
        return http_date(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(
            f"{owner}(retry_after=...) expects a whole number of seconds (an int >= 0) or a"
            f" datetime, not {value!r}."
        )
    return str(value)


# -- 4xx ------------------------------------------------------------------------------------

class BadRequest(HTTPException):
    """400, and the base class of every 4xx error."""

    code = 400
    message = "Bad Request"
    detail = "Your web client or proxy sent a request that this endpoint could not understand."


class Unauthorized(BadRequest):
    """401; ``www_authenticate`` sets the ``WWW-Authenticate`` challenge(s)."""

    code = 401
    message = "Authentication required"
    detail = ("This server could not verify that you are authorized to access the requested"
              " resource.")

    def __init__(self, *a: Any, www_authenticate: Any = None, **kw: Any) -> None:
        challenges = _challenge_values(www_authenticate, type(self).__name__, "www_authenticate") \
            if www_authenticate is not None else []
        super().__init__(*a, **kw)
        for challenge in challenges:
            self.headers.add("WWW-Authenticate", challenge)


class PaymentRequired(BadRequest):
    """402."""

    code = 402
    message = "Payment required"
    detail = "Payment is required to access this resource."


class Forbidden(BadRequest):
    """403."""

    code = 403
    message = "Access forbidden"
    detail = "You don't have the permission to access the requested resource."


class NotFound(BadRequest):
    """404; keeps the ``dispatch_state`` of the request that found nothing."""

    code = 404
    message = "Not found"
    detail = "The requested URL was not found on this server."

    def __init__(self, detail: Any = None, *, dispatch_state: Any = None, request: Any = None,
                 application: Any = None, **kw: Any) -> None:
        # request and application are what the null route passes on every 404
        # (ContextualNotFound lists routes with them); a plain 404 ignores them,
        # named here so that the common call builds no keyword dict to pass on.
        self.dispatch_state = dispatch_state
        super().__init__(detail, **kw)


class MethodNotAllowed(BadRequest):
    """405; carries the ``Allow`` header listing ``allowed_methods``."""

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


class NotAcceptable(BadRequest):
    """406."""

    code = 406
    message = "Available content not acceptable"
    detail = "The resource cannot produce a response in any format the client accepts."


class ProxyAuthenticationRequired(BadRequest):
    """407; ``proxy_authenticate`` sets the ``Proxy-Authenticate`` challenge(s)."""

    code = 407
    message = "Proxy authentication required"
    detail = "The client must first authenticate itself with the proxy."

    def __init__(self, *a: Any, proxy_authenticate: Any = None, **kw: Any) -> None:
        challenges = _challenge_values(proxy_authenticate, type(self).__name__, "proxy_authenticate") \
            if proxy_authenticate is not None else []
        super().__init__(*a, **kw)
        for challenge in challenges:
            self.headers.add("Proxy-Authenticate", challenge)


class RequestTimeout(BadRequest):
    """408."""

    code = 408
    message = "Request timed out"
    detail = "The server closed the connection because the client did not finish the request in time."


class Conflict(BadRequest):
    """409."""

    code = 409
    message = "A conflict occurred"
    detail = "The request conflicts with the current state of the resource."


class Gone(BadRequest):
    """410."""

    code = 410
    message = "Gone"
    detail = "The requested resource is no longer available and will not be available again."


class LengthRequired(BadRequest):
    """411."""

    code = 411
    message = "Length required"
    detail = "The request must specify a Content-Length."


class PreconditionFailed(BadRequest):
    """412."""

    code = 412
    message = "Precondition failed"
    detail = "A precondition given in the request headers was not met."


class RequestEntityTooLarge(BadRequest):
    """413."""

    code = 413
    message = "Request entity too large"
    detail = "The request body is larger than the server is willing to process."


class RequestURITooLong(BadRequest):
    """414."""

    code = 414
    message = "Request URL too long"
    detail = "The request URL is longer than the server is willing to process."


class UnsupportedMediaType(BadRequest):
    """415."""

    code = 415
    message = "Unsupported media type"
    detail = "The request body is in a format this resource does not support."


class RequestedRangeNotSatisfiable(BadRequest):
    """416."""

    code = 416
    message = "Requested range not satisfiable"
    detail = "The requested range cannot be served for this resource."


class ExpectationFailed(BadRequest):
    """417."""

    code = 417
    message = "Expectation failed"
    detail = "The server cannot meet the requirements of the Expect request header."


class ImATeapot(BadRequest):
    """418."""

    code = 418
    message = "I'm a teapot: short, stout."
    detail = "The server refuses to brew coffee because it is a teapot."


class MisdirectedRequest(BadRequest):
    """421 (not in Clastic)."""

    code = 421
    message = "Misdirected request"
    detail = "The request was sent to a server that cannot produce a response for it."


class UnprocessableEntity(BadRequest):
    """422."""

    code = 422
    message = "Unprocessable entity"
    detail = "The request was well-formed but its contents could not be processed."


class Locked(BadRequest):
    """423 (not in Clastic)."""

    code = 423
    message = "Locked"
    detail = "The resource being accessed is locked."


class FailedDependency(BadRequest):
    """424 (not in Clastic)."""

    code = 424
    message = "Failed dependency"
    detail = "The request failed because a request it depended on failed."


class TooEarly(BadRequest):
    """425 (not in Clastic)."""

    code = 425
    message = "Too early"
    detail = "The server is unwilling to process a request that might be replayed."


class UpgradeRequired(BadRequest):
    """426."""

    code = 426
    message = "Upgrade required"
    detail = "The client should switch to a different protocol."


class PreconditionRequired(BadRequest):
    """428."""

    code = 428
    message = "Precondition required"
    detail = "This request must be conditional."


class _RetryAfterMixin:
    """Adds ``retry_after``: seconds (int) or a datetime, sent as ``Retry-After``.

    The value is checked and stored before the response is built, so every
    serialisation (even the first one, made while constructing) includes it.
    """

    headers: Any
    retry_after_value: Optional[str] = None

    def _init_retry_after(self, retry_after: Any, init: Any, a: tuple, kw: dict) -> None:
        if retry_after is not None:
            self.retry_after_value = _retry_after_value(retry_after, type(self).__name__)
        init(*a, **kw)
        if self.retry_after_value is not None:
            self.headers["Retry-After"] = self.retry_after_value

    def _add_retry_after(self, d: dict[str, Any]) -> dict[str, Any]:
        if self.retry_after_value is not None:
            d["retry_after"] = self.retry_after_value
        return d


class TooManyRequests(_RetryAfterMixin, BadRequest):
    """429; ``retry_after`` (seconds or a datetime) sets ``Retry-After``."""

    code = 429
    message = "Too many requests"
    detail = "The client has sent too many requests in a given amount of time."

    def __init__(self, *a: Any, retry_after: Optional[RetryAfter] = None, **kw: Any) -> None:
        self._init_retry_after(retry_after, super().__init__, a, kw)

    def to_dict(self) -> dict[str, Any]:
        return self._add_retry_after(super().to_dict())


class RequestHeaderFieldsTooLarge(BadRequest):
    """431."""

    code = 431
    message = "Request header fields too large"
    detail = "The request's header fields are too large."


class UnavailableForLegalReasons(BadRequest):
    """451."""

    code = 451
    message = "Unavailable for legal reasons"
    detail = "The resource is unavailable for legal reasons."


# -- 5xx ------------------------------------------------------------------------------------

class InternalServerError(HTTPException):
    """500, and the base class of every 5xx error.

    ``exc_info`` keeps the exception that caused it (never shown by the
    production error handler); ``request_id`` is the id the client can quote
    and the log record carries.
    """

    code = 500
    message = "Internal server error"
    detail = "The server encountered an internal error and was unable to complete your request."

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
            html = html.replace(
                "</body>", f"<p>Request ID: <code>{html_escape(self.request_id)}</code></p></body>")
        return html


class NotImplemented(InternalServerError):  # noqa: A001 - Clastic's name, shadows the builtin here only
    """501."""

    code = 501
    message = "Response behavior not implemented"
    detail = "The server does not support the action requested."


class BadGateway(InternalServerError):
    """502."""

    code = 502
    message = "Bad gateway"
    detail = "The proxy server received an invalid response from an upstream server."


class ServiceUnavailable(_RetryAfterMixin, InternalServerError):
    """503; ``retry_after`` (seconds or a datetime) sets ``Retry-After``."""

    code = 503
    message = "Service or resource unavailable"
    detail = "The server is temporarily unable to service the request. Please try again later."

    def __init__(self, *a: Any, retry_after: Optional[RetryAfter] = None, **kw: Any) -> None:
        self._init_retry_after(retry_after, super().__init__, a, kw)

    def to_dict(self) -> dict[str, Any]:
        return self._add_retry_after(super().to_dict())


class GatewayTimeout(InternalServerError):
    """504."""

    code = 504
    message = "Gateway timeout"
    detail = "The gateway server did not receive a timely response."


class HTTPVersionNotSupported(InternalServerError):
    """505."""

    code = 505
    message = "HTTP version not supported"
    detail = "The server does not support the HTTP protocol version used in the request."


class VariantAlsoNegotiates(InternalServerError):
    """506 (not in Clastic)."""

    code = 506
    message = "Variant also negotiates"
    detail = "The server has an internal configuration error in content negotiation."


class InsufficientStorage(InternalServerError):
    """507 (not in Clastic)."""

    code = 507
    message = "Insufficient storage"
    detail = "The server is unable to store the representation needed to complete the request."


class LoopDetected(InternalServerError):
    """508 (not in Clastic)."""

    code = 508
    message = "Loop detected"
    detail = "The server detected an infinite loop while processing the request."


class NotExtended(InternalServerError):
    """510 (not in Clastic)."""

    code = 510
    message = "Not extended"
    detail = "Further extensions to the request are required for the server to fulfil it."


class NetworkAuthenticationRequired(InternalServerError):
    """511 (not in Clastic)."""

    code = 511
    message = "Network authentication required"
    detail = "The client needs to authenticate to gain network access."


# Written out, not collected from the module's globals, so 404 and 500 map
# to the plain classes (Clastic's E8) and the table is read-only.
ERROR_CODE_MAP: Mapping[int, type] = MappingProxyType({
    cls.code: cls
    for cls in (
        BadRequest, Unauthorized, PaymentRequired, Forbidden, NotFound, MethodNotAllowed,
        NotAcceptable, ProxyAuthenticationRequired, RequestTimeout, Conflict, Gone,
        LengthRequired, PreconditionFailed, RequestEntityTooLarge, RequestURITooLong,
        UnsupportedMediaType, RequestedRangeNotSatisfiable, ExpectationFailed, ImATeapot,
        MisdirectedRequest, UnprocessableEntity, Locked, FailedDependency, TooEarly,
        UpgradeRequired, PreconditionRequired, TooManyRequests, RequestHeaderFieldsTooLarge,
        UnavailableForLegalReasons,
        InternalServerError, NotImplemented, BadGateway, ServiceUnavailable, GatewayTimeout,
        HTTPVersionNotSupported, VariantAlsoNegotiates, InsufficientStorage, LoopDetected,
        NotExtended, NetworkAuthenticationRequired,
    )
})
