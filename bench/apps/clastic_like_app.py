"""clastic_like (on Werkzeug 3): the same program as clastic_app."""
import clastic_like

from apps import _clastic_family


def build(scenario, n_routes=100):
    return _clastic_family.build(clastic_like, scenario, n_routes)
