"""What the bank's staff do to the simulated bank: compliance decisions, back office, faults.

The `sandbox` management command and the console pages call these functions. Each one
runs in a single transaction and raises `ActionError` with a message a person can read
when the input does not fit the bank's state (unknown email, IBAN or transaction, or a
step in the wrong status). Nothing here prints.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from schwifty import IBAN

from sandbox import bank, reference
from sandbox.models import (
    AdditionalDocument,
    Beneficiary,
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
CENT = Decimal("0.01")
SATOSHI = Decimal("0.00000001")
MAX_AMOUNT = Decimal("1000000000.00")

DEMO_EMAIL = "demo@codego.test"
DEMO_PASSWORD = "Demo-pass-2026"  # noqa: S105 - the documented demo login
DEMO_COMPANY = "Northwind Trading BV"


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


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError(f"The {field} is required.")
    return value


def _euros(amount: Decimal | str | int) -> Decimal:
    """A positive amount of euros with at most 2 decimals."""
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation as err:
        raise ActionError(f"The amount {amount!r} is not a number.") from err
    if not value.is_finite() or value <= 0:
        raise ActionError("The amount must be greater than 0.")
    if value > MAX_AMOUNT:
        raise ActionError(f"The amount must not be more than {bank.money(MAX_AMOUNT)}.")
    if value != value.quantize(CENT):
        raise ActionError("The amount must have at most 2 decimals.")
    return value.quantize(CENT)


def _plan_for(company: Company) -> Plan:
    """The plan of the company's risk group (getPlan note); low without a country."""
    bank.ensure_plans()
    country = reference.COUNTRIES_BY_ID.get(str((company.profile or {}).get("company_country")))
    risk = reference.RISK_LEVEL_TO_PLAN.get(country["risk_level"], "low") if country else "low"
    plan = Plan.objects.filter(risk=risk).order_by("id").first()
    if plan is None:
        raise ActionError(f"There is no {risk} risk plan.")
    return plan


def _unique_trx_ids(rng: random.Random | None = None) -> tuple[str, str]:
    """A fresh (trx_id, transaction_id) pair in the formats iban_sendmoney uses."""

    def digits(count: int) -> str:
        if rng is None:
            return bank.new_reference(count)
        return str(rng.randrange(10 ** (count - 1), 10**count))

    while True:
        trx_id, transaction_id = "TRX" + digits(12), digits(8)
        taken = Transaction.objects.filter(
            Q(trx_id=trx_id) | Q(transaction_id=transaction_id)
        ).exists()
        if not taken:
            return trx_id, transaction_id


def _booked(trx: Transaction) -> Decimal:
    """What a transaction did to its IBAN's balance (Pending and Completed are booked)."""
    if trx.status not in (Transaction.Status.PENDING, Transaction.Status.COMPLETED):
        return Decimal(0)
    if trx.type == Transaction.Kind.DEBIT:
        return -(trx.amount + trx.fees)
    return trx.amount - trx.fees


def _tell(company: Company, title: str, text: str, kind: str) -> None:
    """A notification in the portal and the same words by email."""
    bank.notify(company, title, text)
    bank.send_mail(company.email, title, f"Hello {company.company_name},\n\n{text}\n", kind=kind)


def _delete_company(company: Company) -> None:
    """A company and everything below it, including its stored files."""
    file_ids = set(company.documents.values_list("file_id", flat=True))
    file_ids |= set(company.additional_documents.values_list("file_id", flat=True))
    file_ids |= set(company.beneficiaries.values_list("image_id", flat=True))
    file_ids |= set(
        Transaction.objects.filter(iban__company=company).values_list("document_id", flat=True)
    )
    company.delete()
    StoredFile.objects.filter(pk__in=[pk for pk in file_ids if pk]).delete()


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


