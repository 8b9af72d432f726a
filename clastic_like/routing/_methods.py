"""HTTP method names accepted by routes."""
from __future__ import annotations

from typing import Iterable, Optional

__all__ = ["HTTP_METHODS", "InvalidMethod", "normalize_methods"]

HTTP_METHODS = frozenset(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH"])


class InvalidMethod(ValueError):
    """A route was given a method name that is not an HTTP method."""


def normalize_methods(methods: Optional[Iterable[str]]) -> Optional[frozenset[str]]:
    """Upper-case and check ``methods``; ``None``/empty means "any method".

    A route that answers GET also answers HEAD (Clastic's H1): Werkzeug then
    sends the GET response's headers without its body.
    """
    if methods is None:
        return None
    if isinstance(methods, str):
        methods = [methods]
    names = set()
    for m in methods:
        if not isinstance(m, str):
            raise InvalidMethod(f"HTTP method names must be strings, not {m!r}.")
        names.add(m.upper())
    if not names:
        return None
    unknown = sorted(names - HTTP_METHODS)
    if unknown:
        raise InvalidMethod(
            f"Unrecognized HTTP method(s): {unknown!r}; expected some of {sorted(HTTP_METHODS)!r}."
        )
    if "GET" in names:
        names.add("HEAD")
    return frozenset(names)
