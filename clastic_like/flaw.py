"""The start-up failure page ("flaw"): what the development server shows when the app cannot load.

When the application module fails to import, or the ``Application`` fails to
build, under the reloader, the development server does not exit: it serves
this page at every URL (status 500) until one of the watched files changes,
then tries again (Clastic's FL1).  The page shows the parsed exception (type,
message, the user's file and line), the full traceback and the files being
watched.

The traceback arrives as text, because that is what a failed start-up leaves
(a child process's output, a log); :class:`ParsedTraceback` reads the usual
``Traceback (most recent call last):`` layout and the ``SyntaxError`` layout.
"""
from __future__ import annotations

import os
import re
import sysconfig
from typing import Any, Iterable, Optional

from ._errors._pages import Pages
from ._wrappers import Response
from .application import Application
from .routing import Route

__all__ = ["create_app", "ParsedTraceback", "filter_user_files", "is_user_file"]

_TB_HEADER = "Traceback (most recent call last):"
_FRAME = re.compile(r'^\s+File "(?P<path>.+)", line (?P<lineno>\d+)(?:, in (?P<func>.+?))?\s*$')
_CARETS = re.compile(r"^\s*[\^~\s]+$")
_EXC_LINE = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?::(?: (?P<msg>.*)|$)|$)")

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _library_dirs() -> tuple[str, ...]:
    """Directories of code the user does not edit: stdlib, installed packages, werkzeug, clastic_like."""
    paths = sysconfig.get_paths()
    dirs = {paths.get(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    import werkzeug  # where Werkzeug lives even when it is not under site-packages

    dirs.add(os.path.dirname(os.path.abspath(werkzeug.__file__)))
    dirs.add(_PACKAGE_DIR)
    return tuple(sorted(os.path.abspath(d) + os.sep for d in dirs if d))


def is_user_file(path: str, library_dirs: Optional[tuple[str, ...]] = None) -> bool:
    """Whether ``path`` is the application's own code (not stdlib, installed packages or clastic_like).

    Pseudo files such as ``<frozen importlib._bootstrap>`` or ``<string>`` are not.
    """
    if not path or path.startswith("<"):
        return False
    return not os.path.abspath(path).startswith(library_dirs or _library_dirs())


def filter_user_files(paths: Iterable[str]) -> list[str]:
    """The paths that are the application's own files, sorted."""
    library_dirs = _library_dirs()
    return sorted({p for p in paths if is_user_file(p, library_dirs)})


class ParsedTraceback:
    """The exception type, message and frames read back from a traceback's text.

    An empty instance (false) means the text was not in a known layout.
    Only the last traceback of a chain ("During handling of the above
    exception...") is read: it ends with the exception that stopped start-up.
    """

    def __init__(self, exc_type_name: str = "", exc_msg: str = "",
                 frames: Optional[list[dict[str, Any]]] = None) -> None:
        self.exc_type_name = exc_type_name
        self.exc_msg = exc_msg
        self.frames = list(frames or [])

    @classmethod
    def from_string(cls, tb_str: str) -> "ParsedTraceback":
        lines = tb_str.splitlines()
        starts = [i for i, line in enumerate(lines) if line.strip() == _TB_HEADER]
        if not starts:
            return cls()
        frames: list[dict[str, Any]] = []
        rest = lines[starts[-1] + 1:]
        for index, line in enumerate(rest):
            match = _FRAME.match(line)
            if match:
                frames.append({"path": match["path"], "lineno": int(match["lineno"]),
                               "function": match["func"] or "", "source": ""})
                continue
            if line.startswith((" ", "\t")):
                if frames and not frames[-1]["source"] and not _CARETS.match(line):
                    frames[-1]["source"] = line.strip()
                continue
            exc = _EXC_LINE.match(line)
            if exc is None or not frames:
                return cls()
            message = "\n".join([exc["msg"] or "", *rest[index + 1:]]).strip()
            return cls(exc["type"], message, frames)
        return cls()

    @property
    def source_frame(self) -> Optional[dict[str, Any]]:
        """The last frame in the user's own code (else the last frame)."""
        library_dirs = _library_dirs()
        for frame in reversed(self.frames):
            if is_user_file(frame["path"], library_dirs):
                return frame
        return self.frames[-1] if self.frames else None

    @property
    def source_file(self) -> str:
        frame = self.source_frame
        return frame["path"] if frame else ""

    @property
    def source_lineno(self) -> Optional[int]:
        frame = self.source_frame
        return frame["lineno"] if frame else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "exc_type": self.exc_type_name,
            "exc_msg": self.exc_msg,
            "source_file": self.source_file,
            "source_lineno": self.source_lineno,
            "frames": self.frames,
        }

    def __bool__(self) -> bool:
        return bool(self.exc_type_name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.exc_type_name!r}, {self.exc_msg!r}, frames={len(self.frames)})"


class _FlawPage:
    """The one endpoint of the flaw application: the same page at every URL and method."""

    def __init__(self, traceback_string: str, monitored_files: list[str]) -> None:
        self.parsed = ParsedTraceback.from_string(traceback_string)
        stripped = traceback_string.strip()
        self.info: dict[str, Any] = {
            "parsed": self.parsed.to_dict(),
            "parsed_ok": bool(self.parsed),
            "last_line": stripped.splitlines()[-1] if stripped else "",
            "traceback": traceback_string,
            "user_files": filter_user_files(monitored_files),
            "all_files": monitored_files,
        }
        self.pages = Pages()

    def __call__(self, request: Any) -> Response:
        best = request.accept_mimetypes.best_match(["text/html", "application/json", "text/plain"])
        if best == "text/html":
            body, mimetype = self.pages.render("flaw/flaw.html", **self.info), "text/html"
        elif best == "application/json":
            import json

            body, mimetype = json.dumps(self.info, indent=2, ensure_ascii=False), "application/json"
        else:
            body, mimetype = self._text(), "text/plain"
        # no-store: once the code is fixed, a reload must reach the application.
        return Response(body, status=500, mimetype=mimetype, headers={"Cache-Control": "no-store"})

    def _text(self) -> str:
        info, parsed = self.info, self.parsed
        lines = ["500 - The application failed to start", ""]
        if parsed:
            lines.append(f"{parsed.exc_type_name}: {parsed.exc_msg}")
            if parsed.source_file:
                lines.append(f"  in {parsed.source_file}, line {parsed.source_lineno}")
        else:
            lines.append(info["last_line"])
        lines += ["", info["traceback"].rstrip("\n"), "", "Watched files (fix one and the server restarts):"]
        lines += [f"  {path}" for path in info["user_files"]] or ["  (none of the application's own files)"]
        return "\n".join(lines) + "\n"


def create_app(traceback_string: str, monitored_files: Optional[Iterable[str]] = None) -> Application:
    """An application answering every request with the start-up failure page (status 500).

    ``monitored_files`` are the files the reloader watches; the page lists
    the application's own ones first (the full list is folded away).
    """
    if not isinstance(traceback_string, str):
        raise TypeError(f"create_app() expects the traceback as a string, not {traceback_string!r}.")
    files = sorted({str(path) for path in monitored_files or ()})
    page = _FlawPage(traceback_string, files)
    return Application([Route("/<_ignored*>", page)])
