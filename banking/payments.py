"""SEPA payments, sent exactly once: form → review → code → result.

1. `/payments/new/` fills a `PaymentForm` from one `dashboard` answer and, when
   it is valid, saves a `PendingPayment` draft under the form's one-time key
   (a re-submitted form finds its draft instead of making another one).
2. `/payments/<key>/review/` shows what will leave which account, fee and total
   included, with no bank call. Only its "Confirm and send the code" calls
   `iban_sendmoney`, after winning draft → sending.
3. `/payments/<unique_id>/confirm/` takes the emailed code: awaiting_otp →
   confirming → done, one `iban_confirmotp` per code typed.

Every step moves the state by compare-and-set (`PendingPayment.advance`), so a
second tab, a double click or the back button finds the payment further along
and is shown where it is instead of calling the bank again. An answer that
never came (a timeout, a body we cannot read) leaves the outcome unknown: the
payment becomes "uncertain" and is never retried by us; the customer is sent
to the transaction list to see what happened.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banking import copies
from banking.fees import find_plan
from banking.models import PendingPayment, new_key
from banking.pages import (
    bank_page,
    form_problem,
    outcome_unknown,
    problem_text,
    transaction_url,
    transactions_url,
)
from banking.payment_forms import OtpForm, PaymentChoices, PaymentForm
from codego import types as t
from codego.client import get_client
from codego.errors import ApiError, CodegoError, SessionExpired
from onboarding.views import _mailbox_url
from portal import session as portal_session
from portal.pages import Company, render_page, sign_in_again
from portal.query import query_id, query_text

State = PendingPayment.State
T = TypeVar("T")
OTP_ATTEMPTS = 3  # the bank cancels a transfer after three wrong codes
# A payment "sending" or "confirming" for longer than this lost its request (a worker
# restarted mid-call): nobody knows what the bank did, so it is uncertain, never resent.
STALE_AFTER = timedelta(minutes=2)
PURGE_CHANCE = 0.01
CHOICES_KEY = "payment_choices"  # the last dashboard answer the form showed


# ---------------------------------------------------------------------------
# Where a payment is shown
# ---------------------------------------------------------------------------


def review_url(payment: PendingPayment) -> str:
    return reverse("banking:payment-review", args=[payment.key])


def confirm_url(payment: PendingPayment) -> str:
    return reverse("banking:payment-confirm", args=[payment.unique_id])


def _go(request: HttpRequest, url: str) -> HttpResponse:
    return portal_session.redirect(request, url)


def _own_payment(company: Company, **lookup: str) -> PendingPayment:
    payment = PendingPayment.objects.filter(user_id=company.credentials.user_id, **lookup).first()
    if payment is None:
        raise Http404("no such payment")
    return payment


# ---------------------------------------------------------------------------
# The form
# ---------------------------------------------------------------------------


def _remember(request: HttpRequest, answer: t.Dashboard) -> None:
    """Keep what the form offered, so an outage on submit can show it again."""
    offered = {
        "ibans": [vars(i) | {"balance": str(i.balance)} for i in answer.ibans],
        "beneficiaries": [
            {k: v for k, v in vars(b).items() if k != "date"} for b in answer.beneficiaries
        ],
        "plan": answer.user_plan.plan_name if answer.user_plan else "",
    }
    if request.session.get(CHOICES_KEY) != offered:  # a session write only when it changed
        request.session[CHOICES_KEY] = offered


def _remembered(request: HttpRequest) -> PaymentChoices:
    kept: dict[str, Any] = request.session.get(CHOICES_KEY) or {}
    return PaymentChoices(
        ibans=tuple(
            t.Iban(**{**row, "balance": Decimal(row["balance"])}) for row in kept.get("ibans", [])
        ),
        beneficiaries=tuple(t.Beneficiary(**row) for row in kept.get("beneficiaries", [])),
        plan=find_plan(kept.get("plan", "")),
    )


def _choices(answer: t.Dashboard) -> PaymentChoices:
    plan_name = answer.user_plan.plan_name if answer.user_plan else ""
    return PaymentChoices(answer.ibans, answer.beneficiaries, find_plan(plan_name))


def _initial(request: HttpRequest, company: Company, choices: PaymentChoices) -> dict[str, Any]:
    """Prefill from ?beneficiaries_id=, ?account= (a payee just added), "Pay again" and "Change"."""
    initial: dict[str, Any] = {"payment_key": new_key()}
    # Only shown again in the form, which checks them when it is sent; still, ids
    # of the bank's shape and plain, bounded text only.
    for name in ("iban_id", "beneficiaries_id"):
        if value := query_id(request, name):
            initial[name] = value
    for name in ("amount", "payment_option", "reason_payment"):
        if value := query_text(request, name):
            initial[name] = value
    account = "".join(query_text(request, "account").split()).upper()
    name = query_text(request, "beneficiary_name").lower()
    payee = next(
        (
            b
            for b in choices.beneficiaries
            if (account and b.iban == account) or (name and b.name.lower() == name)
        ),
        None,
    )
    if payee is not None:
        initial["beneficiaries_id"] = payee.beneficiaries_id
    change = query_id(request, "change")
    draft = change and (
        PendingPayment.objects.filter(
            user_id=company.credentials.user_id, key=change, state=State.DRAFT
        ).first()
    )
    if draft:
        initial.update(
            {
                "replaces": draft.key,
                "iban_id": draft.iban_id,
                "beneficiaries_id": draft.beneficiaries_id,
                "amount": formats.number_format(draft.amount, 2, use_l10n=True),
                "payment_option": draft.payment_option,
                "reason_payment": draft.reason_payment,
            }
        )
    if "iban_id" not in initial and len(choices.ibans) == 1:
        initial["iban_id"] = choices.ibans[0].iban_id
    return initial


def _form_page(
    request: HttpRequest, form: PaymentForm, *, problem: str = "", status: int = 200
) -> HttpResponse:
    choices = form.choices
    context = {
        "form": form,
        "problem": problem,
        "plan": choices.plan,
        "has_ibans": bool(choices.ibans),
        "has_payees": bool(choices.beneficiaries),
    }
    return render_page(request, "banking/payment_new.html", context, fragment="form", status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@bank_page
def payment_new(request: HttpRequest, company: Company) -> HttpResponse:
    try:
        # A form to fill shows the session's copy; a form sent is checked on a fresh answer.
        refresh = request.method == "POST"
        answer = copies.session_dashboard(request, company, refresh=refresh).answer
    except SessionExpired:
        raise
    except CodegoError as error:
        if request.method == "POST":
            problem = form_problem(error)
            # What was typed stays; the choices are those the form showed.
            form = PaymentForm(request.POST, choices=_remembered(request))
            return _form_page(request, form, problem=problem, status=503)
        context = {"problem": problem_text(error), "form": None}
        return render_page(request, "banking/payment_new.html", context, status=503)
    _remember(request, answer)
    choices = _choices(answer)
    if request.method == "GET":
        form = PaymentForm(initial=_initial(request, company, choices), choices=choices)
        return _form_page(request, form)

    form = PaymentForm(request.POST, choices=choices)
    # Errors come back with 200, as on every form of the portal: the page is the answer.
    if not form.is_valid():
        return _form_page(request, form)
    user_id = company.credentials.user_id
    key = form.cleaned_data["payment_key"]
    existing = PendingPayment.objects.filter(key=key).first()
    if existing is not None:
        # The same form sent again (back button, double click): the same payment.
        if existing.user_id != user_id:
            raise Http404("no such payment")
        return _go(request, review_url(existing))
    payment = form.pending_payment(user_id)
    payment.save()
    if random.random() < PURGE_CHANCE:  # now and then, not on every payment
        PendingPayment.purge_old()
    if replaced := form.cleaned_data.get("replaces"):
        # "Change" made a new draft: the old one can no longer be confirmed.
        for old in PendingPayment.objects.filter(user_id=user_id, key=replaced):
            old.advance(State.DRAFT, State.FAILED, message=_("Replaced by a changed payment."))
    return _go(request, review_url(payment))


# ---------------------------------------------------------------------------
# The review, and sending the code
# ---------------------------------------------------------------------------


def _state_page(
    request: HttpRequest, payment: PendingPayment, *, problem: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "payment": payment,
        "problem": problem,
        "transactions_url": transactions_url(),
        "change_url": reverse("banking:payment-new") + f"?change={payment.key}",
        "again_url": _again_url(payment),
    }
    return render_page(request, "banking/payment_review.html", context, status=status)


def _again_url(payment: PendingPayment) -> str:
    """The form filled with this payment's details ("Pay again", "Try again")."""
    fields = {
        "iban_id": payment.iban_id,
        "beneficiaries_id": payment.beneficiaries_id,
        "amount": f"{payment.amount:.2f}",
        "payment_option": payment.payment_option,
        "reason_payment": payment.reason_payment,
    }
    return reverse("banking:payment-new") + "?" + urlencode(fields)


