"""The to-do example (``examples/todo.py``): SQLite through a request-scoped resource, one transaction per request."""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import sqlite3
import subprocess
import sys
import time

import pytest

from clastic_like import Application
from clastic_like.pytest_plugin import assert_json, assert_json_error
from examples import todo

from tests._process import free_port, stop_process

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JSON = {"Accept": "application/json"}


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "todo.db")


@pytest.fixture
def app(db_path):
    return todo.create_app(db_path)


def _rows(db_path):
    """What is committed in the database, read with a separate connection."""
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        return conn.execute("SELECT id, title, done FROM todo ORDER BY id").fetchall()


# -- construction -----------------------------------------------------------------------

def test_create_app_returns_application_and_schema(db_path):
    """``create_app(db_path)`` builds an Application and creates the table up front."""
    assert isinstance(todo.create_app(db_path), Application)
    assert _rows(db_path) == []


def test_unusable_database_fails_at_construction(tmp_path):
    """A database path in a missing directory fails when the app is built, naming the path."""
    bad = str(tmp_path / "missing" / "todo.db")
    with pytest.raises(RuntimeError, match="Cannot use the to-do database at .*missing"):
        todo.create_app(bad)


@pytest.mark.parametrize("bad", [None, "", 3])
def test_create_app_needs_a_path(bad):
    """Anything but a non-empty path string is refused at construction."""
    with pytest.raises(TypeError, match="needs the path of an SQLite file"):
        todo.create_app(bad)


def test_db_path_is_a_resource(app, db_path):
    """The database path is a plain resource of the application."""
    assert app.resources["db_path"] == db_path


# -- the happy path ---------------------------------------------------------------------------

def test_create_and_get(client, db_path):
    """POST /todos creates a to-do (201) that is committed and readable by id."""
    created = assert_json(client.post("/todos", json={"title": " buy milk "}), status=201)
    assert created == {"id": 1, "title": "buy milk", "done": False}
    assert _rows(db_path) == [(1, "buy milk", 0)]
    assert_json(client.get("/todos/1"), created)


def test_list_in_creation_order(client):
    """GET /todos lists every to-do in creation order."""
    for title in ("a", "b", "c"):
        client.post("/todos", json={"title": title})
    assert [t["title"] for t in assert_json(client.get("/todos"))] == ["a", "b", "c"]


def test_complete(client, db_path):
    """POST /todos/<id>/complete marks the to-do done and commits it."""
    client.post("/todos", json={"title": "a"})
    assert_json(client.post("/todos/1/complete"), {"id": 1, "title": "a", "done": True})
    assert _rows(db_path) == [(1, "a", 1)]


@pytest.mark.parametrize(("query", "titles"), [
    ("", ["a", "b"]), ("?done=true", ["b"]), ("?done=false", ["a"]), ("?done=1", ["b"]), ("?done=no", ["a"]),
])
def test_list_filter_by_done(client, query, titles):
    """``?done=`` filters by state, accepting the usual boolean spellings."""
    client.post("/todos/bulk", json=[{"title": "a"}, {"title": "b"}])
    client.post("/todos/2/complete")
    assert [t["title"] for t in assert_json(client.get("/todos" + query))] == titles


def test_delete(client, db_path):
    """DELETE /todos/<id> answers 204 with no body and removes the row."""
    client.post("/todos", json={"title": "a"})
    response = client.delete("/todos/1")
    assert (response.status_code, response.data, "Content-Type" in response.headers) == (204, b"", False)
    assert _rows(db_path) == []


def test_bulk_create(client, db_path):
    """POST /todos/bulk creates every item in one request."""
    created = assert_json(client.post("/todos/bulk", json=[{"title": "a"}, {"title": "b"}]), status=201)
    assert [t["id"] for t in created] == [1, 2]
    assert len(_rows(db_path)) == 2


def test_data_survives_a_new_application(db_path):
    """What one application committed, another on the same file reads."""
    todo.create_app(db_path).get_local_client().post("/todos", json={"title": "a"})
    assert_json(todo.create_app(db_path).get_local_client().get("/todos/1"),
                {"id": 1, "title": "a", "done": False})


# -- transactions ----------------------------------------------------------------------------------

def test_failed_bulk_leaves_no_partial_write(client, db_path):
    """A bulk create whose third item is invalid is a 400 and rolls back the two rows already inserted."""
    response = client.post("/todos/bulk", headers=JSON,
                           json=[{"title": "a"}, {"title": "b"}, {"title": ""}])
    assert_json_error(response, 400, "Item 2")
    assert _rows(db_path) == []


def test_unexpected_error_rolls_back(client, db_path, monkeypatch):
    """An exception after a write is a 500 and the write is rolled back."""
    calls = []

    def insert_then_fail(db, title):
        calls.append(title)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return real_insert(db, title)

    real_insert = todo._insert
    monkeypatch.setattr(todo, "_insert", insert_then_fail)
    response = client.post("/todos/bulk", json=[{"title": "a"}, {"title": "b"}], headers=JSON)
    assert response.status_code == 500
    assert "disk on fire" not in response.get_data(as_text=True)
    assert _rows(db_path) == []


