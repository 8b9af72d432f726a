"""The command line: ``python -m clastic_like`` (or ``clastic-like``) ``serve|routes|check MODULE:APP``.

- ``serve`` runs the development server (:mod:`clastic_like.server`), with
  the reloader, the start-up failure page and, with ``--debug``, Werkzeug's
  interactive debugger;
- ``routes`` prints every route: pattern, methods, endpoint, render, and
  where each argument of each function in its chain comes from;
- ``check`` builds the application and says whether it is sound, which is
  what a CI job or a pre-commit hook wants (clastic_like finds missing and
  conflicting arguments at construction).

``MODULE:APP`` names an :class:`~clastic_like.Application` in an importable
module, or a zero-argument factory with ``MODULE:create_app()``.  The current
directory is importable, as with ``python -m``.

Exit status: 0 on success, 1 when the application's own code fails (an
exception while importing or building it), 2 for a command-line mistake (bad
options, or a ``MODULE:APP`` that names nothing usable).  Errors are one line
on standard error, without a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
import traceback
from typing import Any, Callable, Optional, Sequence, TextIO

from ._injection._signature import get_callable_name
from .server import AppImportError, load_app, parse_import_string, run_from_import_string

__all__ = ["main", "build_parser", "format_routes", "describe_failure"]

EXIT_OK = 0
EXIT_APP_ERROR = 1
EXIT_USAGE = 2

_PROG = "clastic-like"


def _port(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number between 0 and 65535, not {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number between 0 and 65535, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed so the documentation and tests can read its help)."""
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description="Serve, inspect and check clastic_like applications.",
        epilog="MODULE:APP is e.g. 'myproject.web:app' or 'myproject.web:create_app()'.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser(
        "serve", help="run the development server (not for production)",
        description="Run Werkzeug's development server on MODULE:APP, with the reloader (if the"
                    " application fails to load, an error page is served until a watched file"
                    " changes) and, with --debug, Werkzeug's interactive debugger.",
    )
    serve.add_argument("app", metavar="MODULE:APP", help="the application, e.g. 'pkg.web:app' or 'pkg.web:create_app()'")
    serve.add_argument("--host", "--address", dest="host", default="127.0.0.1",
                       help="interface to listen on (default: %(default)s, this machine only)")
    serve.add_argument("--port", type=_port, default=5000, help="port to listen on (default: %(default)s)")
    serve.add_argument("--no-reload", "--no-reloader", dest="reload", action="store_false",
                       help="do not restart when files change (and exit if the application fails to load)")
    debugger = serve.add_mutually_exclusive_group()
    debugger.add_argument("--debug", dest="debugger", action="store_true", default=None,
                          help="use Werkzeug's interactive debugger for uncaught exceptions"
                               " (default: when the application has debug=True)")
    debugger.add_argument("--no-debugger", dest="debugger", action="store_false",
                          help="never use Werkzeug's debugger, even with debug=True")
    serve.set_defaults(handler=_cmd_serve)

    routes = commands.add_parser(
        "routes", help="list the routes and where each argument comes from",
        description="Print each route of MODULE:APP in matching order: pattern, methods, endpoint,"
                    " render, and for each function of its chain the source of each argument.",
    )
    routes.add_argument("app", metavar="MODULE:APP")
    routes.set_defaults(handler=_cmd_routes)

    check = commands.add_parser(
        "check", help="build the application and report construction errors",
        description="Import and build MODULE:APP. Exit 0 with a one-line summary when it builds;"
                    " otherwise print the error and exit 1.",
    )
    check.add_argument("app", metavar="MODULE:APP")
    check.set_defaults(handler=_cmd_check)
    return parser


# -- errors -------------------------------------------------------------------------------------

def _where(exc: BaseException) -> str:
    """``path:line`` of the user's code that raised (for a SyntaxError: the bad line)."""
    from .flaw import is_user_file

    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{_display_path(exc.filename)}:{exc.lineno}"
    last = ""
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if is_user_file(frame.f_code.co_filename):
            last = f"{_display_path(frame.f_code.co_filename)}:{lineno}"
    return last


