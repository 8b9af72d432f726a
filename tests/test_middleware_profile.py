"""SimpleProfileMiddleware (clastic_like.middleware.profile).

PR1 refers to shared/spec/clastic-reference.md §2.13; the defects it lists
(UnboundLocalError, malformed HTML, 500 on an unknown sort key, anyone can
trigger it) are fixed.
"""
from html.parser import HTMLParser

import pytest

from clastic_like import POST, Application, NotFound, Response
from clastic_like.middleware import SimpleProfileMiddleware


def work():
    return sum(i * i for i in range(1000))


def page():
    work()
    resp = Response("the page", mimetype="text/plain")
    resp.set_cookie("kept", "yes")
    return resp


def crash():
    work()
    raise ValueError("boom <b>")


def not_found():
    raise NotFound()


def make_app(debug=False, **mw_kw):
    routes = [("/", page), ("/crash", crash), ("/raise404", not_found), POST("/post-only", page)]
    return Application(routes, middlewares=[SimpleProfileMiddleware(**mw_kw)], debug=debug)


def get(app, path):
    resp = app.get_local_client().get(path)
    return resp.status_code, resp.get_data(as_text=True), resp


class _Checker(HTMLParser):
    """Collects start and end tags to check nesting."""

    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag != "meta":
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def test_profile_shown_when_enabled_and_requested():
    """PR1: with ?_prof=1 the body is replaced by pstats output mentioning the profiled code."""
    status, body, resp = get(make_app(enabled=True), "/?_prof=1")
    assert status == 200
    assert "function calls" in body and "work" in body
    assert resp.mimetype == "text/html"


def test_profile_page_is_well_formed_html():
    """PR1 fixed: the page is a complete HTML document whose tags nest and close."""
    _, body, _ = get(make_app(enabled=True), "/?_prof=1")
    assert body.startswith("<!DOCTYPE html>")
    checker = _Checker()
    checker.feed(body)
    assert checker.errors == [] and checker.stack == []


def test_without_prof_param_page_is_untouched():
    """PR1: without ?_prof the response is the page itself."""
    assert get(make_app(enabled=True), "/")[1] == "the page"


@pytest.mark.parametrize("query", ["_prof=", "other=1"])
def test_empty_prof_param_does_not_profile(query):
    """PR1: only a non-empty ?_prof value turns profiling on."""
    assert get(make_app(enabled=True), "/?" + query)[1] == "the page"


def test_disabled_by_default_in_production():
    """PR1 fixed: without enabled=True and outside debug mode, ?_prof=1 is ignored."""
    assert get(make_app(), "/?_prof=1")[1] == "the page"


def test_enabled_by_debug_application():
    """With enabled=None (default), a debug application allows profiling."""
    assert "function calls" in get(make_app(debug=True), "/?_prof=1")[1]


def test_enabled_false_wins_over_debug():
    """enabled=False never profiles, even in debug mode."""
    assert get(make_app(debug=True, enabled=False), "/?_prof=1")[1] == "the page"


@pytest.mark.parametrize("key", ["cumulative", "file", "line", "name", "module", "nfl", "pcalls", "stdname", "time"])
def test_supported_sort_keys(key):
    """PR1: each supported ?_prof_sort key is accepted and named on the page."""
    status, body, _ = get(make_app(enabled=True), f"/?_prof=1&_prof_sort={key}")
    assert status == 200 and f"sorted by {key}" in body


@pytest.mark.parametrize("key", ["bogus", "calls;rm", "<script>", "x" * 10_000, "TIME"])
def test_unknown_sort_key_is_400(key):
    """PR1 fixed: an unknown sort key is a 400 listing the choices (escaped, cut), not a 500."""
    resp = make_app(enabled=True).get_local_client().get("/?_prof=1&_prof_sort=" + key,
                                                          headers={"Accept": "text/html"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "cumulative" in body and "<script>" not in body and len(body) < 2000


def test_original_status_and_headers_kept():
    """The profile page keeps the profiled response's other headers, such as its cookies."""
    _, _, resp = get(make_app(enabled=True), "/?_prof=1")
    assert "kept=yes" in resp.headers["Set-Cookie"]


@pytest.mark.parametrize("path, status", [("/nope", 404), ("/post-only", 405)])
def test_returned_errors_are_profiled_with_their_status(path, status):
    """A 404/405 answered through the middleware is profiled with its status kept."""
    code, body, resp = get(make_app(enabled=True), path + "?_prof=1")
    assert code == status and "function calls" in body


def test_exception_propagates_with_raise_exc():
    """PR1: with raise_exc=True (default) an exception in the profiled code is a normal 500."""
    status, body, _ = get(make_app(enabled=True), "/crash?_prof=1")
    assert status == 500 and "function calls" not in body


def test_raised_http_error_propagates_with_raise_exc():
    """With raise_exc=True a raised 404 stays the application's 404."""
    assert get(make_app(enabled=True), "/raise404?_prof=1")[0] == 404


def test_exception_shown_in_profile_without_raise_exc():
    """PR1 fixed: raise_exc=False shows the profile (status 500, escaped message) instead of UnboundLocalError."""
    status, body, _ = get(make_app(enabled=True, raise_exc=False), "/crash?_prof=1")
    assert status == 500
    assert "function calls" in body and "ValueError" in body and "boom &lt;b&gt;" in body


def test_parameter_names_are_configurable():
    """get_param_name and sort_param_name rename the query parameters."""
    app = make_app(enabled=True, get_param_name="profile", sort_param_name="by")
    assert "sorted by cumulative" in get(app, "/?profile=yes&by=cumulative")[1]


@pytest.mark.parametrize("kwargs, match", [
    ({"enabled": "yes"}, "enabled"), ({"raise_exc": None}, "raise_exc"),
    ({"get_param_name": ""}, "get_param_name"), ({"sort_param_name": 3}, "sort_param_name"),
])
def test_bad_configuration_fails_construction(kwargs, match):
    """Wrong option types are refused at construction."""
    with pytest.raises(TypeError, match=match):
        SimpleProfileMiddleware(**kwargs)
