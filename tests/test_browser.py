"""Real pages in a real browser: headless Chromium against the example site on 127.0.0.1.

Each server is Werkzeug's ``make_server`` in a thread on a free port, shut
down after the module.  Chromium runs once per page with ``--dump-dom`` (the
DOM after parsing, as text) or ``--screenshot``; every run is bounded by a
timeout.  Skipped only when Chromium is missing *and* ``CI`` is not set.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import threading

import pytest
from werkzeug.serving import make_server

from clastic_like import Application, render_basic
from examples.site import create_app

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
RUN_TIMEOUT = 90  # seconds; a safety bound on each browser run, not an assertion
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def chromium():
    """The Chromium binary, or a skip (a failure in CI, where it must run)."""
    if os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but Chromium is missing at {CHROMIUM}; .ci/run installs it with apt-get.")
    pytest.skip(f"Chromium is not installed ({CHROMIUM}); install it with `apt-get install chromium`"
                " (CI does this in .ci/run).")


class _Server:
    """A WSGI application served on 127.0.0.1 from a background thread."""

    def __init__(self, app):
        self.httpd = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def site():
    """The example site (production error handling)."""
    server = _Server(create_app())
    try:
        yield server.url
    finally:
        server.stop()


def _explode():
    raise ValueError("kaboom-in-browser-test")


@pytest.fixture(scope="module")
def debug_site():
    """An application with ``debug=True`` whose ``/boom`` raises."""
    server = _Server(Application([("/boom", _explode, render_basic)], debug=True))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def profile_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("chromium-profile")


def _chromium(binary, profile, *args):
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, timeout=RUN_TIMEOUT, check=False)


def dump_dom(binary, profile, url):
    result = _chromium(binary, profile, "--dump-dom", url)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-2000:]
    return result.stdout.decode("utf-8", "replace")


def screenshot(binary, profile, url, path):
    result = _chromium(binary, profile, f"--screenshot={path}", "--window-size=1200,900", url)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-2000:]
    return path.read_bytes()


def test_meta_page_shows_routes_and_redacts_secrets(chromium, profile_dir, site):
    """MA2: /_meta/ in Chromium shows the route table with argument sources and redacted resources."""
    dom = dump_dom(chromium, profile_dir, site + "/_meta/")
    assert "Routes" in dom and "Resources" in dom and "Python" in dom
    assert "/notes/&lt;slug&gt;" in dom
    assert "examples.site.app.show_note" in dom
    assert "[REDACTED]" in dom
    assert "example-only-not-a-real-secret" not in dom


def test_meta_page_screenshot_is_a_png(chromium, profile_dir, site, tmp_path_factory):
    """MA1: the /_meta/ page renders to a screenshot (saved under a temporary directory)."""
    path = tmp_path_factory.mktemp("screenshots") / "meta.png"
    assert screenshot(chromium, profile_dir, site + "/_meta/", path).startswith(PNG_MAGIC)


def test_jinja_page_renders_with_escaped_data(chromium, profile_dir, site):
    """A Jinja2-rendered note shows its text, with markup from the data escaped rather than run."""
    dom = dump_dom(chromium, profile_dir, site + "/notes/escaping")
    assert "Escaped by default" in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "<script>" not in dom


def test_jinja_index_screenshot_is_a_png(chromium, profile_dir, site, tmp_path_factory):
    """The templated home page, with its static stylesheet and logo, renders to a screenshot."""
    path = tmp_path_factory.mktemp("screenshots") / "index.png"
    assert screenshot(chromium, profile_dir, site + "/", path).startswith(PNG_MAGIC)


def test_debug_error_page_shows_traceback(chromium, profile_dir, debug_site):
    """E10: with debug=True, a raising route's 500 page shows the traceback and the exception in the browser."""
    dom = dump_dom(chromium, profile_dir, debug_site + "/boom")
    assert "kaboom-in-browser-test" in dom
    assert "Traceback" in dom or "_explode" in dom


def test_debug_error_page_screenshot_is_a_png(chromium, profile_dir, debug_site, tmp_path_factory):
    """The debug 500 page renders to a screenshot."""
    path = tmp_path_factory.mktemp("screenshots") / "debug.png"
    assert screenshot(chromium, profile_dir, debug_site + "/boom", path).startswith(PNG_MAGIC)
