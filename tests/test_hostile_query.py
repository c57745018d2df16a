"""Whatever a URL carries, no page answers 5xx, logs an error or builds a bad cache key.

Every page, signed out and signed in, is asked with hostile values in each query
parameter it reads (and in every one of them at once), and in each id of its
path. A new parameter in the code that this test does not know fails the test.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.cache import CacheKeyWarning
from django.test import Client
from django.urls import URLResolver, get_resolver

from banking.models import PendingPayment
from sandbox.demo import DEMO_PASSWORD, seed_demo
from sandbox.models import Company, Transaction
from tests.conftest import create_company, portal_sign_in

pytestmark = pytest.mark.django_db

HOSTILE = (
    "\x00",
    "a\x00b",
    "x" * 5000,
    "../../etc/passwd",
    "https://attacker.example/path?x=1",
    "<script>alert(1)</script>",
    "\U0001f4b8\u202e\u200b",
    "-1",
    "99999999999999999999",
    "2026-02-30",
    "' OR '1'='1",
    "%00%2e%2e%2f",
)

# Every query parameter a page of the portal or the sandbox reads.
PAGES_SIGNED_IN: dict[str, tuple[str, ...]] = {
    "/": (),
    "/dashboard/": ("iban_id", "refresh"),
    "/accounts/": (),
    "/accounts/new/": (),
    "/beneficiaries/": ("q",),
    "/beneficiaries/new/": ("next",),
    "/beneficiaries/iban-check/": ("account",),
    "/payments/new/": (
        "iban_id",
        "beneficiaries_id",
        "amount",
        "payment_option",
        "reason_payment",
        "account",
        "beneficiary_name",
        "change",
    ),
    "/transactions/": ("iban_id", "status", "startdate", "enddate", "search", "order", "page"),
    "/transactions/export.csv": ("iban_id", "status", "startdate", "enddate", "search", "order"),
    "/statements/": ("iban_id", "from_date", "to_date"),
    "/statements/print/": ("iban_id", "from_date", "to_date"),
    "/statements/export/": ("iban_id", "from_date", "to_date", "format"),
    "/notifications/": (),
    "/profile/": (),
    "/cards/": (),
    "/crypto/": (),
    "/crypto/btc/": (),
    "/plan/respond/": ("unique_id",),
    # Last: `?expired=` ends the session (the inactivity dialog ran out).
    "/login/": ("expired", "email", "next"),
}
PAGES_ONBOARDING: dict[str, tuple[str, ...]] = {
    "/onboarding/": ("poll",),
    "/onboarding/company/": (),
    "/onboarding/documents/": (),
    "/onboarding/directors/": (),
    "/onboarding/additional-documents/": (),
    "/onboarding/plan/": (),
}
PAGES_PUBLIC: dict[str, tuple[str, ...]] = {
    "/": (),
    "/login/": ("email", "next", "expired"),
    "/login/verify/": (),
    "/signup/": (),
    "/signup/verify/": (),
    "/password/forgot/": (),
    "/password/reset/": (),
    "/plan/respond/": ("unique_id",),
    "/healthz": (),
    "/metrics": (),
    "/brand.css": (),
    "/sandbox/mailbox/": ("to",),
    "/sandbox/mailbox.json": ("to",),
    "/sandbox/console/": ("q",),
    "/sandbox/console/login/": ("next",),
}
# Pages whose path carries an id: `{}` is where it goes.
PATHS_SIGNED_IN = (
    "/transactions/{}/",
    "/transactions/{}/receipt/",
    "/transactions/{}/receipt.pdf",
    "/statements/export/{}/",
    "/payments/{}/review/",
    "/payments/{}/confirm/",
    "/beneficiaries/{}/delete/",
    "/crypto/{}/",
)
PATHS_PUBLIC = ("/sandbox/kyc/{}", "/sandbox/files/{}")

# Routes the walk leaves out, and why.
NOT_WALKED = {
    "readyz": "503 is its answer when a dependency is down; it reads no parameter",
    "heartbeat": "POST only",
    "keep-alive": "POST only",
    "login-resend": "POST only",
    "logout": "POST only",
    "demo-start": "POST only",
    "language": "POST only; where it goes back to is checked to be this site",
    "director-resend": "POST only",
    "payment-resend": "POST only",
    "transaction-document": "POST only",
    "transaction-invoice": "POST only",
    "api": "the simulator's API: POST, answered in the bank's own words",
    "mailbox-message": "an integer id (Django's int converter)",
    "console-logout": "POST only",
    "console-seed": "POST only",
    "console-reset": "POST only",
    "console-fault-set": "POST only",
    "console-faults-clear": "POST only",
    "console-fault-clear": "POST only",
    "console-company": "staff only, an integer id",
    "console-company-action": "POST only",
}


def _routes() -> Iterator[tuple[str, str]]:
    def walk(patterns: list, prefix: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield "/" + prefix + str(pattern.pattern), pattern.name

    return walk(get_resolver().url_patterns, "")


# Where the code reads a query parameter by name.
_READS = re.compile(
    r'(?:request\.GET\.get|query_(?:id|text|count|page))\(\s*(?:request,\s*)?"(\w+)"'
    r'|"(\w+)" in request\.GET'
)
_SOURCES = ("banking", "onboarding", "crypto_wallets", "portal", "sandbox")
# Read by the filter forms bound to request.GET, under their field names.
_FORM_FIELDS = {"status", "startdate", "enddate", "search", "order", "from_date", "to_date"}


def _parameters_read_by_the_code() -> set[str]:
    root = Path(__file__).resolve().parent.parent
    found: set[str] = set()
    for package in _SOURCES:
        for source in (root / package).rglob("*.py"):
            for match in _READS.finditer(source.read_text()):
                found.add(match.group(1) or match.group(2))
    return found | {"page"}  # query_page's default name


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def _budget_for_a_scanner(settings):
    """A walk asks more than a person would: the bank's budget is not what is tested."""
    settings.CODEGO_RATE_LIMIT = (100_000, 10)
    settings.SANDBOX_RATE_LIMIT = 100_000


