"""S2 and S4 written by hand with clastic_like's own parts, without its dispatcher.

Not a framework of the comparison: a measuring aid for ``instructions.py
--module clastic_parts`` (run in clastic_like's virtualenv).  It answers
exactly what clastic_like's S2 and S4 answer, with the same per-request
objects clastic_like makes: ``render_json``'s request-free shortcut (its
kept C encoder), ``make_response``'s Response with ``ResponseHeaders``, and
for S4 the three middleware classes of _clastic_family, called
through ``next`` functions bound with ``MethodType`` as clastic_like's
generated chains bind them.  What it leaves out is the rest of the
framework's work per request: routing through the route index, the
dispatcher's tests (route flags, Response checks before sending) and the
generated chain's glue.  So clastic_like's count minus this one is what
those cost (bench/README.md, "Where S4's cost is").
"""
from types import MethodType

import clastic_like
from clastic_like import render_json
from clastic_like._wrappers import make_response

from apps._clastic_family import middleware_classes
from apps.raw_app import _not_found, _user_id

_quick = render_json.body_without_request


def _send(response, start_response):
    start_response(response._status, response.headers._list[:])
    return response.response


def build(scenario, n_routes=100):
    if scenario == "user":
        def user(environ, start_response):
            user_id = _user_id(environ["PATH_INFO"])
            if user_id is None:
                return _not_found(start_response)
            body, content_type = _quick({"id": user_id, "name": f"user{user_id}"})
            start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
            return [body]
        return user
    if scenario != "middleware":
        raise ValueError(f"clastic_parts has S2 (user) and S4 (middleware) only, not {scenario!r}")
    hooks = tuple(cls().request for cls in middleware_classes(clastic_like))

    def next0(user_id):
        return hooks[1](MethodType(next1, user_id))

    def next1(user_id):
        return hooks[2](MethodType(next2, user_id))

    def next2(user_id, tenant):
        return make_response(*_quick({"id": user_id, "name": f"user{user_id}", "tenant": tenant}))

    def middleware(environ, start_response):
        user_id = _user_id(environ["PATH_INFO"])
        if user_id is None:
            return _not_found(start_response)
        return _send(hooks[0](MethodType(next0, user_id)), start_response)
    return middleware
