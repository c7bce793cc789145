"""Counting attempts in the shared cache, so every app process sees the same count."""

from __future__ import annotations

from django.core.cache import cache

from ouderbuddy.lib.errors import DomainError


def count_attempt(key: str, *, limit: int, seconds: int, message: str) -> None:
    """Count one attempt under `key`; raise DomainError(message) once over `limit`
    within `seconds`."""
    added = cache.add(key, 1, seconds)
    count = 1 if added else cache.incr(key)
    if count > limit:
        raise DomainError(message)