@require_http_methods(["GET", "HEAD", "POST"])
@bank_page
def payment_review(request: HttpRequest, company: Company, key: str) -> HttpResponse:
    payment = _own_payment(company, key=key)
    in_flight = payment.state in (State.SENDING, State.CONFIRMING)
    if in_flight and timezone.now() - payment.updated > STALE_AFTER:
        payment.advance(payment.state, State.UNCERTAIN)
    if payment.state == State.AWAITING_OTP or payment.state == State.DONE:
        return _go(request, confirm_url(payment))
    if request.method == "GET" or payment.state != State.DRAFT:
        return _state_page(request, payment)
    if not payment.advance(State.DRAFT, State.SENDING):
        # Another tab or click got here first: show where the payment is now.
        if payment.state in (State.AWAITING_OTP, State.DONE):
            return _go(request, confirm_url(payment))
        return _state_page(request, payment)
    return _send(request, company, payment, back_to=State.DRAFT)


@require_POST
@bank_page
def payment_resend(request: HttpRequest, company: Company, unique_id: str) -> HttpResponse:
    """A new code. The API has no resend for transfers: a new `iban_sendmoney` with the
    reviewed fields replaces the transfer; the old one, never confirmed, moves no money."""
    payment = _own_payment(company, unique_id=unique_id)
    if not payment.advance(State.AWAITING_OTP, State.SENDING):
        return _go(request, review_url(payment))
    return _send(request, company, payment, back_to=State.AWAITING_OTP)


