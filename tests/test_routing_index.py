"""The route index must pick exactly the routes an ordered linear scan would."""
from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from clastic_like import Application, Response
from clastic_like.routing._index import RouteIndex, first_literal, first_segment
from clastic_like.routing._pattern import parse_pattern

_LITERALS = ["a", "b", "ab", "users", "x.y", "", "a+b"]
_BINDINGS = ["<p>", "<p:int>", "<p?>", "<p+>", "<p*>", "<p*int>", "<p?float>"]

segment = st.one_of(st.sampled_from([l for l in _LITERALS if l]), st.sampled_from(_BINDINGS))


@st.composite
def patterns(draw):
    segs = draw(st.lists(segment, min_size=0, max_size=3))
    # Binding names must be unique within a pattern.
    named = []
    for i, s in enumerate(segs):
        named.append(s.replace("<p", f"<p{i}") if s.startswith("<") else s)
    tail = "/" if draw(st.booleans()) else ""
    return "/" + "/".join(named) + (tail if named else "")


paths = st.lists(
    st.one_of(st.sampled_from(_LITERALS), st.text(alphabet=string.ascii_lowercase + "0123456789.-+", max_size=4)),
    max_size=4,
).map(lambda parts: "/" + "/".join(parts))


def _make_app(pattern_list, slash_mode):
    def make_endpoint(i):
        def endpoint():
            return Response(str(i))
        return endpoint

    return Application([(p, make_endpoint(i)) for i, p in enumerate(pattern_list)], slash_mode=slash_mode)


@settings(max_examples=300, deadline=None)
@given(st.lists(patterns(), min_size=1, max_size=12), st.lists(paths, min_size=1, max_size=8),
       st.sampled_from(["redirect", "rewrite", "strict"]))
def test_index_candidates_agree_with_linear_scan(pattern_list, path_list, slash_mode):
    """For random route tables and paths, the first matching route via the index is the linear scan's."""
    app = _make_app(pattern_list, slash_mode)
    linear = [*app.routes, app._null_route]
    for path in path_list:
        expected = [r for r in linear if r.match_path(path) is not None]
        via_index = [r for r in app._index.candidates(path) if r.match_path(path) is not None]
        assert via_index == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(patterns(), min_size=1, max_size=12), st.lists(paths, min_size=1, max_size=8))
def test_served_route_is_first_linear_match(pattern_list, path_list):
    """The route that serves a request is the first route, in order, whose pattern matches the path."""
    app = _make_app(pattern_list, "rewrite")
    client = app.get_local_client()
    for path in path_list:
        # The test client reads "//a" as a host name; Werkzeug strips leading
        # slashes from PATH_INFO anyway, so compare on the path it serves.
        path = "/" + path.lstrip("/")
        first = next((i for i, r in enumerate(app.routes) if r.match_path(path) is not None), None)
        resp = client.get(path)
        if first is None:
            assert resp.status_code == 404
        else:
            assert resp.status_code == 200 and resp.get_data(as_text=True) == str(first)


def test_first_segment_of_paths():
    """first_segment takes the text before the second slash, ignoring leading slashes."""
    assert [first_segment(p) for p in ["/", "/a", "/a/b", "//a//b", "/a/"]] == ["", "a", "a", "a", "a"]


def test_first_literal_of_patterns():
    """Only a literal first segment keys a route; a leading binding means "any"."""
    assert first_literal(parse_pattern("/")) == ""
    assert first_literal(parse_pattern("/users/<id>")) == "users"
    assert first_literal(parse_pattern("/<id>/x")) is None


def test_index_keeps_wildcards_in_order():
    """A wildcard route added between two keyed routes sits between them in their group."""
    index = RouteIndex(["k1", "w", "k2", "other"], ["a", None, "a", "b"])
    assert index.candidates("/a/x") == ["k1", "w", "k2"]
    assert index.candidates("/b") == ["w", "other"]
    assert index.candidates("/zzz") == ["w"]
