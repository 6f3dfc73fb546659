"""The shared cache, and what happens when it cannot be reached.

allauth keeps its rate limits in the default cache. If that cache were plain Redis, a Redis outage
would turn every login, sign-up and password reset into a 500. `FailoverRedisCache` uses Redis
while it answers and, per operation, falls back to this process's memory when it does not: rate
limits then count per process (as on the embedded default) until Redis is back, and a warning
says so in the log. `/healthz` asks Redis itself (`.shared`), so the outage is still reported.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class FailoverRedisCache(BaseCache):
    """Redis, falling back to local memory for each operation that Redis cannot serve."""

    # After a failure, Redis is not asked again for this many seconds, so that an outage does not
    # cost every cache operation of every request a connection attempt.
    retry_after = 10.0

    # Per process and per Redis location (Django creates one backend instance per thread).
    _down_until: dict[str, float] = {}

    def __init__(self, server, params):
        super().__init__(params)
        self.location = server if isinstance(server, str) else ",".join(server)
        self.shared = RedisCache(server, params)
        local_params = {key: value for key, value in params.items() if key != "OPTIONS"}
        self.local = LocMemCache(f"failover:{self.location}", local_params)

    def _call(self, operation: str, *args, **kwargs):
        if time.monotonic() >= self._down_until.get(self.location, 0.0):
            try:
                return getattr(self.shared, operation)(*args, **kwargs)
            except UNREACHABLE as exc:
                self._down_until[self.location] = time.monotonic() + self.retry_after
                logger.warning(
                    "The shared cache (Redis) cannot be reached (%s: %s). Rate limits and cached "
                    "values live in this process's memory until it answers again.",
                    type(exc).__name__,
                    exc,
                )
        return getattr(self.local, operation)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        self.local.clear()
        return self._call("clear")

    def close(self, **kwargs):
        self.shared.close(**kwargs)
