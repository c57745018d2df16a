"""IBAN banking: dashboard, IBANs, beneficiaries, transfers with OTP, history, documents."""

from __future__ import annotations

import functools
import hashlib
import math
from datetime import date, tzinfo
from decimal import Decimal, InvalidOperation
from operator import attrgetter
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from sandbox import bank, history, reference, sql
from sandbox.api import Call, Reject, endpoint
from sandbox.bank import money, stamp
from sandbox.endpoints.reference import plan_json
from sandbox.files import file_url
from sandbox.models import (
    Beneficiary,
    Company,
    Iban,
    Otp,
    Plan,
    Transaction,
)
from sandbox.uploads import IMAGE_TYPES, MAX_IMAGE_BYTES, check_upload, store_upload

NOT_LIVE = "Your business account is not active yet."
MAX_IBANS = 10
MAX_LABEL = 50
MAX_REASON = 140
MAX_AMOUNT = Decimal("1000000.00")
# Above this an outbound transfer needs a supporting document (is_upload_document 1).
DOCUMENT_THRESHOLD = Decimal("10000.00")
MAX_PER_PAGE = 100
DASHBOARD_TRANSACTIONS = 5
SEND_MESSAGE = "Please check your email. We have sent One-Time Password (OTP) for this transaction."
CONFIRM_MESSAGE = (
    "On live we have sent you an email with biometric verification link. Please check your "
    "inbox and complete the verification to process this outbound transaction."
)
PAYMENT_OPTIONS = {
    "sepa": "sepa",
    "sepa instant": "sepa_instant",
    "sepa_instant": "sepa_instant",
    "sepa-instant": "sepa_instant",
    "instant": "sepa_instant",
}
STATUS_FILTERS = {s.value.lower(): s.value for s in Transaction.Status if s.value != "Awaiting OTP"}
# risk_level of the IBAN's country (1 high .. 3 low) -> beneficiary risklevel
RISK_NAMES = {"3": "low", "2": "medium", "1": "high"}
COUNTRY_RISK = {c["country_code"]: c["risk_level"] for c in reference.COUNTRIES}
STATEMENT_ERROR = "unable to download the bank statement."


# --- lookups and formatting -------------------------------------------------------------


def _require_live(company: Company) -> None:
    if not company.is_live:
        raise Reject(NOT_LIVE)


def _pk(value: str, field: str) -> int:
    if not value.isdigit():
        raise Reject(f"The {field} is not valid.")
    return int(value)


def _company_iban(company: Company, value: str, field: str = "iban_id") -> Iban:
    iban = Iban.objects.filter(company=company, pk=_pk(value, field)).first()
    if iban is None:
        raise Reject(f"The {field} is not valid.")
    return iban


def _visible(company: Company) -> QuerySet[Transaction]:
    """Transactions the customer can see: every status but a transfer awaiting its OTP."""
    return (
        Transaction.objects.filter(iban__company=company)
        .exclude(status=Transaction.Status.AWAITING_OTP)
        .select_related("iban", "iban__company")
    )


def _visible_by_trx_id(company: Company, trx_id: str) -> Transaction:
    trx = _visible(company).filter(trx_id=trx_id).first()
    if trx is None:
        raise Reject("The trx_id is not valid.")
    return trx


def _iban_json(iban: Iban) -> dict[str, str]:
    return {
        "iban_id": str(iban.pk),
        "label": iban.label,
        "currency": iban.currency,
        "balance": money(iban.balance),
        "iban": iban.iban,
        "bic": iban.bic,
    }


def _beneficiary_json(beneficiary: Beneficiary, image_key: str | None) -> dict[str, str]:
    return {
        "beneficiaries_id": str(beneficiary.pk),
        "name": beneficiary.name,
        "email": beneficiary.email,
        "iban": beneficiary.iban,
        "bic": beneficiary.bic,
        "image": file_url(image_key),
        "account_type": beneficiary.account_type,
        "date": stamp(beneficiary.created),
        "risklevel": beneficiary.risklevel,
    }


