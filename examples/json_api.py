"""A JSON API: a small book catalogue.

Routes::

    GET   /api/health                       {"status": "ok"}, for load balancers
    GET   /api/books?author=&limit=&offset= a page of books, newest first
    POST  /api/books                        add a book from a JSON object (201)
    GET   /api/books/<book_id:int>          one book, or 404

What it shows:

* **typed URL parameters**: ``<book_id:int>`` reaches the endpoint as an
  ``int``; ``/api/books/abc`` does not match, so it is a 404, never a crash;
* **query parameters** through ``GetParamMiddleware``, typed, with defaults,
  and ``strict=True`` so ``?limit=ten`` is a 400 naming the parameter;
* **errors**: endpoints raise ``NotFound`` and ``BadRequest``; a client that
  sends ``Accept: application/json`` gets every error (including 404s for
  unknown paths and 405s) as a JSON object ``{"code", "message", "detail",
  "error_type"}``; other clients get plain text;
* **no global state**: the catalogue is a resource created by
  ``create_app()``, so every application (and every test) has its own.

Run it with ``python -m examples.json_api`` (``PORT`` changes the port), then::

    curl -H 'Accept: application/json' 'http://127.0.0.1:5000/api/books?limit=2'
    curl -H 'Content-Type: application/json' -d '{"title": "Dune", "author": "Frank Herbert"}' \\
         http://127.0.0.1:5000/api/books
"""
from __future__ import annotations

import json
import threading
from typing import Any, Optional

from clastic_like import GET, POST, Application, BadRequest, NotFound, Response, render_json
from clastic_like.errors import RequestEntityTooLarge, UnsupportedMediaType
from clastic_like.middleware import GetParamMiddleware

__all__ = ["BookStore", "create_app", "app", "read_json_object", "MAX_BODY_BYTES", "MAX_LIMIT"]

MAX_LIMIT = 100
# A book is a few hundred bytes; refusing more keeps one request from
# holding megabytes of memory.
MAX_BODY_BYTES = 16 * 1024
TEXT_FIELDS = {"title": 200, "author": 100}  # field -> longest accepted length

SEED = [
    ("The Left Hand of Darkness", "Ursula K. Le Guin", 1969),
    ("A Wizard of Earthsea", "Ursula K. Le Guin", 1968),
    ("Kindred", "Octavia E. Butler", 1979),
    ("Solaris", "Stanisław Lem", 1961),
]


