"""StatsMiddleware, its reservoirs and the stats application (clastic_like.middleware.stats).

ST1, ST2 refer to shared/spec/clastic-reference.md §2.13; ST1's defect (404
and 405 turned into 500s) is fixed.
"""
import random
import threading

import pytest

from clastic_like import GET, POST, Application, NotFound, Response, render_basic
from clastic_like.middleware.stats import (
    DEFAULT_CAP,
    Hit,
    Reservoir,
    RouteStatReservoir,
    StatsMiddleware,
    create_stats_app,
    fast_randint,
    get_stats_dict,
)


class Ticker:
    """A timer that advances by ``step`` seconds each call: every request lasts ``step``."""

    def __init__(self, step=0.010):
        self.step, self.now = step, 0.0

    def __call__(self):
        self.now += self.step
        return self.now


def make_app(stats=None, **route_kw):
    stats = stats or StatsMiddleware(timer=Ticker(), clock=lambda: 1_700_000_000.0)

    def crash():
        raise ValueError("boom")

    def missing():
        raise NotFound()

    routes = [GET("/", lambda: "home", render_basic), GET("/crash", crash), GET("/missing", missing),
              POST("/post-only", lambda: "posted", render_basic), ("/_stats", create_stats_app())]
    return Application(routes, middlewares=[stats]), stats


def test_hits_recorded_by_pattern_and_status():
    """ST1: each request is recorded under its route pattern and status code."""
    app, stats = make_app()
    client = app.get_local_client()
    client.get("/")
    client.get("/")
    route_stats = stats.snapshot()
    assert route_stats["/"]["200"]["count"] == 2


@pytest.mark.parametrize("path, status", [("/nope", "404"), ("/post-only", "405")])
def test_404_and_405_pass_through_and_are_recorded(path, status):
    """ST1 fixed: 404/405 responses keep their status and are counted under the null route."""
    app, stats = make_app()
    resp = app.get_local_client().get(path)
    assert str(resp.status_code) == status
    assert stats.snapshot()["/<_ignored*>"][status]["count"] == 1


def test_raised_http_error_recorded_by_code():
    """ST1: a raised HTTPException is recorded under its code and still answered."""
    app, stats = make_app()
    assert app.get_local_client().get("/missing").status_code == 404
    assert stats.snapshot()["/missing"]["404"]["count"] == 1


def test_exception_recorded_by_class_name():
    """ST1: an uncaught exception is recorded under its class name; the client gets the 500."""
    app, stats = make_app()
    assert app.get_local_client().get("/crash").status_code == 500
    assert stats.snapshot()["/crash"]["ValueError"]["count"] == 1


def test_hit_fields():
    """ST1: a Hit holds start time, path, pattern, status, duration and MIME type."""
    app, stats = make_app()
    app.get_local_client().get("/?q=1")
    (route, by_status), = [(r, s) for r, s in stats.route_hits.items() if r.pattern == "/"]
    hit, = list(by_status["200"])
    assert hit == Hit(1_700_000_000.0, "/", "/", "200", pytest.approx(0.010), "text/plain")


def test_long_paths_are_cut_in_samples():
    """A hostile 100 KB path is stored cut short, so samples stay small."""
    app, stats = make_app()
    app.get_local_client().get("/" + "a" * 100_000)
    hit, = [h for by_status in stats.route_hits.values() for res in by_status.values() for h in res]
    assert hit.status_code == "404" and len(hit.url) < 300


def test_summary_shape_and_values():
    """ST2: each status summary has count, mean, std_dev, mad, min, quantiles, max, last_hit, total_duration (ms)."""
    app, stats = make_app()
    for _ in range(3):
        app.get_local_client().get("/")
    summary = stats.snapshot()["/"]["200"]
    assert set(summary) == {"count", "mean", "std_dev", "mad", "min", "0.25", "0.5", "0.75", "0.95", "0.99",
                            "max", "last_hit", "total_duration"}
    assert summary["count"] == 3
    assert summary["mean"] == summary["min"] == summary["max"] == 10.0
    assert summary["total_duration"] == 30.0
    assert summary["last_hit"].startswith("2023-11-1")


def test_stats_app_get_returns_route_stats():
    """ST2: GET on the stats app returns route_stats, start_time_utc and cur_time_utc as JSON."""
    app, _ = make_app()
    client = app.get_local_client()
    client.get("/")
    data = client.get("/_stats/", headers={"Accept": "application/json"}).get_json()
    assert set(data) == {"route_stats", "start_time_utc", "cur_time_utc"}
    assert data["route_stats"]["/"]["200"]["count"] == 1


