"""Returning Response objects instead of values for a renderer.

A route without a render function must have an endpoint that returns a
``Response``; the application sends it as it is. Three ways of sending a
visitor back to ``/`` are shown:

* ``/return-home`` builds the ``Response`` by hand: status 301, a
  ``Location`` header and an extra custom header;
* ``/redirect-home`` uses the ``redirect()`` helper (302 by default);
* ``/old-home`` uses a ``Redirector`` instance as the endpoint (301).
"""
from clastic_like import (Application, Redirector, Response, redirect,
                          render_basic)


def home():
    return 'Home, Sweet Home!'


def return_home():
    """Build the redirect response by hand, with a custom header."""
    response = Response('Moved to /\n', mimetype='text/plain')
    response.status_code = 301
    response.headers['Location'] = '/'
    response.headers['X-Example'] = 'custom_response'
    return response


def redirect_home():
    """Same destination, using the helper; the status defaults to 302."""
    return redirect('/')


def create_app():
    routes = [('/', home, render_basic),
              ('/return-home', return_home),
              ('/redirect-home', redirect_home),
              ('/old-home', Redirector('/'))]
    return Application(routes)


app = create_app()


if __name__ == '__main__':
    from werkzeug.serving import run_simple
    run_simple('127.0.0.1', 5000, app)
