"""What an application learns while binding routes, kept for its other routes.

Binding a thousand routes behind the same middleware would otherwise read the
same hook signatures and compile the same generated source a thousand times.
One :class:`BindCache` belongs to one Application (no process-wide cache), and
only ever holds results that are pure functions of their keys.
"""
from __future__ import annotations

from types import CodeType
from typing import Any, Callable

from ._signature import CallableInfo, get_callable_info

__all__ = ["BindCache"]


class BindCache:
    """Signature infos by callable, compiled code by (source, label)."""

    __slots__ = ("_infos", "_code")

    def __init__(self) -> None:
        self._infos: dict[Any, CallableInfo] = {}
        self._code: dict[tuple[str, str], CodeType] = {}

    def info(self, func: Callable[..., Any]) -> CallableInfo:
        try:
            return self._infos[func]
        except KeyError:
            info = self._infos[func] = get_callable_info(func)
            return info
        except TypeError:  # an unhashable callable object: just inspect it
            return get_callable_info(func)

    def code(self, source: str, label: str) -> CodeType:
        key = (source, label)
        code = self._code.get(key)
        if code is None:
            code = self._code[key] = compile(source, f"<clastic_like chain for {label}>", "exec")
        return code
