"""Per-route response-time statistics, and a small application that shows them.

:class:`StatsMiddleware` records, for each route and each status (or
exception class name), a bounded random sample of hits (reservoir sampling,
16384 by default) plus exact counts and total durations.
:func:`create_stats_app` returns an application to mount next to yours::

    Application([('/', home), ('/_stats', create_stats_app())],
                middlewares=[StatsMiddleware()])

It finds the :class:`StatsMiddleware` among the *application-level*
middlewares of the application serving the request (501 if there is none).
The stats expose internals: mount the stats app only where operators reach it.
"""
from __future__ import annotations

import datetime
import random
import threading
import time
from collections import namedtuple
from typing import Any, Callable, Iterable, Iterator, Optional, Union

from boltons.statsutils import Stats
from werkzeug.wrappers import Response as _Response

from ..errors import HTTPException, NotImplemented
from .core import Middleware

__all__ = [
    "StatsMiddleware",
    "Reservoir",
    "RouteStatReservoir",
    "Hit",
    "fast_randint",
    "get_stats_dict",
    "get_and_reset_stats_dict",
    "create_stats_app",
    "DEFAULT_CAP",
]

DEFAULT_CAP = 2 ** 14  # samples kept per route and status
# Paths are kept in samples; cut them so long URLs (to a catch-all route or a
# 404) cannot make each sample cost kilobytes.
_MAX_URL = 256
_QUANTILES = (0.25, 0.5, 0.75, 0.95, 0.99)

Hit = namedtuple("Hit", "start_time url pattern status_code duration content_type")
Hit.__doc__ = "One served request: wall start time, path, route pattern, status key, seconds, MIME type."


def fast_randint(start: int, stop: int, rng: Any = random) -> int:
    """A random integer in ``[start, stop]`` (both inclusive), like ``random.randint``."""
    return start + int(rng.random() * (stop + 1 - start))


class Reservoir:
    """A uniform random sample of at most ``cap`` of the values added (Algorithm R).

    ``cap``: True for :data:`DEFAULT_CAP`, False for unbounded, or a number.
    ``rng``: the random source (a ``random.Random``; tests pass a seeded one).
    """

    def __init__(self, cap: Union[bool, int] = True, data: Optional[Iterable[Any]] = None,
                 container: Optional[list] = None, rng: Optional[random.Random] = None) -> None:
        if cap is True:
            self._cap: float = DEFAULT_CAP
        elif cap is False:
            self._cap = float("inf")
        elif isinstance(cap, int) and cap > 0:
            self._cap = cap
        else:
            raise ValueError(f"Reservoir cap must be True, False or a positive integer, not {cap!r}.")
        self._data = container if container is not None else []
        if len(self._data) > self._cap:
            raise ValueError(f"Reservoir container holds {len(self._data)} values, more than its cap {cap!r}.")
        self._total_count = len(self._data)
        self._rng = rng if rng is not None else random.Random()
        for value in data or ():
            self.add(value)

    @property
    def total_count(self) -> int:
        """How many values were added, including those no longer sampled."""
        return self._total_count

    def add(self, value: Any) -> None:
        self._total_count += 1
        if len(self._data) < self._cap:
            self._data.append(value)
            return
        # Keep the new value with probability cap/total, replacing a random one.
        index = self._rng.randrange(self._total_count)
        if index < self._cap:
            self._data[index] = value

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def to_list(self) -> list:
        return list(self._data)

    def resize(self, new_size: int) -> None:
        self._cap = new_size
        del self._data[new_size:]

    def __repr__(self) -> str:
        return (f"<{type(self).__name__} cap={self._cap!r}, data_count={len(self._data)!r},"
                f" total_count={self._total_count!r}>")


class RouteStatReservoir(Reservoir):
    """A reservoir of :class:`Hit` that also keeps the last hit time and the total duration."""

    def __init__(self, cap: Union[bool, int] = True, rng: Optional[random.Random] = None) -> None:
        self.last_hit: Optional[float] = None
        self.total_duration = 0.0
        super().__init__(cap=cap, rng=rng)

    def add(self, hit: Hit) -> None:
        super().add(hit)
        self.last_hit = hit.start_time
        self.total_duration += hit.duration


