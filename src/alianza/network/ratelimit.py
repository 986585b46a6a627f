"""A small fixed-window rate limit for public forms, kept in Django's cache (use a shared
cache such as Redis when several web processes run). Client addresses are not stored: the
cache key holds a keyed hash of the address."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from alianza.core.audit import client_ip


def rate_limit_hit(request: HttpRequest, *, bucket: str, limit: int, window: int) -> bool:
    """Count one use of ``bucket`` by the client's address. True while the address has made at
    most ``limit`` uses in the current window of ``window`` seconds, False once it is over."""
    address = client_ip(request) or "unknown"
    digest = salted_hmac("alianza.network.ratelimit", address, algorithm="sha256").hexdigest()[:32]
    key = f"alianza:ratelimit:{bucket}:{digest}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr(): a new window starts
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
