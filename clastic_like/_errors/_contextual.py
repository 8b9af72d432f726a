"""The debug error pages: a 500 with the traceback and a 404 with the route table.

These are what :class:`~clastic_like.errors.ContextualErrorHandler` (the
default with ``debug=True``) answers with.  They show source code, local
variables, headers and cookies to whoever made the request, so they are for
development only; the production handler never uses them.

Both keep their data as plain dicts captured at construction (see
:mod:`._capture`), and serialise it as text, HTML (a Jinja2 page), JSON and
XML like every other error.
"""
from __future__ import annotations

from typing import Any, Optional

from .._injection._signature import get_callable_name
from ._capture import capture_exception, describe_request, exception_type_name, group_frames, server_info
from ._pages import Pages
from ._status import InternalServerError, NotFound

__all__ = ["ContextualInternalServerError", "ContextualNotFound", "STDLIB_EXC_URL"]

# Where Python documents its built-in exceptions; a debug 500 links its type there.
STDLIB_EXC_URL = "https://docs.python.org/3/library/exceptions.html#"


def _framework_version() -> str:
    import clastic_like  # imported late: this module is imported while the package initialises

    return str(getattr(clastic_like, "__version__", ""))


def _as_exception(exc_info: Any) -> Optional[BaseException]:
    """Accept an exception or a ``sys.exc_info()`` triple."""
    if isinstance(exc_info, BaseException):
        return exc_info
    if isinstance(exc_info, tuple) and len(exc_info) == 3 and isinstance(exc_info[1], BaseException):
        return exc_info[1]
    return None


class _PagesMixin:
    """Lets the error handler lend its (cached) template renderer to an error."""

    _pages: Optional[Pages] = None

    @property
    def pages(self) -> Pages:
        if self._pages is None:
            self._pages = Pages()
        return self._pages

    @pages.setter
    def pages(self, value: Optional[Pages]) -> None:
        self._pages = value


class ContextualInternalServerError(_PagesMixin, InternalServerError):
    """A 500 showing the exception, each frame's source and locals, and the request.

    ``exc_info`` is the exception (or a ``sys.exc_info()`` triple);
    ``hide_internal_frames`` folds clastic_like's own frames away.
    """

    def __init__(self, *a: Any, request: Any = None, hide_internal_frames: bool = True,
                 exc_info: Any = None, pages: Optional[Pages] = None, **kw: Any) -> None:
        exc = _as_exception(exc_info)
        self.hide_internal_frames = hide_internal_frames
        self.exc_data: Optional[dict[str, Any]] = (
            capture_exception(exc, hide_internal_frames) if exc is not None else None)
        self.request_data = describe_request(request)
        self.server_data = server_info()
        self.pages = pages
        if exc is not None and self.exc_data is not None:
            if not a and kw.get("detail") is None:
                a = (f"{self.exc_data['exc_type']}: {self.exc_data['exc_msg']}",)
            if kw.get("error_type") is None:
                name = exception_type_name(exc)
                kw["error_type"] = STDLIB_EXC_URL + name if "." not in name else name
        super().__init__(*a, exc_info=exc_info, **kw)

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["exc_info"] = self.exc_data
        d["request"] = self.request_data
        d["server"] = self.server_data
        # Clastic's key (E12), kept so tools reading debug JSON still find it.
        d["clastic_version"] = _framework_version()
        return d

    def to_text(self) -> str:
        lines = [f"{self.code} - {self.message}", "", str(self.detail)]
        if self.exc_data is not None:
            lines += ["", self.exc_data["traceback"].rstrip("\n")]
            if self.exc_data["hidden_frame_count"]:
                lines.append(f"({self.exc_data['hidden_frame_count']} clastic_like frames hidden)")
        if self.request_data is not None:
            lines += ["", f"Request: {self.request_data['method']} {self.request_data['url']}"]
        if self.request_id is not None:
            lines.append(f"Request ID: {self.request_id}")
        return "\n".join(lines) + "\n"

    def to_html(self) -> str:
        return self.pages.render(
            "errors/server_error.html",
            error=self.to_dict(),
            frame_groups=group_frames(self.exc_data["frames"]) if self.exc_data else [],
            error_type_is_url=str(self.error_type or "").startswith(("http://", "https://")),
        )


class ContextualNotFound(_PagesMixin, NotFound):
    """A 404 listing every route of the application, with its methods.

    Also lists the routes whose pattern matched but that did not answer
    (wrong method, or declined with a non-breaking error).
    """

    def __init__(self, *a: Any, request: Any = None, application: Any = None, dispatch_state: Any = None,
                 pages: Optional[Pages] = None, **kw: Any) -> None:
        self.pages = pages
        self.request_data = None
        if request is not None:
            self.request_data = {"method": str(getattr(request, "method", "")),
                                 "path": str(getattr(request, "path", ""))}
        self.routes = [_route_info(r) for r in application.iter_routes()] if application is not None else []
        attempted = getattr(dispatch_state, "attempted_routes", None) or []
        self.attempted_routes = [_route_info(r) for r in attempted if not _is_null_route(r)]
        super().__init__(*a, dispatch_state=dispatch_state, **kw)

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["request"] = self.request_data
        d["routes"] = self.routes
        d["attempted_routes"] = self.attempted_routes
        return d

    def to_text(self) -> str:
        text = super().to_text()
        lines = []
        if self.request_data is not None:
            lines += ["", f"Request: {self.request_data['method']} {self.request_data['path']}"]
        lines += ["", "Routes, in the order they are tried:"]
        if not self.routes:
            lines.append("  (this application has no routes)")
        width = max((len(r["pattern"]) for r in self.routes), default=0)
        for r in self.routes:
            lines.append(f"  {r['pattern']:<{width}}  {r['methods_text']:<12}  {r['endpoint']}")
        if self.attempted_routes:
            lines += ["", "Matched the path but did not answer: "
                      + ", ".join(r["pattern"] for r in self.attempted_routes)]
        return text + "\n".join(lines) + "\n"

    def to_html(self) -> str:
        return self.pages.render("errors/not_found.html", error=self.to_dict())


def _is_null_route(route: Any) -> bool:
    """The catch-all route answering 404/405 is the framework's, not the user's."""
    from ..routing._route import NullRoute  # late: routing imports middleware, which imports errors

    return isinstance(getattr(route, "unbound_route", route), NullRoute)


def _route_info(route: Any) -> dict[str, Any]:
    methods = getattr(route, "methods", None)
    endpoint = getattr(route, "endpoint", None)
    return {
        "pattern": str(getattr(route, "pattern", route)),
        "methods": sorted(methods) if methods else None,
        "methods_text": ", ".join(sorted(methods)) if methods else "any method",
        "endpoint": get_callable_name(endpoint) if endpoint is not None else "",
    }
