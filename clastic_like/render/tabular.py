"""The HTML table page ``render_basic`` shows browsers (Clastic's B8).

:class:`TabularRender` turns ``context`` into a boltons ``Table`` and wraps it
in a small standalone page headed by the endpoint's name, arguments and
docstring.  Everything taken from the endpoint or the data is HTML-escaped;
URLs in the docstring become links.
"""
from __future__ import annotations

import re
import textwrap
import weakref
from collections.abc import Sequence, Set
from html import escape
from typing import Any, Optional

from boltons.tableutils import Table
from werkzeug.wrappers import Response

from .._injection._signature import get_callable_info
from ._data import set_items

__all__ = ["TabularRender", "linkify", "escape_html"]

# Deliberately narrow: a scheme and host-ish start, then anything but
# whitespace or characters that would end an attribute or a tag.
_URL = re.compile(r"""(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>"'`]+""", re.IGNORECASE)
# Punctuation that usually ends a sentence rather than the URL.
_TRAILING = ".,;:!?)]}'\""

_PAGE_CSS = (
    "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}"
    "h1{font-size:1.3em;margin:0 0 .3em}h1 .module{color:#777;font-weight:normal}"
    ".doc{white-space:pre-wrap;margin:.2em 0 1em;color:#333}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}"
    "th{background:#f3f3f3}"
)


def escape_html(text: Any) -> str:
    """``str(text)`` with ``& < > " '`` escaped."""
    return escape(str(text), quote=True)


def linkify(text: str, default_scheme: str = "https", schemes: Sequence[str] = ()) -> str:
    """Escape ``text`` and turn the URLs in it into links.

    ``www.`` addresses get ``default_scheme``; ``schemes`` adds schemes to
    recognise besides http, https and ftp (e.g. ``('mailto',)`` is *not*
    recognised unless listed, because it has no ``//``).
    """
    pattern = _URL
    if schemes:
        extra = "|".join(re.escape(s) for s in schemes)
        pattern = re.compile(rf"""(?:\b(?:https?|ftp|{extra}):(?://)?|\bwww\.)[^\s<>"'`]+""", re.IGNORECASE)
    out: list[str] = []
    pos = 0
    for match in pattern.finditer(text):
        url = match.group(0)
        stripped = url.rstrip(_TRAILING)
        # Keep a closing parenthesis that balances one inside the URL.
        while stripped != url and url[len(stripped)] == ")" and stripped.count("(") > stripped.count(")"):
            stripped += ")"
        url = stripped
        if not url:
            continue
        start = match.start()
        out.append(escape_html(text[pos:start]))
        href = url if "://" in url or ":" in url.split("/", 1)[0] else f"{default_scheme}://{url}"
        out.append(f'<a href="{escape_html(href)}">{escape_html(url)}</a>')
        pos = start + len(url)
    out.append(escape_html(text[pos:]))
    return "".join(out)


def _plain_data(value: Any) -> Any:
    """Make sets (and other unordered collections) something Table understands.

    boltons' Table reads a set as an object and shows the set type's
    docstring; a list of the items (sorted when they sort) is what a reader
    expects.
    """
    if isinstance(value, Set):
        return set_items(value)
    if isinstance(value, range):
        return list(value)
    return value


def _endpoint_heading(endpoint: Any, arg_names: Optional[Sequence[str]] = None) -> str:
    """The endpoint's module, name, arguments and docstring, as escaped HTML."""
    target = getattr(endpoint, "func", endpoint)  # functools.partial
    module = getattr(target, "__module__", None) or type(target).__module__
    name = getattr(target, "__qualname__", None) or type(target).__qualname__
    # "<lambda>" and "<locals>" would read as tags; show them as "(lambda)".
    name = name.replace("<", "(").replace(">", ")")
    try:
        args = ", ".join(arg_names if arg_names is not None else get_callable_info(endpoint).args)
    except TypeError:
        args = "..."
    # The docstring's first line, and the rest dedented (no `inspect` while
    # serving: the signature was read at bind, the docstring is just text).
    raw_doc = getattr(endpoint, "__doc__", None)
    doc = raw_doc.expandtabs().strip() if isinstance(raw_doc, str) else ""
    first, _, rest = doc.partition("\n")
    parts = [
        f'<h1><span class="module">{escape_html(module)}.</span>{escape_html(name)}({escape_html(args)})</h1>'
    ]
    if first.strip():
        parts.append(f'<p class="doc summary">{linkify(first.strip())}</p>')
    if rest.strip():
        parts.append(f'<p class="doc">{linkify(textwrap.dedent(rest).strip())}</p>')
    return "".join(parts)


class TabularRender:
    """An HTML page showing ``context`` as a table (boltons ``Table``).

    A ``Table`` context is shown as is; anything else goes through
    ``table_type.from_data(context, max_depth=max_depth)``.  With
    ``enable_title`` and a route, the page is headed by the endpoint's name,
    arguments and docstring.
    """

    def __init__(self, max_depth: int = 4, orientation: str = "auto", *, enable_title: bool = True,
                 table_type: type = Table, with_metadata: bool = True) -> None:
        if not isinstance(max_depth, int) or max_depth < 1:
            raise ValueError(f"TabularRender max_depth must be a positive integer, not {max_depth!r}.")
        self.max_depth = max_depth
        self.orientation = orientation
        self.enable_title = enable_title
        self.table_type = table_type
        self.with_metadata = with_metadata
        # A route's heading depends only on its endpoint: made once per route
        # (its arguments were read when the route was bound).
        self._headings: "weakref.WeakKeyDictionary[Any, str]" = weakref.WeakKeyDictionary()

    def to_table(self, context: Any) -> Any:
        if isinstance(context, self.table_type):
            return context
        table_type: Any = self.table_type
        return table_type.from_data(_plain_data(context), max_depth=self.max_depth)

    def __call__(self, context: Any, _route: Any = None) -> Response:
        table = self.to_table(context)
        heading = ""
        title = "Data"
        if _route is not None and self.enable_title:
            try:
                heading = self._headings[_route]
            except (KeyError, TypeError):
                heading = _endpoint_heading(_route.endpoint, getattr(_route, "endpoint_args", None))
                try:
                    self._headings[_route] = heading
                except TypeError:  # not weak-referenceable (a stand-in route): just don't keep it
                    pass
            title = getattr(_route, "pattern", title)
        html = table.to_html(orientation=self.orientation, with_metadata=self.with_metadata,
                             max_depth=self.max_depth)
        page = (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f"<title>{escape_html(title)}</title><style>{_PAGE_CSS}</style></head>\n"
            f"<body>{heading}\n{html}\n</body></html>\n"
        )
        return Response(page, mimetype="text/html")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_depth={self.max_depth!r}, orientation={self.orientation!r})"
