#!/usr/bin/env python3
"""End to end under gunicorn (1 sync worker), split into gunicorn's cost and the app's.

    python3 bench/e2e_split.py                                   # raw,clastic_like, 8 rounds (~2 min)
    python3 bench/e2e_split.py --frameworks raw,falcon,clastic_like --rounds 3

What is measured.  Every server is run.py's end-to-end server (same gunicorn
command, same app from serve.py), except that gunicorn loads
serve_split:app, a wrapper that reads the worker thread's CPU clock
(``time.thread_time_ns``) before calling the app and after the app's body
has been consumed and closed.  Around each wrk run (run.py's wrk command,
-t1 -c8) the runner asks the worker for its counters (``GET
/__split_stats``, not counted), so per request of the scenario:

    W = worker CPU time (/proc/self/schedstat of the worker, first field)
    A = CPU time inside the app (the wrapper's spans)
    G = W - A: gunicorn's own work (accept, HTTP parsing, environ, send, close)

G does not depend on the framework (same requests, same gunicorn), so it is
pooled over all servers of a scenario: G = median of every run's G.  The
end-to-end cost of a sync worker is G + A per request, and

    x raw = (G + A_raw) / (G + A_fw)

is the framework's throughput relative to the raw WSGI app when the worker
is the bottleneck (1.0 = as fast; the target reads >= 0.97).  It is also
given with the lowest G seen in the scenario: a smaller G makes the app's
share larger, so that is the pessimistic figure.

Why this is more precise than comparing req/s (or W) of two servers: those
differ by a few microseconds out of ~150, while each 1 s run moves by +-20%
on a shared 2-core VM (the host's load, cache state), so the difference of
two noisy totals is mostly noise.  Here G, the big noisy part, is measured
and enters the ratio only as a common term of numerator and denominator: a
20% error in G moves the ratio by about 20% of (1 - ratio), e.g. 0.980 vs
0.976.  A is per-request CPU time of the worker's own thread, so time spent
waiting for a core is not in it; it still moves with the host's load (by
+-20% too, but of a few microseconds, so the ratio moves by a percent or
two per round, and the median over rounds by less; the table gives the
per-round range).  The ratio needs only the sum G + A.

Caveats.  A includes one clock read (``clock_ns``, ~0.2-0.3 us, about the
same for every server) and what gunicorn does inside the app's call
(start_response's header checks, reading wsgi.input), which scales with what
the app asks for, so it belongs to the app.  Costs the app causes but that
show up later, in gunicorn's code, land in G: a garbage collection triggered
there by the app's allocations, or gunicorn's code running slower because
the app's larger working set evicted it from the caches.  Pooling G treats
them as noise, so G is also reported per server, and W_raw/W_fw (the
direct, noisy ratio) next to it; when a framework's G is higher than raw's
round after round, trust the lower figure.  The two stats requests per run
add one request's gunicorn work to W, about 0.02 us per request.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)

import run  # noqa: E402  (Server, run_wrk, ensure_venv, ensure_wrk, md_table, TITLES)
from cases import BY_KEY, E2E_KEYS  # noqa: E402

# Must match serve_split.STATS_PATH; that module cannot be imported here (it
# builds a framework's app on import).
STATS_PATH = "/__split_stats"
TARGET = "serve_split:app"
log = run.log


def read_stats(server):
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{STATS_PATH}", timeout=10) as resp:
        return json.loads(resp.read())


def cpu_ticks():
    """(steal, total) ticks of all CPUs from /proc/stat: how much of the run the
    hypervisor gave to other guests.  Recorded to judge a run, not subtracted."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    return fields[7] if len(fields) > 7 else 0, sum(fields[:8])


