"""HTTP errors, their serialisations, negotiation and the error handlers (``clastic_like.errors``).

Statement ids (E1-E12, F5-F7, C6) refer to /work/shared/spec/clastic-reference.md.
"""
from __future__ import annotations

import datetime
import html
import json
import logging
import os
import re
import xml.etree.ElementTree as ET

import pytest

import clastic_like.errors as errors
from clastic_like import Application, Middleware, Response, Route, render_basic
from clastic_like.errors import (
    ERROR_CODE_MAP,
    BadRequest,
    ContextualErrorHandler,
    ContextualInternalServerError,
    ContextualNotFound,
    ErrorHandler,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    ProxyAuthenticationRequired,
    REPLErrorHandler,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
)

FORMATS = {
    'text/plain': 'text/plain; charset=utf-8',
    'text/html': 'text/html; charset=utf-8',
    'application/json': 'application/json',
    'application/xml': 'application/xml; charset=utf-8',
}
THIS_FILE = os.path.basename(__file__)
SECRET = 'secret-token-123'

# Clastic's table (E7), plus the statuses clastic_like adds.
E7_TABLE = [
    (400, 'BadRequest', 'Bad Request'),
    (401, 'Unauthorized', 'Authentication required'),
    (402, 'PaymentRequired', 'Payment required'),
    (403, 'Forbidden', 'Access forbidden'),
    (404, 'NotFound', 'Not found'),
    (405, 'MethodNotAllowed', 'Method not allowed'),
    (406, 'NotAcceptable', 'Available content not acceptable'),
    (407, 'ProxyAuthenticationRequired', 'Proxy authentication required'),
    (408, 'RequestTimeout', 'Request timed out'),
    (409, 'Conflict', 'A conflict occurred'),
    (410, 'Gone', 'Gone'),
    (411, 'LengthRequired', 'Length required'),
    (412, 'PreconditionFailed', 'Precondition failed'),
    (413, 'RequestEntityTooLarge', 'Request entity too large'),
    (414, 'RequestURITooLong', 'Request URL too long'),
    (415, 'UnsupportedMediaType', 'Unsupported media type'),
    (416, 'RequestedRangeNotSatisfiable', 'Requested range not satisfiable'),
    (417, 'ExpectationFailed', 'Expectation failed'),
    (418, 'ImATeapot', "I'm a teapot: short, stout."),
    (422, 'UnprocessableEntity', 'Unprocessable entity'),
    (426, 'UpgradeRequired', 'Upgrade required'),
    (428, 'PreconditionRequired', 'Precondition required'),
    (429, 'TooManyRequests', 'Too many requests'),
    (431, 'RequestHeaderFieldsTooLarge', 'Request header fields too large'),
    (451, 'UnavailableForLegalReasons', 'Unavailable for legal reasons'),
    (500, 'InternalServerError', 'Internal server error'),
    (501, 'NotImplemented', 'Response behavior not implemented'),
    (502, 'BadGateway', 'Bad gateway'),
    (503, 'ServiceUnavailable', 'Service or resource unavailable'),
    (504, 'GatewayTimeout', 'Gateway timeout'),
    (505, 'HTTPVersionNotSupported', 'HTTP version not supported'),
]
ADDED_TABLE = [
    (421, 'MisdirectedRequest'), (423, 'Locked'), (424, 'FailedDependency'), (425, 'TooEarly'),
    (506, 'VariantAlsoNegotiates'), (507, 'InsufficientStorage'), (508, 'LoopDetected'),
    (510, 'NotExtended'), (511, 'NetworkAuthenticationRequired'),
]
ALL_CLASSES = sorted(ERROR_CODE_MAP.values(), key=lambda cls: cls.code)


# -- helpers -----------------------------------------------------------------------------------

def get(app, path='/', accept=None, **kw):
    headers = kw.pop('headers', {})
    if accept:
        headers['Accept'] = accept
    return app.get_local_client().get(path, headers=headers, **kw)


def text(resp):
    return resp.get_data(as_text=True)


def parse_body(resp):
    """Parse a body in the format its Content-Type says; fails the test if it does not parse."""
    mimetype = resp.mimetype
    if mimetype == 'application/json':
        return json.loads(text(resp))
    if mimetype == 'application/xml':
        return ET.fromstring(resp.get_data())
    return text(resp)


def boom():
    raise RuntimeError(SECRET)


def leaks(body):
    """What of the uncaught exception a body shows: its type, its message or a source path."""
    return [s for s in ('RuntimeError', SECRET, THIS_FILE, '.py', 'Traceback') if s in body]


# -- E7: the status table ---------------------------------------------------------------------

@pytest.mark.parametrize('code, name, message', E7_TABLE)
def test_clastic_status_classes(code, name, message):
    """E7: each of Clastic's classes exists with its code and message, and is the map's entry for its code."""
    cls = getattr(errors, name)
    assert (cls.code, cls.message, ERROR_CODE_MAP[code]) == (code, message, cls)


@pytest.mark.parametrize('code, name', ADDED_TABLE)
def test_added_status_classes(code, name):
    """421, 423-425 and 506-511 exist too, with a message and a default detail."""
    cls = getattr(errors, name)
    assert cls.code == code and ERROR_CODE_MAP[code] is cls and cls.message and cls.detail


@pytest.mark.parametrize('cls', ALL_CLASSES, ids=lambda c: c.__name__)
def test_status_family(cls):
    """E7: 4xx classes derive from BadRequest and 5xx classes from InternalServerError."""
    base = BadRequest if cls.code < 500 else InternalServerError
    assert issubclass(cls, base) and issubclass(cls, HTTPException)


@pytest.mark.parametrize('cls', ALL_CLASSES, ids=lambda c: c.__name__)
def test_every_class_is_exported(cls):
    """Every status class is in ``errors.__all__`` (E8 fixed)."""
    assert cls.__name__ in errors.__all__


