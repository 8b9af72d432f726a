"""``clastic_like.static``: StaticApplication and StaticFileRoute (§2.14, SF1-SF6)."""
from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest

from clastic_like import Application, render_basic
from clastic_like.static import StaticApplication, StaticFileRoute, find_file, is_binary_string

SECRET = 'TOP-SECRET-OUTSIDE-THE-ROOT'
MTIME = datetime(2022, 1, 2, 3, 4, 5, tzinfo=timezone.utc).timestamp()
MTIME_HTTP = 'Sun, 02 Jan 2022 03:04:05 GMT'
BIG = bytes(range(256)) * 400  # 102400 bytes: more than one read chunk


@pytest.fixture
def tree(tmp_path):
    """A static root with text, binary, hidden and symlinked files, and a secret outside it."""
    root = tmp_path / 'root'
    outside = tmp_path / 'outside'
    (root / 'sub').mkdir(parents=True)
    (root / '.hidden').mkdir()
    outside.mkdir()
    files = {
        'hello.txt': b'hello world\n',
        'page.html': b'<!DOCTYPE html><p>hi</p>',
        'style.css': b'body { color: red }',
        'app.js': b'console.log(1)',
        'data.json': b'{"a": 1}',
        'code.py': b'print(1)\n',
        'image.png': b'\x89PNG\r\n\x1a\n' + bytes(20),
        'notes': b'plain text without an extension\n',
        'blob': b'\x00\x01\x02\xff binary',
        'archive.tar.gz': b'\x1f\x8b' + bytes(10),
        'empty.txt': b'',
        'big.bin': BIG,
        'sub/inner.txt': b'inner',
        '.env': b'SECRET_KEY=dotfile',
        'sub/.secret': b'dotfile in sub',
        '.hidden/file.txt': b'in a hidden directory',
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
        os.utime(root / name, (MTIME, MTIME))
    (outside / 'secret.txt').write_text(SECRET, encoding='utf-8')
    os.symlink(root / 'hello.txt', root / 'link_in.txt')
    os.symlink(outside / 'secret.txt', root / 'link_out.txt')
    os.symlink(outside, root / 'link_dir')
    return root


@pytest.fixture
def client(tree):
    """``/static`` serves the root; a later catch-all route proves 404/403 are non-breaking."""
    app = Application([('/static', StaticApplication(str(tree))),
                       ('/fallback/<rest*>', lambda rest: 'fallback', render_basic)])
    return app.get_local_client()


def get(client, path, **kw):
    return client.get(path, buffered=True, **kw)


# -- SF1: finding files ------------------------------------------------------------------------

def test_serves_file_under_root(client):
    """SF1: a file under the root is served with its bytes."""
    resp = get(client, '/static/hello.txt')
    assert resp.status_code == 200 and resp.data == b'hello world\n'


def test_serves_file_in_subdirectory(client):
    """SF1: path segments are joined under the root."""
    assert get(client, '/static/sub/inner.txt').data == b'inner'


def test_search_paths_in_order(tmp_path):
    """SF1: roots are searched in order; the first regular file wins."""
    first, second = tmp_path / 'a', tmp_path / 'b'
    first.mkdir(), second.mkdir()
    (first / 'x.txt').write_text('first')
    (second / 'x.txt').write_text('second')
    (second / 'y.txt').write_text('only second')
    client = Application([('/', StaticApplication([first, second]))]).get_local_client()
    assert get(client, '/x.txt').data == b'first'
    assert get(client, '/y.txt').data == b'only second'


def test_missing_file_is_404(client):
    """SF1: no such file is a 404."""
    assert get(client, '/static/nope.txt').status_code == 404


def test_missing_file_is_non_breaking(tree):
    """SF1: the 404 is non-breaking, so a later route for the same path serves it."""
    app = Application([('/', StaticApplication(str(tree))), ('/<name>', lambda name: 'later ' + name, render_basic)])
    resp = get(app.get_local_client(), '/nope.txt')
    assert resp.status_code == 200 and resp.data == b'later nope.txt'


def test_refused_path_is_non_breaking_403(tree):
    """SF1: a refused path is a non-breaking 403: a later matching route may still answer."""
    app = Application([('/', StaticApplication(str(tree))), ('/<name>', lambda name: 'later', render_basic)])
    assert get(app.get_local_client(), '/link_out.txt').data == b'later'
    assert get(Application([('/', StaticApplication(str(tree)))]).get_local_client(), '/link_out.txt').status_code == 403


def test_overlapping_static_apps_chain(tmp_path):
    """SF1: two static applications on one prefix: the second serves what the first lacks."""
    a, b = tmp_path / 'a', tmp_path / 'b'
    a.mkdir(), b.mkdir()
    (b / 'only-b.txt').write_text('b')
    app = Application([('/s', StaticApplication(a)), ('/s', StaticApplication(b))])
    assert get(app.get_local_client(), '/s/only-b.txt').data == b'b'


# -- SF2: what is not served ------------------------------------------------------------------------

@pytest.mark.parametrize('path', ['/static/sub', '/static/sub/', '/static/', '/static'])
def test_directories_are_not_listed(client, path):
    """SF2: directories are 404 and never listed."""
    resp = get(client, path)
    assert resp.status_code == 404 and b'inner.txt' not in resp.data


@pytest.mark.parametrize('path', ['/static/.env', '/static/sub/.secret', '/static/.hidden/file.txt'])
def test_dotfiles_hidden_by_default(client, path):
    """SF2 (changed): dotfiles and dot-directories are 404 unless ``serve_dotfiles=True``."""
    resp = get(client, path)
    assert resp.status_code == 404 and b'dotfile' not in resp.data


def test_dotfiles_served_when_asked(tree):
    """SF2: ``serve_dotfiles=True`` serves them."""
    client = Application([('/', StaticApplication(str(tree), serve_dotfiles=True))]).get_local_client()
    assert get(client, '/.env').data == b'SECRET_KEY=dotfile'


def test_symlink_inside_root_is_served(client):
    """SF2: a symlink to a file inside the root is followed."""
    assert get(client, '/static/link_in.txt').data == b'hello world\n'


@pytest.mark.parametrize('path', ['/static/link_out.txt', '/static/link_dir/secret.txt'])
def test_symlink_outside_root_is_refused(client, path):
    """SF2 (fixed): a symlink leading outside the root is refused (403)."""
    resp = get(client, path)
    assert resp.status_code == 403 and SECRET.encode() not in resp.data


# -- hostile paths, through real requests ----------------------------------------------------------------

# (path, raw PATH_INFO?, expected status).  "raw" bypasses the test client's
# percent-decoding, as a server that does not decode (or a proxy that decodes
# twice) would present the path.
HOSTILE = [
    ('/static/../outside/secret.txt', False, 403),
    ('/static/%2e%2e/outside/secret.txt', False, 403),
    ('/static/%2E%2E/outside/secret.txt', False, 403),
    ('/static/.%2e/outside/secret.txt', False, 403),
    ('/static/..%2foutside%2fsecret.txt', False, 403),
    ('/static/..%2Foutside/secret.txt', False, 403),
    ('/static/%2e%2e%2foutside%2fsecret.txt', False, 403),
    ('/static/sub/../../outside/secret.txt', False, 403),
    ('/static/sub/%2e%2e/%2e%2e/outside/secret.txt', False, 403),
    ('/static/sub/inner.txt/..', False, 403),
    ('/static/..\\outside\\secret.txt', False, 403),
    ('/static/..%5coutside%5csecret.txt', False, 403),
    ('/static/%5c..%5coutside', False, 403),
    ('/static/%252e%252e/outside/secret.txt', False, 403),
    ('/static/%252e%252e%252foutside%252fsecret.txt', False, 403),
    ('/static/%25252e%25252e/outside/secret.txt', False, 403),
    ('/static/...', False, 403),
    ('/static/....//....//outside/secret.txt', False, 403),
    ('/static/hello.txt%00.png', False, 403),
    ('/static/%00', False, 403),
    ('/static/hello.txt%00', False, 403),
    ('/static/%7f', False, 403),
    ('/static/a%0d%0aSet-Cookie:x=1', False, 403),
    ('/static/C:/Windows/win.ini', False, 403),
    ('/static/c:%5cwindows%5cwin.ini', False, 403),
    ('/static/hello.txt::$DATA', False, 403),
    ('/static/CON', False, 403),
    ('/static/con.txt', False, 403),
    ('/static/NUL', False, 403),
    ('/static/aux.html', False, 403),
    ('/static/COM1', False, 403),
    ('/static/lpt9.txt', False, 403),
    ('/static/PRN', False, 403),
    ('/static/CONIN$', False, 403),
    ('/static/hello.txt.', False, 403),
    ('/static/hello.txt%20', False, 403),
    ('/static/link_out.txt', False, 403),
    ('/static/link_dir/secret.txt', False, 403),
    ('/static/.env', False, 404),
    ('/static/%2eenv', False, 404),
    ('/static/%252eenv', False, 404),
    ('/static/sub/.secret', False, 404),
    ('/static/~root/.bashrc', False, 404),
    ('/static//etc/passwd', False, 404),
    ('/static/%2fetc%2fpasswd', False, 404),
    ('/static/%c0%ae%c0%ae/outside/secret.txt', False, 404),
    ('/static/%u002e%u002e/outside/secret.txt', False, 404),
    ('/static/..;/outside/secret.txt', False, 404),
    ('/static/' + 'a' * 5000, False, 404),
    ('/static/%2e%2e/outside/secret.txt', True, 403),
    ('/static/..%2Foutside%2Fsecret.txt', True, 403),
    ('/static/../outside/secret.txt', True, 403),
    ('/static/..\\outside\\secret.txt', True, 403),
    ('/static/..%5c..%5coutside', True, 403),
    ('/static/\x00', True, 403),
    ('/static/\xc0\xae\xc0\xae/outside/secret.txt', True, 404),
    ('/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd', True, 403),
]


@pytest.mark.parametrize('path, raw, status', HOSTILE)
def test_hostile_paths_never_escape(client, path, raw, status):
    """SF1/SF2 (hardened): hostile paths are a 403 (refused) or 404 (hidden, absent), never the secret, never a 500."""
    kw = {'environ_overrides': {'PATH_INFO': path}} if raw else {}
    resp = client.get('/' if raw else path, buffered=True, **kw)
    assert resp.status_code == status
    assert SECRET.encode() not in resp.data and b'dotfile' not in resp.data


def test_hostile_table_is_large():
    """The hostile-path table keeps at least 40 cases."""
    assert len(HOSTILE) >= 40


def test_find_file_refuses_parent():
    """SF1: ``find_file`` raises ValueError for a path leaving the root."""
    with pytest.raises(ValueError):
        find_file(['/tmp'], ['..', 'etc', 'passwd'])


# -- SF3: response headers -------------------------------------------------------------------------------

@pytest.mark.parametrize('name, content_type', [
    ('hello.txt', 'text/plain; charset=utf-8'),
    ('page.html', 'text/html; charset=utf-8'),
    ('style.css', 'text/css; charset=utf-8'),
    ('app.js', 'text/javascript; charset=utf-8'),
    ('data.json', 'application/json; charset=utf-8'),
    ('code.py', 'text/x-python; charset=utf-8'),
    ('image.png', 'image/png'),
    ('notes', 'text/plain; charset=utf-8'),
    ('blob', 'application/octet-stream'),
    ('archive.tar.gz', 'application/gzip'),
    ('big.bin', 'application/octet-stream'),
])
def test_content_type(client, name, content_type):
    """SF3 (changed): type by extension, else sniffed; text types carry a charset; compressed files are not Content-Encoded."""
    resp = get(client, '/static/' + name)
    assert resp.headers['Content-Type'] == content_type
    assert 'Content-Encoding' not in resp.headers


def test_content_length_and_last_modified(client):
    """SF3: Content-Length is the size; Last-Modified is the file's mtime in HTTP date format."""
    resp = get(client, '/static/hello.txt')
    assert resp.headers['Content-Length'] == '12'
    assert resp.headers['Last-Modified'] == MTIME_HTTP


def test_last_modified_is_timezone_aware(client):
    """SF3 (fixed): Last-Modified parses to an aware UTC datetime."""
    assert get(client, '/static/hello.txt').last_modified == datetime.fromtimestamp(MTIME, tz=timezone.utc)


def test_cache_control_default(client):
    """SF3: Cache-Control carries ``max-age=360`` by default."""
    assert get(client, '/static/hello.txt').headers['Cache-Control'] == 'public, max-age=360'


def test_cache_control_custom_and_zero(tree):
    """SF3: ``cache_timeout`` sets max-age; 0 asks caches to revalidate (no-cache)."""
    c1 = Application([('/', StaticApplication(str(tree), cache_timeout=60))]).get_local_client()
    c0 = Application([('/', StaticApplication(str(tree), cache_timeout=0))]).get_local_client()
    assert get(c1, '/hello.txt').headers['Cache-Control'] == 'public, max-age=60'
    assert get(c0, '/hello.txt').headers['Cache-Control'] == 'no-cache'


def test_nosniff_and_accept_ranges(client):
    """SF3 (added): responses say ``X-Content-Type-Options: nosniff`` and ``Accept-Ranges: bytes``."""
    resp = get(client, '/static/hello.txt')
    assert resp.headers['X-Content-Type-Options'] == 'nosniff'
    assert resp.headers['Accept-Ranges'] == 'bytes'


def test_etag_is_stable_and_changes_with_file(client, tree):
    """SF3 (added): the ETag is the same for an unchanged file and changes when it changes."""
    first = get(client, '/static/hello.txt').headers['ETag']
    assert get(client, '/static/hello.txt').headers['ETag'] == first
    (tree / 'hello.txt').write_bytes(b'changed!')
    assert get(client, '/static/hello.txt').headers['ETag'] != first


def test_large_file_is_complete(client):
    """SF3: a file larger than one read chunk arrives complete."""
    assert get(client, '/static/big.bin').data == BIG


def test_head_has_headers_without_body(client):
    """SF3: HEAD answers the headers (with the real Content-Length) and no body."""
    resp = client.head('/static/hello.txt', buffered=True)
    assert resp.status_code == 200 and resp.data == b''
    assert resp.headers['Content-Length'] == '12'


def test_other_methods_are_405(client):
    """Static files answer GET and HEAD; POST is a 405 with Allow."""
    resp = client.post('/static/hello.txt', buffered=True)
    assert resp.status_code == 405 and resp.headers['Allow'] == 'GET, HEAD'


def test_is_binary_string():
    """SF3: NUL and other control bytes mark binary; text and UTF-8 do not."""
    assert is_binary_string(b'\x00abc') and not is_binary_string('héllo\n\t'.encode('utf-8'))


# -- SF4: conditional requests ------------------------------------------------------------------------

def test_if_none_match_gives_304(client):
    """SF4 (added): a matching If-None-Match is a 304 without body, keeping the ETag."""
    etag = get(client, '/static/hello.txt').headers['ETag']
    resp = get(client, '/static/hello.txt', headers={'If-None-Match': etag})
    assert resp.status_code == 304 and resp.data == b''
    assert resp.headers['ETag'] == etag and 'Content-Type' not in resp.headers


@pytest.mark.parametrize('header', ['*', 'W/{etag}', '"other", {etag}'])
def test_if_none_match_variants(client, header):
    """SF4: ``*``, weak and listed validators also match If-None-Match."""
    etag = get(client, '/static/hello.txt').headers['ETag']
    resp = get(client, '/static/hello.txt', headers={'If-None-Match': header.format(etag=etag)})
    assert resp.status_code == 304


def test_if_none_match_mismatch_is_200(client):
    """SF4: a different ETag gets the file."""
    assert get(client, '/static/hello.txt', headers={'If-None-Match': '"nope"'}).status_code == 200


@pytest.mark.parametrize('since, status', [
    (MTIME_HTTP, 304),
    ('Mon, 03 Jan 2022 00:00:00 GMT', 304),
    ('Sat, 01 Jan 2022 00:00:00 GMT', 200),
    ('not a date', 200),
    ('', 200),
])
def test_if_modified_since(client, since, status):
    """SF4 (fixed for aware dates): not modified since the given date is a 304; earlier or unparsable dates get the file."""
    assert get(client, '/static/hello.txt', headers={'If-Modified-Since': since}).status_code == status


def test_if_none_match_takes_precedence_over_if_modified_since(client):
    """SF4: with both headers, a non-matching If-None-Match wins (RFC 9110): 200."""
    resp = get(client, '/static/hello.txt', headers={'If-None-Match': '"nope"', 'If-Modified-Since': MTIME_HTTP})
    assert resp.status_code == 200


def test_if_match_mismatch_is_412(client):
    """A failing If-Match precondition is a 412."""
    assert get(client, '/static/hello.txt', headers={'If-Match': '"other"'}).status_code == 412


# -- ranges --------------------------------------------------------------------------------------------

@pytest.mark.parametrize('header, content_range, body', [
    ('bytes=0-4', 'bytes 0-4/12', b'hello'),
    ('bytes=6-', 'bytes 6-11/12', b'world\n'),
    ('bytes=-3', 'bytes 9-11/12', b'ld\n'),
    ('bytes=-100', 'bytes 0-11/12', b'hello world\n'),
    ('bytes=10-100', 'bytes 10-11/12', b'd\n'),
])
def test_range_gives_206(client, header, content_range, body):
    """A satisfiable single byte range is a 206 with Content-Range and just those bytes."""
    resp = get(client, '/static/hello.txt', headers={'Range': header})
    assert resp.status_code == 206
    assert resp.headers['Content-Range'] == content_range
    assert resp.data == body and resp.headers['Content-Length'] == str(len(body))


def test_range_across_chunks(client):
    """A range spanning read chunks returns exactly those bytes."""
    resp = get(client, '/static/big.bin', headers={'Range': 'bytes=65530-70000'})
    assert resp.status_code == 206 and resp.data == BIG[65530:70001]


@pytest.mark.parametrize('header', ['bytes=12-', 'bytes=100-200'])
def test_unsatisfiable_range_is_416(client, header):
    """A range starting past the end is a 416 with ``Content-Range: bytes */size``."""
    resp = get(client, '/static/hello.txt', headers={'Range': header})
    assert resp.status_code == 416 and resp.headers['Content-Range'] == 'bytes */12'


@pytest.mark.parametrize('header', ['bytes=0-1,3-4', 'items=0-1', 'bytes=5-2', 'garbage', 'bytes=', 'bytes=a-b'])
def test_unusable_range_sends_whole_file(client, header):
    """Malformed, multi-part or non-byte ranges are ignored (RFC 9110 allows it): 200 with the whole file."""
    resp = get(client, '/static/hello.txt', headers={'Range': header})
    assert resp.status_code == 200 and resp.data == b'hello world\n'


def test_if_range_matching_etag_gives_206(client):
    """If-Range with the current ETag keeps the range."""
    etag = get(client, '/static/hello.txt').headers['ETag']
    resp = get(client, '/static/hello.txt', headers={'Range': 'bytes=0-4', 'If-Range': etag})
    assert resp.status_code == 206


@pytest.mark.parametrize('if_range', ['"stale"', 'Sat, 01 Jan 2022 00:00:00 GMT'])
def test_if_range_stale_sends_whole_file(client, if_range):
    """If-Range naming another version drops the range: 200 with the whole file."""
    resp = get(client, '/static/hello.txt', headers={'Range': 'bytes=0-4', 'If-Range': if_range})
    assert resp.status_code == 200 and resp.data == b'hello world\n'


def test_if_range_matching_date_gives_206(client):
    """If-Range with the exact Last-Modified date keeps the range."""
    resp = get(client, '/static/hello.txt', headers={'Range': 'bytes=0-4', 'If-Range': MTIME_HTTP})
    assert resp.status_code == 206


def test_range_on_empty_file_sends_it(client):
    """A range on an empty file is ignored: 200 with no bytes."""
    resp = get(client, '/static/empty.txt', headers={'Range': 'bytes=0-'})
    assert resp.status_code == 200 and resp.data == b''


# -- construction --------------------------------------------------------------------------------------

def test_missing_search_path_fails_at_construction(tmp_path):
    """§1.7 (changed): ``check_paths`` refuses a search path that is not a directory, naming it."""
    missing = tmp_path / 'nope'
    with pytest.raises(ValueError, match='are not directories') as info:
        StaticApplication(str(missing))
    assert str(missing) in str(info.value)


def test_check_paths_false_allows_missing_directory(tmp_path):
    """§1.7: ``check_paths=False`` accepts a directory created later."""
    later = tmp_path / 'later'
    client = Application([('/', StaticApplication(str(later), check_paths=False))]).get_local_client()
    assert get(client, '/x.txt').status_code == 404
    later.mkdir()
    (later / 'x.txt').write_text('now')
    assert get(client, '/x.txt').data == b'now'


@pytest.mark.parametrize('value', [-1, 'soon', 1.5, True, None])
def test_bad_cache_timeout_fails_at_construction(tree, value):
    """A cache_timeout that is not a whole number of seconds >= 0 is refused when created."""
    with pytest.raises(ValueError, match='cache_timeout'):
        StaticApplication(str(tree), cache_timeout=value)


def test_static_application_is_an_application(tree):
    """§1.7: StaticApplication is an Application with one ``/<path*>`` route."""
    app = StaticApplication(str(tree))
    assert isinstance(app, Application) and [r.pattern for r in app.routes] == ['/<path*>']


# -- SF5: StaticFileRoute ---------------------------------------------------------------------------------

def test_static_file_route_serves_one_file(tree):
    """SF5: a StaticFileRoute serves its file at its pattern."""
    client = Application([StaticFileRoute('/robots.txt', tree / 'hello.txt')]).get_local_client()
    resp = get(client, '/robots.txt')
    assert resp.data == b'hello world\n' and resp.headers['ETag']


def test_static_file_route_mimetype_override(tree):
    """SF5: ``mimetype`` overrides the guessed type."""
    client = Application([StaticFileRoute('/f', tree / 'hello.txt', mimetype='text/markdown')]).get_local_client()
    assert get(client, '/f').headers['Content-Type'] == 'text/markdown; charset=utf-8'


def test_static_file_route_conditional(tree):
    """SF5: the same conditional handling applies: 304 for a matching ETag."""
    client = Application([StaticFileRoute('/f', tree / 'hello.txt')]).get_local_client()
    etag = get(client, '/f').headers['ETag']
    assert get(client, '/f', headers={'If-None-Match': etag}).status_code == 304


def test_static_file_route_missing_file_fails_at_construction(tmp_path):
    """SF5: with ``check_file`` (default) a missing file fails when the route is created, naming pattern and path."""
    with pytest.raises(FileNotFoundError, match="StaticFileRoute '/favicon.ico'.*nope.ico"):
        StaticFileRoute('/favicon.ico', tmp_path / 'nope.ico')


@pytest.mark.parametrize('headers', [{}, {'If-Modified-Since': MTIME_HTTP}])
def test_static_file_route_unchecked_missing_is_non_breaking_404(tmp_path, headers):
    """SF5 (changed): an unchecked missing file is a non-breaking 404, with or without If-Modified-Since."""
    app = Application([StaticFileRoute('/f', tmp_path / 'nope', check_file=False),
                       ('/f', lambda: 'later', render_basic)])
    assert get(app.get_local_client(), '/f', headers=headers).data == b'later'
    alone = Application([StaticFileRoute('/f', tmp_path / 'nope', check_file=False)])
    assert get(alone.get_local_client(), '/f', headers=headers).status_code == 404


# -- SF6: Clastic's own test cases ------------------------------------------------------------------------

@pytest.mark.parametrize('path, status', [
    ('/static/code.py', 200),
    ('/static/does_not_exist.txt', 404),
    ('/static/../core.py', 403),
    ('/static/sub/../../core.py', 403),
    ('/static//etc/hosts', 404),
])
def test_clastic_static_cases(client, path, status):
    """SF6: .py is served, missing is 404, parent escapes are 403; ``//etc/hosts`` stays under the root (404, changed)."""
    resp = get(client, path)
    assert resp.status_code == status
    if status == 200:
        assert resp.mimetype in ('text/x-python', 'text/plain')