class BookStore:
    """An in-memory catalogue, safe to share between the server's threads."""

    def __init__(self, seed: Any = SEED) -> None:
        self._lock = threading.Lock()
        self._books: dict[int, dict[str, Any]] = {}
        for title, author, year in seed:
            self.add(title, author, year)

    def add(self, title: str, author: str, year: Optional[int]) -> dict[str, Any]:
        with self._lock:
            book_id = len(self._books) + 1
            book = {"id": book_id, "title": title, "author": author, "year": year}
            self._books[book_id] = book
            return dict(book)  # a copy: callers cannot change the store by accident

    def get(self, book_id: int) -> Optional[dict[str, Any]]:
        with self._lock:
            book = self._books.get(book_id)
            return dict(book) if book is not None else None

    def page(self, author: Optional[str], limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
        with self._lock:
            books = [dict(b) for b in reversed(self._books.values())]
        if author:
            wanted = author.casefold()
            books = [b for b in books if wanted in b["author"].casefold()]
        return len(books), books[offset:offset + limit]


def read_json_object(request: Any) -> dict[str, Any]:
    """The request body as a JSON object, or a 4xx saying what is wrong with it."""
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as JSON, with Content-Type: application/json.")
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        raise RequestEntityTooLarge(f"The body may be at most {MAX_BODY_BYTES} bytes.")
    raw = request.stream.read(MAX_BODY_BYTES + 1)  # the stream is bounded by Content-Length
    if len(raw) > MAX_BODY_BYTES:
        raise RequestEntityTooLarge(f"The body may be at most {MAX_BODY_BYTES} bytes.")
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        # ValueError covers bad syntax and bad UTF-8; RecursionError a body
        # nested thousands of levels deep.  Neither is the server's fault.
        raise BadRequest("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadRequest(f"The body must be a JSON object, not {_JSON_TYPES.get(type(data), 'that')}.")
    return data


# Name what the client sent in JSON's terms, not Python's.
_JSON_TYPES = {list: "an array", str: "a string", int: "a number", float: "a number",
               bool: "a boolean", type(None): "null"}


def _refuse_constant(name: str) -> Any:
    # json.loads accepts NaN and Infinity, which are not JSON and which
    # json.dumps would send back as invalid JSON.
    raise ValueError(f"{name} is not valid JSON")


def _validate_book(data: dict[str, Any]) -> dict[str, Any]:
    problems = []
    unknown = sorted(set(data) - set(TEXT_FIELDS) - {"year"})
    if unknown:
        problems.append(f"Unknown field(s): {', '.join(repr(k)[:40] for k in unknown[:5])}.")
    clean: dict[str, Any] = {}
    for field, longest in TEXT_FIELDS.items():
        value = data.get(field)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{field!r} is required and must be a non-empty string.")
        elif len(value.strip()) > longest:
            problems.append(f"{field!r} may be at most {longest} characters.")
        else:
            clean[field] = value.strip()
    year = data.get("year")
    # bool is an int subclass, but true is not a year.
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not -3000 <= year <= 3000):
        problems.append("'year' must be an integer between -3000 and 3000, or left out.")
    clean["year"] = year
    if problems:
        raise BadRequest(" ".join(problems))
    return clean


# -- endpoints: plain functions, asking for what they need by name -------------

def health() -> dict[str, str]:
    return {"status": "ok"}


def list_books(books: BookStore, author: Optional[str], limit: int, offset: int) -> dict[str, Any]:
    # GetParamMiddleware has already turned the strings into ints (or
    # answered 400); ranges are the endpoint's business.
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"Query parameter 'limit' must be between 1 and {MAX_LIMIT}.")
    if offset < 0:
        raise BadRequest("Query parameter 'offset' must be 0 or more.")
    total, page = books.page(author, limit, offset)
    return {"total": total, "limit": limit, "offset": offset, "books": page}


def get_book(books: BookStore, book_id: int) -> dict[str, Any]:
    book = books.get(book_id)
    if book is None:
        raise NotFound(f"No book with id {book_id}.")
    return book


def add_book(books: BookStore, request: Any) -> dict[str, Any]:
    fields = _validate_book(read_json_object(request))
    return books.add(fields["title"], fields["author"], fields["year"])


def render_created(context: dict[str, Any], request: Any) -> Response:
    """Render a new book: 201 Created, with a Location the client can follow."""
    response = render_json(context)
    response.status_code = 201
    # script_root keeps the link right when the API is mounted under a prefix.
    response.headers["Location"] = f"{request.script_root}/api/books/{context['id']}"
    return response


def create_app(books: Optional[BookStore] = None) -> Application:
    """The API, serving ``books`` (a fresh, seeded catalogue by default)."""
    params = GetParamMiddleware({"author": (str, None), "limit": (int, 20), "offset": (int, 0)},
                                strict=True)
    routes = [
        GET("/api/health", health, render_json),
        GET("/api/books", list_books, render_json, middlewares=[params]),
        POST("/api/books", add_book, render_created),
        GET("/api/books/<book_id:int>", get_book, render_json),
    ]
    return Application(routes, resources={"books": books if books is not None else BookStore()})


app = create_app()


if __name__ == "__main__":
    import os

    from werkzeug.serving import run_simple

    run_simple("127.0.0.1", int(os.environ.get("PORT", "5000")), app)
