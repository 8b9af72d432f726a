"""Flask: decorators / add_url_rule, jsonify, request hooks as middleware.

The three middlewares are Flask's request hooks: one ``before_request``
provides the tenant on ``g``, one ``after_request`` adds a header, one
``before_request`` counts.
"""
from flask import Flask, g, jsonify, request

from apps import TENANT

_TEXT = {"Content-Type": "text/plain; charset=utf-8"}


def install_hooks(app):
    state = {"count": 0}

    @app.before_request
    def count():
        state["count"] += 1

    @app.after_request
    def add_header(response):
        response.headers["X-Bench"] = "1"
        return response

    @app.before_request
    def tenant():
        g.tenant = TENANT


def hello_app():
    app = Flask(__name__)

    @app.get("/")
    def hello():
        return "Hello, world!", _TEXT

    return app


def user_app(with_hooks=False):
    app = Flask(__name__)
    if with_hooks:
        install_hooks(app)

        @app.get("/users/<int:user_id>")
        def user(user_id):
            return jsonify(id=user_id, name=f"user{user_id}", tenant=g.tenant)
    else:
        @app.get("/users/<int:user_id>")
        def user(user_id):
            return jsonify(id=user_id, name=f"user{user_id}")
    return app


def form_app():
    app = Flask(__name__)

    @app.post("/echo")
    def echo():
        return request.form.get("name", ""), _TEXT

    return app


def make_item(i, with_tenant):
    if with_tenant:
        def item(item_id):
            return f"r{i}:{item_id}:{g.tenant}", _TEXT
    else:
        def item(item_id):
            return f"r{i}:{item_id}", _TEXT
    return item


def routes_app(n_routes, with_hooks=False):
    app = Flask(__name__)
    if with_hooks:
        install_hooks(app)
    for i in range(n_routes):
        app.add_url_rule(f"/r{i}/items/<int:item_id>", endpoint=f"r{i}", view_func=make_item(i, with_hooks))
    return app


def build(scenario, n_routes=100):
    if scenario == "hello":
        return hello_app()
    if scenario == "user":
        return user_app()
    if scenario == "routes":
        return routes_app(n_routes)
    if scenario == "middleware":
        return user_app(with_hooks=True)
    if scenario == "form":
        return form_app()
    if scenario == "big":
        return routes_app(n_routes, with_hooks=True)
    raise ValueError(scenario)
