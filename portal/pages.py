"""One door for signed-in views: the session read once, page or htmx fragment served alike.

    @signed_in_view(live=True)
    def accounts(request: HttpRequest, company: Company) -> HttpResponse:
        ibans = get_client().iban_list(company.credentials)
        return render_page(request, "banking/accounts.html", {"ibans": ibans})

`signed_in_view` sends signed-out visitors to the login page (and back here
afterwards) and, with `live=True`, companies that are not live yet to the KYC
overview. `render_page` renders the whole page, or only its `content` partial
(django-template-partials) when htmx asks for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from codego.transport import Credentials
from portal import session as portal_session

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
                login = portal_session.login_url(request.get_full_path())
                return portal_session.redirect(request, login)
            if live and not company.is_live:
                return portal_session.redirect(request, reverse("kyc-overview"))
            request.company = company  # type: ignore[attr-defined]
            return view(request, company, *args, **kwargs)

        return wrapper

    return decorator


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
    """The whole page, or only its `fragment` partial for an htmx request."""
    name = f"{template}#{fragment}" if wants_fragment(request) else template
    return render(request, name, dict(context or {}), status=status)
