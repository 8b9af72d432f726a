"""Dependency injection: sources, built-ins, defaults, construction errors,
required-argument introspection and the kinds of callable an endpoint may be.

Statement numbers (I1, C4, D1, ...) refer to shared/spec/clastic-reference.md;
where clastic_like deliberately differs from Clastic the new behaviour is
tested (see docs/compat.md).
"""
import functools
import inspect
import re

import pytest

from clastic_like import (
    GET,
    RESERVED_ARGS,
    Application,
    DispatchState,
    Middleware,
    NotFound,
    Request,
    Response,
    Route,
    clastic_decorator,
    render_basic,
    render_json,
)
from clastic_like.errors import ErrorHandler
from clastic_like.routing import BoundRoute

# -- helpers ------------------------------------------------------------------

SOURCE_WORDS = ("URL bindings", "resources", "middleware provides", "built-ins")


def fetch(app, path="/", method="GET", **kw):
    """Serve one request; return (status, text body)."""
    resp = app.get_local_client().open(path, method=method, **kw)
    return resp.status_code, resp.get_data(as_text=True)


def make_func(name, params, body="return None", namespace=None):
    """A plain function with exactly the given parameter names."""
    ns = dict(namespace or {})
    exec(f"def {name}({', '.join(params)}):\n    {body}\n", ns)
    return ns[name]


_PROVIDE_ATTR = {"request": "provides", "endpoint": "endpoint_provides", "render": "render_provides"}


def make_mw(phase, needs=(), provides=()):
    """A middleware whose ``phase`` hook asks for ``needs`` and passes ``provides``."""
    call = ", ".join(f"{p}={p!r}" for p in provides)
    hook = make_func(phase, ("self", "next") + tuple(needs), f"return next({call})")
    name = f"{phase.title()}Needs{'_'.join(needs) or 'Nothing'}Gives{'_'.join(provides) or 'Nothing'}"
    cls = type(name, (Middleware,), {phase: hook, _PROVIDE_ATTR[phase]: tuple(provides), "unique": False})
    return cls()


# Module-level callables so that their qualified names are predictable.

def hello_world(first_name):
    return f"Hello, {first_name}!"


def greet(greeting, name):
    return f"{greeting}, {name}"


def echo_name(name):
    return f"name={name}"


def posonly_endpoint(name, /):
    return name


def endpoint_with_next(next):
    return "never"


def render_with_next(context, next):
    return Response(str(context))


def error_renderer_unknown(_error, nopenope):
    return Response("never")


def error_renderer_unknown_defaulted(_error, nopenope=None):
    return Response("never")


def error_renderer_url(_error, name):
    return Response("never")


def error_renderer_provide(_error, a):
    return Response("never")


def raise_not_found():
    raise NotFound("nothing here")


class ProvidesA(Middleware):
    provides = ("a",)

    def request(self, next):
        return next(a="A")


class NeedsToken(Middleware):
    def request(self, next, token):
        return next()


class NeedsName(Middleware):
    def request(self, next, name):
        return next()


class EndpointNeedsToken(Middleware):
    def endpoint(self, next, token):
        return next()


class RenderNeedsToken(Middleware):
    def render(self, next, context, token):
        return next()


class EndpointProvidesX(Middleware):
    endpoint_provides = ("x",)

    def endpoint(self, next):
        return next(x=1)


class RenderProvidesX(Middleware):
    render_provides = ("x",)

    def render(self, next, context):
        return next(x=1)


class UnknownArgErrorHandler(ErrorHandler):
    def render_error(self, request, _error, nopenope=None, **kw):
        return _error


# -- I1: the four sources ----------------------------------------------------

def _ep_name(name):
    return str(name)


@pytest.mark.parametrize(
    "build, path, expected",
    [
        pytest.param(lambda: Application([("/<name>", _ep_name, render_basic)]), "/bound", "bound",
                     id="url-binding"),
        pytest.param(lambda: Application([("/", _ep_name, render_basic)], resources={"name": "res"}), "/", "res",
                     id="app-resource"),
        pytest.param(lambda: Application([Route("/", _ep_name, render_basic, resources={"name": "res"})]), "/",
                     "res", id="route-resource"),
        pytest.param(lambda: Application([("/", _ep_name, render_basic)],
                                         middlewares=[make_mw("request", provides=("name",))]), "/", "name",
                     id="request-provides"),
        pytest.param(lambda: Application([("/", _ep_name, render_basic)],
                                         middlewares=[make_mw("endpoint", provides=("name",))]), "/", "name",
                     id="endpoint-provides"),
    ],
)
def test_endpoint_argument_is_injected_from_each_source(build, path, expected):
    """I1: an endpoint argument is filled from URL bindings, resources or middleware provides."""
    assert fetch(build(), path) == (200, expected)


@pytest.mark.parametrize(
    "middleware, expected",
    [
        (make_mw("request", provides=("r",)), "r"),
        (make_mw("render", provides=("r",)), "r"),
    ],
    ids=["request-provides", "render-provides"],
)
def test_render_argument_is_injected_from_middleware_provides(middleware, expected):
    """I1/I3: a render function receives request provides and render provides."""
    def render(context, r):
        return Response(f"{context}:{r}")

    app = Application([("/", lambda: "ctx", render)], middlewares=[middleware])
    assert fetch(app) == (200, f"ctx:{expected}")


# -- I2: built-ins --------------------------------------------------------------

