"""Every onboarding form when the bank fails: the form comes back with what was typed,
an inline message and its button to try again; files are named to be chosen again.

One table of forms times one table of faults, injected in the embedded simulator;
after the fault is cleared, the same request goes through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils.html import escape

from portal import texts
from sandbox import actions
from sandbox.models import Company
from tests.conftest import create_company, journal_calls, portal_sign_in
from tests.test_kyc_documents import pdf, three_documents
from tests.test_kyc_wizard import company_data, director_data

pytestmark = pytest.mark.django_db

EMAIL = "faults@acme.test"
PASSWORD = "Secret-pass-1"

FAULTS = {
    "timeout": {"timeout": True},
    "http-500": {"http_status": 500},
    "garbage": {"garbage": True},
}


def _request_document(company: Company) -> dict[str, str]:
    document = actions.request_document(email=company.email, title="Proof of address")
    return {"unique_id": document.unique_id}


def _propose_plan(company: Company) -> dict[str, str]:
    company.company_status = company.document_status = Company.Step.VERIFIED
    company.director_status = Company.Step.VERIFIED
    company.save()
    return {"unique_id": actions.make_live(email=company.email).unique_id}


@dataclass(frozen=True)
class Form:
    """One onboarding form: how to send it, and what must be on the page after a fault."""

    url: str  # may name `{unique_id}`, filled from what `setup` made
    endpoint: str  # the bank call the fault is put on
    data: Callable[[dict[str, str]], dict[str, object]]
    message: str
    kept: tuple[str, ...] = ()  # what was typed (or chosen), shown again
    setup: Callable[[Company], dict[str, str]] = lambda company: {}
    method: str = "post"
    follow: bool = False  # the form answers with a redirect back to its page
    done_status: int = 302


FORMS = {
    "company": Form(
        "/onboarding/company/",
        "updatecompanydetails",
        lambda _: company_data(),
        texts.FORM_NOT_SENT,
        kept=('value="Rue de la Loi 16"', 'value="BE0123456789"', "Paying suppliers</textarea>"),
    ),
    "directors": Form(
        "/onboarding/directors/",
        "addcompanydirector",
        lambda _: director_data(),
        texts.FORM_NOT_SENT,
        kept=('value="Peeters"', 'value="Veldstraat 3"', 'value="1980-05-17"'),
    ),
    # The read before the write fails: the typed values survive it too.
    "company-status-read": Form(
        "/onboarding/company/",
        "getCompanyStatus",
        lambda _: company_data(),
        texts.FORM_NOT_SENT,
        kept=('value="Rue de la Loi 16"', 'value="BE0123456789"'),
    ),
    "directors-status-read": Form(
        "/onboarding/directors/",
        "getCompanyStatus",
        lambda _: director_data(),
        texts.FORM_NOT_SENT,
        kept=('value="Peeters"', 'value="Veldstraat 3"'),
    ),
    "documents": Form(
        "/onboarding/documents/",
        "uploadCompanyDocument",
        lambda _: three_documents(),
        texts.FILES_NOT_SENT,
        kept=(
            "Your file “registration.pdf” was not sent",
            "Your file “accounts.jpg” was not sent",
            'type="file" name="ownership_structure_document"',
        ),
    ),
    "additional-documents": Form(
        "/onboarding/additional-documents/",
        "uploadadditionaldoc",
        lambda ids: {"unique_id": ids["unique_id"], "addition_doc": pdf("bill.pdf")},
        texts.FILE_NOT_SENT,
        kept=("Your file “bill.pdf” was not sent", 'type="file" name="addition_doc"'),
        setup=_request_document,
    ),
    "plan": Form(
        "/onboarding/plan/",
        "getPlan",
        lambda _: {},
        texts.BANK_UNAVAILABLE,
        kept=('href="/onboarding/plan/">Try again</a>',),
        method="get",
        done_status=200,
    ),
    "resend-kyc-link": Form(
        "/onboarding/directors/resend/",
        "sendkyclink",
        lambda _: {"next": "/onboarding/directors/"},
        texts.BANK_UNAVAILABLE,
        follow=True,
        done_status=200,
    ),
    "plan-respond": Form(
        "/plan/respond/?unique_id={unique_id}",
        "ibanacceptrejectplan",
        lambda ids: {"unique_id": ids["unique_id"], "type": "accept"},
        texts.BANK_UNAVAILABLE,
        kept=('name="type" value="accept"', 'name="type" value="reject"'),
        setup=_propose_plan,
        done_status=200,
    ),
}


def send(client: Client, form: Form, ids: dict[str, str], headers: dict[str, str] | None = None):
    url = form.url.format(**ids)
    if form.method == "get":
        return client.get(url, headers=headers)
    return client.post(url, form.data(ids), follow=form.follow, headers=headers)


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("name", FORMS)
def test_an_upstream_failure_shows_the_form_again_with_what_was_typed(client, name, fault):
    form = FORMS[name]
    company = create_company(EMAIL, password=PASSWORD, live=False)
    ids = form.setup(company)
    assert portal_sign_in(client, EMAIL, PASSWORD).status_code == 302
    actions.set_fault(endpoint=form.endpoint, **FAULTS[fault])

    response = send(client, form, ids)
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(str(form.message)) in page
    for shown in form.kept:
        assert shown in page
    assert journal_calls(form.endpoint) >= 1

    # The bank is back: the same request (the retry) goes through.
    actions.clear_faults()
    response = send(client, form, ids)
    assert response.status_code == form.done_status
    assert escape(str(form.message)) not in response.content.decode()


@pytest.mark.parametrize("name", ["company", "documents"])
def test_an_htmx_form_gets_its_fragment_back_on_a_failure(client, name):
    form = FORMS[name]
    create_company(EMAIL, password=PASSWORD, live=False)
    portal_sign_in(client, EMAIL, PASSWORD)
    actions.set_fault(endpoint=form.endpoint, http_status=500)
    response = send(client, form, {}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div class="form-area">')
    assert escape(str(form.message)) in page
