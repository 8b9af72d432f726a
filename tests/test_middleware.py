"""Middleware: the hook contract, nesting, provides, short-circuiting,
``wsgi_wrapper``, merging and checking, the chain builder and the built-in
``DummyMiddleware`` / ``GetParamMiddleware``.

Statement numbers (MW1, F2, C11, ...) refer to shared/spec/clastic-reference.md;
where clastic_like deliberately differs from Clastic the new behaviour is
tested (see docs/compat.md).
"""
import re

import pytest

from clastic_like import (
    Application,
    GetParamMiddleware,
    Middleware,
    NotFound,
    Response,
    Route,
    render_basic,
)
from clastic_like.errors import ErrorHandler
from clastic_like.middleware import (
    DummyMiddleware,
    check_middleware,
    check_middlewares,
    make_middleware_chain,
    merge_middlewares,
)

# -- helpers ------------------------------------------------------------------


def fetch(app, path="/", method="GET", **kw):
    """Serve one request; return (status, text body)."""
    resp = app.get_local_client().open(path, method=method, **kw)
    return resp.status_code, resp.get_data(as_text=True)


def make_func(name, params, body="return None", namespace=None):
    """A plain function with exactly the given parameter names."""
    ns = dict(namespace or {})
    body = body.replace("\n", "\n    ")
    exec(f"def {name}({', '.join(params)}):\n    {body}\n", ns)
    return ns[name]


_PROVIDE_ATTR = {"request": "provides", "endpoint": "endpoint_provides", "render": "render_provides"}


def phase_mw(phase, hook, provides=(), name=None, **attrs):
    """A middleware class with one hook for ``phase`` declaring ``provides``."""
    ns = {phase: hook, _PROVIDE_ATTR[phase]: tuple(provides), **attrs}
    return type(name or f"{phase.title()}MW", (Middleware,), ns)


class Tracer(Middleware):
    """Logs entering and leaving each of its hooks (non-unique, so never merged away)."""

    unique = False

    def __init__(self, label, log, hooks=("request",)):
        self.label = label
        self.log = log
        self.hooks = hooks

    def request(self, next):
        if "request" not in self.hooks:
            return next()
        self.log.append(f"{self.label}.request>")
        ret = next()
        self.log.append(f"<{self.label}.request")
        return ret

    def endpoint(self, next):
        if "endpoint" not in self.hooks:
            return next()
        self.log.append(f"{self.label}.endpoint>")
        ret = next()
        self.log.append(f"<{self.label}.endpoint")
        return ret

    def render(self, next, context):
        if "render" not in self.hooks:
            return next()
        self.log.append(f"{self.label}.render>")
        ret = next()
        self.log.append(f"<{self.label}.render")
        return ret


def traced_route(pattern, log, middlewares=()):
    def endpoint():
        log.append("endpoint")
        return {"ok": True}

    def render(context):
        log.append("render")
        return Response("rendered")

    return Route(pattern, endpoint, render, middlewares=list(middlewares))


class ProvidesA(Middleware):
    provides = ("a",)

    def request(self, next):
        return next(a="A")


class ProvidesB(Middleware):
    provides = ("b",)

    def request(self, next):
        return next(b="B")


class NonUnique(Middleware):
    unique = False


class NonReorderable(Middleware):
    reorderable = False


# -- MW1: the contract ------------------------------------------------------------

def test_hooks_wrap_their_phases():
    """MW1/MW2: request hooks wrap endpoint and render; endpoint and render hooks wrap only their phase."""
    log = []
    app = Application([traced_route("/", log, [Tracer("m", log, ("request", "endpoint", "render"))])])
    assert fetch(app) == (200, "rendered")
    assert log == ["m.request>", "m.endpoint>", "endpoint", "<m.endpoint",
                   "m.render>", "render", "<m.render", "<m.request"]


def test_duck_typed_middleware_works():
    """MW1: an object that does not subclass Middleware but has hooks and provides works."""
    class Duck:
        provides = ("quack",)

        def request(self, next):
            return next(quack="quack!")

    app = Application([("/", lambda quack: quack, render_basic)], middlewares=[Duck()])
    assert fetch(app) == (200, "quack!")


