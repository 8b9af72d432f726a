"""The shortener's routes, endpoints, error pages and configuration.

Nothing is global: :func:`create_app` builds the templates, the middleware
and the application each time, from its arguments; :func:`app_from_env`
reads those arguments from environment variables.
"""
from __future__ import annotations

import datetime
import os
import secrets
import time
from typing import Any, Callable, Mapping, Optional, Union
from urllib.parse import urlsplit

from clastic_like import GET, POST, Application, BadRequest, NotFound, redirect, render_json
from clastic_like.errors import Forbidden, Gone, ServiceUnavailable
from clastic_like.meta import MetaApplication
from clastic_like.middleware import BodyLimitMiddleware, PostDataMiddleware, SignedCookieMiddleware
from clastic_like.middleware.cookie import NEVER
from clastic_like.render import Jinja2RenderFactory
from clastic_like.static import StaticApplication

from .forms import ALIAS_RE, EXPIRY_CHOICES, META_PREFIX, RESERVED_ALIASES, STATIC_PREFIX, check_form
from .store import connect, get_link, get_links, init_db, insert_link, record_hit

__all__ = [
    "create_app", "app_from_env", "settings_from_env", "FormError", "HERE",
    "MAX_FORM_BYTES", "MAX_REMEMBERED", "COOKIE_NAME",
]

HERE = os.path.dirname(os.path.abspath(__file__))
# The form has three short fields: anything much bigger is not from it, and
# refusing it early (413) bounds what one request can make the server hold.
MAX_FORM_BYTES = 16 * 1024
# Links listed in a browser's cookie; 30 aliases stay well under the ~4 KB
# browsers keep per cookie, signature included.
MAX_REMEMBERED = 30
COOKIE_NAME = "shortener_links"
# Letters and digits that cannot be mistaken for one another (no 0/O, 1/l/I)
# when a short link is read aloud or copied by hand.
_ALIAS_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_ALIAS_TRIES = 8


