"""Render-phase middleware that adds injectable values to dict contexts.

Useful with template renderers: every page gets, say, ``user`` and
``script_root`` without each endpoint returning them.
"""
from __future__ import annotations

import inspect
import keyword
from collections.abc import Mapping
from typing import Any, Callable, Iterable, Optional

from .core import Middleware

__all__ = ["ContextProcessor", "SimpleContextProcessor"]

_RESERVED = ("self", "next", "context")


def _check_name(name: Any, kind: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"ContextProcessor {kind} argument names must be strings, not {name!r}.")
    if name in _RESERVED:
        raise NameError(
            f"ContextProcessor: attempted to use reserved argument {name!r}; the names"
            f" {list(_RESERVED)!r} belong to the render hook itself."
        )
    if not name.isidentifier() or keyword.iskeyword(name):
        raise TypeError(
            f"ContextProcessor {kind} argument names must be Python identifiers (they are"
            f" injected by name), not {name!r}."
        )
    return name


class ContextProcessor(Middleware):
    """Copy injectable values into the endpoint's result before it is rendered.

    ``required``: names that must be injectable (checked when the application
    is built, like any argument).  ``defaults``: names to inject when
    available, else the given value.  A name already in the context is left
    alone unless ``overwrite=True``.  A context that is not a mapping (a
    string, a list) passes through untouched (Clastic's CP1).
    """

    def __init__(self, required: Optional[Iterable[str]] = None,
                 defaults: Optional[Mapping[str, Any]] = None, overwrite: bool = False) -> None:
        if isinstance(required, str):
            raise TypeError(
                f"ContextProcessor required must be a list of names, not the string {required!r};"
                f" write required=[{required!r}]."
            )
        required = [_check_name(name, "required") for name in (required or [])]
        if defaults is None:
            defaults = {}
        if not isinstance(defaults, Mapping):
            raise TypeError(f"ContextProcessor defaults expected a dict (or mapping), not {defaults!r}.")
        defaults = {_check_name(name, "default"): value for name, value in defaults.items()}
        both = [name for name in required if name in defaults]
        if both:
            raise NameError(
                f"ContextProcessor: ambiguous argument(s) {both!r} appear in both the required"
                " and the default argument lists; keep each name in one of them."
            )
        if not isinstance(overwrite, bool):
            raise TypeError(f"ContextProcessor overwrite must be True or False, not {overwrite!r}.")
        self.required = required
        self.defaults = defaults
        self.overwrite = overwrite
        self.render = self._create_render()

    def _create_render(self) -> Callable[..., Any]:
        names = self.required + list(self.defaults)
        defaults = self.defaults
        overwrite = self.overwrite

        def process_render_context(next: Callable[[], Any], context: Any, **injected: Any) -> Any:
            if isinstance(context, Mapping):
                target: Any = context  # a mutable mapping in practice (dicts from endpoints)
                for name in names:
                    if overwrite or name not in target:
                        target[name] = injected[name] if name in injected else defaults.get(name)
            return next()

        # The hook's visible signature is what injection reads: required
        # names without defaults (so a missing one fails construction),
        # default names with theirs (injected only when something provides them).
        P = inspect.Parameter
        params = [P("next", P.POSITIONAL_OR_KEYWORD), P("context", P.POSITIONAL_OR_KEYWORD)]
        params += [P(name, P.KEYWORD_ONLY) for name in self.required]
        params += [P(name, P.KEYWORD_ONLY, default=value) for name, value in defaults.items()]
        process_render_context.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        return process_render_context

    def __repr__(self) -> str:
        kwargs = []
        if self.required:
            kwargs.append(f"required={self.required!r}")
        if self.defaults:
            kwargs.append(f"defaults={self.defaults!r}")
        if self.overwrite:
            kwargs.append("overwrite=True")
        return f"{type(self).__name__}({', '.join(kwargs)})"


class SimpleContextProcessor(ContextProcessor):
    """``SimpleContextProcessor('user', lang='en')``: each positional name defaults to None (CP2)."""

    def __init__(self, *names: str, **defaults: Any) -> None:
        merged: dict[str, Any] = {}
        for name in names:
            merged[name] = None
        merged.update(defaults)
        super().__init__(defaults=merged)
