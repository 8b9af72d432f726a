"""URL converters: how a binding's text becomes a Python value.

A converter is a regular expression that one path segment must match plus a
function that turns the matched text into a value.  Applications carry their
own converter mappings (``Application(converters=...)``); there is no
process-wide registry, so two applications may give the same type name
different meanings without affecting each other.
"""
from __future__ import annotations

import re
import warnings
from typing import Any, Callable, Mapping, NamedTuple

__all__ = ["Converter", "DEFAULT_CONVERTERS", "make_converters"]


class Converter(NamedTuple):
    """A URL converter: ``pattern`` matches one segment, ``convert`` parses it.

    ``convert`` may raise ``ValueError``, ``TypeError`` or ``KeyError`` to say
    "this text is not one of mine": the route then does not match and routing
    continues with the next route (Clastic's P9).
    """

    pattern: str
    convert: Callable[[str], Any]


def _str(text: str) -> str:
    return text


# Clastic's patterns (P7).  ``int`` accepts a sign and leading spaces/zeros
# because Clastic does ("/-5", "/+5", "/007" all match); float refuses
# inf/nan because the pattern only admits digits.
DEFAULT_CONVERTERS: Mapping[str, Converter] = {
    "int": Converter(r"[+-]? *[0-9]+", int),
    "float": Converter(r"[+-]? *(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", float),
    "str": Converter(r"[^/]+", _str),
    "unicode": Converter(r"[^/]+", _str),
}

_TYPE_NAME = re.compile(r"^[A-Za-z_]\w*$")
# Texts a one-segment converter must never match.
_SLASH_PROBES = ("/", "a/b", "a/", "/a", "1/2", "-/-", " / ", "a//b")


def make_converters(extra: Mapping[str, Any] | None) -> dict[str, Converter]:
    """Return the default converters updated with an application's own.

    Each value of ``extra`` is a :class:`Converter`, a ``(pattern, convert)``
    pair, or a plain callable (which then matches one segment, ``[^/]+``).
    The pattern is compiled here so a bad one fails at construction.
    """
    converters = dict(DEFAULT_CONVERTERS)
    for name, spec in (extra or {}).items():
        if not isinstance(name, str) or not _TYPE_NAME.match(name):
            raise ValueError(f"Converter names must be identifiers, not {name!r}.")
        if isinstance(spec, Converter):
            conv = spec
        elif callable(spec):
            conv = Converter(r"[^/]+", spec)
        elif isinstance(spec, tuple) and len(spec) == 2 and callable(spec[1]):
            conv = Converter(str(spec[0]), spec[1])
        else:
            raise TypeError(
                f"Converter {name!r} must be a Converter, a (pattern, convert) pair"
                f" or a callable, not {spec!r}."
            )
        try:
            # Compiled as it will be embedded in a route's regex, so errors
            # such as inline global flags surface here, naming the converter
            # (Python < 3.11 only warns about those: treat the warning as one).
            with warnings.catch_warnings():
                warnings.simplefilter("error", DeprecationWarning)
                compiled = re.compile(f"(?:{conv.pattern})")
        except (re.error, DeprecationWarning) as exc:
            raise ValueError(f"Converter {name!r} has an invalid pattern {conv.pattern!r}: {exc}.") from None
        if compiled.groups:
            raise ValueError(
                f"Converter {name!r} pattern {conv.pattern!r} must not contain capturing"
                " groups; use (?:...) instead."
            )
        if compiled.fullmatch("") is not None or any(compiled.fullmatch(p) for p in _SLASH_PROBES):
            # An empty match would make a required segment optional; a slash
            # would let one binding eat several segments.  (Matching is also
            # guarded at request time: a single binding never contains "/".)
            raise ValueError(
                f"Converter {name!r} pattern {conv.pattern!r} must match one non-empty"
                " path segment (no empty match, no '/')."
            )
        converters[name] = conv
    return converters
