"""The sandbox console: staff play the bank's compliance team and back office in a browser.

Staff-only pages (Django auth users with `is_staff`). Every action is one POST that
calls the same function in `sandbox.actions` as `manage.py sandbox`, is journaled as
`console:<action>` and redirects back with a message (POST/redirect/GET).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_out
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.query import return_path
from sandbox import actions, demo, visitors
from sandbox.console_forms import (
    ApproveForm,
    CreditForm,
    CryptoDepositForm,
    FaultForm,
    MakeLiveForm,
    NotifyForm,
    RejectForm,
    RequestDocumentForm,
    ResetForm,
    SearchForm,
    SettleForm,
    StaffAuthenticationForm,
    error_text,
)
from sandbox.models import (
    AdditionalDocument,
    Company,
    Director,
    Fault,
    JournalEntry,
    Transaction,
)

JOURNAL_ROWS = 50
COMPANY_ROWS = 200

# --- access and journal ---------------------------------------------------------------


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous and non-staff users go to the console login, with `next` back here."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            login_url = reverse("sandbox:console-login")
            target = return_path(request) if request.method == "GET" else ""
            query = f"?{urlencode({'next': target})}" if target else ""
            return HttpResponseRedirect(login_url + query)
        return view(request, *args, **kwargs)

    return wrapper


def journal(action: str, *, email: str = "", ok: bool = True, outcome: str, started: float) -> None:
    """Record one console action like an API call: `console:<action>`, 200 or 400."""
    JournalEntry.objects.create(
        endpoint=f"console:{action}"[:60],
        company_email=(email or "")[:254],
        http_status=200 if ok else 400,
        outcome=(outcome or "")[:200],
        milliseconds=max(0, int((time.monotonic() - started) * 1000)),
    )


def _run(
    request: HttpRequest,
    action: str,
    email: str,
    work: Callable[[], str],
) -> bool:
    """Run one action: message and journal its success or its `ActionError`."""
    started = time.monotonic()
    try:
        text = work()
    except actions.ActionError as err:
        journal(action, email=email, ok=False, outcome=err.message, started=started)
        messages.error(request, err.message)
        return False
    journal(action, email=email, outcome=text, started=started)
    messages.success(request, text)
    return True


def _refuse(request: HttpRequest, action: str, email: str, text: str) -> None:
    """A form that did not validate: a 400 in the journal and an error message."""
    journal(action, email=email, ok=False, outcome=text, started=time.monotonic())
    messages.error(request, text)


def _run_form(
    request: HttpRequest,
    action: str,
    email: str,
    form: forms.Form,
    work: Callable[[dict[str, Any]], str],
) -> bool:
    """Run `work(cleaned_data)` like `_run` once `form` validates; else refuse it."""
    if not form.is_valid():
        _refuse(request, action, email, error_text(form))
        return False
    return _run(request, action, email, lambda: work(form.cleaned_data))


class ConsoleLoginView(auth_views.LoginView):
    template_name = "sandbox/console/login.html"
    authentication_form = StaffAuthenticationForm
    next_page = reverse_lazy("sandbox:console")


login_view = ConsoleLoginView.as_view()


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Sign the staff user out and keep the portal's customer session (`codego`) alone."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        user_logged_out.send(sender=user.__class__, request=request, user=user)
    for key in (SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY):
        request.session.pop(key, None)
    request.session.cycle_key()
    request.user = AnonymousUser()
    messages.success(request, _("You are signed out of the sandbox console."))
    return redirect("sandbox:console-login")


# --- pages ----------------------------------------------------------------------------


def _fault_effect(fault: Fault) -> str:
    if fault.http_status:
        return _("HTTP %(status)s") % {"status": fault.http_status}
    if fault.timeout:
        return _("timeout")
    if fault.garbage:
        return _("garbage body")
    if fault.answer_status is not None:
        return _("status %(status)s: %(message)s") % {
            "status": fault.answer_status,
            "message": fault.message or _("the default message"),
        }
    return _("%(ms)s ms latency") % {"ms": fault.latency_ms}


@require_safe
@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """Companies with their KYC state, the fault panel, reset/seed and the journal."""
    search = SearchForm(request.GET or None, auto_id="search-%s")
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    companies = Company.objects.select_related("plan").annotate(
        additional_open=Count(
            "additional_documents",
            filter=Q(
                additional_documents__status__in=[
                    AdditionalDocument.Status.REQUESTED,
                    AdditionalDocument.Status.REVIEW,
                ]
            ),
        ),
        additional_review=Count(
            "additional_documents",
            filter=Q(additional_documents__status=AdditionalDocument.Status.REVIEW),
        ),
    )
    # Demo visitors' own companies are listed apart (below), not among the customers.
    companies = companies.filter(demo_expires__isnull=True)
    if query:
        companies = companies.filter(Q(email__icontains=query) | Q(company_name__icontains=query))
    total = companies.count()
    rows = [
        {
            "company": company,
            "company_status": company.get_company_status_display(),
            "document_status": company.get_document_status_display(),
            "director_status": company.get_director_status_display(),
            "additional_open": company.additional_open,
            "additional_review": company.additional_review,
        }
        for company in companies.order_by("-created", "-id")[:COMPANY_ROWS]
    ]
    faults = [
        {"fault": fault, "effect": _fault_effect(fault)}
        for fault in Fault.objects.order_by("endpoint")
    ]
    return render(
        request,
        "sandbox/console/index.html",
        {
            "search": search,
            "query": query,
            "rows": rows,
            "total": total,
            "limit": COMPANY_ROWS,
            "fault_form": FaultForm(auto_id="fault-%s"),
            "faults": faults,
            "journal": JournalEntry.objects.all()[:JOURNAL_ROWS],
            "journal_limit": JOURNAL_ROWS,
            "demo_email": demo.DEMO_EMAIL,
            "visitors": visitors.live_visitors().order_by("-created", "-id")[:COMPANY_ROWS],
            "visitor_count": visitors.live_visitors().count(),
            "visitor_max": settings.SANDBOX_DEMO_MAX,
            "console_page": "index",
        },
    )


@require_safe
@staff_required
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one company, and a form for every staff action."""
    company = get_object_or_404(Company.objects.select_related("plan"), pk=pk)
    documents = [
        {
            "document": document,
            "kind": document.get_kind_display(),
            "status": document.get_status_display(),
        }
        for document in company.documents.select_related("file").order_by("kind")
    ]
    director = Director.objects.filter(company=company).first()
    additional = [
        {"document": document, "status": document.get_status_display()}
        for document in company.additional_documents.select_related("file").order_by(
            "-created", "-id"
        )
    ]
    proposals = [
        {
            "proposal": proposal,
            "status": proposal.get_status_display(),
            "link": actions.plan_link(proposal),
        }
        for proposal in company.proposals.select_related("plan").order_by("-created", "-id")
    ]
    ibans = list(company.ibans.order_by("id"))
    pending = list(
        Transaction.objects.filter(iban__company=company, status=Transaction.Status.PENDING)
        .select_related("iban")
        .order_by("-created", "-id")
    )
    profile = sorted((company.profile or {}).items())
    return render(
        request,
        "sandbox/console/company.html",
        {
            "company": company,
            "company_status": company.get_company_status_display(),
            "document_status": company.get_document_status_display(),
            "director_status": company.get_director_status_display(),
            "profile": profile,
            "documents": documents,
            "director": director,
            "additional": additional,
            "proposals": proposals,
            "ibans": ibans,
            "pending": pending,
            "settle_seconds": settings.SANDBOX_SETTLE_SECONDS,
            "crypto": company.crypto.order_by("coin"),
            "notifications": company.notifications.all()[:20],
            "mails": actions.mailbox(to=company.email, limit=10),
            "approve_form": ApproveForm(auto_id="approve-%s"),
            "reject_form": RejectForm(auto_id="reject-%s"),
            "request_form": RequestDocumentForm(auto_id="request-%s"),
            "live_form": MakeLiveForm(auto_id="live-%s"),
            "credit_form": CreditForm(ibans=[iban.iban for iban in ibans], auto_id="credit-%s"),
            "crypto_form": CryptoDepositForm(auto_id="crypto-%s"),
            "notify_form": NotifyForm(auto_id="notify-%s"),
        },
    )


