"""``examples/shortener``: the link shortener the tutorial builds, through the test client.

The ``client`` fixture comes from clastic_like's pytest plugin; it is made
from the ``app`` fixture below, a fresh application on a fresh database.
"""
from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from typing import Iterator, Optional
from urllib.parse import urlsplit

import pytest

from clastic_like import Application
from clastic_like.middleware.cookie import InsecureSecretWarning
from clastic_like.pytest_plugin import assert_json, assert_json_error
from examples import shortener
from examples.shortener import create_app
from examples.shortener.__main__ import port_from_env
from examples.shortener.forms import MAX_URL_LENGTH
from examples.shortener.web import COOKIE_NAME, MAX_FORM_BYTES, MAX_REMEMBERED, remembered

from tests._process import stop_process

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET = "test-secret-" + "x" * 32
START_TIMEOUT = 15.0


class Clock:
    """A clock the tests move by hand, so expiry is tested without sleeping."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path) -> str:
    return str(tmp_path / "links.db")


@pytest.fixture
def app(db_path, clock) -> Application:
    return create_app(db_path, secret_key=SECRET, clock=clock)


def rows(db_path: str) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT alias, target, hits FROM link ORDER BY alias").fetchall()
    finally:
        conn.close()


def shorten(client, url: str = "https://example.com/a/long/page", alias: str = "",
            headers: Optional[dict[str, str]] = None, **fields: str):
    return client.post("/", data={"url": url, "alias": alias, **fields}, headers=headers or {})


def field_errors(response) -> list[str]:
    return re.findall(r'class="field-error">([^<]*)<', response.get_data(as_text=True))


# -- the home page and creating links ------------------------------------------------

def test_home_page_is_the_form(client):
    """GET / is the HTML form with the url, alias and expiry fields."""
    response = client.get("/")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert all(f'name="{name}"' in body for name in ("url", "alias", "expiry"))


def test_create_redirects_home_with_303(client, db_path):
    """A valid form stores the link and answers 303 to / (Post/Redirect/Get)."""
    response = shorten(client, alias="docs")
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/"
    assert rows(db_path) == [("docs", "https://example.com/a/long/page", 0)]


def test_new_link_is_announced_once(client):
    """The page after creating a link shows it once; the next view does not."""
    shorten(client, alias="docs")
    assert "Your short link: <a href=\"http://localhost/docs\">" in client.get("/").get_data(as_text=True)
    assert "Your short link" not in client.get("/").get_data(as_text=True)


def test_empty_alias_gets_a_random_one(client, db_path):
    """Without an alias, a six-character one without look-alike characters is made up."""
    shorten(client)
    [(alias, _, _)] = rows(db_path)
    assert re.fullmatch(r"[a-hjkmnp-z2-9]{6}", alias)


def test_international_address_is_stored_in_ascii(client):
    """An internationalised address is stored (and redirected to) in its ASCII form."""
    shorten(client, url="http://пример.рф/путь", alias="intl")
    assert client.get("/intl").headers["Location"] == "http://xn--e1afmkfd.xn--p1ai/%D0%BF%D1%83%D1%82%D1%8C"


# -- following links -----------------------------------------------------------------

def test_follow_redirects_with_302_and_no_caching(client):
    """GET /<alias> answers 302 to the target, uncacheable so every visit comes back."""
    shorten(client, alias="docs")
    response = client.get("/docs")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://example.com/a/long/page"
    assert response.headers["Cache-Control"] == "no-store"


def test_follow_counts_each_visit(client, db_path):
    """Each GET of a short link adds one to its visit count."""
    shorten(client, alias="docs")
    for _ in range(3):
        client.get("/docs")
    assert rows(db_path)[0][2] == 3


def test_visits_are_shown_in_your_links(client):
    """The home page lists this browser's links with their visit counts."""
    shorten(client, alias="docs")
    client.get("/docs")
    client.get("/docs")
    assert '<td class="hits">2</td>' in client.get("/").get_data(as_text=True)


def test_head_does_not_count_a_visit(client, db_path):
    """A HEAD request (a link checker) gets the redirect but is not counted."""
    shorten(client, alias="docs")
    assert client.head("/docs").status_code == 302
    assert rows(db_path)[0][2] == 0