def test_request_builtin_is_the_clastic_request():
    """I2: `request` is the framework Request carrying request_id, request_guid and path_params."""
    seen = {}

    def endpoint(request):
        seen["request"] = request
        return Response("ok")

    app = Application([("/<name>/<n:int>", endpoint)])
    assert fetch(app, "/bob/7") == (200, "ok")
    request = seen["request"]
    assert isinstance(request, Request)
    assert isinstance(request.request_id, int) and request.request_id > 0
    assert re.fullmatch(r"[0-9a-f]{24}", request.request_guid)
    assert request.path_params == {"name": "bob", "n": 7}


def test_request_id_increases_per_request():
    """I2: `request.request_id` is a counter, so successive requests get increasing ids."""
    app = Application([("/", lambda request: Response(str(request.request_id)))])
    client = app.get_local_client()
    ids = [int(client.get("/").get_data(as_text=True)) for _ in range(3)]
    assert ids[0] < ids[1] < ids[2]


def test_application_builtin_is_the_dispatching_application():
    """I2: `_application` is the dispatching (outermost) application, also for sub-application routes."""
    seen = []
    inner = Application([("/", lambda _application: seen.append(_application) or Response("ok"))])
    outer = Application([("/sub", inner)])
    assert fetch(outer, "/sub/") == (200, "ok")
    assert len(seen) == 1
    assert seen[0] is outer


def test_route_builtin_is_the_serving_bound_route():
    """I2: `_route` is the BoundRoute serving the request."""
    seen = []
    app = Application([("/a", lambda: Response("a")),
                       ("/b", lambda _route: seen.append(_route) or Response("b"))])
    assert fetch(app, "/b") == (200, "b")
    assert len(seen) == 1
    assert seen[0] is app.routes[1]
    assert isinstance(seen[0], BoundRoute)


def test_dispatch_state_builtin_is_a_dispatch_state():
    """I2: `_dispatch_state` is the request's DispatchState."""
    seen = []
    app = Application([("/", lambda _dispatch_state: seen.append(_dispatch_state) or Response("ok"))])
    assert fetch(app) == (200, "ok")
    assert isinstance(seen[0], DispatchState)


def test_context_builtin_is_the_endpoint_result_in_render():
    """I2: `context` is the endpoint's result, available to the render function."""
    result = {"k": [1, 2]}
    seen = []

    def render(context):
        seen.append(context)
        return Response("rendered")

    app = Application([("/", lambda: result, render)])
    assert fetch(app) == (200, "rendered")
    assert seen[0] is result


def test_error_builtin_is_passed_to_render_error():
    """I2: `_error` is the HTTPException being rendered, passed to render_error."""
    def render_error(_error, request):
        return Response(f"custom {_error.code} {request.path}", status=_error.code)

    app = Application([Route("/x", raise_not_found, render_error=render_error)])
    assert fetch(app, "/x") == (404, "custom 404 /x")


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(("/<name>", raise_not_found, None, lambda _error, **kw: Response(repr(kw.get("name")), status=404)),
                     id="tuple-4th-item"),
        pytest.param(Route("/<name>", raise_not_found,
                           render_error=lambda _error, **kw: Response(repr(kw.get("name")), status=404)),
                     id="Route-kwarg"),
    ],
)
def test_render_error_with_var_kw_receives_url_params(route):
    """I3: a render_error declaring **kwargs additionally receives the URL params of the matched route."""
    assert fetch(Application([route]), "/bob") == (404, "'bob'")


def test_next_builtin_is_a_callable_only_for_middleware():
    """I2: `next` is injected into middleware hooks as a callable."""
    seen = []

    class Spy(Middleware):
        def request(self, next):
            seen.append(callable(next))
            return next()

    app = Application([("/", lambda: Response("ok"))], middlewares=[Spy()])
    assert fetch(app) == (200, "ok")
    assert seen == [True]


# -- I3: what each callable may ask for ----------------------------------------

_R = functools.partial(make_mw, "request")
_E = functools.partial(make_mw, "endpoint")
_RN = functools.partial(make_mw, "render")

VISIBLE = [
    pytest.param([_R(provides=("a",)), _R(needs=("a",))], (), (), id="request-hook-sees-earlier-request-provide"),
    pytest.param([_R(needs=("name", "res", "request", "_application", "_route", "_dispatch_state"))], (), (),
                 id="request-hook-sees-url-resources-builtins"),
    pytest.param([_E(needs=("a",)), _R(provides=("a",))], (), (), id="endpoint-hook-sees-later-request-provide"),
    pytest.param([_E(provides=("c",)), _E(needs=("c",))], (), (), id="endpoint-hook-sees-earlier-endpoint-provide"),
    pytest.param([_E(provides=("c",))], ("c",), (), id="endpoint-sees-endpoint-provide"),
    pytest.param([_R(provides=("a",))], ("a", "name", "res", "request", "_route"), (),
                 id="endpoint-sees-request-provide-url-resource-builtins"),
    pytest.param([_RN(needs=("a",)), _R(provides=("a",))], (), (), id="render-hook-sees-later-request-provide"),
    pytest.param([_RN(needs=("context",))], (), (), id="render-hook-sees-context"),
    pytest.param([_RN(provides=("d",)), _RN(needs=("d",))], (), (), id="render-hook-sees-earlier-render-provide"),
    pytest.param([_RN(provides=("d",))], (), ("d",), id="render-sees-render-provide"),
    pytest.param([_R(provides=("a",))], (), ("a", "name", "res", "request"), id="render-sees-request-provide"),
]