def one_run(server, case, args, workdir):
    """Counters, wrk, counters: per-request W, A, G (us) over that wrk run."""
    try:
        before = read_stats(server)
        ticks0 = cpu_ticks()
        wrk = run.run_wrk(server.url, case, args, workdir, server)
        ticks1 = cpu_ticks()
        after = read_stats(server)
    except (OSError, ValueError) as exc:
        return {"error": f"stats: {exc}"}
    res = {"before": before, "after": after, "wrk": wrk}
    if "error" in wrk:
        res["error"] = wrk["error"]
        return res
    n = after["requests"] - before["requests"]
    if after["pid"] != before["pid"] or n <= 0:
        # A restarted worker starts its counters again: the difference means nothing.
        res["error"] = f"worker pid {before['pid']} -> {after['pid']}, {n} requests counted"
        return res
    w = (after["worker_ns"] - before["worker_ns"]) / n / 1000
    a = (after["app_ns"] - before["app_ns"]) / n / 1000
    res.update(requests=n, W=w, A=a, G=w - a,
               other_requests=after["other_requests"] - before["other_requests"],
               steal_pct=100 * (ticks1[0] - ticks0[0]) / max(1, ticks1[1] - ticks0[1]),
               faults=(after["minflt"] - before["minflt"]) / n,
               sys_pct=100 * (after["stime"] - before["stime"]) / max(1e-9, (after["stime"] - before["stime"])
                                                                      + (after["utime"] - before["utime"])),
               gc_per_1000=(after["gc_collections"] - before["gc_collections"]) * 1000 / n)
    return res


def split_case(case, names, args, workdir):
    """One server per framework for ``case``, all up at once; rounds of wrk runs in rotated order."""
    # Server() hands its own environment to gunicorn: this tells serve_split
    # which requests are the scenario's.
    os.environ["BENCH_SPLIT_CASE"] = case.key
    servers = {name: run.Server(name, case, workdir, target=TARGET) for name in names}
    out = {name: {"runs": []} for name in servers}
    try:
        for name, server in servers.items():
            problem = server.ready()
            if problem:
                out[name]["error"] = problem
                log(f"  {case.key} {name}: ERROR {problem}")
        live = [name for name in servers if "error" not in out[name]]
        if "raw" not in live:
            return out
        for r in range(args.rounds):
            k = r % len(live)
            for name in live[k:] + live[:k]:
                res = one_run(servers[name], case, args, workdir)
                out[name]["runs"].append(res)
                if "error" in res:
                    log(f"  {case.key} {name} round {r + 1}: ERROR {res['error']}")
            log(f"  {case.key} round {r + 1}: " + ", ".join(
                f"{n} G {run_value(out[n]['runs'][-1], 'G')} A {run_value(out[n]['runs'][-1], 'A')}"
                for n in live))
        for name in live:
            out[name]["summary"] = summarize_server(out[name]["runs"])
        return out
    finally:
        for server in servers.values():
            server.stop()


def run_value(res, key):
    return f"{res[key]:.1f}" if key in res else "ERR"


def summarize_server(runs):
    good = [r for r in runs if "error" not in r]
    if not good:
        return None

    def col(key):
        return [r[key] for r in good]

    return {"runs": len(good), "W": statistics.median(col("W")), "A": statistics.median(col("A")),
            "G": statistics.median(col("G")), "G_min": min(col("G")), "G_max": max(col("G")),
            "A_min": min(col("A")), "A_max": max(col("A")),
            "rps": statistics.median(r["wrk"]["rps"] for r in good),
            "requests": statistics.median(col("requests")),
            "ext_cpu_us": statistics.median(r["wrk"].get("cpu_us") or 0 for r in good) or None,
            "other_requests": sum(col("other_requests")),
            "gc_per_1000": statistics.median(col("gc_per_1000")),
            "steal_pct": statistics.median(col("steal_pct")),
            "faults": statistics.median(col("faults")), "sys_pct": statistics.median(col("sys_pct")),
            "non_2xx": sum(r["wrk"].get("non_2xx", 0) for r in good),
            "clock_ns": good[-1]["after"]["clock_ns"], "threads": good[-1]["after"]["threads"]}


