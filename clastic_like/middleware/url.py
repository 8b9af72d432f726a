"""Middleware providing values from the URL: query parameters and the script root."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Union

from .core import Middleware

__all__ = ["GetParamMiddleware", "ScriptRootMiddleware", "normalize_params"]

ParamSpec = Union[str, Iterable[str], Mapping[str, type]]


def normalize_params(params: ParamSpec, what: str) -> dict[str, Any]:
    """Turn a name, names, or a name -> type mapping into {name: type or None}."""
    if isinstance(params, str):
        return {params: None}
    if isinstance(params, Mapping):
        out = {}
        for name, typ in params.items():
            if not isinstance(name, str) or not name.isidentifier():
                raise TypeError(f"{what} names must be identifiers, not {name!r}.")
            if not callable(typ):
                raise TypeError(f"{what} expects a type (or converter callable) for {name!r}, not {typ!r}.")
            out[name] = typ
        return out
    if params is None:
        raise TypeError(f"{what} expects a name, names or a mapping of names to types, not None.")
    out = {}
    for name in params:
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(f"{what} names must be identifiers, not {name!r}.")
        out[name] = None
    return out


class GetParamMiddleware(Middleware):
    """Provide query-string parameters as injectable arguments.

    ``GetParamMiddleware({'limit': int, 'q': str})`` provides ``limit`` and
    ``q``; a missing or unconvertible value is ``None`` (Clastic's GP1).
    """

    def __init__(self, params: ParamSpec) -> None:
        self.params = normalize_params(params, "GetParamMiddleware")
        self.provides = tuple(self.params)

    def request(self, next: Callable[..., Any], request: Any) -> Any:
        args = request.args
        return next(**{name: args.get(name, None, typ) for name, typ in self.params.items()})

    def __repr__(self) -> str:
        return f"GetParamMiddleware({self.params!r})"


class ScriptRootMiddleware(Middleware):
    """Provide ``script_root``: where the application is mounted, without trailing slash."""

    def __init__(self, provided_name: str = "script_root") -> None:
        self.provided_name = provided_name
        self.provides = (provided_name,)

    def request(self, next: Callable[..., Any], request: Any) -> Any:
        return next(**{self.provided_name: request.script_root.rstrip("/")})