# The lists the dashboard reads on every refresh, as plain SQL (see sandbox.sql).
IBANS_SQL = "SELECT {iban} FROM sandbox_iban i WHERE i.company_id = %s ORDER BY i.id"
PAYEES_SQL = (
    "SELECT {payee}, f.key FROM sandbox_beneficiary b"
    " LEFT JOIN sandbox_storedfile f ON f.id = b.image_id"
    " WHERE b.company_id = %s AND b.deleted = %s ORDER BY b.created DESC, b.id DESC"
)
PLAN_SQL = "SELECT {plan} FROM sandbox_plan p WHERE p.id = %s"
MODELS = ((Iban, "i"), (Beneficiary, "b"), (Plan, "p"))


@functools.cache
def _sql(template: str) -> str:
    iban, payee, plan = (sql.columns(*model) for model in MODELS)
    return template.format(iban=iban, payee=payee, plan=plan)


def _ibans(company: Company) -> list[Iban]:
    """The company's IBANs, oldest first."""
    return sql.read(Iban, _sql(IBANS_SQL), [company.pk])


def _payees_json(company: Company) -> list[dict[str, str]]:
    """The company's payees, newest first; deleted ones are hidden."""
    return [
        _beneficiary_json(sql.instances(row, Beneficiary)[0], row[-1])
        for row in sql.fetch(_sql(PAYEES_SQL), [company.pk, False])
    ]


def _plan(company: Company) -> Plan | None:
    if company.plan_id is None:
        return None
    found = sql.read(Plan, _sql(PLAN_SQL), [company.plan_id])
    return found[0] if found else None


# The detail builds its row from the instance it has, under the list's keys.
_FROM_INSTANCE = {key: attrgetter(key.replace("__", ".")) for key in history.KEYS}


def _trx_values(trx: Transaction) -> dict[str, Any]:
    return {key: read(trx) for key, read in _FROM_INSTANCE.items()}


def _trx_row(values: dict[str, Any], username: str, zone: tzinfo | None = None) -> dict[str, str]:
    """An iban_transaction row (and the detail's `trx`) from `history` values."""
    # A history page writes twenty rows, mostly the ones of the page before: kept by
    # the values (and their types: 1 == True), the name and the zone. A copy each
    # time, so nothing done to one answer reaches the next.
    zone = zone or timezone.get_current_timezone()
    types = tuple(map(type, values.values()))
    return dict(_kept_trx_row(tuple(values.items()), types, username, zone))


@functools.lru_cache(maxsize=4096)
def _kept_trx_row(
    items: tuple[tuple[str, Any], ...], types: tuple[type, ...], username: str, zone: tzinfo
) -> dict[str, str]:
    values = dict(items)
    return {
        "is_upload_document": str(values["is_upload_document"]),
        "trx_id": values["trx_id"],
        "unique_id": values["unique_id"],
        "transaction_id": values["transaction_id"],
        "beneficiary_name": values["counterparty_name"],
        "reason_payment": values["reason_payment"],
        "username": username,
        "type": values["type"],
        "sign": "db" if values["type"] == Transaction.Kind.DEBIT else "cr",
        "amount": money(values["amount"]),
        "fees": money(values["fees"]),
        "currency": values["iban__currency"].lower(),
        "description": values["description"],
        "status": values["status"],
        "transaction_date": stamp(values["created"], zone),
        "label": values["iban__label"],
        "iban": values["iban__iban"],
    }


def _unique(field: str, make: Any) -> str:
    """A fresh value of `make()` not yet used in Transaction.<field>."""
    while True:
        value = make()
        if not Transaction.objects.filter(**{field: value}).exists():
            return value


def _parse_date(value: str, field: str, *, error: str | None = None) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise Reject(error or f"The {field} must be a date as YYYY-MM-DD.") from err


# --- dashboard and IBANs ----------------------------------------------------------------