def test_all_names_exist():
    """Every name in ``errors.__all__`` is defined in the module."""
    assert [name for name in errors.__all__ if not hasattr(errors, name)] == []


def test_error_code_map_is_read_only():
    """ERROR_CODE_MAP cannot be changed at run time (no mutable module-level registry)."""
    with pytest.raises(TypeError):
        ERROR_CODE_MAP[499] = BadRequest


# -- every class x every format x debug on/off -------------------------------------------------

@pytest.mark.parametrize('debug', [False, True], ids=['production', 'debug'])
@pytest.mark.parametrize('accept', sorted(FORMATS))
@pytest.mark.parametrize('cls', ALL_CLASSES, ids=lambda c: c.__name__)
def test_raised_error_in_every_format(cls, accept, debug):
    """Each status class, raised while handling an internal exception, answers its code in the negotiated
    format with its message; a production body shows nothing of the internal exception or the source."""
    def endpoint():
        try:
            raise RuntimeError(SECRET)
        except RuntimeError:
            raise cls()
    resp = get(Application([('/', endpoint)], debug=debug), accept=accept)
    body = text(resp)
    parse_body(resp)
    assert (resp.status_code, resp.content_type) == (cls.code, FORMATS[accept])
    assert cls.message in (html.unescape(body) if resp.mimetype == 'text/html' else body)
    if not debug:
        assert leaks(body) == []


@pytest.mark.parametrize('cls', ALL_CLASSES, ids=lambda c: c.__name__)
def test_returned_error_is_the_response(cls):
    """An error returned (not raised) by an endpoint is the response, with its status."""
    resp = get(Application([('/', lambda: cls())]))
    assert resp.status_code == cls.code and cls.message in text(resp)


@pytest.mark.parametrize('cls', ALL_CLASSES, ids=lambda c: c.__name__)
def test_to_dict_has_the_common_keys(cls):
    """E3: ``to_dict()`` carries code, message, detail and error_type for every class."""
    d = cls().to_dict()
    assert (d['code'], d['message'], d['detail'], d['error_type']) == (cls.code, cls.message, cls.detail, None)


# -- the uncaught exception: never leaked in production -------------------------------------------

@pytest.mark.parametrize('accept', sorted(FORMATS))
def test_production_500_leaks_nothing(accept):
    """E9 (fixed): a production 500 shows neither the exception's type, message nor a source path."""
    resp = get(Application([('/', boom)]), accept=accept)
    assert resp.status_code == 500 and leaks(text(resp)) == []


@pytest.mark.parametrize('accept', sorted(FORMATS))
def test_production_500_shows_code_message_and_request_id(accept):
    """A production 500 tells the client the code, the message and a request id."""
    body = text(get(Application([('/', boom)]), accept=accept))
    assert '500' in body and 'Internal server error' in body and re.search(r'[0-9a-f]{24}', body)


@pytest.mark.parametrize('accept', sorted(FORMATS))
def test_production_error_raised_from_exception_hides_the_cause(accept):
    """An HTTP error raised ``from`` an internal exception shows nothing of that exception in production."""
    def endpoint():
        try:
            raise ConnectionError('db at 10.0.0.3 refused')
        except ConnectionError as exc:
            raise ServiceUnavailable() from exc
    body = text(get(Application([('/', endpoint)]), accept=accept))
    assert [s for s in ('ConnectionError', '10.0.0.3', '.py') if s in body] == []


@pytest.mark.parametrize('accept', sorted(FORMATS))
def test_debug_500_shows_type_and_message(accept):
    """E10/E12: with debug=True the 500 body shows the exception type and message in every format."""
    body = text(get(Application([('/', boom)], debug=True), accept=accept))
    assert 'RuntimeError' in body and SECRET in body


def test_production_500_logs_traceback_with_the_same_request_id(caplog):
    """The traceback goes to the 'clastic_like' logger, with the request id the body shows."""
    with caplog.at_level(logging.ERROR, logger='clastic_like'):
        body = json.loads(text(get(Application([('/', boom)]), accept='application/json')))
    [record] = [r for r in caplog.records if r.name == 'clastic_like']
    assert body['request_id'] in record.getMessage() and record.request_id == body['request_id']
    assert isinstance(record.exc_info[1], RuntimeError)


def test_request_id_is_the_request_guid():
    """The id a client quotes is the request's ``request_guid``, so other logs can be correlated."""
    seen = []

    def endpoint(request):
        seen.append(request.request_guid)
        raise RuntimeError('x')
    body = json.loads(text(get(Application([('/', endpoint)]), accept='application/json')))
    assert body['request_id'] == seen[0]


def test_debug_handler_logs_too(caplog):
    """The debug handler logs uncaught exceptions on the 'clastic_like' logger as well."""
    with caplog.at_level(logging.ERROR, logger='clastic_like'):
        get(Application([('/', boom)], debug=True))
    assert [r.exc_info[1].args for r in caplog.records if r.name == 'clastic_like'] == [(SECRET,)]


@pytest.mark.parametrize('handler', [ErrorHandler(reraise_uncaught=True),
                                     ContextualErrorHandler(reraise_uncaught=True)], ids=repr)
def test_reraise_uncaught_hands_the_exception_to_the_server(handler):
    """F5/E10 (fixed for the debug handler): ``reraise_uncaught`` lets the exception out of the WSGI call."""
    app = Application([('/', boom)], error_handler=handler)
    with pytest.raises(RuntimeError, match=SECRET):
        get(app)


# -- E1, E2: construction ------------------------------------------------------------------------

def test_bare_http_exception_is_500():
    """E1 (fixed): a bare HTTPException has status 500, never 200."""
    assert HTTPException().status_code == 500


def test_positional_detail_overrides_class_detail():
    """E2: the positional argument is the detail."""
    assert NotFound('no such user').detail == 'no such user'


