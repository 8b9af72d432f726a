"""The benchmark's clastic_like programs answer every scenario correctly (bench/cases.py checks), and
the hand-written "parts" program of bench/apps/clastic_parts_app.py answers S2 and S4 byte for byte as
clastic_like does, so that comparing their costs compares the same work."""
import io
import os
import sys

import pytest

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench")


@pytest.fixture(scope="module")
def bench(monkeypatch_module):
    monkeypatch_module.syspath_prepend(BENCH)
    from apps import import_app_module
    from cases import BY_KEY
    from driver import make_environ
    return import_app_module, BY_KEY, make_environ


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch
    for name in [n for n in sys.modules if n == "apps" or n.startswith("apps.") or n in ("cases", "driver")]:
        del sys.modules[name]


def _answer(app, environ, body=b""):
    environ["wsgi.input"] = io.BytesIO(body)  # as the driver gives each request (driver.run_batch)
    started = []
    body = b"".join(app(environ, lambda status, headers, exc_info=None: started.append((status, headers))))
    return started, body


@pytest.mark.parametrize("key", ["S1", "S2", "S3-100-first", "S3-100-last", "S4", "S5", "S6"])
def test_clastic_like_bench_program_answers_each_scenario(bench, key):
    """clastic_like's benchmark program gives each scenario's expected status, headers and body."""
    import_app_module, cases, make_environ = bench
    case = cases[key]
    app = import_app_module("clastic_like").build(case.scenario, case.n_routes)
    [(status, headers)], body = _answer(app, make_environ(case), case.body)
    assert case.check(status, headers, body) is None


@pytest.mark.parametrize("key", ["S2", "S4"])
def test_parts_program_answers_as_clastic_like(bench, key):
    """The parts program's answer (status, header list, body) equals clastic_like's."""
    import_app_module, cases, make_environ = bench
    case = cases[key]
    answers = [_answer(import_app_module(name).build(case.scenario, case.n_routes), make_environ(case))
               for name in ("clastic_parts", "clastic_like")]
    assert answers[0] == answers[1]
    assert case.check(answers[0][0][0][0], answers[0][0][0][1], answers[0][1]) is None
