"""Transactions through the portal: the filtered list, the CSV export, one transaction's page."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import translation

from banking import transactions
from banking.transaction_export import spreadsheet_text
from codego import types as t
from sandbox import actions
from sandbox.models import Beneficiary, Mail, Transaction
from tests.banking_history import BRUSSELS, FAULTS, UNAVAILABLE, add_trx, fault, main_iban
from tests.conftest import journal_calls

pytestmark = pytest.mark.django_db
# The `company` and `signed_in` fixtures.
pytest_plugins = ["tests.banking_history_fixtures"]

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def body(response) -> str:
    return response.content.decode()


def export_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte order mark to read UTF-8"
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


# --- the list ---------------------------------------------------------------------------


def test_the_list_shows_each_transaction_with_its_sign_words_and_status(signed_in, company):
    iban = main_iban(company)
    add_trx(iban, kind="debit", amount="1234.50", name="Contoso Ltd", reason="Cloud hosting")
    add_trx(iban, kind="credit", amount="99.00", name="Globex", status="Pending")

    response = signed_in.get("/transactions/")

    assert response.status_code == 200
    page = body(response)
    assert "Contoso Ltd" in page
    assert "Cloud hosting" in page
    assert "\u22121,234.50\u00a0EUR" in page
    assert "Money out" in page
    assert "+99.00\u00a0EUR" in page
    assert "Money in" in page
    assert ">Completed</span>" in page
    assert ">Pending</span>" in page
    assert "2 transactions" in page


def test_the_account_list_is_asked_once_per_session_not_on_every_filter(signed_in, company):
    add_trx(main_iban(company))
    before = journal_calls("iban_list")

    signed_in.get("/transactions/")
    signed_in.get("/transactions/?status=Completed")
    signed_in.get("/transactions/?search=Jane", headers={"HX-Request": "true"})

    assert journal_calls("iban_list") - before == 1
    assert journal_calls("iban_transaction") == 3


def test_filters_reach_the_bank_and_stay_in_the_form(signed_in, company):
    iban = main_iban(company)
    add_trx(iban, name="Hardware Shop", reason="Laptops", status="Failed")
    add_trx(iban, name="Bakery", reason="Bread")

    response = signed_in.get(
        f"/transactions/?iban_id={iban.pk}&status=Failed&search=laptop&order=asc"
        "&startdate=2026-03-01&enddate=2026-03-31"
    )

    page = body(response)
    assert "Hardware Shop" in page
    assert "Bakery" not in page
    assert 'value="laptop"' in page
    assert 'value="2026-03-01"' in page
    assert 'value="2026-03-31"' in page
    assert re.search(r'<option value="Failed" selected>', page)
    assert re.search(rf'<option value="{iban.pk}" selected>', page)
    assert "Clear filters" in page


def test_pagination_keeps_the_filters_in_its_links(signed_in, company):
    iban = main_iban(company)
    start = datetime(2026, 3, 1, 9, 0, tzinfo=BRUSSELS)
    for number in range(25):
        add_trx(iban, name=f"Payer {number:02d}", created=start + timedelta(hours=number))

    first = body(signed_in.get("/transactions/?search=Payer&status=Completed"))
    assert "Page 1 of 2" in first
    link = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "search=Payer" in link
    assert "status=Completed" in link
    assert "page=2" in link

    second = body(signed_in.get(f"/transactions/{link}"))
    assert "Page 2 of 2" in second
    assert second.count('class="trx-party"') == 5
    assert "Payer 00" in second  # newest first: the oldest rows are on the last page


def test_an_htmx_filter_swaps_only_the_page_content(signed_in, company):
    add_trx(main_iban(company), name="Contoso Ltd")

    response = signed_in.get("/transactions/?search=Contoso", headers={"HX-Request": "true"})

    page = body(response)
    assert "<html" not in page
    assert 'id="transactions"' in page
    assert "Contoso Ltd" in page


def test_a_page_past_the_end_offers_the_last_page(signed_in, company):
    add_trx(main_iban(company))

    page = body(signed_in.get("/transactions/?page=7"))

    assert "past the end" in page
    assert "page=1" in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("startdate=2026-13-40", "startdate", "Enter a date as YYYY-MM-DD"),
        ("enddate=yesterday", "enddate", "Enter a date as YYYY-MM-DD"),
        ("startdate=2026-03-31&enddate=2026-03-01", "enddate", "The end date is before"),
    ],
)
def test_bad_dates_are_explained_next_to_the_field_and_kept(signed_in, query, field, message):
    before = journal_calls("iban_transaction")

    response = signed_in.get(f"/transactions/?search=kept&{query}")

    page = body(response)
    assert response.status_code == 200
    error = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</', page, re.S)
    assert error
    assert message in page
    assert f'aria-describedby="id_{field}_error' in page or f'id="id_{field}"' in page
    assert 'value="kept"' in page
    assert journal_calls("iban_transaction") == before


@pytest.mark.parametrize(
    "query",
    [
        "",
        "status=Failed&search=laptop&order=asc&startdate=2026-03-01&enddate=2026-03-31",
        "startdate=31/03/2026&search=%3Cb%3Ekept%3C/b%3E",
        "startdate=2026-03-31&enddate=2026-03-01",
        "iban_id=999999&status=nonsense",
    ],
)
@pytest.mark.parametrize("language", ["en", "it"])
def test_the_remembered_filter_fields_are_what_a_fresh_form_renders(query, language):

    accounts = [t.Iban(iban_id="7", label="Main", iban="LT12 3990 0000 0000 1234")]
    with translation.override(language):
        first = transactions.TransactionFilterForm(QueryDict(query), accounts=accounts)
        remembered = first.fields_html()
        again = transactions.TransactionFilterForm(QueryDict(query), accounts=accounts)
        fresh = transactions.TransactionFilterForm(QueryDict(query), accounts=accounts)
        assert again.fields_html() is remembered
        assert remembered == render_to_string(transactions.FIELDS_TEMPLATE, {"form": fresh})
        # Other accounts or another language are other fields.
        renamed = [t.Iban(iban_id="7", label="Renamed", iban=accounts[0].iban)]
        other = transactions.TransactionFilterForm(QueryDict(query), accounts=renamed)
        assert "Renamed" in other.fields_html()
    with translation.override("it" if language == "en" else "en"):
        assert first.fields_html() != remembered


def test_the_remembered_filter_fields_stay_bounded(monkeypatch):

    monkeypatch.setattr(transactions, "FIELDS_HTML", {})
    monkeypatch.setattr(transactions, "FIELDS_HTML_KEPT", 3)
    for number in range(10):
        form = transactions.TransactionFilterForm(QueryDict(f"search=n{number}"), accounts=[])
        assert f'value="n{number}"' in form.fields_html()
        assert len(transactions.FIELDS_HTML) <= 3


def test_empty_states_say_whether_filters_hide_everything(signed_in):
    assert "No transactions yet" in body(signed_in.get("/transactions/"))
    filtered = body(signed_in.get("/transactions/?search=nothing"))
    assert "No transaction matches these filters" in filtered


@pytest.mark.parametrize("endpoint", ["iban_list", "iban_transaction"])
@pytest.mark.parametrize(("kind", "options"), FAULTS, ids=[name for name, _ in FAULTS])
def test_an_upstream_fault_gives_an_inline_message_with_a_retry(
    signed_in, company, endpoint, kind, options
):
    add_trx(main_iban(company))
    fault(endpoint, **options)

    response = signed_in.get("/transactions/?search=kept")

    page = body(response)
    assert response.status_code == 503
    assert UNAVAILABLE in page
    assert 'href="/transactions/?search=kept">Try again' in page
    assert 'value="kept"' in page  # the filters typed are still there
    assert 'class="shell-nav"' in page  # inside the banking shell, not an error page


# --- the CSV export ---------------------------------------------------------------------


def test_the_export_walks_every_page_and_has_the_bookkeeper_columns(signed_in, company):
    iban = main_iban(company)
    start = datetime(2026, 1, 1, 9, 0, tzinfo=BRUSSELS)
    made = [add_trx(iban, created=start + timedelta(hours=n)) for n in range(230)]
    add_trx(iban, kind="debit", amount="12.34", fees="0.50", name="Acme Supplies", reason="Paper")
    before = journal_calls("iban_transaction")

    response = signed_in.get("/transactions/export.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="transactions-')
    rows = export_rows(response)
    assert rows[0] == [
        "Date", "Counterparty", "Account IBAN", "Reference", "Amount", "Fee", "Currency", "Status",
        "Transaction ID",
    ]  # fmt: skip
    assert len(rows) == 1 + 231
    assert journal_calls("iban_transaction") - before == 3  # 100 + 100 + 31 rows
    assert {row[8] for row in rows[1:]} >= {trx.transaction_id for trx in made}
    debit = next(row for row in rows if row[1] == "Acme Supplies")
    assert debit == [
        "2026-03-10 12:00:00", "Acme Supplies", iban.iban, "Paper", "-12.34", "0.50", "EUR",
        "Completed", debit[8],
    ]  # fmt: skip


def test_the_export_honours_the_filters(signed_in, company):
    iban = main_iban(company)
    add_trx(iban, name="Failed one", status="Failed")
    add_trx(iban, name="Done one")

    rows = export_rows(signed_in.get("/transactions/export.csv?status=Failed&page=3"))

    assert [row[1] for row in rows[1:]] == ["Failed one"]


def test_spreadsheet_formulas_are_neutralised_but_amounts_stay_numbers(signed_in, company):
    iban = main_iban(company)
    add_trx(iban, kind="debit", amount="10.00", name="=cmd|' /C calc'!A0", reason="+SUM(A1:A9)")
    add_trx(iban, name="@evil", reason="-2+3")

    rows = export_rows(signed_in.get("/transactions/export.csv"))

    cells = {row[1]: row for row in rows[1:]}
    assert cells["'=cmd|' /C calc'!A0"][3] == "'+SUM(A1:A9)"
    assert cells["'=cmd|' /C calc'!A0"][4] == "-10.00"
    assert cells["'@evil"][3] == "'-2+3"


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("\tcalc", "'\tcalc"),
        ("\r=1+1", "'\r=1+1"),
        ("-1", "'-1"),
        ("Invoice -1", "Invoice -1"),
        ("", ""),
    ],
)
def test_a_cell_a_spreadsheet_could_run_gets_an_apostrophe(text, safe):
    # The client trims the bank's texts, so tabs and returns are tried here directly.
    assert spreadsheet_text(text) == safe


def test_an_export_with_bad_filters_goes_back_to_the_list_to_explain(signed_in):
    response = signed_in.get("/transactions/export.csv?startdate=nope")

    assert response.status_code == 302
    assert response["Location"] == "/transactions/?startdate=nope"


@pytest.mark.parametrize(("kind", "options"), FAULTS, ids=[name for name, _ in FAULTS])
def test_an_export_that_cannot_start_says_so_with_a_retry(signed_in, company, kind, options):
    add_trx(main_iban(company))
    fault("iban_transaction", **options)

    response = signed_in.get("/transactions/export.csv?search=Jane")

    page = body(response)
    assert response.status_code == 503
    assert UNAVAILABLE in page
    assert 'href="/transactions/export.csv?search=Jane">Try again' in page


def test_an_export_cut_short_by_the_bank_ends_with_a_warning_line(signed_in, company):
    iban = main_iban(company)
    for _number in range(150):
        add_trx(iban)
    response = signed_in.get("/transactions/export.csv")
    chunks = iter(response.streaming_content)
    received = [next(chunks) for _line in range(101)]  # header and the first page

    fault("iban_transaction", http_status=500)
    received += list(chunks)

    last = received[-1].decode()
    assert "EXPORT INCOMPLETE" in last
    assert len(received) == 102


# --- one transaction --------------------------------------------------------------------


def test_a_transaction_shows_every_field_in_words(signed_in, company):
    iban = main_iban(company)
    trx = add_trx(
        iban,
        kind="debit",
        amount="250.00",
        fees="1.25",
        name="Fabrikam BV",
        reason="Consulting",
        counterparty_iban="NL91ABNA0417164300",
        payment_option="sepa_instant",
        status="Failed",
        failure_reason="Beneficiary bank rejected the transfer",
    )

    response = signed_in.get(f"/transactions/{trx.unique_id}/")

    page = body(response)
    assert response.status_code == 200
    for text in (
        "Fabrikam BV",
        "Consulting",
        "NL91 ABNA 0417 1643 00",
        "SEPA Instant transfer",
        "\u2212250.00\u00a0EUR",
        "1.25\u00a0EUR",
        "251.25\u00a0EUR",  # taken from the account
        ">Failed</span>",
        "Beneficiary bank rejected the transfer",
        trx.transaction_id,
        trx.trx_id,
        "Main account",
        "Email me the invoice",
        f"/transactions/{trx.unique_id}/receipt/",
    ):
        assert text in page, text
    assert "Upload" not in page  # no document asked for


def test_an_unknown_transaction_is_a_themed_404(signed_in):
    response = signed_in.get("/transactions/not-a-real-id/")

    assert response.status_code == 404
    page = body(response)
    assert "find that transaction" in page
    assert 'class="shell-nav"' in page


@pytest.mark.parametrize(("kind", "options"), FAULTS, ids=[name for name, _ in FAULTS])
def test_a_transaction_the_bank_cannot_show_now_offers_a_retry(signed_in, company, kind, options):
    trx = add_trx(main_iban(company))
    fault("iban_transaction_detail", **options)

    response = signed_in.get(f"/transactions/{trx.unique_id}/")

    assert response.status_code == 503
    assert f'href="/transactions/{trx.unique_id}/">Try again' in body(response)


def test_pay_again_points_at_the_same_beneficiary(signed_in, company):
    payee = Beneficiary.objects.create(
        company=company,
        type="business",
        company_name="Contoso Ltd",
        iban="DE02120300000000202051",
        bic="BYLADEM1001",
    )
    trx = add_trx(
        main_iban(company),
        kind="debit",
        name="Contoso Ltd",
        counterparty_iban=payee.iban,
        beneficiary=payee,
    )

    page = body(signed_in.get(f"/transactions/{trx.unique_id}/"))

    assert f"/payments/new/?beneficiaries_id={payee.pk}" in page


def test_the_receipt_is_a_printable_page(signed_in, company):
    trx = add_trx(main_iban(company), kind="debit", amount="75.00", fees="0.40", name="Contoso")

    page = body(signed_in.get(f"/transactions/{trx.unique_id}/receipt/"))

    assert "Payment receipt" in page
    assert "75.40\u00a0EUR" in page
    assert "js/history.js" in page
    assert "data-print" in page


# --- the document the bank asks for -------------------------------------------------------


def document_trx(company) -> Transaction:
    return add_trx(
        main_iban(company),
        kind="debit",
        amount="11200.00",
        name="Fabrikam BV",
        status="Pending",
        is_upload_document=1,
    )


def upload(client, trx, content: bytes, name: str = "invoice.pdf", **headers):
    file = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(
        f"/transactions/{trx.unique_id}/document/", {"trx_document": file}, headers=headers
    )


def test_the_upload_form_shows_only_when_the_bank_asks(signed_in, company):
    trx = document_trx(company)

    page = body(signed_in.get(f"/transactions/{trx.unique_id}/"))

    assert "The bank needs a document for this payment" in page
    assert 'name="trx_document"' in page
    assert "data-upload-progress" in page
    assert 'accept="application/pdf,image/jpeg,image/png"' in page


def test_a_document_is_uploaded_and_the_page_says_it_arrived(signed_in, company):
    trx = document_trx(company)

    response = upload(signed_in, trx, PDF)

    assert response.status_code == 302
    assert response["Location"] == f"/transactions/{trx.unique_id}/"
    trx.refresh_from_db()
    assert trx.is_upload_document == 2
    assert trx.document.data.startswith(b"%PDF-")
    page = body(signed_in.get(response["Location"]))
    assert "Your document was sent to the bank" in page
    assert "The bank has received the supporting document" in page


def test_an_htmx_upload_is_followed_by_a_client_redirect(signed_in, company):
    trx = document_trx(company)

    response = upload(signed_in, trx, PDF, **{"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/transactions/{trx.unique_id}/"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 this is a program, not a PDF", "Upload a PDF, JPEG or PNG file"),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "larger than 10 MB"),
        (b"", "This file is empty"),
    ],
    ids=["lies-about-its-type", "too-large", "empty"],
)
def test_a_refused_file_never_reaches_the_bank(signed_in, company, content, message):
    trx = document_trx(company)

    response = upload(signed_in, trx, content, **{"HX-Request": "true"})

    page = body(response)
    assert response.status_code == 200
    assert message in page
    assert 'id="document-form"' in page
    assert "<html" not in page
    assert journal_calls("iban_uploadtrxdoc") == 0
    trx.refresh_from_db()
    assert trx.is_upload_document == 1


def test_an_upload_for_a_transaction_that_asks_for_none_is_not_sent(signed_in, company):
    trx = add_trx(main_iban(company))

    response = upload(signed_in, trx, PDF)

    assert response.status_code == 302
    assert journal_calls("iban_uploadtrxdoc") == 0
    page = body(signed_in.get(response["Location"]))
    assert "does not need a document" in page


@pytest.mark.parametrize(("kind", "options"), FAULTS, ids=[name for name, _ in FAULTS])
def test_an_upload_the_bank_fails_is_explained_on_the_form(signed_in, company, kind, options):
    trx = document_trx(company)
    fault("iban_uploadtrxdoc", **options)

    page = body(upload(signed_in, trx, PDF))

    if kind == "timeout":
        assert "may or may not have arrived" in page
    else:
        assert UNAVAILABLE in page
        assert "choose it again" in page
    assert 'name="trx_document"' in page


# --- the invoice ----------------------------------------------------------------------------


def test_email_me_the_invoice_asks_the_bank_to_email_it(signed_in, company):
    trx = add_trx(main_iban(company), kind="debit", amount="40.00", name="Contoso")

    response = signed_in.post(f"/transactions/{trx.unique_id}/invoice/", {"trx_id": trx.trx_id})

    assert response.status_code == 302
    mail = Mail.objects.get(kind="invoice")
    assert mail.to == company.email
    assert trx.trx_id in mail.body
    page = body(signed_in.get(response["Location"]))
    assert f"The bank is emailing the invoice to {company.email}" in page


@pytest.mark.parametrize(("kind", "options"), FAULTS, ids=[name for name, _ in FAULTS])
def test_an_invoice_the_bank_cannot_send_says_to_try_again(signed_in, company, kind, options):
    trx = add_trx(main_iban(company))
    fault("downloadinvoice", **options)

    response = signed_in.post(f"/transactions/{trx.unique_id}/invoice/", {"trx_id": trx.trx_id})
    actions.clear_faults()

    page = body(signed_in.get(response["Location"]))
    assert "to try again" in page
    assert not Mail.objects.filter(kind="invoice").exists()


# The sentences as the template wrote them before the view did (blocktranslate).
COUNT_SENTENCES = {
    "export": "{% blocktranslate count counter=rows trimmed %}Export {{ counter }} row to CSV"
    "{% plural %}Export {{ counter }} rows to CSV{% endblocktranslate %}",
    "count": "{% blocktranslate count counter=rows trimmed %}{{ counter }} transaction"
    "{% plural %}{{ counter }} transactions{% endblocktranslate %}",
    "page": "{% blocktranslate with number=number total=total trimmed %}page {{ number }} of "
    "{{ total }}{% endblocktranslate %}",
    "pages": "{% blocktranslate with number=number total=total trimmed %}Page {{ number }} of "
    "{{ total }}{% endblocktranslate %}",
}


@pytest.mark.parametrize("language", ["en", "it"])
@pytest.mark.parametrize(("rows", "number", "total"), [(1, 1, 1), (20, 1, 1), (12345, 2, 618)])
def test_the_count_sentences_are_those_the_template_wrote(rows, number, total, language):
    from django.template import Context, Template

    with translation.override(language):
        words = transactions.count_words(rows, number, total)
        for name, source in COUNT_SENTENCES.items():
            values = {"rows": rows, "number": number, "total": total}
            expected = Template("{% load i18n %}" + source).render(Context(values))
            assert words[name] == expected
    assert len({words["export"], words["count"], words["page"], words["pages"]}) == 4
