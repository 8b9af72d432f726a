"""Routing behaviour: Clastic reference §2.1-§2.4 plus clastic_like's deliberate changes.

Statement numbers (P1, S4, H5, O1, ...) refer to shared/spec/clastic-reference.md;
"(changed)" / "(fixed)" marks behaviour clastic_like deliberately differs on
(docs/compat.md).
"""
from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from clastic_like import (
    DELETE,
    GET,
    POST,
    PUT,
    S_REDIRECT,
    S_REWRITE,
    S_STRICT,
    Application,
    Middleware,
    NotFound,
    Route,
    render_basic,
)
from clastic_like.errors import Forbidden
from clastic_like.route import (
    BoundRoute,
    Converter,
    InvalidMethod,
    InvalidPattern,
    normalize_path,
)

LENIENT_MODES = [S_REDIRECT, S_REWRITE]
ALL_MODES = [S_REDIRECT, S_REWRITE, S_STRICT]


# -- helpers -------------------------------------------------------------------

def _ok():
    return "ok"


def _show_x(x):
    return repr(x)


def _show_method(request):
    return request.method


def _bind(pattern, slash_mode=S_REDIRECT, converters=None):
    """Bind ``pattern`` into a fresh application and return its BoundRoute."""
    app = Application([Route(pattern, _ok, render_basic)], slash_mode=slash_mode, converters=converters)
    return app.routes[0]


def _client(routes, **app_kw):
    return Application(routes, **app_kw).get_local_client()


def _text(app_or_routes, path, **kw):
    app = app_or_routes if isinstance(app_or_routes, Application) else Application(app_or_routes)
    return app.get_local_client().get(path, **kw).get_data(as_text=True)


def _endpoint(label):
    def endpoint():
        return label
    endpoint.__name__ = f"endpoint_{label}"
    return endpoint


class AddHeader(Middleware):
    def request(self, next):
        resp = next()
        resp.headers["X-Seen"] = "1"
        return resp


# -- §2.1 P1: pattern shape ------------------------------------------------------

def test_invalid_pattern_is_a_value_error():
    """§1.3: InvalidPattern is a ValueError subclass."""
    assert issubclass(InvalidPattern, ValueError)


@pytest.mark.parametrize("pattern", ["", "foo", "foo/", " /foo", "\\foo", "<a>", "*", "./a", "\n/a"])
def test_pattern_not_starting_with_slash_is_rejected(pattern):
    """P1: a pattern must start with '/', else InvalidPattern mentioning the forward slash."""
    with pytest.raises(InvalidPattern, match="start with a forward slash"):
        Route(pattern, _ok, render_basic)


@pytest.mark.parametrize("pattern", ["//", "//a", "/a//b", "/a//", "/a///b", "/<a>//<b>", "/a/b//"])
def test_pattern_with_contiguous_slashes_is_rejected(pattern):
    """P1: a pattern must not contain '//', else InvalidPattern (message with a proper space)."""
    with pytest.raises(InvalidPattern, match="contiguous slashes"):
        Route(pattern, _ok, render_basic)


# -- §2.1 P2-P4: bindings --------------------------------------------------------

@pytest.mark.parametrize("pattern, path, expected", [
    ("/<a>", "/x", {"a": "x"}),
    ("/<a:>", "/x", {"a": "x"}),
    ("/<a:int>", "/5", {"a": 5}),
    ("/<a?>", "/x", {"a": "x"}),
    ("/<a?int>", "/5", {"a": 5}),
    ("/<a+>", "/x/y", {"a": ["x", "y"]}),
    ("/<a+float>", "/1/2.5", {"a": [1.0, 2.5]}),
    ("/<a*str>", "/x/y", {"a": ["x", "y"]}),
    ("/<a:unicode>", "/x", {"a": "x"}),
    ("/<a:str>", "/x", {"a": "x"}),
    ("/<_a1>", "/x", {"_a1": "x"}),
    ("/<A>", "/x", {"A": "x"}),
])
def test_valid_binding_forms_bind_values(pattern, path, expected):
    """P4: the valid binding forms compile and bind the segment value."""
    assert _bind(pattern).match_path(path) == expected


@pytest.mark.parametrize("pattern, path, expected", [
    ("/a/<b>/c", "/a/B/c", {"b": "B"}),
    ("/a/<b>/c", "/x/B/c", None),
    ("/a/<b:int>/<c>/d", "/a/1/C/d", {"b": 1, "c": "C"}),
    ("/a/<b:int>/<c>/d", "/a/1/C/e", None),
])
def test_binding_may_sit_between_literal_segments(pattern, path, expected):
    """P2: a segment that is a whole binding binds; the other segments are matched literally."""
    assert _bind(pattern).match_path(path) == expected


@pytest.mark.parametrize("pattern", [
    "/<cat->", "/<a::int>", "/<a?+>", "/<a-b>", "/<a b>", "/<a.int>", "/<a!>", "/<a**>", "/<a?:int>",
])
def test_unknown_arity_operator_is_rejected_at_route(pattern):
    """P3/P4: an op other than empty, ':', '?', '+', '*' raises InvalidPattern at Route()."""
    with pytest.raises(InvalidPattern, match="(?i)arity"):
        Route(pattern, _ok, render_basic)


@pytest.mark.parametrize("pattern", ["/<1a>", "/<>", "/<:int>", "/<é>", "/<-a>", "/<?>", "/<*int>"])
def test_binding_name_must_be_an_identifier(pattern):
    """P3: a binding name must match [A-Za-z_]\\w*, else InvalidPattern at Route()."""
    with pytest.raises(InvalidPattern):
        Route(pattern, _ok, render_basic)


# -- §2.1 P12 (fixed): glued text and malformed bindings ------------------------

@pytest.mark.parametrize("pattern", [
    "/<a>.json", "/x<a>", "/<a>x", "/<a><b>", "/a/<b>c/d", "/<a>/x<b>/", "/pre-<a:int>", "/<a:int>.<b:int>",
])
def test_text_glued_to_a_binding_is_rejected_at_route(pattern):
    """P12 (fixed): text before or after a binding in its segment raises InvalidPattern at Route()."""
    with pytest.raises(InvalidPattern):
        Route(pattern, _ok, render_basic)


@pytest.mark.parametrize("pattern", [
    "/<x:int?>", "/<a", "/a>", "/<>", "/<1a>", "/<a>>", "/<<a>", "/<a:<b>>", "/<a/b>", "/x/<a", "/>", "/x/(?P<y>.*)",
])
def test_malformed_binding_is_rejected_at_route(pattern):
    """P12 (fixed): a malformed binding raises InvalidPattern at Route() instead of becoming regex text."""
    with pytest.raises(InvalidPattern):
        Route(pattern, _ok, render_basic)


# -- §2.1 P3 (changed): unknown type specifier ---------------------------------