# --- company actions ------------------------------------------------------------------


def _approve(request: HttpRequest, company: Company) -> None:
    def work(data: dict[str, Any]) -> str:
        done = actions.approve(email=company.email, what=data["what"])
        return _("Approved: %(steps)s.") % {"steps": ", ".join(done)}

    _run_form(request, "approve", company.email, ApproveForm(request.POST), work)


def _reject(request: HttpRequest, company: Company) -> None:
    def work(data: dict[str, Any]) -> str:
        what, reason = data["what"], data["reason"]
        actions.reject(email=company.email, what=what, reason=reason)
        return _("Rejected %(what)s: %(reason)s") % {"what": what, "reason": reason.strip()}

    _run_form(request, "reject", company.email, RejectForm(request.POST), work)


def _request_document(request: HttpRequest, company: Company) -> None:
    def work(data: dict[str, Any]) -> str:
        document = actions.request_document(
            email=company.email, title=data["title"], description=data["description"]
        )
        return _("Requested the document “%(title)s”.") % {"title": document.title}

    _run_form(request, "request-document", company.email, RequestDocumentForm(request.POST), work)


def _make_live(request: HttpRequest, company: Company) -> None:
    form = MakeLiveForm(request.POST)
    form.is_valid()
    accept = bool(form.cleaned_data.get("accept"))

    def work() -> str:
        proposal = actions.make_live(email=company.email, accept=accept)
        if accept:
            return _("%(plan)s accepted: the company is live.") % {"plan": proposal.plan.plan_name}
        return _("Proposed the %(plan)s plan by email.") % {"plan": proposal.plan.plan_name}

    _run(request, "make-live", company.email, work)