INVISIBLE = [
    pytest.param([_R(needs=("a",)), _R(provides=("a",))], (), (), "a", id="request-hook-later-request-provide"),
    pytest.param([_R(needs=("c",)), _E(provides=("c",))], (), (), "c", id="request-hook-endpoint-provide"),
    pytest.param([_R(needs=("d",)), _RN(provides=("d",))], (), (), "d", id="request-hook-render-provide"),
    pytest.param([_R(needs=("context",))], (), (), "context", id="request-hook-context"),
    pytest.param([_E(needs=("c",)), _E(provides=("c",))], (), (), "c", id="endpoint-hook-later-endpoint-provide"),
    pytest.param([_E(needs=("d",)), _RN(provides=("d",))], (), (), "d", id="endpoint-hook-render-provide"),
    pytest.param([_E(needs=("context",))], (), (), "context", id="endpoint-hook-context"),
    pytest.param([], ("context",), (), "context", id="endpoint-context"),
    pytest.param([], ("_error",), (), "_error", id="endpoint-error"),
    pytest.param([_RN(provides=("d",))], ("d",), (), "d", id="endpoint-render-provide"),
    pytest.param([], ("unknown",), (), "unknown", id="endpoint-unknown-name"),
    pytest.param([_E(provides=("c",)), _RN(needs=("c",))], (), (), "c", id="render-hook-endpoint-provide"),
    pytest.param([_RN(needs=("d",)), _RN(provides=("d",))], (), (), "d", id="render-hook-later-render-provide"),
    pytest.param([_E(provides=("c",))], (), ("c",), "c", id="render-endpoint-provide"),
    pytest.param([], (), ("_error",), "_error", id="render-error-builtin"),
]


def _visibility_app(middlewares, endpoint_needs, render_needs):
    endpoint = make_func("endpoint", endpoint_needs, "return 'ok'")
    render = make_func("render", ("context",) + tuple(render_needs), "return Response(str(context))",
                       {"Response": Response})
    return Application([Route("/<name>", endpoint, render, middlewares=middlewares)], resources={"res": 1})


@pytest.mark.parametrize("middlewares, endpoint_needs, render_needs", VISIBLE)
def test_names_visible_at_a_position_are_injected(middlewares, endpoint_needs, render_needs):
    """I3: a hook or function may ask for any name visible at its position in the chain."""
    app = _visibility_app(middlewares, endpoint_needs, render_needs)
    assert fetch(app, "/bob") == (200, "ok")


@pytest.mark.parametrize("middlewares, endpoint_needs, render_needs, missing", INVISIBLE)
def test_names_not_visible_at_a_position_fail_construction(middlewares, endpoint_needs, render_needs, missing):
    """I3/C4: asking for a name not visible at that position raises NameError at construction."""
    with pytest.raises(NameError) as excinfo:
        _visibility_app(middlewares, endpoint_needs, render_needs)
    assert repr(missing) in str(excinfo.value)


# -- I4 / I5: kinds of endpoint ------------------------------------------------------

class Greeter:
    def __init__(self, greeting):
        self.greeting = greeting

    def method(self, name):
        return f"{self.greeting}, {name}"

    def __call__(self, name):
        return f"{self.greeting}, {name}"

    @staticmethod
    def static(name):
        return f"static, {name}"

    @classmethod
    def klass(cls, name):
        return f"{cls.__name__}, {name}"


def _kwonly(*, name):
    return f"kw, {name}"


def _kwonly_defaulted(*, name, punctuation="!"):
    return f"kw, {name}{punctuation}"


def _posonly_defaulted(greeting="pos", /, name=None):
    return f"{greeting}, {name}"


def _var_kw(name, **kw):
    return f"{name} {sorted(kw)}"


def _passthrough_deco(func):
    def wrapper(*a, **kw):
        return func(*a, **kw)
    return wrapper


@clastic_decorator
def _cd_deco(func):
    return _passthrough_deco(func)


@_cd_deco
def _clastic_decorated(name):
    return f"decorated, {name}"


def _wraps_deco(func):
    @functools.wraps(func)
    def wrapper(*a, **kw):
        return func(*a, **kw).upper()
    return wrapper


@_wraps_deco
def _wraps_decorated(name):
    return f"wrapped, {name}"


@pytest.mark.parametrize(
    "endpoint, expected",
    [
        pytest.param(lambda name: f"lambda, {name}", "lambda, bob", id="lambda"),
        pytest.param(Greeter("method").method, "method, bob", id="bound-method"),
        pytest.param(Greeter("object"), "object, bob", id="callable-object"),
        pytest.param(Greeter.static, "static, bob", id="staticmethod"),
        pytest.param(Greeter.klass, "Greeter, bob", id="classmethod"),
        pytest.param(_kwonly, "kw, bob", id="keyword-only"),
        pytest.param(_kwonly_defaulted, "kw, bob!", id="keyword-only-with-default"),
        pytest.param(_posonly_defaulted, "pos, bob", id="positional-only-with-default"),
        pytest.param(functools.partial(greet, "Hi"), "Hi, bob", id="partial-positional"),
        pytest.param(functools.partial(greet, greeting="Hey"), "Hey, bob", id="partial-keyword"),
        pytest.param(_clastic_decorated, "decorated, bob", id="clastic-decorator"),
        pytest.param(_wraps_decorated, "WRAPPED, BOB", id="functools-wraps"),
    ],
)
def test_endpoint_kinds_receive_injected_arguments(endpoint, expected):
    """I4/I5: functions, methods, callable objects, keyword-only parameters and partials are injected."""
    app = Application([("/<name>", endpoint, render_basic)])
    assert fetch(app, "/bob") == (200, expected)


