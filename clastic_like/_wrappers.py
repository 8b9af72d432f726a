"""Request and response types.

:class:`Request` is Werkzeug's request with the few attributes Clastic adds:
``request_id`` (a per-application counter), ``request_guid`` (24 hex digits,
unique across processes) and ``path_params`` (the converted URL bindings of
the route being served), and its direct parsing of urlencoded forms.
:class:`Response` is Werkzeug's response; the Responses renders make, and
their headers, are in ``_response``.
"""
from __future__ import annotations

import uuid
from typing import IO, Any, Callable, Generic, TypeVar, overload

from urllib.parse import parse_qsl

from werkzeug.datastructures import FileStorage, ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequestKeyError, ClientDisconnected, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.sansio.request import Request as _SansIORequest
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream, get_content_length
from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wrappers import Response as Response

# The response side lives in _response; these names stay importable from here.
from ._response import ResponseHeaders as ResponseHeaders
from ._response import init_response as init_response
from ._response import make_response as make_response
from ._response import set_body as set_body

__all__ = ["Request", "Response", "ParameterDict", "ResponseHeaders", "make_response", "init_response", "set_body", "REQUEST_ID_ENVIRON_KEY"]

# Where the request id lives in the WSGI environ (shared with RequestIdMiddleware).
REQUEST_ID_ENVIRON_KEY = "clastic_like.request_id"


_URLENCODED = "application/x-www-form-urlencoded"
_CHUNK = 64 * 1024

_T = TypeVar("_T")
_K = TypeVar("_K")
_V = TypeVar("_V")


def _read_body(stream: Any, length: int) -> bytes:
    """Read ``length`` bytes as Werkzeug's LimitedStream does.

    Fewer bytes mean the client disconnected (a read error or an early end
    of the body): the caller raises ClientDisconnected (a 400), once it has
    recorded how far the stream got.
    """
    chunks: list[bytes] = []
    remaining = length
    while remaining > 0:
        try:
            chunk = stream.read(min(remaining, _CHUNK))
        except (OSError, ValueError):
            break
        if not chunk:
            break
        if not chunks and len(chunk) >= remaining:  # the usual small body, in one read: no join
            return chunk
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def parse_urlencoded(text: str) -> list[tuple[str, str]]:
    """``urllib.parse.parse_qsl(text, keep_blank_values=True)`` with Werkzeug's
    error handler; text without ``%`` or ``+`` (most form posts) is split
    directly, since there is nothing to decode."""
    if "%" in text or "+" in text:
        return parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")
    items = []
    for pair in text.split("&"):
        if pair:
            name, _, value = pair.partition("=")
            items.append((name, value))
    return items


_new_dict = dict.__new__
_dict_update = dict.update
_dict_get = dict.get


class ParameterDict(ImmutableMultiDict[_K, _V]):
    """Werkzeug's ImmutableMultiDict, with ``get`` and ``[]`` in one step.

    The storage class of :class:`Request`'s ``args``, ``form`` and ``files``.
    Werkzeug's ``get`` calls ``__getitem__``, which tests membership, then
    fetches the value list through ``super()``: three lookups and two Python
    calls for what is one dict read.  These two read the list directly and
    give exactly Werkzeug's answers (the first value; ``default``, or
    BadRequestKeyError, for a missing key); ``get`` with a ``type`` converts
    as Werkzeug does.  Everything else is ImmutableMultiDict's.
    """

    def get(self, key: Any, default: Any = None, type: Callable[[Any], Any] | None = None) -> Any:  # type: ignore[override]
        values: Any = _dict_get(self, key)
        if not values:
            return default
        if type is None:
            return values[0]
        try:
            return type(values[0])
        except (ValueError, TypeError):
            return default

    def __getitem__(self, key: Any) -> Any:
        values: Any = _dict_get(self, key)
        if values:
            return values[0]
        raise BadRequestKeyError(key)