def _credit(request: HttpRequest, company: Company) -> None:
    ibans = list(company.ibans.values_list("iban", flat=True))

    def work(data: dict[str, Any]) -> str:
        trx = actions.credit(iban=data["iban"], amount=data["amount"], name=data["name"])
        trx.iban.refresh_from_db()
        return _("Credited %(amount)s EUR (fee %(fee)s) to %(iban)s; balance %(balance)s EUR.") % {
            "amount": trx.amount,
            "fee": trx.fees,
            "iban": trx.iban.iban,
            "balance": trx.iban.balance,
        }

    _run_form(request, "credit", company.email, CreditForm(request.POST, ibans=ibans), work)


def _settle(request: HttpRequest, company: Company) -> None:
    def work(data: dict[str, Any]) -> str:
        key = data["trx"].strip()
        if not Transaction.objects.filter(
            Q(trx_id=key) | Q(unique_id=key), iban__company=company
        ).exists():
            # Journaled and shown like any refused action.
            raise actions.ActionError(_("No transaction %(trx)s of this company.") % {"trx": key})
        if data["decision"] == "fail-when-due":
            trx = actions.fail_on_settle(trx=key, reason=data["reason"])
            return _("%(trx)s will fail when it settles (%(reason)s).") % {
                "trx": trx.trx_id,
                "reason": trx.fail_on_settle,
            }
        reject = data["decision"] == "reject"
        trx = actions.settle(trx=key, reject=reject, reason=data["reason"])
        if reject:
            return _("%(trx)s rejected (%(reason)s); the amount and fees went back.") % {
                "trx": trx.trx_id,
                "reason": trx.failure_reason,
            }
        return _("%(trx)s is Completed.") % {"trx": trx.trx_id}

    _run_form(request, "settle", company.email, SettleForm(request.POST), work)


def _crypto_deposit(request: HttpRequest, company: Company) -> None:
    def work(data: dict[str, Any]) -> str:
        deposit = actions.crypto_deposit(
            email=company.email, coin=data["coin"], amount=data["amount"]
        )
        return _("Deposited %(amount)s %(coin)s.") % {
            "amount": f"{deposit.amount.normalize():f}",
            "coin": deposit.coin.upper(),
        }

    _run_form(request, "crypto-deposit", company.email, CryptoDepositForm(request.POST), work)


