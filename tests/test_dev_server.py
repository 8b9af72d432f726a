"""The development server (``clastic_like.server`` and ``Application.serve``).

Most tests replace Werkzeug's ``run_simple`` with a recorder; the end-to-end
tests start ``python -m clastic_like serve`` on 127.0.0.1 in its own process
group, bounded in time, and always kill the group.  Statement ids (SV1-SV4,
FL1, E10) refer to /work/shared/spec/clastic-reference.md.
"""
from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import uuid

import pytest

import clastic_like.server as server
from clastic_like import Application, render_basic
from clastic_like.errors import ContextualErrorHandler, REPLErrorHandler
from clastic_like.server import AppImportError, ImportTarget, load_app, parse_import_string, run_app, run_from_import_string
from tests._process import free_port

DEADLINE = 20.0

GOOD_MODULE = '''
from clastic_like import Application, render_basic

def home(name='fixed'):
    return 'hello ' + name

app = Application([('/', home, render_basic)])

def create_app():
    return app

def make_app(config):
    return app

not_an_app = 42
'''


# -- helpers ---------------------------------------------------------------------------------------

class Recorder:
    """Stands in for ``run_simple``: records each call instead of serving."""

    def __init__(self):
        self.calls = []

    def __call__(self, hostname, port, application, **kw):
        self.calls.append({'hostname': hostname, 'port': port, 'application': application, **kw})

    @property
    def last(self):
        return self.calls[-1]


@pytest.fixture
def recorder(monkeypatch):
    rec = Recorder()
    monkeypatch.setattr(server, 'run_simple', rec)
    return rec


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A fresh importable package in a temporary directory; write modules with ``package.write``."""
    name = 'devpkg_' + uuid.uuid4().hex[:8]
    pkg_dir = tmp_path / name
    pkg_dir.mkdir()
    (pkg_dir / '__init__.py').write_text('')
    monkeypatch.syspath_prepend(str(tmp_path))

    class Package:
        def write(self, module, source):
            path = pkg_dir / f'{module}.py'
            path.write_text(textwrap.dedent(source))
            return f'{name}.{module}', str(path)

    Package.name = name
    yield Package()
    for mod in [m for m in sys.modules if m == name or m.startswith(name + '.')]:
        del sys.modules[mod]


def hello():
    return 'hello'


def boom():
    raise RuntimeError('boom')


# -- Application.serve ---------------------------------------------------------------------------------

def test_serve_defaults(recorder):
    """SV3 (changed): serve() runs Werkzeug's server on 127.0.0.1:5000, threaded, with the reloader."""
    app = Application([('/', hello, render_basic)])
    app.serve()
    call = recorder.last
    assert (call['hostname'], call['port'], call['application']) == ('127.0.0.1', 5000, app)
    assert (call['use_reloader'], call['threaded'], call['use_debugger']) == (True, True, False)


def test_serve_passes_options_through(recorder):
    """serve() passes its arguments and extra keywords on to run_simple."""
    Application([]).serve('127.0.0.1', 8123, use_reloader=False, threaded=False, reloader_interval=2)
    call = recorder.last
    assert (call['port'], call['use_reloader'], call['threaded'], call['reloader_interval']) == (8123, False, False, 2)


def test_debug_app_gets_the_debugger_and_reraises(recorder):
    """E10/SV2 (fixed): with debug=True the debugger is on and the debug handler re-raises, so it sees exceptions."""
    app = Application([('/', boom)], debug=True)
    app.serve()
    assert recorder.last['use_debugger'] is True and isinstance(app.error_handler, ContextualErrorHandler)
    with pytest.raises(RuntimeError, match='boom'):
        app.get_local_client().get('/')


def test_debugger_can_be_turned_off(recorder):
    """``use_debugger=False`` keeps the debugger off and the handler unchanged, even with debug=True."""
    app = Application([], debug=True)
    app.serve(use_debugger=False)
    assert recorder.last['use_debugger'] is False and app.error_handler.reraise_uncaught is False


def test_debugger_can_be_turned_on_for_production_handler(recorder):
    """``use_debugger=True`` on a non-debug application makes its handler re-raise."""
    app = Application([])
    app.serve(use_debugger=True)
    assert recorder.last['use_debugger'] is True and app.error_handler.reraise_uncaught is True


def test_repl_handler_is_not_wrapped_twice(recorder):
    """An application whose handler already wraps it in the debugger does not get a second one."""
    app = Application([], error_handler=REPLErrorHandler(), debug=True)
    app.serve()
    assert recorder.last['use_debugger'] is False


