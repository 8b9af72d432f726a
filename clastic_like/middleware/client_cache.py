"""HTTP caching headers: ``Cache-Control`` fields, ETags and 304 answers."""
from __future__ import annotations

from typing import Any, Callable, Optional

from werkzeug.wrappers import Response as _Response

from ..errors import HTTPException
from .core import Middleware

__all__ = ["HTTPCacheMiddleware"]

_SECONDS_FIELDS = ("max_age", "s_maxage")
_FLAG_FIELDS = ("no_cache", "no_store", "no_transform", "must_revalidate", "proxy_revalidate",
                "public", "private")


class HTTPCacheMiddleware(Middleware):
    """Set ``Cache-Control`` fields and answer conditional requests (Clastic's HC1).

    Each configured field that is truthy is copied into the response's
    ``Cache-Control``; as in Clastic, falsy values (``None``, ``False``,
    and also ``max_age=0``) are not set, so use ``no_cache=True`` to force
    revalidation.  With ``use_etags`` (default) a buffered 200 response gets
    an ETag (if it has none) and a matching ``If-None-Match`` /
    ``If-Modified-Since`` turns it into a 304.

    Error responses (``HTTPException``) are left alone: an error must not be
    cached for ``max_age`` seconds, and its body is rendered after the
    middleware ran, so an ETag computed here would not match it.
    """

    def __init__(
        self,
        max_age: Optional[int] = None,
        s_maxage: Optional[int] = None,
        no_cache: Optional[bool] = None,
        no_store: Optional[bool] = None,
        no_transform: Optional[bool] = None,
        must_revalidate: Optional[bool] = None,
        proxy_revalidate: Optional[bool] = None,
        public: Optional[bool] = None,
        private: Optional[bool] = None,
        use_etags: bool = True,
    ) -> None:
        values = dict(max_age=max_age, s_maxage=s_maxage, no_cache=no_cache, no_store=no_store,
                      no_transform=no_transform, must_revalidate=must_revalidate,
                      proxy_revalidate=proxy_revalidate, public=public, private=private)
        for name in _SECONDS_FIELDS:
            value = values[name]
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValueError(
                    f"HTTPCacheMiddleware {name} must be a whole number of seconds (>= 0) or None,"
                    f" not {value!r}."
                )
        for name in _FLAG_FIELDS:
            value = values[name]
            if value is not None and not isinstance(value, bool):
                raise TypeError(f"HTTPCacheMiddleware {name} must be True, False or None, not {value!r}.")
        if public and private:
            raise ValueError("HTTPCacheMiddleware: public=True and private=True contradict each other; pick one.")
        if not isinstance(use_etags, bool):
            raise TypeError(f"HTTPCacheMiddleware use_etags must be True or False, not {use_etags!r}.")
        self.cache_control = {name: value for name, value in values.items() if value}
        self.use_etags = use_etags
        for name, value in values.items():
            setattr(self, name, value)

    def request(self, next: Callable[[], Any], request: Any) -> Any:
        resp = next()
        if not isinstance(resp, _Response) or isinstance(resp, HTTPException):
            return resp
        for name, value in self.cache_control.items():
            setattr(resp.cache_control, name, value)
        if self.use_etags and resp.status_code == 200 and not resp.is_streamed:
            resp.add_etag()
            resp.make_conditional(request)
        return resp

    def __repr__(self) -> str:
        args = [f"{name}={value!r}" for name, value in self.cache_control.items()]
        if not self.use_etags:
            args.append("use_etags=False")
        return f"HTTPCacheMiddleware({', '.join(args)})"
