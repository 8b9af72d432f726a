"""Plain Werkzeug 3: a Map of Rules, Request/Response, as in Werkzeug's tutorial.

Middleware are WSGI middleware (Werkzeug has no other kind); the providing one
puts its value in environ and the view reads it from ``request.environ``.
"""
import json

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from apps import TENANT


class App:
    def __init__(self, rules, views):
        self.url_map = Map(rules)
        self.views = views

    def dispatch_request(self, request):
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, values = adapter.match()
            return self.views[endpoint](request, **values)
        except HTTPException as exc:
            return exc

    def wsgi_app(self, environ, start_response):
        request = Request(environ)
        response = self.dispatch_request(request)
        return response(environ, start_response)

    def __call__(self, environ, start_response):
        return self.wsgi_app(environ, start_response)


def hello(request):
    return Response("Hello, world!", mimetype="text/plain")


def user(request, user_id):
    return Response(json.dumps({"id": user_id, "name": f"user{user_id}"}), mimetype="application/json")


def user_with_tenant(request, user_id):
    data = {"id": user_id, "name": f"user{user_id}", "tenant": request.environ["bench.tenant"]}
    return Response(json.dumps(data), mimetype="application/json")


def echo(request):
    return Response(request.form.get("name", ""), mimetype="text/plain")


def make_item(i, with_tenant=False):
    def item(request, item_id):
        body = f"r{i}:{item_id}"
        if with_tenant:
            body += ":" + request.environ["bench.tenant"]
        return Response(body, mimetype="text/plain")
    return item


def routes_app(n_routes, with_tenant=False):
    rules, views = [], {}
    for i in range(n_routes):
        rules.append(Rule(f"/r{i}/items/<int:item_id>", endpoint=f"r{i}"))
        views[f"r{i}"] = make_item(i, with_tenant)
    return App(rules, views)


# -- three WSGI middlewares ---------------------------------------------------
class TenantMiddleware:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        environ["bench.tenant"] = TENANT
        return self.app(environ, start_response)


class HeaderMiddleware:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            headers.append(("X-Bench", "1"))
            return start_response(status, headers, exc_info)
        return self.app(environ, start)


class CounterMiddleware:
    def __init__(self, app):
        self.app = app
        self.count = 0

    def __call__(self, environ, start_response):
        self.count += 1
        return self.app(environ, start_response)


def wrap3(app):
    # Wrap wsgi_app as the Werkzeug docs suggest, keeping the App object.
    app.wsgi_app = CounterMiddleware(HeaderMiddleware(TenantMiddleware(app.wsgi_app)))
    return app


def build(scenario, n_routes=100):
    if scenario == "hello":
        return App([Rule("/", endpoint="hello")], {"hello": hello})
    if scenario == "user":
        return App([Rule("/users/<int:user_id>", endpoint="user")], {"user": user})
    if scenario == "routes":
        return routes_app(n_routes)
    if scenario == "middleware":
        return wrap3(App([Rule("/users/<int:user_id>", endpoint="user")], {"user": user_with_tenant}))
    if scenario == "form":
        return App([Rule("/echo", endpoint="echo", methods=["POST"])], {"echo": echo})
    if scenario == "big":
        return wrap3(routes_app(n_routes, with_tenant=True))
    raise ValueError(scenario)