def test_unknown_alias_is_a_404_page(client):
    """An unknown alias answers 404 with the site's HTML page naming it."""
    response = client.get("/nothing-here")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "There is no short link called &#39;nothing-here&#39;." in response.get_data(as_text=True)


def test_unknown_alias_is_json_for_json_clients(client):
    """A client asking for JSON gets the 404 as a JSON error object."""
    response = client.get("/nothing-here", headers={"Accept": "application/json"})
    assert_json_error(response, 404, "no short link called 'nothing-here'")


@pytest.mark.parametrize("path", [
    "/a/b", "/%00", "/" + "x" * 5000, "/..%2f..%2fetc", "/%ff%fe", "/<script>", "/%E2%80%AE",
])
def test_hostile_paths_are_4xx(client, path):
    """Odd paths get a 4xx answer, never a 500."""
    assert 400 <= client.get(path).status_code < 500


def test_link_expires(client, clock):
    """A link made to expire after an hour redirects before, and answers 410 after."""
    shorten(client, alias="brief", expiry="hour")
    clock.now += 3599
    assert client.get("/brief").status_code == 302
    clock.now += 1
    response = client.get("/brief")
    assert response.status_code == 410 and "This link has expired" in response.get_data(as_text=True)


def test_expired_alias_stays_taken(client, clock):
    """An expired alias cannot be reused, so a shared link never starts pointing elsewhere."""
    shorten(client, alias="brief", expiry="hour")
    clock.now += 7200
    response = shorten(client, url="https://other.example/", alias="brief")
    assert response.status_code == 400 and "is taken" in field_errors(response)[0]


def test_link_info_is_json(client):
    """GET /api/links/<alias> describes the link as JSON."""
    shorten(client, alias="docs", expiry="day")
    client.get("/docs")
    body = assert_json(client.get("/api/links/docs"))
    assert body == {"alias": "docs", "target": "https://example.com/a/long/page", "hits": 1,
                    "created_at": "2023-11-14T22:13:20+00:00", "expires_at": "2023-11-15T22:13:20+00:00",
                    "expired": False}


def test_link_info_unknown_alias_is_404(client):
    """The JSON view of an unknown alias is a 404."""
    assert_json_error(client.get("/api/links/nope", headers={"Accept": "application/json"}), 404)


# -- refused forms -------------------------------------------------------------------

def test_taken_alias_is_400_with_the_form_kept(client, db_path):
    """A taken alias re-shows the form with status 400, the input kept, the first link untouched."""
    shorten(client, alias="docs")
    response = shorten(client, url="https://other.example/page", alias="docs")
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "The alias &#39;docs&#39; is taken" in body
    assert 'value="https://other.example/page"' in body
    assert rows(db_path) == [("docs", "https://example.com/a/long/page", 0)]


HOSTILE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "  javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.com/file",
    "//evil.example/path",
    "/relative/path",
    "example.com",
    "http://",
    "https:///no-host",
    "http://user:password@example.com/",
    "http://example.com\\@evil.example/",
    "https://example.com/" + "a" * MAX_URL_LENGTH,
    "http://exa mple.com/",
    "http://example.com/\x00",
    "http://example.com/\u202egnp.exe",
    "http://example.com/\u200b",
    "http://[::1",
    "http://example.com:99999/",
    "http://a..b/",
    "http://<script>/",
    "http://%41.example/",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_hostile_urls_are_refused_with_400(client, db_path, url):
    """A URL that is not a plain http(s) address re-shows the form with 400 and stores nothing."""
    response = shorten(client, url=url, alias="x1")
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and len(field_errors(response)) == 1
    assert "<script>" not in body  # what was typed comes back escaped
    assert rows(db_path) == []


HOSTILE_ALIASES = [
    "a/b", "../etc", "a.b", ".hidden", "a b", "-dash", "_meta", "static", "Static",
    "ünïcode", "ｆｕｌｌ", "é", "a" * 33, "<script>", "%2e%2e", "a\x00b", "x\u202e", "🙂",
]


