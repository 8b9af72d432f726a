"""A link shortener: the application the tutorial (docs/tutorial.md) builds.

Routes::

    GET  /              the form, and the links this browser created
    POST /              create a link (fields url, alias, expiry); 303 back to /,
                        or the form again with the errors and status 400
    GET  /<alias>       302 to the link's target, counting the visit;
                        404 page for an unknown alias, 410 page for an expired one
    GET  /api/links/<alias>  the link as JSON (target, visits, expiry)
    GET  /static/...    the stylesheet
    GET  /_meta/        how the application is built (mount it behind
                        authentication, or not at all, in production)

What it shows: a Jinja2 template per page, a plain resource (the database
path) and a request-scoped one (an SQLite connection with one transaction
per request), form fields from ``PostDataMiddleware``, errors re-rendered as
pages by a route's ``render_error``, a signed cookie listing each browser's
links, static files and the meta application.

Run it on http://127.0.0.1:5000/ with ``python -m examples.shortener``
(``PORT``, ``SHORTENER_DB``, ``SHORTENER_SECRET`` and ``SHORTENER_DEBUG``
configure it).  ``examples.shortener:app`` is the application built from
those variables, for ``clastic-like check``, ``clastic-like serve`` and
gunicorn; tests use :func:`create_app`.
"""
from __future__ import annotations

from typing import Any

from .web import FormError, app_from_env, create_app, settings_from_env

__all__ = ["create_app", "app_from_env", "settings_from_env", "FormError"]


def __getattr__(name: str) -> Any:
    # ``app`` is built on first use, not at import: building it creates the
    # database file and needs SHORTENER_SECRET, and importing the package
    # for create_app() (tests, the tutorial) must do neither.
    # ``examples.shortener:app`` reads the attribute, which builds it.
    if name == "app":
        app = app_from_env()
        globals()["app"] = app  # later reads find it without coming back here
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
