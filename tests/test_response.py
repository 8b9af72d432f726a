"""clastic_like._response: make_response's Responses and their ResponseHeaders."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import Headers as _WerkzeugHeaders

from clastic_like._response import ResponseHeaders, make_response


# -- ResponseHeaders: headers[key] = value in one call ------------------------------------------


_header_names = st.sampled_from(["X-A", "x-a", "X-B", "Content-Type", "content-type", "X-\u00e9",
                                 "X-\u0130", "x-i\u0307", "X-\u03a3", "x-\u03c3"])  # (U+0130 lowers to two characters)
_header_values = st.one_of(st.text(alphabet="ab \r\n\t\x00\u00e9", max_size=4), st.integers(), st.none(),
                           st.builds(type("Sub", (str,), {}), st.text(alphabet="ab", max_size=2)))


def _setitem_outcome(cls, items, key, value):
    headers = cls(items)
    try:
        headers[key] = value
    except Exception as exc:
        return "error", type(exc), str(exc), headers._list
    return "ok", headers._list


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_header_names, st.text(alphabet="ab", max_size=2)), max_size=5),
       st.one_of(_header_names, st.integers(min_value=-3, max_value=3)), _header_values)
def test_response_headers_setitem_equals_werkzeug(items, key, value):
    """For random header lists, keys (names or indexes) and values, ResponseHeaders[key] = value does what Headers does."""
    if isinstance(key, int):
        value = ("X-I", value)  # index assignment takes a (name, value) pair
    assert _setitem_outcome(ResponseHeaders, items, key, value) == _setitem_outcome(_WerkzeugHeaders, items, key, value)


def test_rendered_responses_carry_response_headers():
    """A Response made by make_response has ResponseHeaders, which are Werkzeug Headers."""
    headers = make_response(b"x", "text/plain").headers
    assert type(headers) is ResponseHeaders and isinstance(headers, _WerkzeugHeaders)


# -- ResponseHeaders._plain: whether Werkzeug would send the list as it is ---------------------

_plain_names = st.sampled_from(["X-A", "Location", "LOCATION", "location", "Content-Location", "content-LOCATION",
                                "Content-Length", "content-length", "Content-Type", "X-Location", ""])
_plain_ops = st.lists(st.one_of(
    st.tuples(st.sampled_from(["setitem", "add", "set", "setdefault", "add_header", "setlist", "setlistdefault"]),
              _plain_names, st.sampled_from(["1", "/é", "a\nb"])),
    st.tuples(st.just("setitem_index"), st.integers(min_value=-3, max_value=3), _plain_names),
    st.tuples(st.sampled_from(["delitem", "remove", "pop"]), _plain_names, st.none()),
    st.tuples(st.sampled_from(["popitem", "clear", "pop_last"]), st.none(), st.none()),
    st.tuples(st.sampled_from(["extend", "update", "ior"]), _plain_names, st.sampled_from(["2", "/x"])),
), max_size=5)


def _apply_header_op(headers, op, name, value):
    if op == "setitem":
        headers[name] = value
    elif op == "setitem_index":
        headers[name] = (value, "v")
    elif op in ("add", "set", "setdefault", "add_header"):
        getattr(headers, op)(name, value)
    elif op in ("setlist", "setlistdefault"):
        getattr(headers, op)(name, [value])
    elif op == "delitem":
        del headers[name]
    elif op in ("remove", "pop"):
        getattr(headers, op)(name)
    elif op == "pop_last":
        headers.pop()
    elif op in ("popitem", "clear"):
        getattr(headers, op)()
    elif op == "extend":
        headers.extend([(name, value)])
    elif op == "update":
        headers.update({name: value})
    elif op == "ior":
        headers |= {name: value}


def _sent_unchanged(items):
    """What _plain claims: a Content-Length, and no name Werkzeug rewrites."""
    names = [key.lower() for key, _ in items]
    return "content-length" in names and not {"location", "content-location"} & set(names)


@settings(max_examples=500, deadline=None)
@given(_plain_ops)
def test_plain_response_headers_hold_a_length_and_nothing_werkzeug_rewrites(ops):
    """For random changes by any Headers method, a make_response Response's headers are marked plain only while
    they hold a Content-Length and no Location or Content-Location, and change exactly as Werkzeug's Headers do."""
    ours = make_response(b"x", "text/plain").headers
    theirs = _WerkzeugHeaders(list(ours))
    assert ours._plain
    for op, name, value in ops:
        outcomes = []
        for headers in (ours, theirs):
            try:
                _apply_header_op(headers, op, name, value)
                outcomes.append(None)
            except Exception as exc:  # noqa: BLE001 - compared, not hidden
                outcomes.append(type(exc))
        assert outcomes[0] == outcomes[1] and ours._list == theirs._list
        assert not ours._plain or _sent_unchanged(ours._list)


def test_response_headers_made_directly_are_not_plain():
    """A ResponseHeaders built from a list (not by make_response) is not marked plain, whatever it holds."""
    assert not ResponseHeaders([("Content-Length", "1")])._plain
    assert not make_response(b"x", "text/plain").headers.copy()._plain


def test_plain_survives_the_usual_middleware_header():
    """Setting or adding a header Werkzeug does not rewrite keeps the headers plain (the dispatcher's fast send)."""
    headers = make_response(b"x", "text/plain").headers
    headers["X-Bench"] = "1"
    headers.add("Set-Cookie", "a=b", path="/")
    headers["Content-Length"] = "1"
    assert headers._plain
