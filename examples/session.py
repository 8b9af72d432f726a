"""A cookie-backed session provided to endpoints by a middleware.

``SessionMiddleware`` declares ``provides = ('session',)``. On each
request it decodes a signed cookie into a dict (an empty dict when the
cookie is missing or has been tampered with), passes it down with
``next(session=...)``, and writes the cookie back only if the dict was
changed. Endpoints just take a ``session`` argument.

Routes:

* ``GET /`` counts the visits of this client;
* ``POST /name`` stores the ``name`` form field;
* ``GET /hello`` greets by the stored name (read-only, so no cookie is set).

The payload is signed with itsdangerous, not encrypted: clients can read it
but not change it. Real applications must pass their own secret key.
"""
import json

from itsdangerous import BadSignature, URLSafeSerializer

from clastic_like import GET, POST, Application, Middleware, render_basic


class SessionMiddleware(Middleware):
    provides = ('session',)

    def __init__(self, secret_key, cookie_name='session'):
        self.cookie_name = cookie_name
        self.serializer = URLSafeSerializer(secret_key, salt='example-session')

    def load(self, request):
        raw = request.cookies.get(self.cookie_name)
        if not raw:
            return {}
        try:
            data = self.serializer.loads(raw)
        except BadSignature:
            return {}
        return data if isinstance(data, dict) else {}

    def request(self, next, request):
        session = self.load(request)
        before = json.dumps(session, sort_keys=True)
        response = next(session=session)
        if json.dumps(session, sort_keys=True) != before:
            response.set_cookie(self.cookie_name,
                                self.serializer.dumps(session),
                                httponly=True, samesite='Lax')
        return response


def count_visits(session):
    session['visits'] = session.get('visits', 0) + 1
    return 'Visit number %d.' % session['visits']


def set_name(request, session):
    name = request.form.get('name', '').strip() or 'stranger'
    session['name'] = name
    return 'Name saved: %s.' % name


def hello(session):
    return 'Hello, %s!' % session.get('name', 'stranger')


def create_app(secret_key='change-me-example-only'):
    routes = [GET('/', count_visits, render_basic),
              POST('/name', set_name, render_basic),
              GET('/hello', hello, render_basic)]
    return Application(routes, middlewares=[SessionMiddleware(secret_key)])


app = create_app()


if __name__ == '__main__':
    from werkzeug.serving import run_simple
    run_simple('127.0.0.1', 5000, app)
