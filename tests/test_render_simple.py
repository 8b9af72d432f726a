"""``clastic_like.render.simple``: render_basic (§2.8), the JSON renderers and JSONP (§2.8.1)."""
from __future__ import annotations

import copy
import dataclasses
import datetime
import decimal
import json
import pickle
import threading
import time
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clastic_like import Application, Response, render_basic, render_json, render_json_dev
from clastic_like.render import BasicRender, ClasticJSONEncoder, JSONPRender, JSONRender, Table, TabularRender


def serve(context, render=render_basic, path='/', **kw):
    """GET ``path`` from an application whose one route returns ``context``."""
    app = Application([('/', lambda: context, render)])
    return app.get_local_client().get(path, **kw)


# -- B1, B6: signature and when render_basic runs -------------------------------------------

def test_basic_render_asks_for_context_request_and_route():
    """B1: render_basic is injected with ``context``, ``request`` and ``_route``."""
    app = Application([('/', lambda: 'x', render_basic)])
    role, info, sources = app.routes[0].chain.arg_sources[-1]
    assert role == 'render' and set(sources) == {'context', 'request', '_route'}


def test_basic_render_not_called_for_response():
    """B6: an endpoint returning a Response skips render_basic entirely."""
    resp = serve(Response('raw', mimetype='text/csv'))
    assert resp.mimetype == 'text/csv' and resp.get_data(as_text=True) == 'raw'


# -- B2, B3: strings and bytes -----------------------------------------------------------------

@pytest.mark.parametrize('context, mimetype', [
    ('hello', 'text/plain'),
    (b'hello', 'text/plain'),
    ('{"a": 1}', 'application/json'),
    ('  [1, 2]\n', 'application/json'),
    (b'{"a": 1}', 'application/json'),
    ('{not closed', 'text/plain'),
    ('[mismatched}', 'text/plain'),
    ('<html><body>hi</body></html>', 'text/html'),
    ('<!DOCTYPE html>\n<html lang="en">', 'text/html'),
    ('<HTML>upper case</HTML>', 'text/plain'),
    ('x' * 200 + '<html>', 'text/plain'),
    ('', 'text/plain'),
])
def test_basic_render_sniffs_strings(context, mimetype):
    """B2/B3: strings are UTF-8 bytes; JSON-looking ones are JSON (B3 fixed), '<html' in 168 bytes is HTML, else text."""
    assert serve(context).mimetype == mimetype


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(max_size=40),
    st.text(alphabet=' \t\n{}[]<>html"a', max_size=20),
    st.builds(lambda pad, tail: pad + '<html' + tail, st.text(alphabet='x', max_size=170), st.text(max_size=5)),
    # Multi-byte characters before "<html" move it further in the bytes than in the str.
    st.builds(lambda pad, tail: pad + '<html' + tail, st.text(alphabet='xé☃', max_size=170), st.text(max_size=5)),
    st.builds(lambda first, rest: first + rest, st.sampled_from([' ', '\x0b', '\x0c', '\xa0', '\u2028', 'é', '']),
              st.sampled_from(['{"a": 1}', '[1]', '{x', ' <html>'])),
))
def test_basic_render_str_shortcut_sniffs_like_bytes(text):
    """For any string, render_basic's str shortcut picks the Content-Type the bytes path sniffs for its UTF-8 form."""
    as_str = render_basic(text, None, None)
    as_bytes = render_basic(text.encode('utf-8'), None, None)
    assert as_str.headers.to_wsgi_list() == as_bytes.headers.to_wsgi_list()
    assert as_str.get_data() == as_bytes.get_data()


def test_basic_render_encodes_text_as_utf8():
    """B2: a str is sent UTF-8 encoded with a charset."""
    resp = serve('héllo ☃')
    assert resp.data == 'héllo ☃'.encode('utf-8')
    assert resp.content_type == 'text/plain; charset=utf-8'


# -- B4: values without a length ----------------------------------------------------------------

