"""Request-scoped resources: made lazily, once per request, always cleaned up."""
from __future__ import annotations

import logging

import pytest

from clastic_like import Application, Middleware, NotFound, Response, render_basic
from clastic_like.errors import ErrorHandler
from clastic_like.resources import ResourceCleanupError, request_scoped


class Log(list):
    """Records what factories and cleanups did, in order."""


def make_db(log):
    @request_scoped
    def db(db_name):
        log.append(("open", db_name))
        try:
            yield {"name": db_name}
        except Exception as exc:
            log.append(("rollback", type(exc).__name__))
            raise
        else:
            log.append(("commit", db_name))
        finally:
            log.append(("close", db_name))
    return db


def test_factory_arguments_are_injected():
    """A factory's own arguments come from resources, like an endpoint's."""
    log = Log()
    app = Application([("/", lambda db: db["name"], render_basic)],
                      resources={"db_name": "main", "db": make_db(log)})
    assert app.get_local_client().get("/").get_data(as_text=True) == "main"


def test_cleanup_runs_after_success():
    """After a successful request the code after yield runs (commit, then close)."""
    log = Log()
    app = Application([("/", lambda db: "ok", render_basic)], resources={"db_name": "m", "db": make_db(log)})
    app.get_local_client().get("/")
    assert log == [("open", "m"), ("commit", "m"), ("close", "m")]


def test_not_made_when_the_chain_does_not_ask():
    """A route whose chain does not ask for the resource never runs the factory."""
    log = Log()
    app = Application([("/", lambda: "plain", render_basic), ("/db", lambda db: "x", render_basic)],
                      resources={"db_name": "m", "db": make_db(log)})
    assert app.get_local_client().get("/").status_code == 200
    assert log == []


def test_made_at_most_once_per_request():
    """Endpoint and middleware asking for the same resource share one value per request."""
    log = Log()
    seen = []

    class UsesDb(Middleware):
        def request(self, next, db):
            seen.append(id(db))
            return next()

    def endpoint(db):
        seen.append(id(db))
        return "ok"

    app = Application([("/", endpoint, render_basic)], middlewares=[UsesDb()],
                      resources={"db_name": "m", "db": make_db(log)})
    client = app.get_local_client()
    client.get("/")
    client.get("/")
    assert seen[0] == seen[1] and log.count(("open", "m")) == 2


def test_lazy_until_first_use():
    """A middleware that short-circuits before the endpoint runs means the factory never runs."""
    log = Log()

    class Gate(Middleware):
        def request(self, next):
            return Response("blocked", status=403)

    app = Application([("/", lambda db: "never", render_basic)], middlewares=[Gate()],
                      resources={"db_name": "m", "db": make_db(log)})
    assert app.get_local_client().get("/").status_code == 403
    assert log == []


def test_exception_is_thrown_into_the_generator():
    """When the endpoint raises, the generator sees the exception (rollback) and still closes."""
    log = Log()

    def boom(db):
        raise ValueError("no")

    app = Application([("/", boom, render_basic)], resources={"db_name": "m", "db": make_db(log)})
    assert app.get_local_client().get("/").status_code == 500
    assert log == [("open", "m"), ("rollback", "ValueError"), ("close", "m")]


def test_cleanup_runs_when_a_404_is_raised_later():
    """A route that used the resource and then raised NotFound still gets its cleanup."""
    log = Log()

    def lookup(db):
        raise NotFound("no such thing")

    app = Application([("/", lookup, render_basic)], resources={"db_name": "m", "db": make_db(log)})
    assert app.get_local_client().get("/").status_code == 404
    assert ("close", "m") in log and ("rollback", "NotFound") in log


def test_cleanup_runs_when_a_later_route_serves_after_fall_through():
    """A resource made by a declining route is cleaned up once, after the serving route."""
    log = Log()

    def decline(db):
        raise NotFound(is_breaking=False)

    def serve(db):
        return "second"

    app = Application([("/", decline, render_basic), ("/", serve, render_basic)],
                      resources={"db_name": "m", "db": make_db(log)})
    assert app.get_local_client().get("/").get_data(as_text=True) == "second"
    assert log == [("open", "m"), ("commit", "m"), ("close", "m")]


