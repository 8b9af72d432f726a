"""ContextProcessor and SimpleContextProcessor (clastic_like.middleware.context).

Statement ids CP1, CP2, C7, C13 refer to shared/spec/clastic-reference.md.
"""
import pytest

from clastic_like import Application, Middleware, Response, render_basic
from clastic_like.middleware import ContextProcessor, SimpleContextProcessor


class ProvidesName(Middleware):
    provides = ("name",)

    def request(self, next):
        return next(name="Kurt")


def seen_context(mws, endpoint=lambda: {"greeting": "hi"}, resources=None):
    """Serve '/' and return the context the render function received."""
    seen = []

    def render(context):
        seen.append(context)
        return Response("ok")

    app = Application([("/", endpoint, render)], resources=resources, middlewares=mws)
    assert app.get_local_client().get("/").status_code == 200
    return seen[0]


def test_required_value_is_added_to_context():
    """CP1: a required name is injected and added to a dict context."""
    assert seen_context([ProvidesName(), ContextProcessor(["name"])]) == {"greeting": "hi", "name": "Kurt"}


def test_existing_key_is_not_overwritten():
    """CP1: a name already in the context is left alone (name='world' stays)."""
    ctx = seen_context([ProvidesName(), ContextProcessor(["name"])], endpoint=lambda: {"name": "world"})
    assert ctx == {"name": "world"}


def test_overwrite_replaces_existing_key():
    """CP1: overwrite=True replaces a value already in the context."""
    ctx = seen_context([ProvidesName(), ContextProcessor(["name"], overwrite=True)], endpoint=lambda: {"name": "world"})
    assert ctx == {"name": "Kurt"}


def test_default_used_when_nothing_provides_the_name():
    """CP1: a default name nothing provides is added with its default (language='en')."""
    assert seen_context([ContextProcessor(defaults={"language": "en"})])["language"] == "en"


def test_provided_value_beats_default():
    """CP1/D1: a default name that something provides gets the provided value."""
    ctx = seen_context([ContextProcessor(defaults={"language": "en"})], resources={"language": "fr"})
    assert ctx["language"] == "fr"


def test_non_mapping_context_passes_through():
    """CP1: a context that is not a mapping (a string) is rendered untouched."""
    assert seen_context([ContextProcessor(defaults={"x": 1})], endpoint=lambda: "plain") == "plain"


def test_response_returning_endpoint_skips_processor():
    """MW5: the render hook is skipped when the endpoint returns a Response."""
    app = Application([("/", lambda: Response("direct"))], middlewares=[ContextProcessor(defaults={"x": 1})])
    assert app.get_local_client().get("/").get_data(as_text=True) == "direct"


def test_missing_required_name_fails_construction():
    """CP1: a required name nothing provides is a NameError when the application is built."""
    with pytest.raises(NameError, match="'user'"):
        Application([("/", lambda: {}, render_basic)], middlewares=[ContextProcessor(["user"])])


def test_simple_context_processor_defaults_names_to_none():
    """CP2: SimpleContextProcessor('a', b=1) has defaults {'a': None, 'b': 1}."""
    assert SimpleContextProcessor("a", b=1).defaults == {"a": None, "b": 1}


def test_simple_context_processor_fills_context():
    """CP2: SimpleContextProcessor adds its names, provided or defaulted."""
    ctx = seen_context([ProvidesName(), SimpleContextProcessor("name", "missing", lang="en")], endpoint=lambda: {})
    assert ctx == {"name": "Kurt", "missing": None, "lang": "en"}


@pytest.mark.parametrize("required, defaults", [
    (["next"], None), (["context"], None), (["self"], None), (None, {"next": 1}), (None, {"context": 1}),
])
def test_reserved_names_are_refused(required, defaults):
    """C7: the reserved names self, next and context raise NameError."""
    with pytest.raises(NameError, match="reserved"):
        ContextProcessor(required, defaults)


def test_name_both_required_and_defaulted_is_refused():
    """C7: a name both required and defaulted raises NameError."""
    with pytest.raises(NameError, match="ambiguous"):
        ContextProcessor(["a"], {"a": 1})


@pytest.mark.parametrize("required, defaults", [
    ([1], None), (None, {2: "x"}), (None, ["a"]), (None, "a"), ("user", None), (["not valid"], None),
    (["class"], None), ([b"bytes"], None),
])
def test_bad_names_or_defaults_raise_type_error(required, defaults):
    """C13: non-string or non-identifier names, and non-mapping defaults, raise TypeError."""
    with pytest.raises(TypeError, match="ContextProcessor"):
        ContextProcessor(required, defaults)


def test_overwrite_must_be_bool():
    """overwrite accepts only True or False."""
    with pytest.raises(TypeError, match="overwrite"):
        ContextProcessor(overwrite="yes")


def test_repr_lists_configuration():
    """The repr shows required, defaults and overwrite."""
    assert repr(ContextProcessor(["a"], {"b": 1}, overwrite=True)) == \
        "ContextProcessor(required=['a'], defaults={'b': 1}, overwrite=True)"
