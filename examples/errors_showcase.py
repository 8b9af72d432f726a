"""HTTP errors, per-route and per-application error rendering, and a 500 that leaks nothing.

* ``/users/<user_id:int>`` raises ``NotFound`` for an unknown user;
* ``/quota`` answers 429 with a ``Retry-After`` header;
* ``/admin`` answers 401 with a ``WWW-Authenticate`` challenge;
* ``/legacy`` has its own ``render_error`` (a plain one-line body);
* ``/crash`` raises an ordinary exception: in production the client gets a
  500 with a request id, and the traceback goes to the ``clastic_like``
  logger with the same id; with ``debug=True`` it gets the debug page.

Every other error is rendered by ``ProblemErrorHandler``, an application-wide
``render_error`` that answers ``application/problem+json`` (RFC 9457).

Run it with ``python -m clastic_like serve 'examples.errors_showcase:create_app()'``
(add ``--debug`` for Werkzeug's debugger) and try the URLs above.
"""
from __future__ import annotations

import json

from clastic_like import Application, Response, Route, render_basic
from clastic_like.errors import ErrorHandler, NotFound, TooManyRequests, Unauthorized

USERS = {1: 'ada', 2: 'grace'}


def get_user(user_id):
    if user_id not in USERS:
        raise NotFound(f'No user has the id {user_id}.')
    return {'id': user_id, 'name': USERS[user_id]}


def quota():
    return TooManyRequests(retry_after=30)


def admin():
    raise Unauthorized(www_authenticate='Bearer realm="showcase"')


def legacy():
    raise NotFound()


def legacy_render_error(_error):
    """This route's own error renderer: one line of text."""
    return Response(f'error {_error.code}\n', status=_error.code, mimetype='text/plain')


def crash():
    raise RuntimeError('database password is hunter2')


class ProblemErrorHandler(ErrorHandler):
    """Every error of the application as ``application/problem+json``."""

    def render_error(self, request, _error, **kw):
        body = {'type': 'about:blank', 'status': _error.code, 'title': _error.message,
                'detail': str(_error.detail)}
        if getattr(_error, 'request_id', None):
            body['request_id'] = _error.request_id
        response = Response(json.dumps(body), status=_error.code, mimetype='application/problem+json')
        # Keep the status's own headers (Allow, Retry-After, WWW-Authenticate).
        for name in ('Allow', 'Retry-After', 'WWW-Authenticate'):
            if name in _error.headers:
                response.headers[name] = _error.headers[name]
        return response


def create_app(debug=False):
    routes = [('/users/<user_id:int>', get_user, render_basic),
              ('/quota', quota),
              ('/admin', admin),
              Route('/legacy', legacy, render_error=legacy_render_error),
              ('/crash', crash, render_basic)]
    handler = None if debug else ProblemErrorHandler()
    return Application(routes, error_handler=handler, debug=debug)


app = create_app()


if __name__ == '__main__':
    app.serve()
