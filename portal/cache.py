"""A Redis cache that keeps the site working, and its limits holding, while Redis is away."""

import logging
import time

from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# After a failure Redis is left alone for this long, so a request does not wait for one
# connection timeout per cache call while Redis is down.
RETRY_AFTER_SECONDS = 10.0


# Keys that must count the same in every process: allauth's rate limits ("allauth:rl:…") and
# its record of used TOTP codes ("allauth.mfa.totp.used…", replay protection), the sign-in
# delays (portal.signin), the public forms' limits (portal.antispam) and the e-mailed codes
# before a first second factor with their tries (portal.mfa). While Redis is away they are
# kept in PostgreSQL; in one process's memory a limit of 10 would become 10 per process, and a
# used code could be used again in another process.
SHARED_FALLBACK_PREFIXES = ("allauth", "ratelimit:", "portal:signin", "portal:mfa-enrolment")
FALLBACK_TABLE = "portal_cache_fallback"


def _is_shared(key) -> bool:
    return str(key).startswith(SHARED_FALLBACK_PREFIXES)


def _resilient(name, *, keys: str):
    """Wrap a cache method: Redis first, else the fallback for its key(s).

    ``keys`` says where the method's keys are: "one" (the first argument), "list" (a list of
    keys first), "mapping" (a dict of keys to values first) or "none" (``clear``).
    """

    def method(self, *args, **kwargs):
        if time.monotonic() >= self._redis_down_until:
            try:
                return getattr(super(ResilientRedisCache, self), name)(*args, **kwargs)
            except (RedisError, OSError) as error:
                self._redis_down_until = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning(
                    "Redis cache unavailable for %ss, using PostgreSQL for limits and this "
                    "process's memory for the rest: %s",
                    RETRY_AFTER_SECONDS,
                    error,
                )
        return self._fallback_call(name, keys, args, kwargs)

    method.__name__ = name
    return method


class ResilientRedisCache(RedisCache):
    """Django's Redis cache that keeps working while Redis fails.

    Sign-in (allauth's rate limits, MFA's used-code records) and the public forms' limits use
    the cache: while Redis is away those keys are kept in PostgreSQL (shared by every process,
    so the limits hold as before), everything else in the process's memory (pages kept for
    visitors are rebuilt at worst). Staff and partners keep signing in during an outage.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._redis_down_until = 0.0
        self._fallback = LocMemCache(f"redis-fallback-{server}", params)
        self._shared_fallback = DatabaseCache(FALLBACK_TABLE, params)

    def _fallback_for(self, key):
        return self._shared_fallback if _is_shared(key) else self._fallback

    def _fallback_call(self, name, keys, args, kwargs):
        if keys == "none":
            self._shared_fallback.clear()
            return self._fallback.clear()
        if keys == "one":
            key = args[0] if args else kwargs["key"]
            return getattr(self._fallback_for(key), name)(*args, **kwargs)
        if not args:  # keys given by name (keys=…, data=…): pass them on as the first argument
            args = (kwargs.pop("keys" if keys == "list" else "data"),)
        first, rest = args[0], args[1:]
        shared = [key for key in first if _is_shared(key)]
        local = [key for key in first if not _is_shared(key)]
        if keys == "mapping":
            results = []
            for cache, part in ((self._shared_fallback, shared), (self._fallback, local)):
                if part:
                    subset = {key: first[key] for key in part}
                    results.extend(getattr(cache, name)(subset, *rest, **kwargs) or [])
            return results
        found = {}
        for cache, part in ((self._shared_fallback, shared), (self._fallback, local)):
            if part:
                found.update(getattr(cache, name)(part, *rest, **kwargs) or {})
        return found if name == "get_many" else None

    add = _resilient("add", keys="one")
    get = _resilient("get", keys="one")
    set = _resilient("set", keys="one")
    touch = _resilient("touch", keys="one")
    delete = _resilient("delete", keys="one")
    get_many = _resilient("get_many", keys="list")
    has_key = _resilient("has_key", keys="one")
    incr = _resilient("incr", keys="one")
    set_many = _resilient("set_many", keys="mapping")
    delete_many = _resilient("delete_many", keys="list")
    clear = _resilient("clear", keys="none")