@pytest.mark.parametrize('context, body', [
    (42, '42'),
    (1.5, '1.5'),
    (None, 'None'),
    (True, 'True'),
    (datetime.date(2024, 1, 2), '2024-01-02'),
])
def test_basic_render_unsized_is_str_as_text(context, body):
    """B4: a value without a length is ``str(value)`` as text/plain."""
    resp = serve(context)
    assert resp.mimetype == 'text/plain' and resp.get_data(as_text=True) == body


def test_basic_render_generator_is_text():
    """B4: a generator has no length, so it is its ``str()`` as text."""
    resp = serve((i for i in range(3)))
    assert resp.mimetype == 'text/plain' and 'generator' in resp.get_data(as_text=True)


# -- B5: format selection -----------------------------------------------------------------------

@pytest.mark.parametrize('accept, mimetype', [
    (None, 'application/json'),
    ('*/*', 'text/html'),
    ('text/html', 'text/html'),
    ('application/json', 'application/json'),
    ('text/html;q=0.5, application/json', 'application/json'),
    ('application/json, text/html', 'text/html'),
    ('text/*', 'text/html'),
    ('application/*', 'application/json'),
    ('text/plain', 'application/json'),
    ('image/png', 'application/json'),
])
def test_basic_render_negotiates_sized_values(accept, mimetype):
    """B5: dicts and lists follow Accept (ties, e.g. */*, go to HTML); no Accept or no match gives JSON."""
    headers = {'Accept': accept} if accept else {}
    assert serve({'a': 1}, headers=headers).mimetype == mimetype


@pytest.mark.parametrize('fmt, mimetype', [('json', 'application/json'), ('html', 'text/html')])
def test_basic_render_format_query_wins(fmt, mimetype):
    """B5: ``?format=`` overrides the Accept header."""
    resp = serve([1, 2], path='/?format=' + fmt, headers={'Accept': 'text/html' if fmt == 'json' else 'application/json'})
    assert resp.mimetype == mimetype


@pytest.mark.parametrize('fmt', ['xml', 'JSON', '', 'html ', '<script>', 'x' * 5000, '%00', 'json;html'])
def test_basic_render_bad_format_is_400(fmt):
    """B5 (fixed): an unknown ``?format=`` is a 400 naming the accepted values, not a 500."""
    resp = serve({'a': 1}, query_string={'format': fmt})
    assert resp.status_code == 400
    assert "['html', 'json']" in resp.get_data(as_text=True)


def test_basic_render_bad_format_is_not_reflected_unbounded():
    """B5: the 400 body quotes at most a short prefix of the bad value."""
    resp = serve({'a': 1}, query_string={'format': 'y' * 5000})
    assert 'y' * 100 not in resp.get_data(as_text=True)


def test_basic_render_negotiated_response_varies_on_accept():
    """B5: a negotiated response says ``Vary: Accept`` so caches keep the variants apart."""
    assert 'Accept' in serve({'a': 1}).headers.get('Vary', '')


def test_basic_render_json_uses_dev_mode():
    """B5: the JSON branch is ``JSONRender(dev_mode=True)``: unknown objects are repr()-ed, not a 500."""
    class Opaque:
        def __repr__(self):
            return '<opaque>'
    resp = serve({'thing': Opaque()})
    assert resp.status_code == 200 and resp.get_json() == {'thing': '<opaque>'}


def test_basic_render_html_branch_is_a_table():
    """B5/B8: the HTML branch renders the value as a table page."""
    body = serve({'name': 'Ada'}, headers={'Accept': 'text/html'}).get_data(as_text=True)
    assert '<table>' in body and '<th>name</th>' in body and '<td>Ada</td>' in body


def test_basic_render_table_context_is_used_as_is():
    """B8: a boltons Table context is shown as that table."""
    table = Table([['a', 1], ['b', 2]], headers=['key', 'value'])
    body = serve(table, headers={'Accept': 'text/html'}).get_data(as_text=True)
    assert '<th>key</th>' in body and '<td>b</td>' in body