def urlencoded_form(text: str) -> ParameterDict[str, str]:
    """``ParameterDict(parse_urlencoded(text))``, built directly.

    A MultiDict is a dict of name -> list of values (each name once, in
    order of first appearance) that ``__init__`` builds by regrouping the
    pairs one by one in Python; here the pairs are grouped while splitting,
    and ``dict.update`` stores the lists in C (past the immutable
    ``__setitem__``).  Only used when :func:`_probe_fast_multidict` agrees.
    """
    lists: dict[str, list[str]] = {}
    if "%" in text or "+" in text:
        for name, value in parse_urlencoded(text):
            lists.setdefault(name, []).append(value)
    else:  # the common case, split in one pass instead of building pairs first
        for pair in text.split("&"):
            if pair:
                name, _, value = pair.partition("=")
                if name in lists:
                    lists[name].append(value)
                else:
                    lists[name] = [value]
    form = _new_dict(ParameterDict)
    _dict_update(form, lists)
    return form


def _probe_fast_multidict() -> bool:
    """Does the installed Werkzeug's ImmutableMultiDict store what
    :func:`urlencoded_form` assumes?  Checked once at import, so a change in
    its internals disables the shortcut instead of breaking it."""
    try:
        for text in ("a=1&b=&a=3", ""):
            fast, slow = urlencoded_form(text), ParameterDict(parse_urlencoded(text))
            if not (type(fast) is type(slow) and vars(fast) == vars(slow)
                    and list(dict.items(fast)) == list(dict.items(slow))
                    and list(fast.items(multi=True)) == list(slow.items(multi=True))):
                return False
        return True
    except Exception:  # pragma: no cover - only on an incompatible Werkzeug
        return False


_FAST_MULTIDICT = _probe_fast_multidict()


#: The storage class urlencoded_form makes (None: the probe refused it).
_FAST_STORAGE = ParameterDict if _FAST_MULTIDICT else None


def _empty_storage(storage: Any) -> Any:
    """``storage()``: an empty ``parameter_storage_class``."""
    if storage is _FAST_STORAGE:
        return _new_dict(ParameterDict)
    return storage()


_werkzeug_form = vars(_WerkzeugRequest)["form"]
_WERKZEUG_CONTENT_LENGTH: cached_property[int | None] = vars(_SansIORequest)["content_length"]


# What Werkzeug's form parser would leave in ``request.__dict__`` but the
# direct urlencoded path defers until first read (most endpoints read neither):
# the stream, as ``(wsgi.input, Content-Length, bytes read)``, and the empty
# files, as the storage class to make them with.  The _Deferred descriptors
# build the value from this marker entry when it is first read.
_SPENT_INPUT = "_clastic_like_spent_input"
_EMPTY_FILES = "_clastic_like_empty_files"


def _spent_stream(spent: tuple[Any, int | None, int]) -> IO[bytes]:
    """The stream Werkzeug's form parser leaves: the body's LimitedStream, read
    to the end (or to where the client disconnected); with no length, the
    input itself (a server that ends the input: Werkzeug does not wrap it)."""
    wsgi_input, length, position = spent
    if length is None:
        return wsgi_input
    stream = LimitedStream(wsgi_input, length)
    stream._pos = position
    return stream  # type: ignore[return-value]  # a LimitedStream, as Werkzeug returns (it casts)


class _Deferred(Generic[_T]):
    """Werkzeug's cached property ``name`` (a data descriptor, like Werkzeug's),
    whose value may be deferred: a ``marker`` entry in the instance
    ``__dict__`` that ``build`` turns into the value on first read.

    A deferred value counts as cached: an assigned value hides it, deleting
    discards it (and any assigned value), and deleting when there is neither
    is Werkzeug's KeyError.
    """

    def __init__(self, name: str, marker: str, build: Callable[[Any], _T]) -> None:
        prop = vars(_WerkzeugRequest)[name]
        self.fget: Callable[[Any], _T] = prop.fget
        self.__name__ = name
        self.__doc__ = prop.__doc__
        self.marker = marker
        self.build = build

    @overload
    def __get__(self, obj: None, owner: Any = None) -> _Deferred[_T]: ...

    @overload
    def __get__(self, obj: object, owner: Any = None) -> _T: ...

    def __get__(self, obj: object | None, owner: Any = None) -> Any:
        if obj is None:
            return self
        d = obj.__dict__
        name = self.__name__
        if name in d:
            return d[name]
        spec = d.pop(self.marker, None)
        value = self.fget(obj) if spec is None else self.build(spec)
        d[name] = value
        d[_STATE] = d[_MAY_HAVE_FILES] = True
        return value

    def __set__(self, obj: object, value: _T) -> None:
        d = obj.__dict__
        d[self.__name__] = value  # read before any marker by __get__
        d[_STATE] = d[_MAY_HAVE_FILES] = True

    def __delete__(self, obj: object) -> None:
        d = obj.__dict__
        if d.pop(self.marker, None) is None or self.__name__ in d:
            del d[self.__name__]