def test_keyword_overrides():
    """E2: ``message``, ``code`` and ``error_type`` override the class's values."""
    err = BadRequest(message='Nope', code=422, error_type='urn:bad')
    assert (err.message, err.code, err.status_code, err.error_type) == ('Nope', 422, 422, 'urn:bad')


def test_unknown_keyword_arguments_are_ignored():
    """E2: unknown keyword arguments are accepted and ignored."""
    assert BadRequest(frobnicate=True, request=None).code == 400


def test_initial_body_is_text():
    """E2: the body starts as the text form."""
    err = NotFound()
    assert err.content_type == 'text/plain; charset=utf-8' and err.get_data(as_text=True).startswith('404 - Not found')


def test_mimetype_argument_adapts_the_body():
    """E2: a ``mimetype`` other than text renders the body in that format at once."""
    err = NotFound(mimetype='application/json')
    assert json.loads(err.get_data(as_text=True))['code'] == 404


def test_extra_headers_are_sent():
    """E2: ``headers`` become response headers."""
    resp = get(Application([('/', lambda: BadRequest(headers={'X-Reason': 'bad'}))]))
    assert resp.headers['X-Reason'] == 'bad'


@pytest.mark.parametrize('code', [0, 99, 600, 1000, -404, '404', 404.0, True])
def test_invalid_code_is_refused(code):
    """A status outside 100-599 (or not an int) is refused when the error is made, naming the value."""
    with pytest.raises(ValueError, match='code must be an HTTP status'):
        HTTPException(code=code)


# -- E3: serialisations ------------------------------------------------------------------------------

def test_text_form_layout():
    """E3: text is '{code} - {message}', a blank line, the detail, then the error type."""
    assert NotFound('gone', error_type='urn:x').to_text() == '404 - Not found\n\ngone\n\nError type: urn:x\n'


def test_html_form_escapes_everything():
    """E3: HTML has the title and heading, and escapes the detail."""
    html = NotFound('<script>alert(1)</script>').to_html()
    assert '<title>404 - Not found</title>' in html and '<h1>Not found</h1>' in html
    assert '<script>' not in html and '&lt;script&gt;' in html


def test_html_links_an_http_error_type():
    """E3: an error type that is a URL is a link."""
    assert '<a href="https://example.com/e">' in BadRequest(error_type='https://example.com/e').to_html()


def test_json_form_is_sorted_indented_and_keeps_non_ascii():
    """E3: JSON has sorted keys, an indent of 2 and non-ASCII characters as they are."""
    body = NotFound('café').to_json()
    assert body.splitlines()[1] == '  "code": 404,' and 'café' in body
    assert list(json.loads(body)) == ['code', 'detail', 'error_type', 'message']


def test_xml_form_elements():
    """E3: XML is an ``http_error`` element with code, message, detail and error_type children."""
    root = ET.fromstring(NotFound('gone').to_xml().encode())
    assert root.tag == 'http_error' and [c.tag for c in root] == ['code', 'message', 'detail', 'error_type']
    assert root.findtext('detail') == 'gone'


@pytest.mark.parametrize('detail', ['\x00nul', 'bell\x07', 'esc\x1b[31m', 'ok\ttab', '\ufffe'])
def test_xml_form_survives_control_characters(detail):
    """A detail with characters XML forbids still gives a document that parses."""
    ET.fromstring(BadRequest(detail).to_xml().encode())


def test_non_string_detail_serialises():
    """A structured detail is kept as data in JSON."""
    assert json.loads(BadRequest({'field': ['required']}).to_json())['detail'] == {'field': ['required']}


def test_transcribe_is_a_no_op():
    """``transcribe(request)`` exists for Clastic compatibility and returns None."""
    assert BadRequest().transcribe(None) is None


# -- E4: adapt -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('mimetype, content_type', [
    ('text/html', 'text/html; charset=utf-8'),
    ('application/json', 'application/json'),
    ('text/plain', 'text/plain; charset=utf-8'),
    ('application/xml', 'application/xml; charset=utf-8'),
    ('APPLICATION/JSON; charset=utf-8', 'application/json'),
    ('image/png', 'text/plain; charset=utf-8'),
    ('', 'text/plain; charset=utf-8'),
    (None, 'text/plain; charset=utf-8'),
])
def test_adapt_sets_content_type(mimetype, content_type):
    """E4: adapt knows four types (charset for all but JSON); anything else is text."""
    assert NotFound().adapt(mimetype).content_type == content_type


def test_adapt_returns_the_error():
    """E4: adapt returns the error itself, so render_error can return its result."""
    err = NotFound()
    assert err.adapt('text/html') is err


# -- E5: negotiation --------------------------------------------------------------------------------

