"""Short per-session copies of bank answers, dropped as soon as the company changes something.

The bank allows 200 calls per 10 s per credential, and one credential serves
every company on the portal; pages read the same answers again and again
(the dashboard on every visit, the account and payee lists to label filters).
So each browser session keeps a copy for a short while:

- the account and payee lists for 2 minutes: they only label things;
- the dashboard answer for `DASHBOARD_COPY_SECONDS` (20 s by default): it holds
  balances, so the page says when it was read and offers "Refresh".

Every copy of a session carries the session's generation when it was made, a
random word read with the copies in the same cache round trip. `forget` draws
a new one, so whatever the company changed through the portal (an account
opened, a payee added or deleted, a payment sent) shows on the next page, even
when a slower request puts its older copy afterwards. A generation lost from
the cache is simply a new one: a copy can go missing, never come back stale.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from codego import types as t
from codego.client import get_client
from portal import metrics
from portal.pages import Company

T = TypeVar("T")

LIST_SECONDS = 120  # account and payee lists
GENERATION_SECONDS = 24 * 3600  # longer than any session lives


def dashboard_seconds() -> int:
    return settings.DASHBOARD_COPY_SECONDS


def _prefix(request: HttpRequest, company: Company) -> str:
    # The session key rotates at sign-in, so a new sign-in never sees an old copy.
    session_key = getattr(request.session, "session_key", None) or ""
    return f"banking:copies:{company.credentials.user_id}:{session_key}"


def _ended_key(user_id: str) -> str:
    return f"banking:copies:{user_id}:ended"


def forget_company(user_id: str) -> None:
    """The company is gone (a demo visitor's, deleted): no session's copy counts now."""
    cache.set(_ended_key(user_id), True, GENERATION_SECONDS)


@dataclass(frozen=True)
class _Copy:
    generation: str
    value: Any


class Shelf:
    """This session's copies of `names`, read with the session's generation in one
    cache round trip. A copy counts only when it was put under the current one."""

    def __init__(self, request: HttpRequest, company: Company, *names: str) -> None:
        self._prefix = _prefix(request, company)
        generation_key = f"{self._prefix}:generation"
        ended_key = _ended_key(company.credentials.user_id)
        found = cache.get_many([generation_key, ended_key, *(self._key(name) for name in names)])
        self.ended = bool(found.get(ended_key))
        generation = found.get(generation_key)
        if generation is None:
            # A new session, or the cache forgot: a new generation, so no old copy counts.
            cache.add(generation_key, secrets.token_hex(6), GENERATION_SECONDS)
            generation = cache.get(generation_key) or secrets.token_hex(6)
        self.generation: str = generation
        self._found = {}
        for name in names if not self.ended else ():
            copy = found.get(self._key(name))
            if isinstance(copy, _Copy) and copy.generation == generation:
                self._found[name] = copy.value

    def _key(self, name: str) -> str:
        return f"{self._prefix}:{name}"

    def get(self, name: str) -> Any:
        value = self._found.get(name)
        metrics.observe_copy(name, hit=value is not None)
        return value

    def put(self, name: str, value: Any, seconds: float) -> None:
        """Keep `value` for `seconds`; a `forget` meanwhile makes it count for nothing."""
        if seconds >= 1 and not self.ended:
            cache.set(self._key(name), _Copy(self.generation, value), int(seconds))


def kept(
    request: HttpRequest,
    company: Company,
    name: str,
    fetch: Callable[[], T],
    *,
    seconds: int,
    refresh: bool = False,
) -> T:
    """This session's copy of `name`, or `fetch()` kept for `seconds` (a failure raises
    and nothing is kept)."""
    if seconds <= 0:
        return fetch()
    shelf = Shelf(request, company, name)
    value = None if refresh else shelf.get(name)
    if value is None:
        value = fetch()
        shelf.put(name, value, seconds)
    return value


def forget(request: HttpRequest, company: Company) -> None:
    """Drop every copy of this session: the company changed something at the bank."""
    cache.set(f"{_prefix(request, company)}:generation", secrets.token_hex(6), GENERATION_SECONDS)


@dataclass(frozen=True)
class Reading:
    """A dashboard answer and when it was read."""

    answer: t.Dashboard
    read_at: datetime


def read_dashboard(company: Company, iban_id: str = "") -> Reading:
    """The `dashboard` answer (narrowed to `iban_id`) from the bank, now."""
    answer = get_client().dashboard(company.credentials, iban_id=iban_id)
    return Reading(answer, timezone.now())


def session_dashboard(
    request: HttpRequest, company: Company, *, iban_id: str = "", refresh: bool = False
) -> Reading:
    """The `dashboard` answer (narrowed to `iban_id`), from this session's copy when fresh."""
    return kept(
        request,
        company,
        f"dashboard:{iban_id}",
        lambda: read_dashboard(company, iban_id),
        seconds=dashboard_seconds(),
        refresh=refresh,
    )
