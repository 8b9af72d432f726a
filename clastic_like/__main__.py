"""``python -m clastic_like``: the command line (see :mod:`clastic_like.cli`)."""
from __future__ import annotations

from .cli import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
