"""An example site: Jinja2 templates, static files and the /_meta/ pages.

Run it with ``python -m examples.site`` and visit http://127.0.0.1:5000/
(and http://127.0.0.1:5000/_meta/).  ``tests/test_example_site.py`` and the
browser test exercise it.
"""
from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