def test_unknown_type_specifier_is_accepted_by_route():
    """P3 (changed): an unknown type such as <very*doge> is not checked when the Route is created."""
    route = Route("/<very*doge>", _ok, render_basic)
    assert route.pattern == "/<very*doge>"


@pytest.mark.parametrize("pattern", ["/<very*doge>", "/<a:slug>", "/<a?Int>", "/<a:INT>", "/<a+bool>", "/x/<a:str>/<b:num>"])
def test_unknown_type_specifier_fails_application_construction(pattern):
    """P3 (changed): an unknown type raises InvalidPattern when bound, at Application(...)."""
    route = Route(pattern, _ok, render_basic)
    with pytest.raises(InvalidPattern, match="(?i)unknown type"):
        Application([route])


def test_unknown_type_specifier_fails_add():
    """P3 (changed): an unknown type raises InvalidPattern when bound by app.add()."""
    app = Application([])
    with pytest.raises(InvalidPattern, match="(?i)unknown type"):
        app.add(Route("/<very*doge>", _ok, render_basic))


# -- §2.1 P5: duplicate names ----------------------------------------------------

@pytest.mark.parametrize("pattern", ["/<a>/<a>", "/<a>/<a:int>", "/<a?>/<a*>", "/x/<a>/y/<a+float>/", "/<a>/b/<a>"])
def test_duplicate_binding_name_is_rejected(pattern):
    """P5: reusing a binding name in one pattern raises InvalidPattern ('duplicate path binding')."""
    with pytest.raises(InvalidPattern, match="(?i)duplicate path binding"):
        Route(pattern, _ok, render_basic)


# -- §2.1 P6/P8: arity ------------------------------------------------------------

@pytest.mark.parametrize("pattern, path, expected", [
    ("/<a>", "/x", {"a": "x"}),
    ("/<a>", "/", None),
    ("/<a>", "/x/y", None),
    ("/<a:>", "/x/y", None),
    ("/<a?>", "/", {"a": None}),
    ("/<a?>", "/x", {"a": "x"}),
    ("/<a?>", "/x/y", None),
    ("/<a+>", "/", None),
    ("/<a+>", "/x", {"a": ["x"]}),
    ("/<a+>", "/x/y/z", {"a": ["x", "y", "z"]}),
    ("/<a*>", "/", {"a": []}),
    ("/<a*>", "/x", {"a": ["x"]}),
    ("/<a*>", "/x/y/z", {"a": ["x", "y", "z"]}),
])
def test_binding_arity(pattern, path, expected):
    """P6/P8: ':' = one segment, '?' = zero or one (None), '+' = one or more, '*' = zero or more ([])."""
    assert _bind(pattern).match_path(path) == expected


def test_multi_binding_example_from_spec():
    """P8: /a/b/<t:int>/thing/<das+int> on /a/b/1/thing/1/2/3/4 gives t=1, das=[1, 2, 3, 4]."""
    bound = _bind("/a/b/<t:int>/thing/<das+int>")
    assert bound.match_path("/a/b/1/thing/1/2/3/4") == {"t": 1, "das": [1, 2, 3, 4]}


def test_star_binding_absent_yields_empty_list():
    """P8: <das*int> on /a/b/1/thing yields das == []."""
    bound = _bind("/a/b/<t:int>/thing/<das*int>")
    assert bound.match_path("/a/b/1/thing") == {"t": 1, "das": []}


def test_multi_binding_served_as_list_over_http():
    """P8: a '+' binding reaches the endpoint as a list of converted items in path order."""
    assert _text([("/sum/<x+int>", _show_x, render_basic)], "/sum/3/1/2") == "[3, 1, 2]"


# -- §2.1 P7: converters ------------------------------------------------------------

@pytest.mark.parametrize("path, expected", [
    ("/-5", -5), ("/+5", 5), ("/007", 7), ("/0", 0), ("/-0", 0), ("/ 5", 5),
    ("/" + "9" * 40, int("9" * 40)),
])
def test_int_converter_values(path, expected):
    """P7: <n:int> matches a sign, spaces and leading zeros and converts with int()."""
    assert _bind("/<n:int>").match_path(path) == {"n": expected}


@pytest.mark.parametrize("path", [
    "/abc", "/5a", "/1.5", "/--5", "/0x10", "/1_000", "/\u0665", "/- 5", "/5 ", "/", "/1e3", "/+", "/-",
])
def test_int_converter_rejects(path):
    """P7/P9: text that is not a decimal integer makes <n:int> not match."""
    assert _bind("/<n:int>").match_path(path) is None


@pytest.mark.parametrize("path, expected", [
    ("/1", 1.0), ("/1.5", 1.5), ("/-2.5e3", -2500.0), ("/+.5", 0.5), ("/1.", 1.0), ("/1E2", 100.0), ("/007", 7.0),
])
def test_float_converter_values(path, expected):
    """P7: <x:float> accepts signed decimals with optional fraction/exponent; '1' is 1.0."""
    result = _bind("/<x:float>").match_path(path)
    assert result == {"x": expected} and type(result["x"]) is float


@pytest.mark.parametrize("path", [
    "/inf", "/nan", "/-inf", "/Infinity", "/1e", "/.", "/e5", "/1.5.5", "/0x1p3", "/1_0", "/abc", "/",
])
def test_float_converter_rejects(path):
    """P7: float refuses inf/nan and non-decimal text."""
    assert _bind("/<x:float>").match_path(path) is None


@pytest.mark.parametrize("path, expected", [
    ("/x", "x"), ("/a b", "a b"), ("/café", "café"), ("/%", "%"), ("/a.b", "a.b"), ("/<a>", "<a>"), ("/?", "?"),
])
def test_str_converter_matches_any_non_slash_text(path, expected):
    """P7: str is [^/]+, one or more non-slash characters, returned unchanged."""
    assert _bind("/<s:str>").match_path(path) == {"s": expected}


# -- §2.1 P9: conversion failure -----------------------------------------------------

@pytest.mark.parametrize("exc_type", [ValueError, TypeError, KeyError])
def test_match_path_returns_none_when_converter_raises(exc_type):
    """P9: a converter raising ValueError/TypeError/KeyError makes match_path return None."""
    def convert(text):
        raise exc_type(text)

    bound = _bind("/<x:picky>", converters={"picky": convert})
    assert bound.match_path("/anything") is None


def test_multi_int_binding_with_non_int_item_does_not_match():
    """P9: a +int binding on /a/b/1/thing/hi/ does not match."""
    assert _bind("/a/b/<t:int>/thing/<das+int>").match_path("/a/b/1/thing/hi/") is None


def test_converter_failure_ends_in_404():
    """P9: route /<number:int> requested as /non-int answers 404."""
    assert _client([("/<number:int>", _ok, render_basic)]).get("/non-int").status_code == 404


