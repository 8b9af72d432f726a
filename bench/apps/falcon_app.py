"""Falcon 4: resource classes with responders, middleware components.

The providing middleware sets ``req.context.tenant``; the responder reads it.
"""
import falcon

from apps import TENANT


class Hello:
    def on_get(self, req, resp):
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = "Hello, world!"


class User:
    def on_get(self, req, resp, user_id):
        resp.media = {"id": user_id, "name": f"user{user_id}"}


class UserWithTenant:
    def on_get(self, req, resp, user_id):
        resp.media = {"id": user_id, "name": f"user{user_id}", "tenant": req.context.tenant}


class Echo:
    def on_post(self, req, resp):
        form = req.get_media()
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = form.get("name", "")


class Item:
    def __init__(self, i, with_tenant=False):
        self.i = i
        self.with_tenant = with_tenant

    def on_get(self, req, resp, item_id):
        resp.content_type = falcon.MEDIA_TEXT
        if self.with_tenant:
            resp.text = f"r{self.i}:{item_id}:{req.context.tenant}"
        else:
            resp.text = f"r{self.i}:{item_id}"


# -- three middleware components --------------------------------------------
class CounterMiddleware:
    def __init__(self):
        self.count = 0

    def process_request(self, req, resp):
        self.count += 1


class HeaderMiddleware:
    def process_response(self, req, resp, resource, req_succeeded):
        resp.set_header("X-Bench", "1")


class TenantMiddleware:
    def process_request(self, req, resp):
        req.context.tenant = TENANT


def three_middlewares():
    return [CounterMiddleware(), HeaderMiddleware(), TenantMiddleware()]


def routes_app(n_routes, with_middleware=False):
    app = falcon.App(middleware=three_middlewares() if with_middleware else None)
    for i in range(n_routes):
        app.add_route(f"/r{i}/items/{{item_id:int}}", Item(i, with_middleware))
    return app


def build(scenario, n_routes=100):
    if scenario == "hello":
        app = falcon.App()
        app.add_route("/", Hello())
        return app
    if scenario == "user":
        app = falcon.App()
        app.add_route("/users/{user_id:int}", User())
        return app
    if scenario == "routes":
        return routes_app(n_routes)
    if scenario == "middleware":
        app = falcon.App(middleware=three_middlewares())
        app.add_route("/users/{user_id:int}", UserWithTenant())
        return app
    if scenario == "form":
        app = falcon.App()
        app.add_route("/echo", Echo())
        return app
    if scenario == "big":
        return routes_app(n_routes, with_middleware=True)
    raise ValueError(scenario)
