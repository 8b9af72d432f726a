"""GetParamMiddleware and ScriptRootMiddleware (clastic_like.middleware.url).

Statement ids (GP1, SR1, C13) refer to shared/spec/clastic-reference.md §2.13
and §2.6; strict mode, ``(type, default)`` specs and boolean parsing are
clastic_like additions (see docs/middleware.md).
"""
import inspect

import pytest

from clastic_like import Application, Response, render_basic
from clastic_like.middleware import GetParamMiddleware, ScriptRootMiddleware
from clastic_like.middleware.url import normalize_params


def echo_app(mw, names):
    """An application whose endpoint returns repr() of the named provides."""
    def endpoint(**kw):
        return Response(repr({name: kw[name] for name in names}))

    endpoint.__signature__ = inspect.Signature(
        [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY) for n in names])
    return Application([("/", endpoint)], middlewares=[mw])


def get(app, path, **kw):
    resp = app.get_local_client().get(path, **kw)
    return resp.status_code, resp.get_data(as_text=True)


# -- GP1: lenient (Clastic) behaviour ---------------------------------------------

@pytest.mark.parametrize("query, expected", [
    ("page=3", {"page": 3}),
    ("", {"page": None}),
    ("page=three", {"page": None}),
    ("page=", {"page": None}),
    ("page=1&page=2", {"page": 1}),
])
def test_lenient_missing_or_bad_value_is_none(query, expected):
    """GP1: a missing or unconvertible value is provided as None, never an error."""
    app = echo_app(GetParamMiddleware({"page": int}), ["page"])
    assert get(app, "/?" + query) == (200, repr(expected))


def test_lenient_uses_given_default():
    """A (type, default) spec provides the default when the value is missing or bad."""
    app = echo_app(GetParamMiddleware({"page": (int, 1)}), ["page"])
    assert get(app, "/") == (200, repr({"page": 1}))
    assert get(app, "/?page=x") == (200, repr({"page": 1}))
    assert get(app, "/?page=7") == (200, repr({"page": 7}))


def test_names_without_types_are_strings():
    """GP1: names given without types are provided as the raw strings."""
    app = echo_app(GetParamMiddleware(["a", "b"]), ["a", "b"])
    assert get(app, "/?a=%20x%20") == (200, repr({"a": " x ", "b": None}))


@pytest.mark.parametrize("raw, expected", [
    ("1", True), ("true", True), ("Yes", True), ("on", True),
    ("0", False), ("false", False), ("NO", False), ("off", False),
    ("maybe", None), ("", None),
])
def test_bool_parameters_parse_common_spellings(raw, expected):
    """A bool parameter reads 1/0, true/false, yes/no, on/off; anything else is bad (not bool('false') == True)."""
    app = echo_app(GetParamMiddleware({"flag": bool}), ["flag"])
    assert get(app, "/?flag=" + raw) == (200, repr({"flag": expected}))


# -- strict mode --------------------------------------------------------------------

def test_strict_valid_value_is_converted():
    """With strict=True a valid value is provided converted."""
    app = echo_app(GetParamMiddleware({"page": int}, strict=True), ["page"])
    assert get(app, "/?page=4") == (200, repr({"page": 4}))


def test_strict_missing_parameter_is_400_naming_it():
    """With strict=True a missing parameter without default is a 400 whose detail names it."""
    app = echo_app(GetParamMiddleware({"page": int}, strict=True), ["page"])
    status, body = get(app, "/")
    assert status == 400
    assert "'page'" in body and "required" in body


def test_strict_parameter_with_default_is_not_missing():
    """With strict=True a parameter with a default is optional."""
    app = echo_app(GetParamMiddleware({"page": (int, 1)}, strict=True), ["page"])
    assert get(app, "/") == (200, repr({"page": 1}))


@pytest.mark.parametrize("raw", ["abc", "", "1.5", "9" * 5000, "%00", "1e3", "0x10", "1%0A2", "%FF%FE"])
def test_strict_unconvertible_value_is_400_naming_parameter(raw):
    """With strict=True a value int() refuses is a 400 naming the parameter; never a 500."""
    app = echo_app(GetParamMiddleware({"page": int}, strict=True), ["page"])
    status, body = get(app, "/?page=" + raw)
    assert status == 400
    assert "'page'" in body and "int" in body