def test_partial_bound_keyword_is_not_overridden_by_a_source():
    """I4 (changed): a functools.partial's bound arguments are not injected, even when a source has that name."""
    app = Application([("/<name>", functools.partial(greet, greeting="Bound"), render_basic)],
                      resources={"greeting": "Resource"})
    assert fetch(app, "/bob") == (200, "Bound, bob")


class KwOnlyHook(Middleware):
    provides = ("shout",)

    def request(self, next, *, name, suffix="!"):
        return next(shout=name.upper() + suffix)


def _kwonly_render(context, *, shout, request):
    return Response(f"{context} {shout} {request.path}")


def test_keyword_only_parameters_injected_into_hooks_and_render():
    """I4 (changed): keyword-only parameters of middleware hooks and render functions are injected."""
    app = Application([Route("/<name>", lambda: "ctx", _kwonly_render, middlewares=[KwOnlyHook()])])
    assert fetch(app, "/bob") == (200, "ctx BOB! /bob")


def test_var_keyword_endpoint_receives_only_named_arguments():
    """I4: `**kwargs` on an endpoint receives nothing extra."""
    app = Application([("/<name>", _var_kw, render_basic)], resources={"other": 1})
    assert fetch(app, "/bob") == (200, "bob []")


def test_required_positional_only_parameter_fails_construction():
    """I4 (changed): a required positional-only parameter raises TypeError at construction, naming route, function and argument."""
    with pytest.raises(TypeError) as excinfo:
        Application([("/<name>", posonly_endpoint, render_basic)])
    message = str(excinfo.value)
    for fragment in ("Route '/<name>'", "posonly_endpoint", "'name'"):
        assert fragment in message


def test_builtin_with_positional_only_parameters_fails_construction():
    """I5: a builtin that is not keyword-callable (e.g. `len`) cannot be an endpoint."""
    with pytest.raises(TypeError, match="positional-only"):
        Application([("/<obj>", len, render_basic)])


# -- D1-D3: defaults ------------------------------------------------------------------

def _defaulted(name="default"):
    return str(name)


@pytest.mark.parametrize(
    "build, path, expected",
    [
        pytest.param(lambda: Application([("/", _defaulted, render_basic)]), "/", "default", id="no-source"),
        pytest.param(lambda: Application([("/<name>", _defaulted, render_basic)]), "/url", "url", id="url"),
        pytest.param(lambda: Application([("/<name?>", _defaulted, render_basic)]), "/", "None",
                     id="absent-optional-binding"),
        pytest.param(lambda: Application([("/", _defaulted, render_basic)], resources={"name": "res"}), "/", "res",
                     id="resource"),
        pytest.param(lambda: Application([("/", _defaulted, render_basic)],
                                         middlewares=[make_mw("request", provides=("name",))]), "/", "name",
                     id="middleware"),
    ],
)
def test_defaulted_parameter_takes_provided_value_else_default(build, path, expected):
    """D1: a provided name overrides a parameter's default (even with None); otherwise the default applies."""
    assert fetch(build(), path) == (200, expected)


def test_defaulted_middleware_parameter_uses_default_when_unprovided():
    """D1: a middleware hook parameter with a default is optional."""
    class Optional_(Middleware):
        provides = ("greeting",)

        def request(self, next, salutation="Hi"):
            return next(greeting=salutation)

    app = Application([("/<name>", greet, render_basic)], middlewares=[Optional_()])
    assert fetch(app, "/bob") == (200, "Hi, bob")


@pytest.mark.parametrize(
    "render_error",
    [error_renderer_unknown, error_renderer_unknown_defaulted],
    ids=["required", "defaulted"],
)
def test_render_error_parameters_must_all_be_resolvable(render_error):
    """D2/C6: every named render_error parameter must be resolvable, even one with a default."""
    with pytest.raises(NameError, match=re.escape("unresolved render_error() arguments")):
        Application([Route("/", lambda: "x", render_basic, render_error=render_error)])


# -- D3: get_required_args / is_required_arg ----------------------------------------

class TokenMW(Middleware):
    provides = ("token",)

    def request(self, next, request):
        return next(token="t")


class DBSessionMW(Middleware):
    provides = ("db_session",)

    def request(self, next, config):
        return next(db_session="db")


class AccountMW(Middleware):
    provides = ("account",)

    def request(self, next, token, db_session):
        return next(account=(token, db_session))


class UnneededMW(Middleware):
    provides = ("other",)

    def request(self, next, extra):
        return next(other=extra)


def check_account(account):
    return str(account)


def _account_route():
    app = Application([("/", check_account, render_basic)], resources={"config": {}, "extra": 1},
                      middlewares=[TokenMW(), DBSessionMW(), AccountMW(), UnneededMW()])
    return app.routes[0]


def test_get_required_args_follows_middleware_provides():
    """D3: get_required_args() lists the endpoint's transitive non-builtin requirements."""
    assert sorted(_account_route().get_required_args()) == ["account", "config", "db_session", "token"]


def test_get_required_args_empty_for_no_argument_endpoint():
    """D3: a no-argument endpoint has no required args, whatever the middleware needs."""
    app = Application([("/", lambda: "x", render_basic)], resources={"config": {}},
                      middlewares=[TokenMW(), DBSessionMW(), AccountMW()])
    assert app.routes[0].get_required_args() == []


