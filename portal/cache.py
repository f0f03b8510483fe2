"""A Redis cache that keeps the site working while Redis is away."""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# After a failure Redis is left alone for this long, so a request does not wait for one
# connection timeout per cache call while Redis is down.
RETRY_AFTER_SECONDS = 10.0


def _resilient(name):
    def method(self, *args, **kwargs):
        if time.monotonic() >= self._redis_down_until:
            try:
                return getattr(super(ResilientRedisCache, self), name)(*args, **kwargs)
            except (RedisError, OSError) as error:
                self._redis_down_until = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning(
                    "Redis cache unavailable, using this process's memory for %ss: %s",
                    RETRY_AFTER_SECONDS,
                    error,
                )
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


class ResilientRedisCache(RedisCache):
    """Django's Redis cache that falls back to a per-process memory cache while Redis fails.

    Sign-in (allauth's rate limits, MFA's used-code records) uses the cache: without Redis the
    limits then count per worker process, which is weaker but keeps staff and partners able to
    sign in during an outage instead of getting a 500.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._redis_down_until = 0.0
        self._fallback = LocMemCache(f"redis-fallback-{server}", params)

    add = _resilient("add")
    get = _resilient("get")
    set = _resilient("set")
    touch = _resilient("touch")
    delete = _resilient("delete")
    get_many = _resilient("get_many")
    has_key = _resilient("has_key")
    incr = _resilient("incr")
    set_many = _resilient("set_many")
    delete_many = _resilient("delete_many")
    clear = _resilient("clear")
