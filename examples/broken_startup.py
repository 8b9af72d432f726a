"""An application that cannot be built: what the development server does about it.

``create_app()`` routes ``/hello/<name>`` to ``greet(first_name)``; nothing
provides ``first_name``, so building the application raises ``NameError``.
Importing this module is fine (the mistake is inside the factory).

Try it::

    python -m clastic_like check 'examples.broken_startup:create_app()'
    python -m clastic_like serve 'examples.broken_startup:create_app()'

``check`` prints the error on one line and exits 1.  ``serve`` keeps running
and answers every URL with the start-up failure page (status 500) showing
the error and the file and line to fix; rename the parameter to ``name``,
save, and the server restarts with the working application.
"""
from __future__ import annotations

from clastic_like import Application, render_basic


def greet(first_name):
    return f'Hello, {first_name}!'


def create_app():
    return Application([('/hello/<name>', greet, render_basic)])