@pytest.mark.parametrize(
    "name, expected",
    [("account", True), ("token", True), ("db_session", True), ("config", True),
     ("request", False), ("other", False), ("extra", False), ("unrelated", False)],
)
def test_is_required_arg(name, expected):
    """D3: is_required_arg(name) is true when the endpoint or a provider of a needed name needs it."""
    assert _account_route().is_required_arg(name) is expected


# -- Construction errors (C1-C13) --------------------------------------------------

def _endpoint_missing():
    return Application([("/hello/<name>", hello_world, render_basic)], resources={"greeting": "hi"},
                       middlewares=[ProvidesA()])


UNRESOLVED = [
    pytest.param(_endpoint_missing, ("Route '/hello/<name>'", "hello_world", "'first_name'"), id="endpoint"),
    pytest.param(lambda: Application([Route("/x", lambda: "x", render_basic, middlewares=[NeedsToken()])]),
                 ("Route '/x'", "NeedsToken.request", "'token'"), id="request-hook"),
    pytest.param(lambda: Application([Route("/x", lambda: "x", render_basic, middlewares=[EndpointNeedsToken()])]),
                 ("Route '/x'", "EndpointNeedsToken.endpoint", "'token'"), id="endpoint-hook"),
    pytest.param(lambda: Application([Route("/x", lambda: "x", render_basic, middlewares=[RenderNeedsToken()])]),
                 ("Route '/x'", "RenderNeedsToken.render", "'token'"), id="render-hook"),
    pytest.param(lambda: Application([("/x", lambda: "x", make_func("my_render", ("context", "token")))]),
                 ("Route '/x'", "my_render", "'token'"), id="render"),
]


@pytest.mark.parametrize("build, fragments", UNRESOLVED)
def test_unresolved_argument_message_names_route_function_argument_and_sources(build, fragments):
    """C4 (message changed): an unresolved argument is a NameError naming route, function, argument and the sources searched."""
    with pytest.raises(NameError) as excinfo:
        build()
    message = str(excinfo.value)
    for fragment in fragments + SOURCE_WORDS:
        assert fragment in message


CONFLICTS = [
    pytest.param(lambda: Application([("/<name>", echo_name, render_basic)], resources={"name": "r"}),
                 "/<name>", "name", id="url-vs-resource"),
    pytest.param(lambda: Application([("/<request>", lambda: "x", render_basic)]),
                 "/<request>", "request", id="url-named-request"),
    pytest.param(lambda: Application([("/<next>", lambda: "x", render_basic)]),
                 "/<next>", "next", id="url-named-next"),
    pytest.param(lambda: Application([("/<context>", lambda: "x", render_basic)]),
                 "/<context>", "context", id="url-named-context"),
    pytest.param(lambda: Application([Route("/<a>", lambda a: a, render_basic, middlewares=[ProvidesA()])]),
                 "/<a>", "a", id="url-vs-middleware"),
    pytest.param(lambda: Application([Route("/x", lambda a: a, render_basic, middlewares=[ProvidesA()])],
                                     resources={"a": 1}),
                 "/x", "a", id="resource-vs-middleware"),
    pytest.param(lambda: Application([Route("/x", lambda a: a, render_basic,
                                            middlewares=[ProvidesA(), ProvidesA()])]),
                 "/x", "a", id="two-instances-of-providing-middleware"),
    pytest.param(lambda: Application([Route("/x", lambda: "x", render_basic,
                                            middlewares=[EndpointProvidesX(), RenderProvidesX()])]),
                 "/x", "x", id="endpoint-provides-vs-render-provides"),
    pytest.param(lambda: Application([Route("/x", lambda a: a, render_basic, middlewares=[ProvidesA()])],
                                     middlewares=[make_mw("endpoint", provides=("a",))]),
                 "/x", "a", id="app-middleware-vs-route-middleware"),
]


@pytest.mark.parametrize("build, pattern, name", CONFLICTS)
def test_conflicting_provides_fail_construction(build, pattern, name):
    """C2: a name provided by two sources is a NameError naming the route pattern and the name."""
    with pytest.raises(NameError) as excinfo:
        build()
    message = str(excinfo.value)
    assert "found conflicting provides" in message
    assert f"Route {pattern!r}" in message
    assert repr(name) in message


def test_conflict_message_names_the_endpoint():
    """C2 (message changed): a route's conflict message names the endpoint's qualified name."""
    with pytest.raises(NameError) as excinfo:
        Application([("/<name>", echo_name, render_basic)], resources={"name": "r"})
    assert "echo_name" in str(excinfo.value)


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: Application(middlewares=[ProvidesA(), ProvidesA()]), id="two-middlewares"),
        pytest.param(lambda: Application(middlewares=[ProvidesA()], resources={"a": 1}), id="middleware-vs-resource"),
    ],
)
def test_conflicting_application_middleware_provides_fail_init(build):
    """C2: conflicts among application middlewares and resources are refused at Application init."""
    with pytest.raises(NameError, match="found conflicting provides"):
        build()


@pytest.mark.parametrize("name", RESERVED_ARGS)
def test_resource_named_like_a_builtin_fails_init(name):
    """C1: a resource whose name is in RESERVED_ARGS raises NameError at Application init."""
    with pytest.raises(NameError) as excinfo:
        Application(resources={name: 1})
    assert repr(name) in str(excinfo.value)


@pytest.mark.parametrize(
    "route, function_name",
    [
        pytest.param(("/x", endpoint_with_next, render_basic), "endpoint_with_next", id="endpoint"),
        pytest.param(("/x", lambda: "x", render_with_next), "render_with_next", id="render"),
    ],
)
def test_next_parameter_reserved_for_middleware(route, function_name):
    """C3: an endpoint or render function with a parameter named `next` raises NameError."""
    with pytest.raises(NameError) as excinfo:
        Application([route])
    message = str(excinfo.value)
    for fragment in ("Route '/x'", function_name, "'next'", "reserved for middleware use only"):
        assert fragment in message