@pytest.mark.parametrize('accept, mimetype', [
    (None, 'text/plain'),
    ('*/*', 'text/html'),
    ('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'text/html'),
    ('application/json', 'application/json'),
    ('application/xml', 'application/xml'),
    ('text/plain', 'text/plain'),
    ('text/*', 'text/html'),
    ('application/json;q=0.5, application/xml', 'application/xml'),
    ('image/png', 'text/plain'),
])
def test_negotiation(accept, mimetype):
    """E5: no Accept gives text, ``*/*`` and browsers get HTML, else the best match (text if none)."""
    assert get(Application([]), '/missing', accept=accept).mimetype == mimetype


@pytest.mark.parametrize('accept', [
    'text/html;q=abc', ';;;,,,', 'application/json;q=-1', '*/*;q=0', 'x' * 5000,
    'text/html;level=1;q=0.5, application/json;q=0.6', '\u00e9/\u00e9',
])
def test_hostile_accept_headers_get_an_error_body(accept):
    """A malformed or odd Accept header still gets a 404 with a body in a known format, not a 500."""
    resp = get(Application([]), '/missing', accept=accept)
    parse_body(resp)
    assert resp.status_code == 404 and resp.mimetype in FORMATS


# -- E6: str and repr ----------------------------------------------------------------------------------

def test_str_is_the_detail():
    """E6: ``str()`` is the detail."""
    assert str(NotFound('no such page')) == 'no such page'


def test_str_of_non_string_detail_is_its_repr():
    """E6: a non-string detail is shown with ``repr``."""
    assert str(BadRequest({'a': 1})) == "{'a': 1}"


def test_str_of_empty_detail_is_the_message():
    """E6: an empty detail falls back to the message."""
    assert str(BadRequest('')) == 'Bad Request'


def test_str_is_middle_truncated():
    """E6: a detail over 512 characters is shortened in the middle, keeping both ends."""
    s = str(BadRequest('a' * 400 + 'b' * 400))
    assert len(s) < 520 and s.startswith('aaa') and s.endswith('bbb') and ' ... ' in s


def test_repr():
    """E6: ``repr`` is ``ClassName(message='...')``."""
    assert repr(NotFound()) == "NotFound(message='Not found')"


# -- status-specific headers ------------------------------------------------------------------------------

def test_method_not_allowed_carries_allow():
    """405 carries ``Allow`` and lists the methods in its data."""
    err = MethodNotAllowed(['POST', 'GET'])
    assert err.headers['Allow'] == 'GET, POST' and err.to_dict()['allowed_methods'] == ['GET', 'POST']


@pytest.mark.parametrize('cls', [TooManyRequests, ServiceUnavailable], ids=lambda c: c.__name__)
def test_retry_after_seconds(cls):
    """429 and 503 send ``Retry-After`` with the seconds given, and show it in their data."""
    resp = get(Application([('/', lambda: cls(retry_after=30))]), accept='application/json')
    assert resp.headers['Retry-After'] == '30' and json.loads(text(resp))['retry_after'] == '30'


@pytest.mark.parametrize('cls', [TooManyRequests, ServiceUnavailable], ids=lambda c: c.__name__)
def test_retry_after_datetime(cls):
    """A datetime ``retry_after`` is sent as an HTTP date."""
    when = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    assert cls(retry_after=when).headers['Retry-After'] == 'Wed, 02 Jan 2030 03:04:05 GMT'


def test_retry_after_is_absent_by_default():
    """Without ``retry_after`` no ``Retry-After`` header is sent."""
    assert 'Retry-After' not in TooManyRequests().headers


@pytest.mark.parametrize('value', ['30', -1, 1.5, True, object(), datetime.date(2030, 1, 1)])
def test_invalid_retry_after_is_refused(value):
    """A ``retry_after`` that is not whole seconds or a datetime is refused when the error is made."""
    with pytest.raises(TypeError, match=r'TooManyRequests\(retry_after=\.\.\.\) expects'):
        TooManyRequests(retry_after=value)


def test_www_authenticate_challenge():
    """401 sends the ``WWW-Authenticate`` challenge given."""
    resp = get(Application([('/', lambda: Unauthorized(www_authenticate='Bearer realm="api"'))]))
    assert (resp.status_code, resp.headers['WWW-Authenticate']) == (401, 'Bearer realm="api"')


def test_several_www_authenticate_challenges():
    """A list of challenges sends one header each."""
    err = Unauthorized(www_authenticate=['Basic realm="a"', 'Bearer'])
    assert err.headers.getlist('WWW-Authenticate') == ['Basic realm="a"', 'Bearer']


def test_proxy_authenticate_challenge():
    """407 sends the ``Proxy-Authenticate`` challenge given."""
    assert ProxyAuthenticationRequired(proxy_authenticate='Basic').headers['Proxy-Authenticate'] == 'Basic'


@pytest.mark.parametrize('value, exc', [
    ('', TypeError), ([], TypeError), (42, TypeError), ([None], TypeError),
    ('Bearer\r\nSet-Cookie: x=1', ValueError), (['ok', 'bad\n'], ValueError),
])
def test_invalid_challenge_is_refused(value, exc):
    """An empty, non-string or multi-line challenge is refused when the error is made."""
    with pytest.raises(exc, match=r'Unauthorized\(www_authenticate=\.\.\.\)'):
        Unauthorized(www_authenticate=value)


# -- the debug 500 page --------------------------------------------------------------------------------------

def crash_with_locals(token='<script>alert(1)</script>'):
    big = 'x' * 5000  # noqa: F841 - a long local the debug page must truncate
    marker = 'frame-marker'  # noqa: F841 - a local the debug page must show
    raise RuntimeError(SECRET)


def debug_get(accept='text/html', path='/', handler=None, **kw):
    app = Application([('/', crash_with_locals)], error_handler=handler, debug=handler is None)
    return get(app, path, accept=accept, **kw)


def test_debug_page_shows_source_of_each_frame():
    """The debug HTML page shows the source line that raised."""
    assert 'raise RuntimeError(SECRET)' in text(debug_get())


def test_debug_page_shows_escaped_locals():
    """Locals are shown, escaped: a local holding markup is not markup in the page."""
    body = text(debug_get())
    assert 'frame-marker' in body and '<script>alert(1)</script>' not in body
    assert '&lt;script&gt;alert(1)&lt;/script&gt;' in body


def test_debug_page_truncates_long_locals():
    """A long local value is shortened in the page."""
    body = text(debug_get())
    assert 'x' * 100 in body and 'x' * 1000 not in body


def test_debug_page_shows_the_request():
    """The debug page shows the method, URL, headers, cookies, query arguments and form."""
    client = Application([('/', crash_with_locals)], debug=True).get_local_client()
    client.set_cookie('flavour', 'oatmeal')
    body = text(client.post('/?page=7', data={'field': 'value-42'},
                            headers={'Accept': 'text/html', 'X-Custom': 'hdr-99'}))
    for expected in ('POST', 'http://localhost/?page=7', 'X-Custom', 'hdr-99', 'flavour', 'oatmeal',
                     'page', 'value-42'):
        assert expected in body


def test_debug_page_folds_internal_frames():
    """clastic_like's own frames are inside a collapsed <details> block and show no locals."""
    body = text(debug_get())
    # Hidden frames carry no locals, so the first </details> closes the folded block.
    folded = re.search(r'<details class="hidden-frames">(.*?)</details>', body, re.S)
    assert folded and '&lt;clastic_like chain' in folded.group(1) and 'application.py' in folded.group(1)
    assert 'Local variables' not in folded.group(1)


def test_debug_json_marks_internal_frames_hidden():
    """In JSON, package frames and generated chain frames are marked hidden; the endpoint's frame is not."""
    frames = json.loads(text(debug_get('application/json')))['exc_info']['frames']
    hidden = {f['function']: f['hidden'] for f in frames}
    chain = [f for f in frames if f['filename'].startswith('<clastic_like chain')]
    assert chain and all(f['hidden'] for f in chain) and hidden['crash_with_locals'] is False


def test_hide_internal_frames_false_shows_every_frame():
    """With ``hide_internal_frames=False`` no frame is hidden."""
    resp = debug_get('application/json', handler=ContextualErrorHandler(hide_internal_frames=False))
    assert not any(f['hidden'] for f in json.loads(text(resp))['exc_info']['frames'])


def test_frame_that_raised_is_never_hidden():
    """An exception raised by the framework itself still shows the frame that raised it."""
    app = Application([('/', lambda: 'no render')], debug=True)
    frames = json.loads(text(get(app, accept='application/json')))['exc_info']['frames']
    assert frames[-1]['internal'] and not frames[-1]['hidden']


def test_debug_json_has_the_same_content():
    """The debug JSON form has the exception, frames with source and locals, the request and the version key."""
    data = json.loads(text(debug_get('application/json', path='/?q=1')))
    frame = data['exc_info']['frames'][-1]
    assert data['exc_info']['exc_type'] == 'RuntimeError' and data['exc_info']['exc_msg'] == SECRET
    assert frame['line'] == 'raise RuntimeError(SECRET)' and 'marker' in frame['locals']
    assert data['request']['method'] == 'GET' and ['q', '1'] in data['request']['args']
    assert 'clastic_version' in data  # E12


def test_debug_xml_parses():
    """The debug XML form is a well-formed document with the exception type."""
    root = ET.fromstring(debug_get('application/xml').get_data())
    assert root.findtext('exc_info/exc_type') == 'RuntimeError'


def test_debug_text_has_the_traceback():
    """The debug text form has the traceback and the request line."""
    body = text(debug_get('text/plain'))
    assert 'Traceback (most recent call last)' in body and 'Request: GET http://localhost/' in body


def test_debug_page_survives_a_broken_repr():
    """A local whose ``repr`` raises is reported as such; the page still renders."""
    class Broken:
        def __repr__(self):
            raise ValueError('no repr')

    def endpoint():
        thing = Broken()
        raise RuntimeError(str(id(thing)))
    body = text(get(Application([('/', endpoint)], debug=True), accept='text/html'))
    assert 'repr() failed with ValueError' in body


def test_debug_page_has_no_script_and_no_paste_form():
    """The debug page needs no JavaScript and offers no form posting the traceback anywhere (E10)."""
    body = text(debug_get()).lower()
    assert '<script' not in body and '<form' not in body


def test_contextual_server_error_accepts_exc_info_triple():
    """ContextualInternalServerError takes an exception or a ``sys.exc_info()`` triple."""
    import sys
    try:
        raise KeyError('k')
    except KeyError:
        err = ContextualInternalServerError(exc_info=sys.exc_info())
    assert err.to_dict()['exc_info']['exc_type'] == 'KeyError'


def test_debug_error_type_links_builtin_exceptions():
    """A builtin exception's type links to Python's documentation."""
    assert errors.STDLIB_EXC_URL + 'RuntimeError' in text(debug_get())


# -- the debug 404 page ---------------------------------------------------------------------------------------

def routes_app():
    return Application([Route('/users/', lambda: 'u', render_basic, methods=['GET']),
                        ('/users/<user_id:int>', lambda user_id: 'x', render_basic),
                        Route('/admin', lambda: 'a', render_basic, methods=['POST'])], debug=True)


@pytest.mark.parametrize('accept', sorted(FORMATS))
def test_debug_404_says_not_found(accept):
    """E12: a debug 404 body says "not found" in every format."""
    resp = get(routes_app(), '/nowhere', accept=accept)
    parse_body(resp)
    assert resp.status_code == 404 and 'not found' in text(resp).lower()


@pytest.mark.parametrize('accept', ['text/html', 'text/plain'])
def test_debug_404_lists_every_route_with_methods(accept):
    """The debug 404 lists every route pattern with its methods."""
    body = text(get(routes_app(), '/nowhere', accept=accept))
    for expected in ('/users/', '/users/&lt;user_id:int&gt;' if accept == 'text/html' else '/users/<user_id:int>',
                     '/admin', 'GET, HEAD', 'POST', 'any method'):
        assert expected in body


def test_debug_404_json_lists_routes():
    """The debug 404 JSON has the routes with their methods."""
    data = json.loads(text(get(routes_app(), '/nowhere', accept='application/json')))
    assert [(r['pattern'], r['methods']) for r in data['routes']] == [
        ('/users/', ['GET', 'HEAD']), ('/users/<user_id:int>', None), ('/admin', ['POST'])]


def test_debug_404_escapes_the_requested_path():
    """A requested path with markup is escaped in the debug 404 page."""
    body = text(get(routes_app(), '/<img src=x onerror=alert(1)>', accept='text/html'))
    assert '<img' not in body and '&lt;img' in body


def test_production_404_lists_no_routes():
    """A production 404 does not reveal the application's routes."""
    body = text(get(Application([('/secret-admin', lambda: 'x', render_basic)]), '/nowhere', accept='text/html'))
    assert 'secret-admin' not in body


def test_debug_404_is_contextual():
    """The debug handler's 404 class is ContextualNotFound."""
    assert ContextualErrorHandler.not_found_type is ContextualNotFound


@pytest.mark.parametrize('path', ['/%00', '/%01%02', '/a%0Ab', '/%EF%BF%BE'])
def test_debug_404_xml_parses_for_control_characters(path):
    """Hostile paths with control characters still give debug XML that parses."""
    ET.fromstring(get(routes_app(), path, accept='application/xml').get_data())


# -- REPLErrorHandler (E11) --------------------------------------------------------------------------------

def test_repl_handler_hands_exceptions_to_werkzeug_debugger():
    """E11: REPLErrorHandler wraps the application in Werkzeug's debugger, which renders the exception."""
    resp = get(Application([('/', boom)], error_handler=REPLErrorHandler()), accept='text/html')
    assert resp.status_code == 500 and 'Werkzeug Debugger' in text(resp)


# -- render_error: per route and per application (C6, F5-F7) ---------------------------------------------

def test_route_render_error_renders_that_routes_errors():
    """F7: a route's own render_error renders the errors of that route."""
    app = Application([Route('/', lambda: NotFound(), render_error=lambda _error: Response('mine', status=404))])
    assert text(get(app)) == 'mine'


def test_tuple_fourth_item_is_render_error():
    """A route tuple's fourth item is its render_error."""
    app = Application([('/', lambda: NotFound(), None, lambda _error: Response('tuple', status=404))])
    assert text(get(app)) == 'tuple'


def test_application_render_error_from_handler_subclass():
    """An ErrorHandler subclass overriding render_error renders every route's errors and 404s."""
    class Plain(ErrorHandler):
        def render_error(self, request, _error, **kw):
            return Response(f'plain {_error.code}', status=_error.code)
    app = Application([('/', lambda: BadRequest())], error_handler=Plain())
    assert (text(get(app)), text(get(app, '/missing'))) == ('plain 400', 'plain 404')


def test_route_render_error_wins_over_application_one():
    """A route's render_error is used for that route even when the handler has its own."""
    class Plain(ErrorHandler):
        def render_error(self, request, _error, **kw):
            return Response('app', status=_error.code)
    app = Application([Route('/r', lambda: BadRequest(), render_error=lambda _error: Response('route', status=400)),
                       ('/a', lambda: BadRequest())], error_handler=Plain())
    assert (text(get(app, '/r')), text(get(app, '/a'))) == ('route', 'app')


def test_render_error_gets_injected_arguments():
    """render_error may ask for request, resources and built-ins by name."""
    def render_error(request, _error, greeting, _route):
        return Response(f'{greeting} {request.path} {_route.pattern}', status=_error.code)
    app = Application([Route('/x', lambda: NotFound(), render_error=render_error)], resources={'greeting': 'hi'})
    assert text(get(app, '/x')) == 'hi /x /x'


def test_render_error_with_unknown_argument_fails_at_construction():
    """C6: a render_error asking for something nothing provides fails at construction, naming it."""
    with pytest.raises(NameError, match=r"render_error .*'missing'"):
        Application([Route('/', lambda: 'x', render_basic, render_error=lambda _error, missing: None)])


def test_non_callable_render_error_fails_at_construction():
    """A render_error that is not callable is refused when the route is made."""
    with pytest.raises(TypeError, match='render_error to be callable'):
        Route('/', lambda: 'x', render_basic, render_error='nope')


def test_failing_render_error_falls_back_to_negotiation():
    """F7: when render_error raises, the error is rendered by Accept negotiation instead."""
    def render_error(_error):
        raise ValueError('broken renderer')
    resp = get(Application([Route('/', lambda: NotFound(), render_error=render_error)]), accept='application/json')
    assert (resp.status_code, json.loads(text(resp))['code']) == (404, 404)


def test_uncaught_exception_goes_to_handler():
    """F5: an exception that is not an HTTPException goes to the handler's uncaught_to_response."""
    class Counting(ErrorHandler):
        calls = []

        def uncaught_to_response(self, _error, **kw):
            self.calls.append(type(_error).__name__)
            return InternalServerError()
    handler = Counting()
    get(Application([('/', boom)], error_handler=handler))
    assert handler.calls == ['RuntimeError']


def test_non_breaking_error_lets_later_routes_answer():
    """F6: an error with ``is_breaking=False`` lets the next route answer."""
    app = Application([('/', lambda: NotFound(is_breaking=False)), ('/', lambda: 'later', render_basic)])
    assert text(get(app)) == 'later'


def test_error_from_middleware_is_rendered():
    """An HTTP error raised by a middleware is rendered like an endpoint's."""
    class Guard(Middleware):
        def request(self, next):
            raise Unauthorized(www_authenticate='Basic')
    resp = get(Application([('/', lambda: 'x', render_basic)], middlewares=[Guard()]), accept='application/json')
    assert resp.status_code == 401 and json.loads(text(resp))['code'] == 401


# -- the example application ---------------------------------------------------------------------------------

def test_example_showcase_problem_json():
    """examples/errors_showcase.py renders errors as problem+json with the status's own headers."""
    from examples.errors_showcase import create_app
    resp = get(create_app(), '/quota')
    assert (resp.status_code, resp.mimetype, resp.headers['Retry-After']) == (429, 'application/problem+json', '30')


def test_example_showcase_crash_leaks_nothing():
    """examples/errors_showcase.py: the crashing route leaks neither the message nor the type."""
    from examples.errors_showcase import create_app
    body = text(get(create_app(), '/crash'))
    assert 'hunter2' not in body and 'RuntimeError' not in body and 'request_id' in body


def test_example_showcase_route_render_error():
    """examples/errors_showcase.py: ``/legacy`` uses its own render_error."""
    from examples.errors_showcase import create_app
    assert text(get(create_app(), '/legacy')) == 'error 404\n'


# -- memoised default bodies ------------------------------------------------------------------------
#
# An error whose code, message and detail are its class's, with no error_type,
# reuses the bytes serialised for an earlier one (clastic_like/_errors/_base.py,
# HTTPException._serialise).  These tests hold it to the straightforward path:
# the same error made and adapted with the memo turned off, and its own to_*
# methods called directly.

from hypothesis import given, settings  # noqa: E402 - kept with the tests that use it
from hypothesis import strategies as st  # noqa: E402

from clastic_like._errors import _base as errors_base  # noqa: E402
from clastic_like._errors import _contextual as errors_contextual  # noqa: E402
from clastic_like.errors import MIME_SUPPORT_MAP  # noqa: E402

MEMO_MIMETYPES = [*sorted(FORMATS), 'image/png', 'TEXT/HTML; q=1']
MEMO_CLASSES = [HTTPException, *ALL_CLASSES, ContextualNotFound, ContextualInternalServerError]
MEMO_VARIANTS = {
    'default': {},
    'detail': {'detail': 'No user has the id 3.'},
    'detail-equal-to-default': None,  # the class's text, as another str object: see memo_kwargs
    'message': {'message': 'Custom message'},
    'error_type': {'error_type': 'https://example.com/problems/x'},
    'all': {'detail': '<b>&</b>', 'message': 'M', 'error_type': 'kind'},
}


def memo_kwargs(cls, variant):
    # The debug 500's HTML page needs the request id the error handler always gives it.
    extra = {'request_id': 'r1'} if cls is ContextualInternalServerError else {}
    if variant == 'detail-equal-to-default':
        return {'detail': ''.join(['', *cls.detail]), **extra}
    return {**MEMO_VARIANTS[variant], **extra}


def fmt_of(mimetype):
    """The format adapt() serialises ``mimetype`` as (text for anything unknown)."""
    return MIME_SUPPORT_MAP.get(mimetype.split(';')[0].strip().lower(), 'text')


def snapshot(err):
    return err.status, err.headers.to_wsgi_list(), err.get_data()


def made_and_adapted(make, mimetype):
    """What an error looks like when made (sent unadapted) and after adapt(mimetype)."""
    err = make()
    made = snapshot(err)
    return made, snapshot(err.adapt(mimetype))


def without_memo(monkeypatch, make, mimetype):
    with monkeypatch.context() as m:
        m.setattr(errors_base, '_made_by_base', lambda *a: False)
        return made_and_adapted(make, mimetype)


@pytest.mark.parametrize('variant', list(MEMO_VARIANTS))
@pytest.mark.parametrize('mimetype', MEMO_MIMETYPES)
@pytest.mark.parametrize('cls', MEMO_CLASSES, ids=lambda c: c.__name__)
def test_memoised_body_equals_fresh_body(cls, mimetype, variant, monkeypatch):
    """Every error class, in every format, default or not, made twice (the second time from the memo when
    it applies) has the status, headers and body of the same error made with the memo off."""
    kw = memo_kwargs(cls, variant)
    # The debug 500 shows the time it was made: the same for every error here.
    info = {**errors_contextual.server_info(), 'time': 'now'}
    monkeypatch.setattr(errors_contextual, 'server_info', lambda: info)
    reference = without_memo(monkeypatch, lambda: cls(**kw), mimetype)
    assert made_and_adapted(lambda: cls(**kw), mimetype) == reference
    assert made_and_adapted(lambda: cls(**kw), mimetype) == reference


@pytest.mark.parametrize('variant', list(MEMO_VARIANTS))
@pytest.mark.parametrize('mimetype', MEMO_MIMETYPES)
@pytest.mark.parametrize('cls', MEMO_CLASSES, ids=lambda c: c.__name__)
def test_memoised_body_equals_to_methods(cls, mimetype, variant):
    """Every error class's body, made and after each adapt, is its own to_text() / to_<format>() encoded."""
    kw = memo_kwargs(cls, variant)
    for _ in range(2):
        err = cls(**kw)
        assert err.get_data() == err.to_text().encode('utf-8')
        err.adapt(mimetype)
        assert err.get_data() == getattr(err, 'to_' + fmt_of(mimetype))().encode('utf-8')


@settings(max_examples=200, deadline=None)
@given(cls=st.sampled_from(MEMO_CLASSES), mimetype=st.sampled_from(MEMO_MIMETYPES),
       detail=st.one_of(st.none(), st.text()), message=st.one_of(st.none(), st.text()),
       error_type=st.one_of(st.none(), st.text()))
def test_memo_never_changes_a_body(cls, mimetype, detail, message, error_type):
    """For any detail, message and error_type, the body after adapt is the error's to_<format>() encoded."""
    extra = {'request_id': 'r1'} if cls is ContextualInternalServerError else {}
    err = cls(detail=detail, message=message, error_type=error_type, **extra).adapt(mimetype)
    assert err.get_data() == getattr(err, 'to_' + fmt_of(mimetype))().encode('utf-8')


def test_memo_is_used_for_a_default_404():
    """A framework-made 404 is served from its class's memo: one entry per format, in NotFound itself."""
    for mimetype in FORMATS:
        NotFound().adapt(mimetype)
        NotFound().adapt(mimetype)
    memo = NotFound.__dict__['_default_bodies']
    assert sorted(memo) == ['html', 'json', 'text', 'xml']
    assert memo['html'][3] == NotFound().to_html().encode('utf-8')


def test_memo_does_not_grow_with_per_request_values():
    """Errors with their own detail, message or error_type add nothing to the memo; the class's default
    error adds one entry per format."""
    class Fresh(NotFound):
        message = 'Fresh'
    for i in range(100):
        for mimetype in FORMATS:
            Fresh(f'detail {i}').adapt(mimetype)
            Fresh(message=f'message {i}').adapt(mimetype)
            Fresh(error_type=f'type {i}').adapt(mimetype)
    assert '_default_bodies' not in Fresh.__dict__
    for _ in range(100):
        Fresh().adapt('text/html')
    memo = Fresh.__dict__['_default_bodies']
    assert list(memo) == ['text', 'html'] and memo['html'][:3] == (404, 'Fresh', NotFound.detail)


def test_memo_of_a_subclass_is_its_own():
    """A subclass with its own message is served its own body, not its base class's memoised one."""
    class Renamed(NotFound):
        message = 'Nowhere to be found'
    NotFound().adapt('text/html')
    body = Renamed().adapt('text/html').get_data(as_text=True)
    assert 'Nowhere to be found' in body and NotFound.message not in body


def test_memo_shared_with_an_unchanged_subclass_is_exact():
    """A subclass that changes nothing gets exactly its base class's bodies."""
    class Same(NotFound):
        pass
    for mimetype in FORMATS:
        assert Same().adapt(mimetype).get_data() == NotFound().adapt(mimetype).get_data()


@pytest.mark.parametrize('mimetype', sorted(FORMATS))
def test_subclass_overriding_to_dict_is_rendered_by_it(mimetype):
    """A subclass overriding to_dict gets its data in HTML, JSON and XML, however often it is rendered."""
    class WithExtra(NotFound):
        def to_dict(self):
            return {**super().to_dict(), 'detail': 'from to_dict'}
    NotFound().adapt(mimetype)
    for _ in range(2):
        err = WithExtra().adapt(mimetype)
        assert err.get_data() == getattr(err, 'to_' + fmt_of(mimetype))().encode('utf-8')
        if mimetype != 'text/plain':
            assert 'from to_dict' in err.get_data(as_text=True)


@pytest.mark.parametrize('method', ['to_text', 'to_html', 'to_escaped_dict', 'to_json', 'to_xml'])
def test_subclass_overriding_a_serialiser_is_rendered_by_it(method):
    """A subclass overriding one serialiser (or to_escaped_dict) is always asked, never served the memo."""
    class Custom(NotFound):
        pass
    if method == 'to_escaped_dict':
        setattr(Custom, method, lambda self: {**HTTPException.to_escaped_dict(self), 'message': 'MINE'})
    else:
        setattr(Custom, method, lambda self: 'MINE')
    mimetype = {'to_text': 'text/plain', 'to_json': 'application/json', 'to_xml': 'application/xml'}.get(
        method, 'text/html')
    for _ in range(2):
        NotFound().adapt(mimetype)
        assert 'MINE' in Custom().adapt(mimetype).get_data(as_text=True)


def test_serialiser_replaced_after_use_is_asked(monkeypatch):
    """A serialiser replaced on the class after its default body was memoised is asked from then on."""
    NotFound().adapt('text/html')
    monkeypatch.setattr(NotFound, 'to_html', lambda self: 'replaced')
    assert NotFound().adapt('text/html').get_data() == b'replaced'


def test_serialiser_set_on_the_instance_is_asked():
    """A serialiser set on one error instance (as mock.patch.object does) is asked, not the memo."""
    NotFound().adapt('text/html')
    err = NotFound()
    err.to_html = lambda: 'instance'
    assert err.adapt('text/html').get_data() == b'instance'


def test_class_text_changed_after_use_is_shown(monkeypatch):
    """A class's message or detail changed at run time (say, translated) shows in the next body."""
    NotFound().adapt('text/html')
    monkeypatch.setattr(NotFound, 'message', 'Introuvable')
    monkeypatch.setattr(NotFound, 'detail', 'Rien ici.')
    body = NotFound().adapt('text/html').get_data(as_text=True)
    assert 'Introuvable' in body and 'Rien ici.' in body


def test_mutable_class_detail_is_never_memoised():
    """A class detail that is not a str (a list, changed in place) is serialised afresh every time."""
    class Listed(NotFound):
        detail = ['a']
    assert "['a']" in Listed().adapt('text/plain').get_data(as_text=True)
    Listed.detail.append('b')
    assert "['a', 'b']" in Listed().adapt('text/plain').get_data(as_text=True)


def test_detail_property_is_asked_every_time():
    """A detail computed by a property is read afresh for every body."""
    counter = iter(range(10))

    class Counting(NotFound):
        @property
        def detail(self):
            return f'call {next(counter)}'

        @detail.setter
        def detail(self, value):
            pass
    first = Counting().adapt('text/html').get_data(as_text=True)
    second = Counting().adapt('text/html').get_data(as_text=True)
    assert first != second and 'call' in second


def test_not_found_ignores_the_null_routes_keywords():
    """NotFound takes the null route's request and application keywords and ignores them."""
    state = object()
    err = NotFound(dispatch_state=state, request=object(), application=object())
    assert err.dispatch_state is state and err.get_data() == NotFound().get_data()


@pytest.mark.parametrize("handler_type", [errors.ErrorHandler, errors.ContextualErrorHandler])
def test_builtin_render_error_takes_only_request_and_error(handler_type):
    """The built-in handlers' render_error has Clastic's signature, so routes call it with just request and _error."""
    app = Application([("/", lambda: "x", render_basic)], error_handler=handler_type())
    route = app.routes[0]
    assert route._error_var_kw is False
    resp = app.get_local_client().get("/missing", headers={"Accept": "application/json"})
    assert resp.status_code == 404 and json.loads(resp.data)["code"] == 404


def test_debug_server_error_without_request_id_renders_html():
    """A ContextualInternalServerError made directly (no request id) still renders its HTML page, without an id line."""
    page = errors.ContextualInternalServerError().adapt("text/html").get_data(as_text=True)
    assert "Internal" in page and "Request ID" not in page