def tiny_pdf(title: str) -> bytes:
    """A one-page PDF with a line of text and a correct cross-reference table."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdf_file(name: str, title: str) -> StoredFile:
    data = tiny_pdf(title)
    return StoredFile.objects.create(
        name=name, content_type="application/pdf", size=len(data), data=data
    )


@dataclass
class _Move:
    """One movement of the demo history before it is written."""

    iban: Iban
    when: datetime
    kind: str
    amount: Decimal
    name: str
    counterparty_iban: str = ""
    beneficiary: Beneficiary | None = None
    reason: str = ""
    status: str = Transaction.Status.COMPLETED
    instant: bool = False
    failure_reason: str = ""
    is_upload_document: int = 0


def _demo_profile() -> dict[str, str]:
    belgium = reference.country_id("BE")
    address = {
        "address1": "Rue de la Loi 16",
        "city": "Brussels",
        "region": "Brussels-Capital",
        "zip": "1000",
    }
    return {
        "date_of_incorporation": "2019-03-14",
        "registration_number": "0712.345.678",
        "vat_number": "BE0712345678",
        "industry": "Software",
        "website": "https://northwind.example",
        "no_employees": "2",
        "purpose_of_account": "Receiving customer payments, paying suppliers and payroll",
        "registration_country": belgium,
        **{f"registration_{key}": value for key, value in address.items()},
        "actual_country": belgium,
        **{f"actual_{key}": value for key, value in address.items()},
        "company_country": belgium,
        "company_type": "2",
        "phonecode": "32",
        "phone": "470123456",
    }


def _demo_beneficiaries(company: Company, rng: random.Random, start: datetime) -> list[Beneficiary]:
    def account(length: int) -> str:
        return str(rng.randrange(10 ** (length - 1), 10**length))

    rows = [
        (
            "business",
            "DE",
            {"bank_code": "37040044", "account_code": account(10)},
            "",
            "",
            "Contoso GmbH",
            "ap@contoso.example",
        ),
        (
            "business",
            "NL",
            {"bank_code": "ABNA", "account_code": account(9)},
            "",
            "",
            "Fabrikam BV",
            "billing@fabrikam.example",
        ),
        (
            "personal",
            "FR",
            {"bank_code": "30006", "branch_code": "00001", "account_code": account(11)},
            "Camille",
            "Martin",
            "",
            "camille.martin@example.test",
        ),
    ]
    made = []
    for number, (kind, country, parts, first, last, company_name, email) in enumerate(rows):
        iban = IBAN.generate(country, **parts)
        bic = iban.bic
        made.append(
            Beneficiary.objects.create(
                company=company,
                type=kind,
                iban=str(iban),
                bic=str(bic) if bic else "",
                first_name=first,
                last_name=last,
                company_name=company_name,
                email=email,
                created=start + timedelta(days=2 + number),
            )
        )
    return made


def _demo_history(
    main: Iban, payroll: Iban, people: list[Beneficiary], rng: random.Random, start: datetime
) -> list[_Move]:
    owner = main.company.company_name
    """About four months of movements on both IBANs, oldest first, every status present."""
    contoso, fabrikam, camille = people
    customers = [
        ("Globex Corporation", "DE"),
        ("Initech SA", "FR"),
        ("Umbrella Retail NV", "NL"),
        ("Stark Logistics BV", "NL"),
    ]
    moves = [
        _Move(
            main,
            start,
            "credit",
            Decimal("25000.00"),
            owner,
            reason="Opening deposit",
        ),
        _Move(
            payroll,
            start + timedelta(hours=2),
            "credit",
            Decimal("12000.00"),
            owner,
            reason="Opening deposit",
        ),
    ]

    def at(day: int) -> datetime:
        midnight = start.replace(hour=0)
        return midnight + timedelta(days=day, hours=rng.randint(8, 17), minutes=rng.randint(0, 59))

    def cents(low: int, high: int) -> Decimal:
        return Decimal(rng.randint(low * 100, high * 100)) / 100

    for month in range(4):
        base = 3 + month * 30
        for day in sorted(rng.sample(range(base, base + 24), 3)):
            name, _ = rng.choice(customers)
            moves.append(
                _Move(
                    main,
                    at(day),
                    "credit",
                    cents(900, 6500),
                    name,
                    reason=f"Invoice NW-{2026_000 + day}",
                )
            )
        moves.append(
            _Move(
                main,
                at(base + 8),
                "debit",
                cents(400, 2200),
                contoso.name,
                beneficiary=contoso,
                reason="Cloud hosting",
            )
        )
        moves.append(
            _Move(
                main,
                at(base + 15),
                "debit",
                cents(300, 1500),
                fabrikam.name,
                beneficiary=fabrikam,
                reason="Office supplies",
                instant=month % 2 == 1,
            )
        )
        moves.append(
            _Move(
                payroll,
                at(base + 25),
                "debit",
                Decimal("2850.00"),
                camille.name,
                beneficiary=camille,
                reason=f"Salary month {month + 1}",
            )
        )
        moves.append(
            _Move(
                payroll,
                at(base + 22),
                "credit",
                Decimal("3000.00"),
                owner,
                reason="Payroll funding",
            )
        )

    now_day = (timezone.now() - start).days
    moves += [
        # A large transfer whose supporting document was uploaded and accepted.
        _Move(
            main,
            at(70),
            "debit",
            Decimal("12500.00"),
            contoso.name,
            beneficiary=contoso,
            reason="Annual licence",
            is_upload_document=2,
        ),
        # Refused by the receiving bank: nothing booked.
        _Move(
            main,
            at(50),
            "debit",
            Decimal("780.00"),
            fabrikam.name,
            beneficiary=fabrikam,
            reason="Consulting",
            status=Transaction.Status.FAILED,
            failure_reason="Beneficiary bank rejected the transfer: account closed",
        ),
        _Move(
            payroll,
            at(95),
            "debit",
            Decimal("150.00"),
            camille.name,
            beneficiary=camille,
            reason="Expense refund",
            status=Transaction.Status.FAILED,
            failure_reason="The one-time password expired.",
        ),
        # On their way: booked, not yet settled; the large one still needs its document.
        _Move(
            main,
            at(now_day - 2),
            "debit",
            Decimal("11200.00"),
            fabrikam.name,
            beneficiary=fabrikam,
            reason="Hardware order",
            status=Transaction.Status.PENDING,
            is_upload_document=1,
        ),
        _Move(
            main,
            at(now_day - 1),
            "debit",
            Decimal("640.00"),
            contoso.name,
            beneficiary=contoso,
            reason="Support contract",
            status=Transaction.Status.PENDING,
            instant=True,
        ),
        _Move(
            payroll,
            at(now_day - 1),
            "debit",
            Decimal("420.00"),
            camille.name,
            beneficiary=camille,
            reason="Travel expenses",
            status=Transaction.Status.PENDING,
        ),
    ]
    moves.sort(key=lambda move: move.when)
    return moves


def _write_history(plan: Plan, moves: list[_Move], rng: random.Random) -> None:
    balances: dict[int, Decimal] = {}
    for move in moves:
        outbound = move.kind == "debit"
        fee = plan.fee(move.amount, instant=move.instant, outbound=outbound)
        trx_id, transaction_id = _unique_trx_ids(rng)
        amount = bank.money(move.amount)
        if outbound:
            description = f"send {amount} EUR to beneficiary {move.name}"
        else:
            description = f"receive {amount} EUR from {move.name}"
        document = None
        if move.is_upload_document == 2:
            document = _pdf_file(f"invoice-{transaction_id}.pdf", f"Invoice for {trx_id}")
        trx = Transaction.objects.create(
            iban=move.iban,
            beneficiary=move.beneficiary,
            trx_id=trx_id,
            transaction_id=transaction_id,
            type=move.kind,
            payment_option="sepa_instant" if move.instant else "sepa",
            amount=move.amount,
            fees=fee,
            counterparty_name=move.name,
            counterparty_iban=move.beneficiary.iban if move.beneficiary else "",
            reason_payment=move.reason,
            description=description,
            status=move.status,
            failure_reason=move.failure_reason,
            is_upload_document=move.is_upload_document,
            document=document,
            created=move.when,
        )
        balances[move.iban.pk] = balances.get(move.iban.pk, Decimal(0)) + _booked(trx)
    for iban_pk, balance in balances.items():
        Iban.objects.filter(pk=iban_pk).update(balance=balance)


def _demo_crypto(company: Company, rng: random.Random, start: datetime) -> None:
    rows = [
        ("usdt", "Deposit", Decimal("2500.00"), Decimal("0"), 20),
        ("btc", "Deposit", Decimal("0.08450000"), Decimal("0"), 41),
        ("eth", "Deposit", Decimal("2.00000000"), Decimal("0"), 63),
        ("usdt", "Withdraw", Decimal("480.00"), Decimal("1.50"), 88),
        ("eth", "Withdraw", Decimal("0.25000000"), Decimal("0.00210000"), 101),
    ]
    balances: dict[str, Decimal] = {}
    for coin, kind, amount, fee, day in rows:
        network = reference.COINS[coin]["networks"][0]  # type: ignore[index]
        digest = f"{rng.getrandbits(256):064x}"
        CryptoTransaction.objects.create(
            company=company,
            coin=coin,
            type=kind,
            network=str(network),
            transaction_id=_crypto_transaction_id(rng),
            hash=digest if coin == "btc" else "0x" + digest,
            amount=amount,
            fees=fee,
            description=f"{kind} {amount.normalize():f} {coin.upper()}",
            created=start + timedelta(days=day, hours=11),
        )
        change = amount - fee if kind == "Deposit" else -(amount + fee)
        balances[coin] = balances.get(coin, Decimal(0)) + change
    for coin, balance in balances.items():
        CryptoBalance.objects.create(company=company, coin=coin, balance=balance)


def _crypto_transaction_id(rng: random.Random | None = None) -> str:
    while True:
        number = rng.randrange(10**15, 10**16) if rng else secrets.randbelow(9 * 10**15) + 10**15
        value = f"CTX{number}"
        if not CryptoTransaction.objects.filter(transaction_id=value).exists():
            return value


@transaction.atomic
def seed_demo(
    *,
    email: str = DEMO_EMAIL,
    password: str = DEMO_PASSWORD,
    company_name: str = DEMO_COMPANY,
) -> Company:
    """A live Belgian company with four months of history; replaces one with that email."""
    email = _text(email, "email").lower()
    password = _text(password, "password")
    existing = Company.objects.filter(email__iexact=email).first()
    if existing is not None:
        _delete_company(existing)

    rng = random.Random(2026)
    now = timezone.now()
    # Local office hours: 09:00 on the first day, then movements between 08:00 and 18:00.
    start = timezone.localtime(now - timedelta(days=120))
    start = start.replace(hour=9, minute=0, second=0, microsecond=0)
    profile = _demo_profile()
    company = Company.objects.create(
        whitelabel_id=settings.CODEGO_WHITELABEL_ID,
        email=email,
        company_name=_text(company_name, "company name"),
        password_hash=make_password(password),
        email_verified=True,
        phone_number=f"+{profile['phonecode']} {profile['phone']}",
        profile=profile,
        company_status=Company.Step.VERIFIED,
        document_status=Company.Step.VERIFIED,
        director_status=Company.Step.VERIFIED,
        created=start - timedelta(days=6),
    )
    for kind, title in (
        (CompanyDocument.Kind.BUSINESS_REGISTRATION, "Certificate of incorporation"),
        (CompanyDocument.Kind.OWNERSHIP, "Shareholder register"),
        (CompanyDocument.Kind.FINANCIAL, "Annual accounts 2025"),
    ):
        stored = _pdf_file(f"{kind.lower()}.pdf", f"{company.company_name}: {title}")
        CompanyDocument.objects.create(
            company=company, kind=kind, status=CompanyDocument.Status.VERIFIED, file=stored
        )
    belgium = reference.country_id("BE")
    Director.objects.create(
        company=company,
        role="director",
        first_name="Eva",
        last_name="Janssens",
        dob="1984-05-12",
        country=belgium,
        address_country=belgium,
        address="Avenue Louise 54",
        city="Brussels",
        zipcode="1050",
        gender="female",
        mobile="+32 470123457",
        link_sent=start - timedelta(days=5),
        created=start - timedelta(days=5),
    )
    plan = _plan_for(company)
    PlanProposal.objects.create(
        company=company,
        plan=plan,
        status=PlanProposal.Status.ACCEPTED,
        created=start - timedelta(days=1),
    )
    company.plan = plan
    company.is_live = True
    company.save()

    main = bank.open_iban(company, "Main account")
    payroll = bank.open_iban(company, "Payroll")
    Iban.objects.filter(pk=main.pk).update(created=start)
    Iban.objects.filter(pk=payroll.pk).update(created=start + timedelta(hours=1))
    people = _demo_beneficiaries(company, rng, start)
    _write_history(plan, _demo_history(main, payroll, people, rng, start), rng)
    _demo_crypto(company, rng, start)

    for days_ago, title, text in (
        (120, "Account live", f"Your {plan.plan_name} plan is active."),
        (70, "Transfer failed", "780.00 EUR to Fabrikam BV was rejected by the beneficiary bank."),
        (5, "Payment received", "An invoice payment arrived on your Main account."),
        (
            2,
            "Document required",
            "Please upload a supporting document for your 11200.00 EUR transfer.",
        ),
    ):
        Notification.objects.create(
            company=company, title=title, description=text, created=now - timedelta(days=days_ago)
        )
    return company


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
        _tell(company, "Verification update", text, kind="kyc_update")
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
    reason = _text(reason, "reason")[:500]

    if what == "profile":
        if company.company_status == Company.Step.TO_DO:
            raise ActionError("The company profile cannot be rejected: nothing submitted.")
        if company.company_status == Company.Step.REJECTED:
            raise ActionError("The company profile is already rejected.")
        company.company_status = Company.Step.REJECTED
        company.reject_reason = reason
        company.save(update_fields=["company_status", "reject_reason", "updated"])
        text = f"Your company profile has been rejected: {reason}. Please submit it again."
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
        text = f"Your director's details have been rejected: {reason}. Please submit them again."
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
        label = kind.replace("_", " ").lower()
        text = f"Your {label} document has been rejected: {reason}. Please upload it again."
    _tell(company, "Verification update", text, kind="kyc_update")


@transaction.atomic
def request_document(*, email: str, title: str, description: str = "") -> AdditionalDocument:
    """Compliance asks for one more document (getCompanyStatus `additonal_documents`)."""
    company = _company(email)
    title = _text(title, "title")[:200]
    document = AdditionalDocument.objects.create(
        company=company, title=title, description=(description or "").strip()
    )
    text = f"Our compliance team needs one more document: {title}."
    if document.description:
        text += f" {document.description}"
    _tell(company, "Document requested", text, kind="document_request")
    return document


def plan_link(proposal: PlanProposal) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}/plan/respond/?unique_id={proposal.unique_id}"


@transaction.atomic
def make_live(*, email: str, accept: bool = False) -> PlanProposal:
    """Propose the plan of the company's risk group by email; `accept` takes it at once."""
    company = _company(email)
    if company.is_live:
        raise ActionError(f"{company.email} is already live.")
    plan = _plan_for(company)
    # Only the newest link works: older offers lapse.
    company.proposals.filter(status=PlanProposal.Status.PENDING).update(
        status=PlanProposal.Status.REJECTED
    )
    proposal = PlanProposal.objects.create(company=company, plan=plan)
    bank.send_mail(
        company.email,
        f"Your business plan: {plan.plan_name}",
        f"Hello {company.company_name},\n\n"
        f"your account has been reviewed. We offer you the {plan.plan_name} plan "
        f"({plan.risk} risk):\n"
        f"- Plan price: {bank.money(plan.eur_plan_price)} EUR\n"
        f"- Monthly account fee: {bank.money(plan.monthly_account)} EUR\n"
        f"- SEPA out: {bank.money(plan.sepa_out_fee)} EUR + {plan.sepa_out_fee_percentage}%\n"
        f"- SEPA in: {bank.money(plan.sepa_in_fee)} EUR + {plan.sepa_in_fee_percentage}%\n"
        f"- SEPA Instant out: {bank.money(plan.sepa_instant_out_fee)} EUR + "
        f"{plan.sepa_instant_out_fee_percentage}%\n\n"
        f"Accept or decline the plan here:\n{plan_link(proposal)}\n",
        kind="plan_proposal",
    )
    bank.notify(company, "Plan proposed", f"We sent you the {plan.plan_name} plan by email.")
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
    name = _text(name, "sender name")[:200]
    plan = account.company.plan
    fee = plan.fee(value, instant=False, outbound=False) if plan else Decimal("0.00")
    if fee >= value:
        raise ActionError(f"The amount must be more than the inbound fee of {bank.money(fee)}.")
    trx_id, transaction_id = _unique_trx_ids()
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
        "Payment received",
        f"{bank.money(value)} EUR from {name} arrived on {account.label} ({account.iban}).",
    )
    return trx


