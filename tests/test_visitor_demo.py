""" "Try the demo": each visitor of the public demo gets a company of their own.

Through the portal's pages and the real service module against the simulator:
two visitors get different companies, a payment in one leaves the other alone,
expiry deletes every row a company had (counted per table), and the caps and the
rate of starts answer a clear message.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from banking.models import PendingPayment
from sandbox import actions, visitors
from sandbox.models import Company, Iban, JournalEntry, Mail
from tests.conftest import latest_code
from tests.test_banking_payments import payment_data

pytestmark = pytest.mark.django_db

START = "/demo/start/"


def start(client: Client, **headers: str):
    return client.post(START, **headers)


def visitor(client: Client) -> Company:
    email = client.session["codego"]["email"]
    return Company.objects.get(email=email)


def dashboard(client: Client) -> str:
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return response.content.decode()


def main_balance(company: Company) -> Decimal:
    return Iban.objects.get(company=company, label="Main account").balance


def row_counts() -> dict[str, int]:
    """Rows of every table of the simulator and the portal; of the journal, the calls
    of some company (brand and plan lists are nobody's)."""
    counts = {
        model._meta.label: model.objects.count()
        for app in ("sandbox", "banking")
        for model in apps.get_app_config(app).get_models()
    }
    counts["sandbox.JournalEntry"] = JournalEntry.objects.exclude(company_email="").count()
    return counts


# --- starting ---------------------------------------------------------------------------


def test_the_sign_in_page_offers_the_demo(client):
    page = client.get("/login/").content.decode()

    assert f'action="{START}"' in page
    assert "Try the demo" in page
    assert "csrfmiddlewaretoken" in page


def test_try_the_demo_signs_in_to_a_new_company_of_its_own_through_the_sign_in_path(client):
    before = JournalEntry.objects.filter(endpoint__in=["login", "verifyLogin"]).count()

    response = start(client)

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    company = visitor(client)
    assert company.email.endswith("@visitor.demo.test")
    assert company.demo_expires - timezone.now() > timedelta(hours=23)
    assert company.ibans.count() == 2
    assert company.beneficiaries.count() == 3
    assert company.crypto.exists()
    assert company.notifications.exists()
    # The bank checked the password and the emailed code, as for anyone.
    after = JournalEntry.objects.filter(endpoint__in=["login", "verifyLogin"]).count()
    assert after - before == 2
    page = dashboard(client)
    assert "A demo company of your own" in page
    assert "Start over with a new company" in page
    # The code went to this browser's mailbox, and no password is shown anywhere.
    assert client.get("/sandbox/mailbox.json").json()["emails"][0]["to"] == company.email


def test_two_visitors_see_different_companies_and_a_payment_in_one_leaves_the_other(db):
    first, second = Client(), Client()
    start(first)
    start(second)
    a, b = visitor(first), visitor(second)
    assert a.pk != b.pk
    a_iban, b_iban = a.ibans.get(label="Main account"), b.ibans.get(label="Main account")
    assert a_iban.iban != b_iban.iban
    assert a_iban.balance != b_iban.balance  # a history of its own, not a copy
    assert a_iban.iban in dashboard(first)
    assert a_iban.iban not in dashboard(second)
    assert b_iban.iban in dashboard(second)
    # Each mailbox shows only its own mail.
    assert {m["to"] for m in first.get("/sandbox/mailbox.json").json()["emails"]} == {a.email}
    b_before = main_balance(b)

    payee = str(a.beneficiaries.order_by("id").first().pk)
    response = first.post("/payments/new/", payment_data(first, a_iban, payee, amount="100.00"))
    payment = PendingPayment.objects.get()
    first.post(response["Location"])
    payment.refresh_from_db()
    first.post(f"/payments/{payment.unique_id}/confirm/", {"otp": latest_code(a.email)})
    payment.refresh_from_db()

    assert payment.state == PendingPayment.State.DONE
    assert main_balance(a) < a_iban.balance
    assert main_balance(b) == b_before


def test_start_over_ends_the_old_company_and_makes_a_new_one(client):
    start(client)
    old = visitor(client)

    start(client)

    assert visitor(client).pk != old.pk
    assert not Company.objects.filter(pk=old.pk).exists()
    assert not Mail.objects.filter(to=old.email).exists()


# --- expiry --------------------------------------------------------------------------------


def test_expiry_deletes_every_row_the_company_had(client):
    before = row_counts()
    start(client)
    company = visitor(client)
    # Rows the portal keeps for it too: a payment and seen notifications.
    a_iban = company.ibans.get(label="Main account")
    payee = str(company.beneficiaries.order_by("id").first().pk)
    client.post("/payments/new/", payment_data(client, a_iban, payee, amount="10.00"))
    client.get("/notifications/")
    grown = row_counts()
    assert grown["banking.PendingPayment"] == before["banking.PendingPayment"] + 1
    assert grown["banking.SeenNotification"] > before["banking.SeenNotification"]
    assert grown["sandbox.Transaction"] > before["sandbox.Transaction"]

    Company.objects.filter(pk=company.pk).update(demo_expires=timezone.now() - timedelta(seconds=1))
    call_command("sandbox", "expire-demos")

    after = row_counts()
    assert after == before, {
        name: (before[name], after[name]) for name in after if after[name] != before[name]
    }
    # Its browser is signed out on its next page; no copy of its dashboard is shown.
    assert client.get("/dashboard/")["Location"].startswith("/login/")


def test_a_live_company_is_left_alone_and_a_new_start_ends_the_expired_ones(db):
    first, second = Client(), Client()
    start(first)
    expired = visitor(first)
    start(second)
    kept = visitor(second)
    Company.objects.filter(pk=expired.pk).update(demo_expires=timezone.now() - timedelta(minutes=1))

    start(Client())  # no command run: the start ends what is due

    assert not Company.objects.filter(pk=expired.pk).exists()
    assert Company.objects.filter(pk=kept.pk).exists()


def test_the_shared_demo_company_is_not_a_visitor(db):
    call_command("sandbox", "seed-demo")
    Company.objects.filter(email="demo@codego.test").update(demo_expires=None)

    assert visitors.expire_visitors(timezone.now() + timedelta(days=365)) == 0
    assert Company.objects.filter(email="demo@codego.test").exists()


# --- limits -----------------------------------------------------------------------------


def test_past_the_cap_the_page_says_the_demo_is_full(client, settings):
    settings.SANDBOX_DEMO_MAX = 1
    start(Client())

    response = start(client)

    assert response.status_code == 503
    assert "The demo is full right now" in response.content.decode()
    assert "codego" not in client.session


def test_one_address_starts_at_most_its_share_an_hour(settings):
    settings.SANDBOX_DEMO_STARTS_PER_HOUR = 2
    answers = [start(Client(), REMOTE_ADDR="203.0.113.7").status_code for _ in range(3)]
    elsewhere = start(Client(), REMOTE_ADDR="198.51.100.9")

    assert answers == [302, 302, 429]
    assert elsewhere.status_code == 302


def test_the_refusal_is_said_on_the_sign_in_page(settings):
    settings.SANDBOX_DEMO_STARTS_PER_HOUR = 0

    response = start(Client())

    page = response.content.decode()
    assert response.status_code == 429
    assert re.search(r"started the demo 0 times in the last hour", page)
    assert 'name="email"' in page  # sign-in still offered


def test_a_bank_that_fails_during_the_sign_in_leaves_no_company(client):
    actions.set_fault(endpoint="verifyLogin", http_status=500)
    before = Company.objects.count()

    response = start(client)

    assert response.status_code == 503
    assert "The bank is unavailable" in response.content.decode()
    assert Company.objects.count() == before


def test_without_the_simulator_there_is_no_demo(client, settings):
    settings.SANDBOX_ENABLED = False

    assert "Try the demo" not in client.get("/login/").content.decode()


# --- staff ----------------------------------------------------------------------------------


def test_staff_see_demo_companies_apart_and_can_end_one(client, django_user_model):
    start(Client())
    company = Company.objects.get(demo_expires__isnull=False)
    staff = django_user_model.objects.create_user("staff", password="Staff-pass-1", is_staff=True)
    client.force_login(staff)

    page = client.get("/sandbox/console/").content.decode()
    assert "Demo visitors" in page
    assert "1 live of at most 500" in page

    response = client.post(f"/sandbox/console/companies/{company.pk}/end-demo/")

    assert response["Location"] == "/sandbox/console/"
    assert not Company.objects.filter(pk=company.pk).exists()
