"""Compiling a route's middleware hooks, endpoint and render into one call.

The chain is built once, when a route is bound.  Every argument of every hook
is resolved here against what is available *at that hook's position* (Clastic's
I3) and turned into a tiny generated function that reads exactly the values it
needs; an argument nothing provides raises ``NameError`` now, not at request
time.

At request time the chain is called with one dict, the *scope*, holding the
values that change per request: URL bindings, ``request``, ``_dispatch_state``
and, as the chain runs, what middleware pass to ``next(...)`` and the
``context``.  Values fixed at bind (resources, ``_application``, ``_route``)
are baked into the generated code as constants.  Writing provides into the
shared scope is safe because every name is provided by exactly one source
(conflicts are refused at bind) and a function only ever reads the names that
were checked to be visible at its position.  When the only hooks are request
hooks, the endpoint and render run inside the innermost ``next`` and read the
provides as variables: nothing is written into the scope at all.
"""
from __future__ import annotations

import inspect
import keyword
from dataclasses import dataclass, field
from types import MethodType
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence

from .._response import make_response
from ._cache import BindCache
from ._signature import CallableInfo, get_callable_info, get_callable_name

__all__ = [
    "Origins",
    "CompiledChain",
    "compile_chain",
    "compile_injected_call",
    "hook_info",
    "as_names",
    "RESERVED_PREFIX",
]

Scope = dict  # the per-request value dict
Step = Callable[[Scope], Any]

# Generated code names its own locals with this prefix; provides may not use it.
RESERVED_PREFIX = "_cl_"


def as_names(value: Any, what: str) -> tuple[str, ...]:
    """Normalise a ``provides`` declaration (a name or an iterable of names)."""
    if value is None:
        return ()
    names = (value,) if isinstance(value, str) else tuple(value)
    for name in names:
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise TypeError(f"{what} must be Python identifiers, got {name!r}.")
        if name.startswith(RESERVED_PREFIX):
            raise NameError(f"{what}: the prefix {RESERVED_PREFIX!r} is reserved for clastic_like (got {name!r}).")
    return names


@dataclass
class Origins:
    """Where each injectable name comes from, for checks and messages.

    ``labels`` maps a name to a human label of its source ("URL binding",
    "resource", "built-in", "provided by SessionMiddleware.request").
    ``dynamic`` names are read from the per-request scope; ``statics`` are
    fixed values baked into the generated code.
    """

    labels: dict[str, str] = field(default_factory=dict)
    dynamic: set[str] = field(default_factory=set)
    statics: dict[str, Any] = field(default_factory=dict)

    def copy(self) -> "Origins":
        return Origins(dict(self.labels), set(self.dynamic), dict(self.statics))

    def add_dynamic(self, names: Iterable[str], label: str) -> None:
        for name in names:
            self.labels[name] = label
            self.dynamic.add(name)

    def describe(self) -> str:
        """Every source and its names, e.g. for "Searched ..." in errors."""
        groups: dict[str, list[str]] = {"URL bindings": [], "resources": [], "middleware provides": [],
                                         "built-ins": []}
        for name, label in self.labels.items():
            key = "middleware provides" if label.startswith("provided by") else label
            groups.setdefault(key, []).append(name)
        return ", ".join(f"{label} {sorted(names)!r}" for label, names in groups.items())


