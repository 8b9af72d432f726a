#!/usr/bin/env python3
"""Benchmark clastic_like against a raw WSGI floor and its peers.

    python3 bench/run.py                      # everything (first run creates the venvs)
    python3 bench/run.py --quick              # fewer rounds, shorter wrk runs
    python3 bench/run.py --only inprocess     # in-process ratios + S7 construction
    python3 bench/run.py --only e2e           # gunicorn + wrk on 127.0.0.1
    python3 bench/run.py --frameworks falcon,clastic_like
    python3 bench/run.py --falcon-pure        # also Falcon 4.4 without Cython
    python3 bench/run.py --profile            # also cProfile clastic_like on S1/S2

Standard library only; each framework runs in its own virtualenv under
bench/.venvs/<name>.  Tables go to stdout and to bench/results/.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
VENVS = os.path.join(BENCH, ".venvs")
sys.path.insert(0, BENCH)

from cases import BY_KEY, CASES, E2E_KEYS, FORM_TYPE  # noqa: E402

GUNICORN = "gunicorn==27.0.1"
WERKZEUG = "werkzeug==3.1.9"
# name -> (pip arguments, extra environment for pip, module that must import)
SPECS = {
    "raw": ([GUNICORN], {}, "wsgiref"),
    "werkzeug": ([WERKZEUG, GUNICORN], {}, "werkzeug"),
    "flask": (["flask==3.1.3", WERKZEUG, GUNICORN], {}, "flask"),
    "bottle": (["bottle==0.13.4", GUNICORN], {}, "bottle"),
    "falcon": (["falcon==4.4.0", GUNICORN], {}, "falcon"),
    # From the sdist; Falcon's build cythonizes unless told not to.
    "falcon-pure": (["--no-binary", "falcon", "falcon==4.4.0", GUNICORN],
                    {"FALCON_DISABLE_CYTHON": "Y"}, "falcon"),
    "clastic": (["clastic==26.0.0", GUNICORN], {}, "clastic"),
    "clastic_like": (["-e", REPO, WERKZEUG, GUNICORN], {}, "clastic_like"),
}
DEFAULT_FRAMEWORKS = ["werkzeug", "flask", "bottle", "falcon", "clastic", "clastic_like"]
TITLES = {"raw": "raw", "werkzeug": "Werkzeug", "flask": "Flask", "bottle": "Bottle",
          "falcon": "Falcon", "falcon-pure": "Falcon (pure)", "clastic": "Clastic",
          "clastic_like": "clastic_like"}


def log(msg=""):
    print(msg, file=sys.stderr, flush=True)


# -- virtualenvs --------------------------------------------------------------
def venv_python(name):
    return os.path.join(VENVS, name, "bin", "python")


def ensure_venv(name, recreate=False):
    """Create/refresh bench/.venvs/<name>; None when usable, else the reason it is not."""
    pip_args, pip_env, module = SPECS[name]
    path = os.path.join(VENVS, name)
    marker = os.path.join(path, ".bench-spec.json")
    wanted = json.dumps({"pip": pip_args, "env": pip_env, "python": sys.version}, sort_keys=True)
    if recreate or not (os.path.exists(marker) and open(marker).read() == wanted):
        log(f"[venv] creating {os.path.relpath(path, REPO)}: pip install {' '.join(pip_args)}")
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(VENVS, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", path], check=True)
        proc = subprocess.run([venv_python(name), "-m", "pip", "install", "--quiet",
                               "--disable-pip-version-check", *pip_args],
                              env={**os.environ, **pip_env}, capture_output=True, text=True)
        if proc.returncode != 0:
            lines = (proc.stderr or proc.stdout).strip().splitlines()
            errors = [line.strip() for line in lines if "ERROR" in line] or lines[-2:]
            return "pip install failed: " + " ".join(errors)[-300:]
        with open(marker, "w") as fh:
            fh.write(wanted)
    proc = subprocess.run([venv_python(name), "-c", f"import {module}"], capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return f"cannot import {module} on Python {platform.python_version()}: {last}"
    return None


# -- in-process -----------------------------------------------------------------
def run_driver(name, extra, timeout=300):
    cmd = [venv_python(name), os.path.join(BENCH, "driver.py"), "--framework", name, *extra]
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=None, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        log(f"  {name}: driver timed out after {timeout} s")
        return {"error": f"timed out after {timeout} s"}
    if proc.returncode != 0:
        return {"error": f"driver exited {proc.returncode}"}
    return json.loads(proc.stdout)


# -- end-to-end -------------------------------------------------------------------
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def probe(url, case):
    """One real request; (status, headers, body) or None while the server is not up."""
    req = urllib.request.Request(url, data=case.body or None, method=case.method,
                                 headers={"Accept": "*/*", **({"Content-Type": case.content_type}
                                                               if case.content_type else {})})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, list(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, list(exc.headers.items()), exc.read()
    except (urllib.error.URLError, ConnectionError, socket.timeout):
        return None


def parse_wrk(text):
    out = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    out["rps"] = float(m.group(1)) if m else None
    m = re.search(r"(\d+) requests in", text)
    out["requests"] = int(m.group(1)) if m else None
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    out["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors:(.*)", text)
    out["socket_errors"] = m.group(1).strip() if m else ""
    m = re.search(r"Latency\s+(\S+)", text)
    out["latency_avg"] = m.group(1) if m else None
    return out


class Server:
    """gunicorn (1 sync worker) serving one framework's app for one case, on 127.0.0.1.

    ``target`` is gunicorn's WSGI target in bench/ (e2e_split.py passes its
    timing wrapper, serve_split:app).
    """

    def __init__(self, name, case, workdir, target="serve:app"):
        self.name, self.case = name, case
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}{case.path}"
        env = {**os.environ, "BENCH_FRAMEWORK": name, "BENCH_SCENARIO": case.scenario,
               "BENCH_ROUTES": str(case.n_routes), "PYTHONDONTWRITEBYTECODE": "1"}
        self.logname = os.path.join(workdir, f"gunicorn-{name}-{case.key}.log")
        self.logfile = open(self.logname, "w")
        gunicorn = os.path.join(VENVS, name, "bin", "gunicorn")
        self.proc = subprocess.Popen(
            [gunicorn, "--workers", "1", "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}",
             "--chdir", BENCH, "--pythonpath", BENCH, "--log-level", "warning", target],
            env=env, stdout=self.logfile, stderr=subprocess.STDOUT, start_new_session=True)

    def ready(self, timeout=40):
        """None once it answers correctly, else what went wrong."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            answer = probe(self.url, self.case)
            if answer is not None:
                return self.case.check(*answer)
            time.sleep(0.1)
        return f"server did not start (see {self.logname})"

    def stop(self):
        # Only the process group this object started.
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.logfile.close()


