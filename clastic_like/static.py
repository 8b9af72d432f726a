"""Serving files: :class:`StaticApplication` (directories) and :class:`StaticFileRoute` (one file).

Paths are checked segment by segment, joined with Werkzeug's ``safe_join``
and resolved through symlinks; nothing outside the roots is ever served, and
dotfiles only with ``serve_dotfiles=True``.  Responses carry ``ETag``,
``Last-Modified`` and ``Cache-Control``, answer conditional requests with
304 and ``Range`` requests with 206 (or 416).

A file that is not there is a *non-breaking* 404, so routes after the static
application still get their turn (Clastic's SF1); a refused path is a
non-breaking 403.
"""
from __future__ import annotations

import os
import sys
from typing import Any, Iterable, Optional, Sequence, Union

from ._static._files import (
    DEFAULT_BINARY_MIME,
    DEFAULT_TEXT_MIME,
    build_file_response,
    get_file_mtime,
    guess_mimetype,
    is_binary_string,
    peek_file,
)
from ._static._paths import HiddenPath, UnsafePath, find_file
from .application import Application
from .errors import Forbidden, NotFound
from .routing import Route

__all__ = [
    "StaticApplication",
    "StaticFileRoute",
    "build_file_response",
    "find_file",
    "get_file_mtime",
    "guess_mimetype",
    "peek_file",
    "is_binary_string",
    "UnsafePath",
    "DEFAULT_MAX_AGE",
    "DEFAULT_TEXT_MIME",
    "DEFAULT_BINARY_MIME",
    "IS_WINDOWS",
]

DEFAULT_MAX_AGE = 360
IS_WINDOWS = sys.platform.startswith("win")
_METHODS = ("GET", "HEAD")

PathArg = Union[str, "os.PathLike[str]"]


def _not_found(detail: str) -> NotFound:
    return NotFound(detail, is_breaking=False)


def _check_cache_timeout(owner: str, cache_timeout: Any) -> int:
    if isinstance(cache_timeout, bool) or not isinstance(cache_timeout, int) or cache_timeout < 0:
        raise ValueError(f"{owner} cache_timeout must be a number of seconds >= 0, not {cache_timeout!r}.")
    return cache_timeout


class StaticApplication(Application):
    """An application serving the files under one or more directories.

    ``search_paths``: a directory or a list of them, searched in order; the
    first regular file found is served.  ``check_paths`` (default true):
    each must be an existing directory when the application is built.
    ``cache_timeout``: seconds for ``Cache-Control: max-age`` (0 sends
    ``no-cache``).  ``serve_dotfiles``: serve names starting with ``.``.
    ``charset``: added to text types.  Mount it with a prefix:
    ``Application([('/static', StaticApplication('static'))])``.
    """

    def __init__(
        self,
        search_paths: Union[PathArg, Iterable[PathArg]],
        check_paths: bool = True,
        cache_timeout: int = DEFAULT_MAX_AGE,
        default_text_mime: str = DEFAULT_TEXT_MIME,
        default_binary_mime: str = DEFAULT_BINARY_MIME,
        *,
        serve_dotfiles: bool = False,
        charset: Optional[str] = "utf-8",
        **app_kw: Any,
    ) -> None:
        if isinstance(search_paths, (str, os.PathLike)):
            search_paths = [search_paths]
        paths = [os.path.abspath(os.fspath(p)) for p in search_paths]
        if not paths:
            raise ValueError("StaticApplication needs at least one directory in search_paths.")
        if check_paths:
            missing = [p for p in paths if not os.path.isdir(p)]
            if missing:
                raise ValueError(
                    f"StaticApplication search_paths {missing!r} are not directories; create them,"
                    " fix the paths (relative ones are resolved from the current directory,"
                    f" {os.getcwd()!r}), or pass check_paths=False to allow them to appear later."
                )
        self.search_paths = paths
        self.check_paths = check_paths
        self.cache_timeout = _check_cache_timeout("StaticApplication", cache_timeout)
        self.default_text_mime = default_text_mime
        self.default_binary_mime = default_binary_mime
        self.serve_dotfiles = serve_dotfiles
        self.charset = charset
        routes = [Route("/<path*>", self.get_file_response, methods=_METHODS)]
        super().__init__(routes, **app_kw)

    def get_file_response(self, path: Sequence[str], request: Any) -> Any:
        """Serve ``path`` (a list of segments) from the first root that has it."""
        try:
            found = find_file(self.search_paths, path, serve_dotfiles=self.serve_dotfiles)
        except UnsafePath:
            return Forbidden("The requested path is not allowed.", is_breaking=False)
        except HiddenPath:
            found = None
        if found is None:
            return _not_found("No file at the requested path.")
        try:
            return build_file_response(
                found, request, cache_timeout=self.cache_timeout, charset=self.charset,
                default_text_mime=self.default_text_mime, default_binary_mime=self.default_binary_mime,
            )
        except FileNotFoundError:  # removed since it was found
            return _not_found("No file at the requested path.")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.search_paths!r})"


class StaticFileRoute(Route):
    """A route serving one file, e.g. ``StaticFileRoute('/favicon.ico', 'static/favicon.ico')``.

    ``check_file`` (default true): the file must exist when the route is
    created.  ``mimetype`` overrides the type guessed from the extension.
    """

    def __init__(
        self,
        pattern: str,
        file_path: PathArg,
        check_file: bool = True,
        cache_timeout: int = DEFAULT_MAX_AGE,
        mimetype: Optional[str] = None,
        *,
        charset: Optional[str] = "utf-8",
        **route_kw: Any,
    ) -> None:
        self.file_path = os.path.abspath(os.fspath(file_path))
        if check_file and not os.path.isfile(self.file_path):
            raise FileNotFoundError(
                f"StaticFileRoute {pattern!r}: {self.file_path!r} is not an existing file;"
                " fix the path or pass check_file=False if it is created later."
            )
        self.cache_timeout = _check_cache_timeout(f"StaticFileRoute {pattern!r}", cache_timeout)
        self.mimetype = mimetype
        self.charset = charset
        route_kw.setdefault("methods", _METHODS)
        super().__init__(pattern, self.get_file_response, **route_kw)

    def get_file_response(self, request: Any) -> Any:
        if not os.path.isfile(self.file_path):
            return _not_found("No file at the requested path.")
        try:
            return build_file_response(self.file_path, request, cache_timeout=self.cache_timeout,
                                       mimetype=self.mimetype, charset=self.charset)
        except FileNotFoundError:
            return _not_found("No file at the requested path.")