def _moving_money(request: HttpRequest, company: Company, call: Callable[[], T]) -> T:
    """`call()`, after which the session's copies are dropped: balances may have moved."""
    try:
        return call()
    finally:
        copies.forget(request, company)


def _send(
    request: HttpRequest, company: Company, payment: PendingPayment, *, back_to: str
) -> HttpResponse:
    """Call `iban_sendmoney` once for a payment this request moved to "sending"."""
    try:
        started = _moving_money(
            request,
            company,
            lambda: get_client().iban_send_money(
                company.credentials,
                iban_id=payment.iban_id,
                beneficiaries_id=payment.beneficiaries_id,
                amount=payment.amount,
                payment_option=payment.payment_option,
                reason_payment=payment.reason_payment,
            ),
        )
    except SessionExpired:
        # The bank refused the token before doing anything: sign in, then the same review.
        payment.advance(State.SENDING, back_to)
        return sign_in_again(request, review_url(payment))
    except ApiError as error:
        # A refusal (balance, payee gone...): this payment is over; "Change" starts a new one.
        if back_to == State.AWAITING_OTP:
            payment.advance(State.SENDING, back_to)
            messages.error(request, error.user_message)
            return _go(request, confirm_url(payment))
        payment.advance(State.SENDING, State.FAILED, message=error.user_message[:300])
        return _state_page(request, payment)
    except CodegoError as error:
        if outcome_unknown(error):
            payment.advance(State.SENDING, State.UNCERTAIN)
            return _state_page(request, payment, status=503)
        # Refused before the bank did anything (busy, down): the same payment may be retried.
        payment.advance(State.SENDING, back_to)
        if back_to == State.AWAITING_OTP:
            # No new code: the code page again, whose "Send a new code" is the retry.
            messages.error(request, problem_text(error))
            return _go(request, confirm_url(payment))
        return _state_page(request, payment, problem=problem_text(error), status=503)
    payment.advance(State.SENDING, State.AWAITING_OTP, unique_id=started.unique_id, otp_attempts=0)
    if back_to == State.AWAITING_OTP:
        messages.success(request, _("We sent you a new code."))
    return _go(request, confirm_url(payment))


