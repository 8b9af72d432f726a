"""pytest plugin: a ``client`` fixture and JSON assertions for clastic_like apps.

Installed with clastic_like and registered through the ``pytest11`` entry
point, so a project only has to define an ``app`` fixture::

    @pytest.fixture
    def app():
        return create_app()

    def test_home(client):
        assert client.get('/').status_code == 200

``client`` is Werkzeug's test client for that application (one per test, so
cookies never leak between tests).  :func:`assert_json` and
:func:`assert_json_error` check a JSON response and, when it is not what was
expected, fail with the status, the content type and the body, which is
usually all it takes to see what went wrong.  They are plain functions:
import them from ``clastic_like.pytest_plugin``, or ask for the fixtures of
the same names.

Disable the plugin with ``-p no:clastic_like``.
"""
from __future__ import annotations

import difflib
import json
from typing import Any, Callable, NoReturn, Optional

import pytest

__all__ = [
    "assert_json",
    "assert_json_error",
    "is_json_mimetype",
    "client",
    "json_assert",
    "json_error_assert",
]

# How much of a body a failure message shows: enough to read an error page,
# short enough that a large response does not bury the assertion.
BODY_LIMIT = 2000

_MISSING: Any = object()


def is_json_mimetype(mimetype: str) -> bool:
    """Whether ``mimetype`` (without parameters) is JSON: ``application/json`` or ``*/*+json``."""
    mimetype = mimetype.split(";")[0].strip().lower()
    return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def _status_of(response: Any) -> Any:
    return getattr(response, "status_code", None)


def _content_type_of(response: Any) -> str:
    headers = getattr(response, "headers", None)
    value = headers.get("Content-Type") if headers is not None else None
    return value or ""


def _text_of(response: Any) -> str:
    get_data = getattr(response, "get_data", None)
    if get_data is None:
        raise TypeError(
            f"assert_json expects a Werkzeug response (e.g. from client.get(...)), not {response!r}."
        )
    data = get_data()
    # Decode leniently: the point is to *show* the body, even a broken one.
    return data.decode("utf-8", errors="replace")


def _shorten(text: str) -> str:
    if len(text) <= BODY_LIMIT:
        return text
    return text[:BODY_LIMIT] + f"\n... ({len(text) - BODY_LIMIT} more characters)"


def _pretty(value: Any) -> str:
    try:
        return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):  # e.g. keys of mixed types cannot be sorted
        return repr(value)


def _fail(problem: str, response: Any, text: str, extra: str = "") -> NoReturn:
    __tracebackhide__ = True
    lines = [
        problem,
        f"  status:       {getattr(response, 'status', None) or _status_of(response)}",
        f"  content type: {_content_type_of(response) or '(none)'}",
        "  body:",
        *("    " + line for line in (_shorten(text) or "(empty)").splitlines()),
    ]
    if extra:
        lines += ["", extra]
    raise AssertionError("\n".join(lines))


def assert_json(response: Any, expected: Any = _MISSING, status: Optional[int] = 200) -> Any:
    """Check that ``response`` is JSON with ``status``, and return the decoded body.

    ``expected``, when given, must equal the decoded body (a diff is shown
    when it does not); ``status=None`` accepts any status.  On failure the
    ``AssertionError`` shows the status, the content type and the body.
    """
    __tracebackhide__ = True
    text = _text_of(response)
    if status is not None and _status_of(response) != status:
        _fail(f"Expected status {status}, got {_status_of(response)}.", response, text)
    content_type = _content_type_of(response)
    if not is_json_mimetype(content_type):
        _fail("Expected a JSON response (Content-Type: application/json).", response, text)
    try:
        body = json.loads(text)
    except ValueError as exc:
        _fail(f"The body is not valid JSON: {exc}.", response, text)
    if expected is not _MISSING and body != expected:
        diff = "\n".join(difflib.unified_diff(
            _pretty(expected).splitlines(), _pretty(body).splitlines(),
            "expected", "received", lineterm=""))
        _fail("The JSON body differs from the expected value.", response, text, diff)
    return body


def assert_json_error(response: Any, status: int, detail: Any = _MISSING) -> dict[str, Any]:
    """Check that ``response`` is a JSON-rendered HTTP error with ``status``; return its body.

    The body must be clastic_like's error object (``code``, ``message``,
    ``detail``, ``error_type``) whose ``code`` is ``status``.  ``detail``,
    when given, must be contained in (a string) or equal to (anything else)
    the body's ``detail``.  Errors are rendered as JSON only when the request
    accepts it: send ``Accept: application/json``.
    """
    __tracebackhide__ = True
    body = assert_json(response, status=status)
    text = _text_of(response)
    if not isinstance(body, dict) or not {"code", "message", "detail"} <= set(body):
        _fail("Expected an error object with 'code', 'message' and 'detail'.", response, text)
    if body["code"] != status:
        _fail(f"The error object's code is {body['code']!r}, not {status}.", response, text)
    if detail is not _MISSING:
        found = body["detail"]
        matches = (detail in found) if isinstance(detail, str) and isinstance(found, str) else found == detail
        if not matches:
            _fail(f"The error detail does not match {detail!r}.", response, text)
    return body


@pytest.fixture
def client(request: pytest.FixtureRequest) -> Any:
    """Werkzeug's test client for the ``app`` fixture your tests define."""
    try:
        app = request.getfixturevalue("app")
    except LookupError:
        # pytest's FixtureLookupError is a LookupError; catching the base
        # keeps the plugin working on pytest versions that do not export it.
        pytest.fail(
            "The 'client' fixture (from clastic_like's pytest plugin) needs an 'app' fixture"
            " returning your Application. Define one, e.g. in conftest.py:\n\n"
            "    @pytest.fixture\n"
            "    def app():\n"
            "        return create_app()\n",
            pytrace=False,
        )
    get_local_client = getattr(app, "get_local_client", None)
    if get_local_client is None:
        pytest.fail(
            f"The 'app' fixture returned {app!r}, which has no get_local_client();"
            " it should return a clastic_like Application.",
            pytrace=False,
        )
    return get_local_client()


@pytest.fixture(name="assert_json")
def json_assert() -> Callable[..., Any]:
    """:func:`assert_json`, for tests that prefer fixtures to imports."""
    return assert_json


@pytest.fixture(name="assert_json_error")
def json_error_assert() -> Callable[..., Any]:
    """:func:`assert_json_error`, for tests that prefer fixtures to imports."""
    return assert_json_error