def child_pids(pid):
    """The processes whose parent is ``pid`` (gunicorn's workers), from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def cpu_ns(pids):
    """Nanoseconds the processes ``pids`` have run on a CPU (/proc/<pid>/schedstat),
    or None where Linux does not provide it."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/schedstat") as fh:
                total += int(fh.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None
    return total


def run_wrk(url, case, args, workdir, server=None):
    cmd = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{args.duration}s",
           "-H", "Accept: */*", "-H", "User-Agent: bench"]
    if case.method == "POST":
        script = os.path.join(workdir, "post.lua")
        with open(script, "w") as fh:
            fh.write('wrk.method = "POST"\n'
                     f'wrk.body = "{case.body.decode()}"\n'
                     f'wrk.headers["Content-Type"] = "{FORM_TYPE}"\n')
        cmd += ["-s", script]
    cmd.append(url)
    # The worker's own CPU time per request: unlike req/s, it does not count
    # time the worker spent waiting for one of the machine's two cores.
    workers = child_pids(server.proc.pid) if server is not None else []
    cpu_before = cpu_ns(workers) if workers else None
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 30)
    cpu_after = cpu_ns(workers) if workers else None
    result = parse_wrk(proc.stdout)
    if result["rps"] is None:
        return {"error": f"wrk: {proc.stdout[-200:]} {proc.stderr[-200:]}"}
    if cpu_before is not None and cpu_after is not None and result["requests"]:
        result["cpu_us"] = (cpu_after - cpu_before) / 1000 / result["requests"]
    if case.status < 400 and result["non_2xx"]:
        result["warning"] = f"{result['non_2xx']} non-2xx responses"
    return result


