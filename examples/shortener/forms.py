"""Checking what the form sends: the target URL, the alias and the expiry.

Every check returns a cleaned value or raises :class:`Invalid` with a
message for the person who filled the form in; :func:`check_form` gathers
the messages per field, so one submission shows every problem at once.
"""
from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlsplit

from werkzeug.urls import iri_to_uri

__all__ = [
    "Invalid", "CheckedLink", "check_form", "check_url", "check_alias", "check_expiry",
    "ALIAS_RE", "EXPIRY_CHOICES", "MAX_URL_LENGTH", "MAX_ALIAS_LENGTH", "RESERVED_ALIASES",
    "STATIC_PREFIX", "META_PREFIX",
]

# 2048 is what browsers, proxies and link previews reliably pass along.
MAX_URL_LENGTH = 2048
MAX_ALIAS_LENGTH = 32
# ASCII only, spelled out: \w would accept any Unicode letter, and look-alike
# letters from other scripts make aliases that spoof each other.
ALIAS_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,%d}" % (MAX_ALIAS_LENGTH - 1))
# The first path segments the site itself uses; an alias may not shadow them.
STATIC_PREFIX = "static"
META_PREFIX = "_meta"
RESERVED_ALIASES = frozenset({STATIC_PREFIX, META_PREFIX})

# (form value, label, lifetime in seconds or None for never)
EXPIRY_CHOICES: tuple[tuple[str, str, Optional[int]], ...] = (
    ("never", "never", None),
    ("hour", "after an hour", 3600),
    ("day", "after a day", 86400),
    ("week", "after a week", 7 * 86400),
)
_EXPIRY_SECONDS = {value: seconds for value, _, seconds in EXPIRY_CHOICES}
_HOST_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")


class Invalid(ValueError):
    """A value the form refuses; the message is shown to the user as is."""


@dataclass(frozen=True)
class CheckedLink:
    target: str                  # ASCII (IDNA and percent-encoded): safe in a Location header
    alias: Optional[str]         # None: make one up
    lifetime: Optional[int]      # seconds, or None for never


def _has_invisible(text: str) -> bool:
    # Control (Cc), format (Cf: bidi overrides, zero-width characters) and
    # separator (Z*) characters can hide where a link really goes.
    return any(unicodedata.category(ch)[0] == "Z" or unicodedata.category(ch) in ("Cc", "Cf")
               for ch in text)


def _valid_host(host: Optional[str]) -> bool:
    if not host or len(host) > 253:
        return False
    if ":" in host:  # an IPv6 literal, from [...]
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    return all(_HOST_LABEL.fullmatch(label) for label in host.rstrip(".").split("."))


def check_url(raw: Optional[str]) -> str:
    """The URL to redirect to, in ASCII form; only ``http`` and ``https`` are accepted."""
    text = (raw or "").strip()
    if not text:
        raise Invalid("Enter the address (URL) to shorten.")
    if len(text) > MAX_URL_LENGTH:
        raise Invalid(f"The address is {len(text)} characters long; the limit is {MAX_URL_LENGTH}.")
    if _has_invisible(text):
        raise Invalid("The address contains spaces, control or invisible characters;"
                      " percent-encode them (%20 for a space).")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number 0-65535
    except ValueError:
        raise Invalid("This is not a valid address: check the host name and port.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        if not scheme:
            raise Invalid("Start the address with https:// or http://.")
        # javascript:, data:, file:... would run or open something in the
        # visitor's browser instead of taking them to a web page.
        raise Invalid(f"Only http:// and https:// addresses can be shortened, not {scheme[:20]}:.")
    if "@" in parts.netloc:
        raise Invalid("Addresses with a user name before the host (user@host) are refused:"
                      " they are a common way to disguise where a link leads.")
    try:
        # The stored form: what the Location header will carry (headers are
        # ASCII), with an internationalised host name in its xn-- form, so a
        # look-alike host is visible as such.
        target = iri_to_uri(text)
    except (UnicodeError, ValueError):
        raise Invalid("The host name is not valid.") from None
    if not _valid_host(urlsplit(target).hostname):
        raise Invalid("The host name is not valid.")
    if len(target) > MAX_URL_LENGTH:
        raise Invalid(f"Once encoded, the address is {len(target)} characters long;"
                      f" the limit is {MAX_URL_LENGTH}.")
    return target


def check_alias(raw: Optional[str]) -> Optional[str]:
    """The alias asked for, or ``None`` when the field was left empty."""
    text = (raw or "").strip()
    if not text:
        return None
    if text.lower() in RESERVED_ALIASES:  # first: the reason is more useful than the rule
        raise Invalid(f"'{text}' is reserved: /{text.lower()}/ is part of the site.")
    if len(text) > MAX_ALIAS_LENGTH:
        raise Invalid(f"An alias may be at most {MAX_ALIAS_LENGTH} characters long.")
    if not ALIAS_RE.fullmatch(text):
        raise Invalid("An alias may use the letters a-z and A-Z, digits, '-' and '_',"
                      " and starts with a letter or a digit.")
    return text


def check_expiry(raw: Optional[str]) -> Optional[int]:
    """The lifetime in seconds (``None``: never); an absent field means never."""
    value = (raw or "never").strip()
    if value not in _EXPIRY_SECONDS:
        raise Invalid("Choose when the link expires: " + ", ".join(v for v, _, _ in EXPIRY_CHOICES) + ".")
    return _EXPIRY_SECONDS[value]


def check_form(url: Optional[str], alias: Optional[str], expiry: Optional[str]) -> tuple[Optional[CheckedLink], dict[str, str]]:
    """``(link, {})`` when the form is valid, else ``(None, {field: message})``.

    Every field is checked, so the form shows all its problems at once.
    """
    errors: dict[str, str] = {}
    target: Optional[str] = None
    checked_alias: Optional[str] = None
    lifetime: Optional[int] = None
    try:
        target = check_url(url)
    except Invalid as exc:
        errors["url"] = str(exc)
    try:
        checked_alias = check_alias(alias)
    except Invalid as exc:
        errors["alias"] = str(exc)
    try:
        lifetime = check_expiry(expiry)
    except Invalid as exc:
        errors["expiry"] = str(exc)
    if errors or target is None:
        return None, errors
    return CheckedLink(target, checked_alias, lifetime), {}
