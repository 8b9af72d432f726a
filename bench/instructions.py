"""Instructions per request, counted by valgrind: a deterministic cost figure.

    python3 bench/instructions.py                          # clastic_like and falcon, S1 S3 S5 S6
    python3 bench/instructions.py --frameworks clastic_like --cases S1,S2
    python3 bench/instructions.py --frameworks raw,clastic_like --cases S6 --gunicorn-input
    python3 bench/instructions.py --frameworks clastic_like --module clastic_parts --cases S2,S4

Timings on a shared 2-core virtual machine move by ±10 % between runs (more
while other work runs); the number of CPU instructions a request executes
does not.  Each figure is (I(n2) - I(n1)) / (n2 - n1): two runs of the same
loop with different request counts under ``valgrind --tool=callgrind``, so
start-up and import costs cancel.  ``PYTHONHASHSEED=0`` makes the runs
repeatable to the instruction.  Instructions are not time (memory traffic
differs), but the two agreed within a few per cent in this project's
measurements, and a change that removes instructions can be judged at once.

``--gunicorn-input`` gives every request gunicorn's own body object as
``wsgi.input`` (and ``wsgi.input_terminated``), as a gunicorn worker does:
reading a request body is then gunicorn's Python code, which the plain
``BytesIO`` of the in-process driver leaves out.

Uses the virtualenvs of ``run.py`` (run it once first); needs valgrind
(``apt-get install valgrind``).  Standard library only.
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# What valgrind runs: the driver's own timing loop (driver.run_batch, a
# fresh environ copy and input per call), on the driver's environ and app.
LOOP = r"""
import sys
sys.path.insert(0, {here!r})
from driver import make_environ, run_batch
from cases import BY_KEY
from apps import import_app_module
case = BY_KEY[{case!r}]
app = import_app_module({module!r}).build(case.scenario, case.n_routes)
run_batch(app, make_environ(case), case.body, 200 + {n})
"""


# The same loop with gunicorn's request body object as wsgi.input, and
# wsgi.input_terminated set, as a gunicorn worker gives them (--gunicorn-input):
# reading the body is then gunicorn's Python code, as in the end-to-end runs.
GUNICORN_LOOP = r"""
import sys
sys.path.insert(0, {here!r})
from gunicorn.http.body import Body, LengthReader
from gunicorn.http.unreader import IterUnreader
from driver import make_environ, run_batch
from cases import BY_KEY
from apps import import_app_module
case = BY_KEY[{case!r}]
app = import_app_module({module!r}).build(case.scenario, case.n_routes)
template = make_environ(case)
template["wsgi.input_terminated"] = True
run_batch(app, template, case.body or b"", 200 + {n},
          make_input=lambda body: Body(LengthReader(IterUnreader([body]), len(body))))
"""


def instructions(framework, case, n, gunicorn_input=False, module=None):
    """Instructions of ``n`` requests (plus start-up), in the framework's virtualenv; ``module``: another
    app module of apps/ to build the app with (default: the framework's)."""
    python = os.path.join(HERE, ".venvs", framework, "bin", "python")
    code = (GUNICORN_LOOP if gunicorn_input else LOOP).format(here=HERE, case=case, module=module or framework, n=n)
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", python, "-c", code],
        capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"}, check=True)
    match = re.search(r"Collected : (\d+)", proc.stderr)
    if match is None:
        raise RuntimeError(f"no instruction count from valgrind: {proc.stderr[-500:]}")
    return int(match.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frameworks", default="clastic_like,falcon")
    parser.add_argument("--cases", default="S1,S3-100-first,S5,S6")
    parser.add_argument("--n1", type=int, default=1000)
    parser.add_argument("--n2", type=int, default=4000)
    parser.add_argument("--gunicorn-input", action="store_true",
                        help="give the apps gunicorn's request body object and wsgi.input_terminated")
    parser.add_argument("--module", help="build the apps with this module of apps/ (e.g. clastic_parts), run in"
                                         " each framework's virtualenv")
    args = parser.parse_args()
    frameworks = args.frameworks.split(",")
    cases = args.cases.split(",")
    counts = {}
    for framework in frameworks:
        for case in cases:
            low = instructions(framework, case, args.n1, args.gunicorn_input, args.module)
            high = instructions(framework, case, args.n2, args.gunicorn_input, args.module)
            counts[framework, case] = (high - low) // (args.n2 - args.n1)
            print(f"{framework} {case}: {counts[framework, case]} instructions/request", file=sys.stderr)
    print("| scenario | " + " | ".join(frameworks) + " |")
    print("|---|" + "---:|" * len(frameworks))
    for case in cases:
        print(f"| {case} | " + " | ".join(f"{counts[f, case]:,}" for f in frameworks) + " |")


if __name__ == "__main__":
    main()
