"""A Redis cache that degrades to "no cache" when Redis is away, instead of failing the page.

The cache only holds what can be computed again (rendered journal grids): a teacher saving
marks while Redis restarts must get a slower page, never a 500. After a failure the cache
stays off for a few seconds, so a Redis that hangs costs one short timeout, not one per call.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# How long the cache is skipped after Redis failed to answer.
PAUSE_AFTER_FAILURE = 5.0


class GuardedRedisCache(RedisCache):
    _down_until = 0.0

    def _guarded(self, operation, default, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            return operation(*args, **kwargs)
        except Exception as error:  # redis.ConnectionError, TimeoutError, ResponseError...
            if self._down_until == 0.0 or time.monotonic() >= self._down_until:
                logger.warning("cache unavailable, working without it: %s", error)
            type(self)._down_until = time.monotonic() + PAUSE_AFTER_FAILURE
            return default

    @classmethod
    def reset(cls) -> None:
        """Try Redis again at the next call (tests that restart it)."""
        cls._down_until = 0.0

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._guarded(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        return self._guarded(super().incr, None, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guarded(super().delete_many, None, keys, version)

    def clear(self):
        return self._guarded(super().clear, False)
