"""The KYC wizard: the onboarding overview, the company profile, the director,
the plans, and the answer to the plan offer the bank emails.

Every state comes from the bank (getCompanyStatus, getCompanyDocumentStatus):
nothing about the onboarding is stored here. The bank's refusals (`ApiError`)
are shown next to the form; `SessionExpired` and outages propagate to
`portal.middleware.CodegoErrorMiddleware`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseStopPolling

from codego import reference
from codego.client import get_client
from codego.errors import ApiError
from codego.transport import Credentials
from codego.types import CompanyDocumentStatus, CompanyStatus, Director, Plan
from portal import session as portal_session
from portal.session import signed_in_required

from .document_forms import COMPANY_DOCUMENTS
from .kyc_forms import CompanyDetailsForm, DirectorForm

# The documents pages belong to onboarding/documents.py (document_urls.py).
DOCUMENTS_URL = "/onboarding/documents/"
ADDITIONAL_URL = "/onboarding/additional-documents/"

POLL_SECONDS = 10
# Polls do not count as activity (the session still ends after 5 idle minutes);
# the cap bounds what a forgotten tab asks of the bank.
MAX_POLLS = 30

TO_DO, REVIEW, VERIFIED, REJECTED, LATER, OFFER = (
    "todo",
    "review",
    "verified",
    "rejected",
    "later",
    "offer",
)
STATE_LABELS = {
    TO_DO: gettext_lazy("To do"),
    REVIEW: gettext_lazy("Waiting for review"),
    VERIFIED: gettext_lazy("Verified"),
    REJECTED: gettext_lazy("Rejected"),
    LATER: gettext_lazy("After verification"),
    OFFER: gettext_lazy("Waiting for the bank's offer"),
}
# company_status / document_status / director_status and additional documents.
STEP_STATES = {0: TO_DO, 1: REVIEW, 2: VERIFIED, 3: REJECTED}
# Each company document of getCompanyDocumentStatus: 0 review, 1 verified, 2 rejected.
DOCUMENT_STATES = {0: REVIEW, 1: VERIFIED, 2: REJECTED}
DOCUMENT_LABELS = {document.kind: document.label for document in COMPANY_DOCUMENTS}
ACTION_STATES = (TO_DO, REJECTED)


@dataclass
class Item:
    """A line inside a step: one document and its state."""

    title: str
    state: str
    description: str = ""
    reason: str = ""

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass
class Step:
    key: str
    title: str
    state: str
    text: str
    reason: str = ""
    action_url: str = ""
    action_label: str = ""
    link_url: str = ""
    link_label: str = ""
    items: list[Item] = field(default_factory=list)
    can_resend: bool = False

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def needs_action(self) -> bool:
        return self.state in ACTION_STATES and bool(self.action_url)


def _credentials(request: HttpRequest) -> Credentials:
    session = portal_session.credentials(request)
    assert session is not None  # signed_in_required
    return session


def _to_dashboard(request: HttpRequest) -> HttpResponse:
    portal_session.set_live(request, True)
    return portal_session.redirect(request, reverse("banking:dashboard"))


def _field_of(message: str, form: Any) -> str | None:
    """The form field a bank message names ("The phone field must ..."), if any."""
    match = re.search(r"\bThe (\w+) field\b", message)
    if match and match.group(1) in form.fields:
        return match.group(1)
    return None


# ---------------------------------------------------------------------------
# Overview
# ---------------------------------------------------------------------------


def _company_step(status: CompanyStatus) -> Step:
    url = reverse("kyc-company")
    state = STEP_STATES.get(status.company_status, TO_DO)
    step = Step("company", _("Company profile"), state, "")
    if state == TO_DO:
        step.text = _(
            "Tell the bank about your company: registration, addresses and how to reach you."
        )
        step.action_url, step.action_label = url, _("Fill in the company profile")
    elif state == REVIEW:
        step.text = _("The bank is reviewing your company profile. Nothing to do for now.")
        step.link_url, step.link_label = url, _("See what you sent")
    elif state == VERIFIED:
        step.text = _("Your company profile is verified.")
        step.link_url, step.link_label = url, _("See your company profile")
    else:
        step.text = _("The bank rejected your company profile. Correct it and send it again.")
        step.reason = status.company.reject_reason
        step.action_url, step.action_label = url, _("Correct the company profile")
    return step


def _documents_step(status: CompanyStatus, documents: CompanyDocumentStatus | None) -> Step:
    state = STEP_STATES.get(status.document_status, TO_DO)
    step = Step("documents", _("Company documents"), state, "")
    for document in documents.documents if documents else ():
        step.items.append(
            Item(
                title=str(DOCUMENT_LABELS.get(document.kind, document.kind.replace("_", " "))),
                state=DOCUMENT_STATES.get(document.status, REVIEW),
                reason=document.rejection_reason if document.rejected else "",
            )
        )
    if state == TO_DO:
        step.text = _(
            "Upload the business registration document, the ownership structure "
            "and a financial document of the company."
        )
        step.action_url, step.action_label = DOCUMENTS_URL, _("Upload the company documents")
    elif state == REVIEW:
        step.text = _("The bank is reviewing your company documents. Nothing to do for now.")
    elif state == VERIFIED:
        step.text = _("Your company documents are verified.")
    else:
        step.text = _(
            "The bank rejected a company document. Read the reason and upload that document again."
        )
        step.action_url, step.action_label = DOCUMENTS_URL, _("Upload the document again")
    return step


def _director_step(status: CompanyStatus) -> Step:
    url = reverse("kyc-directors")
    state = STEP_STATES.get(status.director_status, TO_DO)
    step = Step("director", _("Director identity check"), state, "")
    if state == TO_DO:
        step.text = _(
            "Tell the bank who runs the company. The bank then sends a link to check "
            "the director's identity."
        )
        step.action_url, step.action_label = url, _("Add the director")
    elif state == REVIEW:
        if status.can_resend_kyc_link:
            step.text = _(
                "The director has not completed the identity check yet. "
                "You may ask for the link again."
            )
            step.can_resend = True
        else:
            step.text = _(
                "The identity check link was sent for the director. They need to open it "
                "and complete the check."
            )
        step.link_url, step.link_label = url, _("See the director's details")
    elif state == VERIFIED:
        step.text = _("The director's identity is verified.")
        step.link_url, step.link_label = url, _("See the director's details")
    else:
        step.text = _("The bank rejected the director's details. Correct them and send them again.")
        step.reason = status.director_kyc.director_reject_reason if status.director_kyc else ""
        step.action_url, step.action_label = url, _("Correct the director's details")
    return step


def _additional_step(status: CompanyStatus) -> Step | None:
    documents = status.additional_documents
    if not documents:
        return None
    items = [
        Item(
            title=doc.title,
            description=doc.description,
            state=STEP_STATES.get(doc.status, TO_DO),
            reason=doc.rejection_reason if doc.status == 3 else "",
        )
        for doc in documents
    ]
    states = {item.state for item in items}
    state = next((s for s in (REJECTED, TO_DO, REVIEW) if s in states), VERIFIED)
    step = Step("additional", _("Additional documents"), state, "", items=items)
    if state in ACTION_STATES:
        step.text = _("The bank needs more documents from you.")
        step.action_url, step.action_label = ADDITIONAL_URL, _("Upload the requested documents")
    elif state == REVIEW:
        step.text = _("The bank is reviewing the documents you sent. Nothing to do for now.")
        step.link_url, step.link_label = ADDITIONAL_URL, _("See the requested documents")
    else:
        step.text = _("The additional documents are verified.")
        step.link_url, step.link_label = ADDITIONAL_URL, _("See the requested documents")
    return step


def _plan_step(all_verified: bool) -> Step:
    url = reverse("kyc-plan")
    if all_verified:
        return Step(
            "plan",
            _("Your plan"),
            OFFER,
            _(
                "Everything is verified. The bank will email you a plan offer: open the link "
                "in that email to accept it, and your account opens."
            ),
            action_url=url,
            action_label=_("Compare the plans"),
        )
    return Step(
        "plan",
        _("Your plan"),
        LATER,
        _("When everything above is verified, the bank emails you a plan offer to accept."),
        link_url=url,
        link_label=_("Compare the plans"),
    )


def build_steps(status: CompanyStatus, documents: CompanyDocumentStatus | None) -> dict[str, Any]:
    """The steps in order, the one next action and whether to keep checking."""
    steps = [_company_step(status), _documents_step(status, documents), _director_step(status)]
    additional = _additional_step(status)
    if additional is not None:
        steps.append(additional)
    all_verified = all(step.state == VERIFIED for step in steps)
    steps.append(_plan_step(all_verified))
    next_step = next((step for step in steps if step.needs_action), None)
    if next_step is None and all_verified:
        next_step = steps[-1]
    waiting = any(step.state == REVIEW for step in steps)
    return {
        "steps": steps,
        "next_step": next_step,
        "waiting": waiting,
        # All verified: the offer may be accepted from the email at any moment.
        "pending": waiting or all_verified,
        "all_verified": all_verified,
    }


@signed_in_required
@require_http_methods(["GET"])
def overview(request: HttpRequest) -> HttpResponse:
    if portal_session.is_live(request):
        return _to_dashboard(request)
    session = _credentials(request)
    client = get_client()
    status = client.get_company_status(session)
    if status.is_live:
        return _to_dashboard(request)
    documents = client.get_company_document_status(session) if status.document_status else None

    context = build_steps(status, documents)
    polling = getattr(request, "htmx", False) and "poll" in request.GET
    try:
        poll = max(0, int(request.GET.get("poll", "0")))
    except ValueError:
        poll = 0
    context.update(
        company_name=status.company.company_name or portal_session.company_name(request),
        poll_next=poll + 1,
        poll_seconds=POLL_SECONDS,
        keep_polling=context["pending"] and poll < MAX_POLLS,
        polls_ended=context["pending"] and poll >= MAX_POLLS,
        resend_next=reverse("kyc-overview"),
    )
    if polling:
        response = render(request, "onboarding/kyc/overview.html#steps", context)
        if not context["keep_polling"]:
            stopped = HttpResponseStopPolling(response.content)
            stopped["Content-Type"] = response["Content-Type"]
            return stopped
        return response
    return render(request, "onboarding/kyc/overview.html", context)


# ---------------------------------------------------------------------------
# Company profile
# ---------------------------------------------------------------------------


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The whole page, or only its form fragment for an htmx request."""
    name = f"{template}#form" if getattr(request, "htmx", False) else template
    return render(request, name, context, status=status)


