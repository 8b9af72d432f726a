"""One module per framework; each exposes ``build(scenario, n_routes=100)``.

Scenarios (see ../README.md): ``hello`` (S1), ``user`` (S2, also served for
S5's 404), ``routes`` (S3, ``n_routes`` routes), ``middleware`` (S4),
``form`` (S6) and ``big`` (S7: ``n_routes`` routes behind the three
middlewares).  Every module imports only its own framework and the standard
library, so the raw module can be imported in every virtualenv.
"""

FRAMEWORKS = ("raw", "werkzeug", "flask", "bottle", "falcon", "clastic", "clastic_like")
SCENARIOS = ("hello", "user", "routes", "middleware", "form", "big")
TENANT = "acme"   # the value the providing middleware hands to the endpoint


def import_app_module(framework):
    """The app module of ``framework`` (``falcon-pure`` uses the falcon one)."""
    import importlib

    name = {"falcon-pure": "falcon"}.get(framework, framework)
    return importlib.import_module(f"apps.{name}_app")
