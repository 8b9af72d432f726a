"""Facts about the host, the process and the Python runtime, as plain data.

Everything here only *reads*: no umask toggling (Linux exposes the umask in
``/proc/self/status``; elsewhere it is not shown), no DNS lookups (the FQDN
can block for seconds), no walk over every object the garbage collector
tracks.  Each function returns JSON-ready dicts of strings and numbers.
"""
from __future__ import annotations

import gc
import getpass
import os
import platform
import socket
import sys
import threading
from datetime import datetime, timezone
from typing import Any, Optional

try:  # Unix only
    import resource as _resource
except ImportError:  # pragma: no cover - Windows
    _resource = None  # type: ignore[assignment]

__all__ = ["get_host_info", "get_proc_info", "get_pyvm_info", "get_rlimit_dict", "get_rusage_dict",
           "read_proc_umask", "utc_now_iso"]

_RUSAGE_FIELDS = ("ru_utime", "ru_stime", "ru_maxrss", "ru_minflt", "ru_majflt", "ru_inblock",
                  "ru_oublock", "ru_nvcsw", "ru_nivcsw")


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _try(func: Any, *args: Any) -> Any:
    try:
        return func(*args)
    except Exception:  # a missing facility is "unknown", not an error page
        return None


def get_host_info() -> dict[str, Any]:
    uname = platform.uname()
    load = _try(os.getloadavg) if hasattr(os, "getloadavg") else None
    return {
        "hostname": _try(socket.gethostname),
        "platform": platform.platform(),
        "system": uname.system,
        "release": uname.release,
        "machine": uname.machine,
        "cpu_count": os.cpu_count(),
        "load_averages": [round(v, 2) for v in load] if load else None,
        "time_utc": utc_now_iso(),
    }


def read_proc_umask(path: str = "/proc/self/status") -> Optional[str]:
    """The umask as an octal string, read from ``/proc`` (never set to be read)."""
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def get_rusage_dict(children: bool = False) -> dict[str, Any]:
    if _resource is None:
        return {}
    who = _resource.RUSAGE_CHILDREN if children else _resource.RUSAGE_SELF
    usage = _resource.getrusage(who)
    return {name: getattr(usage, name) for name in _RUSAGE_FIELDS}


def get_rlimit_dict() -> dict[str, Any]:
    """Soft and hard limits (``None`` for unlimited) by ``RLIMIT_*`` name."""
    if _resource is None:
        return {}
    out: dict[str, Any] = {}
    for name in sorted(n for n in dir(_resource) if n.startswith("RLIMIT_")):
        limits = _try(_resource.getrlimit, getattr(_resource, name))
        if limits is None:
            continue
        out[name[len("RLIMIT_"):].lower()] = [None if v == _resource.RLIM_INFINITY else v for v in limits]
    return out


def get_proc_info() -> dict[str, Any]:
    times = os.times()
    info: dict[str, Any] = {
        "pid": os.getpid(),
        "ppid": _try(os.getppid),
        "cwd": _try(os.getcwd),
        "user": _try(getpass.getuser),
        "threads": threading.active_count(),
        "cpu_times": {"user": times.user, "system": times.system},
    }
    if hasattr(os, "getpgid"):
        info["pgid"] = _try(os.getpgid, 0)
    if hasattr(os, "getuid"):
        info["uid"], info["gid"] = os.getuid(), os.getgid()
    if hasattr(os, "getpriority"):
        info["nice"] = _try(os.getpriority, os.PRIO_PROCESS, 0)
    umask = read_proc_umask()
    if umask is not None:
        info["umask"] = umask
    info["rusage"] = get_rusage_dict()
    info["rlimits"] = get_rlimit_dict()
    return info


def _version(dist: str) -> Optional[str]:
    try:
        from importlib.metadata import version
        return version(dist)
    except Exception:
        return None


def get_pyvm_info() -> dict[str, Any]:
    build_no, build_date = platform.python_build()
    return {
        "executable": sys.executable,
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "is_64bit": sys.maxsize > 2**32,
        "compiler": platform.python_compiler(),
        "build": f"{build_no} ({build_date})",
        "recursion_limit": sys.getrecursionlimit(),
        "switch_interval": sys.getswitchinterval(),
        "gc_enabled": gc.isenabled(),
        "gc_counts": list(gc.get_count()),
        "gc_thresholds": list(gc.get_threshold()),
        "packages": {name: _version(name) for name in ("clastic_like", "werkzeug", "jinja2", "boltons")},
    }
