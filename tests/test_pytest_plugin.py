"""The pytest plugin (``clastic_like.pytest_plugin``), run through pytest's own ``pytester``.

Each test writes a small test module into a temporary directory, runs pytest
on it in-process and checks the outcomes and the report.  The plugin is found
through its ``pytest11`` entry point, as in a user's project.  Runs that must
be warning-free (``-W error``) use a subprocess: in-process, pytest warns
that it cannot assertion-rewrite ``clastic_like``, which this very test
session has already imported, something a user's fresh run never sees.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from clastic_like import Response
from clastic_like.pytest_plugin import assert_json, assert_json_error, is_json_mimetype

pytest_plugins = ["pytester"]

APP_FIXTURE = """
import pytest
from clastic_like import Application, NotFound, render_json


def item(item_id):
    if item_id != 1:
        raise NotFound(f'No item {item_id}.')
    return {'id': 1, 'name': 'widget'}


@pytest.fixture
def app():
    return Application([('/items/<item_id:int>', item, render_json)])
"""


# Hypothesis' own plugin costs about a second per inner run and plays no part here.
FAST = ("-p", "no:hypothesispytest")


def _json(body: str, status: int = 200, mimetype: str = "application/json") -> Response:
    return Response(body, status=status, mimetype=mimetype)


# -- the entry point ----------------------------------------------------------

def test_entry_point_registers_the_plugin(pytester):
    """With the package installed, a project's tests get the ``client`` fixture without configuration."""
    pytester.makepyfile(APP_FIXTURE + """
def test_item(client):
    assert client.get('/items/1').get_json() == {'id': 1, 'name': 'widget'}
""")
    pytester.runpytest_subprocess(*FAST, "-W", "error").assert_outcomes(passed=1)


def test_plugin_can_be_disabled(pytester):
    """``-p no:clastic_like`` turns the plugin off, so ``client`` is then unknown."""
    pytester.makepyfile(APP_FIXTURE + """
def test_item(client):
    pass
""")
    result = pytester.runpytest(*FAST, "-p", "no:clastic_like")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'client' not found*"])


def test_plugin_loads_explicitly_without_autoload(pytester, monkeypatch):
    """With entry-point autoloading off, ``-p clastic_like.pytest_plugin`` loads the plugin."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makepyfile(APP_FIXTURE + """
def test_item(client):
    assert client.get('/items/1').status_code == 200
""")
    pytester.runpytest(*FAST, "-p", "clastic_like.pytest_plugin").assert_outcomes(passed=1)


# -- the client fixture ---------------------------------------------------------

def test_client_talks_to_the_app_fixture(pytester):
    """``client`` is a test client for the application the ``app`` fixture returns."""
    pytester.makepyfile(APP_FIXTURE + """
def test_missing_item(client):
    assert client.get('/items/2').status_code == 404
""")
    pytester.runpytest(*FAST).assert_outcomes(passed=1)


def test_client_uses_app_from_conftest(pytester):
    """An ``app`` fixture defined in conftest.py serves every test module."""
    pytester.makeconftest(APP_FIXTURE)
    pytester.makepyfile(test_one="""
def test_item(client):
    assert client.get('/items/1').status_code == 200
""")
    pytester.runpytest(*FAST).assert_outcomes(passed=1)


def test_client_is_fresh_for_each_test(pytester):
    """Cookies set in one test are not seen by the next: each test gets its own client."""
    pytester.makepyfile("""
import pytest
from clastic_like import Application, Response


def set_cookie():
    response = Response('set')
    response.set_cookie('seen', 'yes')
    return response


def show(request):
    return Response(request.cookies.get('seen', 'no'))


@pytest.fixture
def app():
    return Application([('/set', set_cookie), ('/show', show)])


def test_first(client):
    client.get('/set')
    assert client.get('/show').get_data(as_text=True) == 'yes'


def test_second(client):
    assert client.get('/show').get_data(as_text=True) == 'no'
