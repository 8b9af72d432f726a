"""Built-in renderers: JSON, JSONP and the type-sniffing ``render_basic``.

(:class:`TabularRender`, the HTML branch of ``render_basic``, lives in
:mod:`.tabular` and is re-exported here, where Clastic users import it from.)

A render function receives the endpoint's return value as ``context`` (plus
anything else it asks for, injected like an endpoint's arguments) and returns
a Response.  It only runs when the endpoint did not already return one.
"""
from __future__ import annotations

import dataclasses
import decimal
import json
import json.encoder as _json_encoder
import re
import uuid
from collections.abc import Iterable, Mapping, Set, Sized
from typing import Any, Callable, Optional

from boltons.tableutils import Table
from werkzeug.wrappers import Response

from .._response import make_response

from ..errors import BadRequest
from ._data import set_items
from .tabular import TabularRender

__all__ = [
    "ClasticJSONEncoder",
    "JSONRender",
    "JSONPRender",
    "BasicRender",
    "TabularRender",
    "render_json",
    "render_json_dev",
    "render_basic",
]


class ClasticJSONEncoder(json.JSONEncoder):
    """JSON with fallbacks for common Python types.

    Mappings become objects; other sized iterables (sets, tuples...) arrays;
    objects with ``to_dict()``/``asdict()`` their result; dates and datetimes
    (``isoformat()``) ISO strings; UUIDs and Decimals strings (no precision is
    lost); dataclasses objects.  Anything else raises ``TypeError``, or is
    ``repr()``-ed with ``dev_mode=True``.
    """

    dev_mode: bool

    def __init__(self, **kw: Any) -> None:
        dev_mode = kw.pop("dev_mode", False)
        kw.pop("encoding", None)
        for key, value in (("skipkeys", True), ("ensure_ascii", True), ("indent", 2), ("sort_keys", True)):
            kw.setdefault(key, value)
        # The attributes JSONEncoder.__init__ sets, taken from one it made,
        # so that they are not set one by one through __setattr__ (this
        # class's, below): ``json.dumps(..., cls=ClasticJSONEncoder)`` makes
        # an encoder per call.
        attributes = vars(self)
        attributes.update(vars(json.JSONEncoder(**kw)))
        attributes["dev_mode"] = dev_mode
        self._forget_c_encoders()

    def encode(self, o: Any) -> str:
        """``JSONEncoder.encode``, calling the C encoder directly when it would.

        For one-line output (``indent=None``) the standard ``encode`` calls
        ``iterencode``, which makes the C encoder and runs it; doing that
        here saves two Python calls per response, and the C encoder is kept
        for the next call (see ``_c_encoders``).  Same arguments, same output,
        same errors (property-tested against ``JSONEncoder.encode``);
        indented output and a subclass with its own ``iterencode`` take the
        standard way.
        """
        pool = self._c_encoders
        if pool is None:
            return super().encode(o)
        try:
            encoder = pool.pop()
        except IndexError:  # none free: the first call, or all in use (threads, nested calls)
            encoder = self._new_c_encoder()
        # After an error its circular-check marks may still hold ids: then it is dropped.
        chunks = encoder(o, 0)
        pool.append(encoder)
        return "".join(chunks)

    def _new_c_encoder(self) -> Any:
        """A C encoder with this encoder's settings (and its own circular-check dict)."""
        return _C_MAKE_ENCODER(
            {} if self.check_circular else None, self.default, _ENCODE_ASCII if self.ensure_ascii else _ENCODE_UNICODE,
            None, self.key_separator, self.item_separator, self.sort_keys, self.skipkeys, self.allow_nan)

    # C encoders made with this encoder's settings, each with its dict of
    # containers being encoded (for the circular check; empty again after a
    # call that succeeded), free for the next encode; None when encode takes
    # the standard way (indented output, a subclass with its own iterencode,
    # a json module without its C encoder).  Making one parses nine
    # arguments, about a tenth of encoding a small object.  An encode takes
    # one out of the list while it runs, so threads and nested calls (a
    # ``default`` that encodes) never share one; setting any attribute
    # starts a new list (and decides the way again), so the settings always
    # apply.  (Replacing ``iterencode`` on the class after the encoder was
    # made is not seen until an attribute is set.)
    _c_encoders: Optional[list[Any]]

    def _forget_c_encoders(self) -> None:
        direct = _DIRECT_C_ENCODER and getattr(self, "indent", None) is None \
            and type(self).iterencode is _BASE_ITERENCODE
        object.__setattr__(self, "_c_encoders", [] if direct else None)

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        self._forget_c_encoders()

    def __delattr__(self, name: str) -> None:
        object.__delattr__(self, name)
        self._forget_c_encoders()

    # C encoders can be neither copied nor pickled: a copy starts without any.
    def __getstate__(self) -> dict[str, Any]:
        state = vars(self).copy()
        del state["_c_encoders"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state)
        self._forget_c_encoders()

    def default(self, o: Any) -> Any:
        if isinstance(o, Mapping):
            return dict(o)
        if isinstance(o, (uuid.UUID, decimal.Decimal)):
            return str(o)
        if dataclasses.is_dataclass(o) and not isinstance(o, type):
            return dataclasses.asdict(o)
        if isinstance(o, Set):
            return set_items(o)
        if isinstance(o, Sized) and isinstance(o, Iterable):
            return list(o)
        for method in ("to_dict", "asdict", "isoformat"):
            func = getattr(o, method, None)
            if callable(func):
                return func()
        if self.dev_mode:
            return repr(o)
        raise TypeError(f"cannot serialize to JSON: {o!r}")


