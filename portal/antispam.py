"""Spam protection for public forms without third-party services.

Three checks, each cheap for people and costly for bots: a trap field people never see, a
signed time stamp (a form sent seconds after it was shown was not typed by a person) and a
per-address rate limit kept in the cache (Redis in production), counted by the client's address
as portal.client_ip finds it behind the proxy.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

_SALT = "portal.antispam.form-started"


def form_started_token() -> str:
    return signing.TimestampSigner(salt=_SALT).sign(str(int(time.time())))


def seconds_since_started(token: str) -> float | None:
    """Seconds since the form was shown; None when the token is missing, forged or a day old."""
    try:
        started = signing.TimestampSigner(salt=_SALT).unsign(token or "", max_age=86400)
    except signing.BadSignature:
        return None
    return time.time() - int(started)


def looks_automated(*, trap_value: str, started_token: str) -> bool:
    elapsed = seconds_since_started(started_token)
    return bool(trap_value) or elapsed is None or elapsed < settings.CONTACT_FORM_MIN_SECONDS


def rate_limit_hit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True when more than ``limit`` were made within the window."""
    cache_key = f"ratelimit:{scope}:{key}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        attempts = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds)
        attempts = 1
    return attempts > limit
