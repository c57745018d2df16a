"""Notifications (`notification`) and the unread count on the navigation's badge.

The API has no read flag: a notification is "unread" until the company has
seen it on /notifications/, which records its id (`SeenNotification`, kept in
our database across sign-ins). The badge needs the list of ids; asking the
bank for it on every page would double the calls, so each session keeps the
count for a few minutes, and the notifications page sets it to 0.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from banking.models import SeenNotification
from banking.pages import bank_page, fetch
from codego import types as t
from codego.client import get_client
from codego.errors import CodegoError
from portal.pages import Company, render_page

logger = logging.getLogger("banking")

BADGE_TTL = 180  # seconds a session keeps the badge's count
FAILED_TTL = 60  # after a failure, the badge waits this long before asking again


def _badge_key(request: HttpRequest, company: Company) -> str:
    session_key = getattr(request.session, "session_key", None) or ""
    return f"banking:notification-badge:{company.credentials.user_id}:{session_key}"


def unseen_ids(company: Company, ids: list[str]) -> set[str]:
    seen = SeenNotification.objects.filter(
        user_id=company.credentials.user_id, notification_id__in=ids
    ).values_list("notification_id", flat=True)
    return set(ids) - set(seen)


def unread_count(request: HttpRequest) -> int:
    """How many of the company's notifications it has not seen; 0 when unknown.

    The count is kept, so a page costs one cache read, not a bank call and a query.
    """
    company: Company | None = getattr(request, "company", None)
    if company is None or not company.is_live:
        return 0
    key = _badge_key(request, company)
    unread = cache.get(key)
    if unread is None:
        try:
            ids = [n.id for n in get_client().notification(company.credentials)]
        except CodegoError as error:
            # A badge is not worth an error page (an expired session included:
            # the page's own call deals with that).
            logger.info("notification count unavailable: %s", type(error).__name__)
            cache.set(key, 0, FAILED_TTL)
            return 0
        unread = len(unseen_ids(company, ids)) if ids else 0
        cache.set(key, unread, BADGE_TTL)
    return unread


@dataclass(frozen=True)
class Item:
    notification: t.Notification
    new: bool


@bank_page
def notifications(request: HttpRequest, company: Company) -> HttpResponse:
    found, problem = fetch(lambda: get_client().notification(company.credentials))
    if found is None:
        context = {"problem": problem, "items": []}
        return render_page(request, "banking/notifications.html", context, status=503)
    ids = [n.id for n in found if n.id]
    new = unseen_ids(company, ids)
    SeenNotification.objects.bulk_create(
        [SeenNotification(user_id=company.credentials.user_id, notification_id=i) for i in new],
        ignore_conflicts=True,  # another tab may have recorded them first
    )
    # This page has just shown them all: the badge goes to 0 without asking again.
    cache.set(_badge_key(request, company), 0, BADGE_TTL)
    items = [Item(n, n.id in new) for n in found]
    context = {"items": items, "problem": "", "new_count": len(new)}
    return render_page(request, "banking/notifications.html", context)
