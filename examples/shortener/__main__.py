"""``python -m examples.shortener``: serve the shortener on 127.0.0.1 (development server).

``PORT`` chooses the port (default 5000).  The application comes from the
environment as ``examples.shortener:app`` does, except that debug mode is
on unless ``SHORTENER_DEBUG=0``: this is the development server, on this
machine only, so tracebacks in the browser and a throwaway cookie key
(when ``SHORTENER_SECRET`` is not set) are what you want here.
"""
from __future__ import annotations

import os
import sys
from typing import Mapping

from .web import app_from_env


def port_from_env(environ: Mapping[str, str]) -> int:
    raw = environ.get("PORT", "5000")
    try:
        port = int(raw)
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise SystemExit(f"PORT must be a number from 1 to 65535, not {raw!r}.")
    return port


def main(environ: Mapping[str, str] = os.environ) -> None:
    port = port_from_env(environ)
    try:
        app = app_from_env(environ, debug_default=True)
    except RuntimeError as exc:  # a bad setting: one line, not a traceback
        raise SystemExit(f"examples.shortener: {exc}") from None
    print(f"Serving the shortener on http://127.0.0.1:{port}/ (Ctrl-C to stop)", file=sys.stderr, flush=True)
    # No reloader: one process, so whoever started it can stop it by its pid.
    # `python -m clastic_like serve examples.shortener:app` reloads on edits.
    app.serve(address="127.0.0.1", port=port, use_reloader=False)


if __name__ == "__main__":
    main()