def test_converter_failure_lets_a_later_route_serve():
    """P9: when conversion fails, routing continues with the next route."""
    routes = [("/<x:int>", _endpoint("int"), render_basic), ("/<x>", _endpoint("word"), render_basic)]
    assert _text(routes, "/non-int") == "word"


# -- §2.1 P10: multi bindings and doubled slashes --------------------------------------

@pytest.mark.parametrize("mode", LENIENT_MODES)
def test_multi_str_binding_keeps_empty_items_for_doubled_slashes(mode):
    """P10: in lenient modes a str multi binding over a '//' yields an '' item."""
    assert _bind("/<a+>", slash_mode=mode).match_path("/x//y") == {"a": ["x", "", "y"]}


@pytest.mark.parametrize("mode, pattern", [(m, p) for m in LENIENT_MODES for p in ("/<a+int>", "/<a*float>")])
def test_multi_numeric_binding_with_doubled_slashes_does_not_match(mode, pattern):
    """P10: in lenient modes an int/float multi binding over a '//' fails conversion, so no match."""
    assert _bind(pattern, slash_mode=mode).match_path("/1//2") is None


def test_multi_binding_rejects_doubled_slashes_in_strict_mode():
    """P10/S2: strict mode matches single slashes only, so a multi binding does not match '//'."""
    assert _bind("/<a+>", slash_mode=S_STRICT).match_path("/x//y") is None


# -- §2.1 P11 (fixed): literal segments are literal --------------------------------------

@pytest.mark.parametrize("pattern, path", [
    ("/robots.txt", "/robotsXtxt"),
    ("/a.b", "/acb"),
    ("/a+b", "/aab"),
    ("/a+b", "/aaab"),
    ("/(x)", "/x"),
    ("/a*", "/aaa"),
    ("/a*", "/"),
    ("/[ab]", "/a"),
    ("/a|b", "/a"),
    ("/a|b", "/b"),
    ("/^a$", "/a"),
    ("/a?", "/a"),
    ("/a?", "/"),
    ("/\\d", "/1"),
    ("/a{2}", "/aa"),
])
def test_literal_segment_does_not_match_as_regex(pattern, path):
    """P11 (fixed): regex metacharacters in literal segments are not interpreted."""
    assert _bind(pattern).match_path(path) is None


@pytest.mark.parametrize("pattern", [
    "/robots.txt", "/a+b", "/(x)", "/a.b", "/a*", "/[ab]", "/a|b", "/^a$", "/a?", "/\\d", "/a{2}",
    "/café", "/a b",
])
def test_literal_segment_matches_itself(pattern):
    """P11 (fixed): a literal segment matches exactly its own text."""
    assert _bind(pattern).match_path(pattern) == {}


def test_literal_dot_is_literal_over_http():
    """P11 (fixed): /robots.txt serves /robots.txt but /robotsXtxt is 404."""
    client = _client([("/robots.txt", _ok, render_basic)])
    assert (client.get("/robots.txt").status_code, client.get("/robotsXtxt").status_code) == (200, 404)


@pytest.mark.parametrize("pattern, path", [
    ("/robots.txt", "/robots.txt\n"),
    ("/<n:int>", "/5\n"),
    ("/a/b", "/a/b\n"),
])
def test_trailing_newline_is_not_ignored_by_match_path(pattern, path):
    """P11 (fixed)/P7: a literal or int segment followed by a newline is different text and must not match."""
    assert _bind(pattern).match_path(path) is None


def test_int_route_with_encoded_trailing_newline_is_404():
    """P7: /n/5%0A is not an integer segment, so route /n/<x:int> must not serve it."""
    assert _client([("/n/<x:int>", _show_x, render_basic)]).get("/n/5%0A").status_code == 404


# -- §2.1 P13: optional bindings anywhere -------------------------------------------------

@pytest.mark.parametrize("pattern, path, expected", [
    ("/x/<a?>/<b>", "/x/q", {"a": None, "b": "q"}),
    ("/x/<a?>/<b>", "/x/p/q", {"a": "p", "b": "q"}),
    ("/<a?>/x", "/x", {"a": None}),
    ("/<a?>/x", "/p/x", {"a": "p"}),
    ("/<a?int>/<b>", "/q", {"a": None, "b": "q"}),
    ("/<a?int>/<b>", "/5/q", {"a": 5, "b": "q"}),
    ("/<a*>/end", "/end", {"a": []}),
    ("/<a*>/end", "/p/q/end", {"a": ["p", "q"]}),
])
def test_optional_binding_anywhere(pattern, path, expected):
    """P13: optional bindings may appear anywhere, e.g. /x/<a?>/<b> on /x/q gives a=None, b='q'."""
    assert _bind(pattern).match_path(path) == expected


# -- §2.1 P14: validated at Route(), compiled at each bind --------------------------------

def test_same_route_compiles_per_binding_slash_mode():
    """P14: one Route bound into strict and lenient applications follows each binding's slash mode."""
    route = Route("/a/b", _ok, render_basic)
    lenient = Application([route], slash_mode=S_REWRITE).routes[0]
    strict = Application([route], slash_mode=S_STRICT).routes[0]
    assert (lenient.match_path("/a//b"), strict.match_path("/a//b")) == ({}, None)


def test_route_compiled_with_subapplication_prefix():
    """P14: an embedded route is compiled again with the prefix of its binding."""
    sub = Application([("/<x:int>", _show_x, render_basic)])
    app = Application([("/pre", sub)])
    assert (app.routes[0].match_path("/pre/5"), app.routes[0].match_path("/5")) == ({"x": 5}, None)


# -- §2.1 P15: percent-decoded matching -----------------------------------------------------

def test_encoded_slash_is_a_separator():
    """P15: matching is on the percent-decoded path, so %2F separates segments."""
    def both(x, y):
        return f"{x}|{y}"

    assert _text([("/<x>/<y>", both, render_basic)], "/a%2Fb") == "a|b"


def test_encoded_slash_does_not_stay_inside_one_segment():
    """P15: /a%2Fb is two segments, so a single-segment route does not match it."""
    assert _client([("/<x>", _show_x, render_basic)]).get("/a%2Fb").status_code == 404


@pytest.mark.parametrize("path, expected", [("/caf%C3%A9", "'café'"), ("/a%20b", "'a b'"), ("/%3C%3E", "'<>'")])
def test_binding_receives_percent_decoded_text(path, expected):
    """P15: bindings receive the percent-decoded segment."""
    assert _text([("/<x>", _show_x, render_basic)], path) == expected


def test_literal_matches_percent_encoded_request():
    """P15: a literal non-ASCII segment matches its percent-encoded request path."""
    assert _client([("/café", _ok, render_basic)]).get("/caf%C3%A9").status_code == 200


# -- normalize_path, is_branch ---------------------------------------------------------------