def e2e_case(case, names, args, workdir):
    """All servers up at once, then rounds of wrk runs: raw, fw, raw, fw, ..., raw.

    Every framework run sits between two raw runs; its cost in that round is
    the mean of those two raw req/s divided by its req/s.  The framework
    order rotates each round.  Reported: median req/s and median cost.
    """
    servers = {name: Server(name, case, workdir) for name in ["raw"] + names}
    out = {name: {"runs": []} for name in servers}
    try:
        for name, server in servers.items():
            problem = server.ready()
            if problem:
                out[name] = {"error": problem}
        live = [n for n in names if "error" not in out[n]]
        if "error" in out["raw"]:
            return out
        raw_runs = []
        runs = {n: [] for n in live}
        costs = {n: [] for n in live}
        cpu_costs = {n: [] for n in live}
        for r in range(args.e2e_rounds):
            k = r % len(live) if live else 0
            before = run_wrk(servers["raw"].url, case, args, workdir, servers["raw"])
            raw_runs.append(before)
            for n in live[k:] + live[:k]:
                res = run_wrk(servers[n].url, case, args, workdir, servers[n])
                after = run_wrk(servers["raw"].url, case, args, workdir, servers["raw"])
                raw_runs.append(after)
                runs[n].append(res)
                if res.get("rps") and before.get("rps") and after.get("rps"):
                    costs[n].append((before["rps"] + after["rps"]) / 2 / res["rps"])
                if res.get("cpu_us") and before.get("cpu_us") and after.get("cpu_us"):
                    cpu_costs[n].append(res["cpu_us"] / ((before["cpu_us"] + after["cpu_us"]) / 2))
                before = after
            log(f"  {case.key} round {r + 1}: " + ", ".join(
                f"{n} {runs[n][-1].get('rps') or 0:.0f}" for n in live)
                + f" | raw {min(x.get('rps') or 0 for x in raw_runs[-len(live) - 1:]):.0f}"
                f"-{max(x.get('rps') or 0 for x in raw_runs[-len(live) - 1:]):.0f}")
        good_raw = [x["rps"] for x in raw_runs if x.get("rps")]
        raw_cpu = [x["cpu_us"] for x in raw_runs if x.get("cpu_us")]
        out["raw"] = {"runs": raw_runs, "rps": statistics.median(good_raw) if good_raw else None,
                      "cpu_us": statistics.median(raw_cpu) if raw_cpu else None}
        for n in live:
            good = [x["rps"] for x in runs[n] if x.get("rps")]
            out[n] = {"runs": runs[n], "rps": statistics.median(good) if good else None,
                      "cost": statistics.median(costs[n]) if costs[n] else None,
                      "cpu_us": statistics.median([x["cpu_us"] for x in runs[n] if x.get("cpu_us")] or [0]) or None,
                      "cpu_cost": statistics.median(cpu_costs[n]) if cpu_costs[n] else None,
                      "warning": "; ".join(x["warning"] for x in runs[n] if x.get("warning")) or None}
            if not good:
                out[n]["error"] = "; ".join(x.get("error", "") for x in runs[n])
        return out
    finally:
        for server in servers.values():
            server.stop()


def ensure_wrk():
    if shutil.which("wrk"):
        return None
    log("[e2e] wrk not found: apt-get update && apt-get install -y wrk")
    apt = ["apt-get"] if os.geteuid() == 0 else ["sudo", "apt-get"]
    subprocess.run([*apt, "update", "-qq"], check=False)
    subprocess.run([*apt, "install", "-y", "-qq", "wrk"], check=False)
    return None if shutil.which("wrk") else "wrk could not be installed"


# -- tables -----------------------------------------------------------------------
def fmt(value, digits=2):
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}f}"