def test_failing_cleanups_are_reported_together(caplog):
    """Two failing cleanups and one good one: all run, both errors are logged together, answer is 500."""
    order = []

    def failing(name):
        @request_scoped
        def factory():
            yield name
            order.append(name)
            raise RuntimeError(f"{name} cleanup failed")
        return factory

    @request_scoped
    def good():
        yield "g"
        order.append("good")

    app = Application([("/", lambda a, b, c: "ok", render_basic)],
                      resources={"a": failing("a"), "b": good, "c": failing("c")})
    with caplog.at_level(logging.ERROR, logger="clastic_like"):
        resp = app.get_local_client().get("/")
    assert resp.status_code == 500
    assert sorted(order) == ["a", "c", "good"]
    error = caplog.records[-1].exc_info[1]
    assert isinstance(error, ResourceCleanupError) and [n for n, _ in error.errors] == ["c", "a"]
    assert "cleanup failed" not in resp.get_data(as_text=True)


def test_cleanup_runs_when_the_exception_goes_to_the_server():
    """With reraise_uncaught the exception propagates, and cleanup has run first."""
    log = Log()

    def boom(db):
        raise KeyError("x")

    app = Application([("/", boom, render_basic)], resources={"db_name": "m", "db": make_db(log)},
                      error_handler=ErrorHandler(reraise_uncaught=True))
    with pytest.raises(KeyError):
        app.get_local_client().get("/")
    assert log[-1] == ("close", "m")


def test_factories_can_use_other_request_scoped_resources_and_url_bindings():
    """A factory may ask for another request-scoped resource and the route's URL bindings."""
    log = Log()

    @request_scoped
    def user(db, user_id):
        return f"{db['name']}:{user_id}"

    app = Application([("/u/<user_id:int>", lambda user: user, render_basic)],
                      resources={"db_name": "m", "db": make_db(log), "user": user})
    assert app.get_local_client().get("/u/7").get_data(as_text=True) == "m:7"
    assert log[-1] == ("close", "m")


def test_unresolved_factory_argument_fails_construction():
    """A factory asking for something no source provides is a NameError naming the route and resource."""
    @request_scoped
    def db(dsn):
        return dsn

    with pytest.raises(NameError) as info:
        Application([("/items", lambda db: "x", render_basic)], resources={"db": db})
    assert "Route '/items'" in str(info.value) and "'db'" in str(info.value) and "'dsn'" in str(info.value)


def test_factory_needing_a_url_binding_only_checked_where_used():
    """A factory needing a URL binding is fine as long as only routes with that binding use it."""
    @request_scoped
    def item(item_id):
        return item_id

    app = Application([("/", lambda: "home", render_basic), ("/i/<item_id>", lambda item: item, render_basic)],
                      resources={"item": item})
    assert app.get_local_client().get("/i/9").get_data(as_text=True) == "9"


def test_cycle_between_factories_fails_construction():
    """Two request-scoped resources needing each other are refused at construction."""
    @request_scoped
    def a(b):
        return b

    @request_scoped
    def b(a):
        return a

    with pytest.raises(NameError, match="cycle"):
        Application([("/", lambda a: "x", render_basic)], resources={"a": a, "b": b})


def test_plain_function_factory_has_no_cleanup():
    """A non-generator factory's return value is the resource; it is made per request."""
    calls = []

    @request_scoped
    def stamp():
        calls.append(1)
        return len(calls)

    app = Application([("/", lambda stamp: str(stamp), render_basic)], resources={"stamp": stamp})
    client = app.get_local_client()
    assert [client.get("/").get_data(as_text=True) for _ in range(2)] == ["1", "2"]


def test_factory_yielding_twice_is_a_cleanup_error():
    """A generator factory that yields a second time is closed and reported as a cleanup error (500)."""
    @request_scoped
    def twice():
        yield 1
        yield 2

    app = Application([("/", lambda twice: "x", render_basic)], resources={"twice": twice})
    assert app.get_local_client().get("/").status_code == 500


def test_execute_called_directly_cleans_up():
    """BoundRoute.execute (I7) also cleans up the resources it made."""
    log = Log()
    app = Application([("/", lambda db: Response("ok"))], resources={"db_name": "m", "db": make_db(log)})
    assert app.routes[0].execute(None).get_data() == b"ok"
    assert log[-1] == ("close", "m")


def test_request_scoped_requires_a_callable():
    """request_scoped refuses a non-callable with a TypeError naming the value."""
    with pytest.raises(TypeError, match="42"):
        request_scoped(42)
