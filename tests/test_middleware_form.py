"""PostDataMiddleware (clastic_like.middleware.form).

PD1 refers to shared/spec/clastic-reference.md §2.13; strict mode and the 413
for bodies Werkzeug refuses are clastic_like additions.
"""
import pytest

from clastic_like import POST, Application, render_basic
from clastic_like.middleware import PostDataMiddleware


def make_app(spec, strict=False):
    def endpoint(name, age):
        return repr({"name": name, "age": age})

    return Application([POST("/", endpoint, render_basic)],
                       middlewares=[PostDataMiddleware(spec, strict=strict)])


def post(app, **kw):
    resp = app.get_local_client().post("/", **kw)
    return resp.status_code, resp.get_data(as_text=True)


@pytest.mark.parametrize("data, expected", [
    ({"name": "Ada", "age": "36"}, {"name": "Ada", "age": 36}),
    ({"name": "Ada"}, {"name": "Ada", "age": None}),
    ({"name": "Ada", "age": "old"}, {"name": "Ada", "age": None}),
    ({}, {"name": None, "age": None}),
])
def test_lenient_form_fields_are_converted_or_none(data, expected):
    """PD1: form fields are provided converted; missing or unconvertible ones are None."""
    assert post(make_app({"name": str, "age": int}), data=data) == (200, repr(expected))


def test_multipart_forms_are_read_too():
    """PD1: multipart/form-data bodies are read like urlencoded ones."""
    app = make_app({"name": str, "age": int})
    assert post(app, data={"name": "Ada", "age": "36"}, content_type="multipart/form-data") == \
        (200, repr({"name": "Ada", "age": 36}))


def test_strict_missing_field_is_400_naming_it():
    """With strict=True a missing form field without default is a 400 naming the field."""
    status, body = post(make_app({"name": str, "age": int}, strict=True), data={"name": "Ada"})
    assert status == 400
    assert "Form field 'age'" in body


def test_strict_field_with_default_is_optional():
    """With strict=True a (type, default) field may be absent."""
    app = make_app({"name": str, "age": (int, 0)}, strict=True)
    assert post(app, data={"name": "Ada"}) == (200, repr({"name": "Ada", "age": 0}))


@pytest.mark.parametrize("body, content_type", [
    (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
    (b"--nope\r\nbroken", "multipart/form-data; boundary=nope"),
    (b"not a form at all", "multipart/form-data"),
    (b"name=Ada&age=36", "application/json"),
    (b"%%%%=%%%%", "application/x-www-form-urlencoded"),
])
def test_malformed_bodies_give_none_not_500(body, content_type):
    """A malformed or foreign body is no form: lenient mode provides None (never a 500)."""
    status, text = post(make_app({"name": str, "age": int}), data=body, content_type=content_type)
    assert status == 200
    assert "'age': None" in text


def test_too_many_form_parts_is_413_not_500():
    """A multipart body over Werkzeug's part limit answers 413 instead of escaping as a 500."""
    data = {f"f{i}": "x" for i in range(1200)}
    status, _ = post(make_app({"name": str, "age": int}), data=data, content_type="multipart/form-data")
    assert status == 413


@pytest.mark.parametrize("strict", [1, "yes"])
def test_strict_must_be_bool(strict):
    """strict accepts only True or False."""
    with pytest.raises(TypeError, match="PostDataMiddleware strict"):
        PostDataMiddleware({"a": int}, strict=strict)


@pytest.mark.parametrize("params", [None, {"a": None}, {"a": "int"}])
def test_bad_spec_is_refused_at_construction(params):
    """C13: PostDataMiddleware with None or a non-type mapping value raises TypeError."""
    with pytest.raises(TypeError, match="PostDataMiddleware"):
        PostDataMiddleware(params)
