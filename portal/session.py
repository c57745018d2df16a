"""The signed-in state of a visitor, kept server-side in the Django session.

After verifyLogin / verifyemailotp the session key is rotated and
`request.session["codego"]` holds `user_id`, `web_token`, `is_live`,
`company_name` and `email`. The token lives only there (database sessions): it
never goes into a cookie, a page, a URL or a log line.

Two clocks run for a signed-in session:

- our inactivity limit: 5 minutes without a real request ends the session
  (EU PSD2 RTS art. 4); the heartbeat does not count as activity;
- the bank's: a `web_token` lapses 60 s after the last `updateUserLive`. Real
  requests and the heartbeat refresh it, at most once per 30 s per session
  however many tabs are open or workers serve them (`cache.add` claim).
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from codego.errors import CodegoError, SessionExpired
from codego.types import Credentials
from portal import texts

logger = logging.getLogger("portal.session")

SESSION_KEY = "codego"
LAST_ACTIVITY_KEY = "last_activity"
INACTIVITY_LIMIT = 5 * 60  # seconds without a real request
TOUCH_INTERVAL = 15  # seconds between two writes of the activity stamp to the session
LIVE_INTERVAL = 30  # seconds between two updateUserLive calls of one session


# ---------------------------------------------------------------------------
# The signed-in state
# ---------------------------------------------------------------------------


def sign_in(request: HttpRequest, signed_in: Any, *, email: str = "") -> None:
    """Start the signed-in session from a `SignedIn` answer; rotates the session key.

    verifyLogin answers no email: `email` is the address the visitor signed in with.
    """
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "user_id": str(signed_in.user_id),
        "web_token": str(signed_in.web_token),
        "is_live": bool(signed_in.is_live),
        "company_name": str(signed_in.company_name or ""),
        "email": str(signed_in.email or email or ""),
    }
    request.session[LAST_ACTIVITY_KEY] = time.time()
    # The cookie lasts as long as the browser; inactivity ends the session sooner.
    request.session.set_expiry(0)
    # The token was issued just now: it is live, no updateUserLive needed yet.
    cache.set(_live_key(request), time.time(), INACTIVITY_LIMIT)


def sign_out(request: HttpRequest) -> None:
    """Forget everything about the visitor (new, empty session)."""
    request.session.flush()


# Form fields never kept across a sign-in: secrets, codes and one-time keys.
NOT_KEPT = ("csrfmiddlewaretoken", "password", "otp", "payment_key")
TYPED_KEY = "typed_before_sign_in"
TYPED_MAX_CHARS = 8000


def keep_typed(request: HttpRequest, page_path: str) -> None:
    """Keep what a form sent when the bank ended the session, for `page_path`
    once the visitor has signed in again (a session's key rotates, its data stays).
    Passwords, codes and files are never kept."""
    fields = {
        name: request.POST.getlist(name)
        for name in request.POST
        if not any(word in name for word in NOT_KEPT)
    }
    if fields and sum(len(v) for values in fields.values() for v in values) <= TYPED_MAX_CHARS:
        request.session[TYPED_KEY] = {"path": page_path, "fields": fields}


def take_typed(request: HttpRequest) -> dict[str, str]:
    """The fields kept for this page by `keep_typed`, once; {} when there are none."""
    kept = request.session.get(TYPED_KEY)
    if not isinstance(kept, dict) or kept.get("path") != request.path:
        return {}
    del request.session[TYPED_KEY]
    return {name: values[-1] for name, values in kept.get("fields", {}).items() if values}


def signed_in_data(request: HttpRequest) -> dict[str, Any] | None:
    session = getattr(request, "session", None)
    if session is None:
        return None
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict) or not data.get("web_token"):
        return None
    return data


def is_signed_in(request: HttpRequest) -> bool:
    return signed_in_data(request) is not None


def credentials(request: HttpRequest) -> Credentials | None:
    """What signed-in calls to the bank need, or None when signed out."""
    data = signed_in_data(request)
    if data is None:
        return None
    return Credentials(user_id=data["user_id"], web_token=data["web_token"])


def set_live(request: HttpRequest, live: bool) -> None:
    """Record that the company went live (or not) since sign-in."""
    data = signed_in_data(request)
    if data is not None and bool(data.get("is_live")) != live:
        request.session[SESSION_KEY] = {**data, "is_live": live}


# ---------------------------------------------------------------------------
# Redirects
# ---------------------------------------------------------------------------


def redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect htmx follows as a full page load, or a plain 302."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def safe_next(request: HttpRequest, url: str | None) -> str | None:
    """`url` when it points into this site, else None."""
    if not url:
        return None
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def login_url(next_url: str | None = None, *, expired: bool = False) -> str:
    """The sign-in page; `next_url` to come back to, `expired` to end a lapsed session there."""
    url = reverse("onboarding:login")
    if next_url:
        return f"{url}?{urlencode({'next': next_url})}"
    return f"{url}?expired=1" if expired else url


# ---------------------------------------------------------------------------
# The two clocks
# ---------------------------------------------------------------------------


def _activity_key(request: HttpRequest) -> str:
    return f"activity:{request.session.session_key}"


def last_activity(request: HttpRequest) -> float | None:
    """When the session last saw a real request: the cache's exact stamp or the session's."""
    # Both clocks in one cache round trip: keep_token_alive() needs the other next.
    clocks = cache.get_many([_activity_key(request), _live_key(request)])
    exact = clocks.get(_activity_key(request))
    request._activity_stamp = exact  # type: ignore[attr-defined]  # for touch()
    request._live_stamp = (_live_key(request), clocks.get(_live_key(request)))  # type: ignore[attr-defined]
    stamps = (request.session.get(LAST_ACTIVITY_KEY), exact)
    values = [float(stamp) for stamp in stamps if isinstance(stamp, int | float)]
    return max(values) if values else None


def timed_out(request: HttpRequest) -> bool:
    """True when the signed-in session saw no real request for 5 minutes."""
    last = last_activity(request)
    return last is None or time.time() - last >= INACTIVITY_LIMIT


def touch(request: HttpRequest) -> None:
    """A real request: the inactivity clock starts again.

    The exact moment goes to the cache (unless it was written less than a second
    ago: a page and its htmx swaps are one moment); the session (a database
    write) only when its own stamp is older than TOUCH_INTERVAL, so a busy
    session is not rewritten on every page. Should the cache forget, the
    session's stamp can only end the session a little early, never late.
    """
    now = time.time()
    exact = getattr(request, "_activity_stamp", None)
    fresh = isinstance(exact, int | float) and 0 <= now - exact < 1
    if request.session.session_key and not fresh:
        cache.set(_activity_key(request), now, INACTIVITY_LIMIT + TOUCH_INTERVAL)
    stamp = request.session.get(LAST_ACTIVITY_KEY)
    if not isinstance(stamp, int | float) or now - stamp >= TOUCH_INTERVAL:
        request.session[LAST_ACTIVITY_KEY] = now


def _live_key(request: HttpRequest) -> str:
    return f"live:{request.session.session_key}"


def keep_token_alive(request: HttpRequest) -> bool:
    """Call updateUserLive unless this session did within the last 30 s.

    Returns whether a call was made. Raises `SessionExpired` when the bank
    rejects the token and other `CodegoError`s when it cannot be reached (the
    next request or heartbeat then tries again).
    """
    session = credentials(request)
    if session is None or not request.session.session_key:
        return False
    key = _live_key(request)
    # The key holds when the last call was made: the 30 s are counted on our
    # clock, whenever the cache expires it (Redis expires keys on its own clock).
    read_key, last = getattr(request, "_live_stamp", (None, None))
    if read_key != key or last is None:
        last = cache.get(key)
    if isinstance(last, int | float) and time.time() - last < LIVE_INTERVAL:
        return False
    # Workers that read the same stamp race for the same claim: `add` lets one win.
    claim = f"{key}:after:{last}"
    if not cache.add(claim, 1, LIVE_INTERVAL):
        return False
    from codego.client import get_client

    try:
        get_client().update_user_live(session)
    except SessionExpired:
        raise
    except CodegoError:
        cache.delete(claim)
        raise
    cache.set(key, time.time(), INACTIVITY_LIMIT)
    return True


def end_inactive(request: HttpRequest) -> None:
    sign_out(request)
    messages.info(request, texts.SIGNED_OUT_INACTIVE)


def end_expired(request: HttpRequest) -> None:
    sign_out(request)
    messages.info(request, texts.SESSION_EXPIRED)


# ---------------------------------------------------------------------------
# Views: heartbeat and "Stay signed in"
# ---------------------------------------------------------------------------


@require_POST
def heartbeat(request: HttpRequest) -> HttpResponse:
    """Keep the bank's token alive while a page is open; not user activity."""
    expired_url = login_url(expired=True)
    if not is_signed_in(request):
        return redirect(request, expired_url)
    if timed_out(request):
        end_inactive(request)
        return redirect(request, expired_url)
    try:
        keep_token_alive(request)
    except SessionExpired:
        end_expired(request)
        return redirect(request, expired_url)
    except CodegoError as error:
        # The bank is unreachable; the token may survive until the next beat.
        logger.warning("heartbeat: updateUserLive failed: %s", type(error).__name__)
    return HttpResponse(status=204)


@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """The "Stay signed in" button: a real request, so the middleware counted it."""
    if not is_signed_in(request):
        return redirect(request, login_url())
    if request.htmx:
        return HttpResponse(status=204)
    back = safe_next(request, request.POST.get("next") or request.headers.get("Referer"))
    return HttpResponseRedirect(back or reverse("onboarding:home"))
