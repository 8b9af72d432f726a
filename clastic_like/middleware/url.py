"""Middleware providing values from the URL: query parameters and the script root."""
from __future__ import annotations

from typing import Any, Callable

from ._params import ParamsArg, parse_param_spec, read_params
from .core import Middleware

__all__ = ["GetParamMiddleware", "ScriptRootMiddleware", "normalize_params"]


def normalize_params(params: ParamsArg, what: str) -> dict[str, Any]:
    """Turn a name, names, or a name -> type mapping into ``{name: type or None}``."""
    return {name: spec.convert for name, spec in parse_param_spec(params, what).items()}


class GetParamMiddleware(Middleware):
    """Provide query-string parameters as injectable arguments.

    ``GetParamMiddleware({'limit': int, 'q': str})`` provides ``limit`` and
    ``q``.  By default a missing or unconvertible value is ``None`` (Clastic's
    GP1), or the default given as ``{'page': (int, 1)}``.  With
    ``strict=True`` a missing parameter that has no default, or a value that
    does not convert, answers 400 naming the parameter, so endpoints never
    see a ``None`` they did not ask for.  ``bool`` parameters accept
    ``1/0, true/false, yes/no, on/off``.
    """

    def __init__(self, params: ParamsArg, strict: bool = False) -> None:
        if not isinstance(strict, bool):
            raise TypeError(f"GetParamMiddleware strict must be True or False, not {strict!r}.")
        self.specs = parse_param_spec(params, "GetParamMiddleware")
        # {name: converter or None}, the shape Clastic exposed.
        self.params = {name: spec.convert for name, spec in self.specs.items()}
        self.strict = strict
        self.provides = tuple(self.specs)

    def request(self, next: Callable[..., Any], request: Any) -> Any:
        return next(**read_params(request.args, self.specs, self.strict, "Query parameter"))

    def __repr__(self) -> str:
        strict = ", strict=True" if self.strict else ""
        return f"GetParamMiddleware({self.params!r}{strict})"


class ScriptRootMiddleware(Middleware):
    """Provide ``script_root``: where the application is mounted, without trailing slash."""

    def __init__(self, provided_name: str = "script_root") -> None:
        self.provided_name = provided_name
        self.provides = (provided_name,)

    def request(self, next: Callable[..., Any], request: Any) -> Any:
        return next(**{self.provided_name: request.script_root.rstrip("/")})

    def __repr__(self) -> str:
        return f"ScriptRootMiddleware(provided_name={self.provided_name!r})"