""")
    pytester.runpytest(*FAST).assert_outcomes(passed=2)


def test_client_without_app_fixture_fails_clearly(pytester):
    """Asking for ``client`` with no ``app`` fixture fails with a message saying to define ``app``."""
    pytester.makepyfile("""
def test_needs_client(client):
    pass
""")
    result = pytester.runpytest(*FAST)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*needs an 'app' fixture*", "*def app():*"])
    result.stdout.no_fnmatch_line("*Traceback*")


def test_plugin_without_app_fixture_leaves_other_tests_alone(pytester):
    """A project with no ``app`` fixture can still run tests that do not use ``client``."""
    pytester.makepyfile("""
def test_plain():
    assert 1 + 1 == 2
""")
    pytester.runpytest_subprocess(*FAST, "-W", "error").assert_outcomes(passed=1)


def test_client_with_non_application_app_fails_clearly(pytester):
    """An ``app`` fixture returning something else fails with a message naming what it returned."""
    pytester.makepyfile("""
import pytest


@pytest.fixture
def app():
    return 'not an app'


def test_needs_client(client):
    pass
""")
    result = pytester.runpytest(*FAST)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*'not an app'*has no get_local_client()*"])


# -- assert_json through pytest -----------------------------------------------------

def test_assert_json_fixture_passes_on_match(pytester):
    """The ``assert_json`` fixture accepts a matching JSON response and returns its body."""
    pytester.makepyfile(APP_FIXTURE + """
def test_item(client, assert_json):
    body = assert_json(client.get('/items/1'), {'id': 1, 'name': 'widget'})
    assert body['name'] == 'widget'
""")
    pytester.runpytest(*FAST).assert_outcomes(passed=1)


def test_assert_json_failure_report_is_readable(pytester):
    """A failing ``assert_json`` reports the status, the content type and the body, not plugin internals."""
    pytester.makepyfile(APP_FIXTURE + """
from clastic_like.pytest_plugin import assert_json


def test_item(client):
    assert_json(client.get('/items/2'), {'id': 2})
""")
    result = pytester.runpytest(*FAST)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*Expected status 200, got 404.*",
        "*status:*404 NOT FOUND*",
        "*content type: text/plain*",
        "*No item 2.*",
    ])
    # __tracebackhide__ keeps the helper's own frames out of the report.
    result.stdout.no_fnmatch_line("*def _fail*")


def test_assert_json_error_fixture_checks_negotiated_errors(pytester):
    """The ``assert_json_error`` fixture accepts an error rendered as JSON for ``Accept: application/json``."""
    pytester.makepyfile(APP_FIXTURE + """
def test_missing(client, assert_json_error):
    response = client.get('/items/2', headers={'Accept': 'application/json'})
    assert assert_json_error(response, 404, 'No item 2')['code'] == 404