def _utcnow_naive() -> datetime.datetime:
    # Clastic's timestamps are naive UTC ISO strings; keep that shape without
    # the deprecated datetime.utcnow().
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class StatsMiddleware(Middleware):
    """Record every request's duration by route and status (Clastic's ST1).

    ``route_hits[bound_route][status]`` is a :class:`RouteStatReservoir`;
    the status is the response's code as a string (``'200'``), or for an
    exception propagating through, its code (HTTP errors) or class name
    (``'ValueError'``).  ``cap``: samples kept per route and status.
    ``timer`` (durations) and ``clock`` (wall time of hits) are injectable
    for tests.  Thread-safe.
    """

    def __init__(self, cap: Union[bool, int] = True, *, timer: Callable[[], float] = time.perf_counter,
                 clock: Callable[[], float] = time.time, rng: Optional[random.Random] = None) -> None:
        Reservoir(cap=cap)  # validates cap with Reservoir's message
        for name, fn in (("timer", timer), ("clock", clock)):
            if not callable(fn):
                raise TypeError(f"StatsMiddleware {name} must be callable, not {fn!r}.")
        self.cap = cap
        self.timer = timer
        self.clock = clock
        self._rng = rng if rng is not None else random.Random()
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget every hit; ``last_reset`` becomes now."""
        with self._lock:
            self.route_hits: dict[Any, dict[str, RouteStatReservoir]] = {}
            self.last_reset = _utcnow_naive()

    def record(self, route: Any, hit: Hit) -> None:
        with self._lock:
            by_status = self.route_hits.setdefault(route, {})
            reservoir = by_status.get(hit.status_code)
            if reservoir is None:
                reservoir = by_status[hit.status_code] = RouteStatReservoir(cap=self.cap, rng=self._rng)
            reservoir.add(hit)

    def request(self, next: Callable[[], Any], request: Any, _route: Any) -> Any:
        start_time = self.clock()
        started = self.timer()
        status, mimetype = "unknown", ""
        try:
            resp = next()
            status = str(getattr(resp, "status_code", type(resp).__name__))
            if isinstance(resp, _Response):
                mimetype = resp.mimetype or ""
            return resp
        except HTTPException as exc:
            status = str(exc.code)
            mimetype = exc.mimetype or ""
            raise
        except BaseException as exc:
            status = type(exc).__name__
            raise
        finally:
            duration = self.timer() - started
            url = request.path
            if len(url) > _MAX_URL:
                url = url[:_MAX_URL] + "..."
            self.record(_route, Hit(start_time, url, _route.pattern, status, duration, mimetype))

    def snapshot(self) -> dict[str, dict[str, dict[str, Any]]]:
        """``{pattern: {status: summary}}`` (the ``route_stats`` of :func:`get_stats_dict`).

        Routes sharing a pattern (e.g. ``GET /x`` and ``POST /x``) are
        summarised together rather than overwriting each other.
        """
        with self._lock:
            merged: dict[str, dict[str, list[RouteStatReservoir]]] = {}
            for route, by_status in self.route_hits.items():
                per_pattern = merged.setdefault(route.pattern, {})
                for status, reservoir in by_status.items():
                    per_pattern.setdefault(status, []).append(reservoir)
            return {pattern: {status: _summarise(reservoirs) for status, reservoirs in statuses.items()}
                    for pattern, statuses in merged.items()}

    def __repr__(self) -> str:
        return f"StatsMiddleware(cap={self.cap!r})"


def _summarise(reservoirs: list[RouteStatReservoir]) -> dict[str, Any]:
    durations_ms = [hit.duration * 1000 for reservoir in reservoirs for hit in reservoir]
    described = Stats(durations_ms, use_copy=False).describe(quantiles=list(_QUANTILES), format="dict")
    out: dict[str, Any] = {key: round(value, 2) if isinstance(value, float) else value
                           for key, value in described.items()}
    out["count"] = sum(r.total_count for r in reservoirs)  # all hits, not only those sampled
    last = max(r.last_hit for r in reservoirs if r.last_hit is not None)
    out["last_hit"] = datetime.datetime.fromtimestamp(last).isoformat()  # server local time (ST2)
    out["total_duration"] = round(sum(r.total_duration for r in reservoirs) * 1000, 2)
    return out


def _get_stats_mw(_application: Any) -> StatsMiddleware:
    for mw in getattr(_application, "middlewares", ()):
        if isinstance(mw, StatsMiddleware):
            return mw
    raise NotImplemented(  # noqa: F901 - clastic_like.errors.NotImplemented, the 501 error
        "StatsMiddleware is not installed on this application; add StatsMiddleware() to"
        " Application(middlewares=[...])."
    )


def get_stats_dict(_application: Any) -> dict[str, Any]:
    """Response times by URL pattern and status (or exception), in milliseconds.

    Add ``?format=json`` to the URL for machine-readable data.
    """
    stats_mw = _get_stats_mw(_application)
    return {
        "route_stats": stats_mw.snapshot(),
        "start_time_utc": stats_mw.last_reset.isoformat(),
        "cur_time_utc": _utcnow_naive().isoformat(),
    }


def get_and_reset_stats_dict(_application: Any) -> dict[str, Any]:
    """The same as :func:`get_stats_dict`, then forget everything (``reset: true``)."""
    ret = get_stats_dict(_application)
    _get_stats_mw(_application).reset()
    ret["reset"] = True
    return ret


def create_stats_app() -> Any:
    """An application with ``GET /`` (the stats) and ``POST /reset`` (stats, then reset)."""
    # Imported here: the application module imports the middleware package,
    # so a module-level import would be circular.
    from ..application import Application
    from ..render import render_basic
    from ..routing import GET, POST

    return Application([GET("/", get_stats_dict, render_basic),
                        POST("/reset", get_and_reset_stats_dict, render_basic)])
