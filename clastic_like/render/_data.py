"""Small data helpers shared by the renderers."""
from __future__ import annotations

from collections.abc import Set
from typing import Any

__all__ = ["set_items"]


def set_items(value: Set[Any]) -> list[Any]:
    """A set's items as a list, sorted when they sort.

    Sets have no order; sorting makes the same set render the same way every
    time (stable bodies, stable ETags, readable tables).
    """
    items = list(value)
    try:
        items.sort()
    except TypeError:
        pass
    return items