@pytest.mark.parametrize("alias", HOSTILE_ALIASES)
def test_hostile_aliases_are_refused_with_400(client, db_path, alias):
    """An alias outside letters, digits, '-' and '_', or a reserved one, is a 400 and stores nothing."""
    response = shorten(client, alias=alias)
    assert response.status_code == 400 and len(field_errors(response)) == 1
    assert "<script>" not in response.get_data(as_text=True)
    assert rows(db_path) == []


@pytest.mark.parametrize("expiry", ["forever", "3600", "-1", "never\x00", "x" * 1000])
def test_unknown_expiry_is_refused_with_400(client, db_path, expiry):
    """An expiry that is not one of the form's choices is a 400 and stores nothing."""
    response = shorten(client, alias="ok", expiry=expiry)
    assert response.status_code == 400 and "Choose when the link expires" in field_errors(response)[0]
    assert rows(db_path) == []


@pytest.mark.parametrize("kwargs", [
    dict(data={}),
    dict(data={"alias": "docs"}),
    dict(data={"expiry": "day"}),
    dict(data={"url": ""}),
    dict(data=b"", content_type="application/x-www-form-urlencoded"),
    dict(data=b"url=%ff%fe&alias=%c3", content_type="application/x-www-form-urlencoded"),
    dict(data=b"\xff\xfe\x00not multipart", content_type="multipart/form-data; boundary=zz"),
    dict(data=b'{"url": "https://example.com/"}', content_type="application/json"),
    dict(data=b"url=https://example.com/", content_type="text/plain"),
], ids=["empty", "alias-only", "expiry-only", "blank-url", "empty-body", "bad-utf8",
        "broken-multipart", "json-body", "text-body"])
def test_missing_or_unreadable_fields_are_400(client, db_path, kwargs):
    """A form without a usable url field re-shows the form with 400, never a 500."""
    response = client.post("/", **kwargs)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert rows(db_path) == []


def test_oversized_body_is_413(client, db_path):
    """A body larger than any real form submission is refused with 413 before it is read."""
    response = shorten(client, url="https://example.com/" + "a" * MAX_FORM_BYTES)
    assert response.status_code == 413
    assert rows(db_path) == []


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "http://localhost.evil.example"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
])
def test_posts_from_other_sites_are_403(client, db_path, headers):
    """A form posted by another site's page is refused, so it cannot overwrite the visitor's list."""
    assert shorten(client, alias="docs", headers=headers).status_code == 403
    assert rows(db_path) == []


def test_posts_from_this_site_are_accepted(client):
    """A browser's same-origin post, with Origin and Sec-Fetch-Site, creates the link."""
    headers = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    assert shorten(client, alias="docs", headers=headers).status_code == 303


def test_get_only_routes_refuse_other_methods(client):
    """PUT on a short link is a 405 naming the allowed methods."""
    response = client.put("/docs")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD"


class BrokenClock(Clock):
    broken = False

    def __call__(self) -> float:
        if self.broken:
            raise RuntimeError("clock secret 42")
        return self.now


def test_server_error_hides_details(db_path):
    """An unexpected exception is a 500 from the application's handler, without its message."""
    clock = BrokenClock()
    client = create_app(db_path, secret_key=SECRET, clock=clock).get_local_client()
    shorten(client, alias="docs", expiry="hour")  # so following it reads the clock
    clock.broken = True
    response = client.get("/docs", headers={"Accept": "application/json"})
    assert response.status_code == 500 and "clock secret 42" not in response.get_data(as_text=True)


# -- the signed cookie ---------------------------------------------------------------

def test_links_are_listed_per_browser(app):
    """Each browser sees only the links it created."""
    mine, theirs = app.get_local_client(), app.get_local_client()
    shorten(mine, alias="mine")
    shorten(theirs, alias="theirs")
    page = mine.get("/").get_data(as_text=True)
    assert 'href="http://localhost/mine"' in page and "theirs" not in page


def test_cookie_is_signed_httponly_and_lax(client):
    """The list cookie is HttpOnly, SameSite=Lax and persistent."""
    header = shorten(client, alias="docs").headers["Set-Cookie"]
    assert header.startswith(COOKIE_NAME + "=")
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Max-Age=" in header