def test_stats_app_reset_returns_stats_then_clears():
    """ST2: POST /reset returns the stats with reset: true, then starts afresh."""
    app, stats = make_app()
    client = app.get_local_client()
    client.get("/")
    data = client.post("/_stats/reset", headers={"Accept": "application/json"}).get_json()
    assert data["reset"] is True and data["route_stats"]["/"]["200"]["count"] == 1
    assert "/" not in stats.snapshot()


def test_stats_app_reset_requires_post():
    """ST2: GET /reset is not the reset endpoint (405), so a link or prefetch cannot clear the stats."""
    app, stats = make_app()
    client = app.get_local_client()
    client.get("/")
    assert client.get("/_stats/reset").status_code == 405
    assert stats.snapshot()["/"]["200"]["count"] == 1


def test_stats_app_without_middleware_is_501():
    """ST2: without an application-level StatsMiddleware the stats endpoints answer 501."""
    app = Application([("/_stats", create_stats_app())])
    assert app.get_local_client().get("/_stats/").status_code == 501


def test_routes_sharing_a_pattern_are_merged():
    """GET and POST routes on one pattern are summarised together instead of overwriting each other."""
    stats = StatsMiddleware(timer=Ticker())
    app = Application([GET("/x", lambda: "g", render_basic), POST("/x", lambda: "p", render_basic)],
                      middlewares=[stats])
    client = app.get_local_client()
    client.get("/x")
    client.post("/x")
    assert stats.snapshot()["/x"]["200"]["count"] == 2


def test_get_stats_dict_is_an_endpoint_function():
    """get_stats_dict(_application) can be used directly as an endpoint."""
    app, _ = make_app()
    assert set(get_stats_dict(app)) == {"route_stats", "start_time_utc", "cur_time_utc"}


def test_reset_sets_last_reset():
    """reset() empties route_hits and updates last_reset."""
    app, stats = make_app()
    app.get_local_client().get("/")
    before = stats.last_reset
    stats.reset()
    assert stats.route_hits == {} and stats.last_reset >= before


# -- reservoirs -----------------------------------------------------------------------

def test_reservoir_keeps_at_most_cap_and_counts_all():
    """A reservoir samples at most cap values but counts every value added."""
    res = Reservoir(cap=10, rng=random.Random(1))
    for i in range(1000):
        res.add(i)
    assert len(res) == 10 and res.total_count == 1000
    assert set(res) <= set(range(1000))


def test_reservoir_sample_is_spread_over_the_stream():
    """The sample is not just the first values (later values replace earlier ones)."""
    res = Reservoir(cap=50, data=range(10_000), rng=random.Random(7))
    assert max(res) > 5000


def test_reservoir_default_cap():
    """cap=True means 16384 samples; cap=False is unbounded."""
    assert DEFAULT_CAP == 16384
    unbounded = Reservoir(cap=False, data=range(20_000))
    assert len(unbounded) == 20_000


@pytest.mark.parametrize("cap", [0, -1, "big", 1.5])
def test_reservoir_bad_cap(cap):
    """A cap that is not True, False or a positive integer is refused."""
    with pytest.raises(ValueError, match="cap"):
        Reservoir(cap=cap)


def test_stats_middleware_bad_cap_fails_construction():
    """StatsMiddleware(cap=...) is checked at construction."""
    with pytest.raises(ValueError, match="cap"):
        StatsMiddleware(cap=0)


def test_route_stat_reservoir_tracks_last_hit_and_total():
    """RouteStatReservoir remembers the last hit time and sums durations of all hits."""
    res = RouteStatReservoir(cap=1, rng=random.Random(0))
    res.add(Hit(1.0, "/", "/", "200", 0.5, ""))
    res.add(Hit(2.0, "/", "/", "200", 0.25, ""))
    assert res.last_hit == 2.0 and res.total_duration == 0.75 and len(res) == 1


def test_fast_randint_stays_in_bounds():
    """fast_randint(a, b) returns integers in [a, b], both ends reachable."""
    rng = random.Random(3)
    values = {fast_randint(0, 3, rng) for _ in range(500)}
    assert values == {0, 1, 2, 3}


def test_middleware_is_thread_safe():
    """Concurrent requests from threads are all counted."""
    stats = StatsMiddleware()
    app = Application([("/", lambda: Response("ok"))], middlewares=[stats])

    def worker():
        client = app.get_local_client()
        for _ in range(50):
            client.get("/")

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert stats.snapshot()["/"]["200"]["count"] == 200
