"""Text helpers shared by every error serialisation.

Error bodies show values the framework does not control (details, locals,
headers), so everything that goes into a body passes through here: long
values are shortened in the middle (the start and the end are usually the
informative parts), ``repr`` failures never break the page, and characters
XML 1.0 forbids are replaced rather than producing an unparsable document.
"""
from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr as _xml_quoteattr

__all__ = ["middle_truncate", "safe_repr", "xml_text", "to_xml_elements"]

# Characters XML 1.0 does not allow even when escaped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")


def middle_truncate(text: str, limit: int = 512) -> str:
    """Shorten ``text`` to about ``limit`` characters, keeping both ends."""
    if len(text) <= limit:
        return text
    half = max((limit - 5) // 2, 1)
    return f"{text[:half]} ... {text[-half:]}"


def safe_repr(value: Any, limit: int = 256) -> str:
    """``repr(value)`` shortened; a failing ``__repr__`` is reported, not raised."""
    try:
        text = repr(value)
    except Exception as exc:  # a broken __repr__ must not break the error page
        text = f"<{type(value).__name__} object; repr() failed with {type(exc).__name__}>"
    return middle_truncate(text, limit)


def xml_text(value: Any) -> str:
    """``value`` as escaped XML character data (``None`` is empty)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = _XML_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return _xml_escape(text)


def to_xml_elements(data: Any, tag: str = "item") -> str:
    """Serialise nested dicts, lists and scalars as XML elements.

    Dict keys that are safe XML names become element names; any other key
    (a header name with a space, a local variable called ``xmlns``...) becomes
    ``<entry key="...">`` so the document always parses.
    """
    if isinstance(data, dict):
        inner = "".join(_keyed_element(str(key), value) for key, value in data.items())
        return f"<{tag}>{inner}</{tag}>"
    if isinstance(data, (list, tuple)):
        return f"<{tag}>{''.join(to_xml_elements(item, 'item') for item in data)}</{tag}>"
    if isinstance(data, bool):
        data = "true" if data else "false"
    return f"<{tag}>{xml_text(data)}</{tag}>"


def _keyed_element(key: str, value: Any) -> str:
    if _XML_NAME.match(key) and not key.lower().startswith("xml"):
        return to_xml_elements(value, key)
    inner = to_xml_elements(value, "entry")
    safe_key = _XML_ILLEGAL.sub("?", key)
    return f"<entry key={_xml_quoteattr(safe_key)}>" + inner[len("<entry>"):]
