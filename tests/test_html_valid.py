"""Every page of the main journeys is valid HTML, by the Nu HTML Checker (vnu).

`make test` installs vnu (npm's vnu-jar, on Java) and names it in `VNU_JAR`.
htmx's `hx-*` attributes are the one thing it reports that is ours by choice:
they are htmx's documented spelling, used everywhere here (one convention).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from banking.models import PendingPayment
from sandbox.demo import DEMO_PASSWORD, seed_demo
from sandbox.models import Transaction
from tests.conftest import create_company, portal_sign_in
from tests.test_hostile_query import PAGES_SIGNED_IN

ROOT = Path(__file__).resolve().parent.parent
JAR = ROOT / os.environ.get("VNU_JAR", ".tools/node_modules/vnu-jar/build/dist/vnu.jar")
HTMX_ATTRIBUTE = re.compile(r"^Attribute “hx-[a-z-]+” not allowed on element")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,
    pytest.mark.skipif(
        not JAR.exists() and not os.environ.get("VNU_JAR"),
        reason="the Nu HTML Checker is not installed: `make test` installs it",
    ),
]

SIGNED_OUT = ("/login/", "/signup/", "/password/forgot/", "/no/such/page/", "/sandbox/mailbox/")
# Every signed-in page the hostile-input walk knows, less what is not a page of
# HTML on its own (redirects, a CSV, a fragment) and the plan answer, which needs
# the link from the bank's email.
NOT_HTML = {
    *("/", "/login/", "/beneficiaries/iban-check/"),
    *("/transactions/export.csv", "/statements/export/"),
}
NOT_WALKED_HERE = {*NOT_HTML, "/plan/respond/"}
SIGNED_IN = (
    *(path for path in PAGES_SIGNED_IN if path not in NOT_WALKED_HERE),
    "/transactions/?status=Pending",
)
ONBOARDING = (
    "/onboarding/",
    "/onboarding/company/",
    "/onboarding/documents/",
    "/onboarding/directors/",
    "/onboarding/plan/",
)


def _errors(pages: dict[str, str], folder: Path) -> list[str]:
    """vnu's errors on `pages` (name → HTML), htmx's attributes left out."""
    files = []
    for index, (name, html) in enumerate(pages.items()):
        path = folder / f"{index:03d}.html"
        path.write_text(html)
        files.append((path, name))
    run = subprocess.run(  # noqa: S603 - the checker with fixed arguments
        ["java", "-jar", str(JAR), "--errors-only", "--format", "json", "--exit-zero-always"]
        + [str(path) for path, _ in files],
        capture_output=True,
        text=True,
        timeout=240,
    )
    names = {path.resolve().name: name for path, name in files}
    found = []
    for message in json.loads(run.stderr or run.stdout)["messages"]:
        if message.get("type") == "error" and not HTMX_ATTRIBUTE.match(message["message"]):
            url = message.get("url", "")
            where = names.get(url.rsplit("/", 1)[-1], url)
            found.append(f"{where}:{message.get('lastLine')}: {message['message']}")
    return found


def _get(browser: Client, path: str) -> str:
    response = browser.get(path)
    assert response.status_code in (200, 404), (path, response.status_code)
    return response.content.decode()


def test_the_main_journeys_are_valid_html_in_english_and_italian(tmp_path):
    pages: dict[str, str] = {}
    company = seed_demo()
    for language in ("en", "it"):
        browser = Client(HTTP_ACCEPT_LANGUAGE=language)
        for path in SIGNED_OUT:
            pages[f"{language} {path}"] = _get(browser, path)
        portal_sign_in(browser, company.email, DEMO_PASSWORD)
        for path in SIGNED_IN:
            pages[f"{language} {path}"] = _get(browser, path)
        trx = Transaction.objects.filter(iban__company=company).first()
        pages[f"{language} detail"] = _get(browser, f"/transactions/{trx.unique_id}/")
        pages[f"{language} print"] = _get(browser, "/statements/print/?" + _period(company))
        pages.update(_payment_pages(browser, company, language))

    newcomer = create_company("new@acme.test", live=False)
    browser = Client()
    portal_sign_in(browser, newcomer.email)
    for path in ONBOARDING:
        pages[f"en {path}"] = _get(browser, path)

    assert _errors(pages, tmp_path) == []


def _period(company) -> str:
    iban = company.ibans.order_by("id").first()
    return f"iban_id={iban.pk}&from_date=2026-01-01&to_date=2026-12-31"


def _payment_pages(browser: Client, company, language: str) -> dict[str, str]:
    """The payment form's review and code pages."""
    form = browser.get("/payments/new/").content.decode()
    key = re.search(r'name="payment_key" value="([^"]+)"', form).group(1)
    payee = company.beneficiaries.order_by("id").first()
    iban = company.ibans.order_by("id").first()
    browser.post(
        "/payments/new/",
        {
            "payment_key": key,
            "iban_id": str(iban.pk),
            "beneficiaries_id": str(payee.pk),
            "amount": "12,30" if language == "it" else "12.30",
            "payment_option": "sepa",
            "reason_payment": "Invoice 7",
        },
    )
    payment = PendingPayment.objects.get(key=key)
    review = _get(browser, f"/payments/{payment.key}/review/")
    browser.post(f"/payments/{payment.key}/review/")
    payment.refresh_from_db()
    confirm = _get(browser, f"/payments/{payment.unique_id}/confirm/")
    return {f"{language} review": review, f"{language} code": confirm}