@endpoint("dashboard", session=True, reads_only=True)
def dashboard(call: Call) -> dict[str, Any]:
    """Beneficiaries, IBANs, portfolio, plan and the latest transactions."""
    company = call.session_company
    plan = _plan(company)
    userplan = {
        "plan_name": plan.plan_name if plan else "",
        "no_vc": str(plan.no_vc if plan else 0),
        "no_plastic_card": str(plan.no_plastic_card if plan else 0),
        "no_vpc": str(plan.no_vpc if plan else 0),
    }
    if not company.is_live:
        return {
            "status": 1,
            "beneficiaries": [],
            "ibans": [],
            "protFolio": money(Decimal(0)),
            "userplan": userplan,
            "transactions": [],
        }
    if iban_id := call.get("iban_id"):
        ibans = [_company_iban(company, iban_id)]
    else:
        ibans = _ibans(company)
    latest = history.visible_transactions(
        company,
        history.Filters(iban_id=ibans[0].pk if iban_id else None),
        limit=DASHBOARD_TRANSACTIONS,
        counted=False,
    ).rows
    # With iban_id the portfolio is that IBAN's balance: the dashboard is "for that IBAN".
    portfolio = sum((i.balance for i in ibans), Decimal(0))
    return {
        "status": 1,
        "beneficiaries": _payees_json(company),
        "ibans": [_iban_json(i) for i in ibans],
        "protFolio": money(portfolio),
        "userplan": userplan,
        "transactions": [
            {
                "amount": money(trx["amount"]),
                "beneficiary_name": trx["counterparty_name"],
                "created": stamp(trx["created"]),
                "currency": "eur",
                "description": trx["description"],
                "fees": money(trx["fees"]),
                "reason_payment": trx["reason_payment"],
                "status": trx["status"],
                "transaction_id": trx["transaction_id"],
                "trx_id": trx["trx_id"],
                "type": trx["type"],
                "unique_id": trx["unique_id"],
            }
            for trx in latest
        ],
    }


@endpoint("iban_list", session=True, reads_only=True)
def iban_list(call: Call) -> dict[str, Any]:
    """The company's IBANs, oldest first."""
    company = call.session_company
    if not company.is_live:
        return {"status": 1, "ibans": []}
    return {"status": 1, "ibans": [_iban_json(i) for i in _ibans(company)]}


@endpoint("createIban", session=True)
def create_iban(call: Call) -> dict[str, Any]:
    """Open a new EUR IBAN with a label."""
    company = call.session_company
    _require_live(company)
    label = call.require("label")
    if len(label) > MAX_LABEL:
        raise Reject(f"The label must not be longer than {MAX_LABEL} characters.")
    # Lock the company row so two concurrent calls cannot both pass the limit.
    Company.objects.select_for_update().filter(pk=company.pk).first()
    if company.ibans.count() >= MAX_IBANS:
        raise Reject(f"You can have at most {MAX_IBANS} IBANs.")
    iban = bank.open_iban(company, label)
    bank.notify(
        company,
        gettext("IBAN created"),
        gettext("Your new IBAN %(iban)s (%(label)s) is open.")
        % {"iban": iban.iban, "label": label},
    )
    return {"status": 1, "message": "IBAN created successfully", "iban_id": str(iban.pk)}


# --- beneficiaries ----------------------------------------------------------------------


