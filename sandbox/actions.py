"""What the bank's staff do to the simulated bank: compliance decisions, back office, faults.

The `sandbox` management command and the console pages call these functions. Each one
runs in a single transaction and raises `ActionError` with a message a person can read
when the input does not fit the bank's state (unknown email, IBAN or transaction, or a
step in the wrong status). Nothing here prints.
"""

from __future__ import annotations

import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy
from schwifty import IBAN

from sandbox import bank, reference
from sandbox.models import (
    AdditionalDocument,
    Company,
    CompanyDocument,
    CryptoBalance,
    CryptoTransaction,
    Director,
    Fault,
    Iban,
    JournalEntry,
    Mail,
    Notification,
    Plan,
    PlanProposal,
    StoredFile,
    Transaction,
    WebToken,
)

APPROVE_WHAT = ("profile", "documents", "director", "additional", "all")
REJECT_WHAT = ("profile", *CompanyDocument.Kind.values, "director")
MAX_AMOUNT = Decimal("1000000000.00")


class ActionError(Exception):
    """A staff action that does not fit the input or the bank's state."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- lookups and checks ---------------------------------------------------------------


def _company(email: str) -> Company:
    email = (email or "").strip()
    company = Company.objects.filter(email__iexact=email).first() if email else None
    if company is None:
        raise ActionError(f"No company with the email {email or '(empty)'}.")
    return company


def required_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError(f"The {field} is required.")
    return value


def _positive(amount: Decimal | str | int) -> Decimal:
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation as err:
        raise ActionError(f"The amount {amount!r} is not a number.") from err
    if not value.is_finite() or value <= 0:
        raise ActionError("The amount must be greater than 0.")
    return value


def _to_places(value: Decimal, places: int) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    if value != value.quantize(quantum):
        raise ActionError(f"The amount must have at most {places} decimals.")
    return value.quantize(quantum)


def _euros(amount: Decimal | str | int) -> Decimal:
    """A positive amount of euros with at most 2 decimals."""
    value = _positive(amount)
    if value > MAX_AMOUNT:
        raise ActionError(f"The amount must not be more than {bank.money(MAX_AMOUNT)}.")
    return _to_places(value, 2)


def plan_for(company: Company) -> Plan:
    """The plan of the company's risk group (getPlan note); low without a country."""
    bank.ensure_plans()
    country = reference.COUNTRIES_BY_ID.get(str((company.profile or {}).get("company_country")))
    risk = reference.RISK_LEVEL_TO_PLAN.get(country["risk_level"], "low") if country else "low"
    plan = Plan.objects.filter(risk=risk).order_by("id").first()
    if plan is None:
        raise ActionError(f"There is no {risk} risk plan.")
    return plan


# A company document, as a rejection says it.
DOCUMENT_WORDS = {
    "business_registration": gettext_lazy("business registration"),
    "Ownership": gettext_lazy("ownership"),
    "financial": gettext_lazy("financial"),
}
# The plan's risk group, as the plan email says it.
RISK_WORDS = {
    "low": gettext_lazy("low"),
    "medium": gettext_lazy("medium"),
    "high": gettext_lazy("high"),
}


def _tell(company: Company, title: str, text: str, kind: str) -> None:
    """A notification in the portal and the same words by email."""
    bank.notify(company, title, text)
    greeting = gettext("Hello %(company)s,") % {"company": company.company_name}
    bank.send_mail(company.email, title, f"{greeting}\n\n{text}\n", kind=kind)


# --- the whole bank -------------------------------------------------------------------


@transaction.atomic
def reset() -> None:
    """Delete every simulated customer, mail, fault, journal entry and file; keep the plans."""
    Company.objects.all().delete()
    Mail.objects.all().delete()
    Fault.objects.all().delete()
    JournalEntry.objects.all().delete()
    StoredFile.objects.all().delete()
    bank.ensure_plans()


# --- compliance -----------------------------------------------------------------------


