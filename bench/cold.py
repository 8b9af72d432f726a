"""A request's CPU time with cold caches: raw and a framework, in one process.

    python3 bench/cold.py                                  # clastic_like, S1 S4 S6
    python3 bench/cold.py --framework falcon --cases S2,S4 --evict-mib 4

Why: in a gunicorn worker the app's CPU time per request (A of
``e2e_split.py``) exceeds raw's by far more than the instruction counts of
``instructions.py`` predict (for clastic_like's S6: 2.4-6.5 µs in the
worker, 0.4 µs timed in a warm loop, and fewer instructions than raw).
Between two requests the worker runs gunicorn's own code (reading the
socket, parsing the request, writing the answer), which evicts the app's
code and data from the CPU caches; a framework that touches more of them
per request then pays for more misses.  This loop imitates that: before
each request it writes one byte in every 64 of a buffer larger than the
L2 cache (``--evict-mib``), then times one request with the driver's own
loop (``driver.run_batch``: the environ copy, the body object, the call and
the body consumed).  The same loop without the eviction is printed beside it.

Each request gets gunicorn's body object and ``wsgi.input_terminated``, as
in a worker (see ``instructions.py --gunicorn-input``).  Raw and the
framework alternate within every round; the figures are medians over
rounds.  Runs in the framework's virtualenv made by ``run.py`` (raw's app
is standard library only).  Timings, not counts: run it on a quiet
machine, and compare the columns of one run rather than runs.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

LOOP = r"""
import json, sys
sys.path.insert(0, {here!r})
from gunicorn.http.body import Body, LengthReader
from gunicorn.http.unreader import IterUnreader
from driver import make_environ, run_batch
from cases import BY_KEY
from apps import import_app_module

case = BY_KEY[{case!r}]
apps = {{name: import_app_module(name).build(case.scenario, case.n_routes) for name in ("raw", {framework!r})}}
template = make_environ(case)
template["wsgi.input_terminated"] = True
body = case.body or b""
junk = bytearray({evict_mib} * 1024 * 1024)
zeros = bytes(len(junk) // 64)


def make_input(data):
    return Body(LengthReader(IterUnreader([data]), len(data)))


def batch(app, evict):
    spent = 0.0
    for _ in range({requests}):
        if evict:
            junk[::64] = zeros  # one write per 64-byte cache line
        spent += run_batch(app, template, body, 1, make_input=make_input)  # the driver's loop, one request
    return spent / {requests} * 1e6


results = {{}}
for evict in (False, True):
    for name, app in apps.items():
        batch(app, evict)  # warm-up
    times = {{name: [] for name in apps}}
    for _ in range({rounds}):
        for name, app in apps.items():
            times[name].append(batch(app, evict))
    results["cold" if evict else "warm"] = {{name: sorted(v)[len(v) // 2] for name, v in times.items()}}
print(json.dumps(results))
"""


def measure(framework, case, evict_mib, rounds, requests):
    python = os.path.join(HERE, ".venvs", framework, "bin", "python")
    code = LOOP.format(here=HERE, case=case, framework=framework, evict_mib=evict_mib, rounds=rounds,
                       requests=requests)
    proc = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--framework", default="clastic_like")
    parser.add_argument("--cases", default="S1,S4,S6")
    parser.add_argument("--evict-mib", type=int, default=8, help="size of the buffer written between requests")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--requests", type=int, default=400, help="requests per batch")
    args = parser.parse_args()
    fw = args.framework
    print(f"| scenario | raw µs warm | {fw} µs warm | difference | raw µs cold | {fw} µs cold | difference |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for case in args.cases.split(","):
        got = measure(fw, case, args.evict_mib, args.rounds, args.requests)
        warm, cold = got["warm"], got["cold"]
        print(f"| {case} | {warm['raw']:.2f} | {warm[fw]:.2f} | {warm[fw] - warm['raw']:+.2f}"
              f" | {cold['raw']:.2f} | {cold[fw]:.2f} | {cold[fw] - cold['raw']:+.2f} |", flush=True)


if __name__ == "__main__":
    main()
