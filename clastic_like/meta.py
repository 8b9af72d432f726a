"""The ``/_meta/`` application: what an application is made of, in a browser or as JSON.

Mount it like any sub-application::

    Application([..., ('/_meta', MetaApplication())])

It introspects the application it is mounted in (``_application``): routes
with every argument's source, application-wide middleware, resources (values
under keys containing ``secret``, ``password``, ``passwd``, ``token``,
``key`` or ``credential`` are redacted, at any depth), request statistics
when a stats middleware is installed, and host, process and Python facts.
``/_meta/json/`` returns the same data as JSON.

It shows internals to whoever can reach it: mount it in development, or
behind authentication.
"""
from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from typing import Any, Iterable, Optional, Sequence

from ._meta._app_info import (
    find_stats_middleware,
    get_mw_infos,
    get_resource_infos,
    get_route_infos,
    get_stats_info,
)
from ._meta._redact import REDACTED, is_secret_key, redact, redacted_repr
from ._meta._system import get_host_info, get_proc_info, get_pyvm_info, utc_now_iso
from .application import Application
from .render.jinja import Jinja2RenderFactory
from .render.simple import JSONRender
from .routing import GET
from .static import StaticApplication

__all__ = [
    "MetaApplication",
    "MetaPeripheral",
    "RoutePeripheral",
    "MiddlewarePeripheral",
    "ResourcePeripheral",
    "StatsPeripheral",
    "HostPeripheral",
    "ProcessPeripheral",
    "PythonPeripheral",
    "DEFAULT_PERIPHERALS",
    "DEFAULT_PAGE_TITLE",
    "REDACTED",
    "is_secret_key",
    "redact",
    "redacted_repr",
]

DEFAULT_PAGE_TITLE = "clastic_like"
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
TEMPLATES_DIR = os.path.join(_PACKAGE_DIR, "templates")
ASSETS_DIR = os.path.join(_PACKAGE_DIR, "static_assets")


