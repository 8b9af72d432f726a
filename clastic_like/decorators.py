"""Decorators that keep an endpoint's signature visible to injection."""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

__all__ = ["clastic_decorator"]


def clastic_decorator(subdecorator: Callable[[Callable[..., Any]], Callable[..., Any]]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Make a ``*args, **kwargs`` decorator injection-friendly.

    A decorator whose wrapper takes ``*args, **kwargs`` hides the wrapped
    function's arguments, so nothing would be injected.  Wrapped with
    ``clastic_decorator``, the result advertises the original signature
    (``__signature__``) and receives its arguments by keyword.
    """

    @functools.wraps(subdecorator)
    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        sig = inspect.signature(func)
        variadic = [p.name for p in sig.parameters.values()
                    if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        if variadic:
            raise TypeError(
                f"clastic_decorator cannot wrap {getattr(func, '__qualname__', func)!r}: it takes"
                f" variadic arguments {variadic!r}, so injection cannot know what to pass."
            )
        wrapped = subdecorator(func)
        try:
            wrapped.__signature__ = sig  # type: ignore[attr-defined]
        except (AttributeError, TypeError):
            raise TypeError(f"clastic_decorator: cannot set a signature on {wrapped!r}.") from None
        return wrapped

    return decorator
