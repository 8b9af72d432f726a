"""The start-up failure page (``clastic_like.flaw``): traceback parsing and the page itself.

Statement ids (FL1, SV4) refer to /work/shared/spec/clastic-reference.md.  The
end-to-end behaviour under the reloader is tested in test_dev_server.py.
"""
from __future__ import annotations

import json
import os

import pytest
import werkzeug

import clastic_like
from clastic_like import Application
from clastic_like.flaw import ParsedTraceback, create_app, filter_user_files, is_user_file

NAME_ERROR_TB = '''Traceback (most recent call last):
  File "/srv/project/app/web.py", line 12, in <module>
    greeting = plarp
               ^^^^^
NameError: name 'plarp' is not defined
'''

SYNTAX_ERROR_TB = '''Traceback (most recent call last):
  File "/usr/lib/python3.11/importlib/__init__.py", line 126, in import_module
    return _bootstrap._gcd_import(name[level:], package, level)
  File "<frozen importlib._bootstrap>", line 1204, in _gcd_import
  File "/srv/project/app/views.py", line 3
    def broken(:
               ^
SyntaxError: invalid syntax
'''

CHAINED_TB = '''Traceback (most recent call last):
  File "/srv/project/app/db.py", line 5, in connect
    raise OSError('refused')
OSError: refused

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/srv/project/app/web.py", line 9, in <module>
    connect()
RuntimeError: database unavailable
'''

MULTILINE_TB = '''Traceback (most recent call last):
  File "/srv/project/app/web.py", line 2, in <module>
    raise ValueError("first line\\nsecond line")
ValueError: first line
second line
'''


def get(app, path='/', accept=None, method='GET'):
    headers = {'Accept': accept} if accept else {}
    return app.get_local_client().open(path, method=method, headers=headers)


# -- parsing ------------------------------------------------------------------------------------------

def test_parses_standard_layout():
    """FL1: the usual layout gives the exception type, message and frames."""
    parsed = ParsedTraceback.from_string(NAME_ERROR_TB)
    assert (parsed.exc_type_name, parsed.exc_msg) == ('NameError', "name 'plarp' is not defined")
    assert parsed.frames == [{'path': '/srv/project/app/web.py', 'lineno': 12, 'function': '<module>',
                              'source': 'greeting = plarp'}]


def test_parses_syntax_error_layout():
    """FL1: the SyntaxError layout (no function, caret line) gives the file and line of the bad code."""
    parsed = ParsedTraceback.from_string(SYNTAX_ERROR_TB)
    assert (parsed.exc_type_name, parsed.exc_msg) == ('SyntaxError', 'invalid syntax')
    assert (parsed.source_file, parsed.source_lineno) == ('/srv/project/app/views.py', 3)
    assert parsed.frames[-1]['source'] == 'def broken(:'


def test_chained_traceback_reads_the_last_exception():
    """Of a chain of tracebacks, the last exception (the one that stopped start-up) is read."""
    parsed = ParsedTraceback.from_string(CHAINED_TB)
    assert (parsed.exc_type_name, parsed.exc_msg, len(parsed.frames)) == ('RuntimeError', 'database unavailable', 1)


def test_multiline_message_is_kept():
    """A message spanning several lines is kept whole."""
    assert ParsedTraceback.from_string(MULTILINE_TB).exc_msg == 'first line\nsecond line'


def test_dotted_exception_type():
    """An exception type with its module path is read whole."""
    tb = NAME_ERROR_TB.replace("NameError: name 'plarp' is not defined", 'myapp.errors.ConfigError: no DSN')
    assert ParsedTraceback.from_string(tb).exc_type_name == 'myapp.errors.ConfigError'


def test_source_file_prefers_the_users_code():
    """The source file is the last frame in the user's code, not a library frame after it."""
    tb = NAME_ERROR_TB.replace(
        "NameError: name 'plarp' is not defined",
        f'  File "{os.path.join(os.path.dirname(clastic_like.__file__), "application.py")}", line 1, in __init__\n'
        '    x\nNameError: y')
    assert ParsedTraceback.from_string(tb).source_file == '/srv/project/app/web.py'


@pytest.mark.parametrize('text', [
    '',
    'garbage',
    'Traceback (most recent call last):\n',
    'Traceback (most recent call last):\nValueError: no frames\n',
    'Traceback (most recent call last):\n  File "x.py", line 1, in f\n',
    '  File "x.py", line 1, in f\nValueError: no header\n',
    'Traceback (most recent call last):\n  File "x.py", line 1, in f\n    x\n!!! not an exception line\n',
    '\x00\x01\x02' * 100,
])
def test_unparsable_text_gives_an_empty_result(text):
    """FL1: text in no known layout gives an empty (false) parse, never an exception."""
    parsed = ParsedTraceback.from_string(text)
    assert not parsed and parsed.to_dict()['exc_type'] == ''


def test_to_dict():
    """``to_dict()`` gives type, message, source file and line, and frames."""
    d = ParsedTraceback.from_string(NAME_ERROR_TB).to_dict()
    assert (d['exc_type'], d['source_file'], d['source_lineno'], len(d['frames'])) == (
        'NameError', '/srv/project/app/web.py', 12, 1)


