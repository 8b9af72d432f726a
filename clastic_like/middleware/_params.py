"""Typed request parameters: the spec users write and the values requests carry.

Shared by :class:`~clastic_like.middleware.url.GetParamMiddleware` (query
string) and :class:`~clastic_like.middleware.form.PostDataMiddleware` (form
body), so both accept the same specs and fail the same way.

A spec is a name, an iterable of names, or a mapping of name to a converter
(a type such as ``int`` or any one-argument callable) or to a
``(converter, default)`` pair.  Lenient reading (Clastic's GP1/PD1) turns a
missing or unconvertible value into the default (``None`` unless given);
strict reading answers 400 instead, naming every parameter at fault.
"""
from __future__ import annotations

import keyword
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Optional, Union

from ..errors import BadRequest

__all__ = ["ParamSpec", "ParamsArg", "parse_param_spec", "read_params"]

ParamsArg = Union[str, Iterable[str], Mapping[str, Any]]

# Longest value quoted back in a 400 detail: enough to recognise the input,
# short enough that a hostile megabyte value does not come back whole.
_ECHO_LIMIT = 40

# ``bool('false')`` is True, which makes ``{'flag': bool}`` a trap; these
# spellings (compared case-insensitively) are what HTML forms and people send.
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _to_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"not a boolean: {value!r}")


@dataclass(frozen=True)
class ParamSpec:
    """One parameter: its converter (``None``: the raw string) and default."""

    name: str
    convert: Optional[Callable[[str], Any]]
    default: Any = None
    has_default: bool = False

    @property
    def type_name(self) -> str:
        convert = self.convert
        return getattr(convert, "__name__", None) or repr(convert)


def _check_name(name: Any, what: str) -> str:
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise TypeError(
            f"{what} parameter names must be Python identifiers (they become injectable"
            f" arguments), not {name!r}."
        )
    return name


def _check_converter(name: str, convert: Any, what: str) -> Callable[[str], Any]:
    if not callable(convert):
        raise TypeError(
            f"{what} expects a type (or a one-argument converter) for parameter {name!r},"
            f" not {convert!r}; write e.g. {{{name!r}: int}} or {{{name!r}: (int, 1)}}."
        )
    return convert


def parse_param_spec(params: ParamsArg, what: str) -> dict[str, ParamSpec]:
    """Check a parameter spec and return ``{name: ParamSpec}`` in spec order."""
    if params is None:
        raise TypeError(
            f"{what} expects a name, an iterable of names or a mapping of names to types,"
            " not None."
        )
    if isinstance(params, str):
        return {_check_name(params, what): ParamSpec(params, None)}
    out: dict[str, ParamSpec] = {}
    if isinstance(params, Mapping):
        for name, value in params.items():
            _check_name(name, what)
            if isinstance(value, tuple):
                if len(value) != 2:
                    raise TypeError(
                        f"{what} expects (converter, default) for parameter {name!r},"
                        f" not a {len(value)}-tuple {value!r}."
                    )
                convert = _check_converter(name, value[0], what)
                out[name] = ParamSpec(name, convert, value[1], True)
            else:
                out[name] = ParamSpec(name, _check_converter(name, value, what))
        return out
    try:
        names = list(params)
    except TypeError:
        raise TypeError(
            f"{what} expects a name, an iterable of names or a mapping of names to types,"
            f" not {params!r}."
        ) from None
    for name in names:
        out[_check_name(name, what)] = ParamSpec(name, None)
    return out


def _echo(value: str) -> str:
    if len(value) > _ECHO_LIMIT:
        value = value[:_ECHO_LIMIT] + "..."
    return repr(value)


def read_params(values: Any, specs: Mapping[str, ParamSpec], strict: bool, label: str) -> dict[str, Any]:
    """Read and convert each parameter from a MultiDict (first value wins).

    Lenient: a missing or unconvertible value becomes the default.  Strict:
    a missing parameter without a default, or any unconvertible value, is a
    :class:`~clastic_like.errors.BadRequest` naming each parameter at fault
    (``label`` says where they come from, e.g. "Query parameter").
    """
    out: dict[str, Any] = {}
    problems: list[str] = []
    for name, spec in specs.items():
        raw = values.get(name)
        if raw is None:
            if strict and not spec.has_default:
                problems.append(f"{label} {name!r} is required.")
            out[name] = spec.default
            continue
        if spec.convert is None:
            out[name] = raw
            continue
        convert = _to_bool if spec.convert is bool else spec.convert
        try:
            out[name] = convert(raw)
        except (ValueError, TypeError, ArithmeticError):
            # ArithmeticError: e.g. Decimal signals or a custom converter's
            # overflow; all of them mean "this text is not a valid value".
            if strict:
                problems.append(f"{label} {name!r} must be {spec.type_name}, not {_echo(raw)}.")
            out[name] = spec.default
    if problems:
        raise BadRequest(" ".join(problems))
    return out