@dataclass
class CompiledChain:
    """A compiled chain and what was learned compiling it."""

    call: Step
    # For each function in the chain, in order: (role, info, {arg: source label}).
    arg_sources: list[tuple[str, CallableInfo, dict[str, str]]]
    # Every name some function in the chain reads.
    used: frozenset[str]
    # True when the render is the only function reading ``request`` and
    # reads it through the request maker, after its request-free shortcut
    # (``body_without_request``) declined: the dispatcher then builds no
    # Request up front (see Application._scope_request).
    request_deferred: bool = False
    # The same chain for a dispatcher that sends the answer itself, when
    # nothing in it needs a Response object: no middleware hooks, and a
    # render offering ``body_without_request``.  It returns what ``call``
    # does, except that the shortcut's ``(body, content type)`` tuple stands
    # for ``make_response(body, content_type)`` (see Application.__call__).
    # It is called as ``wire(bindings, environ, holder)``: it writes nothing
    # into ``bindings`` (the URL bindings, read as they are), and a
    # ``request`` it reads is ``wire_request(environ, holder, bindings)``,
    # made when first read (compile_chain's ``wire_request``).
    wire: Optional[Callable[[Scope, Any, Any], Any]] = None
    # Whether ``call`` writes into its scope: what middleware pass to
    # ``next(...)`` and the ``context``.  A chain whose only hooks are
    # request hooks runs the endpoint and render inside the innermost
    # ``next`` and reads the provides as its variables instead: it writes
    # nothing, so the dispatcher may give it the URL bindings themselves.
    writes_scope: bool = True

    @property
    def uses_request(self) -> bool:
        return "request" in self.used


def hook_info(mw: Any, hook_name: str, cache: Optional[BindCache] = None) -> Optional[CallableInfo]:
    """Check one middleware hook (Clastic's C11) and return its info."""
    hook = getattr(mw, hook_name, None)
    if hook is None:
        return None
    mw_name = getattr(mw, "name", type(mw).__name__)
    if not callable(hook):
        raise TypeError(f"Expected {mw_name}.{hook_name} to be a function, not {hook!r}.")
    info = cache.info(hook) if cache is not None else get_callable_info(hook)
    if not info.args or info.args[0] != "next":
        raise TypeError(
            f"Middleware functions must take argument 'next' as the first parameter"
            f" ({mw_name}.{hook_name} takes {list(info.args)!r})."
        )
    return info


def _resolve(
    info: CallableInfo,
    origins: Origins,
    skip_first: bool,
    role: str,
    where: str,
) -> dict[str, str]:
    """Check ``info``'s arguments against ``origins``; return {arg: source}."""
    args = info.args[1:] if skip_first else info.args
    if info.posonly_required:
        raise TypeError(
            f"{where}: {role} {info.name}() has positional-only parameter(s)"
            f" {list(info.posonly_required)!r}; clastic_like passes values by keyword,"
            " so it cannot supply them."
        )
    if role in ("endpoint", "render") and "next" in args:
        raise NameError(
            f"{where}: argument 'next' of {role} {info.name}() is reserved for middleware use only."
        )
    missing = sorted(a for a in args if a in info.required and a not in origins.labels)
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise NameError(
            f"{where}: {role} {info.name}() asks for argument{plural} {', '.join(map(repr, missing))},"
            f" which no source provides (unresolved {role} arguments: {missing!r})."
            f" Searched {origins.describe()}."
        )
    return {a: origins.labels[a] for a in args if a in origins.labels}


def _kwargs(sources: Mapping[str, str], origins: Origins, namespace: dict[str, Any], tag: str,
            local: Optional[Mapping[str, str]] = None) -> list[str]:
    """Keyword-argument expressions reading each source: scope, constant or local."""
    out = []
    for i, arg in enumerate(sources):
        if local and arg in local:
            out.append(f"{arg}={local[arg]}")
        elif arg in origins.dynamic:
            out.append(f"{arg}=_cl_s[{arg!r}]")
        else:
            name = f"_cl_{tag}{i}"
            namespace[name] = origins.statics[arg]
            out.append(f"{arg}={name}")
    return out


def _direct(func: Any) -> Any:
    """The cheapest thing to call for ``func``: for an object whose class
    defines ``__call__`` in Python, its bound ``__call__`` (skips a lookup
    per call)."""
    if inspect.isfunction(func) or inspect.ismethod(func) or inspect.isbuiltin(func):
        return func
    call = getattr(type(func), "__call__", None)
    if inspect.isfunction(call):
        return func.__call__
    return func


