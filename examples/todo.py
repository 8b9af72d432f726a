"""A to-do service keeping its data in SQLite, one transaction per request.

Routes (JSON in and out)::

    GET     /todos?done=true|false        list to-dos, optionally filtered
    POST    /todos                        create one: {"title": "..."}  (201)
    POST    /todos/bulk                   create several: [{"title": ...}, ...]  (201)
    GET     /todos/<todo_id:int>          one to-do, or 404
    POST    /todos/<todo_id:int>/complete mark it done
    DELETE  /todos/<todo_id:int>          delete it (204)

What it shows:

* the database path is a plain **resource** (``create_app(db_path)``), and
  the connection is a **request-scoped resource** made from it: opened only
  for requests whose endpoint asks for ``db``, at most once per request;
* **one transaction per request**: the resource commits when the request
  succeeded and rolls back when it failed, whether with a 4xx raised on bad
  input or with an unexpected exception.  ``POST /todos/bulk`` inserts item
  by item and checks each as it goes, so a bad third item would leave two
  rows behind without the rollback; with it, nothing is written;
* the schema is created when the application is built, so a database that
  cannot be opened fails at start-up with the path in the message, not on the
  first request.

Send ``Accept: application/json`` to get errors as JSON objects.

Run it with ``python -m examples.todo`` (``TODO_DB`` sets the database file,
default ``todo.db`` in the current directory; ``PORT`` the port), then::

    curl -H 'Content-Type: application/json' -d '{"title": "buy milk"}' http://127.0.0.1:5000/todos
    curl -X POST http://127.0.0.1:5000/todos/1/complete
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterator, Optional

from clastic_like import DELETE, GET, POST, Application, BadRequest, NotFound, Response, render_json
from clastic_like.errors import RequestEntityTooLarge, UnsupportedMediaType
from clastic_like.middleware import GetParamMiddleware
from clastic_like.resources import request_scoped

__all__ = ["create_app", "connect", "init_db", "read_json", "MAX_BODY_BYTES", "MAX_TITLE", "MAX_BULK"]

MAX_TITLE = 200
MAX_BULK = 100
MAX_BODY_BYTES = 64 * 1024  # bounds the memory one request can make the server hold

SCHEMA = """
CREATE TABLE IF NOT EXISTS todo (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT    NOT NULL,
    done  INTEGER NOT NULL DEFAULT 0
)
"""


def init_db(db_path: str) -> None:
    """Create the table if needed; raise ``RuntimeError`` naming the path if the database is unusable."""
    try:
        conn = sqlite3.connect(db_path)
        try:
            with conn:
                conn.execute(SCHEMA)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise RuntimeError(
            f"Cannot use the to-do database at {db_path!r}: {exc}. Check that the directory"
            " exists and is writable, or pass another path to create_app()."
        ) from exc


@request_scoped
def connect(db_path: str) -> Iterator[sqlite3.Connection]:
    """One connection and one transaction per request that asks for ``db``."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        yield conn
    except BaseException:
        # The request failed (an HTTP error or any exception is thrown in
        # here): none of its writes may survive.
        conn.rollback()
        raise
    else:
        conn.commit()  # a failed commit becomes a 500, never a false success
    finally:
        conn.close()


def read_json(request: Any) -> Any:
    """The request body decoded from JSON, or a 4xx saying what is wrong with it."""
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as JSON, with Content-Type: application/json.")
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        raise RequestEntityTooLarge(f"The body may be at most {MAX_BODY_BYTES} bytes.")
    raw = request.stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise RequestEntityTooLarge(f"The body may be at most {MAX_BODY_BYTES} bytes.")
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        # Bad syntax, bad UTF-8 or absurd nesting: the client's mistake.
        raise BadRequest("The body is not valid JSON.") from None


