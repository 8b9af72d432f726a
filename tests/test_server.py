"""Serve ``tests.server_app`` with a real gunicorn process and talk HTTP to it.

One gunicorn process is started for the module (bounded start-up wait) and
always terminated and waited for afterwards.
"""
import http.client
import os
import socket
import subprocess
import sys
import time

import pytest

from tests._process import free_port, stop_process

pytestmark = pytest.mark.server

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
START_TIMEOUT = 15.0
LEAKS = ('RuntimeError', 'secret-token-123', '.py', 'Traceback')




def _wait_for_port(proc, port, log_path):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f'gunicorn exited with {proc.returncode}:\n{log_path.read_text()}')
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f'gunicorn did not answer on port {port} within {START_TIMEOUT}s:\n{log_path.read_text()}')


@pytest.fixture(scope='module')
def server_port(tmp_path_factory):
    """Start gunicorn on a free port serving ``tests.server_app:app``; stop it afterwards."""
    port = free_port()
    log_path = tmp_path_factory.mktemp('gunicorn') / 'gunicorn.log'
    with open(log_path, 'wb') as log:
        proc = subprocess.Popen(
            [sys.executable, '-m', 'gunicorn', '--bind', f'127.0.0.1:{port}', '--workers', '1',
             'tests.server_app:app'],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            _wait_for_port(proc, port, log_path)
            yield port
        finally:
            stop_process(proc)


def _request(port, method, path, headers=None):
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.getheader('Allow'), resp.read().decode('utf-8')
    finally:
        conn.close()


def test_root_answers_200_with_body(server_port):
    """F1: a real HTTP GET / is dispatched to the endpoint and rendered (200 with its body)."""
    status, _, body = _request(server_port, 'GET', '/')
    assert (status, body) == (200, 'hello from clastic_like')


def test_unknown_path_is_404(server_port):
    """H4: a real HTTP request for a path no route matches answers 404."""
    assert _request(server_port, 'GET', '/missing')[0] == 404


def test_wrong_method_is_405_with_allow(server_port):
    """H4/H5 (fixed): POST to a GET-only route answers 405 with an ``Allow`` header."""
    status, allow, _ = _request(server_port, 'POST', '/only-get')
    assert (status, allow) == (405, 'GET, HEAD')


@pytest.mark.parametrize('accept', ['text/plain', 'text/html', 'application/json', 'application/xml'])
def test_raising_route_is_500_without_leak(server_port, accept):
    """E9 (fixed): a route that raises answers 500 without the exception type, message, file or traceback."""
    status, _, body = _request(server_port, 'GET', '/boom', {'Accept': accept})
    assert (status, [s for s in LEAKS if s in body]) == (500, [])