def _display(choices: list[tuple[str, str]], value: Any) -> str:
    wanted = str(value or "")
    return next((label for key, label in choices if key == wanted and key), wanted)


def _summary(form: forms.Form, values: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, shown value) of every field of `form`, for a read-only page."""
    rows = []
    for bound in form:
        if isinstance(bound.field, forms.BooleanField):
            continue  # a checkbox such as same_address is not a value to show
        value = values.get(bound.name, "")
        if isinstance(bound.field, forms.ChoiceField):
            value = _display(bound.field.choices, value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        rows.append((str(bound.label), str(value or "—")))
    return rows


@signed_in_required
@require_http_methods(["GET", "POST"])
def company(request: HttpRequest) -> HttpResponse:
    session = _credentials(request)
    status = get_client().get_company_status(session)
    if status.is_live:
        return _to_dashboard(request)
    state = STEP_STATES.get(status.company_status, TO_DO)
    editable = state in ACTION_STATES
    initial = (
        CompanyDetailsForm.initial_from(status.company, status.phone_number)
        if state != TO_DO
        else {}
    )
    if request.method == "POST" and editable:
        form = CompanyDetailsForm(request.POST, initial=initial)
    else:
        form = CompanyDetailsForm(initial=initial)
    context: dict[str, Any] = {
        "form": form,
        "editable": editable,
        "state": state,
        "state_label": STATE_LABELS[state],
        "reject_reason": status.company.reject_reason if state == REJECTED else "",
    }
    if request.method == "POST" and not editable:
        messages.info(request, _("Your company profile can't be changed now."))
        return portal_session.redirect(request, reverse("kyc-company"))
    if request.method == "POST" and form.is_valid():
        try:
            get_client().update_company_details(session, **form.api_data())
        except ApiError as error:
            form.add_error(_field_of(error.user_message, form), error.user_message)
        else:
            messages.success(request, _("Your company profile was sent to the bank for review."))
            return portal_session.redirect(request, reverse("kyc-overview"))
    if not editable:
        context["summary"] = _summary(form, form.initial)
    return _page(request, "onboarding/kyc/company.html", context)


# ---------------------------------------------------------------------------
# Director
# ---------------------------------------------------------------------------


def _saved_director(session: Credentials, status: CompanyStatus) -> Director | None:
    if status.director_kyc is not None or status.director_status == 0:
        return status.director_kyc
    return get_client().profile_details(session).director


@signed_in_required
@require_http_methods(["GET", "POST"])
def directors(request: HttpRequest) -> HttpResponse:
    session = _credentials(request)
    status = get_client().get_company_status(session)
    if status.is_live:
        return _to_dashboard(request)
    state = STEP_STATES.get(status.director_status, TO_DO)
    editable = state in ACTION_STATES
    director = _saved_director(session, status)
    initial = DirectorForm.initial_from(director) if director and state == REJECTED else {}
    if request.method == "POST" and not editable:
        messages.info(request, _("The director's details can't be changed now."))
        return portal_session.redirect(request, reverse("kyc-directors"))
    form = DirectorForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            get_client().add_company_director(session, **form.api_data())
        except ApiError as error:
            form.add_error(_field_of(error.user_message, form), error.user_message)
        else:
            messages.success(
                request,
                _(
                    "The director's details were saved. The bank sends the director a link "
                    "to check their identity."
                ),
            )
            return portal_session.redirect(request, reverse("kyc-overview"))
    context: dict[str, Any] = {
        "form": form,
        "editable": editable,
        "state": state,
        "state_label": STATE_LABELS[state],
        "director": director,
        "summary": _summary(form, DirectorForm.initial_from(director)) if director else [],
        "reject_reason": (director.director_reject_reason if director else "")
        if state == REJECTED
        else "",
        "can_resend": status.can_resend_kyc_link,
        "link_sent": state == REVIEW and not status.can_resend_kyc_link,
        "resend_next": reverse("kyc-directors"),
    }
    return _page(request, "onboarding/kyc/directors.html", context)


@signed_in_required
@require_POST
def resend_kyc_link(request: HttpRequest) -> HttpResponse:
    back = portal_session.safe_next(request, request.POST.get("next")) or reverse("kyc-overview")
    try:
        get_client().send_kyc_link(_credentials(request))
    except ApiError as error:
        messages.error(request, error.user_message)
    else:
        messages.success(request, _("We asked the bank to send the identity check link again."))
    return portal_session.redirect(request, back)


# ---------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------


def euros(amount: Decimal) -> str:
    return _("€%(amount)s") % {"amount": number_format(amount, 2, force_grouping=True)}


def percent(value: Decimal) -> str:
    return _("%(value)s %%") % {"value": number_format(value, 2, force_grouping=True)}


def _fee(fixed: Decimal, percentage: Decimal) -> str:
    if percentage:
        return _("%(fixed)s + %(percent)s") % {
            "fixed": euros(fixed),
            "percent": percent(percentage),
        }
    return euros(fixed)


def plan_rows(plans: tuple[Plan, ...]) -> list[dict[str, Any]]:
    """The comparison table: one row per price or fee, one cell per plan."""
    rows: list[tuple[str, Any]] = [
        (_("Plan price"), lambda p: euros(p.eur_plan_price)),
        (_("Monthly account fee"), lambda p: euros(p.monthly_account)),
        (_("SEPA transfer out"), lambda p: _fee(p.sepa_out_fee, p.sepa_out_fee_percentage)),
        (_("SEPA transfer in"), lambda p: _fee(p.sepa_in_fee, p.sepa_in_fee_percentage)),
        (
            _("SEPA Instant transfer out"),
            lambda p: _fee(p.sepa_instant_out_fee, p.sepa_instant_out_fee_percentage),
        ),
        (
            _("SEPA Instant transfer in"),
            lambda p: _fee(p.sepa_instant_in_fee, p.sepa_instant_in_fee_percentage),
        ),
    ]
    return [{"label": label, "cells": [value(plan) for plan in plans]} for label, value in rows]


def plan_name(plan: Plan) -> str:
    return " ".join(plan.plan_name.split())


def _all_verified(status: CompanyStatus) -> bool:
    steps = (status.company_status, status.document_status, status.director_status)
    extra = (doc.status for doc in status.additional_documents)
    return all(value == 2 for value in (*steps, *extra))


RISK_GROUP_LABELS = {
    1: gettext_lazy("high-risk"),
    2: gettext_lazy("medium-risk"),
    3: gettext_lazy("low-risk"),
}


@signed_in_required
@require_http_methods(["GET"])
def plan(request: HttpRequest) -> HttpResponse:
    status = get_client().get_company_status(_credentials(request))
    catalogue = reference.plans()
    country_id = status.company.company_country
    country_id = "" if country_id in ("", "0") else country_id
    risk_level = catalogue.country_risk.get(country_id) if country_id else None
    if risk_level is None and country_id:
        risk_level = status.company.risk_level
    plans = catalogue.for_risk_level(risk_level) if risk_level is not None else ()
    if not plans:
        plans = catalogue.all_plans
    country = reference.country(country_id) if country_id else None
    pos = reference.pos_plan()
    funds = reference.source_of_funds()
    context = {
        "plans": [{"name": plan_name(p), "description": p.description.strip()} for p in plans],
        "rows": plan_rows(plans),
        "country_name": country.name if country else "",
        "risk_group": RISK_GROUP_LABELS.get(risk_level or 0, ""),
        "filtered": bool(country_id and risk_level is not None),
        "pos": {
            "name": " ".join(pos.plan_name.split()),
            "monthly_fee": euros(pos.monthly_fee),
            "card_trx_fee": euros(pos.card_trx_fee),
        }
        if pos.plan_name or pos.monthly_fee or pos.card_trx_fee
        else None,
        "source_of_funds": [f[:1].upper() + f[1:] for f in funds],
        "all_verified": _all_verified(status),
    }
    return render(request, "onboarding/kyc/plan.html", context)


# ---------------------------------------------------------------------------
# The answer to the emailed plan offer (signed in or not)
# ---------------------------------------------------------------------------

OUTCOMES = {
    "already approved": "already_accepted",
    "already rejected": "already_rejected",
    "invalid request": "invalid",
}


def _outcome(message: str) -> str:
    text = message.lower()
    return next((key for words, key in OUTCOMES.items() if words in text), "refused")


@require_http_methods(["GET", "POST"])
def plan_respond(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    unique_id = (source.get("unique_id") or request.GET.get("unique_id") or "").strip()
    signed_in = portal_session.is_signed_in(request)
    context: dict[str, Any] = {
        "unique_id": unique_id,
        "signed_in": signed_in,
        "company_name": portal_session.company_name(request) if signed_in else "",
        "outcome": "",
        "message": "",
    }
    if not unique_id or len(unique_id) > 200:
        return render(request, "onboarding/kyc/plan_respond_missing.html", context, status=400)
    if request.method == "POST":
        answer = source.get("type", "")
        if answer not in ("accept", "reject"):
            return render(request, "onboarding/kyc/plan_respond_missing.html", context, status=400)
        try:
            get_client().iban_accept_reject_plan(requestid=unique_id, type=answer)
        except ApiError as error:
            context["outcome"] = _outcome(error.user_message)
            context["message"] = error.user_message
        else:
            context["outcome"] = "accepted" if answer == "accept" else "rejected"
    name = (
        "onboarding/kyc/plan_respond.html#answer"
        if getattr(request, "htmx", False) and request.method == "POST"
        else "onboarding/kyc/plan_respond.html"
    )
    return render(request, name, context)
