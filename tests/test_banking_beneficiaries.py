"""Beneficiaries: list and search, adding one (IBAN checked first, optional image), deleting."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from codego.client import get_client
from sandbox import actions
from sandbox.models import Beneficiary
from tests.banking_money import company_fixture, signed_in_fixture  # noqa: F401
from tests.conftest import journal_calls, portal_sign_in, sign_in

pytestmark = pytest.mark.django_db

GERMAN_IBAN = "DE02120300000000202051"  # Deutsche Kreditbank, BIC BYLADEM1001
BELGIAN_IBAN = "BE71096123456769"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%fake\n"
MB = 1024 * 1024


def business(**extra: object) -> dict[str, object]:
    return {"type": "business", "company_name": "Contoso GmbH", "account": GERMAN_IBAN, **extra}


def add_payee(company, name: str, iban: str) -> None:
    get_client().add_beneficiary(sign_in(company), type="business", account=iban, company_name=name)


def test_a_business_beneficiary_is_added_and_listed(signed_in, company):
    response = signed_in.post(
        "/beneficiaries/new/", business(account="DE02 1203 0000 0000 2020 51")
    )
    assert response.status_code == 302
    assert response["Location"] == "/beneficiaries/"
    payee = Beneficiary.objects.get(company=company)
    assert payee.iban == GERMAN_IBAN
    assert payee.bic == "BYLADEM1001"
    html = signed_in.get("/beneficiaries/").content.decode()
    assert "Contoso GmbH is now a beneficiary." in html
    assert "DE02 1203 0000 0000 2020 51" in html


def test_a_person_needs_first_and_last_name(signed_in):
    before = journal_calls("addbeneficary")
    response = signed_in.post("/beneficiaries/new/", {"type": "personal", "account": GERMAN_IBAN})
    html = response.content.decode()
    assert "Enter the first name." in html
    assert "Enter the last name." in html
    assert journal_calls("addbeneficary") == before


def test_a_person_is_added_with_first_and_last_name(signed_in, company):
    data = {
        "type": "personal",
        "first_name": "Camille",
        "last_name": "Dubois",
        "account": BELGIAN_IBAN,
    }
    assert signed_in.post("/beneficiaries/new/", data).status_code == 302
    assert Beneficiary.objects.get(company=company).type == "personal"


@pytest.mark.parametrize(
    ("account", "words"),
    [
        ("DE89370400440532013001", "check digits"),
        ("XX89370400440532013000", "country code"),
        ("DE8937040044053201300", "too short or too long"),
    ],
    ids=["checksum", "country", "length"],
)
def test_an_invalid_iban_is_refused_before_any_upstream_call(signed_in, account, words):
    before = journal_calls("addbeneficary")
    response = signed_in.post("/beneficiaries/new/", business(account=account))
    html = response.content.decode()
    assert words in html
    assert f'value="{account}"' in html  # what was typed stays
    assert 'value="Contoso GmbH"' in html
    assert journal_calls("addbeneficary") == before


def test_the_inline_iban_check_shows_country_bank_and_bic_without_a_bank_call(signed_in):
    before = sum(journal_calls(name) for name in ("addbeneficary", "beneficiaries_list"))
    response = signed_in.get(
        "/beneficiaries/iban-check/",
        {"account": "DE02 1203 0000 0000 2020 51"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "Valid IBAN" in html
    assert "Germany" in html
    assert "BYLADEM1001" in html
    assert "<html" not in html
    bad = signed_in.get("/beneficiaries/iban-check/", {"account": "DE00"}).content.decode()
    assert "field-error" in bad
    assert sum(journal_calls(name) for name in ("addbeneficary", "beneficiaries_list")) == before


def test_a_png_image_is_sent_and_shown_as_the_avatar(signed_in, company):
    image = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    assert (
        signed_in.post("/beneficiaries/new/", business(beneficiary_image=image)).status_code == 302
    )
    assert Beneficiary.objects.get(company=company).image is not None
    html = signed_in.get("/beneficiaries/").content.decode()
    assert 'class="avatar" src="/sandbox/' in html


def test_an_image_is_judged_by_its_content_not_its_name(signed_in, company):
    renamed = SimpleUploadedFile("photo.png", PDF, content_type="image/png")
    response = signed_in.post("/beneficiaries/new/", business(beneficiary_image=renamed))
    assert "Upload a JPEG or PNG file" in response.content.decode()
    assert not Beneficiary.objects.filter(company=company).exists()
    png_named_pdf = SimpleUploadedFile("logo.pdf", PNG, content_type="application/pdf")
    response = signed_in.post("/beneficiaries/new/", business(beneficiary_image=png_named_pdf))
    assert response.status_code == 302


def test_an_image_over_two_megabytes_is_refused_and_the_rest_is_kept(signed_in):
    before = journal_calls("addbeneficary")
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (2 * MB), content_type="image/png")
    response = signed_in.post("/beneficiaries/new/", business(beneficiary_image=big))
    html = response.content.decode()
    assert "larger than 2 MB" in html
    assert 'value="Contoso GmbH"' in html
    assert journal_calls("addbeneficary") == before


@pytest.mark.parametrize(
    "fault",
    [{"http_status": 500}, {"timeout": True}, {"garbage": True}],
    ids=["http-500", "timeout", "garbage"],
)
def test_an_upstream_fault_on_add_keeps_what_was_typed(signed_in, fault):
    actions.set_fault(endpoint="addbeneficary", **fault)
    response = signed_in.post("/beneficiaries/new/", business(email="ap@contoso.test"))
    html = response.content.decode()
    assert "unavailable" in html
    assert 'value="ap@contoso.test"' in html
    assert f'value="{GERMAN_IBAN}"' in html


def test_the_bank_s_refusal_is_shown_next_to_the_form(signed_in, company):
    add_payee(company, "Contoso GmbH", GERMAN_IBAN)
    response = signed_in.post("/beneficiaries/new/", business())
    assert "This beneficiary already exists." in response.content.decode()


def test_adding_from_the_payment_form_returns_to_it_with_the_payee_chosen(signed_in, company):
    page = signed_in.get("/beneficiaries/new/?next=payment").content.decode()
    assert 'name="next" value="payment"' in page
    response = signed_in.post("/beneficiaries/new/", business(next="payment"))
    assert response["Location"] == f"/payments/new/?account={GERMAN_IBAN}"
    payee = Beneficiary.objects.get(company=company)
    form = signed_in.get(response["Location"]).content.decode()
    assert f'<option value="{payee.pk}" selected>' in form


def test_search_finds_beneficiaries_by_name_or_iban(signed_in, company):
    add_payee(company, "Contoso GmbH", GERMAN_IBAN)
    add_payee(company, "Fabrikam NV", BELGIAN_IBAN)
    by_name = signed_in.get("/beneficiaries/?q=fabri").content.decode()
    assert "Fabrikam NV" in by_name
    assert "Contoso GmbH" not in by_name
    by_iban = signed_in.get("/beneficiaries/?q=DE02 1203").content.decode()
    assert "Contoso GmbH" in by_iban
    assert "Fabrikam NV" not in by_iban
    fragment = signed_in.get(
        "/beneficiaries/?q=nobody", headers={"HX-Request": "true", "HX-Target": "payee-results"}
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="payee-results"')
    assert "No beneficiary matches" in fragment


def test_an_empty_list_says_what_to_do_next(signed_in):
    html = signed_in.get("/beneficiaries/").content.decode()
    assert "Add your first beneficiary" in html


def test_deleting_asks_first_then_deletes_on_post(signed_in, company):
    add_payee(company, "Contoso GmbH", GERMAN_IBAN)
    payee = Beneficiary.objects.get(company=company)
    page = signed_in.get(f"/beneficiaries/{payee.pk}/delete/")
    assert "Delete this beneficiary?" in page.content.decode()
    assert "Contoso GmbH" in page.content.decode()
    assert journal_calls("beneficiaries_delete") == 0
    response = signed_in.post(f"/beneficiaries/{payee.pk}/delete/")
    assert response["Location"] == "/beneficiaries/"
    payee.refresh_from_db()
    assert payee.deleted


def test_a_delete_fault_keeps_the_confirmation_with_a_message(signed_in, company):
    add_payee(company, "Contoso GmbH", GERMAN_IBAN)
    payee = Beneficiary.objects.get(company=company)
    actions.set_fault(endpoint="beneficiaries_delete", http_status=502)
    response = signed_in.post(f"/beneficiaries/{payee.pk}/delete/")
    html = response.content.decode()
    assert response.status_code == 503
    assert "unavailable" in html
    assert "Delete the beneficiary" in html


@pytest.mark.parametrize(
    "fault", [{"http_status": 500}, {"timeout": True}], ids=["http-500", "timeout"]
)
def test_a_list_fault_shows_an_inline_message_with_a_retry(signed_in, fault):
    actions.set_fault(endpoint="beneficiaries_list", **fault)
    response = signed_in.get("/beneficiaries/?q=x")
    assert response.status_code == 503
    assert 'href="/beneficiaries/?q=x"' in response.content.decode()


def test_an_expired_token_on_adding_a_payee_keeps_what_was_typed_for_after_sign_in(
    client, signed_in, company
):
    actions.expire_token(email=company.email)
    cache.clear()  # the heartbeat's "recently refreshed" mark, so the form's own call meets it
    typed = {
        "type": "business",
        "company_name": "Contoso GmbH",
        "account": "DE89 3704 0044 0532 0130 00",
        "email": "billing@contoso.example",
    }
    response = signed_in.post(
        "/beneficiaries/new/", typed, headers={"Referer": "http://testserver/beneficiaries/new/"}
    )
    assert response["Location"].startswith("/login/?next=")
    assert response["Location"].endswith("%2Fbeneficiaries%2Fnew%2F")
    back = portal_sign_in(client, company.email, next="/beneficiaries/new/")
    assert back["Location"] == "/beneficiaries/new/"
    page = client.get("/beneficiaries/new/").content.decode()
    assert 'value="Contoso GmbH"' in page
    assert 'value="DE89 3704 0044 0532 0130 00"' in page
    assert 'value="billing@contoso.example"' in page
    # Shown once: the next visit is an empty form again.
    assert 'value="Contoso GmbH"' not in client.get("/beneficiaries/new/").content.decode()


def test_passwords_codes_and_one_time_keys_are_never_kept_across_a_sign_in(rf):
    from django.contrib.sessions.backends.cache import SessionStore

    from portal.session import keep_typed, take_typed

    sent = rf.post(
        "/x/",
        {
            "label": "Payroll",
            "password": "Secret-pass-1",
            "new_password2": "Secret-pass-1",
            "otp": "123456",
            "payment_key": "k",
            "csrfmiddlewaretoken": "t",
        },
    )
    sent.session = SessionStore()
    keep_typed(sent, "/accounts/new/")
    later = rf.get("/accounts/new/")
    later.session = sent.session
    assert take_typed(later) == {"label": "Payroll"}
    assert take_typed(later) == {}