def test_provides_may_be_set_per_instance():
    """MW1: `provides` may be set on the instance, so two instances of one class provide different names."""
    class Provide(Middleware):
        unique = False

        def __init__(self, name, value):
            self.provides = (name,)
            self.value = value

        def request(self, next):
            return next(**{self.provides[0]: self.value})

    app = Application([("/", lambda x, y: f"{x}{y}", render_basic)], middlewares=[Provide("x", 1), Provide("y", 2)])
    assert fetch(app) == (200, "12")


@pytest.mark.parametrize(
    "phase, expected_type",
    [("request", Response), ("endpoint", dict), ("render", Response)],
)
def test_next_returns_the_rest_of_its_phase(phase, expected_type):
    """MW1/F2: a request or render hook's next() returns the Response; an endpoint hook's returns the endpoint's result."""
    seen = []
    hook_fn = make_func(phase, ("self", "next") + (("context",) if phase == "render" else ()),
                        "ret = next()\n_seen.append(ret)\nreturn ret", {"_seen": seen})
    app = Application([("/", lambda: {"k": 1}, render_basic)], middlewares=[phase_mw(phase, hook_fn)()])
    assert fetch(app)[0] == 200
    assert len(seen) == 1
    assert isinstance(seen[0], expected_type)


@pytest.mark.parametrize("endpoint_returns_response", [True, False], ids=["endpoint-response", "rendered"])
def test_request_hook_sees_whichever_response_came_back(endpoint_returns_response):
    """F2: a request hook receives the endpoint's Response or the render's, and may modify it."""
    class Stamp(Middleware):
        def request(self, next):
            resp = next()
            resp.headers["X-Stamp"] = "yes"
            return resp

    endpoint = (lambda: Response("direct")) if endpoint_returns_response else (lambda: "rendered")
    resp = Application([("/", endpoint, render_basic)], middlewares=[Stamp()]).get_local_client().get("/")
    assert resp.status_code == 200
    assert resp.headers["X-Stamp"] == "yes"


# -- MW2: nesting order ------------------------------------------------------------

def test_app_then_subapp_then_route_middlewares_nest_outside_in():
    """MW2: app middlewares are outermost, then sub-application middlewares, then route middlewares."""
    log = []
    sub = Application([traced_route("/", log, [Tracer("route", log)])], middlewares=[Tracer("sub", log)])
    app = Application([("/sub", sub)], middlewares=[Tracer("app", log)])
    assert fetch(app, "/sub/") == (200, "rendered")
    assert log == ["app.request>", "sub.request>", "route.request>", "endpoint", "render",
                   "<route.request", "<sub.request", "<app.request"]


def test_first_middleware_in_a_list_is_outermost():
    """MW2: within one middleware list the first is outermost, for every phase."""
    log = []
    hooks = ("request", "endpoint", "render")
    app = Application([traced_route("/", log)], middlewares=[Tracer("1", log, hooks), Tracer("2", log, hooks)])
    assert fetch(app) == (200, "rendered")
    assert log == ["1.request>", "2.request>",
                   "1.endpoint>", "2.endpoint>", "endpoint", "<2.endpoint", "<1.endpoint",
                   "1.render>", "2.render>", "render", "<2.render", "<1.render",
                   "<2.request", "<1.request"]


@pytest.mark.parametrize(
    "method, path, status",
    [("GET", "/nowhere", 404), ("POST", "/", 405)],
)
def test_app_middleware_runs_for_null_route(method, path, status):
    """F8: application middlewares wrap the NullRoute, so they run for 404 and 405 responses."""
    log = []
    app = Application([Route("/", lambda: Response("ok"), methods=["GET"])], middlewares=[Tracer("app", log)])
    assert fetch(app, path, method)[0] == status
    assert log == ["app.request>", "<app.request"]


# -- provides in each phase --------------------------------------------------------

def _ctx_render(context, **kw):
    return Response(f"{context}|{','.join(f'{k}={v}' for k, v in sorted(kw.items()))}")


