"""Clastic 26 (on Werkzeug 1.0.1): the API clastic_like re-implements."""
import clastic

from apps import _clastic_family


def build(scenario, n_routes=100):
    return _clastic_family.build(clastic, scenario, n_routes)
