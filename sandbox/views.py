"""HTTP entry points of the simulator: the API itself and the mailbox feed."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox import api
from sandbox.models import Mail

MAILBOX_LIMIT = 100


@csrf_exempt  # a machine API authenticated by HTTP Basic, not a browser form
def api_endpoint(request: HttpRequest, name: str) -> HttpResponse:
    answer = api.answer(request, name)
    if answer.timeout:
        # Over HTTP a timeout is a reply that comes too late for the client.
        time.sleep(settings.CODEGO_TIMEOUT + 1)
    return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)


def mailbox_json(request: HttpRequest) -> JsonResponse:
    """Emails newest first, optionally for one recipient (`?to=`)."""
    mails = Mail.objects.all()
    if to := request.GET.get("to", "").strip():
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
