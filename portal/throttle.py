"""Throttling of wrong passwords and one-time codes, counted in the Django cache.

Built the way OWASP's authentication cheat sheet (with its "device cookies") and
NIST SP 800-63B §5.2.2 describe, so that no visitor can lock another one out:

- failures are counted per (email, client) and per client address across emails;
  past `THROTTLE_PAIR_LIMIT` / `THROTTLE_ADDRESS_LIMIT` failures the next attempt
  is refused before anything goes upstream, until `THROTTLE_WINDOW` seconds after
  the first failure;
- per email across all addresses the answer is a growing delay, never a lockout:
  from `THROTTLE_EMAIL_FREE_FAILURES` failures on, the next attempt waits
  `THROTTLE_EMAIL_DELAY` seconds after the last failure, doubling with each
  further failure up to `THROTTLE_EMAIL_MAX_DELAY`;
- a browser that completed sign-in for that email before carries a signed "known
  device" cookie: its failures are counted for that browser alone, and neither
  other addresses' failures nor other visitors behind the same address slow it.

The client address is `REMOTE_ADDR`, or the entry of `X-Forwarded-For` written by
the outermost of exactly `TRUSTED_PROXY_COUNT` trusted proxies. Every counter is
`cache.add` then `cache.incr`, atomic on Redis, Memcached and the local-memory
cache, so workers share the limits without a read-modify-write race. Email
addresses reach the cache and the cookie only as keyed HMAC digests.
"""

from __future__ import annotations

import ipaddress
import math
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import formats, timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from portal import session as portal_session

DEVICE_COOKIE = "known_device"
DEVICE_SALT = "portal.throttle.known-device"
DEVICE_EMAILS = 5  # digests one browser remembers (a few companies per person)
MAX_DOUBLINGS = 20  # keeps 2 ** n finite; the delay is capped far below anyway