_BASE_ITERENCODE = json.JSONEncoder.iterencode
_C_MAKE_ENCODER: Any = getattr(_json_encoder, "c_make_encoder", None)
_ENCODE_ASCII = _json_encoder.encode_basestring_ascii
_ENCODE_UNICODE = _json_encoder.encode_basestring


def _probe_direct_c_encoder() -> bool:
    """Does calling the C encoder as ClasticJSONEncoder.encode does give the
    standard output?  Checked once at import, so a Python whose json module
    changes its internals gets the standard way instead of wrong output."""
    if _C_MAKE_ENCODER is None:
        return False
    sample = {"b": [1, 2.5, None, True, "é\n"], "a": {"x": (1,)}}
    try:
        direct = "".join(_C_MAKE_ENCODER({}, json.JSONEncoder().default, _ENCODE_ASCII, None, ": ", ", ",
                                         True, False, True)(sample, 0))
    except Exception:  # pragma: no cover - only on a changed json module
        return False
    return direct == json.JSONEncoder(sort_keys=True).encode(sample)


_DIRECT_C_ENCODER = _probe_direct_c_encoder()


class JSONRender:
    """Render ``context`` as JSON (``application/json``).

    Strict by default: an unknown type is a ``TypeError`` (a 500);
    ``dev_mode=True`` falls back to ``repr()``.  ``streaming=True`` sends the
    body as it is encoded (no ``Content-Length``).  ``encoding`` is kept for
    Clastic's signature: the body is ASCII-escaped JSON, so it is valid in
    any ASCII-compatible encoding and is sent as UTF-8.
    """

    def __init__(self, streaming: bool = False, dev_mode: bool = False, encoding: str = "utf-8",
                 **kw: Any) -> None:
        self.streaming = streaming
        self.dev_mode = dev_mode
        self.encoding = encoding
        # Indented output is for people (dev mode); production output is on
        # one line, which lets the json module use its C encoder (several
        # times faster).  Pass indent= to choose either way.
        kw.setdefault("indent", 2 if dev_mode else None)
        self.encoder = ClasticJSONEncoder(dev_mode=dev_mode, **kw)

    def encode(self, context: Any) -> Any:
        """The JSON body: a string, or an iterator of chunks when streaming."""
        if self.streaming:
            return self.encoder.iterencode(context)
        return self.encoder.encode(context)

    def body_without_request(self, context: Any) -> Optional[tuple[bytes, str]]:
        """The 200 answer's ``(body, content type)``; ``None`` when streaming
        (the dispatcher then calls the render)."""
        if self.streaming:
            return None
        # (encode() is UTF-8 without an encoding name to parse per call.)
        return self.encoder.encode(context).encode(), "application/json"

    def __call__(self, context: Any) -> Response:
        answer = self.body_without_request(context)
        if answer is None:
            return Response(self.encode(context), mimetype="application/json")
        return make_response(*answer)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(streaming={self.streaming!r}, dev_mode={self.dev_mode!r})"


_JS_IDENTIFIER_PATH = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$", re.ASCII)


class JSONPRender(JSONRender):
    """JSON, wrapped in ``callback(...)`` when ``?callback=`` is given.

    The callback must be a plain JavaScript identifier path (``cb``,
    ``a.b_c``); anything else is a 400, so the parameter cannot inject script.
    """

    def __init__(self, qp_name: str = "callback", *a: Any, **kw: Any) -> None:
        self.qp_name = qp_name
        super().__init__(*a, **kw)

    def __call__(self, request: Any, context: Any) -> Response:  # type: ignore[override]
        body = self.encoder.encode(context)
        callback = request.args.get(self.qp_name)
        if callback is None:
            return Response(body, mimetype="application/json")
        if not _JS_IDENTIFIER_PATH.match(callback) or len(callback) > 128:
            raise BadRequest(f"The {self.qp_name!r} parameter must be a JavaScript identifier path.")
        return Response(f"{callback}({body});", mimetype="application/javascript")