@pytest.mark.parametrize("value", [
    "forged", "e30.AAAA", "", "x" * 4000, "eyJkIjp7ImxpbmtzIjpbIngiXX19.bad-signature",
])
def test_tampered_cookie_gives_an_empty_list(client, value):
    """A cookie that is not validly signed is ignored: the page lists nothing and answers 200."""
    shorten(client, alias="docs")
    client.set_cookie(COOKIE_NAME, value)
    response = client.get("/")
    assert response.status_code == 200 and "Your links" not in response.get_data(as_text=True)


def test_cookie_signed_with_another_secret_is_ignored(db_path, clock):
    """A cookie from an application with another secret gives an empty list."""
    other = create_app(db_path, secret_key="another-secret-" + "y" * 32, clock=clock).get_local_client()
    shorten(other, alias="docs")
    client = create_app(db_path, secret_key=SECRET, clock=clock).get_local_client()
    client.set_cookie(COOKIE_NAME, other.get_cookie(COOKIE_NAME).value)
    assert "Your links" not in client.get("/").get_data(as_text=True)


def test_cookie_keeps_the_most_recent_links(client):
    """The cookie lists at most MAX_REMEMBERED links, the newest first."""
    for i in range(MAX_REMEMBERED + 2):
        shorten(client, alias=f"link{i}")
    page = client.get("/").get_data(as_text=True)
    listed = re.findall(r'<td><a href="http://localhost/(link\d+)"', page)
    assert listed == [f"link{i}" for i in range(MAX_REMEMBERED + 1, 1, -1)]


@pytest.mark.parametrize("data, expected", [
    ({}, []),
    ({"links": "docs"}, []),
    ({"links": {"docs": 1}}, []),
    ({"links": ["docs", 3, None, "../x", "a/b", "ok-2"]}, ["docs", "ok-2"]),
])
def test_remembered_ignores_malformed_cookie_content(data, expected):
    """Cookie content of an unexpected shape is skipped, not trusted and not an error."""
    assert remembered(data) == expected


# -- static files and the meta application -------------------------------------------

def test_stylesheet_is_served(client):
    """/static/style.css is served as CSS with validators."""
    response = client.get("/static/style.css", buffered=True)
    assert response.status_code == 200 and response.mimetype == "text/css" and response.headers["ETag"]


def test_static_refuses_traversal(client):
    """The static mount does not serve the application's source."""
    assert client.get("/static/../web.py").status_code == 403


def test_meta_page_answers(client):
    """/_meta/ describes the application and does not show the cookie secret."""
    response = client.get("/_meta/")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "/api/links/&lt;alias&gt;" in body
    assert SECRET not in body


# -- construction and configuration --------------------------------------------------

def test_applications_share_nothing(tmp_path, clock):
    """Two applications on two databases do not see each other's links."""
    first = create_app(str(tmp_path / "a.db"), secret_key=SECRET, clock=clock).get_local_client()
    second = create_app(str(tmp_path / "b.db"), secret_key=SECRET, clock=clock).get_local_client()
    shorten(first, alias="docs")
    assert second.get("/docs").status_code == 404


def test_missing_secret_is_refused_at_construction(db_path):
    """Without a secret and without debug, create_app() fails saying what to pass."""
    with pytest.raises(ValueError, match="has no secret_key"):
        create_app(db_path)


def test_debug_without_secret_uses_a_throwaway_key(db_path):
    """With debug=True and no secret, the application builds and warns that the key is random."""
    with pytest.warns(InsecureSecretWarning):
        app = create_app(db_path, debug=True)
    assert app.debug


@pytest.mark.parametrize("value", [None, "", 42])
def test_bad_db_path_type_is_refused(value):
    """A db_path that is not a path fails at construction with a TypeError."""
    with pytest.raises(TypeError, match="needs the path of an SQLite file"):
        create_app(value, secret_key=SECRET)


def test_db_in_missing_directory_is_refused(tmp_path):
    """A database in a directory that does not exist fails at construction, naming the path."""
    path = str(tmp_path / "missing" / "links.db")
    with pytest.raises(RuntimeError, match="Cannot use the shortener database") as info:
        create_app(path, secret_key=SECRET)
    assert path in str(info.value)


