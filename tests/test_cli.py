"""The command line (``clastic_like.cli`` and ``python -m clastic_like``).

Commands run in-process through ``main(argv)``; ``serve`` never starts a
server here (``run_from_import_string`` is replaced by a recorder; the real
server is tested in test_dev_server.py).
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid

import pytest

import clastic_like.cli as cli
from clastic_like.cli import EXIT_APP_ERROR, EXIT_OK, EXIT_USAGE, main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

APP_MODULE = '''
from clastic_like import Application, GET, Middleware, Route, render_basic, render_json


class Stamp(Middleware):
    provides = ('stamp',)

    def request(self, next, request):
        return next(stamp='s1')


def show_user(user_id, db, stamp, fmt='short'):
    return {'id': user_id}


def raw(request):
    from clastic_like import Response
    return Response('raw')


def my_render_error(_error):
    from clastic_like import Response
    return Response('err', status=_error.code)


app = Application([GET('/users/<user_id:int>', show_user, render_json),
                   Route('/raw', raw, render_error=my_render_error)],
                  resources={'db': {}}, middlewares=[Stamp()])


def create_app():
    return app
'''

BROKEN_MODULE = '''
from clastic_like import Application, render_basic


def greet(first_name):
    return first_name


def create_app():
    return Application([('/hello/<name>', greet, render_basic)])
'''


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A fresh importable package with ``web`` (a good app) and ``broken`` (a factory that fails)."""
    name = 'clipkg_' + uuid.uuid4().hex[:8]
    pkg = tmp_path / name
    pkg.mkdir()
    (pkg / '__init__.py').write_text('')
    (pkg / 'web.py').write_text(textwrap.dedent(APP_MODULE))
    (pkg / 'broken.py').write_text(textwrap.dedent(BROKEN_MODULE))
    (pkg / 'syntax.py').write_text('def oops(:\n    pass\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    for mod in [m for m in sys.modules if m == name or m.startswith(name + '.')]:
        del sys.modules[mod]


@pytest.fixture
def no_server(monkeypatch):
    """Record what ``serve`` would run instead of running it."""
    calls = []
    monkeypatch.setattr(cli, 'run_from_import_string', lambda *a, **kw: calls.append((a, kw)))
    return calls


@pytest.fixture
def never_serve(monkeypatch):
    """Fail instead of starting a server, should a test reach Werkzeug's run_simple by mistake."""
    def refuse(*a, **kw):
        raise AssertionError('a test tried to start a real server')
    monkeypatch.setattr('clastic_like.server.run_simple', refuse)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- help and usage ------------------------------------------------------------------------------------

@pytest.mark.parametrize('argv', [['--help'], ['serve', '--help'], ['routes', '--help'], ['check', '--help']])
def test_help_everywhere(capsys, argv):
    """``--help`` works for the program and each command, and exits 0."""
    code, out, _ = run(capsys, *argv)
    assert code == EXIT_OK and out.startswith('usage: clastic-like')


def test_no_command_prints_help_and_fails(capsys):
    """Without a command, the help goes to stderr and the exit status is 2."""
    code, _, err = run(capsys)
    assert code == EXIT_USAGE and 'serve' in err and 'routes' in err and 'check' in err


@pytest.mark.parametrize('argv', [
    ['frobnicate'], ['serve'], ['check'], ['serve', 'a:b', '--port', 'http'], ['serve', 'a:b', '--port', '70000'],
    ['serve', 'a:b', '--port', '-1'], ['serve', 'a:b', '--debug', '--no-debugger'], ['routes', 'a:b', '--bogus'],
])
def test_usage_errors_exit_2(capsys, argv, no_server):
    """Unknown commands, missing arguments, bad ports and conflicting flags are usage errors (exit 2)."""
    code, _, err = run(capsys, *argv)
    assert code == EXIT_USAGE and 'error:' in err and no_server == []


def test_module_entry_point_runs_main():
    """``python -m clastic_like --help`` runs the command line."""
    done = subprocess.run([sys.executable, '-m', 'clastic_like', '--help'], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and 'usage: clastic-like' in done.stdout


# -- bad MODULE:APP: one line, no traceback, exit 2 --------------------------------------------------

BAD_TARGETS = [
    ('{pkg}.web', 'expected MODULE:APP'),
    ('{pkg}.nothere:app', "no module named '{pkg}.nothere'"),
    ('nothere_{pkg}:app', "no module named 'nothere_{pkg}'"),
    ('{pkg}.web:missing', "has no attribute 'missing'"),
    ('{pkg}.web:show_user', 'not a clastic_like Application'),
    ('{pkg}.web:create_app(1)', 'only a zero-argument call'),
    ('{pkg}.web:Stamp()', 'not a clastic_like Application'),
]


@pytest.mark.parametrize('command', [['check'], ['routes'], ['serve', '--no-reload']], ids=lambda c: c[0])
@pytest.mark.parametrize('target, message', BAD_TARGETS)
def test_bad_target_is_one_line_exit_2(capsys, package, never_serve, command, target, message):
    """A MODULE:APP that names nothing usable: exit 2, one line on stderr saying why, no traceback."""
    code, out, err = run(capsys, command[0], target.format(pkg=package), *command[1:])
    assert code == EXIT_USAGE and out == ''
    assert err.count('\n') == 1 and message.format(pkg=package) in err and 'Traceback' not in err


@pytest.mark.parametrize('target', ['nocolon', 'nothere_xyz_42:app'])
def test_serve_with_reloader_refuses_bad_target_at_once(capsys, never_serve, target):
    """With the reloader on, a malformed string or a missing module is still reported at once (exit 2)."""
    code, _, err = run(capsys, 'serve', target)
    assert code == EXIT_USAGE and err.count('\n') == 1


# -- check --------------------------------------------------------------------------------------------

def test_check_ok(capsys, package):
    """``check`` exits 0 with a one-line summary of the application."""
    code, out, _ = run(capsys, 'check', f'{package}.web:app')
    assert code == EXIT_OK
    assert out == (f'OK: {package}.web:app builds: 2 routes, 1 application middleware, resources [\'db\'],'
                   ' error handler ErrorHandler, debug off.\n')


def test_check_factory(capsys, package):
    """``check`` accepts MODULE:factory()."""
    assert run(capsys, 'check', f'{package}.web:create_app()')[0] == EXIT_OK


def test_check_construction_error(capsys, package):
    """``check`` prints a construction error on one line with its location, and exits 1."""
    code, out, err = run(capsys, 'check', f'{package}.broken:create_app()')
    assert code == EXIT_APP_ERROR and out == '' and err.count('\n') == 1 and 'Traceback' not in err
    assert 'NameError' in err and "'first_name'" in err and 'broken.py:10' in err


def test_check_syntax_error(capsys, package):
    """``check`` reports a syntax error with the file and line, and exits 1."""
    code, _, err = run(capsys, 'check', f'{package}.syntax:app')
    assert code == EXIT_APP_ERROR and 'SyntaxError' in err and 'syntax.py:1' in err


def test_check_example_broken_startup(capsys):
    """examples/broken_startup.py fails ``check`` with its construction error."""
    code, _, err = run(capsys, 'check', 'examples.broken_startup:create_app()')
    assert code == EXIT_APP_ERROR and 'first_name' in err and 'broken_startup.py' in err


def test_check_example_errors_showcase(capsys):
    """examples/errors_showcase.py passes ``check``."""
    assert run(capsys, 'check', 'examples.errors_showcase:app')[0] == EXIT_OK


# -- routes ------------------------------------------------------------------------------------------

def test_routes_lists_pattern_methods_endpoint_and_render(capsys, package):
    """``routes`` shows each route's pattern, methods, endpoint and render."""
    code, out, _ = run(capsys, 'routes', f'{package}.web:app')
    assert code == EXIT_OK
    assert '/users/<user_id:int>\n  methods       GET, HEAD\n' in out
    assert f'  endpoint      {package}.web.show_user\n' in out
    assert 'render        clastic_like.render.simple.JSONRender instance' in out
    assert '/raw\n  methods       any\n' in out and 'render        none (the endpoint returns a Response)' in out


def test_routes_lists_the_source_of_each_argument(capsys, package):
    """``routes`` shows where each argument of each function in the chain comes from."""
    out = run(capsys, 'routes', f'{package}.web:app')[1]
    section = out.split('\n/raw\n')[0]
    for line in ('    middleware Stamp.request', '      request  <- built-ins',
                 f'    endpoint {package}.web.show_user', '      user_id  <- URL bindings',
                 '      db       <- resources', '      stamp    <- provided by Stamp.request',
                 '      fmt      <- default value', '      context  <- built-in'):
        assert line + '\n' in section


def test_routes_shows_render_error(capsys, package):
    """``routes`` names each route's render_error (its own, or the handler's)."""
    out = run(capsys, 'routes', f'{package}.web:app')[1]
    assert f'render_error  {package}.web.my_render_error' in out and 'ErrorHandler.render_error' in out


def test_routes_of_an_empty_application(capsys, tmp_path, monkeypatch):
    """``routes`` of an application without routes says so."""
    name = 'emptyapp_' + uuid.uuid4().hex[:8]
    (tmp_path / f'{name}.py').write_text('from clastic_like import Application\napp = Application([])\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        out = run(capsys, 'routes', f'{name}:app')[1]
    finally:
        sys.modules.pop(name, None)
    assert '0 routes' in out and 'every request gets 404' in out


# -- serve -------------------------------------------------------------------------------------------

def test_serve_defaults(capsys, no_server):
    """``serve`` runs on 127.0.0.1:5000 with the reloader, the debugger following the app's debug flag."""
    assert run(capsys, 'serve', 'pkg.web:app')[0] == EXIT_OK
    assert no_server == [(('pkg.web:app',), {'address': '127.0.0.1', 'port': 5000, 'use_reloader': True,
                                             'use_debugger': None})]


@pytest.mark.parametrize('flags, expected', [
    (['--host', '0.0.0.0', '--port', '8080'], {'address': '0.0.0.0', 'port': 8080}),
    (['--address', '127.0.0.2'], {'address': '127.0.0.2'}),
    (['--no-reload'], {'use_reloader': False}),
    (['--no-reloader'], {'use_reloader': False}),
    (['--debug'], {'use_debugger': True}),
    (['--no-debugger'], {'use_debugger': False}),
])
def test_serve_flags(capsys, no_server, flags, expected):
    """``serve`` flags map onto the server's options (SV1's --address and --no-reloader are kept)."""
    run(capsys, 'serve', 'pkg.web:app', *flags)
    kw = no_server[0][1]
    assert {k: kw[k] for k in expected} == expected


def test_serve_construction_error_without_reloader(capsys, package, never_serve):
    """``serve --no-reload`` of an application that fails to build: one line, exit 1."""
    code, _, err = run(capsys, 'serve', f'{package}.broken:create_app()', '--no-reload')
    assert code == EXIT_APP_ERROR and err.count('\n') == 1 and 'first_name' in err


def test_serve_reports_address_in_use(capsys, package, monkeypatch):
    """``serve`` on a port that cannot be bound says so on one line and exits 1."""
    def fail(*a, **kw):
        raise OSError(98, 'Address already in use')
    monkeypatch.setattr('clastic_like.server.run_simple', fail)
    code, _, err = run(capsys, 'serve', f'{package}.web:app', '--no-reload', '--port', '5999')
    assert code == EXIT_APP_ERROR and 'cannot serve on 127.0.0.1:5999: Address already in use' in err


# -- describe_failure -------------------------------------------------------------------------------

def test_describe_failure_is_one_line():
    """A multi-line exception message becomes one line."""
    assert cli.describe_failure(ValueError('a\nb\n  c')) == 'ValueError: a b c'


def test_submodule_shadowing_an_attribute_gets_a_hint(tmp_path, monkeypatch, capsys):
    """MODULE:app naming a submodule 'app' explains that the submodule hides the attribute."""
    pkg = tmp_path / 'shadowpkg'
    pkg.mkdir()
    (pkg / '__init__.py').write_text('from . import app\n')
    (pkg / 'app.py').write_text('x = 1\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    code, _, err = run(capsys, 'check', 'shadowpkg:app')
    assert code != 0 and 'submodule' in err and 'hides' in err
