"""The JSON API example (``examples/json_api.py``): typed parameters, query parameters, JSON errors."""
from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clastic_like import Application
from clastic_like.pytest_plugin import assert_json, assert_json_error
from examples import json_api

from tests._process import free_port, stop_process

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JSON = {"Accept": "application/json"}
DUNE = {"title": "Dune", "author": "Frank Herbert", "year": 1965}


@pytest.fixture
def app():
    return json_api.create_app()


# -- module surface ---------------------------------------------------------------

def test_module_exposes_app_and_factory():
    """The module has a ready ``app`` and a ``create_app()`` that builds a new Application each time."""
    assert isinstance(json_api.app, Application)
    assert json_api.create_app() is not json_api.create_app()


def test_apps_do_not_share_books():
    """A book added to one application is not seen by another: the store is per application."""
    first, second = json_api.create_app().get_local_client(), json_api.create_app().get_local_client()
    created = assert_json(first.post("/api/books", json=DUNE), status=201)
    assert second.get(f"/api/books/{created['id']}").status_code == 404


def test_health(client):
    """GET /api/health answers a JSON ok for load balancers."""
    assert_json(client.get("/api/health"), {"status": "ok"})


# -- typed URL parameters -----------------------------------------------------------

def test_get_book_by_int_id(client):
    """``<book_id:int>`` reaches the endpoint as an int and returns the book."""
    assert_json(client.get("/api/books/3"),
                {"id": 3, "title": "Kindred", "author": "Octavia E. Butler", "year": 1979})


def test_unknown_book_is_json_404(client):
    """An unknown id raises NotFound, rendered as a JSON error for a JSON client."""
    assert_json_error(client.get("/api/books/99", headers=JSON), 404, "No book with id 99.")


def test_unknown_book_is_text_for_other_clients(client):
    """Without ``Accept: application/json`` the same 404 is plain text."""
    response = client.get("/api/books/99")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert "No book with id 99." in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    "/api/books/abc", "/api/books/1.5", "/api/books/-", "/api/books/1/extra",
    "/api/books/%00", "/api/books/" + "9" * 5000,
])
def test_non_int_ids_are_json_404(client, path):
    """A segment that is not an int does not match the route: a JSON 404, never a 500."""
    assert_json_error(client.get(path, headers=JSON), 404)


def test_wrong_method_is_json_405_with_allow(client):
    """DELETE on a book is a JSON 405 listing the allowed methods."""
    response = client.delete("/api/books/1", headers=JSON)
    assert_json_error(response, 405)
    assert response.headers["Allow"] == "GET, HEAD"


# -- query parameters -----------------------------------------------------------------

def test_list_defaults(client):
    """Without parameters the list has every seeded book, newest first, with the defaults echoed."""
    body = assert_json(client.get("/api/books"))
    assert (body["total"], body["limit"], body["offset"]) == (4, 20, 0)
    assert [b["id"] for b in body["books"]] == [4, 3, 2, 1]


def test_list_limit_and_offset(client):
    """``limit`` and ``offset`` are converted to ints and page the list."""
    body = assert_json(client.get("/api/books?limit=2&offset=1"))
    assert [b["id"] for b in body["books"]] == [3, 2]
    assert body["total"] == 4


def test_list_author_filter_is_case_insensitive(client):
    """``author`` filters by a case-insensitive substring of the author's name."""
    body = assert_json(client.get("/api/books?author=le%20GUIN"))
    assert body["total"] == 2
    assert {b["author"] for b in body["books"]} == {"Ursula K. Le Guin"}


@pytest.mark.parametrize(("query", "detail"), [
    ("limit=ten", "'limit' must be int"),
    ("offset=1.5", "'offset' must be int"),
    ("limit=", "'limit' must be int"),
    ("limit=0", "between 1 and 100"),
    ("limit=101", "between 1 and 100"),
    ("limit=" + "9" * 4000, "between 1 and 100"),
    # Past 4300 digits int() refuses (Python's guard), so the message varies.
    ("limit=" + "9" * 5000, "'limit'"),
    ("offset=-1", "'offset' must be 0 or more"),
    ("limit=%00", "'limit' must be int"),
])
def test_bad_query_parameters_are_json_400(client, query, detail):
    """A query parameter that does not convert, or is out of range, is a JSON 400 naming it."""
    assert_json_error(client.get("/api/books?" + query, headers=JSON), 400, detail)


def test_bad_query_parameter_detail_is_short(client):
    """A huge bad value is not echoed back whole in the error."""
    body = assert_json_error(client.get("/api/books?limit=" + "x" * 100_000, headers=JSON), 400)
    assert len(body["detail"]) < 200


