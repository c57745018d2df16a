"""Throttling of wrong passwords and one-time codes, in the Django cache.

At most `LIMIT` failures per email address and per client address
(`REMOTE_ADDR`) within `WINDOW` seconds; past that, the next attempt is refused
before anything is sent upstream, until the oldest failure leaves the window.

The counters are sliding windows: each key holds the timestamps of its recent
failures. Email addresses are hashed so the cache never holds them in clear.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

LIMIT = 5
WINDOW = 15 * 60  # seconds


def _keys(request: HttpRequest, email: str | None) -> list[str]:
    keys = []
    address = request.META.get("REMOTE_ADDR") or ""
    if address:
        keys.append(f"throttle:addr:{address}")
    if email:
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
        keys.append(f"throttle:email:{digest}")
    return keys


def _recent(key: str, now: float) -> list[float]:
    stamps = cache.get(key) or []
    return [stamp for stamp in stamps if now - stamp < WINDOW]


def blocked_until(request: HttpRequest, email: str | None) -> datetime | None:
    """When the next attempt is allowed again, or None when it is allowed now."""
    now = time.time()
    until: float | None = None
    for key in _keys(request, email):
        stamps = _recent(key, now)
        if len(stamps) >= LIMIT:
            # Allowed again once enough failures have left the window.
            free_at = sorted(stamps)[len(stamps) - LIMIT] + WINDOW
            until = free_at if until is None else max(until, free_at)
    if until is None:
        return None
    return datetime.fromtimestamp(until, tz=UTC)


def refusal(request: HttpRequest, email: str | None) -> str | None:
    """The message refusing the attempt, or None when it may go ahead."""
    until = blocked_until(request, email)
    if until is None:
        return None
    at = formats.time_format(timezone.localtime(until), "H:i")
    return _("Too many attempts. Try again at %(time)s.") % {"time": at}


def record_failure(request: HttpRequest, email: str | None) -> None:
    """Count one wrong password or code for this email and this client address."""
    now = time.time()
    for key in _keys(request, email):
        stamps = _recent(key, now)
        stamps.append(now)
        cache.set(key, stamps[-(LIMIT * 2) :], WINDOW)


def reset(email: str | None) -> None:
    """Forget the failures of an email address after a successful sign-in."""
    if email:
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
        cache.delete(f"throttle:email:{digest}")