def test_app_middleware_requiring_url_binding_fails_construction():
    """C5: an app middleware needing a URL binding fails construction even if every route has it (NullRoute)."""
    with pytest.raises(NameError) as excinfo:
        Application([("/<name>", echo_name, render_basic)], middlewares=[NeedsName()])
    message = str(excinfo.value)
    for fragment in ("NeedsName.request", "'name'") + SOURCE_WORDS:
        assert fragment in message


@pytest.mark.parametrize(
    "render_error, unknown",
    [
        pytest.param(error_renderer_unknown, "nopenope", id="unknown"),
        pytest.param(error_renderer_unknown_defaulted, "nopenope", id="unknown-defaulted"),
        pytest.param(error_renderer_url, "name", id="url-binding"),
        pytest.param(error_renderer_provide, "a", id="middleware-provide"),
    ],
)
def test_route_render_error_unresolved_arguments(render_error, unknown):
    """C6: a route's render_error may only name built-ins, resources and `_error`; others raise NameError."""
    with pytest.raises(NameError) as excinfo:
        Application([Route("/<name>", echo_name, render_basic, render_error=render_error,
                           middlewares=[ProvidesA()])])
    message = str(excinfo.value)
    for fragment in ("unresolved render_error() arguments", "Route '/<name>'", render_error.__name__,
                     repr(unknown)) + SOURCE_WORDS:
        assert fragment in message


def test_render_error_may_ask_for_resources_and_builtins():
    """C6/I3: render_error may ask for resources, `request`, `_application`, `_route`, `_dispatch_state`, `_error`."""
    def render_error(_error, request, _application, _route, _dispatch_state, res):
        return Response(f"{res} {_error.code} {_route.pattern}", status=_error.code)

    app = Application([Route("/x", raise_not_found, render_error=render_error)], resources={"res": "R"})
    assert fetch(app, "/x") == (404, "R 404 /x")


def test_app_error_handler_render_error_unresolved_argument():
    """C6: the application error handler's render_error naming an unknown argument raises NameError."""
    with pytest.raises(NameError) as excinfo:
        Application([("/", lambda: "x", render_basic)], error_handler=UnknownArgErrorHandler())
    message = str(excinfo.value)
    assert "unresolved render_error() arguments" in message
    assert "'nopenope'" in message


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: Application(bogus=1), id="Application"),
        pytest.param(lambda: Route("/", lambda: "x", bogus=1), id="Route"),
        pytest.param(lambda: Application().add(("/", lambda: "x"), bogus=1), id="Application.add"),
    ],
)
def test_unknown_keyword_argument_raises_type_error(build):
    """C8: an unknown keyword to Application, Route or add() raises TypeError."""
    with pytest.raises(TypeError, match="unexpected keyword"):
        build()


def test_non_callable_endpoint_raises_type_error():
    """C9: a non-callable endpoint raises TypeError."""
    with pytest.raises(TypeError, match="expected endpoint to be a function or method"):
        Route("/", "not callable")


def test_bad_pattern_is_reported_before_non_callable_endpoint():
    """C9: the pattern is checked first, so a bad pattern wins over a non-callable endpoint."""
    with pytest.raises(ValueError, match="must start with a forward slash"):
        Route("no-slash", "not callable")


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(("/",), id="1-tuple"),
        pytest.param((), id="empty-tuple"),
        pytest.param(("/", hello_world, None, None, "extra"), id="5-tuple"),
        pytest.param("/just/a/string", id="string"),
        pytest.param(42, id="int"),
    ],
)
def test_uncastable_route_entry_raises_type_error(entry):
    """C10 (changed): an entry that is not a route (including a 1-tuple) raises TypeError 'Could not create route from'."""
    with pytest.raises(TypeError, match="Could not create route from"):
        Application([entry])


def test_type_error_inside_route_construction_is_not_masked():
    """C10 (changed): a TypeError raised while building a Route from a tuple propagates unchanged."""
    with pytest.raises(TypeError) as excinfo:
        Application([("/", hello_world, render_basic, "render_error is not callable")])
    assert "render_error" in str(excinfo.value)
    assert "Could not create route from" not in str(excinfo.value)


# -- I6: resource precedence at request time ------------------------------------------

def _hello_name(name):
    return f"Hello, {name}!"


def test_dispatching_app_resource_beats_subapp_resource():
    """I6: the dispatching app's resource (Kurt) beats the sub-application's same-named one (Rajkumar)."""
    sub = Application([("/", _hello_name, render_basic)], resources={"name": "Rajkumar"})
    app = Application([("/sub", sub)], resources={"name": "Kurt"})
    assert fetch(app, "/sub/") == (200, "Hello, Kurt!")


def test_subapp_resource_used_when_parent_lacks_it():
    """I6/SA5: a sub-application resource the dispatching app does not define is still injected."""
    sub = Application([("/", _hello_name, render_basic)], resources={"name": "Rajkumar"})
    app = Application([("/sub", sub)], resources={"other": 1})
    assert fetch(app, "/sub/") == (200, "Hello, Rajkumar!")


def test_dispatching_app_resource_beats_route_resource():
    """I6: the application's resource beats a same-named route-level resource at request time."""
    app = Application([Route("/", _hello_name, render_basic, resources={"name": "route"})],
                      resources={"name": "app"})
    assert fetch(app) == (200, "Hello, app!")