# ---------------------------------------------------------------------------
# Who is trying
# ---------------------------------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The visitor's address: `REMOTE_ADDR`, or as the trusted proxies forwarded it.

    Each proxy appends the address it received the request from, so with N
    trusted proxies the N-th entry from the end was written by the outermost
    one; anything before it is whatever the client chose to send.
    """
    address = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted > 0:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in header.split(",") if hop.strip()]
        if len(hops) >= trusted:
            address = hops[-trusted]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return "unknown"


def _address_group(address: str) -> str:
    """IPv6 clients get a whole /64 and can rotate inside it: count the /64."""
    if ":" in address:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return address


def email_digest(email: str) -> str:
    """A keyed digest of the address: not reversible, not guessable without the key."""
    normalized = email.strip().lower()
    return salted_hmac("portal.throttle.email", normalized).hexdigest()[:32]


def _device(request: HttpRequest) -> tuple[str, list[str]]:
    """The known-device cookie: (device id, email digests), or ("", []) when absent."""
    value = request.get_signed_cookie(
        DEVICE_COOKIE, default="", salt=DEVICE_SALT, max_age=_device_max_age()
    )
    device_id, _sep, digests = value.partition(":")
    if not device_id:
        return "", []
    return device_id, [digest for digest in digests.split(",") if digest]


def _device_max_age() -> int:
    return settings.THROTTLE_KNOWN_DEVICE_DAYS * 24 * 3600


# ---------------------------------------------------------------------------
# Counters
# ---------------------------------------------------------------------------


def _windowed_limits(request: HttpRequest, email: str | None) -> tuple[bool, list[tuple[str, int]]]:
    """Whether the browser is known for `email`, and the counters that lock it out
    for the window, each with its limit."""
    device_id, digests = _device(request)
    address = _address_group(client_address(request))
    if not email:
        return False, [(f"throttle:addr:{address}", settings.THROTTLE_ADDRESS_LIMIT)]
    digest = email_digest(email)
    if device_id and digest in digests:
        # A known browser answers for itself, wherever it connects from.
        return True, [(_pair_key(digest, f"device:{device_id}"), settings.THROTTLE_PAIR_LIMIT)]
    return False, [
        (_pair_key(digest, f"addr:{address}"), settings.THROTTLE_PAIR_LIMIT),
        (f"throttle:addr:{address}", settings.THROTTLE_ADDRESS_LIMIT),
    ]


def _pair_key(digest: str, client: str) -> str:
    return f"throttle:pair:{digest}:{client}"


def _email_key(email: str) -> str:
    return f"throttle:email:{email_digest(email)}"


def _increment(key: str, timeout: int) -> None:
    """Add one to a counter: atomic, and shared by every worker on the same cache."""
    cache.add(key, 0, timeout)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout)


def over_rate(request: HttpRequest, action: str, limit: int, window: int) -> bool:
    """Count one more `action` from this client address; True once past `limit` in the
    `window` seconds since its first (a fixed window, shared by every worker)."""
    key = f"throttle:rate:{action}:{_address_group(client_address(request))}"
    _increment(key, window)
    return (cache.get(key) or 0) > limit


def _email_delay(failures: int) -> float:
    """Seconds to wait after the last failure for this email, 0 while under the limit."""
    over = failures - settings.THROTTLE_EMAIL_FREE_FAILURES
    if over < 0:
        return 0.0
    delay = settings.THROTTLE_EMAIL_DELAY * 2 ** min(over, MAX_DOUBLINGS)
    return float(min(delay, settings.THROTTLE_EMAIL_MAX_DELAY))


def blocked_until(request: HttpRequest, email: str | None) -> datetime | None:
    """When the next attempt is allowed again, or None when it is allowed now."""
    now = time.time()
    known, limits = _windowed_limits(request, email)
    keys = [key for key, _limit in limits] + [f"{key}:since" for key, _limit in limits]
    if email and not known:
        keys += [_email_key(email), f"{_email_key(email)}:last"]
    values = cache.get_many(keys)
    until = now
    for key, limit in limits:
        if values.get(key, 0) >= limit:
            until = max(until, values.get(f"{key}:since", now) + settings.THROTTLE_WINDOW)
    if email and not known:
        delay = _email_delay(values.get(_email_key(email), 0))
        if delay:
            until = max(until, values.get(f"{_email_key(email)}:last", now) + delay)
    if until <= now:
        return None
    return datetime.fromtimestamp(until, tz=UTC)


def refusal(request: HttpRequest, email: str | None) -> str | None:
    """The message refusing the attempt, or None when it may go ahead.

    One message whatever the cause, so it tells nothing about the account.
    """
    until = blocked_until(request, email)
    if until is None:
        return None
    # Rounded up to the minute: "try again at" is never too early.
    whole_minute = datetime.fromtimestamp(math.ceil(until.timestamp() / 60) * 60, tz=UTC)
    at = formats.time_format(timezone.localtime(whole_minute), "H:i")
    return _("Too many attempts. Try again at %(time)s.") % {"time": at}


def record_failure(request: HttpRequest, email: str | None) -> None:
    """Count one wrong password or code for this email, this client and its address."""
    now = time.time()
    window = settings.THROTTLE_WINDOW
    _known, limits = _windowed_limits(request, email)
    for key, _limit in limits:
        # `add` keeps the first failure's time: the window ends `window` after it.
        cache.add(f"{key}:since", now, window)
        _increment(key, window)
    if email:
        key = _email_key(email)
        _increment(key, window)
        # The email's count lives until `window` after its latest failure.
        cache.touch(key, window)
        cache.set(f"{key}:last", now, window)


def reset(email: str | None) -> None:
    """Forget the failures of an email address after it proved itself."""
    if email:
        key = _email_key(email)
        cache.delete_many([key, f"{key}:last"])


# ---------------------------------------------------------------------------
# Known devices
# ---------------------------------------------------------------------------


def remember_device(request: HttpRequest, response: HttpResponse, email: str) -> None:
    """Mark this browser as known for `email` and clear its failures there."""
    device_id, digests = _device(request)
    digest = email_digest(email)
    address = _address_group(client_address(request))
    stale = [_pair_key(digest, f"addr:{address}")]
    if device_id:
        stale.append(_pair_key(digest, f"device:{device_id}"))
    cache.delete_many([*stale, *(f"{key}:since" for key in stale)])
    device_id = device_id or secrets.token_urlsafe(12)
    digests = [*(known for known in digests if known != digest), digest][-DEVICE_EMAILS:]
    response.set_signed_cookie(
        DEVICE_COOKIE,
        f"{device_id}:{','.join(digests)}",
        salt=DEVICE_SALT,
        max_age=_device_max_age(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class KnownDeviceMiddleware:
    """Sets the known-device cookie on the response that completes a sign-in.

    The sign-in views need not know: whichever request turns the session into a
    signed-in one for an email (verifyLogin, verifyemailotp) gets the cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        before = _signed_in_email(request)
        response = self.get_response(request)
        after = _signed_in_email(request)
        if after and after != before:
            remember_device(request, response, after)
        return response


def _signed_in_email(request: HttpRequest) -> str:
    data = portal_session.signed_in_data(request)
    return str(data.get("email") or "") if data else ""