def _display_path(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith("..") else rel


def describe_failure(exc: BaseException) -> str:
    """One line for an exception raised by the application's code: type, message, location."""
    message = exc.msg if isinstance(exc, SyntaxError) and exc.msg else str(exc)
    message = " ".join(message.split())  # a single line, whatever the message's layout
    where = _where(exc)
    return f"{type(exc).__name__}: {message}" + (f" (at {where})" if where else "")


def _error(stream: TextIO, text: str) -> None:
    print(f"{_PROG}: error: {text}", file=stream)


def _load(args: argparse.Namespace, err: TextIO, what: str) -> Any:
    """The application, or an exit status after printing why it could not be loaded."""
    try:
        return load_app(args.app)
    except AppImportError as exc:
        _error(err, str(exc))
        return EXIT_USAGE
    except Exception as exc:
        _error(err, f"{what} {args.app!r} failed: {describe_failure(exc)}")
        return EXIT_APP_ERROR


# -- commands -----------------------------------------------------------------------------------

def _cmd_serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        run_from_import_string(args.app, address=args.host, port=args.port, use_reloader=args.reload,
                               use_debugger=args.debugger)
    except AppImportError as exc:
        _error(err, str(exc))
        return EXIT_USAGE
    except OSError as exc:  # typically: the address is already in use
        _error(err, f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}")
        return EXIT_APP_ERROR
    except KeyboardInterrupt:
        return EXIT_OK
    except Exception as exc:
        _error(err, f"loading {args.app!r} failed: {describe_failure(exc)}")
        return EXIT_APP_ERROR
    return EXIT_OK


def _cmd_routes(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    app = _load(args, err, "loading")
    if isinstance(app, int):
        return app
    out.write(format_routes(app, str(parse_import_string(args.app))))
    return EXIT_OK


def _cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    app = _load(args, err, "building")
    if isinstance(app, int):
        return app
    routes = list(app.iter_routes())
    print(
        f"OK: {args.app} builds: {len(routes)} route{'s' if len(routes) != 1 else ''},"
        f" {len(app.middlewares)} application middleware{'s' if len(app.middlewares) != 1 else ''},"
        f" resources {sorted(app.resources)!r}, error handler {type(app.error_handler).__name__},"
        f" debug {'on' if app.debug else 'off'}.",
        file=out,
    )
    return EXIT_OK


# -- the routes table ---------------------------------------------------------------------------

def _name(obj: Any) -> str:
    return get_callable_name(obj) if obj is not None else "-"


def _render_text(route: Any) -> str:
    render_arg = getattr(route, "render_arg", None)
    if route.render is None:
        return "none (the endpoint returns a Response)"
    text = _name(route.render)
    if render_arg is not None and not callable(render_arg):
        text += f" (made by the render factory from {render_arg!r})"
    return text


def _argument_lines(route: Any) -> list[str]:
    lines = []
    for role, info, sources in route.chain.arg_sources:
        is_hook = role.startswith("middleware")
        title = role if is_hook else f"{role} {info.name}"
        args = [a for a in info.args if not (is_hook and a == "next")]
        lines.append(f"    {title}")
        if not args:
            lines.append("      (no arguments)")
        width = max((len(a) for a in args), default=0)
        for arg in args:
            source = sources.get(arg) or ("default value" if arg not in info.required else "unresolved")
            lines.append(f"      {arg:<{width}}  <- {source}")
        if info.var_kw:
            lines.append("      **kwargs")
    return lines


def format_routes(app: Any, label: str = "") -> str:
    """The ``routes`` command's output for ``app``."""
    routes = list(app.iter_routes())
    header = f"{label}: " if label else ""
    lines = [f"{header}{len(routes)} route{'s' if len(routes) != 1 else ''}, tried in this order"
             f" (slash mode {app.slash_mode!r})"]
    if not routes:
        lines.append("  (no routes: every request gets 404)")
    for route in routes:
        methods = ", ".join(sorted(route.methods)) if route.methods else "any"
        lines += [
            "",
            route.pattern,
            f"  methods       {methods}",
            f"  endpoint      {_name(route.endpoint)}",
            f"  render        {_render_text(route)}",
            f"  render_error  {_name(route.render_error)}",
        ]
        if route.middlewares:
            lines.append(f"  middlewares   {', '.join(type(mw).__name__ for mw in route.middlewares)}")
        lines.append("  arguments")
        lines += _argument_lines(route)
    return "\n".join(lines) + "\n"


# -- entry point --------------------------------------------------------------------------------

def _ensure_cwd_importable() -> None:
    # ``python -m`` puts the current directory on sys.path, an installed
    # console script does not; both should find 'pkg.web' in the project.
    cwd = os.getcwd()
    if "" not in sys.path and cwd not in (os.path.abspath(p) for p in sys.path if p):
        sys.path.insert(0, cwd)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2, already printed)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    handler: Optional[Callable[..., int]] = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    _ensure_cwd_importable()
    return handler(args, sys.stdout, sys.stderr)