# -- B7: factory and options --------------------------------------------------------------------

def test_basic_render_factory_ignores_its_argument():
    """B7: ``BasicRender.factory()`` is a render factory that ignores the template name and makes a BasicRender."""
    app = Application([('/', lambda: 'hi', 'any-template-name')], render_factory=BasicRender.factory())
    assert isinstance(app.routes[0].render, BasicRender)
    assert app.get_local_client().get('/').get_data(as_text=True) == 'hi'


def test_basic_render_factory_passes_options():
    """B7: the factory's arguments configure each BasicRender it makes."""
    factory = BasicRender.factory(qp_name='fmt')
    assert factory('ignored').qp_name == 'fmt'


def test_basic_render_custom_query_parameter():
    """B5: ``qp_name`` renames the format switch."""
    resp = serve({'a': 1}, render=BasicRender(qp_name='as'), path='/?as=html')
    assert resp.mimetype == 'text/html'


def test_basic_render_custom_tabular_render():
    """B8: ``tabular_render`` replaces the HTML branch."""
    custom = BasicRender(tabular_render=lambda context, _route: Response('custom table', mimetype='text/html'))
    resp = serve({'a': 1}, render=custom, headers={'Accept': 'text/html'})
    assert resp.get_data(as_text=True) == 'custom table'


def test_basic_render_unknown_keyword_is_type_error():
    """§1.5: BasicRender refuses unknown keyword arguments."""
    with pytest.raises(TypeError):
        BasicRender(colour='blue')


def test_basic_render_properties():
    """§1.5: ``formats`` and ``mimetypes`` list what render_basic can produce, HTML first."""
    assert render_basic.formats == ('html', 'json')
    assert render_basic.mimetypes == ('text/html', 'application/json')


# -- J1-J3: JSON ------------------------------------------------------------------------------

def test_json_output_is_compact_sorted_ascii():
    """J1 (changed): render_json is one line, keys sorted, non-ASCII escaped (the C encoder's speed)."""
    body = serve({'b': 1, 'a': 'é'}, render=render_json).get_data(as_text=True)
    assert body == '{"a": "\\u00e9", "b": 1}'


def test_dev_json_output_is_indented_sorted_ascii():
    """J1: render_json_dev is indented by 2, keys sorted, non-ASCII escaped, as Clastic's render_json."""
    body = serve({'b': 1, 'a': 'é'}, render=render_json_dev).get_data(as_text=True)
    assert body == '{\n  "a": "\\u00e9",\n  "b": 1\n}'


def test_json_indent_is_configurable():
    """JSONRender(indent=2) restores Clastic's indented production output."""
    from clastic_like.render import JSONRender

    body = serve({'a': [1]}, render=JSONRender(indent=2)).get_data(as_text=True)
    assert body == '{\n  "a": [\n    1\n  ]\n}'


def test_json_content_type():
    """J1: render_json answers ``application/json``."""
    assert serve({'a': 1}, render=render_json).mimetype == 'application/json'


@dataclasses.dataclass
class Point:
    x: int
    y: int


class WithToDict:
    def to_dict(self):
        return {'kind': 'to_dict'}


class WithAsDict:
    def asdict(self):
        return {'kind': 'asdict'}


@pytest.mark.parametrize('value, expected', [
    (datetime.datetime(2024, 5, 6, 7, 8, 9), '2024-05-06T07:08:09'),
    (datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc), '2024-05-06T07:08:09+00:00'),
    (datetime.date(2024, 5, 6), '2024-05-06'),
    (datetime.time(7, 8), '07:08:00'),
    (uuid.UUID('12345678-1234-5678-1234-567812345678'), '12345678-1234-5678-1234-567812345678'),
    (decimal.Decimal('1.10'), '1.10'),
    (Point(1, 2), {'x': 1, 'y': 2}),
    ({3, 1, 2}, [1, 2, 3]),
    (frozenset(['b', 'a']), ['a', 'b']),
    ((1, 2), [1, 2]),
    (WithToDict(), {'kind': 'to_dict'}),
    (WithAsDict(), {'kind': 'asdict'}),
])
def test_json_extra_types(value, expected):
    """J2: datetimes, dates, UUIDs, Decimals, dataclasses, sets (sorted) and to_dict()/asdict() objects serialise."""
    assert serve({'v': value}, render=render_json).get_json() == {'v': expected}


