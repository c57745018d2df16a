"""Helpers the endpoint handlers and the staff actions share: OTPs, mail, ids, tokens."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from schwifty import IBAN

from sandbox import sql
from sandbox.models import (
    Company,
    CryptoTransaction,
    Iban,
    JournalEntry,
    Mail,
    Notification,
    Otp,
    PlanProposal,
    Transaction,
    WebToken,
)

OTP_LIFETIME = timedelta(minutes=10)
OTP_MAX_ATTEMPTS = 3
# The simulated bank's own bank code and BIC (structurally valid, checksummed IBANs).
BANK_COUNTRY = "LT"
BANK_CODE = "39900"
BANK_BIC = "CDGOLT22XXX"


def send_mail(to: str, subject: str, body: str, kind: str) -> Mail:
    """Store an email the real bank would send; the mailbox shows it."""
    return Mail.objects.create(to=to, subject=subject, body=body, kind=kind)


def issue_otp(company: Company, purpose: str, reference: str) -> str:
    """Create a 6-digit OTP for `reference`, replacing earlier unused ones."""
    Otp.objects.filter(purpose=purpose, reference=reference, used=False).update(used=True)
    code = settings.SANDBOX_FIXED_OTP or f"{secrets.randbelow(1_000_000):06d}"
    Otp.objects.create(
        company=company,
        purpose=purpose,
        reference=reference,
        code=code,
        expires=timezone.now() + OTP_LIFETIME,
    )
    return code


def check_otp(
    purpose: str, reference: str, code: str, *, max_attempts: int = OTP_MAX_ATTEMPTS
) -> bool | None:
    """True when right; False when wrong; None when no live OTP is left to try."""
    otp = (
        Otp.objects.filter(purpose=purpose, reference=reference, used=False)
        .order_by("-created")
        .first()
    )
    if otp is None or otp.expires < timezone.now() or otp.attempts >= max_attempts:
        return None
    if secrets.compare_digest(otp.code, str(code).strip()):
        Otp.objects.filter(pk=otp.pk).update(used=True)
        return True
    Otp.objects.filter(pk=otp.pk).update(attempts=otp.attempts + 1)
    return False


def new_token(company: Company) -> WebToken:
    return WebToken.objects.create(company=company, token=secrets.token_urlsafe(40))


def new_password() -> str:
    """A password the bank generates at signup and emails to the customer."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10)) + "!7"


def open_iban(company: Company, label: str) -> Iban:
    """A new EUR account with a fresh checksummed IBAN."""
    while True:
        account = f"{secrets.randbelow(10**11):011d}"
        iban = str(IBAN.generate(BANK_COUNTRY, bank_code=BANK_CODE, account_code=account))
        if not Iban.objects.filter(iban=iban).exists():
            return Iban.objects.create(company=company, label=label, iban=iban, bic=BANK_BIC)


def new_reference(digits: int) -> str:
    return str(secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1))


def unique_trx_ids(rng: random.Random | None = None) -> tuple[str, str]:
    """A fresh (trx_id, transaction_id) pair in the formats iban_sendmoney uses.

    `rng` makes the demo history repeatable.
    """

    def digits(count: int) -> str:
        if rng is None:
            return new_reference(count)
        return str(rng.randrange(10 ** (count - 1), 10**count))

    while True:
        trx_id, transaction_id = "TRX" + digits(12), digits(8)
        taken = Transaction.objects.filter(
            Q(trx_id=trx_id) | Q(transaction_id=transaction_id)
        ).exists()
        if not taken:
            return trx_id, transaction_id


def crypto_transaction_id(rng: random.Random | None = None) -> str:
    """A fresh crypto transaction id ("CTX" and 16 digits); `rng` makes it repeatable."""
    while True:
        number = rng.randrange(10**15, 10**16) if rng else secrets.randbelow(9 * 10**15) + 10**15
        value = f"CTX{number}"
        if not CryptoTransaction.objects.filter(transaction_id=value).exists():
            return value


def notify(company: Company, title: str, description: str) -> Notification:
    return Notification.objects.create(company=company, title=title, description=description)


def finish_transfer(trx: Transaction, *, failure: str = "") -> None:
    """A Pending transfer completes, or fails for `failure` and gives back what it booked."""
    amount = money(trx.amount)
    if not failure:
        trx.status = Transaction.Status.COMPLETED
        trx.save(update_fields=["status"])
        notify(
            trx.iban.company,
            gettext("Transfer completed"),
            gettext("%(amount)s EUR to %(name)s arrived.")
            % {"amount": amount, "name": trx.counterparty_name},
        )
        return
    booked = trx.booked
    account = Iban.objects.select_for_update().get(pk=trx.iban_id)
    account.balance -= booked
    account.save(update_fields=["balance"])
    trx.status = Transaction.Status.FAILED
    trx.failure_reason = failure[:300]
    trx.save(update_fields=["status", "failure_reason"])
    notify(
        account.company,
        gettext("Transfer failed"),
        gettext(
            "%(amount)s EUR to %(name)s failed: %(reason)s %(back)s EUR went back to %(account)s."
        )
        % {
            "amount": amount,
            "name": trx.counterparty_name,
            "reason": failure,
            "back": money(-booked),
            "account": account.label,
        },
    )


