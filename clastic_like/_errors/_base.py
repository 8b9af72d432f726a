"""The base class of every HTTP error: an exception that is also its own response.

An :class:`HTTPException` can be raised or returned from an endpoint or a
middleware; either way it becomes the response (Clastic's E1-E6).  Its data
(:meth:`HTTPException.to_dict`) is serialised as text, HTML, JSON or XML by
:meth:`HTTPException.adapt`; which one the client gets is negotiated by the
error handler.
"""
from __future__ import annotations

import json
from html import escape as html_escape
from typing import Any, ClassVar, Optional

from werkzeug.wrappers import Response

from .._response import init_response, set_body
from ._negotiate import CHARSET_MIMES, DEFAULT_MIME, MIME_SUPPORT_MAP
from ._text import middle_truncate, to_xml_elements

__all__ = ["HTTPException", "check_status_code"]

# The Content-Type of the text body every error starts with.
_TEXT_CONTENT_TYPE = f"{DEFAULT_MIME}; charset=utf-8"
# The mimetypes adapt() knows, as written in MIME_SUPPORT_MAP: already
# normalised (lower case, no parameters), so adapt() can look them up as given.
_NORMAL_MIMES = frozenset(MIME_SUPPORT_MAP)


def check_status_code(code: Any, owner: str) -> int:
    """Refuse a status that cannot be sent, at construction rather than mid-response."""
    if isinstance(code, bool) or not isinstance(code, int) or not 100 <= code <= 599:
        raise ValueError(f"{owner}: code must be an HTTP status between 100 and 599, not {code!r}.")
    return code