# -- I7: BoundRoute.execute ----------------------------------------------------------

def test_bound_route_execute_can_be_called_directly():
    """I7: BoundRoute.execute(request, **kw) runs the chain and returns what it returns."""
    def endpoint(request, name, res):
        return (request, name, res)

    app = Application([("/<name>", endpoint)], resources={"res": "R"})
    fake_request = {"a": "plain dict"}
    assert app.routes[0].execute(fake_request, name="bob") == (fake_request, "bob", "R")


def test_bound_route_execute_runs_middleware():
    """I7: calling execute directly runs the route's middleware chain too."""
    app = Application([("/", lambda a: f"got {a}")], middlewares=[ProvidesA()])
    assert app.routes[0].execute({}) == "got A"


# -- route render_error ------------------------------------------------------------

def _custom_render_error(_error):
    return Response(f"custom {_error.code}", status=_error.code)


@pytest.mark.parametrize(
    "own_route",
    [
        pytest.param(("/own", raise_not_found, None, _custom_render_error), id="tuple-4th-item"),
        pytest.param(Route("/own", raise_not_found, render_error=_custom_render_error), id="Route-kwarg"),
    ],
)
def test_route_render_error_used_only_for_its_route(own_route):
    """F7 (changed): a route's own render_error renders its errors; other routes use the error handler's."""
    app = Application([own_route, ("/other", raise_not_found)])
    assert fetch(app, "/own") == (404, "custom 404")
    status, body = fetch(app, "/other")
    assert status == 404
    assert "custom" not in body
    assert "Not found" in body


def test_subapp_route_keeps_its_own_render_error():
    """F7 (changed): a sub-application route's own render_error survives embedding."""
    sub = Application([Route("/", raise_not_found, render_error=_custom_render_error)])
    app = Application([("/sub", sub)])
    assert fetch(app, "/sub/") == (404, "custom 404")


# -- request flow ------------------------------------------------------------------

@pytest.mark.parametrize("accept", ["text/plain", "text/html", "application/json", "application/xml"])
def test_non_response_without_render_is_a_500_without_details(accept):
    """F4: an endpoint returning a non-Response with no render gives a 500 whose production body hides the exception."""
    app = Application([("/", lambda: "a plain string")])
    status, body = fetch(app, headers={"Accept": accept})
    assert status == 500
    assert "TypeError" not in body
    assert "expected a Response" not in body
    assert "plain string" not in body
    assert "received" not in body


# -- signatures are only read at bind time --------------------------------------------

def test_serving_requests_never_calls_inspect(monkeypatch):
    """§3.3 (changed): all signature inspection happens when a route is bound; serving calls nothing in `inspect`."""
    class Auth(Middleware):
        provides = ("user",)

        def request(self, next, request):
            return next(user=request.args.get("u", "anon"))

    def hello(user, name="world"):
        return {"user": user, "name": name}

    def render(context, user):
        return Response(f"{context['name']}/{user}")

    def boom():
        raise RuntimeError("kaboom")

    def table(user):
        """A table.

        Rendered as HTML for browsers."""
        return {"user": user}

    app = Application(
        [GET("/hello/<name>", hello, render), ("/boom", boom, render_basic), ("/table", table, render_basic)],
        middlewares=[Auth()],
    )
    client = app.get_local_client()

    def refuse(*a, **kw):
        raise AssertionError("inspect used while serving")

    # Signature.from_callable first: monkeypatch.setattr itself calls inspect.isclass.
    monkeypatch.setattr(inspect.Signature, "from_callable", classmethod(refuse))
    public = [name for name, value in vars(inspect).items()
              if not name.startswith("_") and inspect.isfunction(value)]
    assert {"signature", "getfullargspec", "getmembers", "isfunction", "ismethod", "unwrap"} <= set(public)
    for name in public:
        monkeypatch.setitem(vars(inspect), name, refuse)

    results = []
    for method, path in [("GET", "/hello/bob?u=ann"), ("GET", "/nowhere"), ("POST", "/hello/bob"),
                         ("GET", "/boom"), ("GET", "/hello/again")]:
        resp = client.open(path, method=method)
        results.append((resp.status_code, resp.get_data(as_text=True)))
    html = client.get("/table", headers={"Accept": "text/html"})
    monkeypatch.undo()

    assert html.status_code == 200 and "A table." in html.get_data(as_text=True)

    assert results[0] == (200, "bob/ann")
    assert results[1][0] == 404
    assert results[2][0] == 405
    assert results[3][0] == 500
    assert "kaboom" not in results[3][1]
    assert results[4] == (200, "again/anon")


# -- request hooks compiled into bound next functions (_chain._hooks_with_bound_next) ----------

@pytest.mark.parametrize("render", [render_basic, None])
def test_provides_named_like_builtins_do_not_break_the_chain(render):
    """Request-hook provides named type, isinstance and tuple reach the endpoint, and the chain still renders."""
    mw = make_mw("request", provides=("type", "isinstance", "tuple"))

    def endpoint(type, isinstance, tuple):
        text = f"{type}-{isinstance}-{tuple}"
        return text if render is not None else Response(text)

    assert fetch(Application([("/", endpoint, render)], middlewares=[mw])) == (200, "type-isinstance-tuple")


