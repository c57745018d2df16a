"""Reference lists of the API, cached in the Django cache per whitelabel.

Each function returns the typed value of one public reference endpoint. A
success is cached for `settings.CODEGO_REFERENCE_TTL` seconds under
`codego:ref:{whitelabel_id}:{name}`; a failure raises its `CodegoError` and
is never cached, so the next call asks the bank again.

Each process also holds the value it last read, with the random stamp it was
cached under (`…:{name}:stamp`): while the cache holds the same stamp, the
process uses its own value rather than unpickling the list again (the plan
catalogue cost 160 µs a read, twice a page). A value cached anew, cleared or
expired has another stamp or none, so no process keeps an old list.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.cache import cache

from codego import types as t
from codego.client import get_client
from codego.endpoints import SPECS

# Reference name -> endpoint, for `clear()` and the cache keys (flagged in SPECS).
REFERENCE_ENDPOINTS: dict[str, str] = {
    spec.reference: spec.name for spec in SPECS.values() if spec.reference
}


def cache_key(name: str, whitelabel_id: str | None = None) -> str:
    return f"codego:ref:{whitelabel_id or settings.CODEGO_WHITELABEL_ID}:{name}"


# cache key -> (stamp, value): what this process last read.
_held: dict[str, tuple[str, Any]] = {}


def _cached(name: str) -> Any:
    """The typed answer of the reference endpoint `name`, from the cache or the bank."""
    key = cache_key(name)
    stamp_key = f"{key}:stamp"
    stamp = cache.get(stamp_key)
    held = _held.get(key)
    if held is not None and stamp is not None and held[0] == stamp:
        return held[1]
    value = cache.get(key) if stamp is not None else None
    if value is None:
        fetch = getattr(get_client(), SPECS[REFERENCE_ENDPOINTS[name]].method)
        value = fetch()  # raises on failure: nothing is cached
        stamp = secrets.token_hex(8)
        cache.set_many({key: value, stamp_key: stamp}, settings.CODEGO_REFERENCE_TTL)
    _held[key] = (stamp, value)
    return value


def brand() -> t.Brand:
    return _cached("brand")


def pos_plan() -> t.PosPlan:
    return _cached("pos_plan")


def countries() -> list[t.Country]:
    return _cached("countries")


def phone_codes() -> list[t.PhoneCode]:
    return _cached("phone_codes")


def industries() -> list[t.Industry]:
    return _cached("industries")


def company_sizes() -> list[t.Option]:
    return _cached("company_sizes")


def legal_forms() -> list[t.Option]:
    return _cached("legal_forms")


def roles() -> list[t.Role]:
    return _cached("roles")


def source_of_funds() -> list[str]:
    return _cached("source_of_funds")


def plans() -> t.PlanCatalogue:
    return _cached("plans")


# -- conveniences built on the cached lists ------------------------------------


def country(country_id: str | int) -> t.Country | None:
    wanted = str(country_id).strip()
    return next((c for c in countries() if c.id == wanted), None)


def choices(items: list[Any], value: str = "id", label: str = "name") -> list[tuple[str, str]]:
    """(value, label) pairs for a form field."""
    return [(str(getattr(i, value)), str(getattr(i, label))) for i in items]


def clear(whitelabel_id: str | None = None) -> None:
    """Drop every cached reference list of the whitelabel."""
    keys = [cache_key(name, whitelabel_id) for name in REFERENCE_ENDPOINTS]
    cache.delete_many([*keys, *(f"{key}:stamp" for key in keys)])
