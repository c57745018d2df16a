"""One door for signed-in views: the session read once, page or htmx fragment served alike.

    @signed_in_view(live=True)
    def accounts(request: HttpRequest, company: Company) -> HttpResponse:
        ibans = get_client().iban_list(company.credentials)
        return render_page(request, "banking/accounts.html", {"ibans": ibans})

`signed_in_view` sends signed-out visitors to the login page (and back here
afterwards) and, with `live=True`, companies that are not live yet to the KYC
overview; when the bank says the token expired, the same, after signing out.
`render_page` renders the whole page, or only its `content` partial
(django-template-partials) when htmx asks for it. `send_form` makes the bank
call of a valid form and, when the bank refuses or fails, puts the reason on
the form, which is then shown again with everything typed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse

from codego.errors import ApiError, CodegoError, SessionExpired
from codego.types import Credentials
from portal import session as portal_session
from portal import texts
from portal.query import return_path

logger = logging.getLogger("portal.pages")

P = ParamSpec("P")

# What a signed-in view receives besides the request.
SignedInView = Callable[Concatenate[HttpRequest, "Company", P], HttpResponse]


@dataclass(frozen=True)
class Company:
    """The signed-in company, as the session holds it (read once per request)."""

    credentials: Credentials
    is_live: bool
    name: str
    email: str

    @classmethod
    def from_request(cls, request: HttpRequest) -> Company | None:
        data = portal_session.signed_in_data(request)
        if data is None:
            return None
        return cls(
            credentials=Credentials(user_id=data["user_id"], web_token=data["web_token"]),
            is_live=bool(data.get("is_live")),
            name=str(data.get("company_name") or ""),
            email=str(data.get("email") or ""),
        )


def signed_in_view(
    *, live: bool = False
) -> Callable[[SignedInView[P]], Callable[Concatenate[HttpRequest, P], HttpResponse]]:
    """Hand the view the signed-in `Company`; with `live`, only a live company gets in."""

    def decorator(view: SignedInView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            company = Company.from_request(request)
            if company is None:
                login = portal_session.login_url(return_path(request))
                return portal_session.redirect(request, login)
            if live and not company.is_live:
                return portal_session.redirect(request, reverse("onboarding:overview"))
            request.company = company  # type: ignore[attr-defined]
            try:
                return view(request, company, *args, **kwargs)
            except SessionExpired:
                return sign_in_again(request)

        return wrapper

    return decorator


def sign_in_again(request: HttpRequest, next_url: str | None = None) -> HttpResponse:
    """The bank dropped the token: sign in again, then back to `next_url`, else to
    this page (for a form, the page it was sent from, or its own page)."""
    portal_session.end_expired(request)
    if next_url is None:
        if request.method == "GET":
            next_url = return_path(request)
        else:
            referer = portal_session.safe_next(request, request.headers.get("Referer"))
            next_url = referer or request.path
            # What the form held waits for its page (`take_typed`) after signing in.
            portal_session.keep_typed(request, urlsplit(next_url).path)
    return portal_session.redirect(request, portal_session.login_url(next_url))


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx swap (not a history restore, which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def render_page(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    fragment: str = "content",
    status: int = 200,
) -> HttpResponse:
    """The whole page, or only its `fragment` partial for an htmx request.

    A fragment carries the request's queued messages along (an out-of-band swap
    of #messages), so a swap shows them at once, as the next full page would.
    """
    if not wants_fragment(request):
        return render(request, template, dict(context or {}), status=status)
    response = render(request, f"{template}#{fragment}", dict(context or {}), status=status)
    queued = messages.get_messages(request)
    if queued:
        oob = {"messages": queued, "oob": True}
        response.content += render_to_string("includes/messages.html", oob, request).encode()
    return response


def field_named_in(message: str, form: forms.Form) -> str | None:
    """The form field a bank message names ("The phone field must ..."), if any."""
    match = re.search(r"\bThe (\w+) field\b", message)
    if match and match.group(1) in form.fields:
        return match.group(1)
    return None


def send_form(
    form: forms.Form, call: Callable[[], object], *, unavailable: str = texts.FORM_NOT_SENT
) -> bool:
    """Make the bank call of a valid `form`; True when the bank took it.

    The bank's refusal goes next to the field it names, else on top of the form;
    any other failure (timeout, 5xx, garbage, rate limit) puts `unavailable` on
    top. Either way the caller shows the form again, bound to what was typed,
    and its button is the retry. `SessionExpired` propagates: the middleware
    signs out.
    """
    try:
        call()
    except ApiError as error:
        form.add_error(field_named_in(error.user_message, form), error.user_message)
    except SessionExpired:
        raise
    except CodegoError as error:
        logger.warning("bank call failed: %s", error)
        form.add_error(None, str(unavailable))
    else:
        return True
    return False
