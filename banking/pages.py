"""What every money-out page shares: the bank's failures said inline, and signing in again.

`bank_page` is `signed_in_view(live=True)`: when the bank says the `web_token`
has expired, the visitor signs in again and comes back to the page (a view may
choose where instead, with `portal.pages.sign_in_again`, e.g. a payment's review).
`fetch` runs one read and turns an outage into the words to show next to a
"Try again" link, so a page never becomes a 500; a company over its share of the
bank's calls gets the "too many requests" page (429) instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import content_disposition_header

from codego.endpoints import SPECS
from codego.errors import ApiError, CodegoError, SessionExpired, ShareExceeded, UpstreamTimeout
from portal import texts
from portal.pages import signed_in_view

logger = logging.getLogger("banking")

T = TypeVar("T")


# A live company's page. An expired token leads to sign-in and back (signed_in_view).
bank_page = signed_in_view(live=True)


def problem_text(error: CodegoError) -> str:
    """Words for the customer: the bank's own refusal, or "unavailable, try again"."""
    if not isinstance(error, ShareExceeded):  # said once per window by codego.budget
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
    if isinstance(error, ApiError | ShareExceeded):
        return problem_text(error)
    logger.warning("bank call failed: %s", error)
    if outcome_unknown(error):
        return str(texts.FORM_OUTCOME_UNKNOWN)
    return str(texts.FILE_NOT_SENT if with_file else texts.FORM_NOT_SENT)


def fetch(call: Callable[[], T]) -> tuple[T | None, str]:
    """`(value, "")`, or `(None, words)` when the bank failed. An expired token is raised
    (sign in again), and so is a company over its share of the bank's calls (429)."""
    try:
        return call(), ""
    except (SessionExpired, ShareExceeded):
        raise
    except CodegoError as error:
        return None, problem_text(error)


def transaction_url(unique_id: str) -> str:
    return _transaction_url(unique_id, get_script_prefix(), get_urlconf())


def transaction_urls(unique_ids: Iterable[str]) -> list[str]:
    """`transaction_url` of each ("" for none), the URL prefix and URLconf looked up once."""
    prefix, urlconf = get_script_prefix(), get_urlconf()
    return [_transaction_url(key, prefix, urlconf) if key else "" for key in unique_ids]


# A list page links twenty transactions, and the next page or visit mostly the same.
@lru_cache(maxsize=4096)
def _transaction_url(unique_id: str, script_prefix: str, urlconf: str | None) -> str:
    return reverse("banking:transaction", args=[unique_id])


def transactions_url() -> str:
    return reverse("banking:transactions")


def attachment(body: bytes | Iterable[str], media_type: str, filename: str) -> HttpResponse:
    """A file to download: bytes at once, text as it is written (streamed)."""
    if isinstance(body, bytes):
        response: HttpResponse = HttpResponse(body, content_type=media_type)
    else:
        response = StreamingHttpResponse(body, content_type=media_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    # The company's own money: neither a shared cache nor the browser's keeps it.
    response["Cache-Control"] = "private, no-store"
    return response