def _exec(lines: list[str], namespace: dict[str, Any], label: str, cache: Optional[BindCache] = None) -> Step:
    source = "\n".join(lines)
    if cache is not None:
        code = cache.code(source, label)
    else:
        code = compile(source, f"<clastic_like chain for {label}>", "exec")
    exec(code, namespace)
    return namespace["_cl_step"]


def _generate(
    func: Callable[..., Any],
    sources: Mapping[str, str],
    origins: Origins,
    cache: Optional[BindCache] = None,
) -> Step:
    """Generate ``step(scope)`` calling ``func`` with its resolved arguments."""
    namespace: dict[str, Any] = {"_cl_func": _direct(func)}
    kwargs = _kwargs(sources, origins, namespace, "c")
    lines = ["def _cl_step(_cl_s):", f"    return _cl_func({', '.join(kwargs)})"]
    return _exec(lines, namespace, getattr(func, "__qualname__", "callable"), cache)


def _around(hooks: Sequence[tuple[Any, ...]], inner: Step, label: str, cache: Optional[BindCache]) -> Step:
    """``inner`` behind middleware ``hooks`` (none: ``inner`` itself)."""
    if not hooks:
        return inner
    namespace: dict[str, Any] = {"_cl_inner": inner}
    return _exec(_nest_hooks(hooks, ["return _cl_inner(_cl_s)"], namespace), namespace, label, cache)


def _endpoint_and_render_body(
    endpoint: Callable[..., Any], ep_sources: Mapping[str, str], ep_origins: Origins,
    render: Callable[..., Any], r_sources: Mapping[str, str], r_origins: Origins, response_type: type,
    namespace: dict[str, Any], provided: Mapping[str, str], request_maker: Optional[Callable[[Scope], Any]] = None,
    wire: bool = False, wire_request: Optional[Callable[[Any, Any, Scope], Any]] = None,
) -> list[str]:
    """The statements of "endpoint, then render unless it returned a Response",
    unindented, reading the scope ``_cl_s``; their globals go into ``namespace``.

    A render offering ``body_without_request`` is tried that way first (one
    call with one argument, instead of the render's keywords).  With
    ``request_maker``, the render gets ``request_maker(scope)`` only if that
    declines (see CompiledChain.request_deferred).  With ``wire`` (see
    CompiledChain.wire) the shortcut's ``(body, content type)`` is returned
    as it is, for the dispatcher to send; a render that returns a tuple
    itself is refused, so a tuple always means that answer.  The wire form
    reads ``request`` (endpoint and render alike) as ``wire_request(_cl_env,
    _cl_holder, _cl_s)``, made when first read.  ``provided`` maps the names
    middleware provide to the expressions reading them (see _hooks_with_bound_next).

    Builtins are read through ``_cl_`` aliases: these statements may be nested
    in functions whose parameters are middleware provides, which may be
    named like one (see _hooks_with_bound_next).
    """
    namespace.update({"_cl_ep": _direct(endpoint), "_cl_render": _direct(render), "_cl_resp": response_type,
                      "_cl_isinstance": isinstance})
    ep_local = dict(provided)
    local = {**provided, "context": "_cl_result"}
    quick = body_without_request(render)
    if quick is not None:
        namespace["_cl_quick"] = quick
        namespace["_cl_make"] = make_response
    if wire:
        namespace["_cl_wreq"] = wire_request
        ep_local["request"] = local["request"] = "_cl_wreq(_cl_env, _cl_holder, _cl_s)"
    elif request_maker is not None:
        namespace["_cl_request"] = request_maker
        local["request"] = "_cl_request(_cl_s)"
    ep_kwargs = _kwargs(ep_sources, ep_origins, namespace, "e", local=ep_local)
    r_kwargs = _kwargs(r_sources, r_origins, namespace, "r", local=local)
    lines = [
        f"_cl_result = _cl_ep({', '.join(ep_kwargs)})",
        "if _cl_isinstance(_cl_result, _cl_resp):",
        "    return _cl_result",
    ]
    if quick is not None:
        lines += [
            "_cl_done = _cl_quick(_cl_result)",
            "if _cl_done is not None:",
            "    return _cl_done" if wire else "    return _cl_make(*_cl_done)",
        ]
    if wire:
        namespace.update({"_cl_refuse": _refuse_tuple, "_cl_type": type, "_cl_tuple": tuple})
        lines += [
            f"_cl_done = _cl_render({', '.join(r_kwargs)})",
            "if _cl_type(_cl_done) is _cl_tuple:",
            "    _cl_refuse(_cl_render, _cl_done)",
            "return _cl_done",
        ]
    else:
        lines.append(f"return _cl_render({', '.join(r_kwargs)})")
    return lines


