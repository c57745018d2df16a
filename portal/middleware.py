"""Portal middleware: the signed-in session's clocks and the bank's failures.

- `SessionActivityMiddleware`: for a signed-in session every real request
  (anything but the heartbeat) restarts the 5-minute inactivity clock and keeps
  the bank's token alive; a session idle for 5 minutes is ended. Responses of
  signed-in sessions are never cached (`Cache-Control: no-store`).
- `BankShareMiddleware`: says who is asking the bank (the signed-in company, or
  the visitor's address), so each has its share of the credential's budget.
- `CodegoErrorMiddleware`: a `SessionExpired` escaping a view signs out; a
  company over its share gets "too many requests" (429); any other
  `CodegoError` becomes the "bank unavailable" page (503).
- `OutageMiddleware`: the database or the cache unreachable, anywhere in the
  request (session, context processors, views), becomes the themed "temporarily
  unavailable" page (503), and the next request after they are back works.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from codego import budget
from codego.errors import CodegoError, SessionExpired, ShareExceeded
from portal import session as portal_session
from portal.errors import service_unavailable, share_exceeded, upstream_unavailable
from portal.outage import outage_of
from portal.pages import sign_in_again
from portal.throttle import client_address

logger = logging.getLogger("portal.session")
outage_logger = logging.getLogger("portal.outage")


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


class BankShareMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        party = _party(request)
        with budget.asking_for(party):
            response = self.get_response(request)
        if response.streaming:
            # A streamed file asks the bank for its later pages while it is sent,
            # after this returns: those calls count for the same party.
            response.streaming_content = _streamed_for(party, response.streaming_content)
        return response


def _party(request: HttpRequest) -> budget.Party:
    credentials = portal_session.credentials(request)
    if credentials is not None:
        return budget.Party(budget.COMPANY, credentials.user_id, settings.CODEGO_COMPANY_SHARE)
    return budget.Party(budget.ADDRESS, client_address(request), settings.CODEGO_ADDRESS_SHARE)


def _streamed_for(party: budget.Party, chunks: Iterable[bytes]) -> Iterator[bytes]:
    iterator = iter(chunks)
    while True:
        with budget.asking_for(party):
            chunk = next(iterator, None)
        if chunk is None:
            return
        yield chunk


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
        if isinstance(exception, ShareExceeded):
            # Said once per window by codego.budget, not once per request.
            return share_exceeded(request, exception)
        if isinstance(exception, CodegoError):
            logger.warning("bank call failed: %s", exception)
            return upstream_unavailable(request, exception)
        return None


# ---------------------------------------------------------------------------
# The database or the cache down
# ---------------------------------------------------------------------------


class OutageMiddleware:
    """Right inside the request log: whatever the layers below answered after the
    database or the cache failed is replaced by the themed 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        cause = outage_of(request)
        if cause is None:
            return response
        # The driver's words say which server failed how; they hold no password.
        outage_logger.warning(
            "database or cache unavailable: %s: %s", type(cause).__name__, str(cause)[:300]
        )
        return service_unavailable(request)
