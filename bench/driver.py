"""In-process driver: run inside one framework's virtualenv.

    <venv>/bin/python bench/driver.py --framework flask [--cases S1,S2] [--rounds 25]
    <venv>/bin/python bench/driver.py --framework flask --construct
    <venv>/bin/python bench/driver.py --framework clastic_like --profile S1,S2

Calls the WSGI application directly, with a fresh copy of a prepared environ
and a fresh ``wsgi.input`` per call, consumes and closes the body.  The raw
WSGI floor for the same scenario is timed in the same process, in batches
alternating with the framework's; each round gives one ratio
(framework per-call time / raw per-call time) and the median of the rounds is
reported.  Prints one JSON document on stdout; progress goes to stderr.
"""
import argparse
import gc
import io
import json
import os
import re
import statistics
import sys
import time
from wsgiref.util import setup_testing_defaults

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from apps import import_app_module  # noqa: E402
from cases import BIG, BY_KEY, CASES  # noqa: E402

perf_counter = time.perf_counter


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def make_environ(case):
    env = {}
    setup_testing_defaults(env)
    env.update({
        "REQUEST_METHOD": case.method,
        "PATH_INFO": case.path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "bench",
        "HTTP_ACCEPT": "*/*",
        "REMOTE_ADDR": "127.0.0.1",
    })
    if case.body:
        env["CONTENT_TYPE"] = case.content_type
        env["CONTENT_LENGTH"] = str(len(case.body))
    return env


def _write(data):
    pass


def _start_response(status, headers, exc_info=None):
    return _write


def call_once(app, template, body):
    """One checked call: (status, headers, body bytes)."""
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, list(headers)
        return _write

    env = template.copy()
    env["wsgi.input"] = io.BytesIO(body)
    it = app(env, start_response)
    try:
        data = b"".join(it)
    finally:
        close = getattr(it, "close", None)
        if close is not None:
            close()
    return seen["status"], seen["headers"], data


def run_batch(app, template, body, n, make_input=io.BytesIO):
    """Seconds for ``n`` calls; the same loop times the floor and the framework.

    ``make_input(body)`` makes each request's ``wsgi.input`` (a ``BytesIO``
    unless instructions.py asks for gunicorn's body object)."""
    BytesIO = make_input
    sr = _start_response
    t0 = perf_counter()
    for _ in range(n):
        env = template.copy()
        env["wsgi.input"] = BytesIO(body)
        it = app(env, sr)
        for _chunk in it:
            pass
        close = getattr(it, "close", None)
        if close is not None:
            close()
    return perf_counter() - t0


def calibrate(app, template, body, target):
    """Warm up, then a batch size whose batch takes about ``target`` seconds."""
    n, spent = 1, 0.0
    deadline = perf_counter() + max(0.1, target * 5)
    calls = 0
    while perf_counter() < deadline or calls < 50:
        spent = run_batch(app, template, body, n)
        calls += n
        if spent < target / 4:
            n *= 2
    per_call = spent / n
    return max(1, int(target / per_call)), per_call


