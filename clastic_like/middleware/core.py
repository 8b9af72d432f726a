"""The middleware contract, merging and checking.

A middleware is an object with up to three hooks, each taking ``next`` first:

* ``request(self, next, ...)`` wraps the endpoint *and* the render phase;
* ``endpoint(self, next, ...)`` wraps only the endpoint;
* ``render(self, next, context, ...)`` wraps only the render function.

A hook's other arguments are injected like an endpoint's.  ``provides``,
``endpoint_provides`` and ``render_provides`` name what the hook passes on
with ``next(name=value, ...)``; later hooks and the endpoint may ask for those
names.  Hooks nest as real function scopes: the first middleware is the
outermost.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Optional, Sequence

from .._injection._cache import BindCache
from .._injection._chain import Origins, as_names, compile_chain, hook_info
from .._injection._signature import get_callable_info

__all__ = [
    "Middleware",
    "DummyMiddleware",
    "check_middleware",
    "check_middlewares",
    "merge_middlewares",
    "make_middleware_chain",
    "iter_provides",
]

_HOOKS = ("request", "endpoint", "render")
_PROVIDE_ATTRS = ("provides", "endpoint_provides", "render_provides")


class Middleware:
    """Base class for middleware (duck typing works too).

    ``unique`` and ``reorderable`` control merging when the same middleware
    type appears at application and route level: a unique, reorderable
    duplicate from the inner level is dropped (the outer one runs once); a
    unique, non-reorderable duplicate is an error; a non-unique one is kept.
    Equality is by exact type, which is what merging compares.
    """

    unique: bool = True
    reorderable: bool = True
    provides: Sequence[str] = ()
    endpoint_provides: Sequence[str] = ()
    render_provides: Sequence[str] = ()
    request: Optional[Callable[..., Any]] = None
    endpoint: Optional[Callable[..., Any]] = None
    render: Optional[Callable[..., Any]] = None
    wsgi_wrapper: Optional[Callable[[Callable[..., Any]], Callable[..., Any]]] = None

    @property
    def name(self) -> str:
        return type(self).__name__

    @property
    def requires(self) -> list[str]:
        """Arguments of all hooks that have no default (``next`` excluded)."""
        out: list[str] = []
        for hook in _HOOKS:
            fn = getattr(self, hook, None)
            if fn is not None:
                info = get_callable_info(fn)
                out.extend(a for a in info.args[1:] if a in info.required and a not in out)
        return out

    @property
    def arguments(self) -> list[str]:
        """All injectable arguments of all hooks (``next`` excluded)."""
        out: list[str] = []
        for hook in _HOOKS:
            fn = getattr(self, hook, None)
            if fn is not None:
                out.extend(a for a in get_callable_info(fn).args[1:] if a not in out)
        return out

    def on_bind(self, app: Any) -> None:
        """Called once per application using this middleware, at construction.

        Override to check configuration against the application and raise
        an error a person can act on; the default does nothing.
        """

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]  # equality is by type: instances are unhashable

    def __repr__(self) -> str:
        return f"{self.name}()"


class DummyMiddleware(Middleware):
    """A pass-through request hook; with ``verbose=True`` it prints the path."""

    def __init__(self, verbose: bool = False) -> None:
        self.verbose = verbose

    def request(self, next: Callable[[], Any], request: Any) -> Any:
        if self.verbose:
            print(f"{self.name}: {request.method} {request.path}")
        return next()

    def __repr__(self) -> str:
        return f"DummyMiddleware(verbose={self.verbose!r})"


def check_middleware(mw: Any, cache: Optional[BindCache] = None) -> None:
    """Check a middleware's hooks, provides and ``wsgi_wrapper`` (C11, C12)."""
    for hook in _HOOKS:
        hook_info(mw, hook, cache)
    for attr in _PROVIDE_ATTRS:
        as_names(getattr(mw, attr, ()), f"{type(mw).__name__}.{attr}")
    wrapper = getattr(mw, "wsgi_wrapper", None)
    if wrapper is not None and not callable(wrapper):
        raise TypeError(f"Expected middleware.wsgi_wrapper to be callable or None, not {wrapper!r}.")


def iter_provides(mw: Any) -> Iterable[str]:
    """Every name a middleware provides, in any phase."""
    for attr in _PROVIDE_ATTRS:
        yield from as_names(getattr(mw, attr, ()), f"{type(mw).__name__}.{attr}")


def check_middlewares(middlewares: Sequence[Any], args_dict: Optional[Mapping[str, Any]] = None,
                      cache: Optional[BindCache] = None) -> None:
    """Check each middleware and refuse names provided by two sources (C2).

    ``args_dict`` maps other sources ("url", "resources", "builtins") to the
    names they provide.
    """
    for mw in middlewares:
        check_middleware(mw, cache)
    providers: dict[str, list[Any]] = {}
    for source, names in (args_dict or {}).items():
        for name in names:
            providers.setdefault(name, []).append(source)
    for mw in middlewares:
        for name in iter_provides(mw):
            providers.setdefault(name, []).append(mw)
    conflicts = [(name, tuple(srcs)) for name, srcs in providers.items() if len(srcs) > 1]
    if conflicts:
        details = "; ".join(
            f"{name!r} by {', '.join(_source_label(s) for s in srcs)}" for name, srcs in conflicts
        )
        raise NameError(
            f"found conflicting provides: {conflicts!r}. Each name must come from one source"
            f" only; provided more than once: {details}."
        )


def _source_label(source: Any) -> str:
    return source if isinstance(source, str) else f"middleware {getattr(source, 'name', type(source).__name__)}"


def merge_middlewares(old: Sequence[Any], new: Sequence[Any]) -> list[Any]:
    """``new`` first (outermost), then the items of ``old`` not already in ``new``.

    Duplicates are judged with ``==`` (by type for :class:`Middleware`).
    Duplicates inside one list are never removed.
    """
    merged = list(new)
    for mw in old:
        if getattr(mw, "unique", True) and any(mw == other for other in new):
            if not getattr(mw, "reorderable", True):
                raise ValueError(f"multiple inclusion of unique middleware {getattr(mw, 'name', type(mw).__name__)!r}")
            continue
        merged.append(mw)
    return merged


def make_middleware_chain(
    middlewares: Sequence[Any],
    endpoint: Callable[..., Any],
    render: Optional[Callable[..., Any]],
    preprovided: Iterable[str],
) -> Callable[..., Any]:
    """Compile a chain callable taking the ``preprovided`` names as keywords.

    This is the low-level building block routes use; it raises ``NameError``
    for any argument the chain cannot resolve.
    """
    from werkzeug.wrappers import Response

    origins = Origins()
    origins.add_dynamic(list(preprovided), "pre-provided")
    chain = compile_chain(middlewares, endpoint, render, origins, "middleware chain", Response)
    call = chain.call

    def run(**kwargs: Any) -> Any:
        return call(dict(kwargs))

    return run
