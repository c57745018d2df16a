"""The KYC wizard: the onboarding overview, the company profile, the director,
the plans, and the answer to the plan offer the bank emails.

Every state comes from the bank (getCompanyStatus, getCompanyDocumentStatus)
and is worded by `portal.states`: nothing about the onboarding is stored here.
A form the bank refuses or cannot take is shown again with what was typed
(`portal.pages.send_form`); `SessionExpired` and outages of the pages' own
reads propagate to `portal.middleware.CodegoErrorMiddleware`.
"""

from __future__ import annotations

from collections.abc import Callable
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
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseStopPolling

from codego import reference
from codego.client import get_client
from codego.errors import ApiError, CodegoError, SessionExpired
from codego.types import (
    CompanyDocumentStatus,
    CompanyStatus,
    Credentials,
    Director,
    Plan,
    StepState,
)
from portal import session as portal_session
from portal import states, texts
from portal.pages import Company, render_page, send_form, signed_in_view
from portal.query import bank_id, query_count
from portal.states import State

from .document_forms import COMPANY_DOCUMENTS
from .kyc_forms import CompanyDetailsForm, DirectorForm, KycForm

COMPANY_TEMPLATE = "onboarding/kyc/company.html"
DIRECTORS_TEMPLATE = "onboarding/kyc/directors.html"

POLL_SECONDS = 10
# Polls do not count as activity (the session still ends after 5 idle minutes);
# the cap bounds what a forgotten tab asks of the bank.
MAX_POLLS = 30

DOCUMENT_LABELS = {document.kind: document.label for document in COMPANY_DOCUMENTS}


@dataclass
class Item:
    """A line inside a step: one document and its state."""

    title: str
    state: State
    description: str = ""
    reason: str = ""


@dataclass
class Step:
    key: str
    title: str
    state: State
    text: str
    reason: str = ""
    action_url: str = ""
    action_label: str = ""
    link_url: str = ""
    link_label: str = ""
    items: list[Item] = field(default_factory=list)
    can_resend: bool = False

    @property
    def needs_action(self) -> bool:
        return self.state.needs_action and bool(self.action_url)


def _to_dashboard(request: HttpRequest) -> HttpResponse:
    portal_session.set_live(request, True)
    return portal_session.redirect(request, reverse("banking:dashboard"))


def _step_status(
    request: HttpRequest, company: Company, template: str, form_class: type[KycForm]
) -> CompanyStatus | HttpResponse:
    """getCompanyStatus for a step's form page, or the response that ends the request first.

    A live company goes to its dashboard. What was typed must survive an
    outage: when the bank fails during a POST, the form comes back, bound to
    the POST, saying nothing was sent.
    """
    try:
        status = get_client().get_company_status(company.credentials)
    except SessionExpired:
        raise
    except CodegoError:
        if request.method != "POST":
            raise
        form = form_class(request.POST)
        form.add_error(None, str(texts.FORM_NOT_SENT))
        return render_page(request, template, {"form": form, "editable": True}, fragment="form")
    if status.is_live:
        return _to_dashboard(request)
    return status


def _step_form(
    request: HttpRequest,
    form_class: type[KycForm],
    *,
    initial: dict[str, Any],
    editable: bool,
    here: str,
    locked: str,
    send: Callable[[Any], object],
    done: str,
) -> tuple[Any, HttpResponse | None]:
    """The form of a wizard step, and a redirect when it is locked or the bank took it.

    `send(form)` makes the bank call of a valid form; `locked` and `done` are
    the messages shown after the redirect (to `here`, or to the overview).
    """
    if request.method == "POST" and not editable:
        messages.info(request, locked)
        return None, portal_session.redirect(request, reverse(here))
    if request.method == "GET":
        # Typed before the bank ended the session: the page shows it again.
        initial = {**initial, **portal_session.take_typed(request)}
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid() and send_form(form, lambda: send(form)):
        messages.success(request, done)
        return form, portal_session.redirect(request, reverse("onboarding:overview"))
    return form, None


# ---------------------------------------------------------------------------
# Overview
# ---------------------------------------------------------------------------


def _company_step(status: CompanyStatus) -> Step:
    url = reverse("onboarding:company")
    state = states.of_step(status.company_status)
    step = Step("company", _("Company profile"), state, "")
    if state is states.TO_DO:
        step.text = _(
            "Tell the bank about your company: registration, addresses and how to reach you."
        )
        step.action_url, step.action_label = url, _("Fill in the company profile")
    elif state is states.REVIEW:
        step.text = _("The bank is reviewing your company profile. Nothing to do for now.")
        step.link_url, step.link_label = url, _("See what you sent")
    elif state is states.VERIFIED:
        step.text = _("Your company profile is verified.")
        step.link_url, step.link_label = url, _("See your company profile")
    else:
        step.text = _("The bank rejected your company profile. Correct it and send it again.")
        step.reason = status.company.reject_reason
        step.action_url, step.action_label = url, _("Correct the company profile")
    return step