@pytest.mark.parametrize(
    "phase, endpoint_params, render_params, expected",
    [
        pytest.param("request", ("v",), ("v",), "ep:V|v=V", id="request-provides-to-endpoint-and-render"),
        pytest.param("endpoint", ("v",), (), "ep:V|", id="endpoint-provides-to-endpoint"),
        pytest.param("render", (), ("v",), "ep:none|v=V", id="render-provides-to-render"),
    ],
)
def test_provides_reach_their_phase(phase, endpoint_params, render_params, expected):
    """MW1/I3: provides reach endpoint and render, endpoint_provides the endpoint, render_provides the render."""
    hook = make_func(phase, ("self", "next") + (("context",) if phase == "render" else ()), "return next(v='V')")
    endpoint = make_func("endpoint", endpoint_params, f"return 'ep:' + {endpoint_params[0] if endpoint_params else repr('none')}")
    render = make_func("render", ("context",) + render_params,
                       f"return _r(context, {', '.join(f'{p}={p}' for p in render_params)})", {"_r": _ctx_render})
    app = Application([("/", endpoint, render)], middlewares=[phase_mw(phase, hook, ("v",))()])
    assert fetch(app) == (200, expected)


_NEXT_CALLS = {
    "positional": "next('1', '2')",
    "keyword": "next(a='1', b='2')",
    "keyword-reordered": "next(b='2', a='1')",
    "mixed": "next('1', b='2')",
}


@pytest.mark.parametrize("style", sorted(_NEXT_CALLS))
@pytest.mark.parametrize("phase", ["request", "endpoint", "render"])
def test_next_accepts_provides_positionally_or_by_keyword(phase, style):
    """F3: next() takes the hook's provides positionally in declared order or by keyword."""
    hook = make_func(phase, ("self", "next") + (("context",) if phase == "render" else ()),
                     f"return {_NEXT_CALLS[style]}")
    mw = phase_mw(phase, hook, ("a", "b"))()
    if phase == "render":
        route = ("/", lambda: "ctx", lambda context, a, b: Response(f"{context}:{a}{b}"))
        expected = "ctx:12"
    else:
        route = ("/", lambda a, b: f"{a}{b}", render_basic)
        expected = "12"
    assert fetch(Application([route], middlewares=[mw])) == (200, expected)


@pytest.mark.parametrize(
    "call",
    ["next()", "next(a='1')", "next('1', '2', '3')", "next(a='1', b='2', c='3')"],
    ids=["none", "missing-one", "too-many", "unknown-keyword"],
)
def test_next_called_with_wrong_provides_is_a_500(call):
    """F3/C18: next() must receive exactly the hook's provides; anything else fails at request time (500)."""
    hook = make_func("request", ("self", "next"), f"return {call}")
    app = Application([("/", lambda a, b: "x", render_basic)], middlewares=[phase_mw("request", hook, ("a", "b"))()])
    assert fetch(app)[0] == 500


# -- short-circuit ---------------------------------------------------------------

@pytest.mark.parametrize(
    "phase, skipped",
    [("request", {"endpoint", "render"}), ("endpoint", {"endpoint"}), ("render", {"render"})],
)
def test_hook_may_short_circuit(phase, skipped):
    """F3: a hook that does not call next() replaces the rest of its phase with its own return value."""
    log = []
    hook = make_func(phase, ("self", "next") + (("context",) if phase == "render" else ()),
                     "return _Response('short') if _phase != 'endpoint' else 'short'",
                     {"_Response": Response, "_phase": phase})

    def endpoint():
        log.append("endpoint")
        return "from endpoint"

    def render(context):
        log.append("render")
        return Response(str(context))

    app = Application([("/", endpoint, render)], middlewares=[phase_mw(phase, hook)()])
    assert fetch(app) == (200, "short")
    assert not skipped & set(log)


# -- render skipped when the endpoint returns a Response -----------------------------

class RenderHookRaises(Middleware):
    def render(self, next, context):
        raise RuntimeError("render hook ran")


@pytest.mark.parametrize(
    "result, status",
    [(lambda: Response("direct"), 200), (lambda: {"a": 1}, 500)],
    ids=["response", "dict"],
)
def test_render_hook_skipped_when_endpoint_returns_response(result, status):
    """MW5: a raising render hook does not affect a Response-returning endpoint but 500s a dict-returning one."""
    app = Application([("/", result, render_basic)], middlewares=[RenderHookRaises()])
    assert fetch(app)[0] == status


