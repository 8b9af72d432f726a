"""Turning a requested path into a file under a root, or refusing it.

Two layers: every segment is checked on its own (so nothing that means
"parent", "root", "drive" or "device" on *any* platform gets through, even
double percent-encoded), then Werkzeug's ``safe_join`` joins it to the root,
and finally the real path (symlinks resolved) must still be inside the real
root.
"""
from __future__ import annotations

import os
import re
import stat
from typing import Iterable, Optional, Sequence
from urllib.parse import unquote

from werkzeug.security import safe_join

__all__ = ["UnsafePath", "HiddenPath", "check_segments", "resolve_under_root", "find_file"]

# Names Windows maps to devices whatever the directory or extension
# ("NUL.txt", "com1.log"); refused everywhere so a project behaves the same on
# every platform.
_DEVICE = re.compile(r"^(?:CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9\u00b9\u00b2\u00b3]|LPT[0-9\u00b9\u00b2\u00b3])$",
                     re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class UnsafePath(ValueError):
    """The requested path tries to leave the root or name something special (a 403)."""


class HiddenPath(LookupError):
    """The requested path names a dotfile and dotfiles are not served (a 404)."""


def _check_unsafe(segment: str) -> None:
    if _CONTROL.search(segment):
        raise UnsafePath("control character in path")
    if "/" in segment or "\\" in segment:
        raise UnsafePath("slash or backslash inside a path segment")
    if ":" in segment:
        # Drive letters ("C:"), alternate data streams ("a::$DATA"), schemes.
        raise UnsafePath("colon in path segment")
    if segment.strip(".") == "":
        raise UnsafePath("'.' or '..' segment")
    if segment[-1] in ". ":
        # Windows drops trailing dots and spaces, so "a.txt." aliases "a.txt".
        raise UnsafePath("segment ends with a dot or a space")
    if _DEVICE.match(segment.split(".", 1)[0].rstrip(" ")):
        raise UnsafePath("Windows device name")


def _decodings(segment: str) -> list[str]:
    """The segment and what it becomes percent-decoded once, twice, three times."""
    forms = [segment]
    for _ in range(3):  # "%252e%252e" -> "%2e%2e" -> ".."
        again = unquote(forms[-1])
        if again == forms[-1] or not again:
            break
        forms.append(again)
    return forms


def check_segments(segments: Iterable[str], serve_dotfiles: bool = False) -> list[str]:
    """The non-empty segments of a request path, each checked (see module docstring).

    Raises :class:`UnsafePath` or :class:`HiddenPath`.  A segment is also
    checked percent-decoded, in case a proxy or server decodes once more;
    every form is checked for danger before any is checked for a leading
    dot, so "hidden" never masks "unsafe".
    """
    out = []
    for segment in segments:
        if not isinstance(segment, str):
            raise UnsafePath("path segment is not text")
        if segment == "":
            continue  # "a//b" is "a/b", as a file system reads it
        forms = _decodings(segment)
        for form in forms:
            _check_unsafe(form)
        if not serve_dotfiles and any(form.startswith(".") for form in forms):
            raise HiddenPath(segment)
        out.append(segment)
    return out


def _is_within(root: str, path: str) -> bool:
    try:
        return os.path.commonpath([root, path]) == root
    except ValueError:  # different drives on Windows
        return False


def resolve_under_root(root: str, segments: Sequence[str]) -> Optional[str]:
    """The real path of the regular file ``root/segments...``, or ``None``.

    ``None`` when there is no such regular file (missing, a directory, a
    device...).  :class:`UnsafePath` when Werkzeug's ``safe_join`` refuses the
    path or a symlink leads outside the root.
    """
    joined = safe_join(root, *segments)
    if joined is None:
        raise UnsafePath("rejected by werkzeug.security.safe_join")
    real_root = os.path.realpath(root)
    real = os.path.realpath(joined)
    # Checked before looking at the target, so answers never reveal whether
    # something exists outside the root.
    if not _is_within(real_root, real):
        raise UnsafePath("symlink pointing outside the root")
    try:
        st = os.stat(real)
    except (OSError, ValueError):  # missing, name too long, ...
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return real


def find_file(search_paths: Sequence[str], segments: Sequence[str], serve_dotfiles: bool = False) -> Optional[str]:
    """The first regular file named by ``segments`` under one of ``search_paths``."""
    checked = check_segments(segments, serve_dotfiles)
    if not checked:
        return None
    for root in search_paths:
        found = resolve_under_root(root, checked)
        if found is not None:
            return found
    return None