@pytest.mark.parametrize("path, is_branch, expected", [
    ("", False, "/"),
    ("", True, "/"),
    ("/", False, "/"),
    ("/", True, "/"),
    ("///", True, "/"),
    ("/a", False, "/a"),
    ("/a", True, "/a/"),
    ("/a/", False, "/a"),
    ("/a/", True, "/a/"),
    ("//a//b//", True, "/a/b/"),
    ("//a//b//", False, "/a/b"),
    ("a/b", False, "/a/b"),
])
def test_normalize_path(path, is_branch, expected):
    """§1.3/S4: normalize_path collapses empty segments, adds one trailing slash for branches, '/' if empty."""
    assert normalize_path(path, is_branch) == expected


@pytest.mark.parametrize("pattern, expected", [
    ("/", True), ("/a/", True), ("/<a>/", True), ("/a/<b*>/", True),
    ("/a", False), ("/<a>", False), ("/<a*>", False), ("/a/b", False),
])
def test_route_is_branch(pattern, expected):
    """S3: is_branch is true iff the route pattern ends with '/'."""
    assert Route(pattern, _ok, render_basic).is_branch is expected


def test_bound_route_is_branch_follows_route():
    """S3: a BoundRoute reports the is_branch of its unbound route."""
    app = Application([("/a/", _ok, render_basic), ("/b", _ok, render_basic)])
    assert [r.is_branch for r in app.routes] == [True, False]


# -- §2.2 S1 (changed): slash mode values ----------------------------------------------------

def test_slash_mode_constants():
    """S1: S_REDIRECT='redirect', S_REWRITE='rewrite', S_STRICT='strict'."""
    assert (S_REDIRECT, S_REWRITE, S_STRICT) == ("redirect", "rewrite", "strict")


def test_default_slash_mode_is_redirect():
    """S1: redirect is the default for Application and Route."""
    assert (Application([]).slash_mode, Route("/", _ok).slash_mode) == (S_REDIRECT, S_REDIRECT)


BAD_SLASH_MODES = ["bogus", "REDIRECT", "Strict", "", " strict", "strict ", None, 0, "redirect\n"]


@pytest.mark.parametrize("mode", BAD_SLASH_MODES)
def test_unknown_slash_mode_fails_route(mode):
    """S1 (changed): an unknown slash_mode raises ValueError at Route()."""
    with pytest.raises(ValueError):
        Route("/a", _ok, render_basic, slash_mode=mode)


@pytest.mark.parametrize("mode", BAD_SLASH_MODES)
def test_unknown_slash_mode_fails_application(mode):
    """S1 (changed): an unknown slash_mode raises ValueError at Application()."""
    with pytest.raises(ValueError):
        Application([], slash_mode=mode)


# -- §2.2 S2: lenient and strict compilation ---------------------------------------------------

@pytest.mark.parametrize("mode", LENIENT_MODES)
@pytest.mark.parametrize("pattern, path, matches", [
    ("/a/b", "/a/b", True),
    ("/a/b", "/a//b", True),
    ("/a/b", "/a/b///", True),
    ("/a/b", "///a/b", True),
    ("/a/", "/a", True),
    ("/a/", "/a//", True),
    ("/", "/", True),
    ("/", "///", True),
    ("/a/b", "/ab", False),
    ("/a/b", "/a/b/c", False),
])
def test_lenient_compilation(mode, pattern, path, matches):
    """S2: in redirect/rewrite mode separators match one or more slashes and trailing slashes are optional."""
    assert (_bind(pattern, slash_mode=mode).match_path(path) is not None) is matches


@pytest.mark.parametrize("pattern, path, matches", [
    ("/a/b", "/a/b", True),
    ("/a/b", "/a//b", False),
    ("/a/b", "/a/b/", False),
    ("/a/", "/a/", True),
    ("/a/", "/a", False),
    ("/a/", "/a//", False),
    ("/", "/", True),
    ("/", "//", False),
])
def test_strict_compilation(pattern, path, matches):
    """S2: strict mode wants single slashes and the trailing slash exactly as written."""
    assert (_bind(pattern, slash_mode=S_STRICT).match_path(path) is not None) is matches


# -- §2.2 S4 (changed): redirect of branch routes --------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_branch_redirect_is_301_for_get_and_head(method):
    """S4 (changed): a branch requested without its slash answers GET/HEAD with 301."""
    resp = _client([("/b/", _ok, render_basic)]).open("/b", method=method)
    assert (resp.status_code, resp.headers["Location"]) == (301, "/b/")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_branch_redirect_is_308_for_other_methods(method):
    """S4 (changed): a branch requested without its slash answers non-GET/HEAD methods with 308."""
    resp = _client([("/b/", _ok, render_basic)]).open("/b", method=method)
    assert (resp.status_code, resp.headers["Location"]) == (308, "/b/")


def test_308_redirect_keeps_the_method_when_followed():
    """S4 (changed): following the 308 of a POST reaches the branch route with POST."""
    resp = _client([("/b/", _show_method, render_basic)]).post("/b", follow_redirects=True)
    assert (resp.status_code, resp.get_data(as_text=True)) == (200, "POST")


@pytest.mark.parametrize("kw, expected", [
    ({}, "/b/"),
    ({"base_url": "http://localhost/app"}, "/app/b/"),
    ({"base_url": "https://example.org/deep/root"}, "/deep/root/b/"),
    ({"headers": {"Host": "evil.example"}}, "/b/"),
    ({"headers": {"X-Forwarded-Host": "evil.example"}}, "/b/"),
])
def test_redirect_location_is_relative_to_script_root(kw, expected):
    """S4 (changed): Location is script root + normalised path, with no scheme or host."""
    resp = _client([("/b/", _ok, render_basic)]).get("/b", **kw)
    assert resp.headers["Location"] == expected


@pytest.mark.parametrize("path, expected", [
    ("/b/c", "/b/c/"),
    ("/b///c", "/b/c/"),
    ("/b/c//", "/b/c/"),
    ("/b//c///", "/b/c/"),
])
def test_redirect_location_is_the_normalised_path(path, expected):
    """S4: the redirect target collapses empty segments and ends with exactly one '/'."""
    assert _client([("/b/c/", _ok, render_basic)]).get(path).headers["Location"] == expected


@pytest.mark.parametrize("query, expected", [
    ("", "/b/"),
    ("x=1", "/b/?x=1"),
    ("a=1&b=%20", "/b/?a=1&b=%20"),
    ("flag", "/b/?flag"),
])
def test_redirect_keeps_query_only_when_present(query, expected):
    """S4 (changed): Location ends with '?query' only when the request had a query string."""
    resp = _client([("/b/", _ok, render_basic)]).get("/b", query_string=query)
    assert resp.headers["Location"] == expected


@pytest.mark.parametrize("mode", [S_REDIRECT, S_STRICT, S_REWRITE])
def test_canonical_branch_path_is_served_directly(mode):
    """S4: a branch requested with its canonical path is served without redirect."""
    assert _client([("/b/", _ok, render_basic)], slash_mode=mode).get("/b/").status_code == 200