def test_strict_unconvertible_value_with_default_is_still_400():
    """A default covers a missing parameter, not a malformed one."""
    app = echo_app(GetParamMiddleware({"page": (int, 1)}, strict=True), ["page"])
    assert get(app, "/?page=x")[0] == 400


def test_strict_reports_every_bad_parameter():
    """The 400 detail names all parameters at fault, not only the first."""
    app = echo_app(GetParamMiddleware({"a": int, "b": float}, strict=True), ["a", "b"])
    status, body = get(app, "/?b=x")
    assert status == 400
    assert "'a'" in body and "'b'" in body


def test_strict_400_does_not_echo_huge_values():
    """A hostile megabyte-long value is cut in the 400 detail."""
    app = echo_app(GetParamMiddleware({"page": int}, strict=True), ["page"])
    status, body = get(app, "/?page=" + "x" * 100_000)
    assert status == 400
    assert len(body) < 1000


def test_strict_400_detail_is_escaped_in_html():
    """The echoed value cannot inject markup into an HTML error page."""
    app = echo_app(GetParamMiddleware({"page": int}, strict=True), ["page"])
    status, body = get(app, "/?page=<script>", headers={"Accept": "text/html"})
    assert status == 400
    assert "<script>" not in body


def test_converter_function_is_accepted():
    """Any one-argument callable can convert a value; its ValueError means a bad value."""
    def even(text):
        value = int(text)
        if value % 2:
            raise ValueError("odd")
        return value

    app = echo_app(GetParamMiddleware({"n": even}, strict=True), ["n"])
    assert get(app, "/?n=4") == (200, repr({"n": 4}))
    assert get(app, "/?n=3")[0] == 400


# -- construction ---------------------------------------------------------------------

@pytest.mark.parametrize("params", [
    None, {"a": None}, {"a": "int"}, {"a": 3}, {"a": (int,)}, {"a": (int, 1, 2)}, {"a": ("int", 1)},
    {"not-an-identifier": int}, {"class": int}, {1: int}, ["ok", 5], 42,
])
def test_bad_spec_is_refused_at_construction(params):
    """C13: a spec with None, non-callable types, bad tuples or non-identifier names raises TypeError."""
    with pytest.raises(TypeError, match="GetParamMiddleware"):
        GetParamMiddleware(params)


@pytest.mark.parametrize("strict", [1, "yes", None])
def test_strict_must_be_bool(strict):
    """strict accepts only True or False."""
    with pytest.raises(TypeError, match="strict"):
        GetParamMiddleware({"a": int}, strict=strict)


def test_normalize_params_returns_name_to_type():
    """normalize_params keeps its shape: {name: converter or None}."""
    assert normalize_params({"a": int, "b": (float, 0.0)}, "x") == {"a": int, "b": float}
    assert normalize_params("q", "x") == {"q": None}


def test_repr_shows_params_and_strictness():
    """The repr names the spec and strict mode, for error messages."""
    assert repr(GetParamMiddleware({"a": int}, strict=True)) == "GetParamMiddleware({'a': <class 'int'>}, strict=True)"


# -- SR1 -----------------------------------------------------------------------------

@pytest.mark.parametrize("script_name, expected", [("", ""), ("/app", "/app"), ("/app/", "/app")])
def test_script_root_middleware_provides_script_root(script_name, expected):
    """SR1: ScriptRootMiddleware provides SCRIPT_NAME without its trailing slash."""
    app = Application([("/", lambda script_root: script_root, render_basic)],
                      middlewares=[ScriptRootMiddleware()])
    resp = app.get_local_client().get("/", environ_overrides={"SCRIPT_NAME": script_name})
    assert resp.get_data(as_text=True) == expected


def test_script_root_middleware_provided_name_is_configurable():
    """SR1: provided_name renames what ScriptRootMiddleware provides."""
    app = Application([("/", lambda root: repr(root), render_basic)],
                      middlewares=[ScriptRootMiddleware(provided_name="root")])
    assert get(app, "/") == (200, "''")