@endpoint("addbeneficary", session=True)
def add_beneficiary(call: Call) -> dict[str, Any]:
    """Save a SEPA payee (person or business) with an optional image."""
    company = call.session_company
    _require_live(company)
    kind = call.require("type").lower()
    if kind not in ("personal", "business"):
        raise Reject("The type must be personal or business.")
    account = call.require("account")
    try:
        parsed = IBAN(account.upper())
    except (SchwiftyException, ValueError) as err:
        raise Reject("Invalid IBAN.") from err
    compact = str(parsed)
    first_name = call.get("first_name")
    last_name = call.get("last_name")
    company_name = call.get("company_name")
    if kind == "personal":
        call.require("first_name")
        call.require("last_name")
    else:
        call.require("company_name")
    for field, value, limit in (
        ("first_name", first_name, 100),
        ("last_name", last_name, 100),
        ("company_name", company_name, 200),
    ):
        if len(value) > limit:
            raise Reject(f"The {field} must not be longer than {limit} characters.")
    email = call.get("email")
    if email:
        try:
            validate_email(email)
        except ValidationError as err:
            raise Reject("The email must be a valid email address.") from err
    if company.ibans.filter(iban=compact).exists():
        raise Reject("You cannot add your own IBAN as a beneficiary.")
    if company.beneficiaries.filter(iban=compact, deleted=False).exists():
        raise Reject("This beneficiary already exists.")

    image = None
    if call.files.get("beneficiary_image") is not None:
        upload = call.require_file("beneficiary_image")
        kind = check_upload(upload, "beneficiary_image", limit=MAX_IMAGE_BYTES, allowed=IMAGE_TYPES)
        image = store_upload(upload, kind)
    # An account of this simulated bank: schwifty does not know its BIC, we do.
    own_bank = Iban.objects.filter(iban=compact).first()
    bic = own_bank.bic if own_bank else (str(parsed.bic) if parsed.bic else "")
    risk = COUNTRY_RISK.get(parsed.country_code)
    beneficiary = Beneficiary.objects.create(
        company=company,
        type=kind,
        iban=compact,
        bic=bic[:11],
        first_name=first_name,
        last_name=last_name,
        company_name=company_name,
        email=email,
        image=image,
        risklevel=RISK_NAMES.get(risk or "", "medium"),
    )
    return {"status": 1, "message": "success.", "beneficiaries_id": str(beneficiary.pk)}


@endpoint("beneficiaries_list", session=True, reads_only=True)
def beneficiaries_list(call: Call) -> dict[str, Any]:
    """Saved payees, newest first; deleted ones are hidden."""
    company = call.session_company
    if not company.is_live:
        return {"status": 1, "beneficiary": []}
    return {"status": 1, "beneficiary": _payees_json(company)}


@endpoint("beneficiaries_delete", session=True)
def beneficiaries_delete(call: Call) -> dict[str, Any]:
    """Hide a payee; past transfers keep the counterparty name they were sent with."""
    company = call.session_company
    _require_live(company)
    pk = _pk(call.require("beneficiaries_id"), "beneficiaries_id")
    updated = company.beneficiaries.filter(pk=pk, deleted=False).update(deleted=True)
    if not updated:
        raise Reject("The beneficiaries_id is not valid.")
    return {"status": 1, "message": "beneficiary deleted successfully"}


# --- transfers --------------------------------------------------------------------------


def _amount(call: Call) -> Decimal:
    raw = call.data.get("amount")
    if isinstance(raw, bool):  # JSON true is not a number of euros
        raise Reject("The amount must be a number.")
    text = call.require("amount")
    try:
        amount = Decimal(text)
    except InvalidOperation as err:
        raise Reject("The amount must be a number.") from err
    if not amount.is_finite() or amount <= 0:
        raise Reject("The amount must be greater than 0.")
    if amount != amount.quantize(Decimal("0.01")):
        raise Reject("The amount must have at most 2 decimals.")
    if amount > MAX_AMOUNT:
        raise Reject(f"The amount must not be more than {money(MAX_AMOUNT)}.")
    return amount.quantize(Decimal("0.01"))