def test_json_skips_non_string_keys():
    """J2: ``skipkeys``: keys that are not str/int/float/bool/None are dropped."""
    assert serve({('tuple', 'key'): 1, ('other',): 2}, render=render_json).get_json() == {}


def test_json_unknown_type_is_500():
    """J3: render_json cannot serialise an arbitrary object: the uncaught TypeError is a 500."""
    assert serve({'v': object()}, render=render_json).status_code == 500


def test_json_dev_mode_reprs_unknown_types():
    """J3: render_json_dev falls back to ``repr()``."""
    assert serve({'v': object()}, render=render_json_dev).get_json()['v'].startswith('<object object')


def test_json_encoder_unknown_type_message():
    """J3: the encoder's TypeError says what it could not serialise."""
    with pytest.raises(TypeError, match='cannot serialize to JSON'):
        ClasticJSONEncoder().encode(object())


def test_json_streaming_body_is_the_same_json():
    """§1.5: ``JSONRender(streaming=True)`` sends the same JSON, encoded as it goes."""
    resp = serve({'a': [1, 2, 3]}, render=JSONRender(streaming=True))
    assert resp.get_json() == {'a': [1, 2, 3]}


def test_json_render_positional_signature_matches_clastic():
    """§1.5: ``JSONRender(streaming, dev_mode, encoding)`` in Clastic's positional order."""
    render = JSONRender(False, True)
    assert render.streaming is False and render.dev_mode is True


# -- J4: JSONP ------------------------------------------------------------------------------------

def test_jsonp_without_callback_is_json():
    """J4: without ``?callback=`` JSONPRender answers plain JSON."""
    resp = serve({'a': 1}, render=JSONPRender())
    assert resp.mimetype == 'application/json' and resp.get_json() == {'a': 1}


@pytest.mark.parametrize('callback', ['cb', 'ns.cb_1', '$', 'jQuery123_456', 'a.b.c'])
def test_jsonp_wraps_valid_callbacks(callback):
    """J4: a JavaScript identifier path wraps the JSON as ``cb(...);`` in application/javascript."""
    resp = serve({'a': 1}, render=JSONPRender(), query_string={'callback': callback})
    body = resp.get_data(as_text=True)
    assert resp.mimetype == 'application/javascript'
    assert body.startswith(callback + '(') and body.endswith(');')
    assert json.loads(body[len(callback) + 1:-2]) == {'a': 1}


@pytest.mark.parametrize('callback', [
    '', 'alert(1)//', 'a b', '1abc', 'a.', '.a', 'a..b', 'a;b', '<script>', 'a-b', 'x' * 200,
    'a\nb', 'é', 'a[0]', "a'b", '__proto__.constructor("x")',
])
def test_jsonp_rejects_hostile_callbacks(callback):
    """J4 (fixed): anything but an identifier path is a 400, so the parameter cannot inject script."""
    resp = serve({'a': 1}, render=JSONPRender(), query_string={'callback': callback})
    assert resp.status_code == 400


def test_jsonp_custom_parameter_name():
    """J4: ``qp_name`` renames the callback parameter."""
    resp = serve([1], render=JSONPRender(qp_name='jsonp'), query_string={'jsonp': 'f'})
    assert resp.get_data(as_text=True).startswith('f(')


def test_tabular_render_reexported_from_simple():
    """§1.5: TabularRender is importable from ``render.simple`` and ``render`` alike."""
    from clastic_like.render import simple
    assert simple.TabularRender is TabularRender


# -- ClasticJSONEncoder.encode calls the C encoder directly --------------------------------------

_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5),
                      st.decimals(allow_nan=False, places=2), st.frozensets(st.integers(), max_size=3))
