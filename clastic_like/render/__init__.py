"""Renderers: functions turning an endpoint's return value into a Response.

:mod:`.simple` has the JSON renderers and ``render_basic``; :mod:`.tabular`
the HTML table page; :mod:`.jinja` the Jinja2 render factory.
"""
from __future__ import annotations

from boltons.tableutils import Table as Table

from .jinja import Jinja2Render as Jinja2Render
from .jinja import Jinja2RenderFactory as Jinja2RenderFactory
from .simple import BasicRender as BasicRender
from .simple import ClasticJSONEncoder as ClasticJSONEncoder
from .simple import JSONPRender as JSONPRender
from .simple import JSONRender as JSONRender
from .simple import render_basic as render_basic
from .simple import render_json as render_json
from .simple import render_json_dev as render_json_dev
from .tabular import TabularRender as TabularRender

__all__ = [
    "BasicRender", "ClasticJSONEncoder", "JSONPRender", "JSONRender", "TabularRender", "Table",
    "Jinja2RenderFactory", "Jinja2Render",
    "render_basic", "render_json", "render_json_dev",
]
