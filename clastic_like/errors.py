"""HTTP errors that are both exceptions and responses, and the error handlers.

An :class:`HTTPException` can be raised or returned from an endpoint or a
middleware; either way it becomes the response.  It carries structured data
(:meth:`HTTPException.to_dict`) and serialises to text, HTML, JSON and XML;
the error handler picks the format from the request's ``Accept`` header.

Production errors (:class:`ErrorHandler`) never show the client an
exception's type, message, file or frame: a 500 says its code, a message and
a request id, and the traceback goes to the ``clastic_like`` logger with that
id.  The debug handler (:class:`ContextualErrorHandler`, the default with
``debug=True``) shows the traceback, the request and, for a 404, the routes.

The implementation lives in the private package ``clastic_like._errors``;
this module is the public, Clastic-compatible path (``clastic.errors``).
See docs/errors.md.
"""
from __future__ import annotations

from ._errors._base import HTTPException
from ._errors._contextual import STDLIB_EXC_URL, ContextualInternalServerError, ContextualNotFound
from ._errors._handlers import ContextualErrorHandler, ErrorHandler, REPLErrorHandler, logger
from ._errors._negotiate import DEFAULT_MIME, MIME_SUPPORT_MAP, negotiate_error_mimetype
from ._errors._status import (
    ERROR_CODE_MAP,
    BadGateway,
    BadRequest,
    Conflict,
    ExpectationFailed,
    FailedDependency,
    Forbidden,
    GatewayTimeout,
    Gone,
    HTTPVersionNotSupported,
    ImATeapot,
    InsufficientStorage,
    InternalServerError,
    LengthRequired,
    Locked,
    LoopDetected,
    MethodNotAllowed,
    MisdirectedRequest,
    NetworkAuthenticationRequired,
    NotAcceptable,
    NotExtended,
    NotFound,
    NotImplemented,
    PaymentRequired,
    PreconditionFailed,
    PreconditionRequired,
    ProxyAuthenticationRequired,
    RequestedRangeNotSatisfiable,
    RequestEntityTooLarge,
    RequestHeaderFieldsTooLarge,
    RequestTimeout,
    RequestURITooLong,
    ServiceUnavailable,
    TooEarly,
    TooManyRequests,
    Unauthorized,
    UnavailableForLegalReasons,
    UnprocessableEntity,
    UnsupportedMediaType,
    UpgradeRequired,
    VariantAlsoNegotiates,
)

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
    "ContextualInternalServerError",
    "ContextualNotFound",
    "ERROR_CODE_MAP",
    "MIME_SUPPORT_MAP",
    "DEFAULT_MIME",
    "STDLIB_EXC_URL",
    "ErrorHandler",
    "ContextualErrorHandler",
    "REPLErrorHandler",
    "negotiate_error_mimetype",
    "logger",
]