@pytest.mark.parametrize(
    "result, status",
    [(lambda: Response("direct", status=201), 201), (lambda: NotFound("gone"), 404)],
    ids=["response", "returned-http-exception"],
)
def test_render_function_skipped_when_endpoint_returns_response(result, status):
    """F2/B6: the render function is not called when the endpoint returns a Response (HTTPException included)."""
    calls = []

    def render(context):
        calls.append(context)
        return Response("rendered")

    app = Application([("/", result, render)])
    assert fetch(app)[0] == status
    assert calls == []


# -- MW4: wsgi_wrapper -------------------------------------------------------------

def wrapper_mw(label, log):
    """A middleware class named ``label`` whose wsgi_wrapper logs ``label`` per request."""
    def wsgi_wrapper(wsgi_app):
        def wrapped(environ, start_response):
            log.append(label)
            return wsgi_app(environ, start_response)
        return wrapped

    return type(label, (Middleware,), {"wsgi_wrapper": staticmethod(wsgi_wrapper)})


def test_wsgi_wrappers_first_collected_is_outermost():
    """MW4: wsgi_wrappers wrap the application so the first collected middleware is outermost (X before Y)."""
    log = []
    app = Application([("/", lambda: Response("ok"))],
                      middlewares=[wrapper_mw("X", log)(), wrapper_mw("Y", log)()])
    assert fetch(app) == (200, "ok")
    assert log == ["X", "Y"]


def test_wsgi_wrappers_collected_from_routes_once_each():
    """MW4: route middlewares contribute wsgi_wrappers too, deduplicated by ==."""
    log = []
    X = wrapper_mw("X", log)
    app = Application([Route("/a", lambda: Response("a"), middlewares=[X()]),
                       Route("/b", lambda: Response("b"), middlewares=[X()])])
    assert fetch(app, "/b") == (200, "b")
    assert log == ["X"]


def test_error_handler_wsgi_wrapper_is_innermost():
    """MW4: the error handler's wsgi_wrapper is applied inside the middleware wrappers."""
    log = []

    class Handler(ErrorHandler):
        pass

    Handler.wsgi_wrapper = staticmethod(wrapper_mw("EH", log).wsgi_wrapper)
    app = Application([("/", lambda: Response("ok"))], middlewares=[wrapper_mw("X", log)()],
                      error_handler=Handler())
    assert fetch(app) == (200, "ok")
    assert log == ["X", "EH"]


def test_route_added_after_init_contributes_wsgi_wrapper():
    """MW4 (changed): a route added with add() after construction contributes its wsgi_wrapper."""
    log = []
    app = Application([("/", lambda: Response("ok"))])
    app.add(Route("/late", lambda: Response("late"), middlewares=[wrapper_mw("Late", log)()]))
    assert fetch(app, "/late") == (200, "late")
    assert log == ["Late"]


def test_wsgi_wrapper_result_must_be_wsgi_callable():
    """C12: a wsgi_wrapper returning something that is not a WSGI callable raises TypeError at construction."""
    class BadWrapper(Middleware):
        @staticmethod
        def wsgi_wrapper(wsgi_app):
            return lambda: None

    with pytest.raises(TypeError, match="expected valid WSGI callable from"):
        Application([("/", lambda: Response("ok"))], middlewares=[BadWrapper()])


# -- MW3: equality, merge_middlewares ------------------------------------------------

@pytest.mark.parametrize(
    "a, b, equal",
    [
        (DummyMiddleware(), DummyMiddleware(), True),
        (DummyMiddleware(verbose=True), DummyMiddleware(verbose=False), True),
        (ProvidesA(), ProvidesB(), False),
        (ProvidesA(), object(), False),
    ],
    ids=["same-type", "same-type-configured-differently", "different-types", "non-middleware"],
)
def test_middleware_equality_is_by_type(a, b, equal):
    """MW3: middleware equality is type(a) == type(b)."""
    assert (a == b) is equal
    assert (a != b) is not equal


def test_middleware_instances_are_unhashable():
    """MW3: middleware instances are unhashable."""
    with pytest.raises(TypeError):
        hash(DummyMiddleware())


