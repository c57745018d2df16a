"""Who reads the sandbox mailbox: a visitor only the mail to addresses typed in the
same browser session (sign-up, sign-in, password reset); staff signed in to the
console all of it; on a developer's machine everyone all of it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory

from portal import demo
from sandbox.models import Mail
from tests.conftest import create_company

PASSWORD = "Secret-pass-1"

pytestmark = pytest.mark.django_db


def recipients(client: Client, to: str = "") -> list[str]:
    query = f"?to={to}" if to else ""
    response = client.get(f"/sandbox/mailbox.json{query}")
    assert response.status_code == 200
    return sorted({mail["to"] for mail in response.json()["emails"]})


def start_login(client: Client, email: str) -> None:
    response = client.post("/login/", {"email": email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def two_companies() -> None:
    """Owner and rival, each with a sign-in code in the mailbox (from another browser)."""
    create_company("owner@acme.test")
    create_company("rival@acme.test")
    start_login(Client(), "owner@acme.test")
    start_login(Client(), "rival@acme.test")


def test_a_stranger_reads_nobodys_mail(two_companies):
    stranger = Client()
    assert recipients(stranger) == []
    assert recipients(stranger, "owner@acme.test") == []
    page = stranger.get("/sandbox/mailbox/?to=owner@acme.test").content.decode()
    assert "No emails to owner@acme.test yet." in page


def test_signing_in_opens_the_mailbox_for_the_typed_address_only(two_companies):
    browser = Client()
    start_login(browser, "Owner@Acme.test")  # any case: the address is the same
    assert recipients(browser) == ["owner@acme.test"]
    assert recipients(browser, "rival@acme.test") == []
    page = browser.get("/sandbox/mailbox/").content.decode()
    assert "owner@acme.test" in page
    assert "rival@acme.test" not in page
    assert "The emails sent to the addresses you typed in this browser" in page


def test_someone_elses_email_is_a_404_even_by_its_number(two_companies):
    browser = Client()
    start_login(browser, "owner@acme.test")
    own = Mail.objects.filter(to="owner@acme.test").first()
    other = Mail.objects.filter(to="rival@acme.test").first()
    assert browser.get(f"/sandbox/mailbox/{own.pk}/").status_code == 200
    assert browser.get(f"/sandbox/mailbox/{other.pk}/").status_code == 404


def test_sign_up_and_password_reset_open_the_mailbox_too(db):
    create_company("owner@acme.test")
    signing_up = Client()
    signing_up.post("/signup/", {"company_name": "New Co Ltd", "email": "new@acme.test"})
    assert recipients(signing_up) == ["new@acme.test"]

    resetting = Client()
    resetting.post("/password/forgot/", {"email": "owner@acme.test"})
    assert recipients(resetting) == ["owner@acme.test"]


def test_the_addresses_survive_the_session_key_rotation_of_the_sign_in(db):
    create_company("owner@acme.test")
    browser = Client()
    browser.post("/password/forgot/", {"email": "owner@acme.test"})
    start_login(browser, "owner@acme.test")  # rotates the session key
    assert recipients(browser) == ["owner@acme.test"]


def test_staff_signed_in_to_the_console_read_every_email(two_companies):
    staff = Client()
    staff.force_login(User.objects.create_user("staff", password="Staff-pass-1", is_staff=True))
    assert recipients(staff) == ["owner@acme.test", "rival@acme.test"]
    page = staff.get("/sandbox/mailbox/").content.decode()
    assert "Every email the simulated bank has sent" in page

    customer = Client()
    customer.force_login(User.objects.create_user("someone", password="Some-pass-1"))
    assert recipients(customer) == []


def test_on_a_developers_machine_everyone_reads_every_email(two_companies, settings):
    settings.SANDBOX_MAILBOX_OPEN = True
    assert recipients(Client()) == ["owner@acme.test", "rival@acme.test"]


def test_nothing_is_recorded_when_the_simulator_is_off(settings, client):
    settings.SANDBOX_ENABLED = False
    request = RequestFactory().get("/")
    request.session = client.session
    demo.remember_mailbox_address(request, "owner@acme.test")
    assert demo.mailbox_addresses(request) == []