# The members Werkzeug's form parsing goes through that the direct
# urlencoded path does not call: a subclass that overrides any of them gets
# Werkzeug's parsing (see Request.__init_subclass__).
_FORM_MEMBERS = ("_load_form_data", "want_form_data_parsed", "make_form_data_parser", "_get_stream_for_parsing",
                 "stream", "files", "mimetype", "mimetype_params", "content_length")

# Flags of a Request (the first two with class defaults False), kept so that the common
# path never reads the instance ``__dict__`` (on CPython 3.11+ the first read
# of an object's ``__dict__`` builds the dict, which a request answered from
# the instance's attribute slots never needs):
#
# _STATE: the instance may hold something that makes Werkzeug's form parse
# differ from the direct one: a stream (or the marker of one) to parse
# instead of wsgi.input, or files it would replace.  Every way those get
# there sets it: _Deferred (stream, files) and the direct parse (its
# markers).  Werkzeug's own parse, and its get_data (which caches the body
# the parse would then read), read the stream through _Deferred first.  The
# form classes are read as attributes; Werkzeug 3's urlencoded parse does
# not use content_length.
#
# _MAY_HAVE_FILES: the instance may hold uploaded files, which the dispatcher
# closes after the response (Application.__call__).
#
# _LENGTH_READ: the direct parse ran where Werkzeug's would have read and
# cached content_length (see _TrackedCachedProperty.__delete__).
_STATE = "_clastic_like_state"
_MAY_HAVE_FILES = "_clastic_like_may_have_files"
_LENGTH_READ = "_clastic_like_length_read"


class _TrackedCachedProperty(cached_property[_T]):
    """Werkzeug's cached_property ``werkzeug_property``, whose deletion also
    knows of _LENGTH_READ."""

    def __init__(self, werkzeug_property: cached_property[_T]) -> None:
        fget: Callable[[Any], _T] = werkzeug_property.fget  # type: ignore[assignment]  # (always set)
        super().__init__(fget, werkzeug_property.__name__)
        self.__doc__ = werkzeug_property.__doc__

    def __delete__(self, obj: object) -> None:
        # Werkzeug's parse reads (and caches) content_length; the direct one
        # only records that it would have (_LENGTH_READ), which deleting
        # consumes, so that deleting succeeds exactly when Werkzeug's would.
        d = obj.__dict__
        implied = d.pop(_LENGTH_READ, False)
        if self.__name__ in d or not implied:
            super().__delete__(obj)


# The attributes Werkzeug's Request.__init__ computes from the environ.
_PARSED_ON_DEMAND = ("method", "scheme", "server", "root_path", "path", "query_string", "headers", "remote_addr")