def _approve_profile(company: Company) -> str:
    if company.company_status == Company.Step.TO_DO:
        raise ActionError("The company profile cannot be approved: nothing submitted.")
    if company.company_status == Company.Step.VERIFIED:
        raise ActionError("The company profile is already verified.")
    if company.company_status == Company.Step.REJECTED:
        raise ActionError("The company profile was rejected; the company must submit it again.")
    company.company_status = Company.Step.VERIFIED
    company.reject_reason = ""
    company.save(update_fields=["company_status", "reject_reason", "updated"])
    return "Your company profile has been verified."


def _approve_documents(company: Company) -> str:
    waiting = company.documents.filter(status=CompanyDocument.Status.REVIEW)
    if not waiting.exists():
        raise ActionError("No company document is waiting for review: nothing submitted.")
    waiting.update(status=CompanyDocument.Status.VERIFIED, rejection_reason="")
    verified = company.documents.filter(status=CompanyDocument.Status.VERIFIED).count()
    if verified == len(CompanyDocument.Kind.values):
        company.document_status = Company.Step.VERIFIED
        company.save(update_fields=["document_status", "updated"])
        return "Your company documents have been verified."
    return "Some of your company documents have been verified."


def _approve_director(company: Company) -> str:
    if company.director_status == Company.Step.TO_DO or not hasattr(company, "director"):
        raise ActionError("The director cannot be approved: nothing submitted.")
    if company.director_status == Company.Step.VERIFIED:
        raise ActionError("The director is already verified.")
    if company.director_status == Company.Step.REJECTED:
        raise ActionError("The director was rejected; the company must submit it again.")
    company.director_status = Company.Step.VERIFIED
    company.save(update_fields=["director_status", "updated"])
    Director.objects.filter(company=company).update(reject_reason="")
    return "Your director's identity has been verified."


def _approve_additional(company: Company) -> str:
    waiting = company.additional_documents.filter(status=AdditionalDocument.Status.REVIEW)
    titles = list(waiting.values_list("title", flat=True))
    if not titles:
        raise ActionError("No additional document is waiting for review: nothing submitted.")
    waiting.update(status=AdditionalDocument.Status.VERIFIED, rejection_reason="")
    return f"Your additional documents have been verified: {', '.join(titles)}."


_APPROVALS = {
    "profile": _approve_profile,
    "documents": _approve_documents,
    "director": _approve_director,
    "additional": _approve_additional,
}


@transaction.atomic
def approve(*, email: str, what: str = "all") -> list[str]:
    """Compliance verifies a step (or every step awaiting review); returns the steps done."""
    if what not in APPROVE_WHAT:
        raise ActionError(f"Cannot approve {what!r}: choose one of {', '.join(APPROVE_WHAT)}.")
    company = _company(email)
    steps = list(_APPROVALS) if what == "all" else [what]
    done = []
    for step in steps:
        try:
            text = _APPROVALS[step](company)
        except ActionError:
            if what != "all":
                raise
            continue
        _tell(company, gettext("Verification update"), text, kind="kyc_update")
        done.append(step)
    if not done:
        raise ActionError(f"Nothing of {company.email} is waiting for review.")
    return done