@endpoint("iban_sendmoney", session=True)
def send_money(call: Call) -> dict[str, Any]:
    """Start a transfer to a beneficiary; it waits for the OTP we email."""
    company = call.session_company
    _require_live(company)
    amount = _amount(call)
    option_text = call.require("payment_option")
    # Doc note: the curl sends "sepa", the table says "Sepa or Sepa Instant"; accept both.
    option = PAYMENT_OPTIONS.get(" ".join(option_text.lower().split()))
    if option is None:
        raise Reject("The payment_option must be Sepa or Sepa Instant.")
    reason = call.require("reason_payment")
    if len(reason) > MAX_REASON:
        raise Reject(f"The reason_payment must not be longer than {MAX_REASON} characters.")
    iban = _company_iban(company, call.require("iban_id"))
    beneficiary = company.beneficiaries.filter(
        pk=_pk(call.require("beneficiaries_id"), "beneficiaries_id"), deleted=False
    ).first()
    if beneficiary is None:
        raise Reject("The beneficiaries_id is not valid.")
    if company.plan is None:
        raise Reject("Your account has no plan, so transfers are not possible.")
    fee = company.plan.fee(amount, instant=option == "sepa_instant", outbound=True)
    if iban.balance < amount + fee:
        raise Reject("Insufficient balance.")

    trx = Transaction.objects.create(
        iban=iban,
        beneficiary=beneficiary,
        trx_id=_unique("trx_id", lambda: "TRX" + bank.new_reference(12)),
        transaction_id=_unique("transaction_id", lambda: bank.new_reference(8)),
        type=Transaction.Kind.DEBIT,
        payment_option=option,
        amount=amount,
        fees=fee,
        counterparty_name=beneficiary.name,
        counterparty_iban=beneficiary.iban,
        reason_payment=reason,
        description=f"send {money(amount)} EUR to beneficiary {beneficiary.name}",
        status=Transaction.Status.AWAITING_OTP,
    )
    code = bank.issue_otp(company, Otp.Purpose.PAYMENT, trx.unique_id)
    method = "SEPA Instant" if option == "sepa_instant" else "SEPA"
    bank.send_mail(
        company.email,
        gettext("Your one-time password for a transfer"),
        gettext(
            "Your one-time password is %(code)s. It is valid for 10 minutes.\n\n"
            "Transfer: %(amount)s EUR by %(method)s\n"
            "Fee: %(fee)s EUR\n"
            "Total debited: %(total)s EUR\n"
            "Beneficiary: %(payee)s (%(payee_iban)s)\n"
            "From: %(account)s (%(iban)s)\n\n"
            "If you did not start this transfer, do not share this code."
        )
        % {
            "code": code,
            "amount": money(amount),
            "method": method,
            "fee": money(fee),
            "total": money(amount + fee),
            "payee": beneficiary.name,
            "payee_iban": beneficiary.iban,
            "account": iban.label,
            "iban": iban.iban,
        },
        kind="payment_otp",
    )
    return {"status": 1, "message": SEND_MESSAGE, "unique_id": trx.unique_id}


def _cancel(trx: Transaction, reason: str) -> None:
    trx.status = Transaction.Status.FAILED
    trx.failure_reason = reason
    trx.save(update_fields=["status", "failure_reason"])


@endpoint("iban_confirmotp", session=True)
def confirm_otp(call: Call) -> dict[str, Any]:
    """Check the transfer's OTP; the right one debits the IBAN exactly once."""
    company = call.session_company
    _require_live(company)
    unique_id = call.require("unique_id")
    code = call.require("otp")
    # Locking the transfer first makes a repeated or concurrent confirm see the new status.
    trx = (
        Transaction.objects.select_for_update()
        .filter(unique_id=unique_id, iban__company=company)
        .first()
    )
    if trx is None:
        raise Reject("The unique_id is not valid.")
    if trx.status == Transaction.Status.FAILED:
        raise Reject(f"This transaction has been cancelled. {trx.failure_reason}".strip())
    if trx.status != Transaction.Status.AWAITING_OTP:
        raise Reject("This transaction has already been confirmed.")

    result = bank.check_otp(Otp.Purpose.PAYMENT, trx.unique_id, code)
    if result is None:
        _cancel(trx, "The one-time password expired.")
        raise Reject("Your OTP has expired. The transfer has been cancelled.")
    if result is False:
        otp = Otp.objects.filter(
            purpose=Otp.Purpose.PAYMENT, reference=trx.unique_id, used=False
        ).first()
        if otp is None or otp.attempts >= bank.OTP_MAX_ATTEMPTS:
            _cancel(trx, f"Wrong one-time password entered {bank.OTP_MAX_ATTEMPTS} times.")
            raise Reject(
                "You have entered wrong otp code too many times. The transfer has been cancelled."
            )
        raise Reject("You have entered wrong otp code")

    iban = Iban.objects.select_for_update().get(pk=trx.iban_id)
    total = trx.amount + trx.fees
    if iban.balance < total:
        _cancel(trx, "Insufficient balance when the transfer was confirmed.")
        raise Reject("Insufficient balance.")
    iban.balance -= total
    iban.save(update_fields=["balance"])
    trx.status = Transaction.Status.PENDING
    trx.pending_since = timezone.now()
    if trx.amount > DOCUMENT_THRESHOLD:
        trx.is_upload_document = 1
    trx.save(update_fields=["status", "pending_since", "is_upload_document"])
    text = gettext("%(amount)s EUR to %(name)s is on its way.") % {
        "amount": money(trx.amount),
        "name": trx.counterparty_name,
    }
    if trx.is_upload_document == 1:
        text += " " + gettext("Please upload a supporting document for this transfer.")
    bank.notify(company, gettext("Transfer sent"), text)
    return {"status": 1, "message": CONFIRM_MESSAGE}


