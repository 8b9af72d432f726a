"""Bottle: a Bottle() instance with route decorators; plugins as middleware.

A Bottle plugin wraps each route callback.  The providing plugin passes
``tenant`` as a keyword argument to callbacks that ask for it (the way
bottle-sqlite passes ``db``); the others add a header and count.
"""
from bottle import Bottle, request, response

from apps import TENANT


class TenantPlugin:
    name = "tenant"
    api = 2

    def apply(self, callback, route):
        if "tenant" not in route.get_callback_args():
            return callback

        def wrapper(*args, **kwargs):
            kwargs["tenant"] = TENANT
            return callback(*args, **kwargs)
        return wrapper


class HeaderPlugin:
    name = "header"
    api = 2

    def apply(self, callback, route):
        def wrapper(*args, **kwargs):
            body = callback(*args, **kwargs)
            response.set_header("X-Bench", "1")
            return body
        return wrapper


class CounterPlugin:
    name = "counter"
    api = 2

    def __init__(self):
        self.count = 0

    def apply(self, callback, route):
        def wrapper(*args, **kwargs):
            self.count += 1
            return callback(*args, **kwargs)
        return wrapper


def install_plugins(app):
    app.install(CounterPlugin())
    app.install(HeaderPlugin())
    app.install(TenantPlugin())


def hello_app():
    app = Bottle()

    @app.get("/")
    def hello():
        response.content_type = "text/plain; charset=utf-8"
        return "Hello, world!"

    return app


def user_app(with_plugins=False):
    app = Bottle()
    if with_plugins:
        install_plugins(app)

        @app.get("/users/<user_id:int>")
        def user(user_id, tenant):
            return {"id": user_id, "name": f"user{user_id}", "tenant": tenant}
    else:
        @app.get("/users/<user_id:int>")
        def user(user_id):
            return {"id": user_id, "name": f"user{user_id}"}
    return app


def form_app():
    app = Bottle()

    @app.post("/echo")
    def echo():
        response.content_type = "text/plain; charset=utf-8"
        return request.forms.getunicode("name", default="")

    return app


def make_item(i, with_tenant):
    # The route number is a default argument, not a closure cell: Bottle's
    # Route.get_undecorated_callback() (used by get_callback_args(), which
    # plugins like TenantPlugin call) loops forever on a closure whose cells
    # hold no callable (Bottle 0.13.4).
    if with_tenant:
        def item(item_id, tenant, route_no=i):
            response.content_type = "text/plain; charset=utf-8"
            return f"r{route_no}:{item_id}:{tenant}"
    else:
        def item(item_id, route_no=i):
            response.content_type = "text/plain; charset=utf-8"
            return f"r{route_no}:{item_id}"
    return item


def routes_app(n_routes, with_plugins=False):
    app = Bottle()
    if with_plugins:
        install_plugins(app)
    for i in range(n_routes):
        app.route(f"/r{i}/items/<item_id:int>", "GET", make_item(i, with_plugins), name=f"r{i}")
    return app


def build(scenario, n_routes=100):
    if scenario == "hello":
        return hello_app()
    if scenario == "user":
        return user_app()
    if scenario == "routes":
        return routes_app(n_routes)
    if scenario == "middleware":
        return user_app(with_plugins=True)
    if scenario == "form":
        return form_app()
    if scenario == "big":
        return routes_app(n_routes, with_plugins=True)
    raise ValueError(scenario)