def test_non_sqlite_file_is_refused(tmp_path):
    """A file that is not an SQLite database fails at construction."""
    path = tmp_path / "notes.txt"
    path.write_text("not a database, just some text that is long enough to be a header" * 10)
    with pytest.raises(RuntimeError, match="Cannot use the shortener database"):
        create_app(str(path), secret_key=SECRET)


def test_foreign_link_table_is_refused(db_path):
    """A database whose 'link' table belongs to something else is not written into."""
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("CREATE TABLE link (id INTEGER PRIMARY KEY, url TEXT)")
    finally:
        conn.close()
    with pytest.raises(RuntimeError, match="belongs to something else"):
        create_app(db_path, secret_key=SECRET)


def test_app_from_env_requires_a_secret(db_path):
    """Configured from the environment without SHORTENER_SECRET, the app refuses to build, naming the variable."""
    with pytest.raises(RuntimeError, match="Set SHORTENER_SECRET"):
        shortener.app_from_env({"SHORTENER_DB": db_path})


def test_app_from_env_reads_the_settings(db_path):
    """SHORTENER_DB and SHORTENER_SECRET configure the application."""
    app = shortener.app_from_env({"SHORTENER_DB": db_path, "SHORTENER_SECRET": SECRET})
    assert app.resources["db_path"] == db_path and not app.debug


@pytest.mark.parametrize("raw, expected", [("1", True), ("on", True), ("0", False), ("no", False), ("", False)])
def test_debug_setting_is_parsed(raw, expected):
    """SHORTENER_DEBUG accepts the usual spellings of yes and no."""
    assert shortener.settings_from_env({"SHORTENER_DEBUG": raw})["debug"] is expected


def test_bad_debug_setting_is_refused():
    """An unreadable SHORTENER_DEBUG fails instead of guessing."""
    with pytest.raises(RuntimeError, match="SHORTENER_DEBUG must be 1 or 0"):
        shortener.settings_from_env({"SHORTENER_DEBUG": "maybe"})


def test_module_app_is_built_on_first_use(monkeypatch, db_path):
    """``examples.shortener.app`` is built from the environment when first read, not at import."""
    assert "app" not in vars(shortener)
    monkeypatch.setenv("SHORTENER_DB", db_path)
    monkeypatch.setenv("SHORTENER_SECRET", SECRET)
    try:
        assert isinstance(shortener.app, Application)
        assert shortener.app.resources["db_path"] == db_path
    finally:
        vars(shortener).pop("app", None)  # the next test starts from a fresh import state


def test_unknown_module_attribute_is_an_attribute_error():
    """Other missing attributes of the package raise AttributeError as usual."""
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        shortener.nope  # noqa: B018


@pytest.mark.parametrize("raw", ["0", "65536", "http", "-5", ""])
def test_bad_port_is_refused(raw):
    """A PORT that is not 1-65535 stops ``python -m examples.shortener`` with a message."""
    with pytest.raises(SystemExit, match="PORT must be a number from 1 to 65535"):
        port_from_env({"PORT": raw})


# -- python -m examples.shortener ----------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running(argv: list[str], port: int, env: dict[str, str], log_path) -> Iterator[None]:
    """Run ``argv`` (a server on 127.0.0.1:``port``) until the block ends; always stop it."""
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"{argv} exited with {proc.returncode}:\n{log_path.read_text()}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail(f"{argv} did not listen on {port} within {START_TIMEOUT}s:\n{log_path.read_text()}")
                    time.sleep(0.1)
            yield
        finally:
            stop_process(proc)


def fetch(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        conn.close()


def server_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHORTENER_")}
    env.update(extra)
    return env


@pytest.mark.server
def test_python_m_serves_the_home_page(tmp_path):
    """``python -m examples.shortener`` serves the form on 127.0.0.1 at the PORT it is given."""
    port = free_port()
    env = server_env(PORT=str(port), SHORTENER_DB=str(tmp_path / "links.db"))
    with running([sys.executable, "-m", "examples.shortener"], port, env, tmp_path / "server.log"):
        status, body = fetch(port, "/")
    assert status == 200 and "Shorten a link" in body
    assert (tmp_path / "links.db").exists()

