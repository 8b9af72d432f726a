"""The development server: Werkzeug's ``run_simple``, its reloader and its debugger.

Two entry points share the logic here:

- :meth:`Application.serve` (through :func:`run_app`) serves an application
  object that is already built;
- :func:`run_from_import_string` (what ``python -m clastic_like serve
  MODULE:APP`` runs) imports the application itself, which lets the reloader
  survive broken code: when the module fails to import or the application
  fails to build, the server answers every request with the start-up failure
  page (:mod:`clastic_like.flaw`) and tries again as soon as a watched file
  changes.

How Werkzeug's reloader works matters for the second: the first process
binds the socket and only restarts a child process (with
``WERKZEUG_RUN_MAIN=true``) each time the child exits with code 3, which the
child does when a watched file changes.  So the first process never imports
the application, and the child falls back to the flaw page instead of
exiting, adding the broken file to the watched files (a module that failed to
import is not in ``sys.modules``, where the reloader looks).

This is a development server: never for production (use gunicorn or another
WSGI server with the ``Application`` object).
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import re
import sys
import traceback
import types
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Union

from werkzeug.serving import is_running_from_reloader, run_simple

from ._errors._handlers import REPLErrorHandler, logger
from ._injection._signature import get_callable_name
from .application import Application

__all__ = [
    "AppImportError",
    "ImportTarget",
    "parse_import_string",
    "load_app",
    "run_app",
    "run_from_import_string",
]

_DOTTED = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
_IMPORT_STRING = re.compile(rf"(?P<module>{_DOTTED}):(?P<attr>{_DOTTED})(?P<call>\(\))?\Z")
_EXAMPLE = "e.g. 'myproject.web:app' or 'myproject.web:create_app()'"


class AppImportError(Exception):
    """A ``MODULE:APP`` string that does not lead to an :class:`Application`.

    Raised for mistakes in the string itself or in what it names (no such
    module or attribute, not an Application); exceptions raised by the
    application's own code while importing or building propagate unchanged.
    """


@dataclass(frozen=True)
class ImportTarget:
    """A parsed ``MODULE:APP`` string: a module, an attribute path, and whether to call it."""

    text: str
    module: str
    attrs: tuple[str, ...]
    call: bool

    def __str__(self) -> str:
        return self.text


def parse_import_string(import_string: Union[str, ImportTarget]) -> ImportTarget:
    """Parse ``'package.module:app'`` or ``'package.module:factory()'``.

    The attribute may be dotted (``'pkg.web:site.app'``); ``()`` calls it
    without arguments (only zero-argument factories are supported: there is
    nowhere to take arguments from on a command line).
    """
    if isinstance(import_string, ImportTarget):
        return import_string
    if not isinstance(import_string, str):
        raise AppImportError(f"Expected a MODULE:APP string ({_EXAMPLE}), not {import_string!r}.")
    text = import_string.strip()
    if ":" not in text:
        raise AppImportError(
            f"Cannot load {text!r}: expected MODULE:APP, the module path and the name of the"
            f" Application in it separated by a colon ({_EXAMPLE})."
        )
    match = _IMPORT_STRING.match(text)
    if match is None:
        module, _, attr = text.partition(":")
        if not re.fullmatch(_DOTTED, module):
            problem = f"{module!r} is not a dotted module path"
        elif re.fullmatch(rf"{_DOTTED}\((?!\)).*\)", attr):
            problem = f"{attr!r} passes arguments; only a zero-argument call such as 'create_app()' is supported"
        else:
            problem = f"{attr!r} is not an attribute name, optionally followed by '()'"
        raise AppImportError(f"Cannot load {text!r}: {problem} ({_EXAMPLE}).")
    return ImportTarget(text, match["module"], tuple(match["attr"].split(".")), bool(match["call"]))


def _not_found(target: ImportTarget, missing: str) -> AppImportError:
    return AppImportError(
        f"Cannot load {target.text!r}: no module named {missing!r}. Run the command from the"
        f" directory that contains the package (the current directory is {os.getcwd()!r}),"
        " or install the package."
    )


def _import_module(target: ImportTarget) -> Any:
    try:
        return importlib.import_module(target.module)
    except ModuleNotFoundError as exc:
        # Only the target module (or one of its parent packages) missing is a
        # mistake in the string; a missing import *inside* the module is the
        # application's own error and propagates.
        if exc.name and (target.module == exc.name or target.module.startswith(exc.name + ".")):
            raise _not_found(target, exc.name) from None
        raise


def _applications_in(module: Any) -> list[str]:
    return sorted(name for name, value in vars(module).items() if isinstance(value, Application))


def load_app(import_string: Union[str, ImportTarget]) -> Application:
    """Import the application named by ``MODULE:APP`` (or build it with ``MODULE:factory()``).

    Raises :class:`AppImportError` when the string is malformed or names
    something that is not there or not an Application; an exception raised
    by the module or the factory (a construction error, a syntax error...)
    propagates as is.
    """
    target = parse_import_string(import_string)
    module = _import_module(target)
    obj: Any = module
    for depth, name in enumerate(target.attrs):
        try:
            obj = getattr(obj, name)
        except AttributeError:
            owner = ".".join((target.module, *target.attrs[:depth]))
            where = getattr(module, "__file__", None) if depth == 0 else None
            found = _applications_in(module)
            hint = f" Applications defined there: {found!r}." if found else " It defines no Application."
            raise AppImportError(
                f"Cannot load {target.text!r}: {owner!r}{f' ({where})' if where else ''} has no"
                f" attribute {name!r}.{hint}"
            ) from None
    if target.call:
        if not callable(obj):
            raise AppImportError(f"Cannot load {target.text!r}: {obj!r} is not callable, so it cannot be called with '()'.")
        try:
            required = [p.name for p in inspect.signature(obj).parameters.values()
                        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        except (TypeError, ValueError):
            required = []
        if required:
            raise AppImportError(
                f"Cannot load {target.text!r}: the factory needs arguments {required!r}; only"
                " factories callable without arguments can be named on the command line."
            )
        obj = obj()
    if not isinstance(obj, Application):
        hint = ""
        if callable(obj) and not target.call and not isinstance(obj, type):
            hint = f" If it builds the application, call it: '{target.text}()'."
        elif isinstance(obj, types.ModuleType):
            hint = (f" A submodule named {target.attrs[-1]!r} hides any attribute of that name in the"
                    " package: rename the submodule or name the attribute inside it.")
        raise AppImportError(
            f"Cannot load {target.text!r}: it is {_describe(obj)}, not a clastic_like Application.{hint}"
        )
    return obj


def _describe(obj: Any) -> str:
    if inspect.isfunction(obj) or inspect.isclass(obj) or inspect.ismethod(obj):
        kind = "the class" if inspect.isclass(obj) else "the function"
        return f"{kind} {get_callable_name(obj)}"
    text = repr(obj)
    return f"{type(obj).__name__} {text if len(text) <= 80 else text[:77] + '...'}"


def _check_findable(target: ImportTarget) -> None:
    """Refuse, before starting the reloader, a module that cannot be found at all.

    Finding the spec imports the parent packages; if one of them is broken,
    the child process reports it on the start-up failure page instead.
    """
    try:
        spec = importlib.util.find_spec(target.module)
    except ModuleNotFoundError as exc:
        raise _not_found(target, exc.name or target.module) from None
    except Exception:
        return
    if spec is None:
        raise _not_found(target, target.module)


def _check_port(port: Any) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"port must be an integer between 0 and 65535, not {port!r}.")
    return port


def _use_debugger(app: Application, use_debugger: Optional[bool]) -> bool:
    """Decide on Werkzeug's debugger and make the application hand it exceptions.

    ``None`` follows ``app.debug``.  The debugger only sees exceptions that
    reach it, so the error handler is told to re-raise them (fixing Clastic's
    SV2, where the debug handler ignored that).  An application whose handler
    already wraps itself in the debugger (:class:`REPLErrorHandler`) is not
    wrapped twice.
    """
    debugger = app.debug if use_debugger is None else bool(use_debugger)
    if not debugger:
        return False
    app.error_handler.reraise_uncaught = True
    return not isinstance(app.error_handler, REPLErrorHandler)


def run_app(app: Application, address: str = "127.0.0.1", port: int = 5000, use_reloader: bool = True,
            use_debugger: Optional[bool] = None, threaded: bool = True, **run_simple_kw: Any) -> None:
    """Serve ``app`` with Werkzeug's development server until interrupted.

    Extra keyword arguments go to ``werkzeug.serving.run_simple``
    (``extra_files``, ``reloader_interval``, ``ssl_context``...).
    """
    if not isinstance(app, Application):
        raise TypeError(f"run_app() expects a clastic_like Application, not {app!r}.")
    _check_port(port)
    debugger = _use_debugger(app, use_debugger)
    run_simple(address, port, app, use_reloader=use_reloader, use_debugger=debugger,
               threaded=threaded, **run_simple_kw)


def _reloader_parent_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    # The reloader's first process holds the socket but never serves: its
    # children do.  Answer sensibly anyway rather than crash.
    start_response("503 Service Unavailable", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"The development server is restarting.\n"]


def _files_of(exc: BaseException) -> list[str]:
    """Existing files named by an exception's frames (and its causes), plus a SyntaxError's file."""
    files: list[str] = []
    seen: set[int] = set()
    todo: list[Optional[BaseException]] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        for frame, _ in traceback.walk_tb(current.__traceback__):
            files.append(frame.f_code.co_filename)
        if isinstance(current, SyntaxError) and current.filename:
            files.append(current.filename)
        todo += [current.__cause__, current.__context__]
    return sorted({os.path.abspath(f) for f in files if not f.startswith("<") and os.path.isfile(f)})


def _module_files() -> list[str]:
    files = set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and os.path.isfile(path):
            files.add(os.path.abspath(path))
    return sorted(files)


def _is_loader_frame(filename: str) -> bool:
    return (filename.startswith("<frozen importlib")
            or os.path.abspath(filename) == os.path.abspath(__file__)
            or os.path.abspath(filename).startswith(os.path.dirname(os.path.abspath(importlib.__file__)) + os.sep))


def _startup_traceback(exc: BaseException) -> str:
    """The traceback text without the frames of the loading machinery (this module, importlib).

    They come first and say nothing about the application; what remains
    starts in the application's module.  The header is kept even when no
    frame remains (a SyntaxError), so the text stays in the standard layout.
    """
    te = traceback.TracebackException.from_exception(exc)
    stack = list(te.stack)
    # Drop everything up to the end of the first run of loader frames (what
    # called the loader, and the loader itself); later importlib frames are
    # the application's own imports and stay.
    first = next((i for i, f in enumerate(stack) if _is_loader_frame(f.filename)), None)
    if first is not None:
        end = first
        while end < len(stack) and _is_loader_frame(stack[end].filename):
            end += 1
        stack = stack[end:]
    te.stack = traceback.StackSummary.from_list(stack)
    text = "".join(te.format())
    header = "Traceback (most recent call last):\n"
    return text if text.startswith(header) or "\nTraceback (most recent call last):\n" in text else header + text


def _flaw_app(exc: BaseException, target: ImportTarget) -> tuple[Application, list[str]]:
    """The start-up failure application for ``exc``, and the files to watch for a fix."""
    from . import flaw
    from .flaw import filter_user_files

    tb_text = _startup_traceback(exc)
    broken = filter_user_files(_files_of(exc))
    module_file = getattr(sys.modules.get(target.module), "__file__", None)
    if isinstance(module_file, str) and os.path.isfile(module_file):
        broken = sorted({*broken, os.path.abspath(module_file)})
    return flaw.create_app(tb_text, sorted({*_module_files(), *broken})), broken


def run_from_import_string(import_string: str, address: str = "127.0.0.1", port: int = 5000,
                           use_reloader: bool = True, use_debugger: Optional[bool] = None,
                           threaded: bool = True, **run_simple_kw: Any) -> None:
    """Import ``MODULE:APP`` and serve it with the development server.

    Without the reloader, a failure to load raises (:class:`AppImportError`
    for a bad string, else the application's own exception).  With it, a
    malformed string or a module that cannot be found raises at once, and
    anything else that goes wrong while loading is shown on the start-up
    failure page until a watched file changes.
    """
    target = parse_import_string(import_string)
    _check_port(port)
    if use_reloader and not is_running_from_reloader():
        _check_findable(target)
        run_simple(address, port, _reloader_parent_app, use_reloader=True, threaded=threaded, **run_simple_kw)
        return
    try:
        app = load_app(target)
    except Exception as exc:
        if not use_reloader:
            raise
        flaw_app, broken = _flaw_app(exc, target)
        logger.error(
            "Could not load %s (%s: %s); serving the start-up failure page at every URL until a"
            " watched file changes.", target.text, type(exc).__name__, exc,
            exc_info=(type(exc), exc, exc.__traceback__),
        )
        extra_files = [*(run_simple_kw.pop("extra_files", None) or ()), *broken]
        run_simple(address, port, flaw_app, use_reloader=True, threaded=threaded,
                   extra_files=extra_files, **run_simple_kw)
        return
    run_app(app, address, port, use_reloader=use_reloader, use_debugger=use_debugger, threaded=threaded,
            **run_simple_kw)
