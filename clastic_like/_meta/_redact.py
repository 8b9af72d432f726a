"""Showing resource values without showing secrets.

A value stored under a key that *looks* secret is replaced, at any depth of
nested mappings and sequences, before anything is turned into text; only
then is the result ``repr()``-ed and shortened.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["REDACTED", "is_secret_key", "redact", "safe_repr", "redacted_repr"]

REDACTED = "[REDACTED]"
# Substrings, case-insensitive: "api_key", "DB_PASSWORD", "SecretKey", "authToken"...
_SECRET = re.compile(r"secret|password|passwd|token|key|credential", re.IGNORECASE)
_MAX_DEPTH = 8
# Second line of defence, on the repr text: ``api_key='abc'``, ``"token": 1``,
# ``password=hunter2`` in an object's own repr that redact() cannot see into.
_SECRET_ASSIGNMENT = re.compile(
    r"""(?P<name>['"]?\w*(?:secret|password|passwd|token|key|credential)\w*['"]?\s*[=:]\s*)"""
    r"""(?P<value>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^,\s)}\]>]+)""",
    re.IGNORECASE,
)


def is_secret_key(key: Any) -> bool:
    """Whether a mapping key names something that must not be shown."""
    return isinstance(key, (str, bytes)) and bool(_SECRET.search(key if isinstance(key, str) else key.decode("latin-1")))


def redact(value: Any, _depth: int = 0, _seen: frozenset = frozenset()) -> Any:
    """A copy of ``value`` with secret-looking keys' values replaced by :data:`REDACTED`.

    Mappings, lists, tuples and sets are copied (as dict, list, tuple, list);
    other values are returned as they are.  Cycles and very deep nesting are
    cut with a placeholder rather than followed.
    """
    if isinstance(value, (str, bytes, int, float, bool)) or value is None:
        return value
    if id(value) in _seen:
        return "<cycle>"
    if _depth >= _MAX_DEPTH:
        return "<...>"
    seen = _seen | {id(value)}
    if isinstance(value, Mapping):
        return {k: (REDACTED if is_secret_key(k) else redact(v, _depth + 1, seen)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, _depth + 1, seen) for v in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(redact(v, _depth + 1, seen) for v in value)
    if isinstance(value, (set, frozenset)):
        return [redact(v, _depth + 1, seen) for v in value]
    if hasattr(value, "_asdict"):  # namedtuple
        return {k: (REDACTED if is_secret_key(k) else redact(v, _depth + 1, seen))
                for k, v in value._asdict().items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name, None) for f in dataclasses.fields(value) if f.repr}
        return _Shown(type(value).__name__,
                      {k: (REDACTED if is_secret_key(k) else redact(v, _depth + 1, seen)) for k, v in fields.items()})
    return value


class _Shown:
    """Reprs like a dataclass, with already-redacted fields."""

    def __init__(self, name: str, fields: dict[str, Any]) -> None:
        self.name, self.fields = name, fields

    def __repr__(self) -> str:
        return f"{self.name}({', '.join(f'{k}={v!r}' for k, v in self.fields.items())})"


def safe_repr(value: Any, limit: int = 160) -> str:
    """``repr()`` that never raises and is at most ``limit`` characters."""
    try:
        text = repr(value)
    except Exception as exc:  # a broken __repr__ must not break the page
        text = f"<{type(value).__name__} (repr failed: {type(exc).__name__})>"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def redacted_repr(value: Any, limit: int = 160) -> str:
    """``safe_repr(redact(value))`` with secret-looking assignments in the text also hidden."""
    text = safe_repr(redact(value), limit=10 * limit)
    text = _SECRET_ASSIGNMENT.sub(lambda m: m.group("name") + REDACTED
                                  if m.group("value") != repr(REDACTED) else m.group(0), text)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text