@transaction.atomic
def reject(*, email: str, what: str, reason: str) -> None:
    """Compliance rejects the profile, one company document or the director, with a reason."""
    kinds = {kind.lower(): kind for kind in CompanyDocument.Kind.values}
    if what not in ("profile", "director") and what.lower() not in kinds:
        raise ActionError(f"Cannot reject {what!r}: choose one of {', '.join(REJECT_WHAT)}.")
    company = _company(email)
    reason = required_text(reason, "reason")[:500]

    if what == "profile":
        if company.company_status == Company.Step.TO_DO:
            raise ActionError("The company profile cannot be rejected: nothing submitted.")
        if company.company_status == Company.Step.REJECTED:
            raise ActionError("The company profile is already rejected.")
        company.company_status = Company.Step.REJECTED
        company.reject_reason = reason
        company.save(update_fields=["company_status", "reject_reason", "updated"])
        text = gettext(
            "Your company profile has been rejected: %(reason)s. Please submit it again."
        ) % {"reason": reason}
    elif what == "director":
        director = Director.objects.filter(company=company).first()
        if company.director_status == Company.Step.TO_DO or director is None:
            raise ActionError("The director cannot be rejected: nothing submitted.")
        if company.director_status == Company.Step.REJECTED:
            raise ActionError("The director is already rejected.")
        company.director_status = Company.Step.REJECTED
        company.save(update_fields=["director_status", "updated"])
        director.reject_reason = reason
        director.save(update_fields=["reject_reason"])
        text = gettext(
            "Your director's details have been rejected: %(reason)s. Please submit them again."
        ) % {"reason": reason}
    else:
        kind = kinds[what.lower()]
        document = company.documents.filter(kind=kind).first()
        if document is None:
            raise ActionError(f"The {kind} document cannot be rejected: nothing submitted.")
        if document.status == CompanyDocument.Status.REJECTED:
            raise ActionError(f"The {kind} document is already rejected.")
        document.status = CompanyDocument.Status.REJECTED
        document.rejection_reason = reason
        document.save(update_fields=["status", "rejection_reason", "updated"])
        company.document_status = Company.Step.REJECTED
        company.save(update_fields=["document_status", "updated"])
        text = gettext(
            "Your %(document)s document has been rejected: %(reason)s. Please upload it again."
        ) % {"document": DOCUMENT_WORDS.get(kind, kind.replace("_", " ").lower()), "reason": reason}
    _tell(company, gettext("Verification update"), text, kind="kyc_update")


@transaction.atomic
def request_document(*, email: str, title: str, description: str = "") -> AdditionalDocument:
    """Compliance asks for one more document (getCompanyStatus `additonal_documents`)."""
    company = _company(email)
    title = required_text(title, "title")[:200]
    document = AdditionalDocument.objects.create(
        company=company, title=title, description=(description or "").strip()
    )
    text = gettext("Our compliance team needs one more document: %(title)s.") % {"title": title}
    if document.description:
        text += f" {document.description}"
    _tell(company, gettext("Document requested"), text, kind="document_request")
    return document


def plan_link(proposal: PlanProposal) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}/plan/respond/?unique_id={proposal.unique_id}"


@transaction.atomic
def make_live(*, email: str, accept: bool = False) -> PlanProposal:
    """Propose the plan of the company's risk group by email; `accept` takes it at once."""
    company = _company(email)
    if company.is_live:
        raise ActionError(f"{company.email} is already live.")
    plan = plan_for(company)
    # Only the newest link works: older offers lapse.
    company.proposals.filter(status=PlanProposal.Status.PENDING).update(
        status=PlanProposal.Status.REJECTED
    )
    proposal = PlanProposal.objects.create(company=company, plan=plan)
    words = {
        "company": company.company_name,
        "plan": plan.plan_name,
        "risk": RISK_WORDS.get(plan.risk, plan.risk),
        "price": bank.money(plan.eur_plan_price),
        "monthly": bank.money(plan.monthly_account),
        "out": bank.money(plan.sepa_out_fee),
        "out_pct": plan.sepa_out_fee_percentage,
        "in": bank.money(plan.sepa_in_fee),
        "in_pct": plan.sepa_in_fee_percentage,
        "instant": bank.money(plan.sepa_instant_out_fee),
        "instant_pct": plan.sepa_instant_out_fee_percentage,
        "link": plan_link(proposal),
    }
    bank.send_mail(
        company.email,
        gettext("Your business plan: %(plan)s") % words,
        gettext(
            "Hello %(company)s,\n\n"
            "your account has been reviewed. We offer you the %(plan)s plan (%(risk)s risk):\n"
            "- Plan price: %(price)s EUR\n"
            "- Monthly account fee: %(monthly)s EUR\n"
            "- SEPA out: %(out)s EUR + %(out_pct)s%%\n"
            "- SEPA in: %(in)s EUR + %(in_pct)s%%\n"
            "- SEPA Instant out: %(instant)s EUR + %(instant_pct)s%%\n\n"
            "Accept or decline the plan here:\n%(link)s\n"
        )
        % words,
        kind="plan_proposal",
    )
    bank.notify(
        company,
        gettext("Plan proposed"),
        gettext("We sent you the %(plan)s plan by email.") % {"plan": plan.plan_name},
    )
    if accept:
        bank.accept_plan(proposal)
    return proposal