def _nest_hooks(hooks: Sequence[tuple[Any, ...]], body: list[str], namespace: dict[str, Any]) -> list[str]:
    """One function for middleware hooks around ``body``: each hook's ``next``
    is defined inside the previous one's, running the rest in its own frame.

    The same calls as chaining one generated step per hook, minus a Python
    call per hook: ``next`` continues directly instead of calling the next
    step.  The provides are the parameters of each ``next``, written into
    the scope for the steps that read them from it.  Returns the lines of
    ``_cl_step(_cl_s)``.
    """
    lines = body
    for level in reversed(range(len(hooks))):
        info, sources, provides, avail = hooks[level]
        namespace[f"_cl_h{level}"] = _direct(info.func)
        kwargs = _kwargs(sources, avail, namespace, f"h{level}_")
        stores = [f"_cl_s[{name!r}] = {name}" for name in provides]
        lines = ([f"def next({', '.join(provides)}):"] + ["    " + line for line in stores + lines]
                 + [f"return _cl_h{level}({', '.join(['next'] + kwargs)})"])
    return ["def _cl_step(_cl_s):"] + ["    " + line for line in lines]


def _hooks_with_bound_next(hooks: Sequence[tuple[Any, ...]], body: list[str], namespace: dict[str, Any]) -> list[str]:
    """Request ``hooks`` around ``body``, which reads the provides as variables
    (see :func:`_provides_read_at`): the lines of ``_cl_step(_cl_s)``.

    Each hook's ``next`` is a generated function bound (``MethodType``) to
    the values it needs: the scope alone, or a tuple of the scope and the
    provides of earlier hooks that later code reads.  The function handed
    to hook ``i`` takes hook ``i``'s provides as its parameters and calls
    hook ``i + 1``; the last one runs ``body``.  Binding costs less than a
    closure per hook (three closures: about 1,300 instructions more per
    request), the values are per call as a closure's are (a ``next``
    called twice, or from two threads, sees its own), and nothing is
    written into the scope.
    """
    namespace["_cl_bind"] = MethodType
    last = len(hooks) - 1
    kept: list[str] = []  # provides of earlier hooks, in the bound tuple after the scope
    lines = []
    for level, (info, _, provides, _) in enumerate(hooks):
        namespace[f"_cl_h{level}"] = _direct(info.func)
        read = _provides_read_at(hooks[:level + 1])
        scope = "_cl_bound[0]" if kept else "_cl_bound"
        if level < last:
            _, sources, _, avail = hooks[level + 1]
            kwargs = _kwargs(sources, avail, namespace, f"h{level + 1}_", local=read)
            kept += provides
            bound = f"({', '.join([scope] + [read[name] for name in kept])},)" if kept else scope
            inner = [f"return _cl_h{level + 1}({', '.join([f'_cl_bind(_cl_next{level + 1}, {bound})'] + kwargs)})"]
            uses_scope = any("_cl_s[" in arg for arg in kwargs)
        else:
            inner = body
            uses_scope = True
        prelude = [f"_cl_s = {scope}"] if uses_scope else []
        lines += ([f"def _cl_next{level}({', '.join(['_cl_bound', *provides])}):"]
                  + ["    " + line for line in [*prelude, *inner]])
    _, sources, _, avail = hooks[0]
    kwargs = _kwargs(sources, avail, namespace, "h0_", local={})
    return lines + ["def _cl_step(_cl_s):", f"    return _cl_h0({', '.join(['_cl_bind(_cl_next0, _cl_s)'] + kwargs)})"]


