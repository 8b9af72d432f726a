"""clastic_like._wrappers: the Request's direct form parsing and its helpers.

Whole-request equivalence with Werkzeug (every read, assignment and deletion
of form, files and stream) is property-tested in
``tests/test_dispatch_fastpaths.py``; these tests pin the pieces.
"""
from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.test import EnvironBuilder, run_wsgi_app
from werkzeug.utils import cached_property
from werkzeug.wrappers import Request as WerkzeugRequest

from clastic_like import POST, Application, Request, render_basic
from clastic_like import _wrappers

FORM = "application/x-www-form-urlencoded"


def form_environ(body, content_type=FORM, length=None):
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "SERVER_NAME": "x", "SERVER_PORT": "80",
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(len(body)) if length is None else length}


def form_request(body, content_type=FORM, length=None, cls=Request):
    return cls(form_environ(body, content_type, length))


def _parse_outcome(cls, environ):
    """What parsing the form of ``cls(environ)`` gives: its items or error, and how far the body was read."""
    request = cls(environ)
    try:
        form = list(request.form.items(multi=True))
    except Exception as exc:  # noqa: BLE001 - the outcome being compared
        form = type(exc).__name__
    return form, environ["wsgi.input"].tell()


@given(st.one_of(st.none(), st.text(alphabet="0123456789 \t-+_x\u0663", max_size=8)),
       st.sampled_from([None, "chunked", "gzip, chunked", "identity", ""]))
def test_content_length_header_is_read_like_werkzeug(length, transfer_encoding):
    """For any Content-Length and Transfer-Encoding, the direct parse reads the body Werkzeug's parser reads."""
    outcomes = []
    for cls in (Request, WerkzeugRequest):
        environ = form_environ(b"a=1&b=2&c=3")
        del environ["CONTENT_LENGTH"]
        if length is not None:
            environ["CONTENT_LENGTH"] = length
        if transfer_encoding is not None:
            environ["HTTP_TRANSFER_ENCODING"] = transfer_encoding
        outcomes.append(_parse_outcome(cls, environ))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("length", ["9" * 5000, "9" * 19, "0" * 30 + "11", "٣"])
def test_unusual_content_length_is_werkzeugs_to_read(length):
    """Content-Lengths past int()'s digit limit, huge, zero-padded or non-ASCII parse as Werkzeug parses them."""
    outcomes = [_parse_outcome(cls, form_environ(b"a=1&b=2&c=3", length=length))
                for cls in (Request, WerkzeugRequest)]
    assert outcomes[0] == outcomes[1]


@given(st.text(alphabet="ab=&;+%2Fé ", max_size=30))
def test_urlencoded_form_equals_immutable_multidict_of_pairs(text):
    """urlencoded_form(text) equals ParameterDict(parse_urlencoded(text)) in type, items and storage."""
    fast, slow = _wrappers.urlencoded_form(text), _wrappers.ParameterDict(_wrappers.parse_urlencoded(text))
    assert type(fast) is _wrappers.ParameterDict
    assert list(fast.items(multi=True)) == list(slow.items(multi=True))
    assert list(dict.items(fast)) == list(dict.items(slow)) and vars(fast) == vars(slow)


def test_fast_multidict_is_enabled_on_installed_werkzeug():
    """The import-time probe accepts the installed Werkzeug, so the fast form storage is what runs."""
    assert _wrappers._FAST_MULTIDICT


def test_cached_form_is_a_plain_instance_attribute():
    """Request.form is a non-data descriptor: once parsed, reading it is an instance __dict__ read."""
    descriptor = vars(Request)["form"]
    assert not hasattr(descriptor, "__set__") and not hasattr(descriptor, "__delete__")
    request = form_request(b"a=1")
    assert request.form is vars(request)["form"] and request.form["a"] == "1"


