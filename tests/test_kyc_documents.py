"""Company documents and additional documents through the views, the real client and
the embedded simulator; plus the portal's own upload check (portal/uploads.py)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from portal.uploads import (
    MAX_UPLOAD_BYTES,
    LimitedUploadHandler,
    OversizedUpload,
    check_upload,
    safe_filename,
)
from sandbox import actions
from sandbox.models import AdditionalDocument, CompanyDocument, StoredFile
from tests.conftest import create_company, journal_calls, latest_code, portal_sign_in

pytestmark = pytest.mark.django_db

EMAIL = "docs@acme.test"
PASSWORD = "Secret-pass-1"
DOCUMENTS_URL = "/onboarding/documents/"
ADDITIONAL_URL = "/onboarding/additional-documents/"
FIELDS = ("business_reg_document", "ownership_structure_document", "financial_document")

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 32

EMPTY = "This file is empty."
TOO_LARGE = "This file is larger than 10 MB."
WRONG_TYPE = "Upload a PDF, JPEG or PNG file. This file&#x27;s content is not one of those."


def pdf(name: str = "document.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def three_documents(**overrides: SimpleUploadedFile) -> dict[str, SimpleUploadedFile]:
    files = {
        "business_reg_document": pdf("registration.pdf"),
        "ownership_structure_document": pdf("ownership.pdf"),
        "financial_document": SimpleUploadedFile("accounts.jpg", JPEG_BYTES, "image/jpeg"),
    }
    files.update(overrides)
    return files


def sign_in(client: Client, email: str = EMAIL) -> None:
    response = portal_sign_in(client, email, PASSWORD)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/onboarding/"


@pytest.fixture
def company():
    return create_company(EMAIL, password=PASSWORD, live=False)


@pytest.fixture
def signed_in(client, company) -> Client:
    sign_in(client)
    return client


def file_inputs(body: str) -> list[str]:
    return re.findall(r'<input type="file" name="([^"]+)"', body)


def input_tag(body: str, name: str) -> str:
    match = re.search(rf'<input type="file" name="{name}"[^>]*>', body)
    assert match, f"no file input {name}"
    return match.group(0)


def upload_three(client: Client, **overrides: SimpleUploadedFile):
    return client.post(DOCUMENTS_URL, three_documents(**overrides))


# ---------------------------------------------------------------------------
# Company documents: the page
# ---------------------------------------------------------------------------


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(DOCUMENTS_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert client.get(ADDITIONAL_URL).status_code == 302


def test_a_new_company_is_asked_for_all_three_documents(signed_in):
    body = signed_in.get(DOCUMENTS_URL).content.decode()
    assert file_inputs(body) == list(FIELDS)
    assert body.count("To upload") == 3
    for name in FIELDS:
        assert 'accept="application/pdf,image/jpeg,image/png"' in input_tag(body, name)
    assert 'enctype="multipart/form-data"' in body
    assert 'hx-encoding="multipart/form-data"' in body
    assert "data-upload-progress" in body
    assert "<progress" in body


def test_all_three_documents_are_required_at_first(signed_in):
    response = signed_in.post(DOCUMENTS_URL, {"business_reg_document": pdf()})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("Choose a file.") == 2
    assert 'aria-invalid="true"' in input_tag(body, "ownership_structure_document")
    assert 'aria-invalid="true"' in input_tag(body, "financial_document")
    assert journal_calls("uploadCompanyDocument") == 0


def test_uploading_the_three_documents_puts_them_under_review(signed_in, company):
    response = upload_three(signed_in)
    assert response.status_code == 302
    assert response["Location"] == "/onboarding/"
    assert journal_calls("uploadCompanyDocument") == 1
    assert company.documents.count() == 3
    assert set(company.documents.values_list("status", flat=True)) == {
        CompanyDocument.Status.REVIEW
    }

    landing = signed_in.get("/onboarding/").content.decode()
    assert "Your documents were uploaded. The bank is reviewing them." in landing

    body = signed_in.get(DOCUMENTS_URL).content.decode()
    assert body.count("Under review") == 3
    assert file_inputs(body) == []
    assert "All your company documents are uploaded." in body
    assert 'href="/onboarding/"' in body


def test_verified_documents_show_as_verified(signed_in, company):
    upload_three(signed_in)
    actions.approve(email=EMAIL, what="documents")
    body = signed_in.get(DOCUMENTS_URL).content.decode()
    assert body.count("Verified") == 3
    assert file_inputs(body) == []


# ---------------------------------------------------------------------------
# Company documents: the portal's own checks, before anything is sent
# ---------------------------------------------------------------------------


def test_an_executable_renamed_to_pdf_is_refused_and_nothing_is_sent(signed_in):
    evil = SimpleUploadedFile("invoice.pdf", EXE_BYTES, content_type="application/pdf")
    response = upload_three(signed_in, ownership_structure_document=evil)
    assert response.status_code == 200
    body = response.content.decode()
    assert WRONG_TYPE in body
    assert 'aria-invalid="true"' in input_tag(body, "ownership_structure_document")
    # The error is tied to its field.
    assert 'id="id_ownership_structure_document_error"' in body
    assert "id_ownership_structure_document_error" in input_tag(
        body, "ownership_structure_document"
    )
    assert journal_calls("uploadCompanyDocument") == 0
    assert not CompanyDocument.objects.exists()


def test_the_other_files_are_named_to_be_chosen_again_when_one_is_refused(signed_in):
    evil = SimpleUploadedFile("invoice.pdf", EXE_BYTES, content_type="application/pdf")
    body = upload_three(signed_in, ownership_structure_document=evil).content.decode()
    assert "Nothing was sent to the bank. See the message next to: Ownership structure." in body
    assert "choose these again too: Business registration document, Financial statement." in body
    assert "“registration.pdf” was fine but was not sent" in body
    assert "“accounts.jpg” was fine but was not sent" in body
    # The hint is read with the field.
    assert "id_business_reg_document_helptext" in input_tag(body, "business_reg_document")
    assert 'aria-invalid="true"' not in input_tag(body, "business_reg_document")


def test_a_file_over_10_mb_is_refused_without_reaching_the_bank(signed_in):
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (MAX_UPLOAD_BYTES - 4), "application/pdf")
    assert big.size == MAX_UPLOAD_BYTES + 1
    body = upload_three(signed_in, financial_document=big).content.decode()
    assert TOO_LARGE in body
    assert 'aria-invalid="true"' in input_tag(body, "financial_document")
    assert journal_calls("uploadCompanyDocument") == 0


def test_a_file_of_exactly_10_mb_is_accepted(signed_in, company):
    limit = SimpleUploadedFile(
        "big.pdf", b"%PDF-" + b"0" * (MAX_UPLOAD_BYTES - 5), "application/pdf"
    )
    response = upload_three(signed_in, financial_document=limit)
    assert response.status_code == 302
    assert company.documents.get(kind="financial").file.size == MAX_UPLOAD_BYTES


def test_an_empty_file_is_refused(signed_in):
    empty = SimpleUploadedFile("empty.pdf", b"", "application/pdf")
    body = upload_three(signed_in, business_reg_document=empty).content.decode()
    assert EMPTY in body
    assert 'aria-invalid="true"' in input_tag(body, "business_reg_document")
    assert journal_calls("uploadCompanyDocument") == 0


def test_a_png_named_pdf_is_accepted_and_sent_as_a_png(signed_in, company):
    renamed = SimpleUploadedFile("../../scans/owners.pdf", PNG_BYTES, "application/pdf")
    response = upload_three(signed_in, ownership_structure_document=renamed)
    assert response.status_code == 302
    stored = company.documents.get(kind=CompanyDocument.Kind.OWNERSHIP).file
    assert stored.content_type == "image/png"
    assert stored.name == "owners.png"
    assert bytes(stored.data) == PNG_BYTES
    financial = company.documents.get(kind=CompanyDocument.Kind.FINANCIAL).file
    assert (financial.content_type, financial.name) == ("image/jpeg", "accounts.jpg")


# ---------------------------------------------------------------------------
# Company documents: after a rejection
# ---------------------------------------------------------------------------


def test_after_a_rejection_only_the_rejected_document_is_asked_for_with_the_reason(
    signed_in, company
):
    upload_three(signed_in)
    actions.reject(email=EMAIL, what="Ownership", reason="Unreadable scan")

    body = signed_in.get(DOCUMENTS_URL).content.decode()
    assert file_inputs(body) == ["ownership_structure_document"]
    assert "Unreadable scan" in body
    assert "Rejected" in body
    assert body.count("Under review") == 2
    # The reason is read with the field.
    assert "id_ownership_structure_document_helptext" in input_tag(
        body, "ownership_structure_document"
    )

    response = signed_in.post(DOCUMENTS_URL, {"ownership_structure_document": pdf("new.pdf")})
    assert response.status_code == 302
    assert journal_calls("uploadCompanyDocument") == 2
    ownership = company.documents.get(kind=CompanyDocument.Kind.OWNERSHIP)
    assert ownership.status == CompanyDocument.Status.REVIEW
    assert ownership.file.name == "new.pdf"
    assert "Your document was uploaded." in signed_in.get("/onboarding/").content.decode()

    body = signed_in.get(DOCUMENTS_URL).content.decode()
    assert body.count("Under review") == 3
    assert "Unreadable scan" not in body
    assert file_inputs(body) == []


def test_a_post_when_nothing_is_missing_goes_back_to_the_summary(signed_in):
    upload_three(signed_in)
    response = upload_three(signed_in)
    assert response.status_code == 302
    assert response["Location"] == DOCUMENTS_URL
    assert journal_calls("uploadCompanyDocument") == 1


# ---------------------------------------------------------------------------
# Company documents: htmx
# ---------------------------------------------------------------------------


def test_an_htmx_post_with_a_bad_file_answers_with_the_form_fragment(signed_in):
    evil = SimpleUploadedFile("invoice.pdf", EXE_BYTES, "application/pdf")
    response = signed_in.post(
        DOCUMENTS_URL, three_documents(financial_document=evil), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div class="form-area">')
    assert WRONG_TYPE in body
    assert "data-upload-progress" in body
    assert journal_calls("uploadCompanyDocument") == 0


def test_an_htmx_post_that_uploads_answers_with_a_client_redirect(signed_in):
    response = signed_in.post(DOCUMENTS_URL, three_documents(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/onboarding/"
    assert journal_calls("uploadCompanyDocument") == 1


# ---------------------------------------------------------------------------
# Additional documents
# ---------------------------------------------------------------------------


def request_document(title: str = "Proof of address", description: str = "A utility bill."):
    return actions.request_document(email=EMAIL, title=title, description=description)


def test_without_requests_the_additional_documents_page_says_so(signed_in):
    body = signed_in.get(ADDITIONAL_URL).content.decode()
    assert "The bank has not asked for any additional document." in body
    assert file_inputs(body) == []


def test_a_requested_document_can_be_uploaded_and_is_then_under_review(signed_in):
    document = request_document()
    body = signed_in.get(ADDITIONAL_URL).content.decode()
    assert "Proof of address" in body
    assert "A utility bill." in body
    assert "To upload" in body
    assert file_inputs(body) == ["addition_doc"]
    assert f'name="unique_id" value="{document.unique_id}"' in body
    assert 'accept="application/pdf,image/jpeg,image/png"' in input_tag(body, "addition_doc")
    assert "data-upload-progress" in body

    response = signed_in.post(
        ADDITIONAL_URL, {"unique_id": document.unique_id, "addition_doc": pdf("bill.pdf")}
    )
    assert response.status_code == 302
    assert response["Location"] == "/onboarding/"
    assert journal_calls("uploadadditionaldoc") == 1
    document.refresh_from_db()
    assert document.status == AdditionalDocument.Status.REVIEW
    assert document.file.name == "bill.pdf"
    landing = signed_in.get("/onboarding/").content.decode()
    assert "“Proof of address” was uploaded. The bank is reviewing it." in landing

    body = signed_in.get(ADDITIONAL_URL).content.decode()
    assert "Under review" in body
    assert file_inputs(body) == []


def test_with_more_documents_to_upload_the_page_comes_back(signed_in):
    first = request_document("Proof of address")
    request_document("Bank reference", "")
    body = signed_in.get(ADDITIONAL_URL).content.decode()
    assert file_inputs(body) == ["addition_doc", "addition_doc"]
    # Several forms on one page: the names are the API's, the ids differ.
    assert f'id="id_addition_doc_{first.unique_id}"' in body

    response = signed_in.post(ADDITIONAL_URL, {"unique_id": first.unique_id, "addition_doc": pdf()})
    assert response.status_code == 302
    assert response["Location"] == ADDITIONAL_URL
    body = signed_in.get(ADDITIONAL_URL).content.decode()
    assert file_inputs(body) == ["addition_doc"]
    assert "Under review" in body


def test_a_rejected_additional_document_shows_its_reason_and_can_be_uploaded_again(signed_in):
    document = request_document()
    document.status = AdditionalDocument.Status.REJECTED
    document.rejection_reason = "Older than three months"
    document.save()
    body = signed_in.get(ADDITIONAL_URL).content.decode()
    assert "Rejected" in body
    assert "Older than three months" in body
    assert file_inputs(body) == ["addition_doc"]


def test_a_bad_additional_document_is_refused_without_reaching_the_bank(signed_in):
    document = request_document()
    evil = SimpleUploadedFile("bill.pdf", EXE_BYTES, "application/pdf")
    response = signed_in.post(
        ADDITIONAL_URL, {"unique_id": document.unique_id, "addition_doc": evil}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert WRONG_TYPE in body
    assert 'aria-invalid="true"' in input_tag(body, "addition_doc")
    assert journal_calls("uploadadditionaldoc") == 0
    document.refresh_from_db()
    assert document.status == AdditionalDocument.Status.REQUESTED


def test_an_unknown_additional_document_is_not_uploaded(signed_in):
    request_document()
    response = signed_in.post(ADDITIONAL_URL, {"unique_id": "nope", "addition_doc": pdf()})
    assert response.status_code == 302
    assert response["Location"] == ADDITIONAL_URL
    assert journal_calls("uploadadditionaldoc") == 0


def test_an_htmx_additional_upload_answers_with_a_fragment_or_a_client_redirect(signed_in):
    document = request_document()
    empty = SimpleUploadedFile("bill.pdf", b"", "application/pdf")
    response = signed_in.post(
        ADDITIONAL_URL,
        {"unique_id": document.unique_id, "addition_doc": empty},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div class="form-area">')
    assert EMPTY in body

    response = signed_in.post(
        ADDITIONAL_URL,
        {"unique_id": document.unique_id, "addition_doc": pdf()},
        HTTP_HX_REQUEST="true",
    )
    assert response["HX-Redirect"] == "/onboarding/"
    assert journal_calls("uploadadditionaldoc") == 1


# ---------------------------------------------------------------------------
# portal/uploads.py on its own
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(PDF_BYTES, "application/pdf"), (JPEG_BYTES, "image/jpeg"), (PNG_BYTES, "image/png")],
)
def test_the_type_is_detected_from_the_content_whatever_the_name_says(data, content_type):
    checked = check_upload(SimpleUploadedFile("file.txt", data, "text/plain"))
    assert checked.content_type == content_type
    name, file, sent_type = checked.as_upload()
    assert sent_type == content_type
    assert file.read() == data
    assert name.startswith("file.")


def test_the_image_check_refuses_a_pdf():
    with pytest.raises(ValidationError) as error:
        check_upload(pdf(), allowed=("image/jpeg", "image/png"), max_bytes=2 * 1024 * 1024)
    assert error.value.messages == [
        "Upload a JPEG or PNG file. This file's content is not one of those."
    ]


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("C:\\Users\\me\\scan.pdf", "application/pdf", "scan.pdf"),
        ("/etc/passwd", "application/pdf", "passwd.pdf"),
        ("photo.JPEG", "image/jpeg", "photo.jpeg"),
        ("photo.pdf", "image/jpeg", "photo.jpg"),
        ("..", "image/png", "document.png"),
        ("", "application/pdf", "document.pdf"),
        ("my <evil> file;.pdf", "application/pdf", "my_evil_file.pdf"),
        ("a" * 300 + ".png", "image/png", "a" * 96 + ".png"),
    ],
)
def test_the_filename_sent_upstream_is_safe_and_matches_the_type(name, content_type, expected):
    assert safe_filename(name, content_type) == expected


def test_stored_files_keep_the_detected_type(signed_in):
    upload_three(
        signed_in, business_reg_document=SimpleUploadedFile("x.png", JPEG_BYTES, "image/png")
    )
    assert StoredFile.objects.filter(name="x.jpg", content_type="image/jpeg").exists()


def test_a_file_past_the_limit_is_not_kept_while_the_request_is_read():
    request = RequestFactory().post(
        "/upload/",
        {
            "small": SimpleUploadedFile("small.pdf", PDF_BYTES),
            "big": SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 200),
        },
    )
    request.upload_handlers.insert(0, LimitedUploadHandler(request, max_bytes=100))
    big, small = request.FILES["big"], request.FILES["small"]
    assert isinstance(big, OversizedUpload)
    assert big.size == 205
    assert big.read() == b""
    assert small.read() == PDF_BYTES
    with pytest.raises(ValidationError) as error:
        check_upload(big, max_bytes=100)
    assert error.value.code == "too_large"


def test_the_upload_pages_still_check_the_csrf_token(company):
    client = Client(enforce_csrf_checks=True)
    sign_in_response = client.post("/login/", {"email": EMAIL, "password": PASSWORD})
    # Sign-in itself needs the token too: take it from the login page.
    assert sign_in_response.status_code == 403
    client.get("/login/")
    token = client.cookies["csrftoken"].value
    client.post("/login/", {"email": EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": token})
    client.post("/login/verify/", {"otp": latest_code(EMAIL), "csrfmiddlewaretoken": token})
    assert client.get(DOCUMENTS_URL).status_code == 200

    assert client.post(DOCUMENTS_URL, three_documents()).status_code == 403
    assert client.post(ADDITIONAL_URL, {"unique_id": "x"}).status_code == 403
    assert journal_calls("uploadCompanyDocument") == 0
