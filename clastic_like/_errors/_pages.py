"""Rendering the debug and start-up-failure pages with Jinja2.

Templates live in ``clastic_like/templates`` (package data).  Autoescaping is
always on: these pages show exception messages, local variables, headers and
file contents, any of which may contain markup.  ``StrictUndefined`` makes a
template referring to a missing value fail in the tests rather than render an
empty field.

Each :class:`Pages` owns its environment (no module-level environment), so
applications do not share state; the compiled templates are cached per
instance.
"""
from __future__ import annotations

from typing import Any, Optional

__all__ = ["Pages"]


class Pages:
    """Renders the package's templates; the Jinja2 environment is made on first use."""

    def __init__(self) -> None:
        self._env: Optional[Any] = None

    @property
    def environment(self) -> Any:
        if self._env is None:
            # Imported here: production error handling never needs Jinja2.
            from jinja2 import Environment, PackageLoader, StrictUndefined

            self._env = Environment(
                loader=PackageLoader("clastic_like", "templates"),
                autoescape=True,
                undefined=StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
            )
        return self._env

    def render(self, template_name: str, **context: Any) -> str:
        return self.environment.get_template(template_name).render(**context)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(loaded={self._env is not None})"