_keys = st.one_of(st.text(max_size=3), st.integers(), st.none(), st.booleans(), st.floats(allow_nan=False))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.tuples(inner, inner), st.dictionaries(_keys, inner, max_size=3)), max_leaves=12)


def _outcome(encode, value):
    try:
        return "ok", encode(value)
    except Exception as exc:  # the same error type either way
        return "error", type(exc)


@settings(max_examples=400, deadline=None)
@given(_values, st.sampled_from([dict(indent=None), dict(indent=None, ensure_ascii=False),
                                   dict(indent=None, sort_keys=False), dict(indent=None, skipkeys=False),
                                   dict(indent=None, allow_nan=False), dict(indent=None, check_circular=False),
                                   dict(indent=None, dev_mode=True), dict(indent=2)]))
def test_direct_c_encoding_equals_the_standard_encode(value, options):
    """For random values and encoder options, ClasticJSONEncoder.encode gives JSONEncoder.encode's output or error."""
    encoder = ClasticJSONEncoder(**options)
    assert _outcome(encoder.encode, value) == _outcome(lambda v: json.JSONEncoder.encode(encoder, v), value)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_values, st.just("circular")), min_size=2, max_size=6),
       st.sampled_from([dict(indent=None), dict(indent=None, check_circular=False), dict(indent=None, skipkeys=False)]))
def test_one_encoder_reused_for_many_values_encodes_each_like_the_standard_encode(values, options):
    """One encoder encoding values in turn, errors and circular values among them, answers each as JSONEncoder.encode."""
    encoder = ClasticJSONEncoder(**options)
    for value in values:
        if value == "circular":
            value = [1, {}]
            value[1]["self"] = value
        expected = _outcome(lambda v: json.JSONEncoder.encode(encoder, v), value)
        if expected[1] is RecursionError:  # (check_circular=False: both recurse; compared by type)
            continue
        assert _outcome(encoder.encode, value) == expected


@pytest.mark.parametrize("kw", [{}, {"indent": None}, {"indent": 4, "separators": (",", ":")},
                                {"sort_keys": False, "skipkeys": False, "ensure_ascii": False},
                                {"check_circular": False, "allow_nan": False, "default": repr}])
def test_encoder_settings_are_the_ones_json_encoder_init_sets(kw):
    """ClasticJSONEncoder has exactly the settings JSONEncoder.__init__ gives for the same arguments and its defaults."""
    defaults = {"skipkeys": True, "ensure_ascii": True, "indent": 2, "sort_keys": True}
    settings = {k: v for k, v in vars(ClasticJSONEncoder(dev_mode=True, **kw)).items() if k != "_c_encoders"}
    assert settings == {**vars(json.JSONEncoder(**{**defaults, **kw})), "dev_mode": True}


def test_unknown_encoder_argument_is_a_type_error():
    """An argument JSONEncoder does not take is refused, as JSONEncoder refuses it."""
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        ClasticJSONEncoder(colour="red")


