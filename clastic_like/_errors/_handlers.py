"""Error handlers: the policy that turns errors into responses for one application.

An application asks its handler three things: which classes to use for 404,
405 and 500 (``not_found_type``, ``method_not_allowed_type``,
``server_error_type``), how to render a final error (``render_error``, the
default ``render_error`` of every route without its own), and what to do
with an exception no one caught (``uncaught_to_response``).

:class:`ErrorHandler` is the production policy: a 500 tells the client its
code, message and a request id, never the exception; the traceback goes to
the ``clastic_like`` logger under the same id.  :class:`ContextualErrorHandler`
is the development policy (the default with ``debug=True``): debug pages with
the traceback and the route table.  :class:`REPLErrorHandler` hands uncaught
exceptions to Werkzeug's interactive debugger.
"""
from __future__ import annotations

import logging
import uuid
from typing import Any, Callable, Optional

from ._base import HTTPException
from ._contextual import ContextualInternalServerError, ContextualNotFound, _PagesMixin
from .._wsgi_response import to_wsgi
from ._negotiate import DEFAULT_MIME, MIME_SUPPORT_MAP, negotiate_error_mimetype
from ._pages import Pages
from ._status import InternalServerError, MethodNotAllowed, NotFound

__all__ = ["ErrorHandler", "ContextualErrorHandler", "REPLErrorHandler", "logger"]

# Named, not module-global state: logging's registry owns it, and applications
# (or their deployers) configure it like any other library logger.
logger = logging.getLogger("clastic_like")


def _request_id(request: Any) -> str:
    """The id a client can quote: the request's random guid when there is a request."""
    guid = getattr(request, "request_guid", None)
    return guid if isinstance(guid, str) and guid else uuid.uuid4().hex[:24]


class ErrorHandler:
    """The production error policy.

    ``reraise_uncaught=True`` hands uncaught exceptions to the WSGI server (or
    to a debugger wrapping the application) instead of answering 500.
    Subclass it and override :meth:`render_error` to render every error of
    an application your way; a route's own ``render_error`` still wins for
    that route.
    """

    wsgi_wrapper: Optional[Callable[[Any], Any]] = None
    not_found_type: type = NotFound
    method_not_allowed_type: type = MethodNotAllowed
    server_error_type: Any = InternalServerError

    def __init__(self, *, reraise_uncaught: Optional[bool] = None) -> None:
        self.reraise_uncaught = bool(reraise_uncaught)

    def render_error(self, request: Any, _error: HTTPException) -> Any:
        """Adapt ``_error`` to the format the client accepts (E5).

        Clastic's signature, without ``**kwargs``: a render_error declaring
        them is handed every injectable on each error, which it does not read.
        """
        return _error.adapt(negotiate_error_mimetype(request))

    def _constant_not_found(self, source_route: Any) -> Optional[dict[str, tuple[str, list[tuple[str, str]], bytes]]]:
        """This handler's plain 404 as WSGI answers, by negotiated mimetype, when it is a constant.

        It is when the handler renders errors with this class's
        ``render_error`` and its ``not_found_type`` is :class:`NotFound`:
        then the answer to a request no route took depends only on the
        ``Accept`` header, and the dispatcher sends it from this table
        (``Application._fast_not_found``) without making the Request, the
        DispatchState and the error.  Made when the application is built,
        from the classes as they are then.  ``None`` otherwise (a subclass
        rendering its own way, a custom 404 type): every 404 is rendered.
        """
        if getattr(self.render_error, "__func__", None) is not ErrorHandler.render_error \
                or self.not_found_type is not NotFound:
            return None
        answers = {}
        for mimetype in (DEFAULT_MIME, *MIME_SUPPORT_MAP):
            error = NotFound(source_route=source_route).adapt(mimetype)
            started: list[tuple[str, list[tuple[str, str]]]] = []
            body = to_wsgi(error, {"REQUEST_METHOD": "GET"}, lambda status, headers: started.append((status, headers)))
            answers[mimetype] = (started[0][0], started[0][1], b"".join(body))
        return answers

    def uncaught_to_response(self, _error: BaseException, _route: Any = None, request: Any = None,
                             **kw: Any) -> HTTPException:
        """Log an exception no one caught and answer 500 (or re-raise it).

        The log record has the full traceback, the request and the route;
        the response has only a request id pointing at that record.
        """
        if self.reraise_uncaught:
            raise _error
        request_id = _request_id(request)
        logger.error(
            "Uncaught exception serving %s %r (route %r), request id %s",
            getattr(request, "method", "?"), getattr(request, "path", "?"),
            getattr(_route, "pattern", None), request_id,
            exc_info=(type(_error), _error, _error.__traceback__),
            extra={"request_id": request_id},
        )
        return self._make_server_error(_error, _route, request_id, request)

    def _make_server_error(self, error: BaseException, route: Any, request_id: str, request: Any) -> HTTPException:
        # Only the id: the exception stays in the log (Clastic's E9, fixed).
        return self.server_error_type(request_id=request_id, source_route=route)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reraise_uncaught={self.reraise_uncaught!r})"


class ContextualErrorHandler(ErrorHandler):
    """The development error policy: debug pages for 500 and 404.

    A 500 shows the traceback with each frame's source and locals, and the
    request; a 404 lists every route with its methods.  Frames of clastic_like
    itself are folded away unless ``hide_internal_frames=False``.  Unlike
    Clastic's (E10), it honours ``reraise_uncaught``.  Never use it where
    untrusted clients can reach the application.
    """

    not_found_type: type = ContextualNotFound
    server_error_type: Any = ContextualInternalServerError

    def __init__(self, *, hide_internal_frames: bool = True, reraise_uncaught: Optional[bool] = None) -> None:
        super().__init__(reraise_uncaught=reraise_uncaught)
        self.hide_internal_frames = hide_internal_frames
        self.pages = Pages()

    def render_error(self, request: Any, _error: HTTPException) -> Any:
        if isinstance(_error, _PagesMixin) and _error._pages is None:
            _error.pages = self.pages  # reuse this handler's compiled templates
        return _error.adapt(negotiate_error_mimetype(request))

    def _make_server_error(self, error: BaseException, route: Any, request_id: str, request: Any) -> HTTPException:
        server_error_type = self.server_error_type
        if not issubclass(server_error_type, ContextualInternalServerError):
            return server_error_type(request_id=request_id, source_route=route)
        return server_error_type(
            exc_info=error, request=request, request_id=request_id, source_route=route,
            hide_internal_frames=self.hide_internal_frames, pages=self.pages,
        )

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(hide_internal_frames={self.hide_internal_frames!r},"
                f" reraise_uncaught={self.reraise_uncaught!r})")


def _debugged(wsgi_app: Any) -> Any:
    from werkzeug.debug import DebuggedApplication

    return DebuggedApplication(wsgi_app, evalex=True)


class REPLErrorHandler(ContextualErrorHandler):
    """Uncaught exceptions go to Werkzeug's interactive debugger (E11).

    The application is wrapped in ``DebuggedApplication(evalex=True)``, whose
    in-browser console runs Python in the server process (behind Werkzeug's
    PIN): development on 127.0.0.1 only.
    """

    def __init__(self, *, hide_internal_frames: bool = True, reraise_uncaught: Optional[bool] = True) -> None:
        super().__init__(hide_internal_frames=hide_internal_frames, reraise_uncaught=reraise_uncaught)

    @staticmethod
    def wsgi_wrapper(wsgi_app: Any) -> Any:
        return _debugged(wsgi_app)