def _documents_step(status: CompanyStatus, documents: CompanyDocumentStatus | None) -> Step:
    url = reverse("onboarding:documents")
    state = states.of_step(status.document_status)
    step = Step("documents", _("Company documents"), state, "")
    for document in documents.documents if documents else ():
        step.items.append(
            Item(
                title=str(DOCUMENT_LABELS.get(document.kind, document.kind.replace("_", " "))),
                state=states.of_document(document.status),
                reason=document.rejection_reason if document.rejected else "",
            )
        )
    if state is states.TO_DO:
        step.text = _(
            "Upload the business registration document, the ownership structure "
            "and a financial document of the company."
        )
        step.action_url, step.action_label = url, _("Upload the company documents")
    elif state is states.REVIEW:
        step.text = _("The bank is reviewing your company documents. Nothing to do for now.")
    elif state is states.VERIFIED:
        step.text = _("Your company documents are verified.")
    else:
        step.text = _(
            "The bank rejected a company document. Read the reason and upload that document again."
        )
        step.action_url, step.action_label = url, _("Upload the document again")
    return step


def _director_step(status: CompanyStatus) -> Step:
    url = reverse("onboarding:directors")
    state = states.of_step(status.director_status)
    step = Step("director", _("Director identity check"), state, "")
    if state is states.TO_DO:
        step.text = _(
            "Tell the bank who runs the company. The bank then sends a link to check "
            "the director's identity."
        )
        step.action_url, step.action_label = url, _("Add the director")
    elif state is states.REVIEW:
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
    elif state is states.VERIFIED:
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
    url = reverse("onboarding:additional-documents")
    items = [
        Item(
            title=doc.title,
            description=doc.description,
            state=states.of_step(doc.status),
            reason=doc.rejection_reason if doc.status == StepState.REJECTED else "",
        )
        for doc in documents
    ]
    # The step stands where its most pressing document stands.
    present = {item.state for item in items}
    order = (states.REJECTED, states.TO_DO, states.REVIEW)
    state = next((s for s in order if s in present), states.VERIFIED)
    step = Step("additional", _("Additional documents"), state, "", items=items)
    if state.needs_action:
        step.text = _("The bank needs more documents from you.")
        step.action_url, step.action_label = url, _("Upload the requested documents")
    elif state is states.REVIEW:
        step.text = _("The bank is reviewing the documents you sent. Nothing to do for now.")
        step.link_url, step.link_label = url, _("See the requested documents")
    else:
        step.text = _("The additional documents are verified.")
        step.link_url, step.link_label = url, _("See the requested documents")
    return step