def test_changed_encoder_settings_apply_to_the_next_encode():
    """Setting an attribute after an encode (sort_keys, separators, default) changes the next output."""
    encoder = ClasticJSONEncoder(indent=None)
    assert encoder.encode({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'
    encoder.sort_keys = False
    assert encoder.encode({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'
    encoder.item_separator, encoder.key_separator = ",", ":"
    assert encoder.encode({"b": 1, "a": [1, 2]}) == '{"b":1,"a":[1,2]}'
    encoder.default = lambda o: "custom"
    assert encoder.encode([object()]) == '["custom"]'


def test_indent_set_after_an_encode_switches_the_way_of_encoding():
    """Setting indent on a one-line encoder gives indented output (the standard way), and None gives one line again."""
    encoder = ClasticJSONEncoder(indent=None)
    assert encoder.encode({"a": [1]}) == '{"a": [1]}'
    encoder.indent = 2
    assert encoder.encode({"a": [1]}) == json.JSONEncoder(indent=2, sort_keys=True).encode({"a": [1]})
    encoder.indent = None
    assert encoder.encode({"a": [1]}) == '{"a": [1]}'


@pytest.mark.parametrize("value", ["plain", "é\n\u2028", ""])
def test_top_level_string_encodes_like_the_standard_encode(value):
    """A string on its own (no container) encodes as JSONEncoder.encode encodes it, ASCII or not."""
    for ensure_ascii in (True, False):
        encoder = ClasticJSONEncoder(indent=None, ensure_ascii=ensure_ascii)
        assert encoder.encode(value) == json.JSONEncoder(ensure_ascii=ensure_ascii).encode(value)


def test_default_that_encodes_with_the_same_encoder_nests():
    """A default() that calls the same encoder on a list being encoded gets its own C encoder: no false circular error."""
    inner = [1]
    depth = []

    def default(o):
        if depth:
            return "leaf"
        depth.append(1)
        return encoder.encode(inner)  # inner is on the outer call's path

    encoder = ClasticJSONEncoder(indent=None, default=default)
    assert encoder.encode([]) == "[]"  # (a C encoder is now kept for reuse)
    inner.append(object())
    assert encoder.encode([inner]) == '[[1, "[1, \\"leaf\\"]"]]'


def test_threads_sharing_an_encoder_and_a_value_each_get_the_right_output():
    """Threads encoding one shared list through one encoder, switching inside default(), all get its JSON."""
    class Yielding:
        def to_dict(self):
            time.sleep(0)  # let another thread run while this list is being encoded
            return {"ok": True}

    shared = [Yielding(), Yielding()]
    encoder = ClasticJSONEncoder(indent=None)
    results = []

    def work():
        results.extend(_outcome(encoder.encode, shared) for _ in range(50))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [("ok", '[{"ok": true}, {"ok": true}]')] * 200


@pytest.mark.parametrize("duplicate", [copy.copy, copy.deepcopy, lambda e: pickle.loads(pickle.dumps(e))],
                         ids=["copy", "deepcopy", "pickle"])
def test_used_encoder_copies_and_pickles_and_the_copy_encodes_alike(duplicate):
    """An encoder that has encoded (and keeps a C encoder) copies and pickles; the copy has its own, same output."""
    encoder = ClasticJSONEncoder(indent=None, sort_keys=False)
    assert encoder.encode({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'
    twin = duplicate(encoder)
    assert twin.encode({"b": 1, "a": [2]}) == encoder.encode({"b": 1, "a": [2]}) == '{"b": 1, "a": [2]}'
    assert twin._c_encoders is not encoder._c_encoders


def test_encoder_is_clean_after_a_circular_error():
    """After a circular value fails, the same list, no longer circular, encodes (no stale circular marks)."""
    encoder = ClasticJSONEncoder(indent=None)
    assert encoder.encode([]) == "[]"  # (a C encoder is now kept for reuse)
    value = [1]
    value.append(value)
    with pytest.raises(ValueError):
        encoder.encode(value)
    value.pop()
    assert encoder.encode(value) == "[1]"


def test_direct_c_encoding_refuses_circular_values():
    """A list containing itself is a ValueError, as with the standard encoder."""
    value = [1]
    value.append(value)
    with pytest.raises(ValueError):
        ClasticJSONEncoder(indent=None).encode(value)


def test_subclass_with_its_own_iterencode_is_used():
    """An encoder subclass overriding iterencode gets it called: the direct C path is only for the standard one."""
    class Shouting(ClasticJSONEncoder):
        def iterencode(self, o, _one_shot=False):
            return [chunk.upper() for chunk in super().iterencode(o, _one_shot)]

    assert Shouting(indent=None).encode({"a": "b"}) == '{"A": "B"}'


def test_unknown_decimal_is_a_string():
    """Values handled by default() (a Decimal) encode the same on the direct path."""
    assert ClasticJSONEncoder(indent=None).encode({"d": decimal.Decimal("1.10")}) == '{"d": "1.10"}'