# -- creating books -------------------------------------------------------------------------

def test_create_book_is_201_with_location(client):
    """POSTing a valid book answers 201 with the stored book and a Location to it."""
    response = client.post("/api/books", json=DUNE)
    created = assert_json(response, {"id": 5, **DUNE}, status=201)
    assert response.headers["Location"] == "/api/books/5"
    assert_json(client.get(response.headers["Location"]), created)


def test_create_book_trims_and_defaults_year(client):
    """Surrounding spaces are trimmed and a missing year is null."""
    created = assert_json(client.post("/api/books", json={"title": " Dune ", "author": "F. H."}), status=201)
    assert (created["title"], created["year"]) == ("Dune", None)


@pytest.mark.parametrize(("body", "detail"), [
    ({}, "'title' is required"),
    ({"author": "A"}, "'title' is required"),
    ({"title": "   ", "author": "A"}, "'title' is required"),
    ({"title": 5, "author": "A"}, "'title' is required"),
    ({"title": "T"}, "'author' is required"),
    ({"title": "T" * 201, "author": "A"}, "at most 200"),
    ({"title": "T", "author": "A" * 101}, "at most 100"),
    ({"title": "T", "author": "A", "year": "1965"}, "'year' must be an integer"),
    ({"title": "T", "author": "A", "year": True}, "'year' must be an integer"),
    ({"title": "T", "author": "A", "year": 1.5}, "'year' must be an integer"),
    ({"title": "T", "author": "A", "year": 10 ** 30}, "'year' must be an integer"),
    ({"title": "T", "author": "A", "isbn": "x"}, "Unknown field(s): 'isbn'"),
    ([], "must be a JSON object, not an array"),
    ("Dune", "must be a JSON object, not a string"),
    (0, "must be a JSON object, not a number"),
    (False, "must be a JSON object, not a boolean"),
])
def test_invalid_books_are_json_400(client, body, detail):
    """Each invalid book is a JSON 400 that says what is wrong, and nothing is stored."""
    assert_json_error(client.post("/api/books", json=body, headers=JSON), 400, detail)
    assert assert_json(client.get("/api/books"))["total"] == 4


@pytest.mark.parametrize(("data", "content_type", "status"), [
    (b'{"title": "T"', "application/json", 400),
    (b"", "application/json", 400),
    (b"\xff\xfe\x00", "application/json", 400),
    (b"[" * 5_000 + b"]" * 5_000, "application/json", 400),
    (b"null", "application/json", 400),
    (b'{"title": NaN, "author": "A"}', "application/json", 400),
    (b'{"title": "T", "author": "A", "year": Infinity}', "application/json", 400),
    (b'{"title": "T", "author": "A"}', "text/plain", 415),
    (b"title=T&author=A", "application/x-www-form-urlencoded", 415),
    (b'{"title": "' + b"T" * 20_000 + b'", "author": "A"}', "application/json", 413),
])
def test_hostile_bodies_are_4xx(client, data, content_type, status):
    """Malformed, oddly typed, deeply nested or oversized bodies get a JSON 4xx, never a 500."""
    response = client.post("/api/books", data=data, content_type=content_type, headers=JSON)
    assert_json_error(response, status)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
))
def test_any_json_body_is_201_or_400(body):
    """Whatever JSON value is posted, the answer is 201 or a JSON 400, never a server error."""
    client = json_api.create_app().get_local_client()
    response = client.post("/api/books", data=json.dumps(body), content_type="application/json",
                           headers=JSON)
    assert response.status_code in (201, 400), response.get_data(as_text=True)
    assert response.mimetype == "application/json"


# -- runnable --------------------------------------------------------------------------------



@pytest.mark.server
def test_runs_as_a_module(tmp_path):
    """``python -m examples.json_api`` serves the API on 127.0.0.1 (here on a free port from PORT)."""
    port = free_port()
    log_path = tmp_path / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "examples.json_api"], cwd=ROOT,
                                env={**os.environ, "PORT": str(port)}, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 15
            while True:
                assert proc.poll() is None, log_path.read_text()
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request("GET", "/api/health")
                    break
                except OSError:
                    conn.close()
                    if time.monotonic() > deadline:
                        pytest.fail(f"the example did not start:\n{log_path.read_text()}")
                    time.sleep(0.1)
            response = conn.getresponse()
            assert (response.status, json.loads(response.read())) == (200, {"status": "ok"})
            conn.close()
        finally:
            stop_process(proc)
