"""The WSGI application: routes, resources, middleware and a render factory.

Constructing an :class:`Application` binds every route (see
:mod:`clastic_like.route`): each argument of each endpoint, middleware hook
and render function is resolved against URL bindings, resources, middleware
provides and built-ins, and anything unresolved or provided twice raises
``NameError`` now.  Serving a request then only matches paths and runs
already-compiled chains.
"""
from __future__ import annotations

import itertools
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Sequence

from werkzeug.exceptions import HTTPException as WerkzeugHTTPException
from werkzeug.test import Client

from ._response import ResponseHeaders, make_response
from ._wrappers import Request, Response
from .errors import (
    ContextualErrorHandler,
    ErrorHandler,
    HTTPException,
    logger,
    negotiate_error_mimetype,
)
from ._errors._negotiate import negotiate_accept
from ._errors._werkzeug import from_werkzeug
from ._injection._cache import BindCache
from .middleware.core import check_middlewares
from .resources import LazyScope, RequestResources
from ._wsgi_response import to_wsgi
from .routing._converters import make_converters
from .routing._index import RouteIndex, first_literal
from .routing._pattern import S_REDIRECT, S_STRICT
from .routing._route import RESERVED_ARGS, BoundRoute, NullRoute, Route, check_slash_mode

__all__ = [
    "Application",
    "SubApplication",
    "RerouteWSGI",
    "DispatchState",
    "cast_to_route_factory",
    "default_render_error",
    "check_valid_wsgi",
]


_REQUEST_INIT = Request.__init__
# The scope entry of a request whose Request is built only if the render
# needs it: (application, environ, holder, URL bindings).
_DEFERRED_REQUEST = "_clastic_like_deferred_request"
_new_object = object.__new__


class RerouteWSGI(Exception):
    """Hand the raw WSGI call to another WSGI application.

    Raise it from an endpoint or middleware, or use an instance as an
    endpoint: the other application receives the original ``environ`` and
    ``start_response``.  Only safe before the request body was read.
    """

    wsgi_app: Callable[..., Any]

    def __init__(self, wsgi_app: Callable[..., Any]) -> None:
        if not callable(wsgi_app):
            raise TypeError(f"RerouteWSGI expects a WSGI callable, not {wsgi_app!r}.")
        super().__init__(wsgi_app)
        object.__setattr__(self, "wsgi_app", wsgi_app)

    def __setattr__(self, name: str, value: Any) -> None:
        # Frozen like Clastic's attrs class; the traceback machinery may still
        # set the dunder attributes Python manages itself.
        if name.startswith("__") and name.endswith("__"):
            return super().__setattr__(name, value)
        raise AttributeError(f"RerouteWSGI is immutable (cannot set {name!r}).")

    def __call__(self) -> Any:
        raise self

    def __repr__(self) -> str:
        return f"RerouteWSGI(wsgi_app={self.wsgi_app!r})"


class DispatchState:
    """What happened while routing one request.

    ``exceptions``: non-breaking errors deferred by routes that declined;
    ``allowed_methods``: methods of routes whose path matched but method did
    not; ``attempted_routes``: routes whose path matched, in order.
    """

    __slots__ = ("exceptions", "allowed_methods", "attempted_routes")

    def __init__(self) -> None:
        self.exceptions: list[HTTPException] = []
        self.allowed_methods: set[str] = set()
        self.attempted_routes: list[BoundRoute] = []

    def add_route(self, route: BoundRoute) -> None:
        self.attempted_routes.append(route)

    def add_exception(self, exc: HTTPException) -> None:
        self.exceptions.append(exc)

    def update_methods(self, methods: Optional[Iterable[str]]) -> None:
        self.allowed_methods.update(methods or ())

    def __repr__(self) -> str:
        return (f"DispatchState(exceptions={self.exceptions!r}, allowed_methods={sorted(self.allowed_methods)!r},"
                f" attempted_routes={len(self.attempted_routes)})")