def test_direct_form_parse_leaves_files_and_stream_unbuilt():
    """A urlencoded parse stores only the form; files and stream are made on first read, equal to Werkzeug's."""
    request = form_request(b"a=1&b=2")
    theirs = form_request(b"a=1&b=2", cls=WerkzeugRequest)
    assert request.form == theirs.form
    assert "files" not in vars(request) and "stream" not in vars(request)
    assert type(request.files) is _wrappers.ParameterDict and not request.files
    assert request.stream.is_exhausted and request.stream.read() == theirs.stream.read() == b""


def test_close_closes_uploaded_files():
    """Request.close still closes the files of a multipart upload."""
    environ = EnvironBuilder(method="POST", data={"f": (io.BytesIO(b"data"), "f.txt")}).get_environ()
    request = Request(environ)
    upload = request.files["f"]
    request.close()
    assert upload.stream.closed


def test_close_without_files_does_nothing():
    """Request.close on a request with no uploaded files (parsed or not) does nothing and does not parse."""
    request = form_request(b"a=1")
    request.close()
    assert "form" not in vars(request)
    request.form
    request.close()
    assert "files" not in vars(request)


def test_deleting_an_unread_form_is_an_attribute_error():
    """del request.form before it is read raises AttributeError (Werkzeug's cached_property: KeyError)."""
    request = form_request(b"a=1")
    try:
        del request.form
    except AttributeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("deleting an unread form succeeded")


def test_deleting_a_deferred_stream_discards_it_like_werkzeug():
    """After a direct parse, del request.stream succeeds once, then a new stream is Werkzeug's fresh one."""
    ours, theirs = form_request(b"a=1"), form_request(b"a=1", cls=WerkzeugRequest)
    for request in (ours, theirs):
        request.form
        del request.stream
    assert (ours.stream.limit, ours.stream._pos) == (theirs.stream.limit, theirs.stream._pos) == (3, 0)


def test_deleting_deferred_files_twice_is_a_key_error_like_werkzeug():
    """After a direct parse, del request.files succeeds once; a second del is Werkzeug's KeyError."""
    for cls in (Request, WerkzeugRequest):
        request = form_request(b"a=1", cls=cls)
        request.form
        del request.files
        try:
            del request.files
        except KeyError:
            pass
        else:  # pragma: no cover
            raise AssertionError(f"{cls} deleted files twice")


def test_subclass_overriding_stream_parses_through_werkzeug():
    """A subclass that overrides a member of the form machinery (here stream) gets Werkzeug's parsing."""
    class OwnStream(Request):
        @cached_property
        def stream(self):
            return io.BytesIO(b"a=own")

    class Plain(Request):
        pass

    assert Plain._direct_form and not OwnStream._direct_form
    assert form_request(b"a=body", length="5", cls=OwnStream).form["a"] == "own"


def test_urlencoded_post_through_an_application():
    """An endpoint reading request.form gets the posted fields; a truncated body is a 400, not a 500."""
    def echo(request):
        return request.form.get("name", "") + "|" + repr(request.get_data())

    app = Application([POST("/", echo, render_basic)])
    resp = app.get_local_client().post("/", data=b"name=bob&age=42", content_type=FORM)
    assert (resp.status_code, resp.get_data(as_text=True)) == (200, "bob|b''")
    short = EnvironBuilder(method="POST", data=b"name=bob", content_type=FORM).get_environ()
    short["CONTENT_LENGTH"] = "20"
    assert run_wsgi_app(app, short)[1].startswith("400 ")


def test_oversize_urlencoded_post_is_413():
    """A urlencoded body over the request type's max_content_length answers 413."""
    class Small(Request):
        max_content_length = 4

    class App(Application):
        request_type = Small

    def echo(request):
        return request.form.get("name", "")

    client = App([POST("/", echo, render_basic)]).get_local_client()
    assert client.post("/", data=b"name=bob", content_type=FORM).status_code == 413