# -- user files -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('path', [
    '', '<frozen importlib._bootstrap>', '<string>', '<clastic_like chain for f>',
    os.__file__, werkzeug.__file__, clastic_like.__file__, json.__file__,
])
def test_library_files_are_not_user_files(path):
    """Stdlib, installed packages, Werkzeug, clastic_like and pseudo files are not the user's."""
    assert not is_user_file(path)


def test_project_file_is_a_user_file(tmp_path):
    """A file in a project directory is the user's."""
    assert is_user_file(str(tmp_path / 'web.py'))


def test_filter_user_files_sorts_and_deduplicates(tmp_path):
    """filter_user_files keeps the user's files, sorted, once each."""
    b, a = str(tmp_path / 'b.py'), str(tmp_path / 'a.py')
    assert filter_user_files([b, os.__file__, a, b]) == [a, b]


# -- the page -----------------------------------------------------------------------------------------------

def test_create_app_returns_an_application():
    """create_app builds a clastic_like Application."""
    assert isinstance(create_app(NAME_ERROR_TB), Application)


@pytest.mark.parametrize('method, path', [
    ('GET', '/'), ('GET', '/deep/path/here'), ('POST', '/form'), ('DELETE', '/x'), ('GET', '/clastic_assets/x.css'),
    ('GET', '/%00'), ('HEAD', '/'),
])
def test_every_request_gets_the_page_with_500(method, path):
    """FL1 (status changed): every path and method gets the page, with status 500."""
    resp = get(create_app(NAME_ERROR_TB), path, method=method)
    assert resp.status_code == 500 and (method == 'HEAD' or 'plarp' in resp.get_data(as_text=True))


def test_page_is_not_cached():
    """The page says ``Cache-Control: no-store``, so a reload reaches the fixed application."""
    assert get(create_app(NAME_ERROR_TB)).headers['Cache-Control'] == 'no-store'


def test_html_page_shows_parsed_error_file_and_line():
    """FL1: the HTML page shows the exception type and message, and the user's file and line."""
    body = get(create_app(NAME_ERROR_TB), accept='text/html').get_data(as_text=True)
    assert 'NameError' in body and 'plarp' in body and '/srv/project/app/web.py, line 12' in body


def test_html_page_escapes_the_traceback():
    """Markup in the exception message is escaped on the page."""
    tb = NAME_ERROR_TB.replace("name 'plarp' is not defined", '<script>alert(1)</script>')
    body = get(create_app(tb), accept='text/html').get_data(as_text=True)
    assert '<script>' not in body and '&lt;script&gt;alert(1)' in body


def test_page_lists_user_files_and_folds_all_files(tmp_path):
    """FL1: the watched user files are listed; the full list (with library files) is folded away."""
    user = str(tmp_path / 'web.py')
    body = get(create_app(NAME_ERROR_TB, [os.__file__, user]), accept='text/html').get_data(as_text=True)
    main_list, _, folded = body.partition('<details>')
    assert user in main_list and os.__file__ not in main_list and os.__file__ in folded


def test_unparsable_traceback_shows_its_last_line():
    """FL1: when the text cannot be parsed, the page shows its last line."""
    body = get(create_app('something odd\nfinal words here'), accept='text/html').get_data(as_text=True)
    assert 'final words here' in body


def test_text_page():
    """Without an Accept header the page is plain text with the error, location and traceback."""
    resp = get(create_app(NAME_ERROR_TB))
    body = resp.get_data(as_text=True)
    assert resp.mimetype == 'text/plain'
    assert "NameError: name 'plarp' is not defined" in body and 'in /srv/project/app/web.py, line 12' in body


def test_json_page():
    """With ``Accept: application/json`` the page is JSON with the parsed error and the files."""
    data = json.loads(get(create_app(NAME_ERROR_TB, ['/srv/project/app/web.py']),
                          accept='application/json').get_data(as_text=True))
    assert data['parsed']['exc_type'] == 'NameError' and data['user_files'] == ['/srv/project/app/web.py']


def test_monitored_files_are_not_mutated():
    """create_app leaves the caller's list of files as it was (Clastic sorted it in place)."""
    files = ['/z.py', '/a.py']
    create_app(NAME_ERROR_TB, files)
    assert files == ['/z.py', '/a.py']


@pytest.mark.parametrize('value', [None, b'Traceback', 42, ['Traceback']])
def test_create_app_refuses_a_non_string_traceback(value):
    """create_app refuses anything but a string, saying what it expected."""
    with pytest.raises(TypeError, match='expects the traceback as a string'):
        create_app(value)


def test_page_from_a_real_traceback():
    """A traceback made by Python itself parses and is shown."""
    import traceback
    try:
        exec(compile('x = 1\nplarp\n', '/srv/project/app/real.py', 'exec'), {})
    except NameError:
        tb = traceback.format_exc()
    parsed = ParsedTraceback.from_string(tb)
    assert (parsed.exc_type_name, parsed.source_file, parsed.source_lineno) == ('NameError', '/srv/project/app/real.py', 2)