@pytest.mark.parametrize(
    "old, new, expected",
    [
        pytest.param(["a2"], ["a1"], ["a1"], id="unique-duplicate-from-inner-dropped"),
        pytest.param(["dv"], ["d"], ["d"], id="dropped-even-if-configured-differently"),
        pytest.param(["n2"], ["n1"], ["n1", "n2"], id="non-unique-kept"),
        pytest.param(["b"], ["a1"], ["a1", "b"], id="new-first-then-old"),
        pytest.param([], ["a1", "a2"], ["a1", "a2"], id="duplicates-in-new-kept"),
        pytest.param(["a1", "a2"], [], ["a1", "a2"], id="duplicates-in-old-kept"),
    ],
)
def test_merge_middlewares(old, new, expected):
    """MW3: merge_middlewares(inner, outer) puts outer first and drops unique reorderable inner duplicates only."""
    pool = {"a1": ProvidesA(), "a2": ProvidesA(), "b": ProvidesB(), "d": DummyMiddleware(),
            "dv": DummyMiddleware(verbose=True), "n1": NonUnique(), "n2": NonUnique()}
    merged = merge_middlewares([pool[k] for k in old], [pool[k] for k in new])
    assert [id(m) for m in merged] == [id(pool[k]) for k in expected]


def test_merge_non_reorderable_duplicate_raises():
    """C15: merging a unique, non-reorderable duplicate raises ValueError 'multiple inclusion of unique middleware'."""
    with pytest.raises(ValueError, match=re.escape("multiple inclusion of unique middleware 'NonReorderable'")):
        merge_middlewares([NonReorderable()], [NonReorderable()])


def test_application_with_non_reorderable_duplicate_fails_construction():
    """C15/MW3: a route repeating an app's unique non-reorderable middleware fails at construction."""
    with pytest.raises(ValueError, match="multiple inclusion of unique middleware"):
        Application([Route("/", lambda: Response("ok"), middlewares=[NonReorderable()])],
                    middlewares=[NonReorderable()])


def test_duplicates_within_one_list_are_all_kept():
    """MW3: duplicates inside one middleware list are never removed (80 DummyMiddlewares all kept)."""
    app = Application([Route("/", lambda: Response("ok"), middlewares=[DummyMiddleware() for _ in range(80)])])
    assert len(app.routes[0].middlewares) == 80
    assert fetch(app) == (200, "ok")


def test_parent_and_subapp_duplicate_merged_to_one():
    """SA5/MW3: a parent and a sub application each with one DummyMiddleware give the bound route one."""
    parent_mw = DummyMiddleware()
    sub = Application([("/", lambda: Response("ok"))], middlewares=[DummyMiddleware(verbose=True)])
    app = Application([("/sub", sub)], middlewares=[parent_mw])
    assert len(app.routes[0].middlewares) == 1
    assert app.routes[0].middlewares[0] is parent_mw


def test_route_duplicate_of_app_middleware_runs_once():
    """MW3: a unique middleware at app and route level runs once, at the app's (outer) position."""
    log = []

    class Once(Middleware):
        def request(self, next):
            log.append("once")
            return next()

    app = Application([Route("/", lambda: Response("ok"), middlewares=[Once()])], middlewares=[Once()])
    assert fetch(app) == (200, "ok")
    assert log == ["once"]


# -- C11/C12: check_middleware --------------------------------------------------------

def _bad(name, **attrs):
    return type(name, (Middleware,), attrs)()


BAD_MIDDLEWARES = [
    pytest.param(_bad("NonCallable", request="not callable"), TypeError, r"(?i)expected NonCallable\.request to be a function",
                 id="non-callable-hook"),
    pytest.param(_bad("NextNotFirst", request=lambda self, request, next: next()), TypeError,
                 "must take argument 'next' as the first parameter", id="next-not-first"),
    pytest.param(_bad("NoParams", request=lambda self: None), TypeError, "next", id="request-hook-without-parameters"),
    pytest.param(_bad("NoParamsEndpoint", endpoint=lambda self: None), TypeError, "next",
                 id="endpoint-hook-without-parameters"),
    pytest.param(_bad("NoParamsStatic", render=staticmethod(lambda: None)), TypeError, "next",
                 id="static-render-hook-without-parameters"),
    pytest.param(_bad("BadProvide", provides=("not an identifier",), request=lambda self, next: next()),
                 TypeError, "identifier", id="provide-not-identifier"),
    pytest.param(_bad("KeywordProvide", endpoint_provides=("class",), endpoint=lambda self, next: next()),
                 TypeError, "identifier", id="provide-is-keyword"),
    pytest.param(_bad("BadWrapper", wsgi_wrapper="not callable"), TypeError,
                 r"(?i)expected middleware\.wsgi_wrapper to be callable or None", id="non-callable-wsgi-wrapper"),
]