class SubApplication:
    """Another application's routes, embedded under ``prefix``.

    The routes are copied (rebound) when embedded; later changes to the other
    application are not seen.  ``rebind_render=True`` re-runs the embedding
    application's render factory on template-named renders;
    ``inherit_slashes=False`` keeps the other application's slash mode.
    """

    def __init__(self, prefix: str, app: "Application", rebind_render: bool = False,
                 inherit_slashes: bool = True) -> None:
        if not isinstance(app, Application):
            raise TypeError(f"SubApplication expects an Application, not {app!r}.")
        if not isinstance(prefix, str):
            raise TypeError(f"SubApplication prefix must be a string, not {prefix!r}.")
        self.prefix = prefix.rstrip("/")
        if self.prefix and not self.prefix.startswith("/"):
            raise ValueError(f"SubApplication prefix must start with '/' (got {prefix!r}).")
        self.app = app
        self.rebind_render = rebind_render
        self.inherit_slashes = inherit_slashes

    def bind_all(self, app: "Application", **kw: Any) -> list[BoundRoute]:
        prefix = kw.pop("prefix", "") + self.prefix
        kw.setdefault("rebind_render", self.rebind_render)
        kw.setdefault("inherit_slashes", self.inherit_slashes)
        return [route.bind(app, prefix=prefix, **kw) for route in self.app.iter_routes()]

    def iter_routes(self) -> Iterator[BoundRoute]:
        return self.app.iter_routes()

    def __repr__(self) -> str:
        return f"SubApplication({self.prefix!r}, {self.app!r})"


def cast_to_route_factory(in_arg: Any) -> "Route | SubApplication":
    """Turn a route entry into a :class:`Route` or :class:`SubApplication`.

    Accepts a Route, a SubApplication, a ``(prefix, Application)`` pair or a
    ``(pattern, endpoint[, render[, render_error]])`` tuple.
    """
    if isinstance(in_arg, (Route, SubApplication)):
        return in_arg
    if isinstance(in_arg, (list, tuple)):
        if len(in_arg) >= 2 and isinstance(in_arg[1], Application):
            return SubApplication(*in_arg)
        if 2 <= len(in_arg) <= 4 and callable(in_arg[1]):
            return Route(*in_arg)
        if len(in_arg) < 2:
            raise TypeError(
                f"Could not create route from {in_arg!r}: a route tuple needs at least a pattern"
                " and an endpoint, as in ('/path', endpoint[, render])."
            )
    raise TypeError(
        f"Could not create route from {in_arg!r}: expected a Route, a SubApplication,"
        " ('/prefix', Application) or ('/pattern', endpoint[, render[, render_error]])."
    )


def default_render_error(request: Any, _error: HTTPException, **kw: Any) -> HTTPException:
    """Fallback error renderer: negotiates the format from ``Accept``."""
    return _error.adapt(negotiate_error_mimetype(request))


def check_valid_wsgi(wsgi_callable: Any) -> None:
    """Refuse a WSGI wrapper result that cannot be a WSGI callable (C12)."""
    import inspect

    if not callable(wsgi_callable):
        raise TypeError(f"expected a callable WSGI application, not {wsgi_callable!r}")
    try:
        params = list(inspect.signature(wsgi_callable).parameters.values())
    except (TypeError, ValueError):
        return  # cannot tell (e.g. a C callable): trust it
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    has_var = any(p.kind is p.VAR_POSITIONAL for p in params)
    if len(positional) < 2 and not has_var:
        raise TypeError(
            f"expected a WSGI callable taking (environ, start_response), got {wsgi_callable!r}"
            f" with parameters {[p.name for p in params]!r}"
        )


