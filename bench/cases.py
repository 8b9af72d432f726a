"""The requests each scenario sends, and how a correct answer looks.

Shared by the in-process driver and the end-to-end runner; standard library
only, so it imports in every virtualenv and in the runner's own Python.
"""
import json

FORM_BODY = b"name=bob&age=42&city=Paris"
FORM_TYPE = "application/x-www-form-urlencoded"


class Case:
    """One request against one application: ``build(scenario, n_routes)``."""

    def __init__(self, key, label, scenario, path, *, n_routes=100, method="GET", body=b"",
                 content_type=None, status=200, text=None, json_body=None, header=None):
        self.key, self.label, self.scenario, self.path = key, label, scenario, path
        self.n_routes, self.method, self.body, self.content_type = n_routes, method, body, content_type
        self.status, self.text, self.json_body, self.header = status, text, json_body, header

    def check(self, status, headers, body):
        """An error message, or None when the answer is right."""
        code = int(status.split()[0]) if isinstance(status, str) else int(status)
        if code != self.status:
            return f"{self.key}: status {status!r}, expected {self.status}; body {body[:200]!r}"
        if self.text is not None and body != self.text.encode():
            return f"{self.key}: body {body[:200]!r}, expected {self.text!r}"
        if self.json_body is not None:
            try:
                got = json.loads(body)
            except ValueError:
                return f"{self.key}: body is not JSON: {body[:200]!r}"
            if got != self.json_body:
                return f"{self.key}: JSON {got!r}, expected {self.json_body!r}"
        if self.header is not None:
            name, value = self.header
            found = [v for k, v in headers if k.lower() == name.lower()]
            if found != [value]:
                return f"{self.key}: header {name} = {found!r}, expected [{value!r}]"
        return None


USER = {"id": 42, "name": "user42"}

CASES = [
    Case("S1", "S1 hello", "hello", "/", text="Hello, world!"),
    Case("S2", "S2 param+json", "user", "/users/42", json_body=USER),
    Case("S3-100-first", "S3 100 routes, first", "routes", "/r0/items/42", n_routes=100, text="r0:42"),
    Case("S3-100-last", "S3 100 routes, last", "routes", "/r99/items/42", n_routes=100, text="r99:42"),
    Case("S3-1000-first", "S3 1000 routes, first", "routes", "/r0/items/42", n_routes=1000, text="r0:42"),
    Case("S3-1000-last", "S3 1000 routes, last", "routes", "/r999/items/42", n_routes=1000, text="r999:42"),
    Case("S4", "S4 3 middlewares", "middleware", "/users/42", json_body=dict(USER, tenant="acme"),
         header=("X-Bench", "1")),
    Case("S5", "S5 not found", "user", "/nope", status=404),
    Case("S6", "S6 form POST", "form", "/echo", method="POST", body=FORM_BODY,
         content_type=FORM_TYPE, text="bob"),
]
BY_KEY = {case.key: case for case in CASES}

# S7: construction of the 1000-route application with three middlewares, then
# one request to its last route.
BIG = Case("S7", "S7 construction", "big", "/r999/items/42", n_routes=1000, text="r999:42:acme",
           header=("X-Bench", "1"))

E2E_KEYS = ["S1", "S2", "S3-1000-last", "S4", "S5", "S6"]