@pytest.mark.parametrize('port', [-1, 65536, '5000', 5000.0, True, None])
def test_bad_port_is_refused(recorder, port):
    """A port that is not an integer in 0-65535 is refused before anything starts, naming it."""
    with pytest.raises(ValueError, match='port must be an integer between 0 and 65535'):
        Application([]).serve(port=port)
    assert recorder.calls == []


def test_run_app_refuses_non_application(recorder):
    """run_app() refuses anything but an Application, saying what it got."""
    with pytest.raises(TypeError, match='expects a clastic_like Application'):
        run_app(hello)


# -- MODULE:APP strings ------------------------------------------------------------------------------------

@pytest.mark.parametrize('text, expected', [
    ('pkg.web:app', ImportTarget('pkg.web:app', 'pkg.web', ('app',), False)),
    ('web:create_app()', ImportTarget('web:create_app()', 'web', ('create_app',), True)),
    ('a.b.c:site.app', ImportTarget('a.b.c:site.app', 'a.b.c', ('site', 'app'), False)),
    ('  web:app  ', ImportTarget('web:app', 'web', ('app',), False)),
])
def test_parse_import_string(text, expected):
    """MODULE:APP, MODULE:factory() and dotted attributes parse into their parts."""
    assert parse_import_string(text) == expected


@pytest.mark.parametrize('text, message', [
    ('pkg.web', 'expected MODULE:APP'),
    ('', 'expected MODULE:APP'),
    (':app', "'' is not a dotted module path"),
    ('pkg.web:', "'' is not an attribute name"),
    ('pkg..web:app', 'is not a dotted module path'),
    ('1pkg:app', 'is not a dotted module path'),
    ('pkg/web.py:app', 'is not a dotted module path'),
    ('pkg.web:create_app(debug=True)', 'only a zero-argument call'),
    ('pkg.web:app()()', 'is not an attribute name'),
    ('pkg.web:app;rm -rf', 'is not an attribute name'),
    ('pkg.web:a:b', 'is not an attribute name'),
    ('pkg.web:app\n', None),
])
def test_bad_import_string_is_refused(text, message):
    """A malformed MODULE:APP is an AppImportError quoting the string and showing the expected shape."""
    if message is None:  # surrounding whitespace is forgiven
        assert parse_import_string(text).attrs == ('app',)
        return
    with pytest.raises(AppImportError, match=message) as info:
        parse_import_string(text)
    assert repr(text.strip()) in str(info.value)


@pytest.mark.parametrize('value', [None, 42, b'pkg:app'])
def test_non_string_import_string_is_refused(value):
    """Anything but a string is refused with the expected shape."""
    with pytest.raises(AppImportError, match='Expected a MODULE:APP string'):
        parse_import_string(value)


def test_load_app_attribute(package):
    """load_app returns the Application named by MODULE:APP."""
    module, _ = package.write('web', GOOD_MODULE)
    assert load_app(f'{module}:app') is sys.modules[module].app


def test_load_app_factory(package):
    """MODULE:factory() calls a zero-argument factory."""
    module, _ = package.write('web', GOOD_MODULE)
    assert load_app(f'{module}:create_app()') is sys.modules[module].app


@pytest.mark.parametrize('attr, message', [
    ('missing', "has no attribute 'missing'. Applications defined there: ['app']"),
    ('not_an_app', 'it is int 42, not a clastic_like Application'),
    ('create_app', "If it builds the application, call it: '{module}:create_app()'"),
    ('make_app()', "the factory needs arguments ['config']"),
    ('not_an_app()', 'is not callable'),
    ('app.missing', "has no attribute 'missing'"),
])
def test_load_app_explains_what_is_wrong(package, attr, message):
    """A MODULE:APP naming nothing usable is an AppImportError saying what was found and what to do."""
    module, _ = package.write('web', GOOD_MODULE)
    with pytest.raises(AppImportError, match=re.escape(message.format(module=module))):
        load_app(f'{module}:{attr}')


def test_load_app_missing_module(package):
    """A module that does not exist is an AppImportError naming it and the current directory."""
    with pytest.raises(AppImportError, match=rf"no module named '{package.name}.nothere'.*current directory"):
        load_app(f'{package.name}.nothere:app')


def test_missing_import_inside_module_propagates(package):
    """A missing import inside the application module is the application's error, not a bad string."""
    module, _ = package.write('web', 'import no_such_dependency_xyz\n')
    with pytest.raises(ModuleNotFoundError, match='no_such_dependency_xyz'):
        load_app(f'{module}:app')


