"""Implementation of :mod:`clastic_like.errors` (import from there, not here).

Split by idea: the exception base class (``_base``), the status classes
(``_status``), format negotiation (``_negotiate``), text helpers shared by the
serialisations (``_text``), capturing an exception and a request for debug
pages (``_capture``), the Jinja2 page renderer (``_pages``), the debug error
classes (``_contextual``) and the error handlers (``_handlers``).
"""
from __future__ import annotations

__all__: list[str] = []