def md_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "---:"
                                                              for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def versus(results, key, peer, getter, invert=False):
    """clastic_like relative to ``peer``: peer_time / cl_time (>= 1: clastic_like is faster)."""
    cl, other = getter(results.get("clastic_like"), key), getter(results.get(peer), key)
    if cl is None or other is None:
        return "–"
    return fmt(cl / other if invert else other / cl)


def inprocess_tables(fws, inproc, skipped):
    def ratio(res, key):
        case = (res or {}).get("cases", {}).get(key)
        return case.get("ratio") if case and "error" not in case else None

    header = ["scenario", "raw µs"] + [TITLES[f] for f in fws] + ["clastic_like µs", "× Falcon", "× Clastic"]
    rows = []
    for case in CASES:
        raws = [r["cases"][case.key]["raw_us"] for r in inproc.values()
                if r and "cases" in r and case.key in r["cases"] and "raw_us" in r["cases"][case.key]]
        row = [case.label, fmt(sorted(raws)[len(raws) // 2]) if raws else "–"]
        for f in fws:
            if f in skipped:
                row.append("skipped")
                continue
            c = (inproc.get(f) or {}).get("cases", {}).get(case.key, {})
            row.append("ERR" if "error" in c else fmt(c.get("ratio")))
        cl = (inproc.get("clastic_like") or {}).get("cases", {}).get(case.key, {})
        row.append(fmt(cl.get("fw_us"), 1))
        row.append(versus(inproc, case.key, "falcon", ratio))
        row.append(versus(inproc, case.key, "clastic", ratio))
        rows.append(row)
    main = md_table(header, rows)

    # S3: cost of the last route over the first, per framework.
    header = ["last/first route"] + [TITLES[f] for f in fws]
    rows = []
    for n in (100, 1000):
        row = [f"{n} routes"]
        for f in fws:
            first, last = ratio(inproc.get(f), f"S3-{n}-first"), ratio(inproc.get(f), f"S3-{n}-last")
            row.append(fmt(last / first) if first and last else ("skipped" if f in skipped else "–"))
        rows.append(row)
    row = ["1000 vs 100 routes, last"]
    for f in fws:
        a, b = ratio(inproc.get(f), "S3-100-last"), ratio(inproc.get(f), "S3-1000-last")
        row.append(fmt(b / a) if a and b else ("skipped" if f in skipped else "–"))
    rows.append(row)
    return main, md_table(header, rows)


def construct_table(fws, cons, skipped):
    header = ["framework", "build (s)", "first request (s)", "build, cold (s)", "builds"]
    rows = []
    for f in ["raw"] + fws:
        if f in skipped:
            rows.append([TITLES[f], "skipped", "", "", ""])
            continue
        c = (cons.get(f) or {}).get("construct") or {"error": (cons.get(f) or {}).get("error", "not run")}
        if "error" in c:
            rows.append([TITLES[f], "ERR: " + c["error"][:60], "", "", ""])
            continue
        rows.append([TITLES[f], f"{c['build_s']:.4f}", f"{c['first_request_s']:.4f}", f"{c['cold_build_s']:.4f}", str(c["reps"])])
    return md_table(header, rows)


def e2e_table(fws, e2e, skipped):
    def cost(res, key):
        r = (e2e.get(key) or {}).get(res)
        return r.get("cost") if r and "error" not in r else None

    header = ["scenario", "raw req/s"] + [TITLES[f] + " req/s (cost × raw)" for f in fws] + ["× Falcon", "× Clastic"]
    rows = []
    for key in E2E_KEYS:
        res = e2e.get(key) or {}
        raw = res.get("raw", {})
        row = [BY_KEY[key].label, "ERR" if "error" in raw else fmt(raw.get("rps"), 0)]
        for f in fws:
            r = res.get(f)
            if f in skipped:
                row.append("skipped")
            elif r is None:
                row.append("–")
            elif "error" in r:
                row.append("ERR")
            else:
                row.append(f"{r['rps']:.0f} ({fmt(r['cost'])})" + (" !" if r.get("warning") else ""))
        for peer in ("falcon", "clastic"):
            a, b = cost(peer, key), cost("clastic_like", key)
            row.append(fmt(a / b) if a and b else "–")
        rows.append(row)
    return md_table(header, rows)


def e2e_cpu_table(fws, e2e, skipped):
    header = ["scenario", "raw µs"] + [TITLES[f] + " µs (cost × raw)" for f in fws] + ["clastic_like × raw"]
    rows = []
    for key in E2E_KEYS:
        res = e2e.get(key) or {}
        raw = res.get("raw", {})
        row = [BY_KEY[key].label, fmt(raw.get("cpu_us"), 1)]
        for f in fws:
            r = res.get(f)
            if f in skipped:
                row.append("skipped")
            elif r is None or "error" in r or not r.get("cpu_cost"):
                row.append("–")
            else:
                row.append(f"{r['cpu_us']:.1f} ({fmt(r['cpu_cost'])})")
        mine = (res.get("clastic_like") or {}).get("cpu_cost")
        row.append(fmt(1 / mine) if mine else "–")
        rows.append(row)
    return md_table(header, rows)


# -- main -----------------------------------------------------------------------
def split_sections(live, args, workdir, out):
    """The end-to-end split (e2e_split.py) for raw, Falcon and clastic_like:
    gunicorn's CPU per request and the app's, measured apart in the worker."""
    import e2e_split  # imports this module: only when the end-to-end mode runs

    fws = [name for name in ("falcon", "clastic_like") if name in live]
    split_args = argparse.Namespace(**vars(args))
    split_args.rounds = args.split_rounds
    log(f"[e2e split] {split_args.rounds} rounds, servers: {', '.join(['raw'] + fws)}")
    results, summaries = {}, {}
    for key in E2E_KEYS:
        results[key] = e2e_split.split_case(BY_KEY[key], ["raw"] + fws, split_args, workdir)
        summaries[key] = e2e_split.summarize_case(results[key], fws)
    out["e2e_split"] = results
    return ["\n### End-to-end, split: gunicorn's CPU (G) and the app's (A) per request, µs\n",
            "Each server's app runs inside a timer that reads the worker thread's CPU clock (bench/serve_split.py), "
            f"{split_args.rounds} rounds of the same wrk runs, servers in rotated order. Per request: W = worker CPU, "
            "A = CPU inside the app call (body consumed and closed), G = W − A, gunicorn's own work. "
            "`× raw` = (G + A raw) / (G + A fw) with G pooled over the scenario's servers (median), and with "
            "the lowest G seen (pessimistic): a CPU-bound sync worker's throughput relative to the raw app, the "
            "figure the issue's end-to-end target reads (≥ 0.97). Details: `python3 bench/e2e_split.py --help`.\n",
            e2e_split.main_table(results, summaries, fws)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer rounds (in-process and end-to-end)")
    parser.add_argument("--only", choices=["inprocess", "e2e"], help="run one mode (inprocess includes S7)")
    parser.add_argument("--frameworks", help="comma-separated subset of " + ",".join(DEFAULT_FRAMEWORKS))
    parser.add_argument("--falcon-pure", action="store_true", help="add Falcon 4.4 built without Cython")
    parser.add_argument("--rounds", type=int, help="in-process rounds per case (default 25, quick 9)")
    parser.add_argument("--batch-ms", type=float, help="in-process batch length (default 15, quick 6)")
    parser.add_argument("--duration", type=int, help="wrk seconds per run (default 1)")
    parser.add_argument("--e2e-rounds", type=int, help="wrk runs per framework and scenario (default 4, quick 2)")
    parser.add_argument("--split-rounds", type=int,
                        help="rounds of the end-to-end split (e2e_split.py) for raw, Falcon, clastic_like (default 8, quick 4)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (2 cores: 1 leaves one for gunicorn)")
    parser.add_argument("--profile", action="store_true", help="cProfile clastic_like on S1 and S2")
    parser.add_argument("--recreate", action="store_true", help="rebuild the virtualenvs")
    parser.add_argument("--out", default=os.path.join(BENCH, "results"))
    args = parser.parse_args()
    args.rounds = args.rounds or (9 if args.quick else 25)
    args.batch_ms = args.batch_ms or (6.0 if args.quick else 15.0)
    args.duration = args.duration or 1
    args.e2e_rounds = args.e2e_rounds or (2 if args.quick else 4)
    args.split_rounds = args.split_rounds or (4 if args.quick else 8)

    fws = args.frameworks.split(",") if args.frameworks else list(DEFAULT_FRAMEWORKS)
    if args.falcon_pure and "falcon-pure" not in fws:
        fws.insert(fws.index("falcon") + 1 if "falcon" in fws else len(fws), "falcon-pure")
    fws = [f for f in fws if f != "raw"]
    unknown = [f for f in fws if f not in SPECS]
    if unknown:
        parser.error(f"unknown frameworks {unknown}; known: {sorted(SPECS)}")
    started = time.monotonic()

    skipped = {}
    for name in ["raw"] + fws:
        reason = ensure_venv(name, args.recreate)
        if reason:
            skipped[name] = reason
            log(f"[venv] {name}: SKIPPED: {reason}")
    if "raw" in skipped:
        sys.exit(f"the raw venv is required: {skipped['raw']}")
    live = [f for f in fws if f not in skipped]

    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.machine())
    git = subprocess.run(["git", "-C", REPO, "log", "-1", "--format=%h (%cs) %s"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--", "clastic_like"],
                           capture_output=True, text=True).stdout.split("\n")
    dirty = [line for line in dirty if line.strip()]
    commit = git.stdout.strip() or "unknown"
    commit = commit if len(commit) <= 80 else commit[:79] + "…"
    meta = {"date": stamp, "commit": commit, "dirty": dirty, "python": platform.python_version(), "cores": os.cpu_count(), "cpu": cpu,
            "args": vars(args), "skipped": skipped}
    out = {"meta": meta, "inprocess": {}, "construct": {}, "e2e": {}, "env": {}}
    sections = [f"# clastic_like benchmark, {stamp}\n",
                f"Machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
                f"{'quick' if args.quick else 'full'} run.\n",
                f"clastic_like at commit `{commit}`"
                + (f", with {len(dirty)} uncommitted change(s) under clastic_like/.\n" if dirty else ".\n")]

    if args.only in (None, "inprocess"):
        log(f"[in-process] {args.rounds} rounds of ~{args.batch_ms:g} ms batches per case")
        for name in live:
            res = run_driver(name, ["--rounds", str(args.rounds), "--batch-ms", str(args.batch_ms)])
            out["inprocess"][name] = res
            out["env"][name] = res.get("env")
        log("[in-process] S7 construction")
        for name in ["raw"] + live:
            out["construct"][name] = run_driver(name, ["--construct", "--reps", "3" if args.quick else "5"])
            out["env"].setdefault(name, out["construct"][name].get("env"))
        main_t, s3_t = inprocess_tables(fws, out["inprocess"], skipped)
        sections += ["## In-process: cost × raw WSGI (lower is better)\n",
                     "Median over rounds of (framework µs per call) / (raw µs per call), both timed in the "
                     "same process in alternating batches. `× Falcon` = Falcon cost / clastic_like cost, "
                     "`× Clastic` likewise: ≥ 1.0 means clastic_like is at least as fast.\n",
                     main_t, "\n### S3: last route / first route (cost ratio)\n", s3_t,
                     "\n## S7: construction of the 1000-route app with three middlewares (seconds)\n",
                     "`build`: median of the constructor call; `first request`: median time of the first "
                     "request to the last route after building (lazy compilation shows here); "
                     "`cold`: the first build in the process.\n",
                     construct_table(fws, out["construct"], skipped)]

    if args.only in (None, "e2e"):
        problem = ensure_wrk()
        if problem:
            sections.append(f"\n## End-to-end\n\nskipped: {problem}\n")
        else:
            log(f"[e2e] gunicorn (1 sync worker) + wrk -t{args.threads} -c{args.connections} "
                f"-d{args.duration}s on 127.0.0.1")
            workdir = tempfile.mkdtemp(prefix="bench-e2e-")
            failed = False
            for key in E2E_KEYS:
                out["e2e"][key] = res = e2e_case(BY_KEY[key], live, args, workdir)
                for name, r in res.items():
                    if "error" in r:
                        failed = True
                        log(f"  {name} {key}: ERROR {r['error']}")
            sections += [f"\n## End-to-end: gunicorn (1 sync worker) + wrk -t{args.threads} "
                         f"-c{args.connections} -d{args.duration}s, requests/s (cost × raw)\n",
                         "All servers of a scenario run at once; each of "
                         f"{args.e2e_rounds} rounds loads raw, framework, raw, framework, ..., raw (framework "
                         "order rotated). req/s: median over rounds; cost × raw: median over rounds of "
                         "(mean req/s of the two raw runs around the framework's run) / framework req/s. `× Falcon` = Falcon cost / clastic_like cost (≥ 1.0: clastic_like "
                         "is at least as fast). `!`: some non-2xx answers where none were expected.\n",
                         e2e_table(fws, out["e2e"], skipped),
                         "\n### End-to-end: gunicorn worker CPU time per request, µs (cost × raw)\n",
                         "The worker process's own CPU time (Linux `/proc/<pid>/schedstat`) over each wrk run, "
                         "divided by the requests wrk completed: it includes gunicorn's HTTP parsing and the "
                         "socket work, and does not count time spent waiting for a core. On a virtual machine "
                         "it still moves with the host's load (compare the raw µs across scenarios, which do "
                         "almost the same work). µs: median over rounds; cost × raw: median over "
                         "rounds of framework µs / (mean µs of the two raw runs around it); "
                         "`× raw` = 1 / cost (the issue's end-to-end target reads ≥ 0.97 × raw).\n",
                         e2e_cpu_table(fws, out["e2e"], skipped)]
            sections += split_sections(live, args, workdir, out)
            if failed:
                log(f"[e2e] server logs kept in {workdir}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)

    if args.profile and "clastic_like" in live:
        log("[profile] clastic_like S1, S2")
        prof = run_driver("clastic_like", ["--profile", "S1,S2"])
        out["profile"] = prof.get("profile")
        for key, text in (out["profile"] or {}).items():
            sections += [f"\n## cProfile, clastic_like {key} (20000 calls, by tottime)\n",
                         "```\n" + text.strip() + "\n```"]

    notes = []
    for name, reason in skipped.items():
        notes.append(f"- {TITLES[name]}: skipped: {reason}")
    for name, env in out["env"].items():
        if env:
            pk = ", ".join(f"{k} {v}" for k, v in env.get("packages", {}).items())
            line = f"- {TITLES[name]}: {pk}"
            fal = env.get("falcon")
            if fal:
                ext = fal["extension_modules"]
                line += (f"; falcon.app is `{fal['app_module']}` (App.__call__ is "
                         f"{'a Python function' if fal['app_call_is_python'] else 'compiled'}); "
                         + (f"Cython extension modules: {', '.join(ext)}; loaded: "
                            f"{', '.join(fal['cyutil_loaded']) or 'none'}" if ext else "no Cython extension modules"))
            notes.append(line)
    sections += ["\n## Versions\n", "\n".join(notes)]
    elapsed = time.monotonic() - started
    sections.append(f"\nRun time: {elapsed:.0f} s.")
    report = "\n".join(sections) + "\n"
    print(report)

    os.makedirs(args.out, exist_ok=True)
    base = os.path.join(args.out, datetime.datetime.now().strftime("%Y%m%d-%H%M%S"))
    with open(base + ".json", "w") as fh:
        json.dump(out, fh, indent=1)
    with open(base + ".md", "w") as fh:
        fh.write(report)
    shutil.copyfile(base + ".md", os.path.join(args.out, "latest.md"))
    log(f"[done] {elapsed:.0f} s; wrote {os.path.relpath(base, REPO)}.md/.json")


if __name__ == "__main__":
    main()
