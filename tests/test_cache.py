"""portal.cache: Django's backends with a quicker key check that warns as Django's does."""

from __future__ import annotations

import warnings

import pytest
from django.core.cache import CacheKeyWarning, caches
from django.core.cache.backends.locmem import LocMemCache as DjangoLocMemCache

from portal.cache import LocMemCache, QuickKeyCheck, RedisCache

KEYS = [
    "codego:rl:0123456789abcdef:party:company:U1:1765100000",
    "",
    "x" * 250,
    "x" * 251,  # one past memcached's length
    "é" * 250,  # printable, but 250 characters only: no warning (memcached counts bytes)
    "with space",
    "tab\there",
    "new\nline",
    "nul\x00",
    "del\x7f",
    "\x1f" + "unit separator",
    "\x85next line",  # not printable, yet not a character memcached refuses
    "\xa0no-break space",
    "\u200bzero width",
    "\u2028line separator",
    "banking:copies:U1:abc:dashboard-page::it",
    "a" * 300 + " ",  # both rules at once
]


def warned(backend: object, key: str) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        backend.validate_key(key)  # type: ignore[attr-defined]
    return [str(w.message) for w in caught if issubclass(w.category, CacheKeyWarning)]


@pytest.mark.parametrize("key", KEYS)
def test_the_quick_check_warns_exactly_as_djangos_own(key):
    ours, django = LocMemCache("ours", {}), DjangoLocMemCache("django", {})
    assert warned(ours, key) == warned(django, key)


def test_a_key_that_breaks_a_rule_still_warns():
    assert warned(LocMemCache("ours", {}), "with space")
    assert warned(LocMemCache("ours", {}), "x" * 251)


def test_the_tests_use_the_quick_backend():
    assert isinstance(caches["default"], QuickKeyCheck)
    assert issubclass(RedisCache, QuickKeyCheck)
