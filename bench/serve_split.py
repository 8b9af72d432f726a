"""The WSGI target for gunicorn in e2e_split.py: serve.py's app inside a timer.

``gunicorn --chdir bench serve_split:app`` with the environment serve.py
needs (BENCH_FRAMEWORK, BENCH_SCENARIO, BENCH_ROUTES) plus BENCH_SPLIT_CASE,
the key of the case in cases.py whose requests are counted.

For each request of that case the wrapper reads the worker thread's CPU
clock (``time.thread_time_ns``; a sync worker handles requests on its one
thread) before calling the app and after it has consumed the whole body:
the returned iterable is iterated into a list and closed here, so lazy
bodies and ``close()`` work are inside the span, and gunicorn only gets a
list to send.  Everything else the worker does for the request (accept,
HTTP parsing, building environ, writing, closing, logging) is outside.

``GET /__split_stats`` is not counted and answers the counters as JSON,
with the worker's total CPU time from ``/proc/self/schedstat``; the runner
takes differences of two reads around a wrk run.
"""
import gc
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cases import BY_KEY  # noqa: E402
from serve import app as inner  # noqa: E402  (the very app the e2e mode of run.py serves)

STATS_PATH = "/__split_stats"
_case = BY_KEY[os.environ["BENCH_SPLIT_CASE"]]
_METHOD, _PATH = _case.method, _case.path
_clock = time.thread_time_ns

# Counters live in the worker process (gunicorn forks after importing this
# module only with --preload, which run.py does not use, so each worker
# starts from zero).  A list, so the wrapper mutates it without `global`.
_counts = [0, 0, 0]   # scenario requests, their app CPU ns, other requests


def _clock_cost_ns(pairs=2001):
    """Median of back-to-back clock reads: what the two reads around the app
    add to each measured span (reported, not subtracted)."""
    deltas = []
    for _ in range(pairs):
        t0 = _clock()
        deltas.append(_clock() - t0)
    deltas.sort()
    return deltas[len(deltas) // 2]


CLOCK_NS = _clock_cost_ns()


def _worker_ns():
    """CPU ns this thread has run, as the scheduler counts it (first field of
    schedstat; the same clock thread_time_ns reads, so W and A compare)."""
    with open("/proc/self/schedstat") as fh:
        return int(fh.read().split()[0])


def _stats(start_response):
    # Page faults and the user/system split: work the app may cause that
    # lands outside its span (in the kernel or in gunicorn's code).
    usage = resource.getrusage(resource.RUSAGE_SELF)
    data = json.dumps({
        "requests": _counts[0], "app_ns": _counts[1], "other_requests": _counts[2],
        "worker_ns": _worker_ns(), "thread_ns": _clock(), "pid": os.getpid(),
        "threads": len(os.listdir("/proc/self/task")),
        "gc_collections": sum(s["collections"] for s in gc.get_stats()),
        "clock_ns": CLOCK_NS, "minflt": usage.ru_minflt, "majflt": usage.ru_majflt,
        "utime": usage.ru_utime, "stime": usage.ru_stime, "nivcsw": usage.ru_nivcsw,
    }).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def app(environ, start_response):
    path = environ.get("PATH_INFO")
    if path == STATS_PATH:
        return _stats(start_response)
    if path != _PATH or environ.get("REQUEST_METHOD") != _METHOD:
        # Not the scenario's request: served untimed and kept apart, so a
        # stray request cannot blur the per-request figures.
        _counts[2] += 1
        return inner(environ, start_response)
    t0 = _clock()
    result = inner(environ, start_response)
    try:
        body = list(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    t1 = _clock()
    _counts[0] += 1
    _counts[1] += t1 - t0
    return body
