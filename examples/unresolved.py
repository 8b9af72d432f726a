"""An endpoint argument that nothing provides is caught at construction.

``greet`` asks for ``first_name``, but the route ``/hello/<name>`` only
binds ``name``, there are no resources and no middleware, and
``first_name`` is not a built-in. ``create_app()`` therefore raises a
``NameError`` naming the missing argument; no request has to be made to
find the bug. That is why this module defines no module-level ``app``:
importing it must not fail.

``create_fixed_app()`` shows the correction (the parameter is renamed to
match the URL binding), which constructs normally.
"""
from clastic_like import Application, render_basic


def greet(first_name):
    return 'Hello, %s!' % first_name


def greet_fixed(name):
    return 'Hello, %s!' % name


def create_app():
    """Raise NameError: ``first_name`` has no source on ``/hello/<name>``."""
    return Application([('/hello/<name>', greet, render_basic)])


def create_fixed_app():
    return Application([('/hello/<name>', greet_fixed, render_basic)])


if __name__ == '__main__':
    import sys
    try:
        app = create_app()
    except NameError as exc:
        sys.exit('construction failed, as intended: %s' % exc)
    from werkzeug.serving import run_simple
    run_simple('127.0.0.1', 5000, app)