def test_next_called_twice_runs_the_rest_of_the_chain_twice():
    """A request hook calling next() twice (a retry) runs the later hooks and the endpoint twice."""
    calls = []

    class Retry(Middleware):
        def request(self, next):
            next()
            return next()

    class Count(Middleware):
        provides = ("n",)

        def request(self, next):
            calls.append("hook")
            return next(n=len(calls))

    def endpoint(n):
        calls.append("endpoint")
        return str(n)

    assert fetch(Application([("/", endpoint, render_basic)], middlewares=[Retry(), Count()])) == (200, "3")
    assert calls == ["hook", "endpoint", "hook", "endpoint"]


def test_request_hook_provides_stay_out_of_the_url_bindings():
    """What request hooks provide reaches the endpoint and the render, but not request.path_params."""
    mw = make_mw("request", provides=("tenant",))

    def endpoint(request, tenant, name):
        return f"{tenant}:{name}:{sorted(request.path_params.items())}"

    def render(context, tenant, request):
        return Response(f"{context}|{tenant}|{sorted(request.path_params)}")

    app = Application([("/<name>", endpoint, render)], middlewares=[mw])
    assert fetch(app, "/bob") == (200, "tenant:bob:[('name', 'bob')]|tenant|['name']")


def test_request_hook_provides_stay_out_of_the_bindings_an_error_page_sees():
    """A route whose chain reads no request gets its URL bindings uncopied; what a hook provides stays out of them."""
    mw = make_mw("request", provides=("tenant",))

    def endpoint(tenant, name):
        raise RuntimeError(f"{tenant} {name}")

    def render_error(_error, request):
        return Response(repr(sorted(request.path_params)), status=_error.code)

    app = Application([Route("/<name>", endpoint, render_json, render_error=render_error)], middlewares=[mw])
    assert not app.routes[0]._copy_scope
    assert fetch(app, "/bob") == (500, "['name']")


def _providing(name, value, reads=()):
    """A middleware whose request hook provides ``name`` = ``value`` + what it reads (joined)."""
    class Provide(Middleware):
        provides = (name,)

    def request(next, **seen):
        return next(**{name: "+".join([value] + [seen[r] for r in reads])})

    Provide.request = staticmethod(_signature_of(request, reads))
    return Provide()


def _signature_of(func, names):
    """``func`` with the explicit keyword parameters ``names`` (for the injector to see)."""
    params = ", ".join(["next"] + list(names))
    scope = {"func": func}
    exec(f"def hook({params}):\n    return func(next, **{{{', '.join(f'{n!r}: {n}' for n in names)}}})", scope)
    return scope["hook"]


def test_earlier_provides_reach_later_hooks_the_endpoint_and_the_render():
    """Four request hooks, each reading what the earlier ones provide: every hook, the endpoint and the
    render see the values of this request."""
    mws = [_providing("a", "1"), _providing("b", "2", reads=["a"]), _providing("c", "3"),
           _providing("d", "4", reads=["a", "b", "c"])]

    def endpoint(a, b, c, d):
        return f"{a}|{b}|{c}|{d}"

    def render(context, a, d):
        return Response(f"{context}|{a}|{d}")

    app = Application([("/", endpoint, render)], middlewares=mws)
    assert fetch(app) == (200, "1|2+1|3|4+1+2+1+3|1|4+1+2+1+3")


def test_provide_with_a_double_underscore_name_reaches_the_endpoint():
    """A provide named ``__secret`` (a name Python mangles inside a class) reaches the endpoint as it is."""
    mws = [_providing("__secret", "s"), _providing("other", "o", reads=["__secret"])]

    def endpoint(__secret, other):
        return f"{__secret}/{other}"

    assert fetch(Application([("/", endpoint, render_basic)], middlewares=mws)) == (200, "s/o+s")


def test_next_called_twice_with_different_provides_gives_each_call_its_own_values():
    """An outer hook calling next twice with different values, around an inner hook that keeps its next
    and calls it again afterwards: every call sees the values it was made with, as closures would."""
    kept = []

    class Outer(Middleware):
        provides = ("outer",)

        def request(self, next):
            first = next(outer="first").get_data(as_text=True)
            second = next(outer="second").get_data(as_text=True)
            late = kept[0](inner="late").get_data(as_text=True)  # the first call's next, called last
            return Response(f"{first};{second};{late}")

    class Inner(Middleware):
        provides = ("inner",)

        def request(self, next, outer):
            kept.append(next)
            return next(inner=f"in-{outer}")

    def endpoint(outer, inner):
        return f"{outer}/{inner}"

    app = Application([("/", endpoint, render_basic)], middlewares=[Outer(), Inner()])
    assert fetch(app) == (200, "first/in-first;second/in-second;first/late")


def test_next_called_from_two_threads_gives_each_thread_its_own_values():
    """A hook running next in two threads at once with different values: each thread's endpoint sees its own,
    although the threads interleave inside the chain."""
    import threading

    barrier = threading.Barrier(2, timeout=5)

    class FanOut(Middleware):
        provides = ("which",)

        def request(self, next):
            results = {}

            def run(which):
                results[which] = next(which=which).get_data(as_text=True)

            threads = [threading.Thread(target=run, args=(w,)) for w in ("x", "y")]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return Response(f"{results['x']},{results['y']}")

    class Middle(Middleware):
        provides = ("echo",)

        def request(self, next, which):
            barrier.wait()  # both threads are inside the chain before either goes on
            return next(echo=which)

    def endpoint(which, echo):
        return f"{which}{echo}"

    app = Application([("/", endpoint, render_basic)], middlewares=[FanOut(), Middle()])
    assert fetch(app) == (200, "xx,yy")