def test_construction_error_propagates(package):
    """An Application that fails to build raises its own NameError through load_app."""
    module, _ = package.write('web', '''
        from clastic_like import Application, render_basic
        def home(first_name):
            return first_name
        app = Application([('/', home, render_basic)])
    ''')
    with pytest.raises(NameError, match='first_name'):
        load_app(f'{module}:app')


# -- run_from_import_string ------------------------------------------------------------------------------

@pytest.fixture
def as_child(monkeypatch):
    """Pretend to be the reloader's child process."""
    monkeypatch.setattr(server, 'is_running_from_reloader', lambda: True)


@pytest.fixture
def as_parent(monkeypatch):
    """Pretend to be the process the user started (the reloader's parent)."""
    monkeypatch.setattr(server, 'is_running_from_reloader', lambda: False)


def test_without_reloader_serves_the_app(recorder, package, as_parent):
    """Without the reloader the application is imported and served directly."""
    module, _ = package.write('web', GOOD_MODULE)
    run_from_import_string(f'{module}:app', port=8124, use_reloader=False)
    call = recorder.last
    assert call['application'] is sys.modules[module].app and (call['port'], call['use_reloader']) == (8124, False)


def test_without_reloader_a_broken_module_raises(recorder, package, as_parent):
    """Without the reloader a module that fails to import raises, and nothing is served."""
    module, _ = package.write('web', 'plarp\n')
    with pytest.raises(NameError, match='plarp'):
        run_from_import_string(f'{module}:app', use_reloader=False)
    assert recorder.calls == []


def test_reloader_parent_does_not_import_the_app(recorder, package, as_parent):
    """SV4: the reloader's first process only holds the socket; it never imports the application."""
    module, _ = package.write('web', 'raise SystemExit("imported in the parent")\n')
    run_from_import_string(f'{module}:app')
    assert recorder.last['use_reloader'] is True and module not in sys.modules


def test_reloader_parent_refuses_a_missing_module(recorder, package, as_parent):
    """A module that cannot be found is reported at once, before the reloader starts."""
    with pytest.raises(AppImportError, match='no module named'):
        run_from_import_string(f'{package.name}.nothere:app')
    assert recorder.calls == []


def test_reloader_parent_refuses_a_malformed_string(recorder, as_parent):
    """A malformed MODULE:APP is reported at once, before the reloader starts."""
    with pytest.raises(AppImportError, match='expected MODULE:APP'):
        run_from_import_string('no_colon_here')
    assert recorder.calls == []


def test_reloader_child_serves_the_app(recorder, package, as_child):
    """The reloader's child imports and serves the application."""
    module, _ = package.write('web', GOOD_MODULE)
    run_from_import_string(f'{module}:app')
    assert recorder.last['application'] is sys.modules[module].app


@pytest.mark.parametrize('source, expected', [
    ('plarp\n', "NameError: name 'plarp' is not defined"),
    ('def broken(:\n    pass\n', 'SyntaxError'),
    ('''
        from clastic_like import Application, render_basic
        def home(first_name):
            return first_name
        app = Application([('/', home, render_basic)])
     ''', 'first_name'),
    ('x = 1\n', "has no attribute 'app'"),
])
def test_reloader_child_serves_the_flaw_page_and_watches_the_file(recorder, package, as_child, source, expected):
    """SV4/FL1: when loading fails under the reloader, the flaw page is served and the broken file watched."""
    module, path = package.write('web', source)
    run_from_import_string(f'{module}:app')
    call = recorder.last
    resp = call['application'].get_local_client().get('/anything')
    body = resp.get_data(as_text=True)
    assert resp.status_code == 500 and expected in body and 'web.py' in body
    assert path in call['extra_files'] and call['use_reloader'] is True


def test_flaw_traceback_starts_in_the_users_code(recorder, package, as_child):
    """The flaw page's traceback leaves out the loading machinery (clastic_like.server, importlib)."""
    module, _ = package.write('web', 'plarp\n')
    run_from_import_string(f'{module}:app')
    body = recorder.last['application'].get_local_client().get('/').get_data(as_text=True)
    traceback_text = body.partition('Traceback (most recent call last):')[2].partition('Watched files')[0]
    assert 'plarp' in traceback_text and 'importlib' not in traceback_text and 'server.py' not in traceback_text