@pytest.fixture
def watched() -> Iterator[_Records]:
    """Error records of every logger, and every warning, for the test's duration."""
    handler = _Records()
    root = logging.getLogger()
    root.addHandler(handler)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield handler
    root.removeHandler(handler)
    keys = [w for w in caught if issubclass(w.category, CacheKeyWarning)]
    assert not keys, [str(w.message)[:200] for w in keys]


def _ask(client: Client, path: str, query: dict[str, str] | None, records: _Records) -> None:
    response = client.get(path, query or {})
    shown = f"{path} {str(query)[:120]}"
    assert response.status_code < 500, shown
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Traceback" not in body, shown
    assert not records.records, (shown, [r.getMessage()[:200] for r in records.records])


def _walk(client: Client, pages: dict[str, tuple[str, ...]], records: _Records) -> None:
    for path, names in pages.items():
        _ask(client, path, None, records)
        for value in HOSTILE:
            for name in names:
                _ask(client, path, {name: value}, records)
            every = sorted(set().union(*PAGES_SIGNED_IN.values(), *PAGES_PUBLIC.values()))
            _ask(client, path, dict.fromkeys(every, value), records)


def _walk_paths(client: Client, templates: tuple[str, ...], records: _Records) -> None:
    for template in templates:
        for value in HOSTILE:
            # Quoted as a browser would; "/" too, so each stays one segment.
            _ask(client, template.format(quote(value, safe="")), None, records)


def test_the_walk_knows_every_route():
    walked = {*PAGES_SIGNED_IN, *PAGES_ONBOARDING, *PAGES_PUBLIC}
    walked_ids = {re.sub(r"\{\}", "", path) for path in (*PATHS_SIGNED_IN, *PATHS_PUBLIC)}
    unknown = [
        (route, name)
        for route, name in _routes()
        if name not in NOT_WALKED
        and route not in walked
        and re.sub(r"<[^>]+>", "", route) not in walked_ids
    ]
    assert not unknown, f"walk these too, or say why not in NOT_WALKED: {unknown}"


def test_the_walk_knows_every_query_parameter_the_code_reads():
    known = set().union(
        *PAGES_SIGNED_IN.values(), *PAGES_ONBOARDING.values(), *PAGES_PUBLIC.values()
    )
    unknown = _parameters_read_by_the_code() - known - _FORM_FIELDS
    assert not unknown, f"add these to the walk: {sorted(unknown)}"
    assert known >= _FORM_FIELDS


def test_hostile_values_on_public_pages(client, watched):
    _walk(client, PAGES_PUBLIC, watched)
    _walk_paths(client, PATHS_PUBLIC, watched)


def test_hostile_values_on_a_live_companys_pages(client, watched):
    company = seed_demo()
    portal_sign_in(client, company.email, DEMO_PASSWORD)
    _walk(client, PAGES_SIGNED_IN, watched)
    portal_sign_in(client, company.email, DEMO_PASSWORD)
    _walk_paths(client, PATHS_SIGNED_IN, watched)
    # The real ids still work after all that.
    trx = Transaction.objects.filter(iban__company=company).first()
    assert client.get(f"/transactions/{trx.unique_id}/").status_code == 200
    assert not PendingPayment.objects.exists()  # no hostile value started a payment


def test_hostile_values_on_the_onboarding_pages(client, watched):
    company = create_company("new@acme.test", live=False)
    portal_sign_in(client, company.email)
    _walk(client, PAGES_ONBOARDING, watched)
    assert Company.objects.get(pk=company.pk).is_live is False


def test_an_account_id_of_another_company_shows_all_of_ones_own_with_a_note(client, watched):
    other = create_company("other@acme.test")
    mine = create_company("mine@acme.test")
    portal_sign_in(client, mine.email)

    response = client.get("/dashboard/", {"iban_id": str(other.ibans.get().pk)})

    assert response.status_code == 200
    html = response.content.decode()
    assert "That account is not one of yours, so all your accounts are shown." in html
    assert mine.ibans.get().iban in html.replace(" ", "")
    assert other.ibans.get().iban not in html.replace(" ", "")


def test_a_made_up_account_id_costs_the_bank_no_call(client, watched):
    from tests.conftest import journal_calls

    company = create_company()
    portal_sign_in(client, company.email)
    client.get("/dashboard/")
    before = journal_calls("iban_list") + journal_calls("dashboard")

    response = client.get("/dashboard/", {"iban_id": "../../etc/passwd"})

    assert response.status_code == 200
    assert journal_calls("iban_list") + journal_calls("dashboard") == before
