"""Reading what a callable asks for: the only place that calls ``inspect``.

Signatures are read when a route is bound (or a middleware checked) and the
result is kept in a :class:`CallableInfo`; serving a request never inspects a
function again.
"""
from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["CallableInfo", "get_callable_info", "get_callable_name", "get_arg_names"]

_INJECTABLE = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


@dataclass(frozen=True)
class CallableInfo:
    """What a callable needs from injection.

    ``args`` are the names that can be injected, in declaration order;
    ``required`` those without a default.  ``posonly_required`` lists
    positional-only parameters without a default: injection passes values by
    keyword, so such a callable cannot be used and binding it fails.
    """

    func: Callable[..., Any]
    name: str
    args: tuple[str, ...]
    required: frozenset[str]
    var_kw: bool
    posonly_required: tuple[str, ...]

    @property
    def optional(self) -> frozenset[str]:
        return frozenset(self.args) - self.required


def get_callable_name(func: Any) -> str:
    """A name a person recognises: ``module.Qualified.name`` where possible."""
    if isinstance(func, functools.partial):
        return f"functools.partial({get_callable_name(func.func)})"
    target = func
    qualname = getattr(target, "__qualname__", None)
    if qualname is None:
        # A callable object: name its class.
        target = type(func)
        qualname = target.__qualname__
        suffix = " instance"
    else:
        suffix = ""
    module = getattr(target, "__module__", None)
    if module and module not in ("builtins", "__main__"):
        return f"{module}.{qualname}{suffix}"
    return qualname + suffix


def get_callable_info(func: Callable[..., Any]) -> CallableInfo:
    """Inspect ``func`` once; raise ``TypeError`` if it cannot be inspected."""
    if not callable(func):
        raise TypeError(f"Expected a callable, not {func!r}.")
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"Cannot read the signature of {get_callable_name(func)} ({exc}); wrap it in a"
            " function whose arguments name what it needs."
        ) from None
    # Arguments a partial already binds by keyword show up as keyword-only
    # parameters with defaults; they are the partial's, not injection's.
    bound_by_partial = set(func.keywords) if isinstance(func, functools.partial) else set()
    args: list[str] = []
    required: set[str] = set()
    posonly: list[str] = []
    var_kw = False
    for param in sig.parameters.values():
        if param.name in bound_by_partial:
            continue
        if param.kind in _INJECTABLE:
            args.append(param.name)
            if param.default is inspect.Parameter.empty:
                required.add(param.name)
        elif param.kind is inspect.Parameter.VAR_KEYWORD:
            var_kw = True
        elif param.kind is inspect.Parameter.POSITIONAL_ONLY and param.default is inspect.Parameter.empty:
            posonly.append(param.name)
    return CallableInfo(
        func=func,
        name=get_callable_name(func),
        args=tuple(args),
        required=frozenset(required),
        var_kw=var_kw,
        posonly_required=tuple(posonly),
    )


def get_arg_names(func: Callable[..., Any], only_required: bool = False) -> list[str]:
    """The injectable argument names of ``func`` (Clastic's ``sinter.get_arg_names``)."""
    info = get_callable_info(func)
    if only_required:
        return [a for a in info.args if a in info.required]
    return list(info.args)
