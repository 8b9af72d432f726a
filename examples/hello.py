"""Hello world, the first example from Clastic's README.

One endpoint function serves two routes. On ``/`` nothing in the URL is
named ``name``, so the Python default ``'world'`` is used; on ``/<name>``
the URL segment is injected as ``name``.

Run it with ``python -m examples.hello`` and visit http://127.0.0.1:5000/
or http://127.0.0.1:5000/Ben.
"""
from clastic_like import Application, render_basic


def hello(name='world'):
    """Greet *name*; a plain function, so it is easy to test directly."""
    return 'Hello, %s!' % name


def create_app():
    routes = [('/', hello, render_basic),
              ('/<name>', hello, render_basic)]
    return Application(routes)


app = create_app()


if __name__ == '__main__':
    from werkzeug.serving import run_simple
    run_simple('127.0.0.1', 5000, app)