def _plan_step(all_verified: bool) -> Step:
    url = reverse("onboarding:plan")
    if all_verified:
        return Step(
            "plan",
            _("Your plan"),
            states.OFFER,
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
        states.LATER,
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
    all_verified = status.all_verified
    steps.append(_plan_step(all_verified))
    next_step = next((step for step in steps if step.needs_action), None)
    if next_step is None and all_verified:
        next_step = steps[-1]
    waiting = any(step.state is states.REVIEW for step in steps)
    return {
        "steps": steps,
        "next_step": next_step,
        "waiting": waiting,
        # All verified: the offer may be accepted from the email at any moment.
        "pending": waiting or all_verified,
        "all_verified": all_verified,
    }


@signed_in_view()
@require_safe
def overview(request: HttpRequest, company: Company) -> HttpResponse:
    if company.is_live:
        return _to_dashboard(request)
    client = get_client()
    status = client.get_company_status(company.credentials)
    if status.is_live:
        return _to_dashboard(request)
    documents = (
        client.get_company_document_status(company.credentials)
        if status.document_status != StepState.TO_DO
        else None
    )

    context = build_steps(status, documents)
    polling = request.htmx and "poll" in request.GET
    poll = query_count(request, "poll", maximum=MAX_POLLS)
    context.update(
        company_name=status.company.company_name or company.name,
        poll_next=poll + 1,
        poll_seconds=POLL_SECONDS,
        keep_polling=context["pending"] and poll < MAX_POLLS,
        polls_ended=context["pending"] and poll >= MAX_POLLS,
        resend_next=reverse("onboarding:overview"),
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


@signed_in_view()
@require_http_methods(["GET", "HEAD", "POST"])
def company(request: HttpRequest, company: Company) -> HttpResponse:
    status = _step_status(request, company, COMPANY_TEMPLATE, CompanyDetailsForm)
    if isinstance(status, HttpResponse):
        return status
    state = states.of_step(status.company_status)
    editable = state.needs_action
    initial = (
        CompanyDetailsForm.initial_from(status.company, status.phone_number)
        if state is not states.TO_DO
        else {}
    )
    form, response = _step_form(
        request,
        CompanyDetailsForm,
        initial=initial,
        editable=editable,
        here="onboarding:company",
        locked=_("Your company profile can't be changed now."),
        send=lambda form: get_client().update_company_details(
            company.credentials, **form.api_data()
        ),
        done=_("Your company profile was sent to the bank for review."),
    )
    if response is not None:
        return response
    context: dict[str, Any] = {
        "form": form,
        "editable": editable,
        "state": state,
        "reject_reason": status.company.reject_reason if state is states.REJECTED else "",
    }
    if not editable:
        context["summary"] = _summary(form, form.initial)
    return render_page(request, COMPANY_TEMPLATE, context, fragment="form")


# ---------------------------------------------------------------------------
# Director
# ---------------------------------------------------------------------------


def _saved_director(session: Credentials, status: CompanyStatus) -> Director | None:
    if status.director_kyc is not None or status.director_status == StepState.TO_DO:
        return status.director_kyc
    return get_client().profile_details(session).director


@signed_in_view()
@require_http_methods(["GET", "HEAD", "POST"])
def directors(request: HttpRequest, company: Company) -> HttpResponse:
    status = _step_status(request, company, DIRECTORS_TEMPLATE, DirectorForm)
    if isinstance(status, HttpResponse):
        return status
    state = states.of_step(status.director_status)
    editable = state.needs_action
    director = _saved_director(company.credentials, status)
    rejected = state is states.REJECTED
    initial = DirectorForm.initial_from(director) if director and rejected else {}
    form, response = _step_form(
        request,
        DirectorForm,
        initial=initial,
        editable=editable,
        here="onboarding:directors",
        locked=_("The director's details can't be changed now."),
        send=lambda form: get_client().add_company_director(company.credentials, **form.api_data()),
        done=_(
            "The director's details were saved. The bank sends the director a link "
            "to check their identity."
        ),
    )
    if response is not None:
        return response
    context: dict[str, Any] = {
        "form": form,
        "editable": editable,
        "state": state,
        "director": director,
        "summary": _summary(form, DirectorForm.initial_from(director)) if director else [],
        "reject_reason": director.director_reject_reason if director and rejected else "",
        "can_resend": status.can_resend_kyc_link,
        "link_sent": state is states.REVIEW and not status.can_resend_kyc_link,
        "resend_next": reverse("onboarding:directors"),
    }
    return render_page(request, DIRECTORS_TEMPLATE, context, fragment="form")


@signed_in_view()
@require_POST
def resend_kyc_link(request: HttpRequest, company: Company) -> HttpResponse:
    fallback = reverse("onboarding:overview")
    back = portal_session.safe_next(request, request.POST.get("next")) or fallback
    try:
        get_client().send_kyc_link(company.credentials)
    except ApiError as error:
        messages.error(request, error.user_message)
    except SessionExpired:
        raise
    except CodegoError:
        # The page we go back to still offers the button: that is the retry.
        messages.error(request, texts.BANK_UNAVAILABLE)
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


RISK_GROUP_LABELS = {
    1: gettext_lazy("high-risk"),
    2: gettext_lazy("medium-risk"),
    3: gettext_lazy("low-risk"),
}


@signed_in_view()
@require_safe
def plan(request: HttpRequest, company: Company) -> HttpResponse:
    status = get_client().get_company_status(company.credentials)
    try:
        context = _plan_catalogue(status)
    except SessionExpired:
        raise
    except CodegoError:
        # The page still explains how the offer comes; only the table waits.
        context = {"unavailable": texts.BANK_UNAVAILABLE, "retry_url": request.get_full_path()}
    context["all_verified"] = status.all_verified
    return render(request, "onboarding/kyc/plan.html", context)


def _plan_catalogue(status: CompanyStatus) -> dict[str, Any]:
    """The plans of the company's country risk level, their fees, posPlan and the funds."""
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
    return {
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
    }


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


@require_http_methods(["GET", "HEAD", "POST"])
def plan_respond(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    asked = source.get("unique_id") or request.GET.get("unique_id") or ""
    unique_id = bank_id(asked)
    company = Company.from_request(request)
    context: dict[str, Any] = {
        "unique_id": unique_id,
        "signed_in": company is not None,
        "company_name": company.name if company else "",
        "outcome": "",
        "message": "",
    }
    if not unique_id:
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
        except CodegoError:
            # No outcome: the offer and its two buttons again, which are the retry.
            context["message"] = texts.BANK_UNAVAILABLE
        else:
            context["outcome"] = "accepted" if answer == "accept" else "rejected"
    return render_page(request, "onboarding/kyc/plan_respond.html", context, fragment="answer")
