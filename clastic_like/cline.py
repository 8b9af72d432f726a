"""Decorator-style applications: ``@app.get('/')`` (Clastic's Cline).

Unlike Clastic there is no module-level default application: make a
:class:`Cline` and decorate with its methods.  Each decorator adds (and
checks) its route at once, through :meth:`Application.add`, so a missing
argument fails at the decorator line::

    app = Cline()

    @app.get('/')
    def hello():
        return 'hello, world'
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional, TypeVar, Union

from .application import Application
from .render.simple import render_basic
from .routing import Route

__all__ = ["Cline"]

F = TypeVar("F", bound=Callable[..., Any])


class Cline(Application):
    """An :class:`Application` whose routes are added by decorators.

    ``autorender=True`` (default): routes without a ``render`` get
    ``render_basic``, so endpoints may return strings, dicts and lists.
    Other keyword arguments go to :class:`Application`.
    """

    def __init__(self, *, autorender: bool = True, **application_kw: Any) -> None:
        self.autorender = autorender
        super().__init__(**application_kw)

    def route(self, path: str, methods: Union[str, Iterable[str], None] = None,
              endpoint_func: Optional[Callable[..., Any]] = None, **route_kw: Any) -> Any:
        """Add a route for ``path``; use as ``@app.route(path)`` or ``app.route(path, methods, func)``.

        Returns the function unchanged, so decorators stack: each adds its
        own route, innermost first (Clastic's CL1).
        """
        if isinstance(methods, str):
            methods = [methods]

        def add(func: F) -> F:
            if not callable(func):
                raise TypeError(f"Cline.route({path!r}) decorates a function, not {func!r}.")
            kw = dict(route_kw)
            if self.autorender and kw.get("render") is None:
                kw["render"] = render_basic
            self.add(Route(path, func, methods=methods, **kw))
            return func

        if endpoint_func is not None:
            return add(endpoint_func)
        return add

    def get(self, path: str, endpoint: Optional[Callable[..., Any]] = None, **kw: Any) -> Any:
        """``route(path, ['GET'])``: also answers HEAD."""
        return self.route(path, ["GET"], endpoint, **kw)

    def post(self, path: str, endpoint: Optional[Callable[..., Any]] = None, **kw: Any) -> Any:
        return self.route(path, ["POST"], endpoint, **kw)

    def put(self, path: str, endpoint: Optional[Callable[..., Any]] = None, **kw: Any) -> Any:
        return self.route(path, ["PUT"], endpoint, **kw)

    def delete(self, path: str, endpoint: Optional[Callable[..., Any]] = None, **kw: Any) -> Any:
        return self.route(path, ["DELETE"], endpoint, **kw)

    def patch(self, path: str, endpoint: Optional[Callable[..., Any]] = None, **kw: Any) -> Any:
        return self.route(path, ["PATCH"], endpoint, **kw)

    def head(self, path: str, endpoint: Optional[Callable[..., Any]] = None, **kw: Any) -> Any:
        return self.route(path, ["HEAD"], endpoint, **kw)

    def run(self, address: str = "127.0.0.1", port: int = 5000, **kw: Any) -> None:
        """Serve with Werkzeug's development server (``serve()``); local-only by default."""
        self.serve(address=address, port=port, **kw)
