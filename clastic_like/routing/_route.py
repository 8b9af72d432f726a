"""Routes: an unbound description (:class:`Route`) and its compiled form.

A :class:`Route` is what users write: a pattern, an endpoint, a render and
route-level middleware and resources.  Binding it into an application
(:meth:`Route.bind`) produces a :class:`BoundRoute`: the pattern compiled with
the application's slash mode and converters, middleware merged, resources
merged, the render resolved through the render factory, and the whole
middleware/endpoint/render chain compiled with every argument resolved.  All
construction errors surface here, before any request is served.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Optional, Sequence

from werkzeug.wrappers import Response

from .._injection._cache import BindCache
from .._response import WIRE_ANSWERS
from .._injection._chain import CompiledChain, Origins, compile_chain, compile_injected_call
from .._injection._signature import get_callable_info, get_callable_name
from ..middleware.core import check_middlewares, iter_provides, merge_middlewares
from ..resources import LazyScope, RequestResources, RequestScoped
from ._methods import normalize_methods
from ._pattern import (
    SLASH_MODES,
    S_REDIRECT,
    S_REWRITE,
    S_STRICT,
    CompiledPattern,
    compile_pattern,
    parse_pattern,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..application import Application

__all__ = [
    "Route",
    "BoundRoute",
    "NullRoute",
    "RESERVED_ARGS",
    "GET",
    "POST",
    "PUT",
    "DELETE",
    "PATCH",
    "HEAD",
    "OPTIONS",
    "TRACE",
    "CONNECT",
    "check_slash_mode",
]

# Names the framework injects itself; resources and URL bindings may not use them.
RESERVED_ARGS = ("request", "_application", "_route", "_dispatch_state", "context", "next")
# Built-ins read from the per-request scope; the other built-ins are fixed per route.
_DYNAMIC_BUILTINS = ("request", "_dispatch_state")


def check_slash_mode(slash_mode: str) -> str:
    """Refuse an unknown slash mode (Clastic silently treated it as rewrite)."""
    if slash_mode not in SLASH_MODES:
        raise ValueError(f"slash_mode must be one of {SLASH_MODES!r}, not {slash_mode!r}.")
    return slash_mode


class Route:
    """A URL pattern, an endpoint and how to render its result.

    ``render`` is a callable taking ``context`` (and anything else it asks
    for), or a value for the application's render factory (typically a
    template name).  ``methods`` restricts the HTTP methods (``None``: any).
    """

    _default_methods: Optional[Iterable[str]] = None

    def __init__(
        self,
        pattern: str,
        endpoint: Callable[..., Any],
        render: Any = None,
        render_error: Optional[Callable[..., Any]] = None,
        *,
        middlewares: Optional[Sequence[Any]] = None,
        resources: Optional[Mapping[str, Any]] = None,
        slash_mode: str = S_REDIRECT,
        methods: Optional[Iterable[str]] = None,
    ) -> None:
        self.parsed = parse_pattern(pattern)  # the pattern is checked first (C9)
        self.pattern = pattern
        if not callable(endpoint):
            raise TypeError(
                f"Route {pattern!r}: expected endpoint to be a function or method, not {endpoint!r}."
            )
        self.endpoint = endpoint
        self.render = render
        if render_error is not None and not callable(render_error):
            raise TypeError(f"Route {pattern!r}: expected render_error to be callable, not {render_error!r}.")
        self.render_error = render_error
        self.middlewares = list(middlewares or [])
        self.resources = dict(resources or {})
        self.slash_mode = check_slash_mode(slash_mode)
        if self._default_methods is not None:
            methods = self._default_methods
        self.methods = normalize_methods(methods)

    @property
    def is_branch(self) -> bool:
        """True when the pattern ends with ``/`` (Clastic's S3)."""
        return self.parsed.is_branch

    def bind(self, app: "Application", **kw: Any) -> "BoundRoute":
        return BoundRoute(self, app, **kw)

    def iter_routes(self) -> Iterator["Route"]:
        yield self

    def __repr__(self) -> str:
        args = [repr(self.pattern), get_callable_name(self.endpoint)]
        if self.render is not None:
            args.append(f"render={getattr(self.render, '__name__', self.render)!r}")
        if self.methods:
            args.append(f"methods={sorted(self.methods)!r}")
        return f"{type(self).__name__}({', '.join(args)})"


def _method_route(name: str, methods: tuple[str, ...]) -> type:
    doc = f"A :class:`Route` answering only {name}" + (" (and HEAD)." if name == "GET" else ".")
    return type(name, (Route,), {"_default_methods": methods, "__doc__": doc, "__module__": __name__})


GET = _method_route("GET", ("GET",))
POST = _method_route("POST", ("POST",))
PUT = _method_route("PUT", ("PUT",))
DELETE = _method_route("DELETE", ("DELETE",))
PATCH = _method_route("PATCH", ("PATCH",))
HEAD = _method_route("HEAD", ("HEAD",))
OPTIONS = _method_route("OPTIONS", ("OPTIONS",))
TRACE = _method_route("TRACE", ("TRACE",))
CONNECT = _method_route("CONNECT", ("CONNECT",))


class BoundRoute:
    """A route compiled for one application (see the module docstring).

    ``route`` may itself be a :class:`BoundRoute` of another application:
    that is how a sub-application's routes are embedded, keeping what the
    earlier binding decided unless this binding overrides it.
    """

    unbound_route: Route
    pattern: str
    middlewares: tuple[Any, ...]
    resources: dict[str, Any]
    render: Optional[Callable[..., Any]]
    render_factory: Optional[Callable[..., Any]]
    bound_apps: list[Any]
    slash_mode: str
    converters: dict[str, Any]
    render_error: Optional[Callable[..., Any]]

    def __init__(
        self,
        route: "Route | BoundRoute",
        app: "Application",
        *,
        prefix: str = "",
        rebind_render: bool = True,
        inherit_slashes: bool = True,
        rebind_render_error: bool = True,
    ) -> None:
        self._bind_args: tuple[Any, Any, dict[str, Any]] = (route, app, dict(prefix=prefix, rebind_render=rebind_render,
                                            inherit_slashes=inherit_slashes,
                                            rebind_render_error=rebind_render_error))
        if isinstance(route, BoundRoute):
            unbound = route.unbound_route
            base_pattern = route.pattern
            inner_mws: Sequence[Any] = route.middlewares
            inner_resources: Mapping[str, Any] = route.resources
            render, render_factory = route.render, route.render_factory
            bound_apps = list(route.bound_apps)
            slash_mode = route.slash_mode
            converters = {**app.converters, **route.converters}
            render_error = route.render_error
        else:
            unbound = route
            base_pattern = route.pattern
            inner_mws = route.middlewares
            inner_resources = route.resources
            render, render_factory = None, None
            bound_apps = []
            slash_mode = route.slash_mode
            converters = dict(app.converters)
            render_error = route.render_error
        self.unbound_route = unbound
        self.bound_apps = bound_apps + [app]
        self.application = app
        cache: BindCache = app._bind_cache
        self.pattern = prefix + base_pattern if prefix else base_pattern
        self.parsed = parse_pattern(self.pattern)
        self.slash_mode = check_slash_mode(app.slash_mode if inherit_slashes else slash_mode)
        self.converters = converters
        self.compiled: CompiledPattern = compile_pattern(self.parsed, converters, self.slash_mode == S_STRICT)
        self.methods = unbound.methods
        self.middlewares = tuple(merge_middlewares(inner_mws, app.middlewares))
        # Bind-time merge: application < sub-application < route (SA5) ...
        self.resources = {**app.resources, **inner_resources}
        # ... but the dispatching application's own resources win at request
        # time (Clastic's I6, kept for compatibility; see docs/compat.md).
        effective_resources = {**self.resources, **app.resources}

        # -- render (RF2, SA3) ------------------------------------------------
        render_arg = unbound.render
        if callable(render_arg):
            render, render_factory = render_arg, None
        elif render_arg is not None and (rebind_render or render is None):
            for bound_app in reversed(self.bound_apps):
                factory = bound_app.render_factory
                if callable(factory):
                    try:
                        render = factory(render_arg)
                    except Exception as exc:
                        # Keep the factory's own error type (e.g. a missing
                        # template), but say which route asked for it.
                        if hasattr(exc, "add_note"):
                            exc.add_note(f"While binding route {self.pattern!r}: render factory"
                                         f" {get_callable_name(factory)} failed for {render_arg!r}.")
                        raise
                    render_factory = factory
                    break
        self.render = render
        self.render_factory = render_factory

        # -- dependency sources (I1) and their conflicts (C2) -----------------
        if isinstance(unbound, NullRoute):
            where = "Application middleware (run for every route and for 404/405 answers)"
        else:
            where = f"Route {self.pattern!r}"
        url_args = self.parsed.binding_names
        try:
            check_middlewares(
                self.middlewares,
                {"url": url_args, "builtins": RESERVED_ARGS, "resources": list(effective_resources)},
                cache,
            )
        except NameError as exc:
            raise NameError(f"{where} (endpoint {get_callable_name(unbound.endpoint)}): {exc}") from None
        origins = Origins()
        origins.add_dynamic(url_args, "URL bindings")
        for name, value in effective_resources.items():
            origins.labels[name] = "resources"
            if isinstance(value, RequestScoped):
                origins.dynamic.add(name)  # made per request, read from the scope
            else:
                origins.statics[name] = value
        origins.add_dynamic(_DYNAMIC_BUILTINS, "built-ins")
        for name, value in (("_application", app), ("_route", self)):
            origins.labels[name] = "built-ins"
            origins.statics[name] = value
        self._origins = origins
        self._where = where
        self.path_args = url_args
        self.chain: CompiledChain = compile_chain(
            self.middlewares, unbound.endpoint, render, origins, where, Response, cache,
            getattr(app, "_scope_request", None), getattr(app, "_request", None),
        )
        self.endpoint_args = cache.info(unbound.endpoint).args
        self._execute = self.chain.call
        # A branch requested without its canonical slash is redirected by a
        # response that goes through the same middleware (S4, fixed).
        self._redirect_chain = None
        used = set(self.chain.used)
        if self.is_branch and self.slash_mode == S_REDIRECT:
            redirect_chain = compile_chain(self.middlewares, _slash_redirect, None, origins, where, Response,
                                           cache)
            self._redirect_chain = redirect_chain.call
            used |= redirect_chain.used
        # Request-scoped resources this route's chains may read, compiled now
        # so their factories' arguments are checked at construction.
        self._lazy, factory_used = _compile_request_scoped(effective_resources, used, origins, where)
        # The chain for a dispatcher that sends a plain 200 itself (no
        # Response object; see CompiledChain.wire and Application.__call__):
        # not with request-scoped resources, which the URL bindings alone
        # (its scope) do not carry.
        self._wire = self.chain.wire if WIRE_ANSWERS and self._lazy is None else None
        # Whether serving this route needs a Request object at all: building
        # one is skipped when no function in the chain (or the slash
        # redirect, or a request-scoped factory) asks for it.
        self.needs_request = ("request" in self.chain.used and not self.chain.request_deferred) \
            or "request" in factory_used
        # Whether the render may build it late, from the deferral entry the
        # dispatcher puts in the scope (CompiledChain.request_deferred).
        self.defers_request = self.chain.request_deferred and not self.needs_request
        # Likewise for the DispatchState (always for the slash redirect: cheap, rare).
        self.needs_state = "_dispatch_state" in used or "_dispatch_state" in factory_used
        # Whether dispatch must check for the canonical trailing slash (S4).
        # Not for the root pattern: the dispatcher's path has exactly one
        # leading slash, so the only path it matches is "/", canonical.
        self._canonical_slash = self.is_branch and self.slash_mode != S_REWRITE and bool(self.parsed.segments)
        # Whether the scope needs more than the URL bindings (one test per
        # request instead of three).
        self._scope_extras = self.needs_request or self.defers_request or self.needs_state \
            or (self._canonical_slash and self._redirect_chain is not None)
        # Whether the scope must be a copy of the URL bindings: not when the
        # chain writes nothing into it (CompiledChain.writes_scope) and the
        # dispatcher adds nothing to it.  (The bindings are also the error
        # handler's and request.path_params.)
        self._copy_scope = self._scope_extras or self.chain.writes_scope
        # The chain, when it takes the URL bindings themselves and nothing
        # else (no copy, no request-scoped resources, nothing added): the
        # dispatcher then calls it without looking at the three flags above.
        self._bare = self._execute if self._lazy is None and not self._copy_scope else None
        # The same, when the dispatcher may call it before any other test: no
        # wire chain (cheaper still where it may be used) and no trailing
        # slash to check.  (Never the null route's: it reads the request.)
        self._fast = self._bare if self._wire is None and not self._canonical_slash else None

        # -- render_error (C6) --------------------------------------------------
        if rebind_render_error and unbound.render_error is None:
            render_error = app.error_handler.render_error
        self.render_error = render_error
        self._execute_error = None
        if render_error is not None:
            # render_error may use plain resources and built-ins: it runs
            # after the request's resources were cleaned up.
            err_origins = Origins(
                labels={k: v for k, v in origins.labels.items()
                        if k not in url_args and (k in origins.statics or k in _DYNAMIC_BUILTINS)},
                dynamic=set(_DYNAMIC_BUILTINS) | {"_error"},
                statics={k: v for k, v in origins.statics.items()},
            )
            err_origins.labels["_error"] = "built-ins"
            err_info = cache.info(render_error)
            unknown = sorted(a for a in err_info.args if a not in err_origins.labels)
            if unknown:
                raise NameError(
                    f"{where}: render_error {err_info.name}() asks for {unknown!r}"
                    f" (unresolved render_error() arguments: {unknown!r}); render_error may"
                    f" only use {err_origins.describe()}."
                )
            self._execute_error, _ = compile_injected_call(err_info, err_origins, "render_error", where,
                                                           cache=cache)
            self._error_var_kw = err_info.var_kw

    # -- properties ---------------------------------------------------------
    @property
    def endpoint(self) -> Callable[..., Any]:
        return self.unbound_route.endpoint

    @property
    def is_branch(self) -> bool:
        return self.unbound_route.is_branch

    @property
    def regex(self) -> Any:
        return self.compiled.regex

    @property
    def render_arg(self) -> Any:
        return self.unbound_route.render

    @property
    def uses_request(self) -> bool:
        """Whether any function in this route's chain asks for ``request``."""
        return self.chain.uses_request

    # -- matching -----------------------------------------------------------
    def match_path(self, path: str) -> Optional[dict[str, Any]]:
        """The converted URL bindings if ``path`` matches, else ``None``."""
        return self.compiled.match(path)

    def match_method(self, method: str) -> bool:
        return self.methods is None or method.upper() in self.methods

    # -- execution ----------------------------------------------------------
    def make_scope(self, url_params: Mapping[str, Any], request: Any, dispatch_state: Any,
                   resources: Optional[RequestResources]) -> dict[str, Any]:
        """The per-request value dict the compiled chain reads from."""
        if self._lazy is None:
            scope = dict(url_params)
        else:
            assert resources is not None
            scope = LazyScope(url_params, self._lazy, resources)
        if request is not None:
            scope["request"] = request
        scope["_dispatch_state"] = dispatch_state
        return scope

    def execute(self, request: Any, _dispatch_state: Any = None, **url_params: Any) -> Any:
        """Run the compiled chain; returns what the chain returns (I7).

        Request-scoped resources made on the way are cleaned up before
        returning (a cleanup error is raised as ResourceCleanupError).
        """
        resources = RequestResources() if self._lazy is not None else None
        failure: Optional[BaseException] = None
        try:
            return self._execute(self.make_scope(url_params, request, _dispatch_state, resources))
        except BaseException as exc:
            failure = exc
            raise
        finally:
            if resources is not None:
                error = resources.close(failure)
                if error is not None and failure is None:
                    raise error

    def execute_error(self, request: Any, _error: Any, _dispatch_state: Any = None, **url_params: Any) -> Any:
        """Render an error with this route's ``render_error``."""
        return self._run_error(request, _error, _dispatch_state, url_params)

    def _run_error(self, request: Any, error: Any, state: Any, url_params: Mapping[str, Any]) -> Any:
        """:meth:`execute_error` with the URL bindings as one mapping (the
        dispatcher's call: no keyword packing per error)."""
        if self._execute_error is None:
            raise TypeError(f"{self._where}: no render_error is set.")
        if self._error_var_kw:
            # A render_error declaring **kwargs receives every injectable,
            # including the URL bindings of the route that matched (I3).
            render_error: Any = self.render_error
            return render_error(**self._origins.statics, request=request, _dispatch_state=state,
                                _error=error, **url_params)
        return self._execute_error({"request": request, "_dispatch_state": state, "_error": error})

    # -- dependency introspection (D3) --------------------------------------
    def get_required_args(self) -> list[str]:
        """The endpoint's non-built-in requirements, through middleware provides."""
        providers: dict[str, list[str]] = {}
        for mw in self.middlewares:
            reqs = [a for a in _hook_requirements(mw)]
            for name in iter_provides(mw):
                providers.setdefault(name, []).extend(reqs)
        info = get_callable_info(self.endpoint)
        todo = [a for a in info.args if a in info.required]
        seen: list[str] = []
        while todo:
            name = todo.pop(0)
            if name in seen or name in RESERVED_ARGS:
                continue
            seen.append(name)
            todo.extend(providers.get(name, ()))
        return seen

    def is_required_arg(self, name: str) -> bool:
        return name in self.get_required_args()

    def iter_routes(self) -> Iterator["BoundRoute"]:
        yield self

    def bind(self, app: "Application", **kw: Any) -> "BoundRoute":
        """Bind this route again into ``app`` (how sub-applications embed)."""
        return BoundRoute(self, app, **kw)

    def rebind(self) -> "BoundRoute":
        """Bind again with the same arguments, e.g. after the error handler changed."""
        source, app, kw = self._bind_args
        return BoundRoute(source, app, **kw)

    def __repr__(self) -> str:
        methods = f", methods={sorted(self.methods)!r}" if self.methods else ""
        return f"<BoundRoute {self.pattern!r} -> {get_callable_name(self.endpoint)}{methods}>"


def _compile_request_scoped(
    resources: Mapping[str, Any], used: Iterable[str], origins: Origins, where: str
) -> tuple[Optional[dict[str, tuple[Callable[[Any], Any], bool]]], set[str]]:
    """Compile the factories of the request-scoped resources a route reads.

    Only resources some function of the route asks for (directly or through
    another factory) are compiled, and so checked: a factory may need a URL
    binding that only the routes using it have.  A factory may ask for plain
    resources, other request-scoped resources, URL bindings and the
    built-ins ``request``, ``_application``, ``_route``, ``_dispatch_state``.
    """
    lazy = {name: value for name, value in resources.items() if isinstance(value, RequestScoped)}
    factory_used: set[str] = set()
    if not lazy:
        return None, factory_used
    factory_origins = Origins(
        labels={k: v for k, v in origins.labels.items() if not v.startswith("provided by")},
        dynamic=set(origins.dynamic),
        statics=dict(origins.statics),
    )
    compiled: dict[str, tuple[Callable[[Any], Any], bool]] = {}
    pending = [name for name in used if name in lazy]
    while pending:
        name = pending.pop()
        if name in compiled:
            continue
        info = get_callable_info(lazy[name].factory)
        step, sources = compile_injected_call(
            info, factory_origins, f"request-scoped resource {name!r} factory", where)
        compiled[name] = (step, lazy[name].is_generator)
        factory_used.update(sources)
        pending.extend(arg for arg in sources if arg in lazy)
    _check_acyclic(compiled, lazy, where)
    return compiled or None, factory_used


def _check_acyclic(compiled: Mapping[str, Any], lazy: Mapping[str, RequestScoped], where: str) -> None:
    """Refuse request-scoped resources that (transitively) need themselves."""
    deps = {name: [a for a in get_callable_info(lazy[name].factory).args if a in lazy] for name in compiled}
    state: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = path[path.index(name):] + [name]
            raise NameError(f"{where}: request-scoped resources depend on each other in a cycle: "
                            f"{' -> '.join(cycle)}.")
        state[name] = 1
        for dep in deps.get(name, ()):
            visit(dep, path + [name])
        state[name] = 2

    for name in deps:
        visit(name, [])


def _hook_requirements(mw: Any) -> list[str]:
    out: list[str] = []
    for hook in ("request", "endpoint", "render"):
        fn = getattr(mw, hook, None)
        if fn is not None:
            info = get_callable_info(fn)
            out.extend(a for a in info.args[1:] if a in info.required)
    return out


# Characters that may stay unencoded in a path (RFC 3986 pchar + "/").
_PATH_SAFE = "/!$&'()*+,;=:@~"


def _slash_redirect(request: Any) -> Response:
    """The endpoint of a branch route reached without its canonical slash.

    GET and HEAD get a 301; other methods a 308, which keeps the method and
    body.  The query string is kept only when there is one, and the Location
    is relative to the application (no Host header is trusted).
    """
    from urllib.parse import quote

    from ._pattern import normalize_path

    # request.path is percent-decoded: encode it again, or "?", "#", "%" and
    # control characters in a segment would change the URL (or break it).
    location = quote(request.script_root + normalize_path(request.path, True), safe=_PATH_SAFE)
    query = request.environ.get("QUERY_STRING", "")
    if query:
        location += "?" + query
    code = 301 if request.method in ("GET", "HEAD") else 308
    return Response(status=code, headers={"Location": location})


def _null_endpoint(request: Any, _dispatch_state: Any, _application: Any) -> Any:
    state = _dispatch_state
    handler = _application.error_handler
    if state.exceptions:
        return state.exceptions[-1]
    if state.allowed_methods:
        allowed = set(state.allowed_methods)
        if request.method == "OPTIONS":
            allowed.add("OPTIONS")
            return Response(status=200, headers={"Allow": ", ".join(sorted(allowed))})
        return handler.method_not_allowed_type(allowed_methods=allowed)
    return handler.not_found_type(dispatch_state=state, request=request, application=_application)


class NullRoute(Route):
    """The route tried after all others: answers 404, 405 or a deferred error."""

    def __init__(self) -> None:
        super().__init__("/<_ignored*>", _null_endpoint, slash_mode=S_REWRITE)


__all__ += ["S_REDIRECT", "S_REWRITE", "S_STRICT"]
