"""What an application is made of, as plain data: routes, middleware, resources, stats.

Route information comes from what binding already computed
(``BoundRoute.chain.arg_sources``), so the page shows exactly what the
application checked at construction: for each function of each route's
chain, where each argument comes from.
"""
from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any, Optional

from .._injection._signature import get_callable_info, get_callable_name
from ._redact import REDACTED, is_secret_key, redacted_repr, safe_repr

__all__ = ["get_route_infos", "get_route_info", "get_render_info", "get_mw_infos", "get_resource_infos",
           "find_stats_middleware", "get_stats_info"]

_SOURCE_NAMES = {"URL bindings": "url", "resources": "resource", "built-ins": "builtin", "built-in": "builtin"}


def _first_doc_line(obj: Any) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.strip().split("\n", 1)[0]


def _source_kind(label: str) -> str:
    """``'provided by Timer.request'`` -> ``'middleware'``; ``'URL bindings'`` -> ``'url'``."""
    if label.startswith("provided by"):
        return "middleware"
    return _SOURCE_NAMES.get(label, label)


def get_render_info(route: Any) -> dict[str, Any]:
    """How a route renders: nothing, a template, or a named callable."""
    render = getattr(route, "render", None)
    render_arg = getattr(route, "render_arg", None)
    info: dict[str, Any] = {"type": None, "name": None, "argument": None}
    if render_arg is not None and not callable(render_arg):
        info["argument"] = safe_repr(render_arg, 80)
    if render is None:
        return info
    template = getattr(render, "template_name", None)
    if template is not None:
        info.update(type="template", name=template, mimetype=getattr(render, "mimetype", None))
    elif inspect.isfunction(render) or inspect.ismethod(render):
        info.update(type="function", name=get_callable_name(render))
    else:
        info.update(type="object", name=get_callable_name(render))
    return info


def get_route_info(route: Any) -> dict[str, Any]:
    endpoint = route.endpoint
    chain = []
    arg_sources = getattr(getattr(route, "chain", None), "arg_sources", ()) or ()
    for role, info, sources in arg_sources:
        args = []
        for arg in info.args[1:] if role.startswith("middleware") else info.args:
            if arg in sources:
                label = sources[arg]
                args.append({"name": arg, "source": _source_kind(label), "detail": label})
            else:  # optional and nothing provides it: its default is used
                args.append({"name": arg, "source": "default", "detail": "default value"})
        chain.append({"role": role, "function": info.name, "args": args})
    methods = getattr(route, "methods", None)
    regex = getattr(route, "regex", None)
    return {
        "pattern": route.pattern,
        "methods": sorted(methods) if methods else None,
        "regex": getattr(regex, "pattern", None),
        "slash_mode": getattr(route, "slash_mode", None),
        "endpoint": {"name": get_callable_name(endpoint), "doc": _first_doc_line(endpoint)},
        "render": get_render_info(route),
        "middlewares": [type(mw).__name__ for mw in getattr(route, "middlewares", ())],
        "chain": chain,
    }


def get_route_infos(application: Any) -> list[dict[str, Any]]:
    return [get_route_info(route) for route in application.routes]


def _names(value: Any) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _mw_requires(mw: Any) -> list[str]:
    out: list[str] = []
    for hook in ("request", "endpoint", "render"):
        fn = getattr(mw, hook, None)
        if callable(fn):
            try:
                info = get_callable_info(fn)
            except TypeError:
                continue
            out.extend(a for a in info.args[1:] if a in info.required and a not in out)
    return out


def get_mw_infos(application: Any) -> list[dict[str, Any]]:
    """Application-wide middleware, outermost first (no reprs: they may hold keys)."""
    out = []
    for mw in application.middlewares:
        cls = type(mw)
        out.append({
            "name": cls.__name__,
            "module": cls.__module__,
            "hooks": [h for h in ("request", "endpoint", "render") if callable(getattr(mw, h, None))],
            "provides": _names(getattr(mw, "provides", ())),
            "endpoint_provides": _names(getattr(mw, "endpoint_provides", ())),
            "render_provides": _names(getattr(mw, "render_provides", ())),
            "requires": _mw_requires(mw),
            "doc": _first_doc_line(cls),
        })
    return out


def get_resource_infos(application: Any) -> list[dict[str, Any]]:
    """Resource names, types and redacted reprs, sorted by name."""
    resources = getattr(application, "resources", {}) or {}
    out = []
    for key in sorted(resources, key=str):
        value = resources[key]
        shown = REDACTED if is_secret_key(key) else redacted_repr(value)
        out.append({"name": str(key), "type": type(value).__name__, "value": shown})
    return out


# Columns shown from a stats summary: (column, key in the summary); durations in ms.
_SUMMARY_COLUMNS = (("mean_ms", "mean"), ("median_ms", "0.5"), ("p95_ms", "0.95"), ("max_ms", "max"))


def find_stats_middleware(application: Any) -> Optional[Any]:
    """The application's stats middleware, found by shape, not by import."""
    for mw in getattr(application, "middlewares", ()):
        if hasattr(mw, "route_hits") or type(mw).__name__ == "StatsMiddleware":
            return mw
    return None


def _count(value: Any) -> Optional[int]:
    if isinstance(value, Mapping):
        for key in ("count", "total"):
            if isinstance(value.get(key), int):
                return value[key]
        return None
    for attr in ("count", "total", "total_count", "hits"):
        number = getattr(value, attr, None)
        if isinstance(number, int) and not isinstance(number, bool):
            return number
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return len(value)
    except TypeError:
        return None


def get_stats_info(application: Any) -> Optional[dict[str, Any]]:
    """Hit counts per route and status from a stats middleware's ``route_hits``, if installed."""
    mw = find_stats_middleware(application)
    if mw is None:
        return None
    rows: list[dict[str, Any]] = []
    snapshot = getattr(mw, "snapshot", None)
    if callable(snapshot):
        # The middleware's own consistent copy (taken under its lock), with
        # durations already summarised: {pattern: {status: summary}}.
        for pattern, by_status in sorted(snapshot().items()):
            for status, summary in sorted(by_status.items(), key=lambda kv: str(kv[0])):
                summary = summary if isinstance(summary, Mapping) else {}
                rows.append({"pattern": pattern, "status": str(status), "count": _count(summary),
                             **{name: summary.get(key) for name, key in _SUMMARY_COLUMNS}})
        return {"middleware": type(mw).__name__, "rows": rows}
    hits = getattr(mw, "route_hits", None)
    if isinstance(hits, Mapping):
        for route, by_status in list(hits.items()):
            pattern = getattr(route, "pattern", None) or str(route)
            if isinstance(by_status, Mapping):
                for status, entry in sorted(list(by_status.items()), key=lambda kv: str(kv[0])):
                    rows.append({"pattern": pattern, "status": str(status), "count": _count(entry)})
            else:
                rows.append({"pattern": pattern, "status": None, "count": _count(by_status)})
    return {"middleware": type(mw).__name__, "rows": rows}
