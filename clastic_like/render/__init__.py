"""Renderers: functions turning an endpoint's return value into a Response."""
from __future__ import annotations

from boltons.tableutils import Table as Table

from .simple import BasicRender as BasicRender
from .simple import ClasticJSONEncoder as ClasticJSONEncoder
from .simple import JSONPRender as JSONPRender
from .simple import JSONRender as JSONRender
from .simple import TabularRender as TabularRender
from .simple import render_basic as render_basic
from .simple import render_json as render_json
from .simple import render_json_dev as render_json_dev

__all__ = [
    "BasicRender", "ClasticJSONEncoder", "JSONPRender", "JSONRender", "TabularRender", "Table",
    "render_basic", "render_json", "render_json_dev",
]
