"""The example site's routes, endpoints and configuration.

Endpoints are plain functions returning dicts; the templates named as
renders turn them into pages.  Nothing is global: :func:`create_app` builds
the notes, the template factory and the application each time.
"""
from __future__ import annotations

import os
from typing import Any

from clastic_like import Application, GET, NotFound, render_json
from clastic_like.meta import MetaApplication
from clastic_like.render import Jinja2RenderFactory
from clastic_like.static import StaticApplication, StaticFileRoute

__all__ = ["create_app", "HERE"]

HERE = os.path.dirname(os.path.abspath(__file__))

_NOTES = (
    {"slug": "ordered-routes", "title": "Routes are tried in order",
     "body": "The first route whose pattern and method match serves the request; "
             "a non-breaking 404 lets the next one try."},
    {"slug": "checked-early", "title": "Checked at construction",
     "body": "A template that does not exist stops Application(...) before it serves a request."},
    {"slug": "escaping", "title": "Escaped by default",
     "body": "Data like <script>alert(1)</script> is shown, never run: HTML templates autoescape."},
)


def home(notes: list[dict[str, Any]]) -> dict[str, Any]:
    """The list of notes."""
    return {"notes": notes}


def show_note(notes: list[dict[str, Any]], slug: str) -> dict[str, Any]:
    """One note, by its slug."""
    for note in notes:
        if note["slug"] == slug:
            return {"note": note}
    raise NotFound(f"There is no note called {slug!r}.")


def list_notes_json(notes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The notes as JSON."""
    return [{"slug": n["slug"], "title": n["title"]} for n in notes]


def word_count(text: str) -> int:
    return len(text.split())


def create_app(debug: bool = False) -> Application:
    templates = Jinja2RenderFactory(
        os.path.join(HERE, "templates"),
        filters={"word_count": word_count},
        globals={"site_name": "Field notes"},
        auto_reload=debug,
    )
    routes = [
        GET("/", home, "index.html"),
        GET("/notes/<slug>", show_note, "note.html"),
        GET("/feed.xml", home, "feed.xml"),
        GET("/api/notes", list_notes_json, render_json),
        StaticFileRoute("/robots.txt", os.path.join(HERE, "static", "robots.txt")),
        ("/static", StaticApplication(os.path.join(HERE, "static"))),
        ("/_meta", MetaApplication(page_title="Field notes")),
    ]
    return Application(routes, resources={"notes": [dict(n) for n in _NOTES],
                                          "secret_key": "example-only-not-a-real-secret"},
                       render_factory=templates, debug=debug)
