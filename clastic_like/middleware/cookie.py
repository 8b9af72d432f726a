"""Signed-cookie sessions: a dict the client stores and cannot forge.

:class:`SignedCookieMiddleware` provides a :class:`JSONCookie` (a ``dict``
that remembers whether it was changed) under ``arg_name``.  The data is JSON,
signed with itsdangerous (HMAC-SHA-256 by default) and stored in one cookie.
It is **signed, not encrypted**: the client can read it, only not change it;
never put secrets in it.

What comes in is never trusted: a missing, tampered, expired, oversized or
otherwise unreadable cookie gives an empty session, never an error.  What goes
out is written only when the session changed (or on every response with
``sliding=True``), with ``HttpOnly`` and ``SameSite=Lax`` unless told
otherwise, and every response through the middleware carries
``Vary: Cookie`` so shared caches never serve one client's page to another.
"""
from __future__ import annotations

import hashlib
import math
import secrets
import time
import warnings
from typing import Any, Callable, Optional, Sequence, Union

from itsdangerous import BadData, URLSafeSerializer
from werkzeug.wrappers import Response as _Response

from ..errors import HTTPException
from ._headers import is_token
from .core import Middleware

__all__ = [
    "SignedCookieMiddleware",
    "JSONCookie",
    "SESSION",
    "NEVER",
    "NOW",
    "DEFAULT_EXPIRY",
    "InsecureSecretWarning",
]

# Expiry modes, Clastic's names and values.
SESSION = 0  # a browser-session cookie (no Expires / Max-Age)
NEVER = "never"  # a persistent cookie with a far-future expiry
NOW = "now"  # the cookie is expired (deleted) whenever it is saved
DEFAULT_EXPIRY = SESSION

# What NEVER sends as Max-Age: ten years.  Browsers cap cookie lifetimes
# (RFC 6265bis: at most 400 days), so "never" means "as long as the browser
# allows"; the signed data itself never expires.
_NEVER_SECONDS = 10 * 365 * 24 * 3600
# Browsers drop cookies over about 4 KB (name, value and attributes).  A
# session that large would silently stop being saved: refuse it loudly.
_MAX_COOKIE_BYTES = 4093
# Incoming values longer than this cannot be ours; skip verifying them.
_MAX_INCOMING = 2 * _MAX_COOKIE_BYTES
_MIN_SECRET_BYTES = 16
_DIGESTS = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
_SAMESITE = {"lax": "Lax", "strict": "Strict", "none": "None"}

SecretArg = Union[str, bytes, Sequence[Union[str, bytes]], None]


class InsecureSecretWarning(UserWarning):
    """A session is signed with a random key because no secret was configured (debug only)."""


