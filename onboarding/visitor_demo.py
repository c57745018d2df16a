""" "Try the demo": on the public demo, a visitor gets a company of their own.

The simulator makes the company (sandbox.visitors) with a random password no one
sees; the visitor is then signed in through the ordinary path: `login` checks the
password and emails a code, the code is read from the simulator's mailbox (where
this browser may read it too) and `verifyLogin` checks it. Pressed again from a
visitor's session ("Start over"), it ends that company and starts a new one.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from codego.client import get_client
from codego.errors import ApiError, CodegoError
from onboarding.forms import LoginForm
from portal import demo, texts, throttle
from portal import session as portal_session
from portal.pages import render_page
from sandbox import visitors
from sandbox.models import Company, Mail

HOUR = 3600


def _refused(request: HttpRequest, words: str, status: int) -> HttpResponse:
    """The sign-in page, saying why no demo company was made."""
    context = {"form": LoginForm(), "demo_refusal": words}
    return render_page(request, "onboarding/login.html", context, status=status)


def _emailed_code(email: str) -> str:
    mail = Mail.objects.filter(to__iexact=email).order_by("-created", "-id").first()
    found = re.search(r"\b(\d{6})\b", mail.body) if mail else None
    return found.group(1) if found else ""


def _end_previous(request: HttpRequest) -> None:
    """Start over: the visitor's earlier demo company goes now, not at its expiry."""
    previous = request.session.get(demo.VISITOR_KEY) or {}
    email = str(previous.get("email") or "")
    if visitors.is_visitor(email):
        for company in Company.objects.filter(email__iexact=email):
            visitors.end_company(company)


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    if not settings.SANDBOX_ENABLED:
        raise Http404("the public demo is off")
    limit = settings.SANDBOX_DEMO_STARTS_PER_HOUR
    if throttle.over_rate(request, "demo-start", limit, HOUR):
        words = _(
            "You have started the demo %(count)s times in the last hour. Please wait a "
            "while, or carry on with the demo company you have."
        ) % {"count": limit}
        return _refused(request, words, 429)
    _end_previous(request)
    try:
        company, password = visitors.start_company()
    except visitors.DemoFull:
        words = _("The demo is full right now. Please try again in an hour.")
        return _refused(request, words, 503)
    client = get_client()
    try:
        started = client.login(email=company.email, password=password)
        signed_in = client.verify_login(user_id=started.user_id, otp=_emailed_code(company.email))
    except CodegoError as error:
        visitors.end_company(company)
        words = error.user_message if isinstance(error, ApiError) else texts.bank_unavailable(error)
        return _refused(request, words, 503)
    if portal_session.is_signed_in(request):
        portal_session.sign_out(request)
    portal_session.sign_in(request, signed_in, email=company.email)
    demo.remember_mailbox_address(request, company.email)
    request.session[demo.VISITOR_KEY] = {
        "email": company.email,
        "expires": company.demo_expires.isoformat(),
    }
    return portal_session.redirect(request, reverse("banking:dashboard"))
