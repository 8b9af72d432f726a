"""A small JSON service using every built-in middleware at once.

Routes:

* ``GET /notes?page=N`` lists notes (``page`` is a strict int, default 1);
* ``POST /notes`` adds the ``text`` form field, counting additions in the session;
* ``GET /boom`` fails, to show what a 500 looks like;
* ``/_stats/`` (GET) and ``/_stats/reset`` (POST): response-time statistics.

Every response carries an ``X-Request-ID`` and is logged on the
``clastic_like.access`` logger; the browser app at ``https://app.example.com``
may call the API (CORS); bodies over 64 KiB are refused.

Run it with ``SECRET_KEY=... python -m examples.middleware_service`` (without
``SECRET_KEY`` it runs in debug mode with a throwaway session key).
"""
from __future__ import annotations

import logging
import os

from clastic_like import GET, POST, Application, render_json
from clastic_like.middleware import (
    AccessLogMiddleware,
    BodyLimitMiddleware,
    CORSMiddleware,
    GetParamMiddleware,
    GzipMiddleware,
    HTTPCacheMiddleware,
    PostDataMiddleware,
    RequestIdMiddleware,
    ScriptRootMiddleware,
    SignedCookieMiddleware,
    SimpleContextProcessor,
    SimpleProfileMiddleware,
)
from clastic_like.middleware.stats import StatsMiddleware, create_stats_app

PAGE_SIZE = 10


def list_notes(notes, page):
    start = (max(page, 1) - 1) * PAGE_SIZE
    return {"notes": notes[start:start + PAGE_SIZE], "page": page}


def add_note(notes, text, session):
    if not text:
        return {"added": False}
    notes.append(text)
    session["added"] = session.get("added", 0) + 1
    return {"added": True, "added_by_you": session["added"]}


def boom():
    raise RuntimeError("this endpoint always fails")


def create_app(secret_key: str | None = "example-secret-change-me-0123456789", debug: bool = False,
               notes: list | None = None) -> Application:
    """The service; ``notes`` is the in-memory store (a list of strings)."""
    middlewares = [
        AccessLogMiddleware(),                      # outermost: sees every answer, even the others'
        RequestIdMiddleware(),
        CORSMiddleware(["https://app.example.com"], allow_credentials=True),
        BodyLimitMiddleware(64 * 1024),             # before anything reads the body
        StatsMiddleware(),
        SimpleProfileMiddleware(),                  # only with debug=True
        HTTPCacheMiddleware(private=True, must_revalidate=True),
        GzipMiddleware(),                           # after the cache: ETags cover the gzipped bytes
        SignedCookieMiddleware("session", secret_key=secret_key),
        GetParamMiddleware({"page": (int, 1)}, strict=True),
        PostDataMiddleware({"text": (str, "")}),
        ScriptRootMiddleware(),
        # Adds script_root to dict results. (Not request_id: a per-request
        # value in the body would give every response a new ETag.)
        SimpleContextProcessor("script_root"),
    ]
    routes = [GET("/notes", list_notes, render_json),
              POST("/notes", add_note, render_json),
              GET("/boom", boom, render_json),
              ("/_stats", create_stats_app())]
    return Application(routes, resources={"notes": notes if notes is not None else []},
                       middlewares=middlewares, debug=debug)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    secret = os.environ.get("SECRET_KEY")
    create_app(secret, debug=secret is None).serve()