def test_redirect_goes_through_application_middleware():
    """S4 (changed): the slash redirect passes through app middleware like any response."""
    resp = _client([("/b/", _ok, render_basic)], middlewares=[AddHeader()]).get("/b")
    assert (resp.status_code, resp.headers.get("X-Seen")) == (301, "1")


def test_redirect_goes_through_route_middleware():
    """S4 (changed): the slash redirect passes through the route's own middleware."""
    route = Route("/b/", _ok, render_basic, middlewares=[AddHeader()])
    resp = _client([route]).get("/b")
    assert (resp.status_code, resp.headers.get("X-Seen")) == (301, "1")


def test_redirect_happens_only_after_method_matched():
    """S4: normalisation happens after path and method matched, so a wrong method is 405, not 308."""
    assert _client([GET("/b/", _ok, render_basic)]).post("/b").status_code == 405


@pytest.mark.parametrize("path_info", ["//evil.example", "///evil.example", "/\\evil.example", "//evil.example//"])
def test_redirect_location_never_points_off_site(path_info):
    """S4 (changed): a hostile path cannot make the relative Location scheme-relative ('//' or '/\\')."""
    resp = _client([("/<x>/", _show_x, render_basic)]).get("/x", environ_overrides={"PATH_INFO": path_info})
    location = resp.headers["Location"]
    assert location.startswith("/") and location[1:2] not in ("/", "\\")




@pytest.mark.parametrize("encoded, decoded", [
    ("a%20b", "a b"),
    ("caf%C3%A9", "café"),
    ("a%5Cb", "a\\b"),
    pytest.param("a%3Fb", "a?b"),
    pytest.param("a%23b", "a#b"),
    pytest.param("a%2541", "a%41"),
    pytest.param("a%0D%0Ab", "a\r\nb"),
])
def test_following_redirect_keeps_the_binding_value(encoded, decoded):
    """S4: the redirect target of /<x>/ requested without its slash serves the same value of x."""
    resp = _client([("/<x>/", _show_x, render_basic)]).get("/" + encoded, follow_redirects=True)
    assert (resp.status_code, resp.get_data(as_text=True)) == (200, repr(decoded))


def test_rewrite_mode_serves_branch_without_slash():
    """S4: in rewrite mode a branch route runs normally for a non-canonical path."""
    resp = _client([("/b/", _ok, render_basic)], slash_mode=S_REWRITE).get("/b")
    assert (resp.status_code, resp.get_data(as_text=True)) == (200, "ok")


def test_strict_mode_branch_without_slash_is_404():
    """S4/S2: in strict mode a branch requested without its slash is 404."""
    assert _client([("/b/", _ok, render_basic)], slash_mode=S_STRICT).get("/b").status_code == 404


# -- §2.2 S5, S6 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("mode, path, status", [
    (S_REDIRECT, "/other/", 200),
    (S_REDIRECT, "/other//", 200),
    (S_REWRITE, "/other/", 200),
    (S_REWRITE, "/other//", 200),
    (S_STRICT, "/other/", 404),
    (S_STRICT, "/other//", 404),
])
def test_leaf_route_is_never_redirected(mode, path, status):
    """S5: leaf routes serve /other/ and /other// directly in redirect/rewrite and are 404 in strict."""
    assert _client([("/other", _ok, render_basic)], slash_mode=mode).get(path).status_code == status


def _goof_routes():
    return [("/", _endpoint("root"), render_basic), ("/goof/spoof/", _endpoint("goof"), render_basic)]


@pytest.mark.parametrize("mode, path, status", [
    (S_STRICT, "/goof//spoof//", 404),
    (S_REWRITE, "/goof//spoof//", 200),
    (S_REDIRECT, "/goof//spoof//", 301),
    (S_STRICT, "/dne/dne//", 404),
    (S_REWRITE, "/dne/dne//", 404),
    (S_REDIRECT, "/dne/dne//", 404),
])
def test_spec_slash_example(mode, path, status):
    """S6: with routes / and /goof/spoof/, /goof//spoof// is strict 404, rewrite 200, redirect 301; /dne/dne// 404."""
    assert _client(_goof_routes(), slash_mode=mode).get(path).status_code == status


def test_spec_slash_example_redirect_followed():
    """S6: in redirect mode /goof//spoof// ends in 200 from the branch route after following."""
    resp = _client(_goof_routes(), slash_mode=S_REDIRECT).get("/goof//spoof//", follow_redirects=True)
    assert (resp.status_code, resp.get_data(as_text=True)) == (200, "goof")


# -- §2.2 S7: slash mode inheritance -----------------------------------------------------------------

def test_route_slash_mode_ignored_in_application_routes():
    """S7: a Route's own slash_mode is ignored when the route is given to Application()."""
    route = Route("/b/", _ok, render_basic, slash_mode=S_STRICT)
    assert _client([route]).get("/b").status_code == 301


def test_route_slash_mode_ignored_by_default_add():
    """S7: app.add(route) binds with the application's slash mode."""
    app = Application([])
    app.add(Route("/b/", _ok, render_basic, slash_mode=S_STRICT))
    assert (app.routes[0].slash_mode, app.get_local_client().get("/b").status_code) == (S_REDIRECT, 301)


@pytest.mark.parametrize("route_mode, app_mode, status", [
    (S_STRICT, S_REDIRECT, 404),
    (S_REWRITE, S_REDIRECT, 200),
    (S_REDIRECT, S_STRICT, 301),
    (S_REWRITE, S_STRICT, 200),
])
def test_route_slash_mode_kept_without_inheritance(route_mode, app_mode, status):
    """S7: app.add(route, inherit_slashes=False) keeps the route's own slash mode."""
    app = Application([], slash_mode=app_mode)
    app.add(Route("/b/", _ok, render_basic, slash_mode=route_mode), inherit_slashes=False)
    assert app.get_local_client().get("/b").status_code == status


# -- §2.3 H1: methods ----------------------------------------------------------------------------------

