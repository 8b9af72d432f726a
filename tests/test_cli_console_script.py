"""The installed ``clastic-like`` console script, run as a user runs it.

``pip install`` puts the script next to the interpreter (``.venv/bin``); these
tests run that file in a subprocess from the repository root, so they check
the entry point declared in pyproject.toml, not only ``clastic_like.cli.main``.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(os.path.dirname(sys.executable), "clastic-like" + (".exe" if os.name == "nt" else ""))

pytestmark = pytest.mark.skipif(
    not os.path.isfile(SCRIPT),
    reason=f"the clastic-like console script is not installed at {SCRIPT};"
           " run `pip install -e '.[test]'` in this environment",
)


def run_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([SCRIPT, *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_check_reports_the_unresolved_argument():
    """`clastic-like check` on an app whose endpoint asks for an unknown argument exits 1 with the NameError text."""
    result = run_script("check", "examples.unresolved:create_app()")
    assert result.returncode == 1
    assert "NameError" in result.stderr
    assert "asks for argument 'first_name'" in result.stderr
    assert "Route '/hello/<name>'" in result.stderr


def test_check_failure_is_one_line_without_traceback():
    """A construction error is reported on one line of stderr, without a traceback, and nothing on stdout."""
    result = run_script("check", "examples.unresolved:create_app()")
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_check_passes_for_the_fixed_app():
    """The corrected factory in the same module checks OK with exit status 0."""
    result = run_script("check", "examples.unresolved:create_fixed_app()")
    assert result.returncode == 0
    assert result.stdout.startswith("OK: examples.unresolved:create_fixed_app() builds")


def test_help_exits_zero():
    """`clastic-like --help` lists the commands and exits 0."""
    result = run_script("--help")
    assert result.returncode == 0
    assert all(command in result.stdout for command in ("serve", "routes", "check"))


def test_malformed_target_exits_two():
    """A MODULE:APP without a colon is a usage error: exit status 2 and a hint."""
    result = run_script("check", "examples.unresolved")
    assert result.returncode == 2
    assert "expected MODULE:APP" in result.stderr