# --- back office ----------------------------------------------------------------------


@transaction.atomic
def credit(*, iban: str, amount: Decimal | str, name: str = "SEPA sender") -> Transaction:
    """An inbound SEPA credit, settled at once, net of the plan's inbound fee."""
    value = _euros(amount)
    number = "".join((iban or "").split()).upper()
    account = Iban.objects.select_for_update().filter(iban=number).first()
    if account is None:
        raise ActionError(f"No account with the IBAN {number or '(empty)'}.")
    name = required_text(name, "sender name")[:200]
    plan = account.company.plan
    fee = plan.fee(value, instant=False, outbound=False) if plan else Decimal("0.00")
    if fee >= value:
        raise ActionError(f"The amount must be more than the inbound fee of {bank.money(fee)}.")
    trx_id, transaction_id = bank.unique_trx_ids()
    sender = IBAN.generate("DE", bank_code="37040044", account_code=bank.new_reference(10))
    trx = Transaction.objects.create(
        iban=account,
        trx_id=trx_id,
        transaction_id=transaction_id,
        type=Transaction.Kind.CREDIT,
        amount=value,
        fees=fee,
        counterparty_name=name,
        counterparty_iban=str(sender),
        reason_payment="SEPA credit",
        description=f"receive {bank.money(value)} EUR from {name}",
        status=Transaction.Status.COMPLETED,
    )
    account.balance += value - fee
    account.save(update_fields=["balance"])
    bank.notify(
        account.company,
        gettext("Payment received"),
        gettext("%(amount)s EUR from %(name)s arrived on %(account)s (%(iban)s).")
        % {
            "amount": bank.money(value),
            "name": name,
            "account": account.label,
            "iban": account.iban,
        },
    )
    return trx


def _pending(trx: str) -> Transaction:
    """The Pending transaction of trx_id or unique_id `trx`, locked for the change."""
    key = (trx or "").strip()
    found = (
        Transaction.objects.select_for_update().filter(Q(trx_id=key) | Q(unique_id=key)).first()
        if key
        else None
    )
    if found is None:
        raise ActionError(f"No transaction {key or '(empty)'}.")
    if found.status != Transaction.Status.PENDING:
        raise ActionError(
            f"Transaction {found.trx_id} is {found.status}: only Pending ones can be settled."
        )
    return found


@transaction.atomic
def settle(*, trx: str, reject: bool = False, reason: str = "") -> Transaction:
    """Settle a Pending transaction, or reject it and give back what it booked."""
    found = _pending(trx)
    failure = ((reason or "").strip() or "Rejected by the bank.") if reject else ""
    bank.finish_transfer(found, failure=failure)
    return found


@transaction.atomic
def fail_on_settle(*, trx: str, reason: str) -> Transaction:
    """Mark a Pending transfer to fail, for `reason`, when it settles by itself."""
    found = _pending(trx)
    if found.pending_since is None:
        raise ActionError(f"Transaction {found.trx_id} never settles by itself: reject it instead.")
    found.fail_on_settle = required_text(reason, "reason")[:300]
    found.save(update_fields=["fail_on_settle"])
    return found


def _coins(amount: Decimal | str) -> Decimal:
    value = _positive(amount)
    if value >= Decimal(10**15):
        raise ActionError("The amount is too large.")
    return _to_places(value, 8)