@pytest.mark.parametrize("mw, exc_type, pattern", BAD_MIDDLEWARES)
def test_check_middleware_rejects_bad_middleware(mw, exc_type, pattern):
    """C11/C12: check_middleware refuses non-callable hooks, hooks not taking `next` first, bad provides and wrappers."""
    with pytest.raises(exc_type, match=pattern):
        check_middleware(mw)


@pytest.mark.parametrize("level", ["app", "route"])
@pytest.mark.parametrize("mw, exc_type, pattern", BAD_MIDDLEWARES)
def test_application_rejects_bad_middleware(mw, exc_type, pattern, level):
    """C11/C12: a bad app-level or route-level middleware fails Application construction with the same error."""
    with pytest.raises(exc_type, match=pattern):
        if level == "app":
            Application([("/", lambda: Response("ok"))], middlewares=[mw])
        else:
            Application([Route("/", lambda: Response("ok"), middlewares=[mw])])


@pytest.mark.parametrize(
    "middlewares, args_dict",
    [
        pytest.param([ProvidesA(), ProvidesA()], None, id="two-providers"),
        pytest.param([ProvidesA()], {"url": ["a"]}, id="middleware-vs-url"),
        pytest.param([ProvidesA()], {"resources": ["a"]}, id="middleware-vs-resource"),
        pytest.param([], {"url": ["a"], "builtins": ["a"]}, id="url-vs-builtins"),
    ],
)
def test_check_middlewares_refuses_conflicting_provides(middlewares, args_dict):
    """C2: check_middlewares raises NameError when two sources provide one name."""
    with pytest.raises(NameError, match="found conflicting provides"):
        check_middlewares(middlewares, args_dict)


def test_check_middlewares_accepts_distinct_provides():
    """C2: check_middlewares passes (returns None) when every name has one source."""
    assert check_middlewares([ProvidesA(), ProvidesB()], {"url": ["x"], "resources": ["y"]}) is None


# -- make_middleware_chain --------------------------------------------------------------

def test_make_middleware_chain_runs_hooks_endpoint_and_render():
    """MW1: make_middleware_chain compiles hooks, endpoint and render into a callable taking the preprovided names."""
    chain = make_middleware_chain([ProvidesA(), ProvidesB()], lambda a, b, pre: [a, b, pre],
                                  lambda context: "+".join(context), ["pre"])
    assert chain(pre="P") == "A+B+P"


def test_make_middleware_chain_without_render_returns_endpoint_result():
    """MW1: without a render the chain returns the endpoint's result."""
    result = object()
    chain = make_middleware_chain([ProvidesA()], lambda a: result, None, [])
    assert chain() is result


def test_make_middleware_chain_skips_render_for_response():
    """F2: a chain from make_middleware_chain skips the render when the endpoint returns a Response."""
    resp = Response("direct")
    chain = make_middleware_chain([], lambda: resp, lambda context: "rendered", [])
    assert chain() is resp


def test_make_middleware_chain_refuses_unresolved_argument():
    """C4: make_middleware_chain raises NameError for an argument nothing provides."""
    with pytest.raises(NameError, match="'missing'"):
        make_middleware_chain([ProvidesA()], lambda a, missing: None, None, ["pre"])


# -- DummyMiddleware --------------------------------------------------------------

def test_dummy_middleware_passes_through():
    """MW3/§1.4: DummyMiddleware does not change the response."""
    app = Application([("/", lambda: "hi", render_basic)], middlewares=[DummyMiddleware()])
    resp = app.get_local_client().get("/")
    assert (resp.status_code, resp.get_data(as_text=True), resp.mimetype) == (200, "hi", "text/plain")


