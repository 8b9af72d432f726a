"""The route pattern language: parsing, validation and compilation to a regex.

A pattern is a ``/``-separated list of segments.  A segment is either literal
text, matched literally, or a *binding* ``<name[op][type]>`` occupying the
whole segment:

==========  ==========================================
op          arity
==========  ==========================================
(none), :   exactly one segment -> a scalar
``?``       zero or one segment -> a scalar or ``None``
``+``       one or more segments -> a list
``*``       zero or more segments -> a list (``[]`` when absent)
==========  ==========================================

Parsing (:func:`parse_pattern`) happens when a ``Route`` is created and checks
everything that does not depend on an application.  The type name is checked
by :func:`compile_pattern` at bind time, against the converters of the
application the route is bound into.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Union

from ._converters import DEFAULT_CONVERTERS, Converter

__all__ = [
    "InvalidPattern",
    "Binding",
    "ParsedPattern",
    "CompiledPattern",
    "parse_pattern",
    "compile_pattern",
    "normalize_path",
    "S_REDIRECT",
    "S_REWRITE",
    "S_STRICT",
    "SLASH_MODES",
]

S_REDIRECT = "redirect"
S_REWRITE = "rewrite"
S_STRICT = "strict"
SLASH_MODES = (S_REDIRECT, S_REWRITE, S_STRICT)

ARITY_OPS = ("", ":", "?", "+", "*")

# A binding must fill its segment: "<name", a run of non-word characters (the
# arity operator), an optional type word, ">".  Anything else containing "<"
# or ">" is malformed (Clastic silently treated it as regex text, P12).
_BINDING = re.compile(r"<(?P<name>[A-Za-z_]\w*)(?P<op>[^\w<>]*)(?P<type>\w*)>")


class InvalidPattern(ValueError):
    """A route pattern that cannot be parsed or compiled."""


@dataclass(frozen=True)
class Binding:
    """One ``<name op type>`` segment of a pattern."""

    name: str
    op: str
    type_name: str

    @property
    def optional(self) -> bool:
        return self.op in ("?", "*")

    @property
    def multi(self) -> bool:
        return self.op in ("+", "*")


Segment = Union[str, Binding]


@dataclass(frozen=True)
class ParsedPattern:
    """A validated pattern: its segments and whether it is a branch."""

    pattern: str
    segments: tuple[Segment, ...]
    is_branch: bool

    @property
    def binding_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.segments if isinstance(s, Binding))

    @property
    def literal_prefix(self) -> str:
        """The leading literal segments, as a path (used by the route index)."""
        parts = []
        for seg in self.segments:
            if not isinstance(seg, str):
                break
            parts.append(seg)
        return "/" + "/".join(parts)


def parse_pattern(pattern: str) -> ParsedPattern:
    """Parse and validate ``pattern``; raise :class:`InvalidPattern` if malformed."""
    if not isinstance(pattern, str):
        raise InvalidPattern(f"URL path patterns must be strings, not {pattern!r}.")
    if not pattern.startswith("/"):
        raise InvalidPattern(f"URL path patterns must start with a forward slash (got {pattern!r}).")
    if "//" in pattern:
        raise InvalidPattern(f"URL path patterns must not contain multiple contiguous slashes (got {pattern!r}).")
    is_branch = pattern.endswith("/")
    body = pattern[1:-1] if is_branch else pattern[1:]
    segments: list[Segment] = []
    seen: set[str] = set()
    for text in body.split("/") if body else ():
        if "<" not in text and ">" not in text:
            segments.append(text)
            continue
        match = _BINDING.fullmatch(text)
        if match is None:
            raise InvalidPattern(
                f"Segment {text!r} of pattern {pattern!r} is not a valid binding: a binding"
                " is a whole segment of the form <name>, <name:type> or <name?type>"
                " (arity ? + * or none), with no text before or after it."
            )
        name, op, type_name = match.group("name", "op", "type")
        if op not in ARITY_OPS:
            raise InvalidPattern(
                f"Unknown arity operator {op!r} in segment {text!r} of pattern {pattern!r};"
                " expected one of ':', '?', '+', '*' or none."
            )
        if name in seen:
            raise InvalidPattern(f"Duplicate path binding {name!r} in pattern {pattern!r}.")
        seen.add(name)
        segments.append(Binding(name, op, type_name or "unicode"))
    return ParsedPattern(pattern, tuple(segments), is_branch)


# A compiled binding: (name, convert, multi, optional).
_Conv = tuple[str, Callable[[str], Any], bool, bool]


# What a converter raises to say "not mine": the route does not match (P9).
_NO_MATCH = (ValueError, TypeError, KeyError)


@dataclass(frozen=True)
class CompiledPattern:
    """A pattern compiled for one slash mode and one set of converters.

    ``match(path)`` returns the converted bindings if ``path`` matches, else
    ``None``.  A converter that raises ``ValueError``, ``TypeError`` or
    ``KeyError`` makes the route not match (Clastic's P9), so routing goes on.
    It is chosen per pattern at construction (see :func:`_pick_matcher`):
    routing calls it for every candidate route of every request.
    """

    parsed: ParsedPattern
    regex: "re.Pattern[str]"
    converters: tuple[_Conv, ...]
    # For a pattern without bindings, the one path it matches in canonical
    # form (compared before trying the regex, which handles the rest).
    literal: Optional[str] = None
    # When every binding is one required segment with a built-in converter
    # (no "/" possible): (name, group index, convert) triples, converted
    # without the general loop of general_match.
    singles: Optional[tuple[tuple[str, int, Callable[[str], Any]], ...]] = None
    # When the pattern is one lenient ``+``/``*`` binding of a default
    # slash-free text converter and nothing else (the null route's
    # ``/<_ignored*>``): that binding's name.  Such a pattern matches every
    # path starting with "/", so it is matched by splitting, not by the regex.
    rest: Optional[str] = None
    # When the pattern is literal segments then one single binding of the
    # default int or text converter: (the literal prefix up to and including
    # the slash before the binding, "digits" or "segment").  A canonical path
    # is then matched by a prefix test and a check of the rest, which agree
    # with the regex whenever they accept; otherwise the regex decides.
    prefix_one: Optional[tuple[str, str]] = None
    match: Callable[[str], Optional[dict[str, Any]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "match", _pick_matcher(self))

    def general_match(self, path: str) -> Optional[dict[str, Any]]:
        """``match`` for any pattern: the reference the shortcuts must equal."""
        if path == self.literal:
            return {}
        m = self.regex.match(path)
        if m is None:
            return None
        if not self.converters:
            return {}
        groups = m.groupdict()
        params: dict[str, Any] = {}
        try:
            for name, convert, multi, optional in self.converters:
                text = groups[name]
                if text is None:
                    params[name] = [] if multi else None
                elif multi:
                    # Lenient slash modes let "//" through the regex; the
                    # resulting empty items are kept (Clastic's P10): "" for
                    # str, a failed conversion (no match) for int/float.
                    params[name] = [convert(item) for item in text.split("/")]
                elif "/" in text:
                    return None  # a custom converter pattern overreached
                else:
                    params[name] = convert(text)
        except _NO_MATCH:
            return None
        return params


def _pick_matcher(compiled: CompiledPattern) -> Callable[[str], Optional[dict[str, Any]]]:
    """The cheapest function equal to ``compiled.general_match`` for its shape.

    Literal patterns compare strings first; patterns whose bindings are all
    single slash-free segments convert the regex groups directly, with no
    ``groupdict`` and no per-binding branching.
    (tests/test_routing.py checks each shortcut against general_match.)
    """
    regex_match = compiled.regex.match
    literal, singles = compiled.literal, compiled.singles
    if literal is not None and not compiled.converters:
        def match_literal(path: str) -> Optional[dict[str, Any]]:
            if path == literal:
                return {}
            return None if regex_match(path) is None else {}  # a lenient spelling
        return match_literal
    rest = compiled.rest
    if rest is not None:
        required = not compiled.converters[0][3]

        def match_rest(path: str) -> Optional[dict[str, Any]]:
            if path and path[0] != "/":
                return None  # the regex wants a slash first
            text = path.strip("/")
            if not text:
                return None if required else {rest: []}
            return {rest: text.split("/")}
        return match_rest
    if singles is not None and len(singles) == 1:
        ((name, index, convert),) = singles

        def match_one(path: str) -> Optional[dict[str, Any]]:
            m = regex_match(path)
            if m is None:
                return None
            try:
                return {name: convert(m[index])}
            except _NO_MATCH:
                return None
        if compiled.prefix_one is None:
            return match_one
        prefix, kind = compiled.prefix_one
        # The path is the prefix and a last segment exactly when it has a "/"
        # and what comes before its last one is the prefix without its final
        # "/".  (One rpartition: str.startswith parses its arguments as a
        # tuple, and costs more than the split.)
        stem = prefix[:-1]

        if kind == "digits":
            def match_prefix_digits(path: str) -> Optional[dict[str, Any]]:
                before, slash, text = path.rpartition("/")
                # ASCII digits match "[+-]? *[0-9]+".
                if before == stem and slash and text.isdigit() and text.isascii():
                    try:
                        return {name: convert(text)}
                    except _NO_MATCH:  # e.g. more digits than int() converts
                        return None
                return match_one(path)  # not canonical, or not obviously an int: the regex decides
            return match_prefix_digits

        def match_prefix_segment(path: str) -> Optional[dict[str, Any]]:
            before, slash, text = path.rpartition("/")
            # A non-empty text without "/" matches "[^/]+".
            if before == stem and slash and text:
                try:
                    return {name: convert(text)}
                except _NO_MATCH:
                    return None
            return match_one(path)  # not canonical: the regex decides
        return match_prefix_segment
    if singles is not None:
        def match_singles(path: str) -> Optional[dict[str, Any]]:
            m = regex_match(path)
            if m is None:
                return None
            try:
                return {name: convert(m[index]) for name, index, convert in singles}
            except _NO_MATCH:
                return None
        return match_singles
    return compiled.general_match


def compile_pattern(
    parsed: ParsedPattern, converters: Mapping[str, Converter], strict: bool
) -> CompiledPattern:
    """Compile ``parsed`` into a regex for a slash mode and converter set.

    Lenient compilation (redirect and rewrite modes) lets every separator be
    one or more slashes and accepts any number of trailing slashes; strict
    compilation wants single slashes and the trailing slash exactly as written.
    Literal segments are escaped, so ``/robots.txt`` matches only itself.
    """
    sep = "/" if strict else "/+"
    parts = ["^"]
    convs: list[_Conv] = []
    for seg in parsed.segments:
        if isinstance(seg, str):
            parts.append(sep + re.escape(seg))
            continue
        try:
            conv = converters[seg.type_name]
        except KeyError:
            known = ", ".join(sorted(converters))
            raise InvalidPattern(
                f"Unknown type specifier {seg.type_name!r} for binding {seg.name!r} in"
                f" pattern {parsed.pattern!r}; known types: {known}."
            ) from None
        pat = f"(?:{conv.pattern})"
        if seg.multi:
            group = f"(?P<{seg.name}>{pat}(?:{sep}{pat})*)"
        else:
            group = f"(?P<{seg.name}>{pat})"
        parts.append(f"(?:{sep}{group})?" if seg.optional else sep + group)
        convs.append((seg.name, conv.convert, seg.multi, seg.optional))
    # \Z, not $: "$" also matches before a trailing newline ("/5\n").
    if strict:
        parts.append("/\\Z" if parsed.is_branch else "\\Z")
    else:
        parts.append("/*\\Z")
    regex = re.compile("".join(parts))
    literal = None
    if not convs:
        literal = "/" + "/".join(parsed.segments)  # type: ignore[arg-type]
        if parsed.is_branch and parsed.segments:
            literal += "/"
        assert regex.match(literal), literal  # the canonical form always matches
    singles = None
    slash_free = {conv.pattern for conv in DEFAULT_CONVERTERS.values()}
    if convs and all(not multi and not optional for _, _, multi, optional in convs) and all(
            converters[seg.type_name].pattern in slash_free
            for seg in parsed.segments if isinstance(seg, Binding)):
        singles = tuple((name, regex.groupindex[name], convert) for name, convert, _, _ in convs)
    rest = None
    if not strict and len(parsed.segments) == 1 and isinstance(parsed.segments[0], Binding) \
            and parsed.segments[0].multi and converters[parsed.segments[0].type_name] == DEFAULT_CONVERTERS["str"]:
        rest = parsed.segments[0].name
    prefix_one = None
    segments = parsed.segments
    if singles is not None and len(singles) == 1 and isinstance(segments[-1], Binding) and not parsed.is_branch:
        kind = {DEFAULT_CONVERTERS["int"].pattern: "digits",
                DEFAULT_CONVERTERS["str"].pattern: "segment"}.get(converters[segments[-1].type_name].pattern)
        if kind is not None:
            prefix_one = ("/" + "".join(f"{seg}/" for seg in segments[:-1]), kind)
    return CompiledPattern(parsed, regex, tuple(convs), literal, singles, rest, prefix_one)


def normalize_path(path: str, is_branch: bool) -> str:
    """Collapse empty segments; branches end with exactly one slash."""
    segments = [s for s in path.split("/") if s]
    if not segments:
        return "/"
    normalized = "/" + "/".join(segments)
    return normalized + "/" if is_branch else normalized