# --- history ----------------------------------------------------------------------------


def _positive_int(value: str, field: str, *, default: int, maximum: int | None = None) -> int:
    if not value:
        return default
    # JSON numbers like 2.0 arrive as "2.0"; anything else must be a whole number.
    text = value[:-2] if value.endswith(".0") else value
    if not text.isdigit() or int(text) < 1 or (maximum is not None and int(text) > maximum):
        limit = f" between 1 and {maximum}" if maximum else " of at least 1"
        raise Reject(f"The {field} must be a whole number{limit}.")
    return int(text)


@endpoint("iban_transaction", session=True, reads_only=True)
def iban_transaction(call: Call) -> dict[str, Any]:
    """Transaction history, filtered, searched, ordered and paged."""
    company = call.session_company
    page = _positive_int(call.get("page"), "page", default=1)
    per_page = _positive_int(call.get("per_page"), "per_page", default=10, maximum=MAX_PER_PAGE)
    order = call.get("order", default="desc").lower()
    if order not in ("asc", "desc"):
        raise Reject("The order must be asc or desc.")
    status_text = call.get("status").lower()
    if status_text and status_text not in STATUS_FILTERS:
        raise Reject("The status must be Pending, Completed or Failed.")
    start = call.get("startdate")
    end = call.get("enddate")
    start_date = _parse_date(start, "startdate") if start else None
    end_date = _parse_date(end, "enddate") if end else None
    if start_date and end_date and end_date < start_date:
        raise Reject("The enddate must not be before the startdate.")

    # Doc note: the table spells the filter "iab_id" (typo); the curl sends iban_id.
    iban_id = call.get("iban_id", "iab_id") if company.is_live else ""
    filters = history.Filters(
        iban_id=_company_iban(company, iban_id).pk if iban_id else None,
        status=STATUS_FILTERS.get(status_text, ""),
        first_day=start_date,
        last_day=end_date,
        search=call.get("search"),
    )
    offset = (page - 1) * per_page
    zone = timezone.get_current_timezone()
    if company.is_live:
        found = history.visible_transactions(
            company, filters, newest_first=order == "desc", limit=per_page, offset=offset
        )
        listed, num_rows = found.rows, found.num_rows or 0
    else:
        listed, num_rows = [], 0
    return {
        "status": 1,
        "page_number": page,
        "per_page": per_page,
        "num_rows": num_rows,
        # 0 when nothing matches: "page 1 of 0" says there is nothing to page.
        "total_page": math.ceil(num_rows / per_page),
        "trx": [_trx_row(values, company.company_name, zone) for values in listed],
    }


@endpoint("iban_transaction_detail", session=True, reads_only=True)
def iban_transaction_detail(call: Call) -> dict[str, Any]:
    """One visible transaction with everything the portal shows about it."""
    company = call.session_company
    unique_id = call.require("unique_id")
    trx = _visible(company).filter(unique_id=unique_id).first() if company.is_live else None
    if trx is None:
        raise Reject("The unique_id is not valid.")
    return {
        "status": 1,
        "trx": {
            **_trx_row(_trx_values(trx), trx.iban.company.company_name),
            "biometric_approval": trx.biometric_approval,
            "counterparty_iban": trx.counterparty_iban,
            "payment_option": trx.payment_option,
            "failure_reason": trx.failure_reason,
        },
    }


