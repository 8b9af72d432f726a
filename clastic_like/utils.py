"""Small utilities kept at Clastic's module path."""
from __future__ import annotations

from typing import Any

from werkzeug.utils import redirect

__all__ = ["Redirector"]


class Redirector:
    """An endpoint that always redirects to ``location`` (default 301).

    The ``Location`` header is sent as given (relative locations stay
    relative, as Werkzeug 2.1+ does).
    """

    def __init__(self, location: str, code: int = 301) -> None:
        if not 300 <= int(code) < 400:
            raise ValueError(f"Redirector code must be a 3xx status, not {code!r}.")
        self.location = location
        self.code = int(code)

    def __call__(self) -> Any:
        return redirect(self.location, code=self.code)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.location!r}, code={self.code!r})"
