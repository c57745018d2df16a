"""Fixtures shared by every test: the real transport against the embedded simulator."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client

from bench.production import environment
from codego.transport import Transport
from codego.types import Credentials
from sandbox import bank, reference
from sandbox.models import Company, CompanyDocument, Director, JournalEntry, Mail, Plan, StoredFile

# Playwright runs an event loop in the test thread; the ORM calls of the tests
# themselves are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached reference data never leak between tests."""
    cache.clear()
    yield
    cache.clear()


def build_transport(base_url: str | None = None, **overrides: object) -> Transport:
    options: dict[str, object] = {
        "base_url": base_url or settings.CODEGO_API_URL,
        "client_key": settings.CODEGO_CLIENT_KEY,
        "secret_key": settings.CODEGO_SECRET_KEY,
        "api_key": settings.CODEGO_API_KEY,
        "whitelabel_id": settings.CODEGO_WHITELABEL_ID,
        "timeout": settings.CODEGO_TIMEOUT,
    }
    options.update(overrides)
    return Transport(**options)  # type: ignore[arg-type]


@pytest.fixture
def transport(db) -> Transport:
    """Raw calls (`transport.call(name, data, session=...)`) through the in-process adapter."""
    return build_transport()


def create_company(
    email: str = "owner@acme.test",
    *,
    password: str = "Secret-pass-1",
    company_name: str = "Acme Trading Ltd",
    live: bool = True,
    balance: Decimal = Decimal("5000.00"),
) -> Company:
    """A verified company; when `live`, with every KYC step verified, a plan and an IBAN."""
    company = Company.objects.create(
        whitelabel_id=settings.CODEGO_WHITELABEL_ID,
        email=email,
        company_name=company_name,
        password_hash=make_password(password),
        email_verified=True,
    )
    if live:
        company.company_status = company.document_status = Company.Step.VERIFIED
        company.director_status = Company.Step.VERIFIED
        company.plan = Plan.objects.get(risk="low")
        company.is_live = True
        company.save()
        iban = bank.open_iban(company, "Main account")
        iban.balance = balance
        iban.save()
    return company


def submit_documents(company: Company) -> None:
    """The three company documents uploaded (a tiny PDF each), waiting for review."""
    for kind in CompanyDocument.Kind.values:
        stored = StoredFile.objects.create(
            name=f"{kind}.pdf", content_type="application/pdf", size=5, data=b"%PDF-"
        )
        CompanyDocument.objects.create(company=company, kind=kind, file=stored)
    Company.objects.filter(pk=company.pk).update(document_status=Company.Step.PENDING)


def submitted_company(
    email: str = "kyc@acme.test",
    *,
    company_name: str = "Kyc Works BV",
    country: str | None = None,
) -> Company:
    """A company that submitted everything: profile, three documents, director."""
    company = create_company(email, live=False, company_name=company_name)
    company.profile = {
        "company_country": country or reference.country_id("BE"),
        "industry": "Bakery",
    }
    company.company_status = company.director_status = Company.Step.PENDING
    company.save()
    submit_documents(company)
    company.refresh_from_db()
    add_director(company)
    return company


def add_director(company: Company) -> Director:
    """The director a company declared with addcompanydirector."""
    return Director.objects.create(
        company=company,
        role="director",
        first_name="Ann",
        last_name="Peeters",
        country="11",
        address_country="11",
        address="Street 1",
        city="Ghent",
        zipcode="9000",
        gender="female",
    )


def sign_in(company: Company) -> Credentials:
    """Session credentials as verifyLogin would hand them out."""
    token = bank.new_token(company)
    return Credentials(user_id=company.user_id, web_token=token.token)


def latest_code(email: str, kind: str | None = None) -> str:
    """The 6-digit code of the newest email the simulator sent to `email`
    (which must be of `kind`, e.g. "signup_otp", when given)."""
    mail = Mail.objects.filter(to__iexact=email).order_by("-created", "-id").first()
    assert mail is not None, f"no mail to {email}"
    assert kind is None or mail.kind == kind, f"newest mail to {email} is {mail.kind}, not {kind}"
    match = re.search(r"\b(\d{6})\b", mail.body)
    assert match, mail.body
    return match.group(1)


def journal_calls(endpoint: str) -> int:
    """How many calls to `endpoint` the simulator's journal holds."""
    return JournalEntry.objects.filter(endpoint=endpoint).count()


def most_calls_in_any_window(seconds: float) -> int:
    """The most calls the simulator answered within any `seconds` (bookkeeping left out)."""
    moments = sorted(
        JournalEntry.objects.exclude(endpoint__startswith="bank:").values_list("created", flat=True)
    )
    window, most, first = timedelta(seconds=seconds), 0, 0
    for last, moment in enumerate(moments):
        while moment - moments[first] >= window:
            first += 1
        most = max(most, last - first + 1)
    return most


def portal_sign_in(
    client: Client, email: str, password: str = "Secret-pass-1", **extra: str
) -> HttpResponse:
    """Sign in through the portal's own pages: password, then the emailed code."""
    response = client.post("/login/", {"email": email, "password": password, **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/login/verify/"
    return client.post("/login/verify/", {"otp": latest_code(email)})


@pytest.fixture
def live_company(db) -> Company:
    return create_company()


@pytest.fixture
def live_session(live_company) -> Credentials:
    return sign_in(live_company)


# ------------------------------------------------------------------------------
# Browser tests: Debian's Chromium, never a downloaded browser. The flags keep it
# off the network (there is none but the package registries here).
# ------------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`collectstatic` once, for the production servers of the cross-process tests:
    DEBUG-off pages need the hashed files' manifest."""
    root = tmp_path_factory.mktemp("static")
    env = environment(root, 0, upstream="sandbox:", STATIC_ROOT=str(root))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    return root
