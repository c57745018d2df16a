"""The demo company of the simulator: a live Belgian business with four months of history.

`manage.py sandbox seed-demo`, the console's "seed demo" button and `make run` call
`seed_demo`. The history is generated from a fixed seed, so every run shows the same
movements (relative to today): every status of a transfer, both IBANs, a few
beneficiaries, crypto wallets and notifications.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from schwifty import IBAN

from sandbox import bank, reference
from sandbox.actions import plan_for, required_text
from sandbox.models import (
    Beneficiary,
    Company,
    CompanyDocument,
    CryptoBalance,
    CryptoTransaction,
    Director,
    Iban,
    Notification,
    Plan,
    PlanProposal,
    StoredFile,
    Transaction,
)

DEMO_EMAIL = "demo@codego.test"
DEMO_PASSWORD = "Demo-pass-2026"  # noqa: S105 - the documented demo login
DEMO_COMPANY = "Northwind Trading BV"


def delete_company(company: Company) -> None:
    """A company and everything below it, including its stored files."""
    file_ids = set(company.documents.values_list("file_id", flat=True))
    file_ids |= set(company.additional_documents.values_list("file_id", flat=True))
    file_ids |= set(company.beneficiaries.values_list("image_id", flat=True))
    file_ids |= set(
        Transaction.objects.filter(iban__company=company).values_list("document_id", flat=True)
    )
    company.delete()
    StoredFile.objects.filter(pk__in=[pk for pk in file_ids if pk]).delete()


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


def _received(iban: Iban, when: datetime, amount: Decimal, name: str, reason: str) -> _Move:
    return _Move(iban, when, "credit", amount, name, reason=reason)


def _paid(
    iban: Iban, when: datetime, amount: Decimal, payee: Beneficiary, reason: str, **details: Any
) -> _Move:
    """A transfer to `payee`; `details` sets its status, SEPA Instant or document."""
    return _Move(
        iban, when, "debit", amount, payee.name, beneficiary=payee, reason=reason, **details
    )


def _demo_history(
    main: Iban, payroll: Iban, people: list[Beneficiary], rng: random.Random, start: datetime
) -> list[_Move]:
    """About four months of movements on both IBANs, oldest first, every status present."""
    owner = main.company.company_name
    contoso, fabrikam, camille = people
    customers = [
        ("Globex Corporation", "DE"),
        ("Initech SA", "FR"),
        ("Umbrella Retail NV", "NL"),
        ("Stark Logistics BV", "NL"),
    ]
    moves = [
        _received(main, start, Decimal("25000.00"), owner, "Opening deposit"),
        _received(
            payroll, start + timedelta(hours=2), Decimal("12000.00"), owner, "Opening deposit"
        ),
    ]

    def at(day: int) -> datetime:
        midnight = start.replace(hour=0)
        return midnight + timedelta(days=day, hours=rng.randint(8, 17), minutes=rng.randint(0, 59))

    def cents(low: int, high: int) -> Decimal:
        return Decimal(rng.randint(low * 100, high * 100)) / 100

    # Arguments are evaluated in order, so `rng` draws the same numbers on every run.
    for month in range(4):
        base = 3 + month * 30
        for day in sorted(rng.sample(range(base, base + 24), 3)):
            name, _ = rng.choice(customers)
            moves.append(
                _received(main, at(day), cents(900, 6500), name, f"Invoice NW-{2026_000 + day}")
            )
        moves.append(_paid(main, at(base + 8), cents(400, 2200), contoso, "Cloud hosting"))
        moves.append(
            _paid(
                main,
                at(base + 15),
                cents(300, 1500),
                fabrikam,
                "Office supplies",
                instant=month % 2 == 1,
            )
        )
        salary = f"Salary month {month + 1}"
        moves.append(_paid(payroll, at(base + 25), Decimal("2850.00"), camille, salary))
        moves.append(
            _received(payroll, at(base + 22), Decimal("3000.00"), owner, "Payroll funding")
        )

    now_day = (timezone.now() - start).days
    failed, pending = Transaction.Status.FAILED, Transaction.Status.PENDING
    moves += [
        # A large transfer whose supporting document was uploaded and accepted.
        _paid(main, at(70), Decimal("12500.00"), contoso, "Annual licence", is_upload_document=2),
        # Refused by the receiving bank: nothing booked.
        _paid(
            main,
            at(50),
            Decimal("780.00"),
            fabrikam,
            "Consulting",
            status=failed,
            failure_reason="Beneficiary bank rejected the transfer: account closed",
        ),
        _paid(
            payroll,
            at(95),
            Decimal("150.00"),
            camille,
            "Expense refund",
            status=failed,
            failure_reason="The one-time password expired.",
        ),
        # On their way: booked, not yet settled; the large one still needs its document.
        _paid(
            main,
            at(now_day - 2),
            Decimal("11200.00"),
            fabrikam,
            "Hardware order",
            status=pending,
            is_upload_document=1,
        ),
        _paid(
            main,
            at(now_day - 1),
            Decimal("640.00"),
            contoso,
            "Support contract",
            status=pending,
            instant=True,
        ),
        _paid(
            payroll, at(now_day - 1), Decimal("420.00"), camille, "Travel expenses", status=pending
        ),
    ]
    moves.sort(key=lambda move: move.when)
    return moves


def _write_history(plan: Plan, moves: list[_Move], rng: random.Random) -> None:
    balances: dict[int, Decimal] = {}
    for move in moves:
        outbound = move.kind == "debit"
        fee = plan.fee(move.amount, instant=move.instant, outbound=outbound)
        trx_id, transaction_id = bank.unique_trx_ids(rng)
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
        balances[move.iban.pk] = balances.get(move.iban.pk, Decimal(0)) + trx.booked
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
            transaction_id=bank.crypto_transaction_id(rng),
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


@transaction.atomic
def seed_demo(
    *,
    email: str = DEMO_EMAIL,
    password: str = DEMO_PASSWORD,
    company_name: str = DEMO_COMPANY,
    password_hash: str = "",
    seed: int = 2026,
) -> Company:
    """A live Belgian company with four months of history; replaces one with that email.

    `password_hash`, when given, is the password already hashed (a visitor's); `seed`
    draws the amounts (the shared demo always the same ones, each visitor others)."""
    email = required_text(email, "email").lower()
    password = required_text(password, "password")
    existing = Company.objects.filter(email__iexact=email).first()
    if existing is not None:
        delete_company(existing)

    rng = random.Random(seed)
    now = timezone.now()
    # Local office hours: 09:00 on the first day, then movements between 08:00 and 18:00.
    start = timezone.localtime(now - timedelta(days=120))
    start = start.replace(hour=9, minute=0, second=0, microsecond=0)
    profile = _demo_profile()
    company = Company.objects.create(
        whitelabel_id=settings.CODEGO_WHITELABEL_ID,
        email=email,
        company_name=required_text(company_name, "company name"),
        password_hash=password_hash or make_password(password),
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
    plan = plan_for(company)
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
