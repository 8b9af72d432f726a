"""Clastic-style applications, for Clastic itself and for clastic_like.

Both share one API, so one idiomatic program serves both: route tuples,
endpoints that take what they need by name, render functions, and
Middleware classes whose ``provides`` the endpoint asks for.
"""
from apps import TENANT


def middleware_classes(pkg):
    """S4's three middleware, as ``pkg``'s Middleware classes: a counter, one
    setting a response header, and one providing ``tenant``."""
    Middleware = pkg.Middleware

    class CounterMiddleware(Middleware):
        def __init__(self):
            self.count = 0

        def request(self, next):
            self.count += 1
            return next()

    class HeaderMiddleware(Middleware):
        def request(self, next):
            response = next()
            response.headers["X-Bench"] = "1"
            return response

    class TenantMiddleware(Middleware):
        provides = ("tenant",)

        def request(self, next):
            return next(tenant=TENANT)

    return CounterMiddleware, HeaderMiddleware, TenantMiddleware


def build(pkg, scenario, n_routes=100):
    """``pkg`` is the imported ``clastic`` or ``clastic_like`` package."""
    Application, POST = pkg.Application, pkg.POST
    render_basic, render_json = pkg.render_basic, pkg.render_json

    def three_middlewares():
        return [cls() for cls in middleware_classes(pkg)]

    def hello():
        return "Hello, world!"

    def user(user_id):
        return {"id": user_id, "name": f"user{user_id}"}

    def user_with_tenant(user_id, tenant):
        return {"id": user_id, "name": f"user{user_id}", "tenant": tenant}

    def echo(request):
        return request.form.get("name", "")

    def make_item(i, with_tenant):
        if with_tenant:
            def item(item_id, tenant):
                return f"r{i}:{item_id}:{tenant}"
        else:
            def item(item_id):
                return f"r{i}:{item_id}"
        return item

    def routes(with_tenant):
        return [(f"/r{i}/items/<item_id:int>", make_item(i, with_tenant), render_basic)
                for i in range(n_routes)]

    if scenario == "hello":
        return Application([("/", hello, render_basic)])
    if scenario == "user":
        return Application([("/users/<user_id:int>", user, render_json)])
    if scenario == "routes":
        return Application(routes(False))
    if scenario == "middleware":
        return Application([("/users/<user_id:int>", user_with_tenant, render_json)],
                           middlewares=three_middlewares())
    if scenario == "form":
        return Application([POST("/echo", echo, render_basic)])
    if scenario == "big":
        return Application(routes(True), middlewares=three_middlewares())
    raise ValueError(scenario)
