"""The floor: plain WSGI callables, standard library only.

Each scenario is written the way one would by hand: look at PATH_INFO,
answer with ``start_response`` and a list of bytes.  Middleware are WSGI
wrappers (closures), and the one that provides a value puts it in environ.
"""
import json
from urllib.parse import parse_qs

from apps import TENANT

TEXT = [("Content-Type", "text/plain; charset=utf-8")]
JSON = [("Content-Type", "application/json")]


def _text(start_response, body, status="200 OK"):
    data = body.encode("utf-8")
    start_response(status, TEXT + [("Content-Length", str(len(data)))])
    return [data]


def _json(start_response, obj):
    data = json.dumps(obj).encode("utf-8")
    start_response("200 OK", JSON + [("Content-Length", str(len(data)))])
    return [data]


def _not_found(start_response):
    return _text(start_response, "Not Found", "404 Not Found")


def hello(environ, start_response):
    if environ["PATH_INFO"] == "/":
        return _text(start_response, "Hello, world!")
    return _not_found(start_response)


def _user_id(path):
    """``/users/<int>`` -> the int, else None."""
    if path.startswith("/users/"):
        tail = path[7:]
        if tail.isdigit():
            return int(tail)
    return None


def user(environ, start_response):
    user_id = _user_id(environ["PATH_INFO"])
    if user_id is None:
        return _not_found(start_response)
    return _json(start_response, {"id": user_id, "name": f"user{user_id}"})


def make_routes(n_routes, with_tenant=False):
    """``/r<i>/items/<int>``: a dict keyed by the first segment."""
    table = {f"r{i}": i for i in range(n_routes)}

    def routes(environ, start_response):
        parts = environ["PATH_INFO"].split("/")
        if len(parts) == 4 and parts[2] == "items" and parts[3].isdigit():
            i = table.get(parts[1])
            if i is not None:
                body = f"r{i}:{int(parts[3])}"
                if with_tenant:
                    body += ":" + environ["bench.tenant"]
                return _text(start_response, body)
        return _not_found(start_response)

    return routes


# -- three middlewares ------------------------------------------------------
def tenant_middleware(app):
    def wrapped(environ, start_response):
        environ["bench.tenant"] = TENANT
        return app(environ, start_response)
    return wrapped


def header_middleware(app):
    def wrapped(environ, start_response):
        def start(status, headers, exc_info=None):
            headers.append(("X-Bench", "1"))
            return start_response(status, headers, exc_info)
        return app(environ, start)
    return wrapped


class CounterMiddleware:
    def __init__(self, app):
        self.app = app
        self.count = 0

    def __call__(self, environ, start_response):
        self.count += 1
        return self.app(environ, start_response)


def wrap3(app):
    return CounterMiddleware(header_middleware(tenant_middleware(app)))


def user_with_tenant(environ, start_response):
    user_id = _user_id(environ["PATH_INFO"])
    if user_id is None:
        return _not_found(start_response)
    return _json(start_response, {"id": user_id, "name": f"user{user_id}",
                                  "tenant": environ["bench.tenant"]})


def echo(environ, start_response):
    if environ["PATH_INFO"] != "/echo":
        return _not_found(start_response)
    if environ["REQUEST_METHOD"] != "POST":
        start_response("405 Method Not Allowed", TEXT + [("Allow", "POST"), ("Content-Length", "0")])
        return [b""]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    form = parse_qs(environ["wsgi.input"].read(length).decode("latin-1"))
    return _text(start_response, form.get("name", [""])[0])


def build(scenario, n_routes=100):
    if scenario == "hello":
        return hello
    if scenario == "user":
        return user
    if scenario == "routes":
        return make_routes(n_routes)
    if scenario == "middleware":
        return wrap3(user_with_tenant)
    if scenario == "form":
        return echo
    if scenario == "big":
        return wrap3(make_routes(n_routes, with_tenant=True))
    raise ValueError(scenario)
