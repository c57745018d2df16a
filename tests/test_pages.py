"""portal.pages: an htmx fragment brings the request's messages along."""

from __future__ import annotations

import pytest

from codego.client import get_client
from tests.banking_money import company_fixture, signed_in_fixture  # noqa: F401
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_an_htmx_fragment_carries_the_queued_messages_out_of_band(signed_in, company):
    get_client().add_beneficiary(
        sign_in(company), type="business", account="DE89370400440532013000", company_name="Contoso"
    )
    payee = company.beneficiaries.get()
    signed_in.post(f"/beneficiaries/{payee.pk}/delete/")  # queues "The beneficiary was deleted."

    html = signed_in.get("/beneficiaries/", headers={"HX-Request": "true"}).content.decode()

    assert "<html" not in html  # the fragment, not the page
    assert 'id="messages"' in html
    assert 'hx-swap-oob="true"' in html
    assert "The beneficiary was deleted." in html