class HTTPException(Response, Exception):
    """An HTTP error: raise it or return it; it is its own response.

    ``detail`` explains this occurrence (defaults to the class's general
    explanation); ``message`` is the short status text; ``error_type`` an
    optional identifier or URL for the kind of problem.  With
    ``is_breaking=False`` routing continues with later routes instead of
    answering with this error (Clastic's F6).  Unknown keyword arguments are
    accepted and ignored, as in Clastic (E2), so that subclasses and callers
    share one calling convention.
    """

    code: int = 500
    message: str = "HTTP error"
    detail: Any = "An HTTP error occurred."
    # Per class, in the class's own __dict__, made on first use: the encoded
    # bodies of the class's default error, by format (see _serialise).
    _default_bodies: ClassVar[Optional[dict[str, tuple[Any, Any, Any, bytes]]]] = None

    def __init__(
        self,
        detail: Any = None,
        *,
        message: Optional[str] = None,
        code: Optional[int] = None,
        error_type: Optional[str] = None,
        is_breaking: bool = True,
        source_route: Any = None,
        headers: Any = None,
        mimetype: Optional[str] = None,
        content_type: Optional[str] = None,
        **kw: Any,
    ) -> None:
        if detail is not None:
            self.detail = detail
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        status = self.code
        if type(status) is not int or not 100 <= status <= 599:  # the check, inline for the usual valid int
            check_status_code(status, type(self).__name__)
        self.error_type = error_type
        self.is_breaking = is_breaking
        self.source_route = source_route
        Exception.__init__(self, self.detail)
        if headers is None and content_type is None and mimetype is None:
            # The common case (every 404): the text body, built directly;
            # an error with a detail of its own is never memoised, so skip asking.
            body = self._serialise("text") if detail is None else self.to_text().encode("utf-8")
            init_response(self, body, _TEXT_CONTENT_TYPE, self.code)
        else:
            Response.__init__(self, status=self.code, headers=headers)
            self.adapt(content_type or mimetype)

    # -- data -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The error as plain data: what the JSON and XML forms show (E3)."""
        return {
            "code": self.code,
            "message": self.message,
            "detail": self.detail,
            "error_type": self.error_type,
        }

    def to_escaped_dict(self) -> dict[str, Any]:
        """:meth:`to_dict` with every value HTML-escaped (``None`` kept)."""
        return {k: html_escape(str(v)) if v is not None else None for k, v in self.to_dict().items()}

    # -- serialisations (E3) ------------------------------------------------------
    def to_text(self) -> str:
        lines = [f"{self.code} - {self.message}", "", str(self.detail)]
        if self.error_type:
            lines += ["", f"Error type: {self.error_type}"]
        return "\n".join(lines) + "\n"

    def to_html(self) -> str:
        d = self.to_escaped_dict()
        parts = [
            "<!DOCTYPE html>",
            '<html><head><meta charset="utf-8">',
            f"<title>{d['code']} - {d['message']}</title></head>",
            f"<body><h1>{d['message']}</h1>",
            f"<p>{d['detail']}</p>",
        ]
        if self.error_type:
            if str(self.error_type).startswith(("http://", "https://")):
                parts.append(f'<p>Error type: <a href="{d["error_type"]}">{d["error_type"]}</a></p>')
            else:
                parts.append(f"<p>Error type: {d['error_type']}</p>")
        parts.append("</body></html>")
        return "\n".join(parts) + "\n"

    def to_json(self, indent: int = 2, sort_keys: bool = True, skipkeys: bool = True) -> str:
        # default=repr: a detail holding an arbitrary object still serialises.
        return json.dumps(self.to_dict(), indent=indent, sort_keys=sort_keys, skipkeys=skipkeys,
                          ensure_ascii=False, default=repr)

    def to_xml(self) -> str:
        return '<?xml version="1.0" encoding="utf-8"?>\n' + to_xml_elements(self.to_dict(), "http_error") + "\n"

    def adapt(self, mimetype: Optional[str] = None) -> "HTTPException":
        """Set the body and ``Content-Type`` to one format, and return ``self`` (E4).

        Known: ``text/html``, ``application/json``, ``text/plain`` and
        ``application/xml`` (parameters such as ``; charset=`` are ignored);
        anything else, including ``None``, is text.
        """
        if mimetype not in _NORMAL_MIMES:  # what the error handlers pass needs no normalising
            mimetype = (mimetype or "").split(";")[0].strip().lower()
        fmt = MIME_SUPPORT_MAP.get(mimetype)
        if fmt is None:
            mimetype, fmt = DEFAULT_MIME, "text"
        body = self._serialise(fmt)
        content_type = f"{mimetype}; charset=utf-8" if mimetype in CHARSET_MIMES else mimetype
        set_body(self, body, content_type)
        return self

    def _serialise(self, fmt: str) -> bytes:
        """``self.to_<fmt>().encode("utf-8")``, memoised for a class's default error.

        A framework-made 404 is always the same text in the same format, so
        every 404 serialising it afresh (twice: text when made, then the
        negotiated format) is wasted work.  The memo is used only where it
        is provably the same bytes: the format's methods are HTTPException's
        own (a subclass or instance customising them is always asked), there
        is no ``error_type``, and ``code``, ``message`` and ``detail`` are
        the very objects the body was made from (so a class attribute
        changed later, or a per-instance value, is a miss).  Entries are
        made only from the class's own attributes, of exact type ``int`` or
        ``str`` (immutable), never from per-request values, so the memo holds
        at most one body per format per class.  It is a cache of a pure
        function, invisible to applications, not shared state.
        """
        cls = type(self)
        detail = self.detail
        if detail is cls.detail and self.error_type is None:  # else: a per-instance error, never memoised
            # Any ancestor's memo will do for looking up: an entry is used only
            # if its values are this error's and the format is made by the base methods.
            memo = cls._default_bodies
            entry = memo.get(fmt) if memo is not None else None
            if (entry is not None and entry[2] is detail and entry[1] is self.message
                    and entry[0] is self.code and _made_by_base(self, cls, fmt)):
                return entry[3]
            body: bytes = getattr(self, "to_" + fmt)().encode("utf-8")
            code, message = self.code, self.message
            if (code is cls.code and message is cls.message
                    and type(detail) is str and type(message) is str and type(code) is int
                    and _made_by_base(self, cls, fmt)):
                own = cls.__dict__.get("_default_bodies")
                if own is None:
                    own = {}
                    cls._default_bodies = own
                own[fmt] = (code, message, detail, body)
            return body
        return getattr(self, "to_" + fmt)().encode("utf-8")

    def transcribe(self, request: Any) -> None:
        """Kept for Clastic compatibility, where it is an unused hook; does nothing."""
        return None

    # -- Python protocol (E6) --------------------------------------------------------
    def __str__(self) -> str:
        detail = self.detail
        if not detail:
            return str(self.message)
        text = detail if isinstance(detail, str) else repr(detail)
        return middle_truncate(text)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(message={self.message!r})"

    # Response defines no __eq__, but be explicit: errors are compared and
    # hashed by identity, e.g. in a DispatchState's list of deferred errors.
    __hash__ = object.__hash__


# HTTPException's own serialisers: _serialise memoises a body only while the
# methods making it are these very functions.
_TO_DICT = HTTPException.to_dict
_TO_ESCAPED_DICT = HTTPException.to_escaped_dict
_TO_TEXT = HTTPException.to_text
_TO_HTML = HTTPException.to_html
_TO_JSON = HTTPException.to_json
_TO_XML = HTTPException.to_xml


def _made_by_base(error: HTTPException, cls: type[HTTPException], fmt: str) -> bool:
    """Is ``error``'s ``fmt`` body made by HTTPException's own methods alone?

    Neither its class nor the instance itself (as ``mock.patch.object(error,
    "to_html")`` does) may have replaced one of them.  Written out per format
    rather than looped over a table: this runs on every 404.
    """
    own = error.__dict__
    if fmt == "html":
        return (cls.to_html is _TO_HTML and cls.to_escaped_dict is _TO_ESCAPED_DICT and cls.to_dict is _TO_DICT
                and "to_html" not in own and "to_escaped_dict" not in own and "to_dict" not in own)
    if fmt == "text":
        return cls.to_text is _TO_TEXT and "to_text" not in own
    if fmt == "json":
        return cls.to_json is _TO_JSON and cls.to_dict is _TO_DICT and "to_json" not in own and "to_dict" not in own
    if fmt == "xml":
        return cls.to_xml is _TO_XML and cls.to_dict is _TO_DICT and "to_xml" not in own and "to_dict" not in own
    return False  # a format added to MIME_SUPPORT_MAP, with its own to_<fmt>