def _provides_read_at(hooks: Sequence[tuple[Any, ...]]) -> dict[str, str]:
    """How code inside the last hook's ``next`` (see _hooks_with_bound_next)
    reads each provide: the last hook's are its parameters, the earlier
    ones are in the bound tuple, after the scope."""
    kept = [name for _, _, provides, _ in hooks[:-1] for name in provides]
    read = {name: f"_cl_bound[{i + 1}]" for i, name in enumerate(kept)}
    read.update({name: name for name in hooks[-1][2]})
    return read


def _refuse_tuple(render: Any, value: tuple[Any, ...]) -> None:
    raise TypeError(f"Render {get_callable_name(render)} returned a tuple ({value!r:.80}); a render returns a"
                    " Response (its body_without_request hook is the one that returns (body, content type)).")


def body_without_request(render: Any) -> Optional[Callable[[Any], Any]]:
    """The render's request-free shortcut, if it offers one.

    ``render.body_without_request(context)`` returns the ``(body bytes,
    content type)`` of the 200 answer for a context whose rendering does not
    depend on the request, else ``None`` (the render itself is then called,
    with the request).  A class that redefines ``__call__`` below the one
    offering the shortcut may render differently from it, so its renders get
    no shortcut.
    """
    quick = getattr(render, "body_without_request", None)
    if not callable(quick):
        return None
    mro = type(render).__mro__
    offered = next((i for i, cls in enumerate(mro) if "body_without_request" in vars(cls)), len(mro))
    called = next((i for i, cls in enumerate(mro) if "__call__" in vars(cls)), len(mro))
    return None if called < offered else quick


def compile_injected_call(
    info: CallableInfo, origins: Origins, role: str, where: str, pass_all_to_var_kw: bool = False,
    cache: Optional[BindCache] = None,
) -> tuple[Step, dict[str, str]]:
    """Compile a plain injected call (no ``next``), e.g. for ``render_error``."""
    sources = _resolve(info, origins, False, role, where)
    if pass_all_to_var_kw and info.var_kw:
        sources = dict(origins.labels)
    return _generate(info.func, sources, origins, cache), sources