def quantile(values, q):
    values = sorted(values)
    pos = (len(values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


_APPS = {}


def get_app(mod, case):
    """Build each (framework, scenario, size) once: S3 first and last share an app."""
    key = (mod.__name__, case.scenario, case.n_routes)
    if key not in _APPS:
        _APPS.clear()
        _APPS[key] = mod.build(case.scenario, case.n_routes)
    return _APPS[key]


def measure(mod, raw_mod, case, rounds, target):
    raw = raw_mod.build(case.scenario, case.n_routes)
    app = get_app(mod, case)
    template = make_environ(case)
    for name, candidate in (("framework", app), ("raw", raw)):
        status, headers, data = call_once(candidate, template, case.body)
        problem = case.check(status, headers, data)
        if problem:
            return {"error": f"{name}: {problem}"}
    n_fw, _ = calibrate(app, template, case.body, target)
    n_raw, _ = calibrate(raw, template, case.body, target)
    ratios, fw_times, raw_times = [], [], []
    gc.collect()
    for r in range(rounds):
        if r % 2:
            t_raw = run_batch(raw, template, case.body, n_raw)
            t_fw = run_batch(app, template, case.body, n_fw)
        else:
            t_fw = run_batch(app, template, case.body, n_fw)
            t_raw = run_batch(raw, template, case.body, n_raw)
        fw_per, raw_per = t_fw / n_fw, t_raw / n_raw
        fw_times.append(fw_per)
        raw_times.append(raw_per)
        ratios.append(fw_per / raw_per)
    return {
        "ratio": statistics.median(ratios),
        "ratio_p25": quantile(ratios, 0.25),
        "ratio_p75": quantile(ratios, 0.75),
        "fw_us": statistics.median(fw_times) * 1e6,
        "raw_us": statistics.median(raw_times) * 1e6,
        "rounds": rounds,
        "batch": [n_fw, n_raw],
    }


def construct(mod, reps, budget=10.0):
    """S7: seconds to build the 1000-route app with three middlewares, and its first request.

    Up to ``reps`` builds, fewer when they add up to more than ``budget`` seconds.
    """
    _APPS.clear()
    case = BIG
    template = make_environ(case)
    builds, firsts = [], []
    while len(builds) < reps and sum(builds) + sum(firsts) < budget:
        gc.collect()
        t0 = perf_counter()
        app = mod.build(case.scenario, case.n_routes)
        t1 = perf_counter()
        status, headers, data = call_once(app, template, case.body)
        t2 = perf_counter()
        problem = case.check(status, headers, data)
        if problem:
            return {"error": problem}
        builds.append(t1 - t0)
        firsts.append(t2 - t1)
        del app
    return {"build_s": statistics.median(builds), "first_request_s": statistics.median(firsts),
            "cold_build_s": builds[0], "reps": len(builds)}


def profile(mod, keys, calls):
    import cProfile
    import pstats

    out = {}
    for key in keys:
        case = BY_KEY[key]
        app = mod.build(case.scenario, case.n_routes)
        template = make_environ(case)
        run_batch(app, template, case.body, 200)
        prof = cProfile.Profile()
        prof.enable()
        run_batch(app, template, case.body, calls)
        prof.disable()
        stream = io.StringIO()
        stats = pstats.Stats(prof, stream=stream)
        stats.sort_stats("tottime").print_stats(18)
        text = stream.getvalue()
        # Shorten absolute paths to package-relative ones.
        text = re.sub(r"\S*/site-packages/", "", text)
        text = re.sub(r"\S*/lib/python3\.\d+/", "", text)
        text = text.replace(os.path.dirname(HERE) + "/", "")
        out[key] = text
    return out


def environment(framework):
    import importlib.metadata as md
    import platform

    info = {"python": platform.python_version(), "executable": sys.executable}
    pkgs = {}
    for dist in ("werkzeug", "flask", "bottle", "falcon", "clastic", "clastic_like", "gunicorn"):
        try:
            pkgs[dist] = md.version(dist)
        except md.PackageNotFoundError:
            pass
    info["packages"] = pkgs
    if framework.startswith("falcon"):
        import falcon
        import falcon.app
        from falcon.util.misc import is_python_func

        pkg_dir = os.path.dirname(falcon.__file__)
        so_files = sorted(os.path.relpath(os.path.join(root, f), os.path.dirname(pkg_dir))
                          for root, _, files in os.walk(pkg_dir) for f in files if f.endswith(".so"))
        info["falcon"] = {
            # The whole App compiled (older Falcon wheels) or pure Python?
            "app_module": os.path.basename(falcon.app.__file__),
            "app_call_is_python": is_python_func(falcon.App.__call__),
            # Falcon 4 wheels carry a few Cython helpers in falcon.cyutil.
            "extension_modules": [f.split(".")[0].replace("/", ".") for f in so_files],
            "cyutil_loaded": sorted(m for m in sys.modules if m.startswith("falcon.cyutil.")),
        }
    return info


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--framework", required=True)
    parser.add_argument("--cases", default=",".join(c.key for c in CASES))
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--batch-ms", type=float, default=15.0, help="target duration of one batch")
    parser.add_argument("--construct", action="store_true", help="S7 only")
    parser.add_argument("--reps", type=int, default=5, help="S7 repetitions")
    parser.add_argument("--profile", default=None, help="comma-separated case keys to cProfile")
    parser.add_argument("--profile-calls", type=int, default=20000)
    args = parser.parse_args()

    mod = import_app_module(args.framework)
    raw_mod = import_app_module("raw")
    result = {"framework": args.framework, "env": environment(args.framework)}
    if args.profile:
        result["profile"] = profile(mod, args.profile.split(","), args.profile_calls)
    elif args.construct:
        log(f"  {args.framework}: S7 construction x{args.reps}")
        result["construct"] = construct(mod, args.reps)
    else:
        result["cases"] = {}
        for key in args.cases.split(","):
            case = BY_KEY[key]
            res = measure(mod, raw_mod, case, args.rounds, args.batch_ms / 1000)
            result["cases"][key] = res
            if "error" in res:
                log(f"  {args.framework} {key}: ERROR {res['error']}")
            else:
                log(f"  {args.framework} {key}: {res['ratio']:.2f} x raw "
                    f"({res['fw_us']:.1f} us vs {res['raw_us']:.2f} us)")
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
