"""The shell steps of docs/tutorial.md, run the way a new user runs them.

tests/test_docs.py runs the tutorial's ``python`` blocks; this file runs its
``sh`` commands in subprocesses, from the repository root, with this
environment's interpreter and console scripts, and checks that what they
print is what the tutorial shows.  Every command run here must appear in
one of the tutorial's ``sh`` blocks (first test), so the two cannot drift.

Not run: ``pip install`` of the repository (step 1; it needs a fresh
environment and a package index), and the commands on the reader's own
``shortener.py``, which exists only as the page's python blocks.
"""
from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_example_shortener import fetch, free_port, running

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent
SECRET = "tutorial-test-secret-" + "s" * 32

CHECK = "python -m clastic_like check examples.shortener:app"
ROUTES = "python -m clastic_like routes examples.shortener:app"
SCRIPT_CHECK = "clastic-like check examples.shortener:app"
SERVE = "python -m clastic_like serve examples.shortener:app --no-reload"
GUNICORN = "gunicorn --bind 127.0.0.1:8000 --workers 3 examples.shortener:app"
VERSION = "python -c 'import clastic_like; print(clastic_like.__version__)'"
PYTEST = "pytest -q test_shortener.py"


def sh_blocks() -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", TUTORIAL, re.S | re.M)


def shown_outputs(command: str) -> list[list[str]]:
    """For each ``$ command`` in the tutorial, the lines it shows after it, up to the next prompt."""
    outputs = []
    for block in sh_blocks():
        lines = block.splitlines()
        for i, line in enumerate(lines):
            if line == "$ " + command:
                output = []
                for after in lines[i + 1:]:
                    if after.startswith("$ "):
                        break
                    output.append(after)
                outputs.append(output)
    assert outputs, f"docs/tutorial.md shows no '$ {command}'"
    return outputs


def user_env(**extra: str) -> dict[str, str]:
    """This environment as a new user's shell has it: no shortener settings unless given."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SHORTENER_", "PYTEST_ADDOPTS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD"))}
    env.update(extra)
    return env


def run(argv: list[str], env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def python(command: str) -> list[str]:
    """``python -m ...`` as typed in the tutorial, with this environment's interpreter."""
    assert command.startswith("python ")
    return [sys.executable, *command.split()[1:]]


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    # The database goes in tmp_path, not in the repository the commands run in.
    return user_env(SHORTENER_DB=str(tmp_path / "links.db"), SHORTENER_SECRET=SECRET)


@pytest.mark.parametrize("command", [CHECK, ROUTES, SCRIPT_CHECK, SERVE, GUNICORN, VERSION, PYTEST])
def test_command_is_in_the_tutorial(command):
    """Each command these tests run is one the tutorial tells the reader to type."""
    typed = [line.removeprefix("$ ").split("  #")[0].strip()
             for block in sh_blocks() for line in block.splitlines()]
    assert command in typed


def test_installed_version_prints(tmp_path):
    """Step 1's check prints the installed version."""
    import clastic_like

    result = run([sys.executable, "-c", "import clastic_like; print(clastic_like.__version__)"],
                 user_env(), cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == clastic_like.__version__


def test_check_without_secret_says_what_to_set(tmp_path):
    """`check` on the example without SHORTENER_SECRET exits 1 with the line the tutorial shows."""
    result = run(python(CHECK), user_env(SHORTENER_DB=str(tmp_path / "links.db")))
    [shown], _ = shown_outputs(CHECK)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(shown.removesuffix("..."))
    assert "secrets.token_hex(32)" in result.stderr


def test_check_with_secret_builds(env):
    """With SHORTENER_SECRET set, `check` exits 0 and prints the OK line the tutorial shows."""
    result = run(python(CHECK), env)
    _, [shown] = shown_outputs(CHECK)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == shown


def test_routes_lists_routes_and_argument_sources(env):
    """`routes` prints the heading the tutorial shows, every route, and where arguments come from."""
    result = run(python(ROUTES), env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == shown_outputs(ROUTES)[0][0]
    patterns = [line for line in lines if line.startswith("/")]
    assert patterns[0] == "/" and patterns[-1] == "/<alias>" and "/api/links/<alias>" in patterns
    assert re.search(r"^\s+db\s+<- resources$", result.stdout, re.M)
    assert re.search(r"^\s+cookie\s+<- provided by SignedCookieMiddleware", result.stdout, re.M)


def test_console_script_checks_the_example(env):
    """The installed `clastic-like` script does what `python -m clastic_like` does."""
    script = BIN / "clastic-like"
    if not script.is_file():
        pytest.skip(f"the clastic-like console script is not installed at {script}; run pip install -e .")
    result = run([str(script), *SCRIPT_CHECK.split()[1:]], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(shown_outputs(SCRIPT_CHECK)[0][0].removesuffix("..."))


def tutorial_test_module() -> str:
    """Step 12's test file, as the reader saves it (importing create_app from their module)."""
    [block] = [b for b in re.findall(r"^```python\n(.*?)^```", TUTORIAL, re.S | re.M)
               if b.startswith("# test_shortener.py\n")]
    # The reader's file starts `from shortener import create_app`; here the
    # finished example stands in for their shortener.py.
    return "from examples.shortener import create_app\n" + block


def test_tutorial_tests_pass_against_the_example(tmp_path):
    """Step 12's tests, saved as test_shortener.py and run by pytest, pass against the finished example."""
    test_file = tmp_path / "test_shortener.py"
    test_file.write_text(tutorial_test_module(), encoding="utf-8")
    argv = [sys.executable, "-m", "pytest", *PYTEST.split()[1:-1], "-W", "error", "-p", "no:cacheprovider",
            "--rootdir", str(tmp_path), str(test_file)]
    result = run(argv, user_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^\d+ passed", result.stdout.strip().splitlines()[-1])


@pytest.mark.server
def test_dev_server_serves_the_example(tmp_path, env):
    """`python -m clastic_like serve examples.shortener:app --no-reload` serves the home page on 127.0.0.1."""
    port = free_port()
    argv = python(SERVE) + ["--port", str(port)]
    with running(argv, port, env, tmp_path / "serve.log"):
        status, body = fetch(port, "/")
    assert status == 200 and "Shorten a link" in body


def _request(port: int, method: str, path: str, body: str = "", headers: dict[str, str] | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body.encode(), headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8")
    finally:
        conn.close()


@pytest.mark.server
def test_gunicorn_serves_the_example_across_workers(tmp_path, env):
    """Under gunicorn with three workers sharing the secret, a link is created, listed and followed."""
    port = free_port()
    script = BIN / "gunicorn"
    program = [str(script)] if script.is_file() else [sys.executable, "-m", "gunicorn"]
    argv = program + GUNICORN.replace("127.0.0.1:8000", f"127.0.0.1:{port}").split()[1:]
    with running(argv, port, env, tmp_path / "gunicorn.log"):
        status, headers, _ = _request(port, "POST", "/", "url=https%3A%2F%2Fexample.com%2Fdocs&alias=docs",
                                      {"Content-Type": "application/x-www-form-urlencoded"})
        cookie = headers["Set-Cookie"].split(";")[0]
        pages = [_request(port, "GET", "/", headers={"Cookie": cookie})[2] for _ in range(6)]
        follow = _request(port, "GET", "/docs")
    assert status == 303
    # Six requests over three workers: whichever served them, each knew the cookie.
    assert all('href="http://127.0.0.1:%d/docs"' % port in page for page in pages)
    assert follow[0] == 302 and follow[1]["Location"] == "https://example.com/docs"