def compile_chain(
    middlewares: Sequence[Any],
    endpoint: Callable[..., Any],
    render: Optional[Callable[..., Any]],
    origins: Origins,
    where: str,
    response_type: type,
    cache: Optional[BindCache] = None,
    request_maker: Optional[Callable[[Scope], Any]] = None,
    wire_request: Optional[Callable[[Any, Any, Scope], Any]] = None,
) -> CompiledChain:
    """Compile request hooks -> endpoint hooks -> endpoint [-> render hooks -> render].

    ``origins`` describes what the route itself supplies (URL bindings,
    resources and built-ins).  ``where`` names the route in error messages.
    The render side is skipped at request time when the endpoint returns a
    ``response_type`` instance (Clastic's F2).  ``request_maker(scope)``
    makes a deferred Request (CompiledChain.request_deferred);
    ``wire_request(environ, holder, bindings)`` the Request of a wire chain
    (CompiledChain.wire, which is only made when it can read what it needs
    that way: not ``_dispatch_state``).
    """
    arg_sources: list[tuple[str, CallableInfo, dict[str, str]]] = []
    used: set[str] = set()

    def plan(info: CallableInfo, avail: Origins, role: str, skip_first: bool) -> dict[str, str]:
        sources = _resolve(info, avail, skip_first, role, where)
        arg_sources.append((role, info, sources))
        used.update(sources)
        return sources

    def plan_hooks(hook_name: str, provides_attr: str, avail: Origins) -> list[tuple[Any, ...]]:
        """Resolve one phase's hooks in order; each sees the provides of the
        earlier ones (I3), which are added to ``avail`` as it goes."""
        hooks = []
        for mw in middlewares:
            info = hook_info(mw, hook_name, cache)
            provides = as_names(getattr(mw, provides_attr, ()), f"{_mw_name(mw)}.{provides_attr}")
            if info is not None:
                role = f"middleware {_mw_name(mw)}.{hook_name}"
                hooks.append((info, plan(info, avail, role, True), provides, avail.copy()))
                avail.add_dynamic(provides, f"provided by {_mw_name(mw)}.{hook_name}")
        return hooks

    # -- what each phase sees (I3) ------------------------------------------
    req_avail = origins.copy()
    req_hooks = plan_hooks("request", "provides", req_avail)

    ep_avail = req_avail.copy()
    ep_hooks = plan_hooks("endpoint", "endpoint_provides", ep_avail)
    ep_info = cache.info(endpoint) if cache is not None else get_callable_info(endpoint)
    ep_sources = plan(ep_info, ep_avail, "endpoint", False)

    render_avail = req_avail.copy()
    render_avail.add_dynamic(("context",), "built-in")
    r_hooks = plan_hooks("render", "render_provides", render_avail)
    r_sources = None
    if render is not None:
        r_info = cache.info(render) if cache is not None else get_callable_info(render)
        r_sources = plan(r_info, render_avail, "render", False)

    # -- generate, innermost first -------------------------------------------
    label = getattr(endpoint, "__qualname__", "callable")
    if not ep_hooks and not r_hooks and render is not None and r_sources is not None:
        # Defer the Request when only the render reads it and has a
        # request-free shortcut: most of its answers then need none.
        deferred = (request_maker is not None and "request" in r_sources
                    and body_without_request(render) is not None
                    and not any("request" in sources for role, _, sources in arg_sources if role != "render"))
        maker = request_maker if deferred else None

        def generate(wire: bool) -> Any:
            namespace: dict[str, Any] = {}
            provided = _provides_read_at(req_hooks) if req_hooks else {}
            body = _endpoint_and_render_body(endpoint, ep_sources, ep_avail, render, r_sources, render_avail,
                                             response_type, namespace, provided, maker, wire, wire_request)
            if req_hooks:
                return _exec(_hooks_with_bound_next(req_hooks, body, namespace), namespace, label, cache)
            params = "_cl_s, _cl_env, _cl_holder" if wire else "_cl_s"
            return _exec([f"def _cl_step({params}):"] + ["    " + line for line in body], namespace, label, cache)

        wired = (not req_hooks and body_without_request(render) is not None and "_dispatch_state" not in used
                 and (wire_request is not None or "request" not in used))
        return CompiledChain(generate(False), arg_sources, frozenset(used), deferred,
                             generate(True) if wired else None, writes_scope=False)
    endpoint_step = _around(ep_hooks, _generate(endpoint, ep_sources, ep_avail, cache), label, cache)
    render_step: Optional[Step] = None
    if render is not None and r_sources is not None:
        render_step = _generate(render, r_sources, render_avail, cache)
    elif r_hooks:
        render_step = _context_passthrough
    if render_step is not None:
        render_step = _around(r_hooks, render_step, label, cache)
    inner = endpoint_step if render_step is None else _make_inner(endpoint_step, render_step, response_type)
    return CompiledChain(_around(req_hooks, inner, label, cache), arg_sources, frozenset(used))


def _context_passthrough(scope: Scope) -> Any:
    return scope["context"]


def _make_inner(endpoint_step: Step, render_step: Step, response_type: type) -> Step:
    def inner(scope: Scope) -> Any:
        result = endpoint_step(scope)
        if isinstance(result, response_type):
            return result
        scope["context"] = result
        return render_step(scope)

    return inner


def _mw_name(mw: Any) -> str:
    return getattr(mw, "name", None) or type(mw).__name__