class _OnDemand:
    """One of _PARSED_ON_DEMAND: Werkzeug's parse of the environ, run on the
    first read of any of them.

    A non-data descriptor: the parse stores all eight in the instance
    ``__dict__``, which the interpreter reads first from then on.  (A
    ``__getattr__`` would do the same, but a class with one gets no fast
    attribute reads at all: every ``request.x`` would pay for it.)
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        d = obj.__dict__
        if "environ" not in d:
            raise AttributeError(f"{type(obj).__name__!r} object has no attribute {self.name!r}")
        # Values assigned before the parse stay, as they would after it.
        given = {name: d[name] for name in _PARSED_ON_DEMAND if name in d}
        _WerkzeugRequest.__init__(obj, d["environ"], populate_request=False, shallow=obj.shallow)
        d.update(given)
        return d[self.name]


class _Form:
    """``Request.form``: Werkzeug's cached property, as a non-data descriptor,
    and the form parse itself, with a direct path for urlencoded bodies.

    Werkzeug's ``cached_property`` is a data descriptor, so every read of
    ``request.form`` runs its ``__get__`` in Python, even once the value is
    cached.  Without ``__set__``/``__delete__``, a form in the instance
    ``__dict__`` is found by the interpreter first, and this ``__get__`` runs
    only when there is none.  Assignment and deletion then act on the
    ``__dict__``, as Werkzeug's do, except that deleting a form never read
    raises AttributeError where Werkzeug raises KeyError.  (Catching that in
    ``Request.__delattr__`` would make every attribute assignment on a
    request go through Python.)

    For an ``application/x-www-form-urlencoded`` body (the usual HTML form
    post) with a Content-Length, or one the server ends itself
    (``wsgi.input_terminated``, as gunicorn sets), the parse does what
    Werkzeug's FormDataParser does (the same limits, stream and decoding, the same 413
    and empty-form-on-bad-UTF-8 outcomes) without its general machinery;
    everything else goes to Werkzeug.  ``tests/test_dispatch_fastpaths.py``
    checks the two agree.  It is written out here, in one function, rather
    than in ``Request._load_form_data`` (which calls it with ``_load``),
    because it runs on every form post and each Python call costs.
    """

    __name__ = "form"
    __doc__ = _werkzeug_form.__doc__

    @overload
    def __get__(self, obj: None, owner: Any = None, _load: bool = False) -> _Form: ...

    @overload
    def __get__(self, obj: object, owner: Any = None, _load: bool = False) -> ImmutableMultiDict[str, str]: ...

    def __get__(self, obj: Any, owner: Any = None, _load: bool = False) -> Any:
        if obj is None:
            return self
        if _load:
            # Through _load_form_data: a form may be there already.  (Read as
            # a descriptor, this runs only when the instance has none.)
            d = obj.__dict__
            if "form" in d:
                return d["form"]
        if not obj._direct_form:  # a subclass with its own form machinery
            if _load:  # its _load_form_data called Request's: Werkzeug's
                _WerkzeugRequest._load_form_data(obj)
                return None
            # Werkzeug's getter: ``self._load_form_data(); return self.form``
            obj._load_form_data()
            d = obj.__dict__
            if "form" not in d:  # it stored none: Werkzeug's getter decides (it recurses)
                d["form"] = _werkzeug_form.fget(obj)
            return d["form"]
        environ = obj.environ
        content_type = environ.get("CONTENT_TYPE")
        if (
            (content_type == _URLENCODED
             or (content_type is not None and content_type.partition(";")[0].strip().lower() == _URLENCODED))
            and not obj.shallow
            and obj.form_data_parser_class is FormDataParser
            and not obj._clastic_like_state
        ):
            data: bytes | None = None
            # Werkzeug's get_content_length(environ) where it is plain: ASCII
            # digits (what its _plain_int accepts unchanged, short enough for
            # int()) without Transfer-Encoding are the header's value.
            length: Any = environ.get("CONTENT_LENGTH")
            if (type(length) is str and length.isdigit() and length.isascii() and len(length) < 19
                    and "HTTP_TRANSFER_ENCODING" not in environ):
                length = int(length)
            else:
                length = None
            if "wsgi.input_terminated" not in environ:
                if length is None:
                    length = get_content_length(environ)  # Werkzeug decides the rest
                if length is not None:
                    if obj.max_content_length is not None and length > obj.max_content_length:
                        raise RequestEntityTooLarge()
                    stream = environ["wsgi.input"]
                    # The first of _read_body's reads, inline: a small body arrives in one.
                    data = b""
                    if 0 < length <= _CHUNK:
                        try:
                            data = stream.read(length)
                        except (OSError, ValueError):
                            pass
                        else:
                            if data and len(data) < length:
                                data += _read_body(stream, length - len(data))
                    elif length:
                        data = _read_body(stream, length)
                    read = len(data)
                    obj._clastic_like_state = obj._clastic_like_length_read = True
                    obj._clastic_like_spent_input = (stream, length, read)
                    if read < length:
                        raise ClientDisconnected()
            elif obj.max_content_length is None:
                # The server ends the body itself (gunicorn, waitress and
                # mod_wsgi say so): Werkzeug then reads wsgi.input to its end,
                # unwrapped.  (A max_content_length to enforce is left to it.)
                # With a plain Content-Length that end is known: read that
                # much, and on to the end only if it came short (one read
                # less: on gunicorn's Body, the one that finds the end costs
                # about 6,000 instructions).  See docs/compat.md.
                stream = environ["wsgi.input"]
                # The stream, cached before reading as Werkzeug's is: the input itself.
                obj._clastic_like_state = obj._clastic_like_length_read = True
                obj._clastic_like_spent_input = (stream, None, None)
                try:
                    if length is None:
                        data = stream.read()
                    else:
                        data = stream.read(length)
                        if len(data) < length:
                            data += stream.read()
                except ValueError:  # Werkzeug's silent parser: an empty form
                    data = b""
            if data is not None:
                storage = obj.parameter_storage_class
                form: MultiDict[str, Any]
                try:
                    text = data.decode()
                    if storage is _FAST_STORAGE:
                        form = urlencoded_form(text)
                    else:
                        form = storage(parse_urlencoded(text))
                except ValueError:  # undecodable body: Werkzeug's silent parser gives an empty form
                    form = _empty_storage(storage)
                # Attribute stores, not __dict__ ones (see _STATE): form is a
                # non-data descriptor, the marker a plain attribute.
                obj.form = form
                obj._clastic_like_empty_files = storage
                return form
        _WerkzeugRequest._load_form_data(obj)
        return obj.__dict__["form"]


_FORM = _Form()


class Request(_WerkzeugRequest):
    """Werkzeug's request plus ``request_id``, ``request_guid`` and ``path_params``.

    Construction only stores the environ: Werkzeug's parsing of it (method,
    path, headers, ...) happens the first time one of those attributes is
    read, so an endpoint that takes ``request`` but does not use it costs
    almost nothing.  Everything else behaves exactly like Werkzeug's Request.
    """

    request_id: int = 0
    path_params: dict[str, Any] = {}
    #: Werkzeug's __init__ argument, stored by it on every instance; the class
    #: default lets a request made without __init__ (Application._request) skip it.
    shallow: bool = False
    parameter_storage_class: type[MultiDict[str, Any]] = ParameterDict

    form = _FORM
    files: _Deferred[ImmutableMultiDict[str, FileStorage]] = _Deferred("files", _EMPTY_FILES, _empty_storage)
    stream: _Deferred[IO[bytes]] = _Deferred("stream", _SPENT_INPUT, _spent_stream)
    content_length = _TrackedCachedProperty(_WERKZEUG_CONTENT_LENGTH)

    #: Whether this class parses urlencoded forms directly: true unless a
    #: subclass overrides a member of _FORM_MEMBERS.
    _direct_form = True
    # The flags of _STATE and _MAY_HAVE_FILES: set on the instance only.
    _clastic_like_state = False
    _clastic_like_may_have_files = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._direct_form = all(getattr(cls, name) is getattr(Request, name) for name in _FORM_MEMBERS)
        if not cls._direct_form:
            # Its own form machinery may store files past the flags.
            cls._clastic_like_may_have_files = True

    def __init__(self, environ: Any, populate_request: bool = True, shallow: bool = False) -> None:
        self.environ = environ
        self.shallow = shallow
        if populate_request and not shallow:
            environ["werkzeug.request"] = self

    def _load_form_data(self) -> None:
        """Parse the form (Werkzeug's method; see _Form for the direct path)."""
        _FORM.__get__(self, None, _load=True)

    def close(self) -> None:
        """Werkzeug's ``close``: closes the uploaded files, if there are any."""
        if self.__dict__.get("files"):  # Werkzeug iterates ``files or ()``: nothing to do when empty
            super().close()

    @property
    def request_guid(self) -> str:
        """The id of this request: the one ``RequestIdMiddleware`` accepted or
        made (so logs, headers and error pages agree), else a random one.

        Random rather than derived from a process-wide salt (Clastic): no
        module state, and unique across processes and restarts.
        """
        guid = self.environ.get(REQUEST_ID_ENVIRON_KEY)
        if not guid:
            guid = self.environ[REQUEST_ID_ENVIRON_KEY] = uuid.uuid4().hex[:24]
        return guid


# Installed after the class body: Werkzeug declares these as plain instance
# attributes (str, Headers, ...), which is what they are once parsed.
for _name in _PARSED_ON_DEMAND:
    setattr(Request, _name, _OnDemand(_name))
del _name