# ---------------------------------------------------------------------------
# The code, and the result
# ---------------------------------------------------------------------------


def _code_page(
    request: HttpRequest, payment: PendingPayment, form: OtpForm, *, status: int = 200
) -> HttpResponse:
    context = {
        "payment": payment,
        "form": form,
        "mailbox_url": _mailbox_url(company_email(request)),
        "attempts_left": OTP_ATTEMPTS - payment.otp_attempts,
    }
    return render_page(
        request, "banking/payment_confirm.html", context, fragment="form", status=status
    )


def company_email(request: HttpRequest) -> str:
    company = getattr(request, "company", None)
    return company.email if company else ""


def _result_page(request: HttpRequest, payment: PendingPayment) -> HttpResponse:
    context = {
        "payment": payment,
        "transaction_url": transaction_url(payment.unique_id),
        "again_url": _again_url(payment),
    }
    return render(request, "banking/payment_result.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@bank_page
def payment_confirm(request: HttpRequest, company: Company, unique_id: str) -> HttpResponse:
    payment = _own_payment(company, unique_id=unique_id)
    if payment.state == State.DONE:
        return _result_page(request, payment)
    if payment.state != State.AWAITING_OTP:
        return _go(request, review_url(payment))
    if request.method == "GET":
        return _code_page(request, payment, OtpForm())
    form = OtpForm(request.POST)
    if not form.is_valid():
        return _code_page(request, payment, form)
    if not payment.advance(State.AWAITING_OTP, State.CONFIRMING):
        return _go(request, review_url(payment))
    return _confirm(request, company, payment, form)


def _confirm(
    request: HttpRequest, company: Company, payment: PendingPayment, form: OtpForm
) -> HttpResponse:
    """Call `iban_confirmotp` once for a payment this request moved to "confirming"."""
    try:
        result = _moving_money(
            request,
            company,
            lambda: get_client().iban_confirm_otp(
                company.credentials, unique_id=payment.unique_id, otp=form.cleaned_data["otp"]
            ),
        )
    except SessionExpired:
        payment.advance(State.CONFIRMING, State.AWAITING_OTP)
        return sign_in_again(request, review_url(payment))
    except ApiError as error:
        attempts = payment.otp_attempts + 1
        words = error.user_message
        # The bank cancels the transfer after too many wrong codes or when the code lapsed.
        if attempts >= OTP_ATTEMPTS or any(w in words.lower() for w in ("cancel", "expired")):
            payment.advance(State.CONFIRMING, State.FAILED, message=words[:300])
            return _go(request, review_url(payment))
        payment.advance(State.CONFIRMING, State.AWAITING_OTP, otp_attempts=attempts)
        form.add_error("otp", words)
        return _code_page(request, payment, form)
    except CodegoError as error:
        if outcome_unknown(error):
            payment.advance(State.CONFIRMING, State.UNCERTAIN)
            return _go(request, review_url(payment))
        payment.advance(State.CONFIRMING, State.AWAITING_OTP)
        form.add_error(None, form_problem(error))
        return _code_page(request, payment, form, status=503)
    payment.advance(State.CONFIRMING, State.DONE, message=result.message[:300])
    return _go(request, confirm_url(payment))
