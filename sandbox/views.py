"""HTTP entry points of the simulator: the API itself, the mailbox page and its feed.

The mailbox holds passwords and sign-in codes. Outside a developer's machine a
visitor sees only the mail to addresses typed in the same browser session
(`portal.demo`); staff signed in to the console see all of it.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from portal import demo
from portal.query import query_text
from sandbox import api
from sandbox.models import Director, Mail

MAILBOX_LIMIT = 100


@csrf_exempt  # a machine API authenticated by HTTP Basic, not a browser form
def api_endpoint(request: HttpRequest, name: str) -> HttpResponse:
    answer = api.answer(request, name)
    if answer.timeout:
        # Over HTTP a timeout is a reply that comes too late for the client.
        time.sleep(settings.CODEGO_TIMEOUT + 1)
    return HttpResponse(
        answer.body, status=answer.status, content_type=answer.content_type, headers=answer.headers
    )


def _reads_every_mail(request: HttpRequest) -> bool:
    user = request.user
    staff = user.is_authenticated and user.is_active and user.is_staff
    return settings.SANDBOX_MAILBOX_OPEN or staff


def _visible_mail(request: HttpRequest) -> QuerySet[Mail]:
    """The mail this visitor may read."""
    mails = Mail.objects.all()
    if _reads_every_mail(request):
        return mails
    typed = demo.mailbox_addresses(request)
    return mails.annotate(to_lower=Lower("to")).filter(to_lower__in=typed)


@require_safe
def mailbox_json(request: HttpRequest) -> JsonResponse:
    """Emails newest first, optionally for one recipient (`?to=`)."""
    mails = _visible_mail(request)
    if to := query_text(request, "to", max_length=254):
        mails = mails.filter(to__iexact=to)
    return JsonResponse(
        {
            "emails": [
                {
                    "id": mail.pk,
                    "to": mail.to,
                    "subject": mail.subject,
                    "body": mail.body,
                    "kind": mail.kind,
                    "created": mail.created.isoformat(),
                }
                for mail in mails[:MAILBOX_LIMIT]
            ]
        }
    )


@require_safe
def mailbox(request: HttpRequest) -> HttpResponse:
    """The emails the bank sent, newest first, optionally for one recipient (`?to=`)."""
    mails = _visible_mail(request)
    to = query_text(request, "to", max_length=254)
    if to:
        mails = mails.filter(to__iexact=to)
    return render(
        request,
        "sandbox/mailbox.html",
        {
            "mails": mails[:MAILBOX_LIMIT],
            "to": to,
            "limit": MAILBOX_LIMIT,
            "scoped": not _reads_every_mail(request),
        },
    )


@require_safe
def mailbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    """One email with its body, links clickable."""
    mail = get_object_or_404(_visible_mail(request), pk=pk)
    return render(request, "sandbox/mailbox_message.html", {"mail": mail})


@require_safe
def director_kyc(request: HttpRequest, kyc_id: str) -> HttpResponse:
    """Where the emailed KYC link lands: the real bank's identity check is not simulated.

    Staff decide the outcome in the console, as the bank's compliance team would.
    """
    director = get_object_or_404(Director.objects.select_related("company"), kyc_id=kyc_id)
    return render(request, "sandbox/director_kyc.html", {"director": director})
