"""What every money-out page shares: the bank's failures said inline, and signing in again.

`bank_page` is `signed_in_view(live=True)` plus one rule: when the bank says
the `web_token` has expired, the visitor signs in again and comes back to the
page (or to the `next_url` a view chose, such as a payment's review).
`fetch` runs one read and turns an outage into the words to show next to a
"Try again" link, so a page never becomes a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from codego.endpoints import SPECS
from codego.errors import ApiError, CodegoError, SessionExpired, UpstreamTimeout
from portal import session as portal_session
from portal import texts
from portal.pages import Company, signed_in_view

logger = logging.getLogger("banking")

T = TypeVar("T")


def sign_in_again(request: HttpRequest, next_url: str | None = None) -> HttpResponse:
    """The bank dropped the token: end the portal session, come back to `next_url` after."""
    portal_session.end_expired(request)
    return portal_session.redirect(request, portal_session.login_url(next_url))


def bank_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A live company's page; an expired token leads to sign-in and back here."""

    @signed_in_view(live=True)
    @wraps(view)
    def wrapper(request: HttpRequest, company: Company, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, company, *args, **kwargs)
        except SessionExpired:
            # A GET comes back to itself; a form comes back to its empty page.
            return sign_in_again(
                request, request.get_full_path() if request.method == "GET" else request.path
            )

    return wrapper


def problem_text(error: CodegoError) -> str:
    """Words for the customer: the bank's own refusal, or "unavailable, try again"."""
    logger.warning("bank call failed: %s", error)
    return str(error.user_message)


def outcome_unknown(error: CodegoError) -> bool:
    """A write got no answer, or one we could not read (HTTP 200 with garbage): it may
    have happened. A read that failed so changed nothing."""
    spec = SPECS.get(error.endpoint)
    if spec is not None and spec.read_only:
        return False
    return isinstance(error, UpstreamTimeout) or (
        not isinstance(error, ApiError) and error.http_status == 200
    )


def form_problem(error: CodegoError, *, with_file: bool = False) -> str:
    """Words for a form the bank did not take: its refusal, "we don't know, check first"
    when its answer never came, or "nothing was sent, try again"."""
    if isinstance(error, ApiError):
        return problem_text(error)
    logger.warning("bank call failed: %s", error)
    if outcome_unknown(error):
        return str(texts.FORM_OUTCOME_UNKNOWN)
    return str(texts.FILE_NOT_SENT if with_file else texts.FORM_NOT_SENT)


def fetch(call: Callable[[], T]) -> tuple[T | None, str]:
    """`(value, "")`, or `(None, words)` when the bank failed; an expired token is raised."""
    try:
        return call(), ""
    except SessionExpired:
        raise
    except CodegoError as error:
        return None, problem_text(error)


def transaction_url(unique_id: str) -> str:
    """The transaction's page (/transactions/<unique_id>/), whoever routes it."""
    for name in ("banking:transaction", "banking:transaction-detail"):
        try:
            return reverse(name, args=[unique_id])
        except NoReverseMatch:
            continue
    return f"/transactions/{unique_id}/"


def transactions_url() -> str:
    try:
        return reverse("banking:transactions")
    except NoReverseMatch:
        return "/transactions/"
