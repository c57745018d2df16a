"""Django's cache backends with a quicker check of each key.

Django checks every key for memcached (at most 250 characters, no spaces or
control characters) and warns of one that breaks the rules; the check takes
about 4 µs a key, and a page uses forty keys or more (the budget's windows
alone are twenty). A key that is short and printable with no space cannot
break a rule, so only the others go through Django's own check, which still
warns exactly as before (tests/test_cache.py holds the two to the same warnings).
"""

from __future__ import annotations

from django.core.cache.backends import locmem, redis
from django.core.cache.backends.base import MEMCACHE_MAX_KEY_LENGTH, BaseCache


class QuickKeyCheck(BaseCache):
    def validate_key(self, key: str) -> None:
        # isprintable() is False for every control character (and DEL); a space is printable.
        if len(key) <= MEMCACHE_MAX_KEY_LENGTH and key.isprintable() and " " not in key:
            return
        super().validate_key(key)


class LocMemCache(QuickKeyCheck, locmem.LocMemCache):
    pass


class RedisCache(QuickKeyCheck, redis.RedisCache):
    pass