def due_transfers(company: Company) -> QuerySet[Transaction]:
    """The company's transfers Pending for SANDBOX_SETTLE_SECONDS or more, oldest first.

    A transfer still waiting for its supporting document waits; one the simulator
    did not confirm (no pending_since: the demo history) waits for staff.
    """
    since = timezone.now() - timedelta(seconds=settings.SANDBOX_SETTLE_SECONDS)
    return (
        Transaction.objects.filter(
            iban__company=company, status=Transaction.Status.PENDING, pending_since__lte=since
        )
        .exclude(is_upload_document=1)
        .order_by("pending_since", "id")
    )


# `due_transfers(company).exists()` as plain SQL: asked before every signed-in call
# and nearly always "no", and the ORM's compiling costs ten times the query.
# `{company}` is the company's id, or a column of a query around it (the pipeline
# asks with its session read: sandbox.api). tests/test_sandbox_settlement.py holds
# both to the ORM's answers.
DUE_PROBE = (
    "SELECT 1 FROM sandbox_transaction dt JOIN sandbox_iban di ON di.id = dt.iban_id "
    "WHERE di.company_id = {company} AND dt.status = %s AND dt.pending_since <= %s "
    "AND dt.is_upload_document <> 1 LIMIT 1"
)


def due_probe_params() -> list[object]:
    """The parameters of DUE_PROBE after `{company}`, as of now."""
    since = timezone.now() - timedelta(seconds=settings.SANDBOX_SETTLE_SECONDS)
    return [Transaction.Status.PENDING, connection.ops.adapt_datetimefield_value(since)]


def any_due(company: Company) -> bool:
    return bool(sql.fetch(DUE_PROBE.format(company="%s"), [company.pk, *due_probe_params()]))


def settle_due(company: Company, *, known_due: bool | None = None) -> list[Transaction]:
    """Settle the company's due transfers (`due_transfers`); one marked to fail fails.

    The pipeline calls this before every signed-in call of the company, inside that
    call's transaction: no background worker, and whoever reads next sees the
    transfer settled. SANDBOX_SETTLE_SECONDS 0: never by themselves. `known_due`:
    whether any are due, when the caller has just asked (`any_due`'s answer).
    """
    seconds = settings.SANDBOX_SETTLE_SECONDS
    if seconds <= 0:
        return []
    # Most calls find nothing due: they look without locking anything.
    if not (any_due(company) if known_due is None else known_due):
        return []
    with transaction.atomic():
        due = due_transfers(company).select_for_update().select_related("iban__company")
        return _settle(company, due, seconds)


def _settle(company: Company, due: QuerySet[Transaction], seconds: int) -> list[Transaction]:
    settled = list(due)
    for trx in settled:
        finish_transfer(trx, failure=trx.fail_on_settle)
        JournalEntry.objects.create(
            endpoint="bank:settle",
            company_email=company.email,
            http_status=200,
            outcome=f"{trx.trx_id} {trx.status} after {seconds} s"[:200],
            milliseconds=0,
        )
    return settled


def money(value: Decimal) -> str:
    """Amounts as the API prints them: a string with two decimals."""
    return f"{value.quantize(Decimal('0.01'))}"


def stamp(moment, zone=None) -> str:
    """Datetimes as the API prints them: "YYYY-MM-DD HH:MM:SS" in local time
    (`zone`, else the current one: a list looks it up once for all its rows)."""
    if moment is None:
        return "0000-00-00 00:00:00"
    return _local_stamp(moment, zone or timezone.get_current_timezone())


@lru_cache(maxsize=4096)
def _local_stamp(moment, zone) -> str:
    # A history page prints twenty stamps, mostly the same ones as the page before.
    return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M:%S")


def ensure_plans() -> None:
    """Create the plans of the reference data when missing (migration and reset)."""
    from sandbox.models import Plan
    from sandbox.reference import PLANS

    for number, row in enumerate(PLANS, start=1):
        Plan.objects.get_or_create(
            plan_name=row["plan_name"], defaults={**row, "tag": f"plan{number:02d}sandbox"}
        )


def accept_plan(proposal: PlanProposal) -> None:
    """The customer accepted the emailed plan: the company goes live with its first IBAN."""
    company = proposal.company
    proposal.status = PlanProposal.Status.ACCEPTED
    proposal.save(update_fields=["status"])
    company.plan = proposal.plan
    company.is_live = True
    company.save(update_fields=["plan", "is_live", "updated"])
    if not company.ibans.exists():
        open_iban(company, "Main account")
    notify(
        company,
        gettext("Account live"),
        gettext("Your %(plan)s plan is active.") % {"plan": proposal.plan.plan_name},
    )
    send_mail(
        company.email,
        gettext("Your business account is live"),
        gettext(
            "Hello %(company)s,\n\nyour plan %(plan)s is active and your first IBAN is open. "
            "You can now sign in to your dashboard."
        )
        % {"company": company.company_name, "plan": proposal.plan.plan_name},
        kind="account_live",
    )


def reject_plan(proposal: PlanProposal) -> None:
    proposal.status = PlanProposal.Status.REJECTED
    proposal.save(update_fields=["status"])
    notify(
        proposal.company,
        gettext("Plan declined"),
        gettext("You declined the %(plan)s plan.") % {"plan": proposal.plan.plan_name},
    )