@pytest.mark.parametrize("verbose", [True, False])
def test_dummy_middleware_prints_only_when_verbose(verbose, capsys):
    """§1.4: DummyMiddleware(verbose=True) prints the request method and path; otherwise it prints nothing."""
    app = Application([("/<x>", lambda: Response("ok"))], middlewares=[DummyMiddleware(verbose=verbose)])
    assert fetch(app, "/here") == (200, "ok")
    out = capsys.readouterr().out
    if verbose:
        assert "GET" in out and "/here" in out
    else:
        assert out == ""


# -- GetParamMiddleware -----------------------------------------------------------

@pytest.mark.parametrize(
    "params, query, expected",
    [
        pytest.param({"limit": int}, "limit=5", {"limit": 5}, id="int"),
        pytest.param({"limit": int}, "", {"limit": None}, id="missing"),
        pytest.param({"limit": int}, "limit=abc", {"limit": None}, id="unconvertible"),
        pytest.param({"limit": int}, "limit=", {"limit": None}, id="empty-unconvertible"),
        pytest.param({"ratio": float}, "ratio=0.5", {"ratio": 0.5}, id="float"),
        pytest.param({"q": str}, "q=hi+there", {"q": "hi there"}, id="str"),
        pytest.param({"limit": int}, "limit=5&limit=6", {"limit": 5}, id="first-of-repeated"),
        pytest.param(["a", "b"], "a=1", {"a": "1", "b": None}, id="names-without-types"),
        pytest.param("q", "q=x", {"q": "x"}, id="single-name"),
        pytest.param({"a": int, "b": float}, "a=1&b=x", {"a": 1, "b": None}, id="mixed"),
    ],
)
def test_get_param_middleware_provides_converted_query_params(params, query, expected):
    """GP1: GetParamMiddleware provides each query parameter converted to its type; missing or unconvertible → None."""
    names = sorted(expected)
    endpoint = make_func("endpoint", names, f"return {{{', '.join(f'{n!r}: {n}' for n in names)}}}")
    seen = []

    def render(context):
        seen.append(context)
        return Response("ok")

    app = Application([("/", endpoint, render)], middlewares=[GetParamMiddleware(params)])
    assert fetch(app, "/?" + query) == (200, "ok")
    assert seen == [expected]
    assert {k: type(v) for k, v in seen[0].items()} == {k: type(v) for k, v in expected.items()}


def test_get_param_middleware_with_empty_mapping_provides_nothing():
    """GP1: GetParamMiddleware({}) is valid and provides nothing."""
    mw = GetParamMiddleware({})
    assert tuple(mw.provides) == ()
    assert fetch(Application([("/", lambda: Response("ok"))], middlewares=[mw])) == (200, "ok")


@pytest.mark.parametrize(
    "params",
    [None, {"a": None}, {"a": "int"}, {"a": 3}],
    ids=["none", "none-type", "string-type", "int-type"],
)
def test_get_param_middleware_rejects_bad_spec(params):
    """C13: GetParamMiddleware with None or a non-type mapping value raises TypeError."""
    with pytest.raises(TypeError):
        GetParamMiddleware(params)


def test_on_bind_called_once_per_application_at_construction():
    """A middleware's on_bind(app) hook runs once per application when it is built, before any request."""
    seen = []

    class Checker(Middleware):
        def on_bind(self, app):
            seen.append(app)

        def request(self, next):
            return next()

    mw = Checker()
    app1 = Application([("/a", lambda: Response("a")), ("/b", lambda: Response("b"))], middlewares=[mw])
    app2 = Application([("/c", lambda: Response("c"))], middlewares=[mw])
    assert seen == [app1, app2]


def test_on_bind_error_fails_construction():
    """An exception raised by on_bind aborts Application construction."""
    class NeedsDebug(Middleware):
        def on_bind(self, app):
            if not app.debug:
                raise ValueError("NeedsDebug requires Application(debug=True).")

    with pytest.raises(ValueError, match="requires Application"):
        Application([("/", lambda: Response("x"))], middlewares=[NeedsDebug()])
    assert Application([("/", lambda: Response("x"))], middlewares=[NeedsDebug()], debug=True)
