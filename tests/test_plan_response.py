"""/plan/respond/: the answer to the plan offer the bank emails (ibanacceptrejectplan),
through the view, the real client and the embedded simulator. Works signed out."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sandbox import actions
from sandbox.models import Company, PlanProposal
from tests.conftest import create_company, journal_calls, portal_sign_in

PASSWORD = "Secret-pass-1"
EMAIL = "plan@acme.test"
HX = {"HX-Request": "true"}
ACCEPTED = "Thank you — your plan is accepted and your account is being opened"

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def company(db) -> Company:
    company = create_company(EMAIL, live=False, company_name="Acme Trading Ltd")
    company.company_status = company.document_status = Company.Step.VERIFIED
    company.director_status = Company.Step.VERIFIED
    company.save()
    return company


@pytest.fixture
def proposal(company) -> PlanProposal:
    return actions.make_live(email=EMAIL)


def url(proposal: PlanProposal) -> str:
    return f"/plan/respond/?unique_id={proposal.unique_id}"


def answer(client: Client, proposal: PlanProposal, kind: str, **extra):
    return client.post(url(proposal), {"unique_id": proposal.unique_id, "type": kind}, **extra)


def sign_in(client: Client) -> None:
    assert portal_sign_in(client, EMAIL, PASSWORD).status_code == 302


def test_the_emailed_link_is_this_page(proposal):
    assert actions.plan_link(proposal).endswith(url(proposal))


def test_get_shows_the_offer_and_two_post_buttons(client, proposal):
    response = client.get(url(proposal))
    assert response.status_code == 200
    page = body(response)
    assert "Accept the plan offered to your company in the email" in page
    main = page.split("<main", 1)[1].split("</main>", 1)[0]  # not the footer's language switch
    assert main.count('method="post"') == 2
    assert 'name="type" value="accept"' in page
    assert 'name="type" value="reject"' in page
    assert f'name="unique_id" value="{proposal.unique_id}"' in page
    assert "csrfmiddlewaretoken" in page
    # Signed out: no link to the plans page, no call to the bank yet.
    assert "/onboarding/plan/" not in page
    assert journal_calls("ibanacceptrejectplan") == 0


def test_signed_in_get_names_the_company_and_links_the_plans(client, proposal):
    sign_in(client)
    page = body(client.get(url(proposal)))
    assert "Accept the plan offered to Acme Trading Ltd in the email" in page
    assert 'href="/onboarding/plan/"' in page


def test_accept_makes_the_company_live_signed_out(client, company, proposal):
    response = answer(client, proposal, "accept")
    assert response.status_code == 200
    page = body(response)
    assert ACCEPTED in page
    assert 'href="/login/"' in page
    company.refresh_from_db()
    assert company.is_live
    proposal.refresh_from_db()
    assert proposal.status == PlanProposal.Status.ACCEPTED
    assert journal_calls("ibanacceptrejectplan") == 1

    # The same link again: already approved.
    page = body(answer(client, proposal, "accept"))
    assert "This request has been already approved" in page
    assert ACCEPTED not in page
    page = body(answer(client, proposal, "reject"))
    assert "This request has been already approved" in page


def test_accept_signed_in_then_overview_goes_to_dashboard(client, proposal):
    sign_in(client)
    page = body(answer(client, proposal, "accept"))
    assert ACCEPTED in page
    assert 'href="/onboarding/"' in page
    response = client.get("/onboarding/")
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_reject_then_accept_says_already_rejected(client, company, proposal):
    page = body(answer(client, proposal, "reject"))
    assert "You declined this plan" in page
    page = body(answer(client, proposal, "accept"))
    assert "This request has been already rejected" in page
    assert "newest plan email" in page
    company.refresh_from_db()
    assert not company.is_live


def test_an_older_offer_is_already_rejected(client, company, proposal):
    newer = actions.make_live(email=EMAIL)
    page = body(answer(client, proposal, "accept"))
    assert "This request has been already rejected" in page
    assert ACCEPTED in body(answer(client, newer, "accept"))


def test_unknown_id_is_an_invalid_request(client, company):
    response = client.post("/plan/respond/?unique_id=nope", {"unique_id": "nope", "type": "accept"})
    assert response.status_code == 200
    page = body(response)
    assert "Invalid request" in page
    assert "whole link" in page
    assert journal_calls("ibanacceptrejectplan") == 1


def test_missing_id_is_a_400_without_upstream_call(client, company):
    for response in (
        client.get("/plan/respond/"),
        client.get("/plan/respond/?unique_id="),
        client.post("/plan/respond/", {"type": "accept"}),
    ):
        assert response.status_code == 400
        assert "This plan link is incomplete" in body(response)
    assert journal_calls("ibanacceptrejectplan") == 0


def test_unknown_answer_type_is_a_400(client, proposal):
    response = client.post(url(proposal), {"unique_id": proposal.unique_id, "type": "maybe"})
    assert response.status_code == 400
    assert journal_calls("ibanacceptrejectplan") == 0


def test_csrf_is_required(proposal):
    csrf_client = Client(enforce_csrf_checks=True)
    page = csrf_client.get(url(proposal))
    assert page.status_code == 200
    response = answer(csrf_client, proposal, "accept")
    assert response.status_code == 403
    assert journal_calls("ibanacceptrejectplan") == 0

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body(page)).group(1)
    response = csrf_client.post(
        url(proposal),
        {"unique_id": proposal.unique_id, "type": "accept", "csrfmiddlewaretoken": token},
    )
    assert ACCEPTED in body(response)


def test_htmx_answer_is_the_fragment(client, proposal):
    response = answer(client, proposal, "accept", headers=HX)
    page = body(response)
    assert page.lstrip().startswith('<div class="plan-answer" id="plan-answer">')
    assert ACCEPTED in page
    assert "<html" not in page