@transaction.atomic
def settle(*, trx: str, reject: bool = False, reason: str = "") -> Transaction:
    """Settle a Pending transaction, or reject it and give back what it booked."""
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
    company = found.iban.company
    amount = bank.money(found.amount)
    if reject:
        reason = (reason or "").strip() or "Rejected by the bank."
        booked = _booked(found)
        account = Iban.objects.select_for_update().get(pk=found.iban_id)
        account.balance -= booked
        account.save(update_fields=["balance"])
        found.status = Transaction.Status.FAILED
        found.failure_reason = reason[:300]
        found.save(update_fields=["status", "failure_reason"])
        bank.notify(
            company,
            "Transfer failed",
            f"{amount} EUR to {found.counterparty_name} failed: {reason} "
            f"{bank.money(-booked)} EUR went back to {account.label}.",
        )
    else:
        found.status = Transaction.Status.COMPLETED
        found.save(update_fields=["status"])
        bank.notify(
            company, "Transfer completed", f"{amount} EUR to {found.counterparty_name} arrived."
        )
    return found


def _coins(amount: Decimal | str) -> Decimal:
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation as err:
        raise ActionError(f"The amount {amount!r} is not a number.") from err
    if not value.is_finite() or value <= 0:
        raise ActionError("The amount must be greater than 0.")
    if value >= Decimal(10**15):
        raise ActionError("The amount is too large.")
    if value != value.quantize(SATOSHI):
        raise ActionError("The amount must have at most 8 decimals.")
    return value.quantize(SATOSHI)


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
        transaction_id=_crypto_transaction_id(),
        hash=digest if symbol == "btc" else "0x" + digest,
        amount=value,
        description=f"Deposit {shown} {symbol.upper()}",
    )
    bank.notify(company, "Crypto deposit", f"{shown} {symbol.upper()} arrived on your wallet.")
    return deposit


@transaction.atomic
def notify_company(*, email: str, title: str, description: str) -> Notification:
    company = _company(email)
    return bank.notify(company, _text(title, "title")[:200], _text(description, "description"))


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
) -> Fault:
    """Make `endpoint` ("*" for every one) fail; replaces the fault it had."""
    name = _endpoint_name(endpoint)
    if http_status is not None and not 100 <= http_status <= 599:
        raise ActionError("The HTTP status must be between 100 and 599.")
    if latency_ms < 0 or latency_ms > 120_000:
        raise ActionError("The latency must be between 0 and 120000 ms.")
    if not 0 < error_rate <= 1:
        raise ActionError("The error rate must be more than 0 and at most 1.")
    if http_status is None and not timeout and not garbage and not latency_ms:
        raise ActionError("Choose a fault: an HTTP status, a timeout, garbage or a latency.")
    fault, _ = Fault.objects.update_or_create(
        endpoint=name,
        defaults={
            "http_status": http_status,
            "timeout": timeout,
            "garbage": garbage,
            "latency_ms": latency_ms,
            "error_rate": error_rate,
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
