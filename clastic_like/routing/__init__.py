"""Routing: the pattern language, converters, methods and routes.

The layers, bottom up: :mod:`._converters` (text -> values),
:mod:`._pattern` (parse and compile patterns), :mod:`._methods`,
:mod:`._route` (unbound and bound routes).
"""
from __future__ import annotations

from ._converters import DEFAULT_CONVERTERS as DEFAULT_CONVERTERS
from ._converters import Converter as Converter
from ._methods import HTTP_METHODS as HTTP_METHODS
from ._methods import InvalidMethod as InvalidMethod
from ._pattern import S_REDIRECT as S_REDIRECT
from ._pattern import S_REWRITE as S_REWRITE
from ._pattern import S_STRICT as S_STRICT
from ._pattern import InvalidPattern as InvalidPattern
from ._pattern import normalize_path as normalize_path
from ._route import CONNECT as CONNECT
from ._route import DELETE as DELETE
from ._route import GET as GET
from ._route import HEAD as HEAD
from ._route import OPTIONS as OPTIONS
from ._route import PATCH as PATCH
from ._route import POST as POST
from ._route import PUT as PUT
from ._route import RESERVED_ARGS as RESERVED_ARGS
from ._route import TRACE as TRACE
from ._route import BoundRoute as BoundRoute
from ._route import NullRoute as NullRoute
from ._route import Route as Route
