"""Handing a Response to the WSGI server, with a fast path for the common case.

Werkzeug's ``Response.__call__`` copies the headers, scans them for
``Location``/``Content-Location``/``Content-Length``, and wraps the body in a
``ClosingIterator``.  For the usual response (a buffered body of bytes, a
status that has a body, a non-HEAD request, no Location headers, nothing
registered with ``call_on_close``) every one of those steps is a no-op, and
:func:`to_wsgi` sends the same status, header list and bytes directly.
Anything else goes through Werkzeug unchanged.  ``tests/test_wsgi_response.py``
checks the two paths agree.

The most common Response of all, a 200 in the layout ``make_response``
builds (maybe with headers middleware added), is recognised by
``Application.__call__`` itself, before it calls :func:`to_wsgi` (one Python
call less per request); ``tests/test_dispatch_fastpaths.py`` checks that one.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from werkzeug.wrappers import Response

from ._response import PLAIN_HEADERS, REWRITTEN_HEADERS

__all__ = ["to_wsgi", "REWRITTEN_HEADERS"]

_CALL = Response.__call__
_GET_WSGI_RESPONSE = Response.get_wsgi_response
_GET_WSGI_HEADERS = Response.get_wsgi_headers
_GET_APP_ITER = Response.get_app_iter


def _is_plain(cls: Any) -> bool:
    """True when ``cls`` does not customise how it becomes a WSGI response."""
    return (
        cls.__call__ is _CALL
        and cls.get_wsgi_response is _GET_WSGI_RESPONSE
        and cls.get_wsgi_headers is _GET_WSGI_HEADERS
        and cls.get_app_iter is _GET_APP_ITER
    )


def to_wsgi(response: Any, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Send ``response`` to ``start_response``; return the body iterable.

    ``response`` is a Response (the dispatcher checks); the exact class is
    tested first, so the usual plain Response pays no attribute probing.
    """
    cls = type(response)
    if cls is Response or _is_plain(cls):
        body = response.response
        code = response._status_code
        if (
            type(body) is not list
            or response.direct_passthrough
            or response._on_close
            or code < 200
            or code == 204
            or code == 304
            or environ.get("REQUEST_METHOD") == "HEAD"
        ):
            return response(environ, start_response)
        header_obj = response.headers
        # A plain Headers keeps its items in ``_list``: copying that list
        # directly skips Headers.__iter__/__len__ (two Python calls).
        headers = header_obj._list[:] if type(header_obj) in PLAIN_HEADERS else list(header_obj)
        has_length = False
        for key, _ in headers:
            lowered = key.lower()
            if lowered in REWRITTEN_HEADERS:
                break  # Werkzeug would IRI-encode these: let it
            if lowered == "content-length":
                has_length = True
        else:
            if (len(body) == 1 and type(body[0]) is bytes) or all(type(chunk) is bytes for chunk in body):
                if not has_length and response.automatically_set_content_length:
                    headers.append(("Content-Length", str(sum(map(len, body)))))
                start_response(response._status, headers)
                return body
    return response(environ, start_response)
