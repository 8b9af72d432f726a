"""Dependency injection internals: signature reading and chain compilation."""
