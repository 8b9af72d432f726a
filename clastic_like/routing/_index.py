"""An index from a path's first segment to the routes that could match it.

Routing keeps Clastic's ordered fall-through: the first route (in insertion
order) whose path and method match serves.  Scanning every route for every
request makes the cost grow with the route table, so routes are grouped by
their first segment when it is literal text: a route ``/users/<id>`` can only
match paths whose first segment is ``users``.  Routes starting with a binding
(and the null route) can match anything and appear in every group.  Each
group keeps insertion order, so the routes tried for a path are exactly the
routes a linear scan would reach that could match, in the same order.
"""
from __future__ import annotations

from typing import Generic, Optional, Sequence, TypeVar

from ._pattern import ParsedPattern

__all__ = ["RouteIndex", "first_literal", "first_segment"]

R = TypeVar("R")


def first_literal(parsed: ParsedPattern) -> Optional[str]:
    """The literal first segment of a pattern (``''`` for ``/``), or ``None``.

    ``None`` means the pattern starts with a binding and may match any first
    segment.
    """
    if not parsed.segments:
        return ""
    head = parsed.segments[0]
    return head if isinstance(head, str) else None


def first_segment(path: str) -> str:
    """The first segment of a request path (``/a/b`` -> ``a``; ``/`` -> ``''``)."""
    return path.lstrip("/").partition("/")[0]


class RouteIndex(Generic[R]):
    """Ordered candidate lists keyed by first path segment."""

    __slots__ = ("_groups", "_default")

    def __init__(self, routes: Sequence[R], keys: Sequence[Optional[str]]) -> None:
        self._default: list[R] = []
        self._groups: dict[str, list[R]] = {}
        for route, key in zip(routes, keys):
            if key is None:
                # May match any path: it joins every group, in order.
                self._default.append(route)
                for group in self._groups.values():
                    group.append(route)
            else:
                # A new group starts with the wildcard routes seen so far.
                self._groups.setdefault(key, list(self._default)).append(route)

    def candidates(self, path: str) -> list[R]:
        """The routes that may match ``path``, in insertion order."""
        return self._groups.get(first_segment(path), self._default)
