"""Jinja2 templates as a render factory.

An application given ``render_factory=Jinja2RenderFactory('templates')`` can
name a template as a route's render: ``('/', home, 'home.html')``.  The
factory is called when the route is bound, so a missing template (or one
with a syntax error) stops ``Application(...)`` instead of the first request.

Each factory owns its Jinja2 ``Environment``: filters, globals and caches
never leak between applications.
"""
from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from typing import Any, Callable, Iterable, Optional, Union

import jinja2
import jinja2.nodes
from werkzeug.wrappers import Response

__all__ = [
    "Jinja2RenderFactory",
    "Jinja2Render",
    "TEMPLATE_MIMETYPES",
    "AUTOESCAPE_EXTENSIONS",
    "JINJA_SUFFIXES",
]

# Suffixes that only say "this is a Jinja template": ``page.html.j2`` is HTML.
JINJA_SUFFIXES = (".j2", ".jinja", ".jinja2")

# MIME type of a rendered template, from its (inner) extension.
TEMPLATE_MIMETYPES: Mapping[str, str] = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
}

# Markup formats, where an unescaped "<" in data is an injection.  JSON, CSS,
# JS and text are not escaped: HTML entities would corrupt them.
AUTOESCAPE_EXTENSIONS = (".html", ".htm", ".xhtml", ".xml", ".svg", ".rss", ".atom")

PathArg = Union[str, "os.PathLike[str]"]


def _inner_extension(template_name: str) -> str:
    """``'a/page.html.j2'`` -> ``'.html'``; ``'README'`` -> ``''``."""
    name = template_name.rsplit("/", 1)[-1].lower()
    for suffix in JINJA_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return os.path.splitext(name)[1]


def _autoescape_by_extension(template_name: Optional[str]) -> bool:
    # Templates made from strings (no name) are escaped: safe by default.
    if template_name is None:
        return True
    return _inner_extension(template_name) in AUTOESCAPE_EXTENSIONS


def _check_callables(what: str, mapping: Optional[Mapping[str, Any]]) -> dict[str, Callable[..., Any]]:
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise TypeError(f"Jinja2RenderFactory {what} must be a mapping of names to callables, not {mapping!r}.")
    for name, func in mapping.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(f"Jinja2RenderFactory {what} names must be identifiers, not {name!r}.")
        if not callable(func):
            raise TypeError(f"Jinja2RenderFactory {what}[{name!r}] must be callable, not {func!r}.")
    return dict(mapping)


def _literal_references(ast: jinja2.nodes.Template) -> list[list[str]]:
    """For each literal template reference: the names of which one must exist."""
    nodes = jinja2.nodes
    out: list[list[str]] = []
    for node in ast.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        if isinstance(node, nodes.Include) and node.ignore_missing:
            continue
        target: Any = getattr(node, "template", None)
        if isinstance(target, nodes.Const) and isinstance(target.value, str):
            out.append([target.value])
        elif isinstance(target, nodes.Const) and isinstance(target.value, (list, tuple)):
            names = [v for v in target.value if isinstance(v, str)]
            if names and len(names) == len(target.value):
                out.append(names)
        elif isinstance(target, (nodes.List, nodes.Tuple)) and all(
                isinstance(item, nodes.Const) and isinstance(item.value, str) for item in target.items):
            out.append([getattr(item, "value") for item in target.items])
    return out


class Jinja2Render:
    """The render function for one template (made by :class:`Jinja2RenderFactory`).

    A mapping ``context`` gives the template its variables; any other value
    is available as ``context``.  ``request`` is also available unless the
    context defines it.
    """

    def __init__(self, factory: "Jinja2RenderFactory", template: jinja2.Template, mimetype: str) -> None:
        self.factory = factory
        self.template = template
        self.template_name: str = template.name or ""
        self.mimetype = mimetype

    def __call__(self, context: Any, request: Any) -> Response:
        template = self.template
        if self.factory.env.auto_reload:
            # Jinja's cache checks the file's mtime and recompiles if it changed.
            template = self.factory.env.get_template(self.template_name)
        if isinstance(context, Mapping):
            variables = {"request": request, **context}
        else:
            variables = {"request": request, "context": context}
        return Response(template.render(variables), mimetype=self.mimetype)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.template_name!r}, mimetype={self.mimetype!r})"