class Application:
    """A WSGI application built from routes, resources, middleware and a render factory.

    ``routes``: entries accepted by :func:`cast_to_route_factory`.
    ``resources``: named values endpoints and middleware may ask for.
    ``middlewares``: applied to every route, first outermost.
    ``render_factory``: turns non-callable route renders (template names)
    into render functions.  ``error_handler``: the error policy (default
    :class:`ErrorHandler`, or :class:`ContextualErrorHandler` when
    ``debug=True``).  ``slash_mode``: ``'redirect'`` (default), ``'rewrite'``
    or ``'strict'``.  ``converters``: extra URL converter types for this
    application only (see :mod:`clastic_like.routing`).
    """

    request_type: type = Request
    response_type: type = Response
    default_error_handler_type: type = ErrorHandler
    default_debug_error_handler_type: type = ContextualErrorHandler

    def __init__(
        self,
        routes: Optional[Iterable[Any]] = None,
        resources: Optional[Mapping[str, Any]] = None,
        middlewares: Optional[Sequence[Any]] = None,
        render_factory: Optional[Callable[[Any], Callable[..., Any]]] = None,
        error_handler: Any = None,
        *,
        debug: Optional[bool] = None,
        slash_mode: str = S_REDIRECT,
        converters: Optional[Mapping[str, Any]] = None,
    ) -> None:
        self.debug = bool(debug)
        self.slash_mode = check_slash_mode(slash_mode)
        self.resources = dict(resources or {})
        reserved = sorted(set(self.resources) & set(RESERVED_ARGS))
        if reserved:
            raise NameError(
                f"Resource names conflict with built-ins: {reserved!r}; rename them"
                f" (built-ins are {list(RESERVED_ARGS)!r})."
            )
        self.middlewares = list(middlewares or [])
        try:
            check_middlewares(self.middlewares, {"builtins": RESERVED_ARGS, "resources": list(self.resources)})
        except NameError as exc:
            raise NameError(f"Application middlewares {self.middlewares!r}: {exc}") from None
        if render_factory is not None and not callable(render_factory):
            raise TypeError(f"render_factory must be callable, not {render_factory!r}.")
        self.render_factory = render_factory
        self.converters = make_converters(converters)
        self._request_ids = itertools.count(1)
        # The request type, when its __init__ is Request's (it only stores
        # what _request stores directly), else None.
        request_type: Any = self.request_type
        self._plain_request_type: Any = request_type if request_type.__init__ is _REQUEST_INIT else None
        self.routes: list[BoundRoute] = []
        self._bind_cache = BindCache()  # signatures and generated code, for this app only
        self._bound_mws: list[Any] = []
        self.error_handler: Any = None
        self.set_error_handler(error_handler)
        for entry in routes or ():
            self._add(entry, None, {})
        self._build_wsgi()

    # -- building -------------------------------------------------------------
    def add(self, entry: Any, index: Optional[int] = None, **bind_kw: Any) -> None:
        """Bind a route entry (checking its dependencies) and insert it at ``index``."""
        self._add(entry, index, bind_kw)
        self._build_wsgi()

    def _add(self, entry: Any, index: Optional[int], bind_kw: dict[str, Any]) -> None:
        allowed = {"prefix", "rebind_render", "inherit_slashes", "rebind_render_error"}
        unexpected = sorted(set(bind_kw) - allowed)
        if unexpected:
            raise TypeError(f"unexpected keyword args: {unexpected!r}; expected some of {sorted(allowed)!r}")
        if isinstance(entry, BoundRoute):
            new = [entry.bind(self, **bind_kw)]
        else:
            factory = cast_to_route_factory(entry)
            if isinstance(factory, SubApplication):
                new = factory.bind_all(self, **bind_kw)
            else:
                new = [factory.bind(self, **bind_kw)]
        self._notify_bind(new)
        if index is None:
            self.routes.extend(new)
        else:
            self.routes[index:index] = new

    def _notify_bind(self, routes: Iterable[BoundRoute]) -> None:
        """Call ``on_bind(app)`` once per middleware instance used by this application.

        The hook lets a middleware check its configuration against the
        application (e.g. refuse a missing secret unless ``debug=True``) at
        construction time.
        """
        for route in routes:
            for mw in route.middlewares:
                hook = getattr(mw, "on_bind", None)
                if hook is not None and not any(mw is seen for seen in self._bound_mws):
                    self._bound_mws.append(mw)
                    hook(self)

    def set_error_handler(self, error_handler: Any = None) -> None:
        """Install the error policy; routes are rebound so they use it."""
        if error_handler is None:
            handler_type = self.default_debug_error_handler_type if self.debug else self.default_error_handler_type
            error_handler = handler_type()
        wrapper = getattr(error_handler, "wsgi_wrapper", None)
        if wrapper is not None and not callable(wrapper):
            raise TypeError(f"expected error_handler.wsgi_wrapper to be callable or None, not {wrapper!r}")
        self.error_handler = error_handler
        self._null_route = NullRoute().bind(self, inherit_slashes=False)
        self._notify_bind([self._null_route])
        # Rebind existing routes so they render errors with the new handler.
        self.routes = [route.rebind() for route in self.routes]
        self._build_wsgi()

    def _build_wsgi(self) -> None:
        """Wrap the dispatcher with every middleware's and the handler's ``wsgi_wrapper``.

        Rebuilt from scratch after every change, so wrappers never stack and
        routes added later contribute theirs (fixing Clastic's MW4 gaps).
        """
        dispatch: Callable[..., Any] = self._dispatch_wsgi
        wsgi = dispatch
        handler_wrapper = getattr(self.error_handler, "wsgi_wrapper", None)
        if handler_wrapper is not None:
            wsgi = handler_wrapper(wsgi)
            check_valid_wsgi(wsgi)
        seen: list[Any] = []
        for route in [*self.routes, self._null_route]:
            for mw in route.middlewares:
                if getattr(mw, "wsgi_wrapper", None) is not None and not any(mw == s for s in seen):
                    seen.append(mw)
        for mw in reversed(seen):
            wrapped = mw.wsgi_wrapper(wsgi)
            try:
                check_valid_wsgi(wrapped)
            except TypeError as exc:
                raise TypeError(f"expected valid WSGI callable from {mw!r} WSGI wrapper, instead got issue: {exc}") from None
            wsgi = wrapped
        # None: nothing wraps the dispatcher, __call__ dispatches directly.
        self._wsgi: Optional[Callable[..., Any]] = None if wsgi is dispatch else wsgi
        route_list = [*self.routes, self._null_route]
        self._index = RouteIndex(route_list, [first_literal(r.parsed) for r in route_list])
        # The default 404, ready to send (see _fast_not_found); application
        # middleware may act on 404s, so with any there is no table.
        self._not_found_answers = None if self._null_route.middlewares \
            else self.error_handler._constant_not_found(self._null_route)

    # -- serving --------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Optional[Callable[..., Any]],
                 _holder: Optional[list[Any]] = None) -> Any:
        """Serve one WSGI request: route it, run the chain, start the response.

        ``_holder`` is internal (see :meth:`_dispatch_wsgi` and
        :meth:`dispatch`): the request's ``[request-scoped resources, failure,
        Request, DispatchState]``.  The Request and the DispatchState are only
        made when something needs them (BoundRoute.needs_request /
        needs_state).  With ``start_response=None`` the Response is returned
        instead of sent.

        Routing, the chain and sending all happen in this one method because
        it runs for every request: each Python call avoided here is saved per
        request (the dispatch fast paths are property-tested in
        tests/test_dispatch_fastpaths.py).
        """
        if _holder is None:
            if self._wsgi is not None:
                # wsgi_wrapper middleware run first; the innermost one calls
                # _dispatch_wsgi, which comes back here with a holder.
                return self._wsgi(environ, start_response)
            holder: list[Any] = [None, None, None, None]
            request = None
        else:
            holder = _holder
            request = holder[2]
        if request is not None:
            path, method = request.path, request.method
            head = path[1:]  # (Werkzeug's path starts with exactly one "/")
        else:
            # Exactly what Werkzeug's Request computes, without building one
            # (the latin-1/UTF-8 round trip is the identity for ASCII).
            try:  # (subscripts: a call of environ.get costs more)
                raw_path = environ["PATH_INFO"] or ""
                method = environ["REQUEST_METHOD"].upper()
            except KeyError:  # PEP 3333 lets an empty PATH_INFO be left out
                raw_path = environ.get("PATH_INFO") or ""
                method = environ.get("REQUEST_METHOD", "GET").upper()
            if not raw_path.isascii():
                raw_path = raw_path.encode("latin1").decode(errors="replace")
            head = raw_path.lstrip("/")
            path = "/" + head
        params: dict[str, Any]  # the bindings of the route being tried
        # Whether a route's wire chain may be used: it returns a plain 200 as
        # (body, content type), sent in the loop without a Response object, which
        # needs a server to send it to and a body to send (not HEAD).
        direct = start_response is not None and method != "HEAD"
        # The route index (routing/_index.py), inlined: the routes that may
        # match the path's first segment, in order.  (partition, not find:
        # str.find parses its arguments as a tuple, and costs more.)
        index = self._index
        try:
            for route in index._groups.get(head.partition("/")[0], index._default):
                matched = route.compiled.match(path)
                if matched is None:
                    continue
                if holder[3] is not None:
                    holder[3].attempted_routes.append(route)
                methods = route.methods
                if methods is not None and method not in methods:
                    self._state(holder, route).allowed_methods.update(methods)
                    continue
                params = matched
                # The chain that takes the URL bindings as they are, when
                # nothing else needs testing first (BoundRoute._fast): the
                # usual route with middleware.
                fast = route._fast
                if fast is None:
                    chain: Any = route._wire  # (a wire chain takes three arguments, the others one)
                    if chain is None or not direct:
                        if route is self._null_route and direct and holder[3] is None:
                            # No route took the request and none declined it:
                            # a plain 404, unless the error handler renders its own.
                            assert start_response is not None  # (direct)
                            answer = self._fast_not_found(environ, start_response)
                            if answer is not None:
                                return answer
                        chain = route._execute
                    if route._canonical_slash and (path[-1] != "/" or "//" in path):
                        # A branch route reached without its canonical trailing
                        # slash (ends with one "/", no "//").
                        if route.slash_mode == S_STRICT:
                            self._state(holder, route).add_exception(self.error_handler.not_found_type(
                                request=self._request(environ, holder, params), application=self,
                                source_route=route))
                            continue
                        redirect_chain = route._redirect_chain
                        assert redirect_chain is not None  # compiled for every redirect-mode branch route
                        chain = redirect_chain
                try:
                    if fast is not None:
                        response = fast(params)
                        kind = type(response)
                    elif chain is route._wire:
                        # It reads the URL bindings as they are and makes the
                        # Request, if it reads one, from environ and holder
                        # (CompiledChain.wire).
                        response = chain(params, environ, holder)  # type: ignore[misc]  # (chain is not None)
                        kind = type(response)
                        if kind is tuple:
                            # A plain 200, sent as to_wsgi sends the Response
                            # make_response would build
                            # (tests/test_dispatch_fastpaths.py); a Response
                            # after all when request-scoped resources (of a
                            # route that declined) are cleaned up first.
                            if holder[0] is not None:
                                response = make_response(*response)
                                kind = Response
                                break
                            data, content_type = response
                            start_response("200 OK", [("Content-Type", content_type),  # type: ignore[misc]  # (direct)
                                                      ("Content-Length", str(len(data)))])
                            body: Any = [data]
                            if holder[2] is None:
                                return body
                            break  # sent (kind is tuple): the Request is released below
                    elif chain is route._bare:  # (BoundRoute._bare)
                        response = chain(params)  # type: ignore[misc]  # (chain is not None)
                        kind = type(response)
                    else:
                        if route._lazy is None:
                            # A chain that only reads its scope gets the bindings themselves.
                            scope = params.copy() if route._copy_scope else params
                        else:
                            if holder[0] is None:
                                holder[0] = RequestResources()
                            scope = LazyScope(params, route._lazy, holder[0])
                        if route._scope_extras:  # needs_request, defers_request, needs_state or a redirect
                            if route.needs_request or chain is route._redirect_chain:
                                scope["request"] = self._request(environ, holder, params)
                            elif route.defers_request:
                                scope[_DEFERRED_REQUEST] = (self, environ, holder, params)
                            if route.needs_state:
                                scope["_dispatch_state"] = self._state(holder, route)
                        response = chain(scope)
                        kind = type(response)  # the exact type: a plain Response skips every isinstance call
                    if kind is not Response and not isinstance(response, Response):
                        raise TypeError(
                            f"Route {route.pattern!r}: expected a Response from the chain of"
                            f" {route.chain.arg_sources[-1][1].name}(), received {type(response).__name__!r};"
                            " give the route a render function (e.g. render_basic) or return a Response."
                        )
                except RerouteWSGI:
                    raise
                except HTTPException as exc:
                    response = holder[1] = exc
                    kind = None
                except WerkzeugHTTPException as exc:  # raised while parsing the request
                    holder[1] = exc
                    response = from_werkzeug(exc)
                    kind = None
                except Exception as exc:  # uncaught: the error handler decides (F5)
                    holder[1] = exc
                    response = self.error_handler.uncaught_to_response(
                        _error=exc, _application=self, _route=route,
                        request=self._request(environ, holder, params), **params)
                    kind = None
                if kind is not Response and isinstance(response, HTTPException):
                    if response.source_route is None:
                        response.source_route = route
                    # The null route's answer is final, even a deferred error
                    # it hands back (H4); other routes may decline (F6).
                    if not response.is_breaking and route is not self._null_route:
                        self._state(holder, route).add_exception(response)
                        holder[1] = None  # the next route starts without a failure
                        continue
                    self._state(holder, route)
                    response = self._render_error(response, self._request(environ, holder, params), holder, params)
                break
            else:  # pragma: no cover
                raise AssertionError("unreachable: the null route matches every path")
        except RerouteWSGI as reroute:
            self._abort_resources(holder, None)
            if start_response is None:
                raise
            return reroute.wsgi_app(environ, start_response)
        except BaseException as exc:  # e.g. reraise_uncaught: still clean up
            self._abort_resources(holder, exc)
            raise
        if kind is not tuple:  # (else a wire answer, sent in the loop: only its Request is left)
            if holder[0] is not None:
                response = self._close_resources(environ, holder, response, params)
                kind = type(response)  # (maybe an error now)
            if kind is Response and direct and response._status_code == 200 and not response._on_close \
                    and type(header_obj := response.headers) is ResponseHeaders and header_obj._plain \
                    and type(chunks := response.response) is list and len(chunks) == 1 and type(chunks[0]) is bytes:
                # A 200 as make_response builds it, maybe with headers
                # added after it by middleware: Werkzeug's Response.__call__
                # sends its status, header list and list of bytes as they
                # are (direct_passthrough or not) while the headers are
                # plain (ResponseHeaders._plain: a Content-Length, nothing
                # it rewrites).  The usual Response of a route with
                # middleware, checked here rather than in to_wsgi (one call
                # less); property-tested in tests/test_dispatch_fastpaths.py.
                start_response(response._status, header_obj._list.copy())  # type: ignore[misc]  # (direct)
                if holder[2] is None:
                    return chunks
                body = chunks
            elif start_response is None:
                return response
            else:
                body = to_wsgi(response, environ, start_response)
        request = holder[2]
        if request is not None:
            # (The flag first: reading __dict__ would build the dict of a
            # request that never needed one; see _wrappers._MAY_HAVE_FILES.)
            if request._clastic_like_may_have_files and request.__dict__.get("files"):
                # Uploaded files' temporary files, as Werkzeug's own apps close
                # them (Request.close only closes files: none, nothing to do).
                request.close()
            if environ.get("werkzeug.request") is request:
                del environ["werkzeug.request"]
        return body

    def _fast_not_found(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Optional[list[bytes]]:
        """Send the error handler's constant 404 (ErrorHandler._constant_not_found)
        for this request's ``Accept`` header; ``None`` when there is none to send.

        Equal to rendering it (tests/test_dispatch_fastpaths.py), minus the
        Request, the DispatchState and the error, which no one would see.
        """
        answers = self._not_found_answers
        if answers is None:
            return None
        mimetype = negotiate_accept(environ.get("HTTP_ACCEPT"))
        if mimetype is None:
            return None  # a header too long to memoise: the general path parses it
        status, headers, body = answers[mimetype]
        start_response(status, headers[:])  # a copy: the server or a wrapper may add to it
        return [body]

    @staticmethod
    def _scope_request(scope: Mapping[str, Any]) -> Any:
        """The Request for a chain that defers it (CompiledChain.request_deferred):
        built now from the scope's deferral entry, or the one already there."""
        deferred = scope.get(_DEFERRED_REQUEST)
        if deferred is None:
            return scope["request"]  # made up front (or given to BoundRoute.execute)
        app, environ, holder, params = deferred
        return app._request(environ, holder, params)

    def _dispatch_wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """The dispatcher as a WSGI callable, for wsgi_wrapper middleware to wrap."""
        return Application.__call__(self, environ, start_response, [None, None, None, None])

    def dispatch(self, request: Any) -> Any:
        """Route ``request`` and return a response (Clastic's O1-O3, H1-H4, F5-F7)."""
        return Application.__call__(self, request.environ, None, [None, None, request, None])

    @staticmethod
    def _state(holder: list[Any], route: BoundRoute) -> DispatchState:
        """The request's DispatchState, made on first need.

        Until then every matched route either served (ending routing) or
        needed the state to record why it did not, so ``attempted_routes``
        is complete: ``route`` is the current one, recorded on creation.
        """
        state = holder[3]
        if state is None:
            state = holder[3] = DispatchState()
            state.attempted_routes.append(route)
        return state

    def _request(self, environ: dict[str, Any], holder: list[Any], params: Mapping[str, Any]) -> Any:
        """The request's Request object, built on first use."""
        request = holder[2]
        if request is None:
            request_type: Any = self.request_type
            if request_type is self._plain_request_type:
                # What Request.__init__ does, in one step (it only stores;
                # ``shallow`` keeps its class default, False).
                request = holder[2] = _new_object(request_type)
                request.environ = environ
                request.request_id = next(self._request_ids)
                request.path_params = params
                environ["werkzeug.request"] = request
                return request
            request = holder[2] = request_type(environ)
            request.__dict__["request_id"] = next(self._request_ids)
        request.__dict__["path_params"] = params
        return request

    @staticmethod
    def _abort_resources(holder: list[Any], failure: Optional[BaseException]) -> None:
        if holder[0] is not None:
            holder[0].close(failure)

    def _close_resources(self, environ: dict[str, Any], holder: list[Any], response: Any,
                         params: Mapping[str, Any]) -> Any:
        """Clean up request-scoped resources once the answer is known.

        A failed cleanup turns the answer into a 500: the client is not told
        about a success that did not (fully) happen.
        """
        failure = holder[1]
        if failure is None and isinstance(response, HTTPException):
            failure = response  # an error answer, even returned, is a failed request
        cleanup_error = holder[0].close(failure)
        if cleanup_error is None:
            return response
        request = self._request(environ, holder, params)
        error = self.error_handler.uncaught_to_response(
            _error=cleanup_error, _application=self, _route=None, request=request)
        return self._render_error(error, request, holder, params)

    def _render_error(self, error: HTTPException, request: Any, holder: list[Any],
                      params: Mapping[str, Any]) -> Any:
        """Render a final error with its route's ``render_error`` (F7)."""
        route = error.source_route if isinstance(error.source_route, BoundRoute) else self._null_route
        state = holder[3] if holder[3] is not None else self._state(holder, route)
        try:
            rendered = route._run_error(request, error, state, params)
        except Exception:
            # The client still gets the error, negotiated by the fallback;
            # the broken renderer must not go unnoticed.
            logger.exception("render_error of route %r failed rendering %r; using the default renderer",
                             route.pattern, error)
        else:
            if isinstance(rendered, Response):
                return rendered
            logger.error("render_error of route %r returned %r, not a Response; using the default renderer",
                         route.pattern, type(rendered).__name__)
        return default_render_error(request, error)

    # -- conveniences ---------------------------------------------------------
    def iter_routes(self) -> Iterator[BoundRoute]:
        return iter(self.routes)

    def get_local_client(self) -> Client:
        """Werkzeug's test client for this application (cookies kept)."""
        return Client(self)

    def serve(self, address: str = "127.0.0.1", port: int = 5000, use_reloader: bool = True,
              use_debugger: Optional[bool] = None, threaded: bool = True, **kw: Any) -> None:
        """Run Werkzeug's development server on this application (never for production).

        ``use_debugger=None`` follows ``debug``; with the debugger on, the
        error handler re-raises uncaught exceptions so Werkzeug's interactive
        debugger receives them.  Other keyword arguments go to
        ``werkzeug.serving.run_simple``.  See :mod:`clastic_like.server`.
        """
        from .server import run_app  # late: the server module imports this one

        run_app(self, address, port, use_reloader=use_reloader, use_debugger=use_debugger,
                threaded=threaded, **kw)

    def __repr__(self) -> str:
        return (f"<{type(self).__name__} routes_count={len(self.routes)} resources_keys={sorted(self.resources)!r}"
                f" middlewares={self.middlewares!r} render_factory={self.render_factory!r}"
                f" slash_mode={self.slash_mode!r} debug={self.debug!r}>")