@endpoint("iban_uploadtrxdoc", session=True)
def upload_trx_document(call: Call) -> dict[str, Any]:
    """The supporting document a large transfer asks for (is_upload_document 1 -> 2)."""
    company = call.session_company
    _require_live(company)
    trx = _visible_by_trx_id(company, call.require("trx_id"))
    upload = call.require_file("trx_document")
    if trx.is_upload_document == 2:
        raise Reject("A document has already been uploaded for this transaction.")
    if trx.is_upload_document != 1:
        raise Reject("No document is needed for this transaction.")
    trx.document = store_upload(upload, check_upload(upload, "trx_document"))
    trx.is_upload_document = 2
    # The settle delay counts from now: the bank held the transfer for this document.
    trx.pending_since = timezone.now()
    trx.save(update_fields=["document", "is_upload_document", "pending_since"])
    return {"status": 1, "message": "Message successfully sent"}


@endpoint("downloadinvoice", session=True)
def download_invoice(call: Call) -> dict[str, Any]:
    """Email a plain-text invoice of one transaction (the response carries none)."""
    company = call.session_company
    _require_live(company)
    trx = _visible_by_trx_id(company, call.require("trx_id"))
    debit = trx.type == Transaction.Kind.DEBIT
    total = trx.amount + trx.fees if debit else trx.amount - trx.fees
    counterparty = trx.counterparty_name + (
        f" ({trx.counterparty_iban})" if trx.counterparty_iban else ""
    )
    method = "SEPA Instant" if trx.payment_option == "sepa_instant" else "SEPA"
    currency = trx.iban.currency
    lines = [
        gettext("INVOICE %(trx)s") % {"trx": trx.trx_id},
        "",
        gettext("Company: %(company)s") % {"company": company.company_name},
        gettext("Account: %(label)s - %(iban)s (%(bic)s)")
        % {"label": trx.iban.label, "iban": trx.iban.iban, "bic": trx.iban.bic},
        (gettext("Beneficiary: %(who)s") if debit else gettext("Sender: %(who)s"))
        % {"who": counterparty},
        gettext("Type: %(type)s (%(method)s)") % {"type": trx.type, "method": method},
        gettext("Payment reference: %(reason)s") % {"reason": trx.reason_payment},
        gettext("Date: %(date)s") % {"date": stamp(trx.created)},
        gettext("Reference: %(reference)s") % {"reference": trx.transaction_id},
        gettext("Status: %(status)s") % {"status": trx.status},
        "",
        gettext("Amount: %(amount)s %(currency)s")
        % {"amount": money(trx.amount), "currency": currency},
        gettext("Fee: %(amount)s %(currency)s") % {"amount": money(trx.fees), "currency": currency},
        gettext("Total: %(amount)s %(currency)s") % {"amount": money(total), "currency": currency},
    ]
    bank.send_mail(
        company.email,
        gettext("Invoice %(trx)s") % {"trx": trx.trx_id},
        "\n".join(lines) + "\n",
        kind="invoice",
    )
    return {"status": 1, "message": "Message successfully sent"}