def test_complete_unknown_rolls_back(client, db_path):
    """Completing an unknown to-do is a JSON 404 and changes nothing."""
    client.post("/todos", json={"title": "a"})
    assert_json_error(client.post("/todos/9/complete", headers=JSON), 404, "No to-do with id 9.")
    assert _rows(db_path) == [(1, "a", 0)]


def test_failed_request_does_not_undo_earlier_ones(client, db_path):
    """A rollback only undoes its own request: earlier committed to-dos stay."""
    client.post("/todos", json={"title": "kept"})
    client.post("/todos/bulk", json=[{"title": "x"}, {"title": 5}])
    assert [r[1] for r in _rows(db_path)] == ["kept"]


def test_routes_without_db_open_no_connection(app, monkeypatch):
    """A request that never reaches an endpoint asking for ``db`` never opens the database."""
    opened = []
    real_connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **kw: opened.append(a) or real_connect(*a, **kw))
    assert app.get_local_client().get("/nowhere").status_code == 404
    assert opened == []


# -- bad input ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/todos/abc", "/todos/1.5", "/todos/" + "9" * 5000, "/todos/%00"])
def test_non_int_ids_are_404(client, path):
    """An id that is not an int does not match: a JSON 404, never a 500."""
    assert_json_error(client.get(path, headers=JSON), 404)


@pytest.mark.parametrize(("path", "body", "detail"), [
    ("/todos", {}, "'title' is required"),
    ("/todos", {"title": ""}, "'title' is required"),
    ("/todos", {"title": "  "}, "'title' is required"),
    ("/todos", {"title": None}, "'title' is required"),
    ("/todos", {"title": ["a"]}, "'title' is required"),
    ("/todos", {"title": "t" * 201}, "at most 200"),
    ("/todos", {"title": "a", "done": True}, "unknown field(s): 'done'"),
    ("/todos", ["a"], "must be a JSON object"),
    ("/todos", "a", "must be a JSON object"),
    ("/todos/bulk", [], "array of 1 to 100"),
    ("/todos/bulk", {"title": "a"}, "array of 1 to 100"),
    ("/todos/bulk", [{"title": "a"}] * 101, "array of 1 to 100"),
    ("/todos/bulk", [{"title": "a"}, "b"], "Item 1 must be a JSON object"),
])
def test_invalid_bodies_are_json_400(client, db_path, path, body, detail):
    """Each invalid body is a JSON 400 saying what is wrong, and nothing is written."""
    assert_json_error(client.post(path, json=body, headers=JSON), 400, detail)
    assert _rows(db_path) == []


@pytest.mark.parametrize(("data", "content_type", "status"), [
    (b'{"title": "a"', "application/json", 400),
    (b"", "application/json", 400),
    (b"\xff\xfe\x00", "application/json", 400),
    (b"[" * 20_000 + b"]" * 20_000, "application/json", 400),
    (b'{"title": "a"}', "text/plain", 415),
    (b"title=a", "application/x-www-form-urlencoded", 415),
    (b'{"title": "' + b"a" * 70_000 + b'"}', "application/json", 413),
])
def test_hostile_bodies_are_4xx(client, db_path, data, content_type, status):
    """Malformed, mistyped, deeply nested or oversized bodies get a JSON 4xx and write nothing."""
    assert_json_error(client.post("/todos", data=data, content_type=content_type, headers=JSON), status)
    assert _rows(db_path) == []


@pytest.mark.parametrize("query", ["done=maybe", "done=", "done=%00"])
def test_bad_done_filter_is_400(client, query):
    """A ``done`` value that is not a boolean is a JSON 400 naming the parameter."""
    assert_json_error(client.get("/todos?" + query, headers=JSON), 400, "'done' must be bool")


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("PUT", "/todos", "GET, HEAD, POST"),
    ("GET", "/todos/1/complete", "POST"),
    ("PATCH", "/todos/1", "DELETE, GET, HEAD"),
])
def test_wrong_methods_are_405(client, method, path, allow):
    """A method no route handles is a JSON 405 with the allowed methods."""
    response = client.open(path, method=method, headers=JSON)
    assert_json_error(response, 405)
    assert response.headers["Allow"] == allow


# -- runnable -------------------------------------------------------------------------------------------



@pytest.mark.server
def test_runs_as_a_module(tmp_path):
    """``python -m examples.todo`` serves on 127.0.0.1 with the database from TODO_DB."""
    port, db = free_port(), tmp_path / "served.db"
    log_path = tmp_path / "server.log"
    env = {**os.environ, "PORT": str(port), "TODO_DB": str(db)}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "examples.todo"], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 15
            while True:
                assert proc.poll() is None, log_path.read_text()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                try:
                    conn.request("POST", "/todos", body=b'{"title": "served"}',
                                 headers={"Content-Type": "application/json"})
                    break
                except OSError:
                    conn.close()
                    if time.monotonic() > deadline:
                        pytest.fail(f"the example did not start:\n{log_path.read_text()}")
                    time.sleep(0.1)
            response = conn.getresponse()
            assert (response.status, json.loads(response.read())) == (201, {"id": 1, "title": "served", "done": False})
            conn.close()
        finally:
            stop_process(proc)
    assert _rows(str(db)) == [(1, "served", 0)]