""")
    pytester.runpytest(*FAST).assert_outcomes(passed=1)


# -- the helper functions, directly ---------------------------------------------------

def test_assert_json_returns_decoded_body():
    """``assert_json`` returns the decoded body when status, content type and body match."""
    assert assert_json(_json('{"a": [1, 2]}'), {"a": [1, 2]}) == {"a": [1, 2]}


def test_assert_json_without_expected_checks_only_status_and_type():
    """Leaving out ``expected`` accepts any JSON body."""
    assert assert_json(_json('[1]', status=201), status=201) == [1]


def test_assert_json_status_none_accepts_any_status():
    """``status=None`` skips the status check."""
    assert assert_json(_json('{}', status=418), {}, status=None) == {}


def test_assert_json_accepts_json_suffix_types():
    """``application/problem+json`` counts as JSON."""
    assert assert_json(_json('{}', mimetype='application/problem+json'), {}) == {}


@pytest.mark.parametrize(
    ("response", "expected", "status", "message"),
    [
        (_json('{"a": 1}', status=500), {"a": 1}, 200, "Expected status 200, got 500."),
        (_json('{"a": 1}', mimetype="text/plain"), {"a": 1}, 200, "Expected a JSON response"),
        (_json('{"a": 1}', mimetype="text/html"), {"a": 1}, 200, "Expected a JSON response"),
        (_json('{"a": 1', ), {"a": 1}, 200, "The body is not valid JSON"),
        (_json(''), {}, 200, "The body is not valid JSON"),
        (_json('{"a": 1}'), {"a": 2}, 200, "The JSON body differs"),
        (_json('[1, 2]'), [2, 1], 200, "The JSON body differs"),
        (Response(b'\xff\xfe', mimetype="application/json"), {}, 200, "The body is not valid JSON"),
    ],
    ids=["status", "text", "html", "truncated", "empty", "value", "order", "bad-utf8"],
)
def test_assert_json_rejects(response, expected, status, message):
    """Each kind of mismatch raises AssertionError naming the problem."""
    with pytest.raises(AssertionError, match=message):
        assert_json(response, expected, status=status)


def test_assert_json_message_shows_status_type_and_body():
    """The failure message carries the full status line, the content type and the body."""
    with pytest.raises(AssertionError) as info:
        assert_json(_json('oops', status=502, mimetype='text/plain'), {})
    message = str(info.value)
    assert "502 BAD GATEWAY" in message
    assert "text/plain; charset=utf-8" in message
    assert "oops" in message


def test_assert_json_message_shows_a_diff():
    """A body mismatch shows a unified diff between the expected and received JSON."""
    with pytest.raises(AssertionError) as info:
        assert_json(_json('{"name": "ada"}'), {"name": "grace"})
    message = str(info.value)
    assert '-  "name": "grace"' in message and '+  "name": "ada"' in message


def test_assert_json_message_truncates_huge_bodies():
    """A very large body is shortened in the message, saying how much was left out."""
    with pytest.raises(AssertionError) as info:
        assert_json(_json('x' * 100_000, mimetype='text/plain'), {})
    message = str(info.value)
    assert len(message) < 5000 and "more characters" in message


def test_assert_json_refuses_non_responses():
    """Passing something that is not a response is a TypeError saying what is expected."""
    with pytest.raises(TypeError, match="expects a Werkzeug response"):
        assert_json(SimpleNamespace(status_code=200), {})


def test_assert_json_error_returns_error_object():
    """``assert_json_error`` accepts clastic_like's JSON error object and returns it."""
    response = _json('{"code": 400, "message": "Bad Request", "detail": "limit must be int", "error_type": null}',
                     status=400)
    assert assert_json_error(response, 400, "must be int")["detail"] == "limit must be int"


@pytest.mark.parametrize(
    ("body", "status", "detail", "message"),
    [
        ('{"code": 404, "message": "Not Found", "detail": "x"}', 400, None, "Expected status 400"),
        ('["not", "an", "object"]', 404, None, "Expected an error object"),
        ('{"code": 404}', 404, None, "Expected an error object"),
        ('{"code": 500, "message": "m", "detail": "d"}', 404, None, "code is 500, not 404"),
        ('{"code": 404, "message": "m", "detail": "other"}', 404, "wanted", "detail does not match"),
        ('{"code": 404, "message": "m", "detail": {"k": 1}}', 404, {"k": 2}, "detail does not match"),
    ],
    ids=["status", "array", "missing-keys", "code", "detail-text", "detail-object"],
)
def test_assert_json_error_rejects(body, status, detail, message):
    """Each way a response can fail to be the expected JSON error raises AssertionError naming it."""
    kwargs = {} if detail is None else {"detail": detail}
    with pytest.raises(AssertionError, match=message):
        assert_json_error(_json(body, status=404), status, **kwargs)


@pytest.mark.parametrize(
    ("mimetype", "is_json"),
    [
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        ("Application/JSON", True),
        ("application/vnd.api+json", True),
        ("text/json", False),
        ("text/plain", False),
        ("application/jsonp", False),
        ("", False),
    ],
)
def test_is_json_mimetype(mimetype, is_json):
    """JSON content types are recognised with parameters and in any case; look-alikes are not."""
    assert is_json_mimetype(mimetype) is is_json