class Jinja2RenderFactory:
    """A render factory for Jinja2 templates.

    ``template_paths``: a directory or a list of directories, searched in
    order; or ``loader``: any Jinja2 loader (e.g. ``jinja2.DictLoader``).
    ``default_mime``: the MIME type of templates whose extension is not in
    :data:`TEMPLATE_MIMETYPES`.  ``filters``, ``globals`` and ``tests`` are
    added to this factory's environment.  ``autoescape``: ``None`` (default)
    escapes HTML, XML and SVG templates by extension; a bool or a Jinja2
    autoescape function overrides that.  ``undefined``: by default an
    undefined variable is an error (``jinja2.StrictUndefined``), not an empty
    string.  ``auto_reload=True`` picks up edited templates (development).
    Other keyword arguments go to ``jinja2.Environment``.
    """

    def __init__(
        self,
        template_paths: Union[PathArg, Iterable[PathArg], None] = None,
        default_mime: str = "text/html",
        *,
        loader: Optional[jinja2.BaseLoader] = None,
        filters: Optional[Mapping[str, Callable[..., Any]]] = None,
        globals: Optional[Mapping[str, Any]] = None,
        tests: Optional[Mapping[str, Callable[..., Any]]] = None,
        autoescape: Union[bool, Callable[[Optional[str]], bool], None] = None,
        undefined: type = jinja2.StrictUndefined,
        auto_reload: bool = False,
        encoding: str = "utf-8",
        **env_kw: Any,
    ) -> None:
        if (template_paths is None) == (loader is None):
            raise TypeError(
                "Jinja2RenderFactory needs exactly one of template_paths (a directory or a list of"
                f" directories) or loader (a jinja2 loader); got template_paths={template_paths!r},"
                f" loader={loader!r}."
            )
        if not isinstance(default_mime, str) or "/" not in default_mime:
            raise ValueError(f"Jinja2RenderFactory default_mime must be a MIME type like 'text/html', not {default_mime!r}.")
        self.default_mime = default_mime
        if loader is None:
            paths = [template_paths] if isinstance(template_paths, (str, os.PathLike)) else list(template_paths or ())
            if not paths:
                raise ValueError("Jinja2RenderFactory template_paths is empty; give at least one directory.")
            self.template_paths = [os.path.abspath(os.fspath(p)) for p in paths]
            missing = [p for p in self.template_paths if not os.path.isdir(p)]
            if missing:
                raise ValueError(
                    f"Jinja2RenderFactory template_paths {missing!r} are not directories;"
                    " give existing template directories (relative paths are resolved from"
                    f" the current directory, {os.getcwd()!r})."
                )
            loader = jinja2.FileSystemLoader(self.template_paths, encoding=encoding)
        else:
            if not isinstance(loader, jinja2.BaseLoader):
                raise TypeError(f"Jinja2RenderFactory loader must be a jinja2 loader, not {loader!r}.")
            self.template_paths = list(getattr(loader, "searchpath", []) or [])
        self.loader = loader
        if autoescape is None:
            autoescape = _autoescape_by_extension
        self.env = jinja2.Environment(loader=loader, autoescape=autoescape, undefined=undefined,
                                      auto_reload=auto_reload, **env_kw)
        self.env.filters.update(_check_callables("filters", filters))
        self.env.tests.update(_check_callables("tests", tests))
        if globals is not None:
            if not isinstance(globals, Mapping):
                raise TypeError(f"Jinja2RenderFactory globals must be a mapping, not {globals!r}.")
            self.env.globals.update(globals)

    def mimetype_for(self, template_name: str) -> str:
        """The MIME type a template renders as, from its extension."""
        return TEMPLATE_MIMETYPES.get(_inner_extension(template_name), self.default_mime)

    def _describe_search(self) -> str:
        if self.template_paths:
            return f"template_paths {self.template_paths!r}"
        return f"loader {self.loader!r}"

    def _close_matches(self, name: str) -> list[str]:
        try:
            known = self.env.list_templates()
        except (TypeError, OSError):  # some loaders cannot list their templates
            return []
        return difflib.get_close_matches(name, known, n=3, cutoff=0.5)

    def __call__(self, template_name: Any) -> Jinja2Render:
        """Look ``template_name`` up now (bind time) and return its render function."""
        if not isinstance(template_name, str) or not template_name:
            raise TypeError(
                f"Jinja2RenderFactory expects a template name (a non-empty str) as the route's"
                f" render, not {template_name!r}."
            )
        try:
            template = self.env.get_template(template_name)
        except jinja2.TemplateNotFound:
            hint = ""
            close = self._close_matches(template_name)
            if close:
                hint = f" Did you mean {', '.join(map(repr, close))}?"
            # Keep Jinja's exception type so callers catching it still work.
            raise jinja2.TemplateNotFound(
                template_name,
                message=(
                    f"Jinja2RenderFactory: template {template_name!r} was not found in"
                    f" {self._describe_search()}.{hint}"
                ),
            ) from None
        self._check_references(template_name, [template_name])
        return Jinja2Render(self, template, self.mimetype_for(template_name))

    def _check_references(self, template_name: str, trail: list[str]) -> None:
        """Fail now if an ``extends``/``include``/``import`` names a missing template.

        Only literal names can be checked; names computed at render time, an
        ``include ... ignore missing`` and the alternatives of an
        ``include [a, b]`` (one of which must exist) follow Jinja2's rules.
        """
        if not getattr(self.loader, "has_source_access", True):
            return  # e.g. a ModuleLoader of precompiled templates
        try:
            source, _, _ = self.loader.get_source(self.env, template_name)
        except jinja2.TemplateNotFound:
            return
        for choices in _literal_references(self.env.parse(source)):
            found = None
            for name in choices:
                try:
                    self.env.get_template(name)
                except jinja2.TemplateNotFound:
                    continue
                found = name
                break
            if found is None:
                chain = " -> ".join(map(repr, trail))
                wanted = choices[0] if len(choices) == 1 else " or ".join(map(repr, choices))
                raise jinja2.TemplateNotFound(
                    choices[0],
                    message=(
                        f"Jinja2RenderFactory: template {wanted if len(choices) > 1 else repr(wanted)}"
                        f" (extended, included or imported by {chain}) was not found in"
                        f" {self._describe_search()}."
                    ),
                ) from None
            if found not in trail:
                self._check_references(found, trail + [found])

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._describe_search()})"