@pytest.mark.parametrize("methods", [None, [], ()])
@pytest.mark.parametrize("verb", ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_route_without_methods_matches_every_method(methods, verb):
    """H1: methods=None (or empty) matches every method."""
    assert _client([Route("/a", _ok, render_basic, methods=methods)]).open("/a", method=verb).status_code == 200


def test_method_names_are_upper_cased():
    """H1: method names are upper-cased (and GET adds HEAD)."""
    assert Route("/a", _ok, methods=["get", "Post"]).methods == {"GET", "HEAD", "POST"}


@pytest.mark.parametrize("route", [
    lambda: Route("/a", _ok, methods=["GET"]),
    lambda: GET("/a", _ok),
])
def test_get_adds_head(route):
    """H1: if GET is among the methods, HEAD is added."""
    assert route().methods == {"GET", "HEAD"}


@pytest.mark.parametrize("cls, expected", [(POST, {"POST"}), (PUT, {"PUT"}), (DELETE, {"DELETE"})])
def test_method_route_classes_force_their_method(cls, expected):
    """§1.3: the method Route subclasses force methods to their single method."""
    assert cls("/a", _ok, methods=["GET"]).methods == expected


@pytest.mark.parametrize("methods", [["FOO"], ["GETT"], [""], ["GET "], ["get", "nope"], ["G ET"], [None], ["GET\n"]])
def test_unknown_method_is_rejected(methods):
    """H1: an unknown method name raises InvalidMethod (a ValueError)."""
    with pytest.raises(InvalidMethod):
        Route("/a", _ok, methods=methods)


# -- §2.3 H2-H6: 405, Allow, HEAD, OPTIONS ---------------------------------------------------------

def _get_post_routes():
    return [GET("/a", _endpoint("get"), render_basic), POST("/a", _endpoint("post"), render_basic)]


def test_later_route_with_matching_method_serves():
    """H3: when a later route matches path and method it serves normally (no 405)."""
    resp = _client(_get_post_routes()).post("/a")
    assert (resp.status_code, resp.get_data(as_text=True)) == (200, "post")


def test_405_when_path_matches_but_no_method_does():
    """H4: when routes matched the path but none the method, the answer is 405."""
    assert _client(_get_post_routes()).put("/a").status_code == 405


def test_405_carries_sorted_allow_header():
    """H5 (changed): the 405 response carries Allow with the sorted methods, GET routes adding HEAD."""
    assert _client(_get_post_routes()).put("/a").headers["Allow"] == "GET, HEAD, POST"


def test_405_body_lists_allowed_methods():
    """H5: the 405 detail ends with the sorted allowed list."""
    body = _client(_get_post_routes()).put("/a").get_data(as_text=True)
    assert "Allowed methods: ['GET', 'HEAD', 'POST']" in body


def test_allow_collects_only_path_matching_routes():
    """H2: Allow lists the methods of every route whose path matched, and only those."""
    routes = [
        POST("/a", _ok, render_basic),
        GET("/b", _ok, render_basic),
        PUT("/<x>", _ok, render_basic),
        DELETE("/<x:int>", _ok, render_basic),
    ]
    assert _client(routes).patch("/a").headers["Allow"] == "POST, PUT"


def test_404_when_no_path_matches():
    """H4: with no method collected and nothing deferred, the answer is 404."""
    assert _client(_get_post_routes()).put("/zzz").status_code == 404


@pytest.mark.parametrize("how", ["raise", "return"])
def test_deferred_exception_answers_when_nothing_serves(how):
    """H4: when no route serves, the last deferred non-breaking exception is the answer."""
    def decline():
        exc = Forbidden(is_breaking=False)
        if how == "raise":
            raise exc
        return exc

    assert _client([("/a", decline, render_basic)]).get("/a").status_code == 403


def test_deferred_exception_beats_405():
    """H4: a deferred exception takes priority over 405."""
    def decline():
        raise Forbidden(is_breaking=False)

    routes = [GET("/a", _ok, render_basic), POST("/a", decline, render_basic)]
    assert _client(routes).post("/a").status_code == 403


@pytest.mark.parametrize("route_cls", [GET, POST, PUT, DELETE])
@pytest.mark.parametrize("verb", ["get", "post", "put", "delete"])
def test_method_matrix(route_cls, verb):
    """H6: with GET /get, POST /post, PUT /put, DELETE /delete, each verb gives 200 on its path, 405 elsewhere."""
    routes = [GET("/get", _ok, render_basic), POST("/post", _ok, render_basic),
              PUT("/put", _ok, render_basic), DELETE("/delete", _ok, render_basic)]
    path = "/" + route_cls.__name__.lower()
    status = getattr(_client(routes), verb)(path).status_code
    assert status == (200 if route_cls.__name__ == verb.upper() else 405)


def test_head_on_get_route_has_empty_body():
    """H5/H6 (changed): a route answering GET answers HEAD with 200 and an empty body."""
    resp = _client([GET("/a", _ok, render_basic)]).head("/a")
    assert (resp.status_code, resp.get_data()) == (200, b"")


def test_head_on_get_route_keeps_get_headers():
    """H6: the HEAD response carries the GET response's Content-Type and Content-Length."""
    client = _client([GET("/a", _ok, render_basic)])
    get, head = client.get("/a"), client.head("/a")
    assert (head.headers["Content-Type"], head.headers["Content-Length"]) == (
        get.headers["Content-Type"], get.headers["Content-Length"])


def test_head_on_post_only_route_is_405():
    """H1/H5: HEAD is only implied by GET, so a POST-only route answers HEAD with 405 and Allow: POST."""
    resp = _client([POST("/a", _ok, render_basic)]).head("/a")
    assert (resp.status_code, resp.headers.get("Allow")) == (405, "POST")


def test_options_lists_matched_methods():
    """H5 (changed): OPTIONS to a path routes match but none handles gets 200 with Allow (+OPTIONS)."""
    resp = _client(_get_post_routes()).open("/a", method="OPTIONS")
    assert (resp.status_code, resp.headers["Allow"]) == (200, "GET, HEAD, OPTIONS, POST")


def test_options_to_unmatched_path_is_404():
    """H5 (changed): OPTIONS to a path no route matches is 404."""
    assert _client(_get_post_routes()).open("/nope", method="OPTIONS").status_code == 404


def test_options_route_handles_options_itself():
    """H5 (changed): automatic OPTIONS applies only when no route handles OPTIONS for the path."""
    routes = [GET("/a", _ok, render_basic), Route("/a", _endpoint("mine"), render_basic, methods=["OPTIONS"])]
    resp = _client(routes).open("/a", method="OPTIONS")
    assert (resp.status_code, resp.get_data(as_text=True)) == (200, "mine")


# -- §2.4 O1-O3: order ----------------------------------------------------------------------------------

def test_first_matching_route_wins():
    """O1: routes are tried in insertion order with no specificity ranking."""
    routes = [("/<x>", _endpoint("generic"), render_basic), ("/a", _endpoint("specific"), render_basic)]
    assert _text(routes, "/a") == "generic"


@pytest.mark.parametrize("first, second, expected", [
    (("/<x>/b", "bind"), ("/a/b", "lit"), "bind"),
    (("/a/b", "lit"), ("/<x>/b", "bind"), "lit"),
    (("/<x*>", "star"), ("/a/b", "lit"), "star"),
    (("/a/<y?>/b", "opt"), ("/a/b", "lit"), "opt"),
    (("/a/b", "lit"), ("/a/<y?>/b", "opt"), "lit"),
])
def test_order_decides_between_literal_and_binding_routes(first, second, expected):
    """O1: between a literal and a binding route matching the same path, the earlier one serves."""
    routes = [(first[0], _endpoint(first[1]), render_basic), (second[0], _endpoint(second[1]), render_basic)]
    assert _text(routes, "/a/b") == expected


def test_add_appends_at_the_end():
    """O1: add() without index appends after the existing routes."""
    app = Application([("/<x>", _endpoint("generic"), render_basic)])
    app.add(("/a", _endpoint("specific"), render_basic))
    assert ([r.pattern for r in app.routes], _text(app, "/a")) == (["/<x>", "/a"], "generic")


def test_add_with_index_zero_inserts_first():
    """O1: add(entry, index=0) inserts the route first, so it now wins."""
    app = Application([("/<x>", _endpoint("generic"), render_basic)])
    app.add(("/a", _endpoint("specific"), render_basic), index=0)
    assert ([r.pattern for r in app.routes], _text(app, "/a")) == (["/a", "/<x>"], "specific")


def test_add_with_index_inserts_in_the_middle():
    """O1: add(entry, index=i) inserts at position i."""
    app = Application([("/a", _ok, render_basic), ("/c", _ok, render_basic)])
    app.add(("/b", _ok, render_basic), index=1)
    assert [r.pattern for r in app.routes] == ["/a", "/b", "/c"]


def test_add_catch_all_at_index_zero_shadows_literal_routes():
    """O1: a catch-all inserted at index 0 after construction serves paths earlier routes matched."""
    app = Application([("/a/b", _endpoint("lit"), render_basic)])
    app.add(("/<rest*>", _endpoint("all"), render_basic), index=0)
    assert _text(app, "/a/b") == "all"


def test_subapplication_routes_inserted_contiguously():
    """O1: a SubApplication's routes are inserted contiguously in their own order."""
    sub = Application([("/x", _ok, render_basic), ("/y", _ok, render_basic)])
    app = Application([("/a", _ok, render_basic), ("/sub", sub), ("/z", _ok, render_basic)])
    assert [r.pattern for r in app.routes] == ["/a", "/sub/x", "/sub/y", "/z"]


def test_null_route_is_not_in_routes():
    """O2: the NullRoute is not part of app.routes."""
    app = Application([("/a", _ok, render_basic)])
    assert [(type(r), r.pattern) for r in app.routes] == [(BoundRoute, "/a")]


def test_catch_all_route_is_tried_before_null_route():
    """O2: the NullRoute is tried last, so a catch-all route answers every path."""
    assert _client([("/<rest*>", _ok, render_basic)]).get("/any/deep/path").status_code == 200


@pytest.mark.parametrize("how", ["return", "raise"])
def test_non_breaking_not_found_falls_through(how):
    """O3/F6: a route returning or raising NotFound(is_breaking=False) lets a later route serve."""
    def decline():
        exc = NotFound(is_breaking=False)
        if how == "raise":
            raise exc
        return exc

    routes = [("/", decline), ("/", lambda: "so hot in here", render_basic)]
    resp = _client(routes).get("/")
    assert (resp.status_code, resp.get_data(as_text=True)) == (200, "so hot in here")


def test_breaking_exception_stops_routing():
    """O3: a breaking HTTPException ends the loop even if a later route would serve."""
    def refuse():
        raise Forbidden()

    routes = [("/a", refuse, render_basic), ("/a", _ok, render_basic)]
    assert _client(routes).get("/a").status_code == 403


# -- per-application converters (changed) --------------------------------------------------------------

@pytest.mark.parametrize("spec, path, expected", [
    (Converter(r"[a-z0-9-]+", str), "/abc-1", "abc-1"),
    ((r"[a-z0-9-]+", str), "/abc-1", "abc-1"),
    (str.upper, "/abc-1", "ABC-1"),
    (Converter(r"[0-9]+", int), "/0042", 42),
])
def test_converter_spec_forms(spec, path, expected):
    """Converters (changed): a Converter, a (pattern, convert) pair or a callable define a type per application."""
    assert _bind("/<s:slug>", converters={"slug": spec}).match_path(path) == {"s": expected}


@pytest.mark.parametrize("path", ["/ABC", "/a_b", "/a.b", "/a/b"])
def test_converter_pattern_restricts_the_segment(path):
    """Converters (changed): a segment not matching the converter pattern makes the route not match."""
    assert _bind("/<s:slug>", converters={"slug": (r"[a-z0-9-]+", str)}).match_path(path) is None


def test_callable_converter_matches_one_segment():
    """Converters (changed): a plain callable converter matches exactly one [^/]+ segment."""
    assert _bind("/<s:slug>", converters={"slug": str.upper}).match_path("/a/b") is None


def test_same_converter_name_means_different_things_in_two_apps():
    """Converters (changed): two applications giving one name different converters never affect each other."""
    route = Route("/<x:slug>", _show_x, render_basic)
    letters = Application([route], converters={"slug": (r"[a-z]+", str)}).get_local_client()
    digits = Application([route], converters={"slug": (r"[0-9]+", int)}).get_local_client()
    answers = {(name, path): (resp.status_code, resp.get_data(as_text=True) if resp.status_code == 200 else None)
               for name, client in (("letters", letters), ("digits", digits))
               for path in ("/abc", "/123")
               for resp in [client.get(path)]}
    assert answers == {
        ("letters", "/abc"): (200, "'abc'"), ("letters", "/123"): (404, None),
        ("digits", "/abc"): (404, None), ("digits", "/123"): (200, "123"),
    }


def test_second_application_leaves_first_unchanged():
    """Converters (changed): building another app with a same-named converter does not change an existing app."""
    route = Route("/<x:slug>", _show_x, render_basic)
    first = Application([route], converters={"slug": (r"[a-z]+", str)})
    before = first.routes[0].match_path("/abc")
    Application([route], converters={"slug": (r"[0-9]+", int)})
    assert (before, first.routes[0].match_path("/abc"), first.routes[0].match_path("/123")) == (
        {"x": "abc"}, {"x": "abc"}, None)


def test_overriding_builtin_converter_is_per_application():
    """Converters (changed): redefining 'int' in one application leaves other applications' int intact."""
    route = Route("/<n:int>", _ok, render_basic)
    Application([route], converters={"int": (r"[a-z]+", str)})
    assert Application([route]).routes[0].match_path("/5") == {"n": 5}


def test_route_with_converter_missing_from_app_fails_construction():
    """Converters (changed): <x:slug> binds in an app defining slug and fails in one that does not."""
    route = Route("/<x:slug>", _ok, render_basic)
    Application([route], converters={"slug": (r"[a-z]+", str)})
    with pytest.raises(InvalidPattern, match="slug"):
        Application([route])


def test_embedded_routes_keep_their_application_converters():
    """Converters (changed): an embedded application's routes keep its converters; the parent's own routes use the parent's."""
    sub = Application([("/<x:slug>", _show_x, render_basic)], converters={"slug": (r"[a-z]+", str)})
    parent = Application([("/s", sub), ("/p/<x:slug>", _show_x, render_basic)],
                         converters={"slug": (r"[0-9]+", int)})
    assert [parent.routes[0].match_path("/s/abc"), parent.routes[0].match_path("/s/123"),
            parent.routes[1].match_path("/p/123"), parent.routes[1].match_path("/p/abc")] == [
        {"x": "abc"}, None, {"x": 123}, None]




@pytest.mark.parametrize("pattern", [
    r"([a-z]+)",
    r"(?P<q>[a-z]+)",
    r"[a-z]*",
    r"",
    r"a?",
    r"a|",
    r"(?:x)*",
    r"[",
    r"(?:",
    pytest.param(r"(?i)[a-z]+"),
])
def test_bad_converter_pattern_fails_construction(pattern):
    """Converters (changed): a converter pattern with a capturing group, an empty match or bad regex raises ValueError at construction."""
    with pytest.raises(ValueError):
        Application([Route("/<x:slug>", _ok, render_basic)], converters={"slug": (pattern, str)})




@pytest.mark.parametrize("pattern", [
    r"[a-z/]+",
    r"a/b",
    pytest.param(r".+"),
    pytest.param(r"[^x]+"),
    pytest.param(r"[\s\S]+"),
])
def test_converter_pattern_matching_a_slash_fails_construction(pattern):
    """Converters (changed, docs/compat.md): a converter pattern that can match '/' is refused at construction."""
    with pytest.raises(ValueError):
        Application([], converters={"slug": (pattern, str)})


@pytest.mark.parametrize("name", ["1slug", "my-slug", "", "a b", "slug!", "sl/ug", 42, None])
def test_converter_name_must_be_identifier(name):
    """Converters (changed): a converter name that is not an identifier raises ValueError at construction."""
    with pytest.raises(ValueError):
        Application([], converters={name: (r"[a-z]+", str)})


@pytest.mark.parametrize("spec", [42, "[a-z]+", ("[a-z]+",), ("[a-z]+", "str"), None])
def test_converter_spec_must_be_converter_pair_or_callable(spec):
    """Converters (changed): a converter value that is not a Converter, pair or callable raises TypeError at construction."""
    with pytest.raises(TypeError):
        Application([], converters={"slug": spec})


# -- per-pattern matchers (routing/_pattern.py) --------------------------------------------------

_MATCHER_PATTERNS = ["/", "/a", "/a/", "/a/b.txt", "/r/<a:int>", "/<a>/x/<b:float>", "/u/<name>/",
                     "/n/<n:int>/<m:int>", "/o/<opt?int>", "/m/<many+>", "/s/<rest*>", "/c/<c:hexa>",
                     "/<all*>", "/<some+>", "/<some+str>", "/<ints*int>", "/p/q/<s>", "/<n:int>",
                     "/f/<x:float>", "/p/<n:int>/"]


_TAILS = st.text(alphabet="/ax01239.-+ \n\u0663\u00e9", max_size=8)


@st.composite
def _pattern_and_path(draw):
    """A pattern, and a path that is random or starts with the pattern's literal segments."""
    pattern = draw(st.sampled_from(_MATCHER_PATTERNS))
    literal_head = pattern.split("<")[0]
    path = draw(st.one_of(
        st.text(alphabet="/abx0123.-+eftupqrn", max_size=14).map(lambda p: "/" + p.lstrip("/")),
        st.text(alphabet="/a1\n ", max_size=6),
        _TAILS.map(lambda tail: literal_head + tail),
        _TAILS.map(lambda tail: literal_head.replace("/", "//") + tail),
    ))
    return pattern, path


@settings(max_examples=600, deadline=None)
@given(_pattern_and_path(), st.booleans())
@example(("/r/<a:int>", "/r/\u0663"), False)  # a non-ASCII digit: int() takes it, the pattern does not
@example(("/p/q/<s>", "/p/q/a/b"), True)  # a slash in what follows the prefix
@example(("/r/<a:int>", "/r/ 7"), False)  # the pattern's spaces, left to the regex
@example(("/<n:int>", "12"), True)  # no slash at all: the prefix "/" is not there
@example(("/<s>", "ab"), True)
@example(("/p/q/<s>", "/p/q/"), True)  # an empty last segment
@example(("/p/q/<s>", "/x/p/q/a"), True)  # the stem, but not at the start
def test_chosen_matcher_equals_general_match(pattern_and_path, strict):
    """For random patterns, paths and slash modes, the matcher picked at construction returns what general_match does."""
    pattern, path = pattern_and_path
    from clastic_like.routing._converters import make_converters
    from clastic_like.routing._pattern import compile_pattern, parse_pattern

    converters = make_converters({"hexa": (r"[0-9a-f]+", lambda text: int(text, 16))})
    compiled = compile_pattern(parse_pattern(pattern), converters, strict)
    assert compiled.match(path) == compiled.general_match(path)


@pytest.mark.parametrize("pattern, kind", [
    ("/a/b", "match_literal"), ("/n/<n:int>/<m:int>", "match_singles"),
    ("/s/<rest*>", "general_match"), ("/c/<c:hexa>", "general_match"), ("/<rest*>", "match_rest"),
    ("/<rest+str>", "match_rest"), ("/<ints*int>", "general_match"), ("/r/<a:int>", "match_prefix_digits"),
    ("/p/q/<s>", "match_prefix_segment"), ("/<s>", "match_prefix_segment"), ("/f/<x:float>", "match_one"), ("/p/<n:int>/", "match_one"),
])
def test_matcher_shortcut_is_chosen_by_shape(pattern, kind):
    """Literal and single-segment patterns get their shortcut; the others the general matcher."""
    from clastic_like.routing._converters import make_converters
    from clastic_like.routing._pattern import compile_pattern, parse_pattern

    converters = make_converters({"hexa": (r"[0-9a-f]+", lambda text: int(text, 16))})
    assert compile_pattern(parse_pattern(pattern), converters, kind != "match_rest").match.__name__ == kind


def test_rest_shortcut_is_only_for_lenient_modes():
    """A lone rest binding compiled strictly keeps the general matcher (its regex refuses doubled slashes)."""
    from clastic_like.routing._converters import DEFAULT_CONVERTERS
    from clastic_like.routing._pattern import compile_pattern, parse_pattern

    assert compile_pattern(parse_pattern("/<rest*>"), DEFAULT_CONVERTERS, True).match.__name__ == "general_match"


@pytest.mark.parametrize("strict", [True, False])
def test_prefix_shortcut_refuses_an_unconvertible_int_like_the_regex(strict):
    """A segment of more digits than int() converts is no match (not an error) on both the shortcut and the general path."""
    from clastic_like.routing._converters import DEFAULT_CONVERTERS
    from clastic_like.routing._pattern import compile_pattern, parse_pattern

    compiled = compile_pattern(parse_pattern("/r/<a:int>"), DEFAULT_CONVERTERS, strict)
    path = "/r/" + "9" * 5000
    assert compiled.match(path) is None and compiled.general_match(path) is None