class JSONCookie(dict):
    """The session data: a ``dict`` that records whether it was modified.

    ``modified`` becomes True on any mutation through the dict API; nested
    mutation (``session['cart'].append(x)``) cannot be seen, so set
    ``session.modified = True`` yourself after one.  ``new`` is True when
    the request carried no valid cookie.
    """

    def __init__(self, data: Any = None, *, new: bool = True) -> None:
        super().__init__(data or {})
        self.modified = False
        self.new = new
        # Absolute Unix time after which the data is void (set_expires), or None.
        self.expires_at: Optional[float] = None
        self.delete_requested = False

    @property
    def should_save(self) -> bool:
        """Whether the cookie must be written (Clastic's secure-cookie name)."""
        return self.modified

    def set_expires(self, epoch_time: Union[str, float] = NOW) -> None:
        """Expire the session at ``epoch_time`` (Unix seconds), or now.

        With ``NOW`` (the default) the data is cleared and the cookie deleted
        from the client when the response is sent.
        """
        if epoch_time == NOW:
            self.clear()
            self.delete_requested = True
        else:
            if isinstance(epoch_time, bool) or not isinstance(epoch_time, (int, float)):
                raise TypeError(f"set_expires() takes a Unix time or NOW, not {epoch_time!r}.")
            self.expires_at = float(epoch_time)
        self.modified = True

    # Every mutating dict method marks the session modified.
    def __setitem__(self, key: Any, value: Any) -> None:
        self.modified = True
        super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        self.modified = True

    def __ior__(self, other: Any) -> "JSONCookie":  # type: ignore[misc]
        self.update(other)
        return self

    def clear(self) -> None:
        if self:
            self.modified = True
        super().clear()

    def pop(self, key: Any, *default: Any) -> Any:
        if key in self:
            self.modified = True
        return super().pop(key, *default)

    def popitem(self) -> tuple[Any, Any]:
        item = super().popitem()
        self.modified = True
        return item

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self.modified = True
        return super().setdefault(key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.modified = True
        super().update(*args, **kwargs)

    def __repr__(self) -> str:
        return f"JSONCookie({dict.__repr__(self)}, modified={self.modified!r}, new={self.new!r})"


def _as_secret_list(secret_key: SecretArg, where: str) -> list[bytes]:
    if isinstance(secret_key, (str, bytes)):
        keys = [secret_key]
    elif isinstance(secret_key, (list, tuple)):
        keys = list(secret_key)
        if not keys:
            raise ValueError(f"{where}: secret_key is an empty list; give at least one secret.")
    else:
        raise TypeError(
            f"{where}: secret_key must be a string, bytes, or a list of them (newest first),"
            f" not {secret_key!r}."
        )
    out = []
    for key in keys:
        if not isinstance(key, (str, bytes)):
            raise TypeError(f"{where}: each secret must be a string or bytes, not {type(key).__name__}.")
        raw = key.encode("utf-8") if isinstance(key, str) else key
        if len(raw) < _MIN_SECRET_BYTES:
            # Not echoed: it is a secret, even a bad one.
            raise ValueError(
                f"{where}: a secret of {len(raw)} bytes is too short to sign sessions; use at"
                f" least {_MIN_SECRET_BYTES} random bytes, e.g. the output of"
                " `python -c 'import secrets; print(secrets.token_hex(32))'`."
            )
        out.append(raw)
    return out


def _check_seconds(value: Any, name: str, where: str) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{where}: {name} must be a positive number of seconds or None, not {value!r}.")
    return float(value)


class SignedCookieMiddleware(Middleware):
    """Provide a signed, JSON-encoded cookie session as ``arg_name``.

    ``secret_key``: a string or bytes of at least 16 bytes, or a list of them
    for key rotation (sessions are signed with the first and accepted with
    any).  Required unless the application runs with ``debug=True``, where
    a random per-process key is used with a warning.

    ``expiry``: the cookie's lifetime: ``SESSION`` (default; until the
    browser closes), ``NEVER`` (a far-future persistent cookie), ``NOW``
    (every save deletes the cookie) or a number of seconds (the cookie's
    ``Max-Age``, and the data's age limit unless ``max_age`` says otherwise).

    ``max_age``: seconds after being signed at which the server refuses the
    data, whatever the browser kept (default: ``expiry`` when it is a number,
    else no limit).  ``sliding=True`` re-signs and re-sends a non-empty
    session on every response, so the limits count from the last request.

    ``secure``, ``http_only`` (default True), ``samesite`` (``'Lax'``,
    ``'Strict'``, ``'None'`` (needs ``secure=True``) or None), ``domain`` and
    ``path`` are the cookie's attributes.  ``digest``: ``'sha256'`` (default),
    ``'sha384'`` or ``'sha512'``.  ``clock``: the time source (tests).
    ``data_expiry``: deprecated alias of ``expiry``.
    """

    def __init__(
        self,
        arg_name: str = "cookie",
        cookie_name: Optional[str] = None,
        secret_key: SecretArg = None,
        domain: Optional[str] = None,
        path: str = "/",
        secure: bool = False,
        http_only: bool = True,
        expiry: Union[int, float, str] = DEFAULT_EXPIRY,
        data_expiry: Union[int, float, str, None] = None,
        *,
        max_age: Optional[float] = None,
        sliding: bool = False,
        samesite: Optional[str] = "Lax",
        digest: str = "sha256",
        clock: Callable[[], float] = time.time,
    ) -> None:
        where = f"SignedCookieMiddleware(arg_name={arg_name!r})"
        if data_expiry is not None:
            warnings.warn(
                "SignedCookieMiddleware's data_expiry argument is deprecated; use expiry.",
                DeprecationWarning,
                stacklevel=2,
            )
            expiry = data_expiry
        if not isinstance(arg_name, str) or not arg_name.isidentifier():
            raise TypeError(f"SignedCookieMiddleware arg_name must be an identifier, not {arg_name!r}.")
        self.arg_name = arg_name
        self.provides = (arg_name,)
        if cookie_name is None:
            cookie_name = f"clastic_{arg_name}"
        if not is_token(cookie_name):
            raise ValueError(
                f"{where}: cookie_name must be a cookie-name token (letters, digits and"
                f" !#$%&'*+-.^_`|~), not {cookie_name!r}."
            )
        self.cookie_name = cookie_name
        if not isinstance(path, str) or not path.startswith("/") or ";" in path:
            raise ValueError(f"{where}: path must start with '/' and contain no ';', not {path!r}.")
        if domain is not None and (not isinstance(domain, str) or not domain or ";" in domain):
            raise ValueError(f"{where}: domain must be a host name or None, not {domain!r}.")
        self.domain = domain
        self.path = path
        for flag_name, flag in (("secure", secure), ("http_only", http_only), ("sliding", sliding)):
            if not isinstance(flag, bool):
                raise TypeError(f"{where}: {flag_name} must be True or False, not {flag!r}.")
        self.secure = secure
        self.http_only = http_only
        if samesite is not None:
            canonical = _SAMESITE.get(str(samesite).lower())
            if canonical is None:
                raise ValueError(f"{where}: samesite must be 'Lax', 'Strict', 'None' or None, not {samesite!r}.")
            if canonical == "None" and not secure:
                raise ValueError(
                    f"{where}: samesite='None' requires secure=True (browsers reject such"
                    " cookies otherwise)."
                )
            samesite = canonical
        self.samesite = samesite
        if expiry not in (SESSION, NEVER, NOW):
            _check_seconds(expiry, "expiry", where)
        if isinstance(expiry, bool):
            raise ValueError(f"{where}: expiry must be SESSION, NEVER, NOW or seconds, not {expiry!r}.")
        self.expiry = expiry
        self.max_age = _check_seconds(max_age, "max_age", where)
        numeric_expiry = expiry not in (SESSION, NEVER, NOW)
        if self.max_age is None and numeric_expiry:
            self.max_age = float(expiry)
        if sliding and self.max_age is None and not numeric_expiry:
            raise ValueError(
                f"{where}: sliding=True renews a lifetime, but there is none; give expiry or"
                " max_age a number of seconds."
            )
        self.sliding = sliding
        if digest not in _DIGESTS:
            raise ValueError(f"{where}: digest must be one of {sorted(_DIGESTS)!r}, not {digest!r}.")
        self.digest = digest
        if not callable(clock):
            raise TypeError(f"{where}: clock must be a callable returning Unix seconds, not {clock!r}.")
        self.clock = clock
        self._where = where
        self._serializer: Optional[URLSafeSerializer] = None
        if secret_key is not None:
            self._set_secrets(_as_secret_list(secret_key, where))

    def _set_secrets(self, keys: list[bytes]) -> None:
        # itsdangerous signs with the *last* key and tries all: give it the
        # list oldest first so the first configured secret signs.
        self._serializer = URLSafeSerializer(
            list(reversed(keys)),
            # The cookie name in the salt: a value signed for one cookie is
            # refused by another using the same secret.
            salt=f"clastic_like.cookie:{self.cookie_name}",
            signer_kwargs={"digest_method": _DIGESTS[self.digest]},
        )

    def on_bind(self, app: Any) -> None:
        """Refuse to run without a secret unless the application is in debug mode."""
        if self._serializer is not None:
            return
        if not getattr(app, "debug", False):
            raise ValueError(
                f"{self._where} has no secret_key, so sessions could not survive a restart or"
                " be shared between processes. Pass secret_key=... (at least 16 random bytes,"
                " e.g. read from an environment variable; generate one with"
                " `python -c 'import secrets; print(secrets.token_hex(32))'`), or build the"
                " Application with debug=True to use a throwaway random key."
            )
        warnings.warn(
            f"{self._where} has no secret_key; using a random key for this process"
            " (debug mode only): sessions end when the process restarts.",
            InsecureSecretWarning,
            stacklevel=2,
        )
        self._set_secrets([secrets.token_bytes(32)])

    # -- loading ----------------------------------------------------------------
    def load(self, request: Any) -> JSONCookie:
        """The session in ``request``'s cookie; empty when absent or not trustworthy."""
        raw = request.cookies.get(self.cookie_name)
        if not raw or len(raw) > _MAX_INCOMING or self._serializer is None:
            return JSONCookie()
        try:
            payload = self._serializer.loads(raw)
        except (BadData, ValueError, TypeError, UnicodeError):
            return JSONCookie()
        if not isinstance(payload, dict):
            return JSONCookie()
        data, issued, expires = payload.get("d"), payload.get("t"), payload.get("e")
        if not isinstance(data, dict) or not _is_number(issued) or not (expires is None or _is_number(expires)):
            return JSONCookie()
        now = self.clock()
        if expires is not None and now >= expires:
            return JSONCookie()
        if self.max_age is not None and now - float(issued or 0) >= self.max_age:
            return JSONCookie()
        cookie = JSONCookie(data, new=False)
        cookie.expires_at = expires
        return cookie

    # -- saving -----------------------------------------------------------------
    def save(self, cookie: JSONCookie, response: Any, request: Any) -> None:
        """Write, refresh or delete the cookie on ``response`` as the session requires."""
        response.vary.add("Cookie")
        had_cookie = self.cookie_name in request.cookies
        if cookie.delete_requested or (self.expiry == NOW and cookie.modified):
            self._delete(response)
            return
        if cookie.modified:
            if not cookie:
                if had_cookie:
                    self._delete(response)
                return
        elif not (self.sliding and not cookie.new and cookie):
            return
        self._write(cookie, response)

    def _delete(self, response: Any) -> None:
        response.delete_cookie(
            self.cookie_name, path=self.path, domain=self.domain, secure=self.secure,
            httponly=self.http_only, samesite=self.samesite,
        )

    def _write(self, cookie: JSONCookie, response: Any) -> None:
        assert self._serializer is not None
        payload: dict[str, Any] = {"d": dict(cookie), "t": self.clock()}
        if cookie.expires_at is not None:
            payload["e"] = cookie.expires_at
        try:
            value = self._serializer.dumps(payload)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{self._where}: the session holds a value JSON cannot encode ({exc}); store"
                " only strings, numbers, booleans, None, lists and dicts."
            ) from None
        if len(self.cookie_name) + len(value) + 1 > _MAX_COOKIE_BYTES:
            raise ValueError(
                f"{self._where}: the session is {len(value)} bytes once signed; browsers drop"
                f" cookies over about {_MAX_COOKIE_BYTES} bytes, so it would be lost. Store"
                " less in the session (e.g. an id, with the data kept server-side)."
            )
        max_age: Optional[int] = None
        expires: Optional[float] = None
        if self.expiry == NEVER:
            max_age = _NEVER_SECONDS
        elif self.expiry != SESSION:
            max_age = math.ceil(float(self.expiry))
        if cookie.expires_at is not None:
            expires = cookie.expires_at
            remaining = max(0, math.ceil(cookie.expires_at - self.clock()))
            max_age = remaining if max_age is None else min(max_age, remaining)
        response.set_cookie(
            self.cookie_name, value, max_age=max_age, expires=expires, path=self.path,
            domain=self.domain, secure=self.secure, httponly=self.http_only, samesite=self.samesite,
        )

    # -- the hook ---------------------------------------------------------------
    def request(self, next: Callable[..., Any], request: Any) -> Any:
        if self._serializer is None:
            raise RuntimeError(
                f"{self._where} was never bound to an Application, so it has no secret;"
                " pass secret_key=... or use it in an Application."
            )
        cookie = self.load(request)
        try:
            response = next(**{self.arg_name: cookie})
        except HTTPException as exc:
            # A raised error is still a response: keep what the endpoint
            # stored (a login followed by a raised redirect, say).
            self.save(cookie, exc, request)
            raise
        if isinstance(response, _Response):
            self.save(cookie, response, request)
        return response

    def __repr__(self) -> str:
        return f"SignedCookieMiddleware(arg_name={self.arg_name!r}, cookie_name={self.cookie_name!r})"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