@endpoint("bankstatement", session=True)
def bank_statement(call: Call) -> dict[str, Any]:
    """Email a statement of one IBAN (or all) between two local dates, inclusive."""
    company = call.session_company
    _require_live(company)
    # Doc note: the curl sends from_date / to_date, the table startdate / enddate.
    start_text = call.require("from_date", "startdate", label="from_date")
    end_text = call.require("to_date", "enddate", label="to_date")
    start = _parse_date(start_text, "from_date", error=STATEMENT_ERROR)
    end = _parse_date(end_text, "to_date", error=STATEMENT_ERROR)
    if end < start:
        raise Reject(STATEMENT_ERROR)
    ibans = company.ibans.order_by("id")
    if iban_id := call.get("iban_id"):
        ibans = ibans.filter(pk=_company_iban(company, iban_id).pk)

    lines = [
        gettext("Bank statement of %(company)s") % {"company": company.company_name},
        gettext("Period: %(start)s to %(end)s")
        % {"start": start.isoformat(), "end": end.isoformat()},
    ]
    for iban in ibans:
        booked = iban.transactions.filter(
            status__in=[Transaction.Status.PENDING, Transaction.Status.COMPLETED]
        ).order_by("created", "id")
        local = [(timezone.localtime(t.created).date(), t) for t in booked]
        after = sum((t.booked for day, t in local if day > end), Decimal(0))
        within = [t for day, t in local if start <= day <= end]
        closing = iban.balance - after
        opening = closing - sum((t.booked for t in within), Decimal(0))
        lines += ["", f"{iban.label} - {iban.iban} ({iban.bic})"]
        lines.append(
            gettext("Opening balance: %(amount)s %(currency)s")
            % {"amount": money(opening), "currency": iban.currency}
        )
        for trx in within:
            lines.append(
                f"{stamp(trx.created)}  {trx.transaction_id}  {trx.status:<9}  "
                f"{money(trx.booked):>12}  {trx.description} ({trx.reason_payment})"
            )
        if not within:
            lines.append(gettext("No transactions in this period."))
        lines.append(
            gettext("Closing balance: %(amount)s %(currency)s")
            % {"amount": money(closing), "currency": iban.currency}
        )
    bank.send_mail(
        company.email,
        gettext("Bank statement %(start)s - %(end)s")
        % {"start": start.isoformat(), "end": end.isoformat()},
        "\n".join(lines) + "\n",
        kind="statement",
    )
    return {"status": 1, "message": "Bank statement has been sent to your registered email."}


# --- notifications and plan -------------------------------------------------------------


@endpoint("notification", session=True, reads_only=True)
def notifications(call: Call) -> dict[str, Any]:
    """The company's notifications, newest first."""
    # Shown before going live too: "Plan declined" is news for a company that is not live.
    company = call.session_company
    return {
        "status": 1,
        "notifications": [
            {
                "id": str(n.pk),
                "title": n.title,
                "description": n.description,
                "date": timezone.localtime(n.created).strftime("%d-%m-%Y"),
            }
            for n in company.notifications.all()
        ],
    }


def _card(company: Company, index: int, available: Decimal) -> dict[str, str]:
    """A card of the plan, derived from the company so it is the same on every call."""
    digest = hashlib.sha256(f"{company.pk}:{index}".encode()).hexdigest()
    created = timezone.localtime(company.created)
    zero = money(Decimal(0))
    return {
        "card_id": str(company.pk * 100 + index + 1),
        "card_number": f"**** **** **** {int(digest, 16) % 10_000:04d}",
        "expiry_date": f"{created.month:02d}/{(created.year + 3) % 100:02d}",
        "card_status": "Active Card",
        "card_lock": "Unlock",
        "card_image": "",
        "last_30_days": zero,
        "available": money(available),
        "limit_spent": zero,
        "todayspent": zero,
    }


@endpoint("getSelectPlan", session=True)
def select_plan(call: Call) -> dict[str, Any]:
    """The company's plan and the cards it includes."""
    # Doc note: the title says "selected plan" but the example is a cardList; send both.
    company = call.session_company
    plan = company.plan
    if not company.is_live or plan is None:
        return {"status": 1, "plan": None, "cardList": []}
    available = company.ibans.aggregate(total=Sum("balance"))["total"] or Decimal(0)
    count = plan.no_plastic_card + plan.no_vc
    return {
        "status": 1,
        "plan": {
            **plan_json(plan),
            "no_vc": str(plan.no_vc),
            "no_plastic_card": str(plan.no_plastic_card),
            "no_vpc": str(plan.no_vpc),
        },
        "cardList": [_card(company, index, available) for index in range(count)],
    }