def _lookup(mapping, how, key, default, convert):
    try:
        if how == "get":
            return "value", mapping.get(key, default, convert)
        return "value", mapping[key]
    except Exception as exc:  # noqa: BLE001 - the outcome being compared
        return type(exc).__name__, getattr(exc, "args", ())


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "", "1"]), st.sampled_from(["x", "", "7", "-2"])), max_size=5),
       st.sampled_from(["get", "[]"]),
       st.sampled_from(["a", "b", "", "1", "missing", 1]),
       st.sampled_from([None, "d", 0]),
       st.sampled_from([None, int, str.upper, lambda value: [][0]]))
def test_parameter_dict_lookups_equal_werkzeugs(pairs, how, key, default, convert):
    """ParameterDict's get and [] answer (or fail) exactly as Werkzeug's ImmutableMultiDict does."""
    ours, theirs = _wrappers.ParameterDict(pairs), ImmutableMultiDict(pairs)
    assert _lookup(ours, how, key, default, convert) == _lookup(theirs, how, key, default, convert)


@pytest.mark.parametrize("how", ["get", "[]"])
def test_parameter_dict_unhashable_key_is_type_error(how):
    """An unhashable key fails with TypeError, as in Werkzeug's MultiDict."""
    ours, theirs = _wrappers.ParameterDict([("a", "1")]), ImmutableMultiDict([("a", "1")])
    assert _lookup(ours, how, [], None, None)[0] == _lookup(theirs, how, [], None, None)[0] == "TypeError"


def test_request_parameters_are_parameter_dicts():
    """args, form and files of a Request are ParameterDicts: ImmutableMultiDicts, pickled and copied as such."""
    import pickle

    request = form_request(b"a=1&a=2")
    request.environ["QUERY_STRING"] = "q=1"
    for value in (request.args, request.form, request.files):
        assert type(value) is _wrappers.ParameterDict and isinstance(value, ImmutableMultiDict)
    assert pickle.loads(pickle.dumps(request.form)) == request.form
    assert request.form.getlist("a") == ["1", "2"] and request.form.copy() == request.form


class _FailingInput(io.BytesIO):
    """A wsgi.input whose reads fail with ``error``."""

    def __init__(self, error):
        super().__init__(b"a=1")
        self.error = error

    def read(self, size=-1):
        raise self.error

    readinto = read1 = readline = read


@pytest.mark.parametrize("terminated", [False, True])
@pytest.mark.parametrize("error", [ValueError("bad read"), OSError("reset")])
def test_failing_body_read_is_parsed_like_werkzeug(terminated, error):
    """A body whose read fails gives Werkzeug's outcome (an empty form, or the error), with or without
    wsgi.input_terminated."""
    outcomes = []
    for cls in (Request, WerkzeugRequest):
        environ = dict(form_environ(b"a=1"), **{"wsgi.input": _FailingInput(error)})
        environ.pop("werkzeug.request", None)
        if terminated:
            environ["wsgi.input_terminated"] = True
        request = cls(environ)
        try:
            outcome = list(request.form.items(multi=True))
        except Exception as exc:  # noqa: BLE001 - the outcome being compared
            outcome = type(exc).__name__
        outcomes.append((outcome, request.stream is environ["wsgi.input"]))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("length, chunked", [("", False), ("x", False), ("3", True)])
def test_terminated_input_without_plain_length_is_read_directly_to_its_end(length, chunked):
    """Behind a server that ends the body (gunicorn), without a plain Content-Length (none, not a number, or
    chunked) the urlencoded form is parsed directly from wsgi.input read to its end, and request.stream is
    that input, as with Werkzeug."""
    environ = form_environ(b"a=1&b=2", length=length)
    environ["wsgi.input_terminated"] = True
    if chunked:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    request = Request(environ)
    assert request.form.to_dict() == {"a": "1", "b": "2"} and request.stream is environ["wsgi.input"]
    assert type(request.form) is _wrappers.ParameterDict
