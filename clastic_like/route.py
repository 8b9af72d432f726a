"""Clastic's ``clastic.route`` module path: routes, route classes and pattern errors.

The implementation lives in :mod:`clastic_like.routing`; this module is the
public face ported applications import from.
"""
from __future__ import annotations

from .routing import (
    CONNECT,
    DELETE,
    GET,
    HEAD,
    HTTP_METHODS,
    OPTIONS,
    PATCH,
    POST,
    PUT,
    RESERVED_ARGS,
    S_REDIRECT,
    S_REWRITE,
    S_STRICT,
    TRACE,
    BoundRoute,
    Converter,
    InvalidMethod,
    InvalidPattern,
    NullRoute,
    Route,
    normalize_path,
)

__all__ = [
    "Route", "BoundRoute", "NullRoute", "RESERVED_ARGS", "HTTP_METHODS",
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT",
    "InvalidPattern", "InvalidMethod", "Converter", "normalize_path",
    "S_REDIRECT", "S_REWRITE", "S_STRICT",
]