class FormError(BadRequest):
    """The form was refused: a 400 that carries what was typed and what is wrong.

    Raised (not returned) so the request-scoped transaction rolls back;
    the route's ``render_error`` turns it back into the form page.
    """

    def __init__(self, errors: Mapping[str, str], form: Mapping[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = dict(errors)
        self.form = dict(form)


# -- the cookie: which links this browser made ---------------------------------------

def remembered(cookie: Mapping[str, Any]) -> list[str]:
    """The aliases listed in the cookie; anything malformed in it is ignored."""
    # The cookie is signed, so it is ours; but a secret shared with an older
    # version, or a future format, must not break the page.
    value = cookie.get("links")
    if not isinstance(value, list):
        return []
    return [a for a in value if isinstance(a, str) and ALIAS_RE.fullmatch(a)][:MAX_REMEMBERED]


def remember(cookie: Any, alias: str) -> None:
    cookie["links"] = [alias] + [a for a in remembered(cookie) if a != alias][:MAX_REMEMBERED - 1]


# -- endpoints ---------------------------------------------------------------------

def _page(links: list[dict[str, Any]], now: float, created: Optional[str] = None,
          form: Optional[Mapping[str, str]] = None, errors: Optional[Mapping[str, str]] = None) -> dict[str, Any]:
    """The home page's variables (its template uses strict undefined: all must be given)."""
    for link in links:
        link["expired"] = link["expires_at"] is not None and link["expires_at"] <= now
    return {"links": links, "created": created, "errors": dict(errors or {}),
            "form": {"url": "", "alias": "", "expiry": "never", **(form or {})}}


def home(db: Any, cookie: Any, clock: Callable[[], float]) -> dict[str, Any]:
    """The form, and the links this browser made."""
    created = None
    if "created" in cookie:  # `in` first: pop() alone would rewrite the cookie on every view
        created = cookie.pop("created")
        if not isinstance(created, str):
            created = None
    return _page(get_links(db, remembered(cookie)), clock(), created=created)


def _check_same_origin(request: Any) -> None:
    """Refuse form posts made by other sites' pages.

    A cross-site post does not carry our cookie (it is SameSite=Lax), so the
    answer would write a cookie listing only the new link, wiping the
    visitor's list: that is data loss, so it is refused.  Browsers say where
    a post comes from (Sec-Fetch-Site, Origin); clients that say nothing
    (curl, scripts, the test client) are not browsers visiting a page.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        raise Forbidden("Links can only be created from this site's own form.")
    origin = request.headers.get("Origin")
    if origin is not None and origin != "null":
        try:
            netloc = urlsplit(origin).netloc
        except ValueError:
            netloc = None
        if netloc != request.host:
            raise Forbidden("Links can only be created from this site's own form.")


def create_link(db: Any, cookie: Any, clock: Callable[[], float], request: Any,
                url: Optional[str], alias: Optional[str], expiry: Optional[str]) -> Any:
    """Store a new link, then send the browser back to the home page (or re-show the form)."""
    _check_same_origin(request)
    form = {"url": url or "", "alias": alias or "", "expiry": expiry or "never"}
    link, errors = check_form(url, alias, expiry)
    if link is None:
        raise FormError(errors, form)
    now = clock()
    expires_at = now + link.lifetime if link.lifetime is not None else None
    if link.alias is not None:
        if not insert_link(db, link.alias, link.target, now, expires_at):
            raise FormError({"alias": f"The alias '{link.alias}' is taken: choose another,"
                                      " or leave the field empty for a random one."}, form)
        new_alias = link.alias
    else:
        for _ in range(_ALIAS_TRIES):
            new_alias = "".join(secrets.choice(_ALIAS_ALPHABET) for _ in range(6))
            if new_alias not in RESERVED_ALIASES and insert_link(db, new_alias, link.target, now, expires_at):
                break
        else:
            # 31**6 aliases: eight collisions in a row mean the table is nearly full.
            raise ServiceUnavailable("No free alias was found; try again, or choose one.")
    remember(cookie, new_alias)
    cookie["created"] = new_alias
    # 303: the browser fetches the home page with GET, so reloading it does
    # not post the form again (Post/Redirect/Get).
    return redirect(f"{request.script_root}/", code=303)


def _when(timestamp: float) -> str:
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def follow(db: Any, alias: str, clock: Callable[[], float], request: Any) -> Any:
    """Send the visitor on to the link's target, counting the visit."""
    link = get_link(db, alias)
    if link is None:
        raise NotFound(f"There is no short link called '{alias[:64]}'.")
    if link["expires_at"] is not None and link["expires_at"] <= clock():
        raise Gone(f"The short link '{alias}' expired on {_when(link['expires_at'])}.")
    if request.method == "GET":  # a HEAD (a link checker) does not visit the target
        record_hit(db, alias)
    # 302, not 301: browsers cache a 301 for good and go straight to the
    # target next time, so later visits would not be counted and the link
    # would keep working in that browser after it expired.
    response = redirect(link["target"], code=302)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the target need not learn the short link
    return response


def link_info(db: Any, alias: str, clock: Callable[[], float]) -> dict[str, Any]:
    """A link as JSON, for scripts: where it goes, its visits, when it expires."""
    link = get_link(db, alias)
    if link is None:
        raise NotFound(f"There is no short link called '{alias[:64]}'.")
    expires_at = link["expires_at"]
    return {"alias": link["alias"], "target": link["target"], "hits": link["hits"],
            "created_at": _iso(link["created_at"]),
            "expires_at": None if expires_at is None else _iso(expires_at),
            "expired": expires_at is not None and expires_at <= clock()}


def _iso(timestamp: float) -> str:
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).isoformat(timespec="seconds")


# -- error pages -------------------------------------------------------------------

def _wants_page(request: Any) -> bool:
    """Whether the client prefers an HTML page to the error formats (JSON, text, XML)."""
    accept = request.accept_mimetypes
    # No Accept header states no preference: a person is the likelier reader.
    # Browsers and curl send */* or text/html first; scripts asking for
    # JSON get the application's JSON error.
    return not accept or accept.best_match(
        ("text/html", "application/json", "text/plain", "application/xml")) == "text/html"


class ErrorPages:
    """Renders the errors a visitor causes as pages of the site; other errors go to the application's handler."""

    def __init__(self, templates: Jinja2RenderFactory) -> None:
        # Looked up now, when the application is built: a missing template
        # stops create_app(), not the first visitor who mistypes a link.
        self.form_page = templates("home.html")
        self.missing_page = templates("missing.html")

    def render_error(self, _error: Any, request: Any, _application: Any) -> Any:
        if isinstance(_error, FormError):
            response = self.form_page(_page([], 0.0, form=_error.form, errors=_error.errors), request)
        elif _error.code in (404, 410) and _wants_page(request):
            response = self.missing_page({"code": _error.code, "detail": _error.detail}, request)
        else:
            # 405s, 500s, JSON clients: the application's own handler (in
            # debug mode, the one that shows the traceback).
            return _application.error_handler.render_error(request=request, _error=_error)
        response.status_code = _error.code
        return response


# -- the application ---------------------------------------------------------------

def create_app(db_path: Union[str, os.PathLike[str]], secret_key: Union[str, bytes, list, None] = None,
               debug: bool = False, *, clock: Callable[[], float] = time.time) -> Application:
    """The shortener, storing links in the SQLite file ``db_path``.

    ``secret_key`` signs the cookie listing each browser's links (at least
    16 bytes; a list rotates keys).  Without one the application refuses to
    build unless ``debug`` is true, where a random key, lost at restart, is
    used.  ``clock`` (Unix seconds) is there so tests can move time.
    """
    if not isinstance(db_path, (str, os.PathLike)) or not os.fspath(db_path):
        raise TypeError(f"create_app() needs the path of an SQLite file as db_path, not {db_path!r}.")
    if not callable(clock):
        raise TypeError(f"create_app() clock must be a callable returning Unix seconds, not {clock!r}.")
    db_path = os.fspath(db_path)
    init_db(db_path)
    templates = Jinja2RenderFactory(
        os.path.join(HERE, "templates"),
        filters={"when": _when},
        globals={"site_name": "Snip", "expiry_choices": EXPIRY_CHOICES},
        auto_reload=debug,
        # No blank lines where {% if %} and {% for %} tags stood.
        trim_blocks=True, lstrip_blocks=True,
    )
    pages = ErrorPages(templates)
    form_fields = PostDataMiddleware({"url": str, "alias": str, "expiry": str})
    routes = [
        GET("/", home, "home.html"),
        POST("/", create_link, render_error=pages.render_error, middlewares=[form_fields]),
        (f"/{STATIC_PREFIX}", StaticApplication(os.path.join(HERE, "static"))),
        (f"/{META_PREFIX}", MetaApplication(page_title="Snip")),
        GET("/api/links/<alias>", link_info, render_json),
        # Last: it matches any one-segment path, so the mounts above come first.
        GET("/<alias>", follow, render_error=pages.render_error),
    ]
    middlewares = [
        BodyLimitMiddleware(MAX_FORM_BYTES),
        # NEVER: the list outlives the browser session (browsers cap it at 400 days).
        SignedCookieMiddleware(cookie_name=COOKIE_NAME, secret_key=secret_key, expiry=NEVER),
    ]
    return Application(routes, resources={"db_path": db_path, "db": connect, "clock": clock},
                       middlewares=middlewares, render_factory=templates, debug=debug)


# -- configuration from the environment ------------------------------------------

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


def settings_from_env(environ: Mapping[str, str], *, debug_default: bool = False) -> dict[str, Any]:
    """``create_app`` arguments from ``SHORTENER_DB``, ``SHORTENER_SECRET`` and ``SHORTENER_DEBUG``."""
    raw_debug = environ.get("SHORTENER_DEBUG")
    if raw_debug is None:
        debug = debug_default
    elif raw_debug.strip().lower() in _TRUE + _FALSE:
        debug = raw_debug.strip().lower() in _TRUE
    else:
        raise RuntimeError(f"SHORTENER_DEBUG must be 1 or 0 (or true/false, yes/no, on/off), not {raw_debug!r}.")
    return {
        # A file in the current directory: what a user trying it out expects.
        "db_path": environ.get("SHORTENER_DB") or "shortener.db",
        "secret_key": environ.get("SHORTENER_SECRET") or None,
        "debug": debug,
    }


def app_from_env(environ: Mapping[str, str] = os.environ, *, debug_default: bool = False) -> Application:
    """The shortener configured by environment variables (see :func:`settings_from_env`)."""
    settings = settings_from_env(environ, debug_default=debug_default)
    if settings["secret_key"] is None and not settings["debug"]:
        # Say which variable to set: the middleware's own message talks
        # about create_app() arguments, which this user never called.
        raise RuntimeError(
            "Set SHORTENER_SECRET to a long random string: it signs the cookie listing each"
            " browser's links. Generate one with"
            " `python -c 'import secrets; print(secrets.token_hex(32))'`. On your own machine,"
            " SHORTENER_DEBUG=1 uses a throwaway key instead (and shows tracebacks: never in"
            " production)."
        )
    return create_app(**settings)
