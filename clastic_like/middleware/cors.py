"""Cross-origin resource sharing (CORS) for browsers calling the application from other origins.

Only origins on the allow-list get ``Access-Control-*`` headers; any other
origin gets none, so the browser keeps the response from the calling page.
Preflight requests (``OPTIONS`` with ``Origin`` and
``Access-Control-Request-Method``) from allowed origins, for allowed methods
and headers, are answered 204 directly, without running any endpoint.

It works at the WSGI level (``wsgi_wrapper``), before routing, for two
reasons: a preflight must succeed for a path whose routes only accept, say,
POST (the application's automatic OPTIONS answer is not a preflight
answer), and error responses (404, 405, 500) need the headers too, or the
calling page cannot read them.  Consequently it applies to the whole
application, wherever it is listed.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional, Union
from urllib.parse import urlsplit

from ._headers import add_vary, get_header, is_token
from .core import Middleware

__all__ = ["CORSMiddleware", "DEFAULT_METHODS", "DEFAULT_HEADERS"]

DEFAULT_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
# Headers a page commonly sets on API calls; "Content-Type" is needed for
# JSON bodies (only form and text types are exempt from preflight).
DEFAULT_HEADERS = ("Accept", "Accept-Language", "Content-Language", "Content-Type")

_DEFAULT_PORTS = {"http": 80, "https": 443}
_PREFLIGHT_VARY = ("Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers")


def _normalize_origin(origin: Any) -> str:
    """Check one allow-list entry and return its canonical (lowercase) form."""
    hint = "an origin is scheme://host[:port], e.g. 'https://app.example.com'"
    if not isinstance(origin, str):
        raise TypeError(f"CORSMiddleware origins must be strings; {hint}; not {origin!r}.")
    if origin == "null":
        raise ValueError(
            "CORSMiddleware: refusing to allow the origin 'null': sandboxed iframes and local"
            " files all send it, so allowing it allows any of them."
        )
    if "*" in origin:
        raise ValueError(
            f"CORSMiddleware: wildcards inside origins are not supported ({origin!r}); list each"
            " origin, or pass origins='*' to allow every origin (without credentials)."
        )
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        raise ValueError(f"CORSMiddleware: {origin!r} is not an origin; {hint}.") from None
    if not parts.scheme or not parts.hostname or parts.username is not None or parts.password is not None \
            or parts.query or parts.fragment or origin.endswith("?") or origin.endswith("#"):
        raise ValueError(f"CORSMiddleware: {origin!r} is not an origin; {hint}.")
    if parts.path:
        raise ValueError(
            f"CORSMiddleware: {origin!r} has a path; browsers send origins without one (nor a"
            f" trailing slash): use {origin[: len(origin) - len(parts.path)]!r}."
        )
    scheme = parts.scheme.lower()
    host = parts.netloc.rsplit("@", 1)[-1].lower()
    if port is not None and _DEFAULT_PORTS.get(scheme) == port:
        host = host.rsplit(":", 1)[0]  # browsers omit default ports
    return f"{scheme}://{host}"


def _names(values: Any, what: str, upper: bool) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    out = []
    for value in values:
        if not is_token(value):
            raise ValueError(f"CORSMiddleware {what} must be HTTP tokens (e.g. 'Content-Type'), not {value!r}.")
        out.append(value.upper() if upper else value)
    return tuple(out)


class CORSMiddleware(Middleware):
    """Send CORS headers to allowed origins and answer their preflights.

    ``origins``: an iterable of allowed origins (``'https://app.example.com'``;
    compared case-insensitively, default ports ignored), or ``'*'`` for any
    origin.  ``allow_credentials``: let the page send cookies / HTTP auth and
    read the response (not allowed with ``'*'``).  ``allow_methods``,
    ``allow_headers`` (or ``'*'``: any requested header) bound what
    preflights may ask for; ``expose_headers``: response headers the page may
    read beyond the CORS-safelisted ones.  ``max_age``: seconds a browser
    may cache a preflight answer (None: not sent).

    A preflight asking for a method or header not allowed, or from an origin
    not allowed, is passed to the application as a plain ``OPTIONS`` request
    and gets no CORS headers, which makes the browser refuse it.  Every
    response carries ``Vary: Origin`` (unless ``origins='*'``, whose answer
    does not depend on the origin).
    """

    def __init__(
        self,
        origins: Union[str, Iterable[str]],
        *,
        allow_credentials: bool = False,
        allow_methods: Iterable[str] = DEFAULT_METHODS,
        allow_headers: Union[str, Iterable[str]] = DEFAULT_HEADERS,
        expose_headers: Iterable[str] = (),
        max_age: Optional[int] = 600,
    ) -> None:
        if not isinstance(allow_credentials, bool):
            raise TypeError(f"CORSMiddleware allow_credentials must be True or False, not {allow_credentials!r}.")
        if origins == "*":
            if allow_credentials:
                raise ValueError(
                    "CORSMiddleware: origins='*' with allow_credentials=True would let any site"
                    " act with your users' cookies (and browsers refuse it); list the origins"
                    " that may send credentials."
                )
            self.allow_any_origin = True
            self.origins: frozenset[str] = frozenset()
        else:
            if isinstance(origins, str):
                raise TypeError(
                    f"CORSMiddleware origins must be '*' or a list of origins, not the string"
                    f" {origins!r}; write origins=[{origins!r}]."
                )
            if origins is None:
                raise TypeError("CORSMiddleware origins must be '*' or a list of origins, not None.")
            self.allow_any_origin = False
            self.origins = frozenset(_normalize_origin(origin) for origin in origins)
            if not self.origins:
                raise ValueError("CORSMiddleware origins is empty: no origin would be allowed. List at least one.")
        self.allow_credentials = allow_credentials
        self.allow_methods = _names(allow_methods, "allow_methods", upper=True)
        if not self.allow_methods:
            raise ValueError("CORSMiddleware allow_methods is empty; preflights could never succeed.")
        self.allow_any_header = allow_headers == "*"
        self.allow_headers = () if self.allow_any_header else _names(allow_headers, "allow_headers", upper=False)
        self._allowed_header_set = frozenset(h.lower() for h in self.allow_headers)
        self.expose_headers = _names(expose_headers, "expose_headers", upper=False)
        if max_age is not None and (isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 0):
            raise ValueError(f"CORSMiddleware max_age must be a whole number of seconds (>= 0) or None, not {max_age!r}.")
        self.max_age = max_age
        self._vary = not self.allow_any_origin

    # -- decisions --------------------------------------------------------------
    def is_allowed_origin(self, origin: Optional[str]) -> bool:
        if not origin:
            return False
        if self.allow_any_origin:
            return True
        return origin.lower() in self.origins

    def _allow_origin_value(self, origin: str) -> str:
        return "*" if self.allow_any_origin else origin

    def _preflight_headers(self, origin: str, method: str, requested: str) -> Optional[list]:
        """The preflight answer's headers, or None when the policy refuses it."""
        if not is_token(method) or method.upper() not in self.allow_methods:
            return None
        names = [name.strip() for name in requested.split(",") if name.strip()]
        if any(not is_token(name) for name in names):
            return None
        if not self.allow_any_header and any(name.lower() not in self._allowed_header_set for name in names):
            return None
        headers = [("Access-Control-Allow-Origin", self._allow_origin_value(origin)),
                   ("Access-Control-Allow-Methods", ", ".join(self.allow_methods))]
        if names:
            headers.append(("Access-Control-Allow-Headers", ", ".join(names)))
        if self.allow_credentials:
            headers.append(("Access-Control-Allow-Credentials", "true"))
        if self.max_age is not None:
            headers.append(("Access-Control-Max-Age", str(self.max_age)))
        headers.append(("Content-Length", "0"))
        add_vary(headers, _PREFLIGHT_VARY if self._vary else _PREFLIGHT_VARY[1:])
        return headers

    def _add_response_headers(self, headers: list, origin: Optional[str]) -> None:
        if self._vary:
            add_vary(headers, ("Origin",))
        if not self.is_allowed_origin(origin) or get_header(headers, "Access-Control-Allow-Origin") is not None:
            return  # not allowed, or the endpoint made its own CORS decision
        assert origin is not None
        headers.append(("Access-Control-Allow-Origin", self._allow_origin_value(origin)))
        if self.allow_credentials:
            headers.append(("Access-Control-Allow-Credentials", "true"))
        if self.expose_headers:
            headers.append(("Access-Control-Expose-Headers", ", ".join(self.expose_headers)))

    # -- WSGI -------------------------------------------------------------------
    def wsgi_wrapper(self, app: Callable[..., Any]) -> Callable[..., Any]:
        def cors_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            origin = environ.get("HTTP_ORIGIN")
            requested_method = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")
            if environ.get("REQUEST_METHOD") == "OPTIONS" and requested_method is not None:
                headers = None
                if self.is_allowed_origin(origin):
                    assert origin is not None
                    headers = self._preflight_headers(
                        origin, requested_method, environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", ""))
                if headers is not None:
                    start_response("204 No Content", headers)
                    return []
                # Refused: the application answers it as a plain OPTIONS,
                # and no CORS header may tell the browser otherwise.
                origin = None

            def start_with_cors(status: str, headers: list, exc_info: Any = None) -> Any:
                headers = list(headers)
                self._add_response_headers(headers, origin)
                return start_response(status, headers, exc_info)

            return app(environ, start_with_cors)

        return cors_app

    def __repr__(self) -> str:
        origins = "'*'" if self.allow_any_origin else repr(sorted(self.origins))
        return f"CORSMiddleware(origins={origins}, allow_credentials={self.allow_credentials!r})"
