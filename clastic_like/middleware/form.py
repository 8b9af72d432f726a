"""Middleware providing values from a submitted form body."""
from __future__ import annotations

from typing import Any, Callable

from werkzeug.exceptions import HTTPException as WerkzeugHTTPException

from .._errors._werkzeug import from_werkzeug
from ._params import ParamsArg, parse_param_spec, read_params
from .core import Middleware

__all__ = ["PostDataMiddleware"]


class PostDataMiddleware(Middleware):
    """Provide form fields (``request.form``) as injectable arguments.

    Takes the same specs as :class:`~clastic_like.middleware.url.GetParamMiddleware`
    (Clastic's PD1): lenient by default (missing or unconvertible → ``None``
    or the given default), ``strict=True`` for a 400 naming the field.

    Reading the form parses the body; a body Werkzeug refuses (more than
    ``Request.max_form_parts`` parts, a field over ``max_form_memory_size``)
    is answered with clastic_like's 413 rather than escaping as a 500.
    """

    def __init__(self, params: ParamsArg, strict: bool = False) -> None:
        if not isinstance(strict, bool):
            raise TypeError(f"PostDataMiddleware strict must be True or False, not {strict!r}.")
        self.specs = parse_param_spec(params, "PostDataMiddleware")
        self.params = {name: spec.convert for name, spec in self.specs.items()}
        self.strict = strict
        self.provides = tuple(self.specs)

    def request(self, next: Callable[..., Any], request: Any) -> Any:
        try:
            form = request.form
        except WerkzeugHTTPException as exc:
            raise from_werkzeug(exc) from None
        return next(**read_params(form, self.specs, self.strict, "Form field"))

    def __repr__(self) -> str:
        strict = ", strict=True" if self.strict else ""
        return f"PostDataMiddleware({self.params!r}{strict})"