def _title_of(item: Any, where: str) -> str:
    if not isinstance(item, dict):
        raise BadRequest(f"{where} must be a JSON object like {{\"title\": \"...\"}}.")
    unknown = sorted(set(item) - {"title"})
    if unknown:
        raise BadRequest(f"{where} has unknown field(s): {', '.join(repr(k)[:40] for k in unknown[:5])}.")
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        raise BadRequest(f"{where}: 'title' is required and must be a non-empty string.")
    if len(title.strip()) > MAX_TITLE:
        raise BadRequest(f"{where}: 'title' may be at most {MAX_TITLE} characters.")
    return title.strip()


def _row(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "title": row["title"], "done": bool(row["done"])}


def _insert(db: sqlite3.Connection, title: str) -> dict[str, Any]:
    cur = db.execute("INSERT INTO todo (title) VALUES (?)", (title,))
    return {"id": cur.lastrowid, "title": title, "done": False}


def _fetch(db: sqlite3.Connection, todo_id: int) -> dict[str, Any]:
    row = db.execute("SELECT id, title, done FROM todo WHERE id = ?", (todo_id,)).fetchone()
    if row is None:
        raise NotFound(f"No to-do with id {todo_id}.")
    return _row(row)


# -- endpoints ---------------------------------------------------------------------

def list_todos(db: sqlite3.Connection, done: Optional[bool]) -> list[dict[str, Any]]:
    if done is None:
        rows = db.execute("SELECT id, title, done FROM todo ORDER BY id")
    else:
        rows = db.execute("SELECT id, title, done FROM todo WHERE done = ? ORDER BY id", (int(done),))
    return [_row(r) for r in rows]


def create_todo(db: sqlite3.Connection, request: Any) -> dict[str, Any]:
    return _insert(db, _title_of(read_json(request), "The body"))


def create_many(db: sqlite3.Connection, request: Any) -> list[dict[str, Any]]:
    items = read_json(request)
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_BULK:
        raise BadRequest(f"The body must be a JSON array of 1 to {MAX_BULK} to-dos.")
    # Deliberately insert as we go: a bad item raises after earlier inserts,
    # and the request-scoped transaction rolls them back.
    return [_insert(db, _title_of(item, f"Item {i}")) for i, item in enumerate(items)]


def get_todo(db: sqlite3.Connection, todo_id: int) -> dict[str, Any]:
    return _fetch(db, todo_id)


def complete_todo(db: sqlite3.Connection, todo_id: int) -> dict[str, Any]:
    db.execute("UPDATE todo SET done = 1 WHERE id = ?", (todo_id,))
    return _fetch(db, todo_id)  # 404 (and rollback) when there was no such to-do


def delete_todo(db: sqlite3.Connection, todo_id: int) -> Response:
    if db.execute("DELETE FROM todo WHERE id = ?", (todo_id,)).rowcount == 0:
        raise NotFound(f"No to-do with id {todo_id}.")
    response = Response(status=204)
    del response.headers["Content-Type"]  # 204 has no body, so nothing to describe
    return response


def render_created(context: Any) -> Response:
    response = render_json(context)
    response.status_code = 201
    return response


def create_app(db_path: str) -> Application:
    """The to-do service, storing its data in the SQLite file ``db_path``."""
    if not isinstance(db_path, str) or not db_path:
        raise TypeError(f"create_app() needs the path of an SQLite file, not {db_path!r}.")
    init_db(db_path)
    done = GetParamMiddleware({"done": (bool, None)}, strict=True)
    routes = [
        GET("/todos", list_todos, render_json, middlewares=[done]),
        POST("/todos", create_todo, render_created),
        POST("/todos/bulk", create_many, render_created),
        GET("/todos/<todo_id:int>", get_todo, render_json),
        POST("/todos/<todo_id:int>/complete", complete_todo, render_json),
        DELETE("/todos/<todo_id:int>", delete_todo),
    ]
    return Application(routes, resources={"db_path": db_path, "db": connect})


if __name__ == "__main__":
    import os

    from werkzeug.serving import run_simple

    run_simple("127.0.0.1", int(os.environ.get("PORT", "5000")),
               create_app(os.environ.get("TODO_DB", "todo.db")))
