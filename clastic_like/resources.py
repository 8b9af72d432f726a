"""Request-scoped resources: values made per request, with guaranteed cleanup.

A plain resource is one value shared by every request.  A request-scoped
resource is a *factory* called at most once per request, and only for requests
whose chain asks for it::

    from clastic_like.resources import request_scoped

    @request_scoped
    def db(db_path):
        conn = sqlite3.connect(db_path)
        yield conn          # the value endpoints receive
        conn.close()        # cleanup: always runs

    app = Application(routes, resources={'db_path': 'app.db', 'db': db})

The factory's own arguments are injected like an endpoint's and checked when
the application is built: other resources (plain or request-scoped), URL
bindings and the built-ins ``request``, ``_application``, ``_route`` and
``_dispatch_state``.  A generator factory's code after ``yield`` runs once the
response is ready, whatever happened: if the request failed with an
exception, that exception is thrown into the generator at the ``yield`` (so
``try/except`` can roll back) before cleanup continues.  Errors from several
cleanups are collected into one :class:`ResourceCleanupError`, which the
error handler turns into a 500: a failed commit is never reported as success.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Mapping, Optional

__all__ = ["RequestScoped", "request_scoped", "ResourceCleanupError"]


class RequestScoped:
    """Marks a resource factory as request-scoped (see the module docstring)."""

    __slots__ = ("factory", "is_generator")

    def __init__(self, factory: Callable[..., Any]) -> None:
        if not callable(factory):
            raise TypeError(f"request_scoped expects a callable factory, not {factory!r}.")
        self.factory = factory
        self.is_generator = inspect.isgeneratorfunction(factory) or inspect.isgeneratorfunction(
            getattr(factory, "__call__", None)
        )

    def __repr__(self) -> str:
        name = getattr(self.factory, "__qualname__", repr(self.factory))
        return f"request_scoped({name})"


def request_scoped(factory: Callable[..., Any]) -> RequestScoped:
    """Declare ``factory`` as a request-scoped resource (usable as a decorator)."""
    return RequestScoped(factory)


class ResourceCleanupError(Exception):
    """One or more request-scoped resources failed to clean up.

    ``errors`` lists ``(resource name, exception)`` pairs, in cleanup order.
    """

    def __init__(self, errors: list[tuple[str, BaseException]]) -> None:
        self.errors = errors
        names = ", ".join(repr(name) for name, _ in errors)
        super().__init__(f"Cleanup failed for request-scoped resource(s) {names}: "
                         + "; ".join(f"{name}: {type(exc).__name__}: {exc}" for name, exc in errors))


class RequestResources:
    """The request-scoped values made for one request, and their cleanups."""

    __slots__ = ("values", "_generators")

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self._generators: list[tuple[str, Any]] = []

    def make(self, name: str, step: Callable[[Any], Any], is_generator: bool, scope: Any) -> Any:
        if name in self.values:
            return self.values[name]
        value = step(scope)
        if is_generator:
            gen = value
            value = next(gen)
            self._generators.append((name, gen))
        self.values[name] = value
        return value

    def close(self, failure: Optional[BaseException]) -> Optional[ResourceCleanupError]:
        """Run every cleanup, newest first; return the collected errors, if any."""
        errors: list[tuple[str, BaseException]] = []
        while self._generators:
            name, gen = self._generators.pop()
            try:
                if failure is not None:
                    gen.throw(failure)
                else:
                    next(gen)
            except StopIteration:
                continue
            except BaseException as exc:  # noqa: BLE001 - every cleanup must run
                if exc is failure:
                    continue  # the generator let the request's own error through
                errors.append((name, exc))
                continue
            # The generator yielded a second time: that is a factory bug.
            gen.close()
            errors.append((name, RuntimeError(f"request-scoped resource {name!r} yielded more than once")))
        return ResourceCleanupError(errors) if errors else None


class LazyScope(dict):
    """A request scope that makes request-scoped resources when first read."""

    __slots__ = ("_factories", "_resources")

    def __init__(self, values: Mapping[str, Any], factories: dict[str, tuple[Callable[[Any], Any], bool]],
                 resources: RequestResources) -> None:
        super().__init__(values)
        self._factories = factories
        self._resources = resources

    def __missing__(self, key: str) -> Any:
        try:
            step, is_generator = self._factories[key]
        except KeyError:
            raise KeyError(key) from None
        value = self._resources.make(key, step, is_generator, self)
        self[key] = value
        return value