class MetaPeripheral:
    """One section of the meta page.

    ``key``: the section's id (and its key in the JSON); ``title``: its
    heading; ``template``: a template under ``clastic_like/templates``
    receiving the section's data as ``data``.  Override
    :meth:`get_context` to return JSON-ready data, and :meth:`is_enabled` to
    show the section only sometimes.
    """

    key: str = ""
    title: str = ""
    template: str = "meta/_kv.html"

    def is_enabled(self, _application: Any) -> bool:
        return True

    def get_context(self, _application: Any, request: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.get_context() must return the section's data.")

    def get_extra_routes(self) -> list[Any]:
        """Routes this peripheral adds under the meta application (none by default)."""
        return []

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class RoutePeripheral(MetaPeripheral):
    key, title, template = "routes", "Routes", "meta/_routes.html"

    def get_context(self, _application: Any, request: Any) -> Any:
        return get_route_infos(_application)


class MiddlewarePeripheral(MetaPeripheral):
    key, title, template = "middlewares", "Middleware", "meta/_middlewares.html"

    def get_context(self, _application: Any, request: Any) -> Any:
        return get_mw_infos(_application)


class ResourcePeripheral(MetaPeripheral):
    key, title, template = "resources", "Resources", "meta/_resources.html"

    def get_context(self, _application: Any, request: Any) -> Any:
        return get_resource_infos(_application)


class StatsPeripheral(MetaPeripheral):
    """Shown only when the application has a stats middleware (one with ``route_hits``)."""

    key, title, template = "stats", "Request statistics", "meta/_stats.html"

    def is_enabled(self, _application: Any) -> bool:
        return find_stats_middleware(_application) is not None

    def get_context(self, _application: Any, request: Any) -> Any:
        return get_stats_info(_application)


class HostPeripheral(MetaPeripheral):
    key, title = "host", "Host"

    def get_context(self, _application: Any, request: Any) -> Any:
        return get_host_info()


class ProcessPeripheral(MetaPeripheral):
    key, title = "process", "Process"

    def get_context(self, _application: Any, request: Any) -> Any:
        return get_proc_info()


class PythonPeripheral(MetaPeripheral):
    key, title = "python", "Python"

    def get_context(self, _application: Any, request: Any) -> Any:
        return get_pyvm_info()


# Classes, not instances: each MetaApplication makes its own.
DEFAULT_PERIPHERALS: tuple[type, ...] = (
    RoutePeripheral, MiddlewarePeripheral, ResourcePeripheral, StatsPeripheral,
    HostPeripheral, ProcessPeripheral, PythonPeripheral,
)


def _format_uptime(seconds: float) -> str:
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h {minutes}m"
    if hours:
        return f"{hours}h {minutes}m {secs}s"
    return f"{minutes}m {secs}s"


class MetaApplication(Application):
    """Introspection pages for the application this one is mounted in.

    Routes: ``/`` (HTML), ``/json/`` (the same data as JSON) and
    ``/clastic_assets/`` (the page's stylesheet), plus each peripheral's
    extra routes.  ``peripherals`` are added after ``base_peripherals``
    (classes or instances of :class:`MetaPeripheral`).
    """

    def __init__(
        self,
        peripherals: Optional[Iterable[Any]] = None,
        page_title: str = DEFAULT_PAGE_TITLE,
        base_peripherals: Sequence[Any] = DEFAULT_PERIPHERALS,
        **app_kw: Any,
    ) -> None:
        self.page_title = page_title
        self.peripherals = [p() if isinstance(p, type) else p for p in [*base_peripherals, *(peripherals or ())]]
        self._templates = Jinja2RenderFactory(TEMPLATES_DIR)
        keys: list[str] = []
        for p in self.peripherals:
            key = getattr(p, "key", None)
            if not isinstance(key, str) or not key.isidentifier():
                raise ValueError(f"MetaApplication peripheral {p!r} needs a key that is an identifier, not {key!r}.")
            if key in keys:
                raise ValueError(f"MetaApplication has two peripherals with key {key!r}; keys must be unique.")
            if not callable(getattr(p, "get_context", None)):
                raise TypeError(f"MetaApplication peripheral {p!r} has no get_context() method.")
            # Fail now, not on the first visit, if a section's template is missing.
            self._templates(p.template)
            keys.append(key)
        self.start_time = datetime.now(timezone.utc)
        self._start_monotonic = time.monotonic()
        routes: list[Any] = [
            GET("/", self.get_main, self._templates("meta/meta.html")),
            GET("/json/", self.get_json, JSONRender(dev_mode=True)),
            ("/clastic_assets", StaticApplication(ASSETS_DIR)),
        ]
        for p in self.peripherals:
            routes.extend(p.get_extra_routes())
        super().__init__(routes, **app_kw)

    def get_sections(self, _application: Any, request: Any) -> list[dict[str, Any]]:
        """Each enabled peripheral's data, or the error that stopped it (Clastic's MA3)."""
        sections = []
        for p in self.peripherals:
            section: dict[str, Any] = {"key": p.key, "title": p.title or p.key, "template": p.template,
                                       "data": None, "error": None}
            try:
                if not p.is_enabled(_application):
                    continue
                section["data"] = p.get_context(_application=_application, request=request)
            except Exception as exc:  # one broken section must not hide the others
                section["error"] = f"{type(exc).__name__}: {exc}"
            sections.append(section)
        return sections

    def _common(self) -> dict[str, Any]:
        return {
            "page_title": self.page_title,
            "start_time_utc": self.start_time.isoformat(timespec="seconds"),
            "uptime": _format_uptime(time.monotonic() - self._start_monotonic),
            "generated_utc": utc_now_iso(),
        }

    def get_main(self, request: Any, _application: Any, _route: Any) -> dict[str, Any]:
        # Where this meta application is mounted, for links that work under
        # any prefix and any SCRIPT_NAME.
        meta_root = request.script_root + _route.pattern
        if not meta_root.endswith("/"):
            meta_root += "/"
        return {**self._common(), "meta_root": meta_root, "sections": self.get_sections(_application, request)}

    def get_json(self, request: Any, _application: Any) -> dict[str, Any]:
        sections = self.get_sections(_application, request)
        return {
            **self._common(),
            "sections": {s["key"]: s["data"] for s in sections if s["error"] is None},
            "errors": {s["key"]: s["error"] for s in sections if s["error"] is not None},
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}(peripherals={[p.key for p in self.peripherals]!r})"
