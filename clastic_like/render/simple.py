"""Built-in renderers: JSON, JSONP and the type-sniffing ``render_basic``.

A render function receives the endpoint's return value as ``context`` (plus
anything else it asks for, injected like an endpoint's arguments) and returns
a Response.  It only runs when the endpoint did not already return one.
"""
from __future__ import annotations

import dataclasses
import decimal
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sized
from html import escape
from typing import Any, Callable, Optional

from boltons.tableutils import Table
from werkzeug.wrappers import Response

from ..errors import BadRequest

__all__ = [
    "ClasticJSONEncoder",
    "JSONRender",
    "JSONPRender",
    "BasicRender",
    "TabularRender",
    "render_json",
    "render_json_dev",
    "render_basic",
]


class ClasticJSONEncoder(json.JSONEncoder):
    """JSON with fallbacks for common Python types.

    Mappings become objects; other sized iterables (sets, tuples...) arrays;
    objects with ``to_dict()``/``asdict()`` their result; dates and datetimes
    (``isoformat()``) ISO strings; UUIDs and Decimals strings (no precision is
    lost); dataclasses objects.  Anything else raises ``TypeError``, or is
    ``repr()``-ed with ``dev_mode=True``.
    """

    def __init__(self, **kw: Any) -> None:
        self.dev_mode = kw.pop("dev_mode", False)
        kw.pop("encoding", None)
        for key, value in (("skipkeys", True), ("ensure_ascii", True), ("indent", 2), ("sort_keys", True)):
            kw.setdefault(key, value)
        super().__init__(**kw)

    def default(self, o: Any) -> Any:
        if isinstance(o, Mapping):
            return dict(o)
        if isinstance(o, (uuid.UUID, decimal.Decimal)):
            return str(o)
        if dataclasses.is_dataclass(o) and not isinstance(o, type):
            return dataclasses.asdict(o)
        if isinstance(o, Sized) and isinstance(o, Iterable):
            return list(o)
        for method in ("to_dict", "asdict", "isoformat"):
            func = getattr(o, method, None)
            if callable(func):
                return func()
        if self.dev_mode:
            return repr(o)
        raise TypeError(f"cannot serialize to JSON: {o!r}")


class JSONRender:
    """Render ``context`` as JSON (``application/json``).

    Strict by default: an unknown type is a ``TypeError`` (a 500);
    ``dev_mode=True`` falls back to ``repr()``.
    """

    def __init__(self, dev_mode: bool = False, **kw: Any) -> None:
        self.dev_mode = dev_mode
        self.encoder = ClasticJSONEncoder(dev_mode=dev_mode, **kw)

    def __call__(self, context: Any) -> Response:
        return Response(self.encoder.encode(context), mimetype="application/json")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dev_mode={self.dev_mode!r})"


_JS_IDENTIFIER_PATH = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$", re.ASCII)


class JSONPRender(JSONRender):
    """JSON, wrapped in ``callback(...)`` when ``?callback=`` is given.

    The callback must be a plain JavaScript identifier path (``cb``,
    ``a.b_c``); anything else is a 400, so the parameter cannot inject script.
    """

    def __init__(self, qp_name: str = "callback", *a: Any, **kw: Any) -> None:
        self.qp_name = qp_name
        super().__init__(*a, **kw)

    def __call__(self, request: Any, context: Any) -> Response:  # type: ignore[override]
        body = self.encoder.encode(context)
        callback = request.args.get(self.qp_name)
        if callback is None:
            return Response(body, mimetype="application/json")
        if not _JS_IDENTIFIER_PATH.match(callback) or len(callback) > 128:
            raise BadRequest(f"The {self.qp_name!r} parameter must be a JavaScript identifier path.")
        return Response(f"{callback}({body});", mimetype="application/javascript")


class TabularRender:
    """An HTML page showing ``context`` as a table (boltons ``Table``)."""

    def __init__(self, max_depth: int = 4, orientation: str = "auto", *, table_type: type = Table,
                 with_metadata: bool = True) -> None:
        self.max_depth = max_depth
        self.orientation = orientation
        self.table_type = table_type
        self.with_metadata = with_metadata

    def __call__(self, context: Any, _route: Any = None) -> Response:
        if isinstance(context, self.table_type):
            table = context
        else:
            table = self.table_type.from_data(context, max_depth=self.max_depth)
        heading = ""
        if _route is not None:
            endpoint = _route.endpoint
            name = escape(getattr(endpoint, "__qualname__", type(endpoint).__name__))
            doc = escape((getattr(endpoint, "__doc__", None) or "").strip())
            heading = f"<h2>{name}</h2>" + (f"<p>{doc}</p>" if doc else "")
        html = table.to_html(orientation=self.orientation, with_metadata=self.with_metadata)
        page = (
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>"
            "body{font-family:sans-serif}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:.2em .5em}</style></head><body>"
            f"{heading}{html}</body></html>"
        )
        return Response(page, mimetype="text/html")


class BasicRender:
    """Pick a representation from the type of ``context`` (Clastic's B1-B5).

    ``str``/``bytes``: JSON if it looks like a JSON object or array, HTML if
    ``<html`` appears near the start, text otherwise.  Objects without a
    length: ``str(context)`` as text.  Dicts, lists and other sized values:
    ``?format=json|html``, else the best of HTML and JSON for ``Accept``, else
    JSON.  An unknown ``?format=`` is a 400.
    """

    _formats = ("html", "json")

    def __init__(self, qp_name: str = "format", dev_mode: bool = True, json_render: Optional[Callable[..., Any]] = None,
                 table_type: type = Table, tabular_render: Optional[Callable[..., Any]] = None) -> None:
        self.qp_name = qp_name
        self.json_render = json_render or JSONRender(dev_mode=dev_mode)
        self.tabular_render = tabular_render or TabularRender(table_type=table_type)

    @property
    def formats(self) -> tuple[str, ...]:
        return self._formats

    @property
    def mimetypes(self) -> tuple[str, ...]:
        return ("text/html", "application/json")

    @classmethod
    def factory(cls, *a: Any, **kw: Any) -> Callable[[Any], "BasicRender"]:
        """A render factory that ignores the route's render argument."""
        def basic_render_factory(render_arg: Any) -> "BasicRender":
            return cls(*a, **kw)
        return basic_render_factory

    def __call__(self, context: Any, request: Any, _route: Any) -> Response:
        if isinstance(context, str):
            context = context.encode("utf-8")
        if isinstance(context, (bytes, bytearray)):
            return Response(bytes(context), mimetype=_sniff_mimetype(bytes(context)))
        if not isinstance(context, Sized):
            return Response(str(context), mimetype="text/plain")
        fmt = request.args.get(self.qp_name)
        if fmt is not None:
            if fmt not in self._formats:
                raise BadRequest(f"Unknown {self.qp_name}={fmt!r}; expected one of {list(self._formats)!r}.")
        elif request.headers.get("Accept"):
            best = request.accept_mimetypes.best_match(list(self.mimetypes))
            fmt = "html" if best == "text/html" else "json"
        else:
            fmt = "json"
        if fmt == "html":
            return self.tabular_render(context=context, _route=_route)
        return self.json_render(context)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _sniff_mimetype(body: bytes) -> str:
    stripped = body.strip()
    if stripped[:1] in (b"{", b"[") and stripped[-1:] == {b"{": b"}", b"[": b"]"}[stripped[:1]]:
        return "application/json"
    if b"<html" in body[:168]:
        return "text/html"
    return "text/plain"


render_json = JSONRender()
render_json_dev = JSONRender(dev_mode=True)
render_basic = BasicRender()