def _notify(request: HttpRequest, company: Company) -> None:
    def work(data: dict[str, Any]) -> str:
        actions.notify_company(
            email=company.email, title=data["title"], description=data["description"]
        )
        return _("Notification sent.")

    _run_form(request, "notify", company.email, NotifyForm(request.POST), work)


def _end_visitor(request: HttpRequest, company: Company) -> None:
    if company.demo_expires is None:
        messages.error(request, _("Only a demo visitor's company can be ended here."))
        return

    def work() -> str:
        visitors.end_company(company)
        return _("Demo company %(name)s ended.") % {"name": company.company_name}

    # Journalled without the address: nothing of the company stays behind.
    _run(request, "end-demo", "", work)


def _expire_token(request: HttpRequest, company: Company) -> None:
    def work() -> str:
        count = actions.expire_token(email=company.email)
        return _("Revoked %(count)s web token(s).") % {"count": count}

    _run(request, "expire-token", company.email, work)


COMPANY_ACTIONS: dict[str, Callable[[HttpRequest, Company], None]] = {
    "approve": _approve,
    "reject": _reject,
    "request-document": _request_document,
    "make-live": _make_live,
    "credit": _credit,
    "settle": _settle,
    "crypto-deposit": _crypto_deposit,
    "notify": _notify,
    "expire-token": _expire_token,
    "end-demo": _end_visitor,
}


@require_POST
@staff_required
def company_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    handler = COMPANY_ACTIONS.get(action)
    if handler is None:
        raise Http404("No such console action.")
    company = get_object_or_404(Company, pk=pk)
    handler(request, company)
    if not Company.objects.filter(pk=pk).exists():  # an ended demo company
        return redirect("sandbox:console")
    return redirect("sandbox:console-company", pk=company.pk)


# --- the whole bank -------------------------------------------------------------------


@require_POST
@staff_required
def seed(request: HttpRequest) -> HttpResponse:
    def work() -> str:
        company = demo.seed_demo()
        return _("Demo company %(name)s is live: sign in as %(email)s.") % {
            "name": company.company_name,
            "email": company.email,
        }

    _run(request, "seed-demo", demo.DEMO_EMAIL, work)
    return redirect("sandbox:console")


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def reset(request: HttpRequest) -> HttpResponse:
    """A confirmation page; only a POST with the box ticked empties the bank."""
    if request.method == "GET":
        return render(request, "sandbox/console/reset.html", {"form": ResetForm()})
    form = ResetForm(request.POST)
    if not form.is_valid():
        _refuse(request, "reset", "", error_text(form))
        return render(request, "sandbox/console/reset.html", {"form": form}, status=400)

    def work() -> str:
        actions.reset()
        return _("The simulated bank is empty (plans kept).")

    _run(request, "reset", "", work)
    return redirect("sandbox:console")


@require_POST
@staff_required
def fault_set(request: HttpRequest) -> HttpResponse:
    form = FaultForm(request.POST)

    def work(_data: dict[str, Any]) -> str:
        fault = actions.set_fault(**form.fault_arguments())
        return _("%(endpoint)s now answers %(effect)s on %(rate)s%% of calls.") % {
            "endpoint": fault.endpoint,
            "effect": _fault_effect(fault),
            "rate": round(fault.error_rate * 100),
        }

    _run_form(request, "fault", "", form, work)
    return redirect(reverse("sandbox:console") + "#faults")


@require_POST
@staff_required
def fault_clear(request: HttpRequest, pk: int) -> HttpResponse:
    fault = Fault.objects.filter(pk=pk).first()

    def work() -> str:
        if fault is None:
            raise actions.ActionError(_("That fault is already cleared."))
        fault.delete()
        return _("Cleared the fault of %(endpoint)s.") % {"endpoint": fault.endpoint}

    _run(request, "fault-clear", "", work)
    return redirect(reverse("sandbox:console") + "#faults")


@require_POST
@staff_required
def faults_clear(request: HttpRequest) -> HttpResponse:
    def work() -> str:
        count = actions.clear_faults()
        return _("Cleared %(count)s fault(s).") % {"count": count}

    _run(request, "fault-clear-all", "", work)
    return redirect(reverse("sandbox:console") + "#faults")
