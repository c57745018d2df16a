"""Short per-session copies of bank answers, dropped as soon as the company changes something.

The bank allows 200 calls per 10 s per credential, and one credential serves
every company on the portal; pages read the same answers again and again
(the dashboard on every visit, the account and payee lists to label filters).
So each browser session keeps a copy for a short while:

- the account and payee lists for 2 minutes: they only label things;
- the dashboard answer for `DASHBOARD_COPY_SECONDS` (20 s by default): it holds
  balances, so the page says when it was read and offers "Refresh".

Every copy of a session is filed under the session's current generation, a
random word. `forget` draws a new one, so whatever the company changed through
the portal (an account opened, a payee added or deleted, a payment sent) shows
on the next page. A generation lost from the cache is simply a new one: a copy
can go missing, never come back stale.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from codego import types as t
from codego.client import get_client
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


def _generation(request: HttpRequest, prefix: str) -> str:
    found = getattr(request, "_copies_generation", None)  # read once per request
    if found is None:
        key = f"{prefix}:generation"
        found = cache.get(key)
        if found is None:
            cache.add(key, secrets.token_hex(6), GENERATION_SECONDS)  # a concurrent one may win
            found = cache.get(key) or ""
        request._copies_generation = found  # type: ignore[attr-defined]
    return found


def copy_key(request: HttpRequest, company: Company, name: str) -> str:
    prefix = _prefix(request, company)
    return f"{prefix}:{_generation(request, prefix)}:{name}"


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
    key = copy_key(request, company, name)
    value = None if refresh or seconds <= 0 else cache.get(key)
    if value is None:
        value = fetch()
        if seconds > 0:
            cache.set(key, value, seconds)
    return value


def forget(request: HttpRequest, company: Company) -> None:
    """Drop every copy of this session: the company changed something at the bank."""
    generation = secrets.token_hex(6)
    cache.set(f"{_prefix(request, company)}:generation", generation, GENERATION_SECONDS)
    request._copies_generation = generation  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Reading:
    """A dashboard answer and when it was read."""

    answer: t.Dashboard
    read_at: datetime


def session_dashboard(
    request: HttpRequest, company: Company, *, iban_id: str = "", refresh: bool = False
) -> Reading:
    """The `dashboard` answer (narrowed to `iban_id`), from this session's copy when fresh."""

    def read() -> Reading:
        answer = get_client().dashboard(company.credentials, iban_id=iban_id)
        return Reading(answer, timezone.now())

    seconds = dashboard_seconds()
    return kept(request, company, f"dashboard:{iban_id}", read, seconds=seconds, refresh=refresh)
