"""Portal middleware: the signed-in session's clocks and the bank's failures.

- `SessionActivityMiddleware`: for a signed-in session every real request
  (anything but the heartbeat) restarts the 5-minute inactivity clock and keeps
  the bank's token alive; a session idle for 5 minutes is ended. Responses of
  signed-in sessions are never cached (`Cache-Control: no-store`).
- `CodegoErrorMiddleware`: a `SessionExpired` escaping a view signs out; any
  other `CodegoError` becomes the "bank unavailable" page (503).
- `OutageMiddleware`: the database or the cache unreachable, anywhere in the
  request (session, context processors, views), becomes the themed "temporarily
  unavailable" page (503), and the next request after they are back works.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from csp.utils import build_policy
from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from codego.errors import CodegoError, SessionExpired
from portal import session as portal_session
from portal.brand import NEUTRAL_BRAND, css_version
from portal.errors import upstream_unavailable
from portal.pages import sign_in_again

logger = logging.getLogger("portal.session")


def _is_passive(request: HttpRequest) -> bool:
    """A probe or a static file: not a person using the portal."""
    return request.path.startswith((reverse("healthz"), reverse("readyz"), settings.STATIC_URL))


def _is_heartbeat(request: HttpRequest) -> bool:
    return request.method == "POST" and request.path == reverse("heartbeat")


def _is_poll(request: HttpRequest) -> bool:
    """An htmx status poll (`?poll=`): the page asking, not the person."""
    return (
        request.method == "GET"
        and request.headers.get("HX-Request") == "true"
        and "poll" in request.GET
    )


class SessionActivityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = portal_session.is_signed_in(request)
        if signed_in and _is_poll(request) and portal_session.timed_out(request):
            portal_session.end_inactive(request)
            return portal_session.redirect(request, portal_session.login_url())
        if (
            signed_in
            and not _is_heartbeat(request)
            and not _is_poll(request)
            and not _is_passive(request)
        ):
            early = self._real_request(request)
            if early is not None:
                add_never_cache_headers(early)
                return early
        response = self.get_response(request)
        if signed_in or portal_session.is_signed_in(request):
            add_never_cache_headers(response)
        return response

    def _real_request(self, request: HttpRequest) -> HttpResponse | None:
        """Count the activity; a response when the session has ended instead."""
        if portal_session.timed_out(request):
            portal_session.end_inactive(request)
            return portal_session.redirect(request, portal_session.login_url())
        portal_session.touch(request)
        try:
            portal_session.keep_token_alive(request)
        except SessionExpired:
            # After signing in, back to this page (for a form: the page it was sent from,
            # e.g. a payment's review, which is never sent twice, with what it held).
            return sign_in_again(request)
        except CodegoError as error:
            # The view's own call will meet the same outage and say so.
            logger.warning("updateUserLive failed: %s", type(error).__name__)
        return None


class CodegoErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, SessionExpired):
            # As on every signed-in page: sign in again, then back here, with what a
            # form held.
            response = sign_in_again(request)
            add_never_cache_headers(response)
            return response
        if isinstance(exception, CodegoError):
            logger.warning("bank call failed: %s", exception)
            return upstream_unavailable(request, exception)
        return None


# ---------------------------------------------------------------------------
# The database or the cache down
# ---------------------------------------------------------------------------

# Connection failures of PostgreSQL (and SQLite's "database is locked") and Redis.
OUTAGE_ERRORS = (
    DatabaseOperationalError,
    DatabaseInterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
)
OUTAGE_RETRY_AFTER = 10  # seconds
outage_logger = logging.getLogger("portal.outage")
_OUTAGE_ATTRIBUTE = "portal_outage"


def outage_cause(error: BaseException | None) -> BaseException | None:
    """The database or cache failure behind `error` (itself or what it was raised from)."""
    for _depth in range(10):  # a chain, never a cycle we follow forever
        if error is None or isinstance(error, OUTAGE_ERRORS):
            return error
        error = error.__cause__ or error.__context__
    return None


def _note_outage(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    """Django turns an exception into a 500 response in the middleware layer it
    escaped from, so it never reaches `OutageMiddleware`; this receiver of
    `got_request_exception` (sent while the exception is being handled) marks
    the request for it instead."""
    cause = outage_cause(sys.exc_info()[1])
    if cause is not None and request is not None:
        setattr(request, _OUTAGE_ATTRIBUTE, cause)


def is_outage(request: object) -> bool:
    """Whether a database or cache failure was met while answering `request`."""
    return getattr(request, _OUTAGE_ATTRIBUTE, None) is not None


got_request_exception.connect(_note_outage, dispatch_uid="portal.middleware.outage")


class OutageMiddleware:
    """Right inside the request log: whatever the layers below answered after the
    database or the cache failed is replaced by the themed 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        cause = getattr(request, _OUTAGE_ATTRIBUTE, None)
        if cause is None:
            return response
        # The driver's words say which server failed how; they hold no password.
        outage_logger.warning(
            "database or cache unavailable: %s: %s", type(cause).__name__, str(cause)[:300]
        )
        return service_unavailable(request)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The "temporarily unavailable" page, from the template alone.

    No context processor, session, cache or database: those are what failed.
    The brand is the neutral one (the operator's is in the cache), and the
    headers the middleware below would add are set here.
    """
    if request.method in ("GET", "HEAD"):
        retry_url, back_url = request.get_full_path(), ""
    else:
        referer = request.headers.get("Referer", "")
        same_site = url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        retry_url, back_url = "", referer if referer and same_site else "/"
    html = loader.get_template("errors/unavailable.html").render(
        {
            "brand": NEUTRAL_BRAND,
            "brand_css_version": css_version(NEUTRAL_BRAND),
            "signed_in": False,
            "retry_url": retry_url,
            "back_url": back_url,
        }
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(OUTAGE_RETRY_AFTER)
    response["Content-Security-Policy"] = build_policy()
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "DENY"
    response["Referrer-Policy"] = settings.SECURE_REFERRER_POLICY
    add_never_cache_headers(response)
    if request.headers.get("HX-Request"):
        # As for the bank's 503: the page's main part replaces the page's main part.
        response["HX-Retarget"] = "#main"
        response["HX-Reswap"] = "outerHTML"
        response["HX-Reselect"] = "#main"
    return response