class BasicRender:
    """Pick a representation from the type of ``context`` (Clastic's B1-B5).

    ``str``/``bytes``: JSON if it looks like a JSON object or array, HTML if
    ``<html`` appears near the start, text otherwise.  Objects without a
    length: ``str(context)`` as text.  Dicts, lists and other sized values:
    ``?format=json|html``, else the best of HTML and JSON for ``Accept``, else
    JSON.  An unknown ``?format=`` is a 400.  Negotiated responses carry
    ``Vary: Accept``.
    """

    _formats = ("html", "json")

    def __init__(self, qp_name: str = "format", dev_mode: bool = True, json_render: Optional[Callable[..., Any]] = None,
                 table_type: type = Table, tabular_render: Optional[Callable[..., Any]] = None) -> None:
        self.qp_name = qp_name
        self.json_render = json_render or JSONRender(dev_mode=dev_mode)
        self.tabular_render = tabular_render or TabularRender(table_type=table_type)

    @property
    def formats(self) -> tuple[str, ...]:
        return self._formats

    @property
    def mimetypes(self) -> tuple[str, ...]:
        return ("text/html", "application/json")

    @classmethod
    def factory(cls, *a: Any, **kw: Any) -> Callable[[Any], "BasicRender"]:
        """A render factory that ignores the route's render argument."""
        def basic_render_factory(render_arg: Any) -> "BasicRender":
            return cls(*a, **kw)
        return basic_render_factory

    def body_without_request(self, context: Any) -> Optional[tuple[bytes, str]]:
        """The 200 answer's ``(body, content type)`` for a ``context`` whose
        rendering ignores the request (strings, bytes, values without a
        length), else ``None``.

        The dispatcher tries this first, so a Request is only built for the
        negotiated cases (sized values) that read it, and on a route without
        middleware the answer goes to the server without a Response object.
        """
        if type(context) is str:  # the common case first
            body = context.encode()  # (UTF-8, without an encoding name to parse per call)
            # Plain text, decided without calling _sniff_mimetype: its two
            # tests, made on the str (cheaper than on the bytes).  Both look
            # for ASCII, which UTF-8 encodes as itself and uses for nothing
            # else: the first character may start JSON exactly when the
            # first byte may, and a str without "<html" encodes to bytes
            # without it (with it, _sniff_mimetype decides).
            if (not context or context[0] not in _MAYBE_JSON_TEXT) and "<html" not in context:
                return body, _TEXT_PLAIN
            return body, _SNIFFED_CONTENT_TYPES[_sniff_mimetype(body)]
        if isinstance(context, str):
            context = context.encode("utf-8")
        if isinstance(context, (bytes, bytearray)):
            body = bytes(context)
            return body, _SNIFFED_CONTENT_TYPES[_sniff_mimetype(body)]
        if not isinstance(context, Sized):
            return str(context).encode(), _TEXT_PLAIN
        return None

    def __call__(self, context: Any, request: Any, _route: Any) -> Response:
        answer = self.body_without_request(context)
        if answer is not None:
            return make_response(*answer)
        fmt = request.args.get(self.qp_name)
        if fmt is not None:
            if fmt not in self._formats:
                shown = fmt if len(fmt) <= 40 else fmt[:40] + "..."
                raise BadRequest(f"Unknown {self.qp_name}={shown!r}; expected one of {list(self._formats)!r}.")
        elif request.headers.get("Accept"):
            # Ties (a browser's "*/*") go to HTML, the first of self.mimetypes.
            best = request.accept_mimetypes.best_match(list(self.mimetypes))
            fmt = "html" if best == "text/html" else "json"
        else:
            fmt = "json"
        if fmt == "html":
            response = self.tabular_render(context=context, _route=_route)
        else:
            response = self.json_render(context)
        # The body depends on Accept: shared caches must key on it.
        response.vary.add("Accept")
        return response

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


# First bytes after which a body may be JSON: a bracket, or whitespace
# (``bytes.strip`` strips these six) before one.
_MAYBE_JSON = frozenset([b"{", b"[", b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c"])
_MAYBE_JSON_TEXT = frozenset(first.decode("ascii") for first in _MAYBE_JSON)
_SNIFFED_CONTENT_TYPES = {
    "application/json": "application/json",
    "text/html": "text/html; charset=utf-8",
    "text/plain": "text/plain; charset=utf-8",
}
_TEXT_PLAIN = _SNIFFED_CONTENT_TYPES["text/plain"]


def _sniff_mimetype(body: bytes) -> str:
    first = body[:1]
    if first in _MAYBE_JSON:
        stripped = body.strip()
        if stripped[:1] in (b"{", b"[") and stripped[-1:] == {b"{": b"}", b"[": b"]"}[stripped[:1]]:
            return "application/json"
    # "<html" entirely within the first 168 bytes (Clastic's B3).
    if body.find(b"<html", 0, 168) != -1:
        return "text/html"
    return "text/plain"


render_json = JSONRender()
render_json_dev = JSONRender(dev_mode=True)
render_basic = BasicRender()
