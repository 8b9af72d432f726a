"""A development profiler: ``?_prof=1`` shows cProfile statistics instead of the page.

Off unless allowed: a profile exposes source paths and timings, and profiling
costs time, so it answers only when the middleware was built with
``enabled=True`` or the application runs with ``debug=True``.
"""
from __future__ import annotations

import cProfile
import io
from html import escape
from pstats import Stats
from typing import Any, Callable, Optional

from werkzeug.wrappers import Response

from ..errors import BadRequest, HTTPException, ServiceUnavailable
from .core import Middleware

__all__ = ["SimpleProfileMiddleware", "SORT_KEYS"]

# The pstats sort keys offered, with what they sort by (the ``?_prof_sort=`` values).
SORT_KEYS = {
    "cumulative": "cumulative time, including time in called functions",
    "file": "source file",
    "line": "line number",
    "name": "function name",
    "module": "source module",
    "nfl": "name/file/line",
    "pcalls": "primitive (non-recursive) calls",
    "stdname": "standard name (includes path)",
    "time": "internal time, excluding time in called functions",
}

# Headers describing the original body; they are wrong for the profile page.
_BODY_HEADERS = ("content-type", "content-length", "content-encoding", "content-range", "etag",
                 "last-modified")


class SimpleProfileMiddleware(Middleware):
    """With ``?_prof=<anything non-empty>``, replace the response with a profile (Clastic's PR1).

    ``get_param_name`` / ``sort_param_name`` name the query parameters
    (``_prof`` / ``_prof_sort``; the sort key defaults to ``time``, an
    unknown one is a 400 listing the choices).  ``enabled``: ``True`` to
    allow profiling, ``False`` to never profile, ``None`` (default) to
    profile only when the application has ``debug=True``.

    The page is an HTML document (status and other headers of the profiled
    response kept).  If the profiled code raises, ``raise_exc=True``
    (default) lets the error through as usual; ``raise_exc=False`` shows the
    profile anyway, with status 500 and the exception's type and message.
    """

    def __init__(self, sort_param_name: str = "_prof_sort", get_param_name: str = "_prof",
                 raise_exc: bool = True, enabled: Optional[bool] = None) -> None:
        for name, value in (("sort_param_name", sort_param_name), ("get_param_name", get_param_name)):
            if not isinstance(value, str) or not value:
                raise TypeError(f"SimpleProfileMiddleware {name} must be a non-empty string, not {value!r}.")
        if not isinstance(raise_exc, bool):
            raise TypeError(f"SimpleProfileMiddleware raise_exc must be True or False, not {raise_exc!r}.")
        if enabled is not None and not isinstance(enabled, bool):
            raise TypeError(
                f"SimpleProfileMiddleware enabled must be True, False or None (follow the"
                f" application's debug flag), not {enabled!r}."
            )
        self.sort_param_name = sort_param_name
        self.get_param_name = get_param_name
        self.raise_exc = raise_exc
        self.enabled = enabled

    def is_enabled(self, application: Any) -> bool:
        if self.enabled is None:
            return bool(getattr(application, "debug", False))
        return self.enabled

    def request(self, next: Callable[[], Any], request: Any, _application: Any) -> Any:
        if not self.is_enabled(_application) or not request.args.get(self.get_param_name):
            return next()
        sort_key = request.args.get(self.sort_param_name) or "time"
        if sort_key not in SORT_KEYS:
            raise BadRequest(
                f"Query parameter {self.sort_param_name!r} must be one of {sorted(SORT_KEYS)!r},"
                f" not {sort_key[:40]!r}."
            )
        profiler = cProfile.Profile()
        try:
            profiler.enable()
        except ValueError:
            # Python 3.12+ allows one profiler at a time per process.
            raise ServiceUnavailable("Another profiler is running; try again when it is done.") from None
        error: Optional[BaseException] = None
        try:
            result = next()
        except HTTPException as exc:
            if self.raise_exc:
                raise
            result = exc
        except Exception as exc:
            if self.raise_exc:
                raise
            error, result = exc, None
        finally:
            profiler.disable()
        return self._profile_response(profiler, sort_key, request, result, error)

    def _profile_response(self, profiler: cProfile.Profile, sort_key: str, request: Any,
                          result: Any, error: Optional[BaseException]) -> Response:
        buff = io.StringIO()
        Stats(profiler, stream=buff).sort_stats(sort_key).print_stats()
        title = f"Profile of {request.method} {request.path} (sorted by {sort_key})"
        parts = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\">",
                 f"<title>{escape(title)}</title></head><body>", f"<h1>{escape(title)}</h1>"]
        if error is not None:
            parts.append(f"<p>The request raised {escape(type(error).__name__)}: {escape(str(error))}</p>")
        parts.append(f"<pre>{escape(buff.getvalue())}</pre>")
        parts.append("</body></html>")
        status = 500 if error is not None else getattr(result, "status_code", 200)
        page = Response("\n".join(parts), status=status, mimetype="text/html")
        if isinstance(result, Response):
            # Keep cookies, Allow, Vary, ...: only the body changes.
            for key, value in result.headers.items():
                if key.lower() not in _BODY_HEADERS:
                    page.headers.add(key, value)
        return page

    def __repr__(self) -> str:
        return (f"SimpleProfileMiddleware(sort_param_name={self.sort_param_name!r},"
                f" get_param_name={self.get_param_name!r}, raise_exc={self.raise_exc!r},"
                f" enabled={self.enabled!r})")
