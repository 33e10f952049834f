"""Rendered pages and fragments kept under their change stamps, never depending on the cache.

The key holds the versions of the page's stamps (apps/stamps/selectors.read, or the diary's
access query), so a stored fragment is never invalidated: a change makes a new key and the
old entry expires. When the cache is down (Redis restarting) the fragment is built as if
it had never been cached: slower, never broken.
"""

import hashlib
import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

log = logging.getLogger(__name__)
T = TypeVar("T")

FRAGMENT_SECONDS = 6 * 60 * 60  # a school day: the evening re-read of the morning's pages


def fragment_key(kind: str, *parts) -> str:
    return f"{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def cached(key: str, build: Callable[[], T], timeout: int = FRAGMENT_SECONDS) -> T:
    """`build()`'s value kept under `key`; built anew when absent or when the cache fails."""
    try:
        found = cache.get(key)
    except Exception:  # the cache is an optimisation: any failure of it is a miss
        log.warning("cache unavailable, building %s", key.split(":")[0], exc_info=True)
        return build()
    if found is not None:
        return found
    value = build()
    try:
        cache.set(key, value, timeout)
    except Exception:
        log.warning("cache unavailable, not keeping %s", key.split(":")[0], exc_info=True)
    return value
