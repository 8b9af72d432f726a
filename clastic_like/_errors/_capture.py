"""Turning an exception and a request into plain data for the debug pages.

Everything is captured when the error happens and kept as dicts, lists and
strings: the debug page can then be rendered in any format later, and the
exception's frames (which hold every local variable alive) are not kept by
the response.

Frames of clastic_like itself (files inside the package, and the chain code it
generates, whose file name starts with ``<clastic_like chain``) are marked
*hidden*: a developer debugging their endpoint rarely needs them, and the page
collapses them.  The frame that raised is never hidden, so an error raised by
the framework (say, an endpoint returning a value with no render) still shows
where it came from.
"""
from __future__ import annotations

import datetime
import linecache
import os
import sys
import traceback
from typing import Any, Iterable, Optional

from ._text import middle_truncate, safe_repr

__all__ = [
    "capture_exception",
    "group_frames",
    "describe_request",
    "server_info",
    "is_internal_file",
    "exception_type_name",
    "PACKAGE_DIR",
    "CHAIN_FILENAME_PREFIX",
]

# The clastic_like package directory (this file is clastic_like/_errors/_capture.py).
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The pseudo file name of the code generated for middleware chains.
CHAIN_FILENAME_PREFIX = "<clastic_like chain"

_CONTEXT_LINES = 5
_MAX_LOCALS = 60
_LOCAL_LIMIT = 256
_VALUE_LIMIT = 1024


def is_internal_file(filename: str) -> bool:
    """Whether ``filename`` is clastic_like's own code (a file of the package or generated)."""
    if filename.startswith(CHAIN_FILENAME_PREFIX):
        return True
    if filename.startswith("<"):
        return False
    return os.path.abspath(filename).startswith(PACKAGE_DIR + os.sep)


def exception_type_name(exc: BaseException) -> str:
    """``module.QualName`` for an exception's type; builtins without the module."""
    exc_type = type(exc)
    module = exc_type.__module__
    if module in ("builtins", "__main__"):
        return exc_type.__qualname__
    return f"{module}.{exc_type.__qualname__}"


def _exception_message(exc: BaseException) -> str:
    try:
        return middle_truncate(str(exc), _VALUE_LIMIT)
    except Exception:  # a broken __str__ must not break the error page
        return f"<{type(exc).__name__}; str() failed>"


def _source_context(filename: str, lineno: int, module_globals: Any) -> tuple[str, list[dict[str, Any]]]:
    lines = linecache.getlines(filename, module_globals)
    if not lines or not 1 <= lineno <= len(lines):
        return "", []
    first = max(lineno - _CONTEXT_LINES, 1)
    last = min(lineno + _CONTEXT_LINES, len(lines))
    context = [
        {"lineno": n, "text": lines[n - 1].rstrip("\n"), "current": n == lineno}
        for n in range(first, last + 1)
    ]
    return lines[lineno - 1].strip(), context


def _frame_locals(frame: Any) -> dict[str, str]:
    try:
        items = list(dict(frame.f_locals).items())
    except Exception:  # exotic frames (C extensions, proxies): show nothing rather than fail
        return {}
    out = {name: safe_repr(value, _LOCAL_LIMIT) for name, value in items[:_MAX_LOCALS]}
    if len(items) > _MAX_LOCALS:
        out["..."] = f"{len(items) - _MAX_LOCALS} more local variables not shown"
    return out


def _filtered_traceback_text(exc: BaseException, hide_internal: bool) -> str:
    """The usual traceback text (chained exceptions included), without hidden frames."""
    te = traceback.TracebackException.from_exception(exc)
    if hide_internal:
        seen: set[int] = set()
        todo = [te]
        while todo:
            current = todo.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            stack = list(current.stack)
            kept = [f for i, f in enumerate(stack) if i == len(stack) - 1 or not is_internal_file(f.filename)]
            current.stack = traceback.StackSummary.from_list(kept)
            todo.extend(t for t in (current.__cause__, current.__context__) if t is not None)
    return "".join(te.format())


def capture_exception(exc: BaseException, hide_internal: bool = True) -> dict[str, Any]:
    """The exception, its frames (with source and locals) and its traceback text.

    Hidden frames keep their location but not their locals: they are the
    framework's, and their scopes (the whole per-request dict) are noise.
    """
    frames: list[dict[str, Any]] = []
    walked = list(traceback.walk_tb(exc.__traceback__))
    for index, (frame, lineno) in enumerate(walked):
        filename = frame.f_code.co_filename
        internal = is_internal_file(filename)
        hidden = hide_internal and internal and index != len(walked) - 1
        line, context = _source_context(filename, lineno, frame.f_globals)
        frames.append({
            "filename": filename,
            "lineno": lineno,
            "function": frame.f_code.co_name,
            "module": frame.f_globals.get("__name__", ""),
            "line": line,
            "context": context,
            "locals": {} if hidden else _frame_locals(frame),
            "internal": internal,
            "hidden": hidden,
        })
    return {
        "exc_type": exception_type_name(exc),
        "exc_msg": _exception_message(exc),
        "frames": frames,
        "hidden_frame_count": sum(1 for f in frames if f["hidden"]),
        "traceback": _filtered_traceback_text(exc, hide_internal),
    }


def group_frames(frames: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Consecutive frames grouped by ``hidden``, so a page can fold each hidden run."""
    groups: list[dict[str, Any]] = []
    for frame in frames:
        if groups and groups[-1]["hidden"] == frame["hidden"]:
            groups[-1]["frames"].append(frame)
        else:
            groups.append({"hidden": frame["hidden"], "frames": [frame]})
    return groups


def _pairs(multidict: Any) -> list[list[str]]:
    try:
        items = multidict.items(multi=True)
    except TypeError:
        items = multidict.items()
    return [[middle_truncate(str(k), 256), middle_truncate(str(v), _VALUE_LIMIT)] for k, v in items]


def describe_request(request: Optional[Any]) -> Optional[dict[str, Any]]:
    """Method, URL, headers, cookies, query arguments and form of ``request``.

    Reading the form may fail (a body over the size limit, a client that went
    away); the page then says so instead of failing itself.
    """
    if request is None:
        return None
    info: dict[str, Any] = {
        "method": str(getattr(request, "method", "")),
        "url": middle_truncate(str(getattr(request, "url", "")), _VALUE_LIMIT),
        "path": middle_truncate(str(getattr(request, "path", "")), _VALUE_LIMIT),
    }
    for key, attr in (("headers", "headers"), ("cookies", "cookies"), ("args", "args"), ("form", "form")):
        try:
            info[key] = _pairs(getattr(request, attr))
        except Exception as exc:
            info[key] = [["(unavailable)", f"reading {attr} failed: {type(exc).__name__}"]]
    try:
        info["files"] = [[str(k), getattr(v, "filename", "") or ""] for k, v in request.files.items(multi=True)]
    except Exception:
        info["files"] = []
    return info


def server_info() -> dict[str, Any]:
    """Which Python runs the application (useful when several are installed)."""
    return {
        "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "python_version": sys.version.split()[0],
        "python_executable": sys.executable,
        "pid": os.getpid(),
    }