def summarize_case(res, fws):
    """Pooled G and the ratios of each framework against raw, for one scenario."""
    raw = res.get("raw", {}).get("summary")
    if not raw:
        return None
    all_g = [r["G"] for s in res.values() if s.get("summary") for r in s["runs"] if "error" not in r]
    g_pool, g_min = statistics.median(all_g), min(all_g)
    rows = {}
    for fw in fws:
        s = (res.get(fw) or {}).get("summary")
        if not s:
            continue
        # The same ratio per round, from that round's two A's (the runs of one
        # round are seconds apart): its spread shows how much A itself moved.
        per_round = [(g_pool + r0["A"]) / (g_pool + r1["A"])
                     for r0, r1 in zip(res["raw"]["runs"], res[fw]["runs"]) if "A" in r0 and "A" in r1]
        rows[fw] = {"G_raw": raw["G"], "G_fw": s["G"], "G_diff": s["G"] / raw["G"] - 1,
                    "A_raw": raw["A"], "A_fw": s["A"], "A_ratio": s["A"] / raw["A"],
                    "x_raw": (g_pool + raw["A"]) / (g_pool + s["A"]),
                    "x_raw_min_g": (g_min + raw["A"]) / (g_min + s["A"]),
                    "x_raw_rounds": per_round,
                    # Rounds in which this server's G was above raw's: about half
                    # if the G's differ by noise only.
                    "G_higher_rounds": sum(r1["G"] > r0["G"] for r0, r1 in zip(res["raw"]["runs"], res[fw]["runs"])
                                           if "G" in r0 and "G" in r1),
                    "G_rounds": sum("G" in r0 and "G" in r1 for r0, r1 in zip(res["raw"]["runs"], res[fw]["runs"])),
                    "w_direct": raw["W"] / s["W"]}
    return {"G_pooled": g_pool, "G_min": g_min, "runs_pooled": len(all_g), "frameworks": rows}


# -- report ---------------------------------------------------------------------
def f1(x):
    return "–" if x is None else f"{x:.1f}"


def f2(x):
    return "–" if x is None else f"{x:.2f}"


def f3(x):
    return "–" if x is None else f"{x:.3f}"


def main_table(results, summaries, fws):
    header = ["scenario", "framework", "G raw µs", "G fw µs (vs raw)", "G pooled µs", "G min µs",
              "A raw µs", "A fw µs", "A fw / A raw", "× raw (pooled G)", "× raw per round (min–max)", "× raw (min G)",
              "W raw / W fw (direct)"]
    rows = []
    for key in results:
        summ = summaries.get(key)
        for fw in fws:
            row = [BY_KEY[key].label, run.TITLES.get(fw, fw)]
            r = (summ or {}).get("frameworks", {}).get(fw)
            if r is None:
                err = (results[key].get(fw) or {}).get("error") or (results[key].get("raw") or {}).get("error")
                rows.append(row + ["ERR: " + (err or "no good runs")[:60]] + [""] * (len(header) - 3))
                continue
            rows.append(row + [f1(r["G_raw"]), f"{r['G_fw']:.1f} ({r['G_diff'] * 100:+.1f}%)",
                               f1(summ["G_pooled"]), f1(summ["G_min"]), f2(r["A_raw"]), f2(r["A_fw"]),
                               f2(r["A_ratio"]), f"**{r['x_raw']:.3f}**",
                               f"{min(r['x_raw_rounds']):.3f}–{max(r['x_raw_rounds']):.3f}" if r["x_raw_rounds"] else "–",
                               f3(r["x_raw_min_g"]),
                               f3(r["w_direct"])])
    return run.md_table(header, rows)