@transaction.atomic
def crypto_deposit(*, email: str, coin: str, amount: Decimal | str) -> CryptoTransaction:
    """A deposit arrives on the company's wallet of `coin`."""
    symbol = (coin or "").strip().lower()
    if symbol not in reference.COINS:
        raise ActionError(f"Unknown coin {coin!r}: choose one of {', '.join(reference.COINS)}.")
    value = _coins(amount)
    company = _company(email)
    balance, _ = CryptoBalance.objects.select_for_update().get_or_create(
        company=company, coin=symbol
    )
    balance.balance += value
    balance.save(update_fields=["balance"])
    network = reference.COINS[symbol]["networks"][0]  # type: ignore[index]
    digest = secrets.token_hex(32)
    shown = f"{value.normalize():f}"
    deposit = CryptoTransaction.objects.create(
        company=company,
        coin=symbol,
        type="Deposit",
        network=str(network),
        transaction_id=bank.crypto_transaction_id(),
        hash=digest if symbol == "btc" else "0x" + digest,
        amount=value,
        description=f"Deposit {shown} {symbol.upper()}",
    )
    bank.notify(
        company,
        gettext("Crypto deposit"),
        gettext("%(amount)s %(coin)s arrived on your wallet.")
        % {"amount": shown, "coin": symbol.upper()},
    )
    return deposit


@transaction.atomic
def notify_company(*, email: str, title: str, description: str) -> Notification:
    company = _company(email)
    return bank.notify(
        company, required_text(title, "title")[:200], required_text(description, "description")
    )


@transaction.atomic
def expire_token(*, email: str) -> int:
    """Revoke every live web_token of the company; the next call answers status -1."""
    company = _company(email)
    return WebToken.objects.filter(company=company, revoked=False).update(revoked=True)


# --- faults and mail ------------------------------------------------------------------


def _endpoint_name(endpoint: str) -> str:
    from sandbox.api import ENDPOINTS

    name = (endpoint or "").strip()
    if name == "*":
        return name
    names = {known.lower(): known for known in ENDPOINTS}
    if name.lower() not in names:
        raise ActionError(f"Unknown endpoint {name or '(empty)'}; use an API name or *.")
    return names[name.lower()]


@transaction.atomic
def set_fault(
    *,
    endpoint: str,
    http_status: int | None = None,
    timeout: bool = False,
    garbage: bool = False,
    latency_ms: int = 0,
    error_rate: float = 1.0,
    answer_status: int | None = None,
    message: str = "",
) -> Fault:
    """Make `endpoint` ("*" for every one) fail; replaces the fault it had.

    `answer_status` 0 or -1 answers HTTP 200 with that `status` and `message`
    (a refusal, or the token / credentials refused) instead of the handler's answer.
    """
    name = _endpoint_name(endpoint)
    if http_status is not None and not 100 <= http_status <= 599:
        raise ActionError("The HTTP status must be between 100 and 599.")
    if latency_ms < 0 or latency_ms > 120_000:
        raise ActionError("The latency must be between 0 and 120000 ms.")
    if not 0 < error_rate <= 1:
        raise ActionError("The error rate must be more than 0 and at most 1.")
    if answer_status not in (None, 0, -1):
        raise ActionError("The answer status must be 0 or -1.")
    if len(message) > 200:
        raise ActionError("The message must be at most 200 characters.")
    if http_status is None and answer_status is None and not (timeout or garbage or latency_ms):
        raise ActionError(
            "Choose a fault: an HTTP status, a timeout, garbage, a latency or a status answer."
        )
    fault, _ = Fault.objects.update_or_create(
        endpoint=name,
        defaults={
            "http_status": http_status,
            "timeout": timeout,
            "garbage": garbage,
            "latency_ms": latency_ms,
            "error_rate": error_rate,
            "answer_status": answer_status,
            "message": message.strip(),
        },
    )
    return fault


@transaction.atomic
def clear_faults() -> int:
    deleted, _ = Fault.objects.all().delete()
    return deleted


def mailbox(*, to: str | None = None, limit: int = 50) -> list[Mail]:
    """The emails the bank sent, newest first."""
    mails = Mail.objects.all()
    if to:
        mails = mails.filter(to__iexact=to.strip())
    return list(mails.order_by("-created", "-id")[:limit])
