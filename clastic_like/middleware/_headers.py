"""Small header helpers shared by middleware that work at the WSGI level.

Middleware implemented as ``wsgi_wrapper`` (CORS, request ids) edit the
``(name, value)`` list handed to ``start_response`` rather than a Response
object, so they need these list-based equivalents of Werkzeug's helpers.
"""
from __future__ import annotations

import re
from typing import Iterable

__all__ = ["TOKEN_RE", "is_token", "add_vary", "set_header", "get_header"]

# RFC 9110 token: the characters allowed in header names, methods and cookie names.
TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")

HeaderList = list  # list[tuple[str, str]], as passed to start_response


def is_token(value: object) -> bool:
    """Whether ``value`` is a non-empty RFC 9110 token."""
    return isinstance(value, str) and TOKEN_RE.match(value) is not None


def get_header(headers: HeaderList, name: str) -> "str | None":
    """The first value of ``name`` (case-insensitive), or ``None``."""
    lowered = name.lower()
    for key, value in headers:
        if key.lower() == lowered:
            return value
    return None


def set_header(headers: HeaderList, name: str, value: str) -> None:
    """Replace every ``name`` header with one ``name: value``."""
    lowered = name.lower()
    headers[:] = [(k, v) for k, v in headers if k.lower() != lowered]
    headers.append((name, value))


def add_vary(headers: HeaderList, names: Iterable[str]) -> None:
    """Merge ``names`` into the ``Vary`` header(s), keeping what is there.

    Several ``Vary`` headers are folded into one; ``Vary: *`` already says
    "varies on everything" and is left alone.
    """
    existing: list[str] = []
    for key, value in headers:
        if key.lower() == "vary":
            existing.extend(part.strip() for part in value.split(",") if part.strip())
    if "*" in existing:
        return
    seen = {part.lower() for part in existing}
    for name in names:
        if name.lower() not in seen:
            existing.append(name)
            seen.add(name.lower())
    set_header(headers, "Vary", ", ".join(existing))