def test_reloader_child_keeps_extra_files(recorder, package, as_child):
    """extra_files given by the caller are still watched when the flaw page is served."""
    module, path = package.write('web', 'plarp\n')
    run_from_import_string(f'{module}:app', extra_files=['settings.toml'])
    assert recorder.last['extra_files'] == ['settings.toml', path]


# -- end to end: a real process on 127.0.0.1 -----------------------------------------------------------------



def _fetch(port, path='/', accept='text/plain'):
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=5)
    try:
        conn.request('GET', path, headers={'Accept': accept})
        resp = conn.getresponse()
        return resp.status, resp.read().decode('utf-8', 'replace')
    finally:
        conn.close()


@contextlib.contextmanager
def dev_server(cwd, *args):
    """Run ``python -m clastic_like serve ARGS`` in its own process group; always kill the group."""
    log_path = os.path.join(cwd, 'server.log')
    env = {k: v for k, v in os.environ.items() if not k.startswith('WERKZEUG_')}
    env.update(PYTHONDONTWRITEBYTECODE='1', PYTHONUNBUFFERED='1')
    with open(log_path, 'wb') as log:
        proc = subprocess.Popen([sys.executable, '-m', 'clastic_like', 'serve', *args], cwd=cwd, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield proc, log_path
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _poll(proc, log_path, port, wanted, path='/', accept='text/plain'):
    """Fetch until ``wanted(status, body)`` holds; fail (with the server log) after DEADLINE seconds."""
    deadline = time.monotonic() + DEADLINE
    last = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            last = _fetch(port, path, accept)
        except (OSError, http.client.HTTPException) as exc:
            # Refused, reset, or cut mid-answer (IncompleteRead) while the
            # reloader swaps processes: poll again.
            last = exc
        else:
            if wanted(*last):
                return last
        time.sleep(0.2)
    with open(log_path, encoding='utf-8', errors='replace') as f:
        pytest.fail(f'no wanted answer (exit code {proc.poll()}); last: {last!r}\nserver log:\n{f.read()}')


def _rewrite(path, source):
    """Replace a file's content and make sure its mtime moves forward (coarse clocks, same-second writes)."""
    before = os.stat(path).st_mtime_ns
    with open(path, 'w') as f:
        f.write(textwrap.dedent(source))
    later = max(os.stat(path).st_mtime_ns, before + 2_000_000_000)
    os.utime(path, ns=(later, later))


BROKEN_SOURCES = {
    'construction-error': ('''
        from clastic_like import Application, render_basic
        def home(first_name):
            return first_name
        app = Application([('/', home, render_basic)])
    ''', 'first_name'),
    'syntax-error': ('def home(:\n    pass\n', 'SyntaxError'),
}


@pytest.mark.server
@pytest.mark.parametrize('case', sorted(BROKEN_SOURCES))
def test_flaw_page_until_the_file_is_fixed(tmp_path, case):
    """FL1/SV4 end to end: a broken app gets the flaw page (500); fixing the file serves the app again."""
    source, expected = BROKEN_SOURCES[case]
    pkg = tmp_path / 'flawpkg'
    pkg.mkdir()
    (pkg / '__init__.py').write_text('')
    web = pkg / 'web.py'
    web.write_text(textwrap.dedent(source))
    port = free_port()
    with dev_server(str(tmp_path), 'flawpkg.web:app', '--port', str(port)) as (proc, log_path):
        status, body = _poll(proc, log_path, port, lambda s, b: s == 500)
        assert expected in body and 'web.py' in body
        _rewrite(str(web), GOOD_MODULE)
        assert _poll(proc, log_path, port, lambda s, b: s == 200) == (200, 'hello fixed')


@pytest.mark.server
def test_debug_app_exceptions_reach_werkzeug_debugger(tmp_path):
    """E10/SV2 end to end: with debug=True, an uncaught exception is shown by Werkzeug's debugger."""
    (tmp_path / 'dbgapp.py').write_text(textwrap.dedent('''
        from clastic_like import Application, render_basic
        def home():
            return 'home'
        def boom():
            raise RuntimeError('debugger-should-see-this')
        app = Application([('/', home, render_basic), ('/boom', boom, render_basic)], debug=True)
    '''))
    port = free_port()
    with dev_server(str(tmp_path), 'dbgapp:app', '--port', str(port), '--no-reload') as (proc, log_path):
        assert _poll(proc, log_path, port, lambda s, b: s == 200) == (200, 'home')
        status, body = _fetch(port, '/boom', accept='text/html')
        assert status == 500 and 'Werkzeug Debugger' in body and 'debugger-should-see-this' in body
