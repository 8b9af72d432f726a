"""Request and response types.

:class:`Request` is Werkzeug's request with the few attributes Clastic adds:
``request_id`` (a per-application counter), ``request_guid`` (24 hex digits,
unique across processes) and ``path_params`` (the converted URL bindings of
the route being served).  :class:`Response` is Werkzeug's response.
"""
from __future__ import annotations

import uuid
from typing import Any

from werkzeug.utils import cached_property
from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wrappers import Response as Response

__all__ = ["Request", "Response"]


class Request(_WerkzeugRequest):
    """Werkzeug's request plus ``request_id``, ``request_guid`` and ``path_params``."""

    request_id: int = 0
    path_params: dict[str, Any] = {}

    @cached_property
    def request_guid(self) -> str:
        # Random rather than derived from a process-wide salt (Clastic): no
        # module state, and unique across processes and restarts.
        return uuid.uuid4().hex[:24]