def server_table(results):
    header = ["scenario", "server", "runs", "req/s", "requests/run", "W µs", "G µs (min–max)",
              "A µs (min–max)", "page faults /req", "system CPU %", "steal %", "GCs /1000 req", "non-2xx", "other req."]
    rows = []
    for key, res in results.items():
        for name, r in res.items():
            s = r.get("summary")
            if not s:
                rows.append([BY_KEY[key].label, run.TITLES.get(name, name), "ERR"] + [""] * (len(header) - 3))
                continue
            rows.append([BY_KEY[key].label, run.TITLES.get(name, name), str(s["runs"]), f"{s['rps']:.0f}",
                         f"{s['requests']:.0f}", f1(s["W"]),
                         f"{s['G']:.1f} ({s['G_min']:.1f}–{s['G_max']:.1f})",
                         f"{s['A']:.2f} ({s['A_min']:.2f}–{s['A_max']:.2f})",
                         f2(s["faults"]), f1(s["sys_pct"]), f1(s["steal_pct"]), f1(s["gc_per_1000"]), str(s["non_2xx"]), str(s["other_requests"])])
    return run.md_table(header, rows)


def g_agreement(summaries):
    """One sentence per framework: how far its G is from raw's, over the scenarios."""
    by_fw = {}
    for key, summ in summaries.items():
        for fw, r in ((summ or {}).get("frameworks") or {}).items():
            by_fw.setdefault(fw, []).append((key, r))
    return [f"- {run.TITLES.get(fw, fw)}: median G minus raw's: "
            + ", ".join(f"{key} {r['G_diff'] * 100:+.1f}% (higher in {r['G_higher_rounds']}/{r['G_rounds']} rounds)"
                        for key, r in items)
            + f"; largest |difference| {max(abs(r['G_diff']) for _, r in items) * 100:.1f}%."
            for fw, items in by_fw.items()]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frameworks", default="raw,clastic_like",
                        help="comma-separated; raw is always served (default raw,clastic_like)")
    parser.add_argument("--rounds", type=int, default=8, help="wrk runs per server and scenario")
    parser.add_argument("--duration", type=int, default=1, help="wrk seconds per run")
    parser.add_argument("--cases", default=",".join(E2E_KEYS), help="scenario keys (default: run.py's E2E_KEYS)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (run.py's default)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (run.py's default)")
    parser.add_argument("--out", default=os.path.join(BENCH, "results"))
    args = parser.parse_args()
    started = time.monotonic()

    fws = [f for f in args.frameworks.split(",") if f and f != "raw"]
    keys = args.cases.split(",")
    unknown = [f for f in fws if f not in run.SPECS] + [k for k in keys if k not in BY_KEY]
    if unknown:
        parser.error(f"unknown frameworks/cases {unknown}; frameworks: {sorted(run.SPECS)}")
    skipped = {}
    for name in ["raw"] + fws:
        reason = run.ensure_venv(name)
        if reason:
            skipped[name] = reason
            log(f"[venv] {name}: SKIPPED: {reason}")
    if "raw" in skipped:
        sys.exit(f"the raw venv is required: {skipped['raw']}")
    problem = run.ensure_wrk()
    if problem:
        sys.exit(problem)
    fws = [f for f in fws if f not in skipped]

    log(f"[split] gunicorn (1 sync worker) + wrk -t{args.threads} -c{args.connections} -d{args.duration}s, "
        f"{args.rounds} rounds, servers: {', '.join(['raw'] + fws)}")
    workdir = tempfile.mkdtemp(prefix="bench-split-")
    results, summaries = {}, {}
    for key in keys:
        results[key] = split_case(BY_KEY[key], ["raw"] + fws, args, workdir)
        summaries[key] = summarize_case(results[key], fws)
    elapsed = time.monotonic() - started

    git = subprocess.run(["git", "-C", run.REPO, "log", "-1", "--format=%h (%cs)"], capture_output=True, text=True)
    dirty = [line for line in subprocess.run(["git", "-C", run.REPO, "status", "--porcelain", "--", "clastic_like"],
                                             capture_output=True, text=True).stdout.splitlines() if line.strip()]
    stamp = datetime.datetime.now()
    clock_ns = sorted({s["summary"]["clock_ns"] for res in results.values() for s in res.values() if s.get("summary")})
    threads = sorted({s["summary"]["threads"] for res in results.values() for s in res.values() if s.get("summary")})
    sections = [
        f"# End to end, split into gunicorn's cost (G) and the app's (A), {stamp:%Y-%m-%d %H:%M}\n",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}; clastic_like at "
        f"`{git.stdout.strip() or 'unknown'}`" + (f" with {len(dirty)} uncommitted change(s) under clastic_like/" if dirty else "")
        + f". `python3 bench/e2e_split.py --frameworks {','.join(['raw'] + fws)} --rounds {args.rounds}"
        + (f" --duration {args.duration}" if args.duration != 1 else "") + "`.\n",
        f"Each server: gunicorn, 1 sync worker, the app of serve.py inside serve_split's timer; "
        f"{args.rounds} rounds of wrk -t{args.threads} -c{args.connections} -d{args.duration}s per server, "
        "servers in rotated order. Per request of the scenario: W = worker CPU (schedstat), A = CPU inside the "
        "app incl. consuming and closing its body (thread_time_ns), G = W − A. Medians over rounds. "
        "`× raw` = (G + A raw) / (G + A fw) with G pooled over all runs of all servers of the scenario "
        "(median), and with the lowest G of the scenario (pessimistic); `per round`: the same with each round's own A raw and A fw, lowest and highest round. `W raw / W fw` is the direct ratio of "
        "the two servers' worker CPU, for comparison (noisy). ≥ 1 means as fast as raw.\n",
        main_table(results, summaries, fws),
        "\n## G per server: same gunicorn work, so it should agree\n",
        "Run by run, a server's G moves with the machine's load; a framework whose G is above raw's in "
        "nearly every round makes gunicorn's own work slower (see the script's docstring), and then the "
        "direct W ratio is the better guide.\n",
        "\n".join(g_agreement(summaries)) or "(no frameworks)",
        "\n## Per server\n",
        "Medians over rounds (min–max over rounds in brackets). `requests/run` is counted in the worker; "
        "`other req.` are requests that were not the scenario's (served untimed; expected 0). `steal %`: share of the machine's CPU time the hypervisor gave to other guests during the runs (/proc/stat); G and A both grow with it. `page faults /req` (minor) and `system CPU %` (share of the worker's CPU time spent in the kernel) come from getrusage in the worker.\n",
        server_table(results),
        f"\nClock read inside each A span: {', '.join(str(c) for c in clock_ns)} ns (median back-to-back "
        f"thread_time_ns, per worker); worker threads: {', '.join(str(t) for t in threads)}.",
    ]
    for name, reason in skipped.items():
        sections.append(f"\n{run.TITLES.get(name, name)}: skipped: {reason}")
    sections.append(f"\nRun time: {elapsed:.0f} s.")
    report = "\n".join(sections) + "\n"
    print(report)

    os.makedirs(args.out, exist_ok=True)
    base = os.path.join(args.out, f"split-{stamp:%Y%m%d-%H%M%S}")
    meta = {"date": stamp.isoformat(timespec="seconds"), "commit": git.stdout.strip(), "dirty": dirty,
            "python": platform.python_version(), "cores": os.cpu_count(), "args": vars(args),
            "skipped": skipped, "run_time_s": elapsed}
    with open(base + ".json", "w") as fh:
        json.dump({"meta": meta, "summary": summaries, "servers": results}, fh, indent=1)
    with open(base + ".md", "w") as fh:
        fh.write(report)
    failed = any("error" in s or any("error" in r for r in s["runs"])
                 for res in results.values() for s in res.values())
    if failed:
        log(f"[split] server logs kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    log(f"[done] {elapsed:.0f} s; wrote {os.path.relpath(base, run.REPO)}.md/.json")


if __name__ == "__main__":
    main()
