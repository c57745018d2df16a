"""Statement files through the portal: PDF, CAMT.053, MT940 and CSV of one account and period.

Each file comes from the real service module against the simulator, and each is
read back by an independent reader: the official ISO 20022 schema for CAMT.053
(xmlschema), the `mt-940` parser from PyPI, pypdf for the PDF's text, Python's
csv for the CSV. The four must agree on the opening and closing balances and on
every entry.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import mt940
import pypdf
import pytest
import xmlschema
from django.test import Client

from banking.statement_files import swift_lines, swift_text
from sandbox.models import Iban
from tests.banking_history import BRUSSELS, FAULTS, UNAVAILABLE, add_trx, fault, main_iban
from tests.conftest import create_company, journal_calls, portal_sign_in

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.banking_history_fixtures"]

SCHEMA = Path(__file__).resolve().parent.parent / "banking/schemas/camt.053.001.02.xsd"
CAMT = {"c": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"}
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "camt053": "application/xml",
    "mt940": "text/plain; charset=us-ascii",
    "csv": "text/csv; charset=utf-8",
}
SUFFIXES = {"pdf": "pdf", "camt053": "xml", "mt940": "sta", "csv": "csv"}


def march(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=BRUSSELS)


def export_url(iban: Iban, file_format: str, start: str = "2026-03-01", end: str = "2026-03-31"):
    return (
        f"/statements/export/?iban_id={iban.pk}&from_date={start}&to_date={end}"
        f"&format={file_format}"
    )


def content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def busy_march(company) -> Iban:
    """Today 5,000.00 EUR; March has credits, debits with fees, a pending and a failed one."""
    iban = main_iban(company)
    add_trx(iban, amount="1000.00", created=datetime(2026, 2, 15, 9, 0, tzinfo=BRUSSELS))
    add_trx(iban, amount="200.00", fees="1.00", name="Globex Corporation", created=march(2))
    add_trx(
        iban,
        kind="debit",
        amount="120.50",
        fees="1.00",
        name="Société Générale Café",  # accents: transliterated in MT940
        reason="Facture 2026-114 : café",
        created=march(5),
    )
    add_trx(iban, kind="debit", amount="50.00", fees="0.50", status="Pending", created=march(9))
    add_trx(iban, kind="debit", amount="30.00", status="Failed", name="Refused", created=march(20))
    add_trx(iban, amount="75.25", name="=HYPERLINK(1)", reason="-2+3", created=march(28))
    add_trx(iban, amount="100.00", created=datetime(2026, 4, 5, 9, 0, tzinfo=BRUSSELS))
    return iban


# Today 5,000.00; after March +100.00 was booked and the pending -50.50 is set aside,
# so March closed at 4,950.50, and opened at 4,950.50 - (199.00 - 121.50 + 75.25).
OPENING = Decimal("4797.75")
CLOSING = Decimal("4950.50")
BOOKED = [Decimal("199.00"), Decimal("-121.50"), Decimal("75.25")]


# --- the contract -----------------------------------------------------------------------


@pytest.mark.parametrize("file_format", list(MEDIA_TYPES))
def test_each_format_is_a_download_named_after_the_account_and_period(
    signed_in, busy_march, file_format
):
    response = signed_in.get(export_url(busy_march, file_format))

    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPES[file_format]
    name = f"statement-{busy_march.iban}-2026-03-01-2026-03-31.{SUFFIXES[file_format]}"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert "no-store" in response["Cache-Control"]
    assert content(response)


def test_the_text_formats_stream(signed_in, busy_march):
    for file_format in ("camt053", "mt940", "csv"):
        assert signed_in.get(export_url(busy_march, file_format)).streaming


def test_the_four_files_agree_on_balances_and_every_entry(signed_in, busy_march):
    files = {name: content(signed_in.get(export_url(busy_march, name))) for name in MEDIA_TYPES}

    camt = camt_figures(files["camt053"])
    sta = mt940_figures(files["mt940"])
    rows = csv_figures(files["csv"])
    text = pdf_text(files["pdf"])

    for figures in (camt, sta, rows):
        assert figures["opening"] == OPENING
        assert figures["closing"] == CLOSING
        assert figures["entries"] == BOOKED
    assert "4,797.75 EUR" in text
    assert "4,950.50 EUR" in text
    for amount in ("200.00", "120.50", "75.25"):
        assert amount in text


def test_the_pending_payment_is_listed_apart_and_the_failed_one_not_at_all(signed_in, busy_march):
    rows = list(
        csv.reader(
            io.StringIO(content(signed_in.get(export_url(busy_march, "csv"))).decode("utf-8-sig"))
        )
    )
    pending = [row for row in rows if row[8] == "Pending"]
    assert len(pending) == 1
    assert pending[0][6] == ""  # outside the balances
    assert rows.index(pending[0]) > [row[1] for row in rows].index("Closing balance")
    assert not any("Refused" in row[1] for row in rows)

    text = pdf_text(content(signed_in.get(export_url(busy_march, "pdf"))))
    assert "Pending, not yet booked" in text
    assert "Refused" not in text


# --- CAMT.053 ---------------------------------------------------------------------------


def camt_figures(data: bytes) -> dict[str, object]:
    root = ET.fromstring(data)  # noqa: S314 - the portal's own file
    balances = {
        bal.findtext("c:Tp/c:CdOrPrtry/c:Cd", namespaces=CAMT): signed(
            bal.findtext("c:Amt", namespaces=CAMT), bal.findtext("c:CdtDbtInd", namespaces=CAMT)
        )
        for bal in root.iterfind(".//c:Stmt/c:Bal", CAMT)
    }
    entries = [
        signed(
            ntry.findtext("c:Amt", namespaces=CAMT), ntry.findtext("c:CdtDbtInd", namespaces=CAMT)
        )
        for ntry in root.iterfind(".//c:Stmt/c:Ntry", CAMT)
    ]
    return {"opening": balances["OPBD"], "closing": balances["CLBD"], "entries": entries}


def signed(amount: str | None, mark: str | None) -> Decimal:
    value = Decimal(amount or "0")
    return -value if mark == "DBIT" else value


def test_camt053_validates_against_the_official_iso20022_schema(signed_in, busy_march):
    data = content(signed_in.get(export_url(busy_march, "camt053")))

    xmlschema.XMLSchema(SCHEMA).validate(data.decode())


def test_camt053_carries_the_account_dates_references_and_parties(signed_in, busy_march):
    data = content(signed_in.get(export_url(busy_march, "camt053")))
    root = ET.fromstring(data)  # noqa: S314 - the portal's own file
    stmt = root.find(".//c:Stmt", CAMT)

    assert stmt.findtext("c:Acct/c:Id/c:IBAN", namespaces=CAMT) == busy_march.iban
    assert stmt.findtext("c:Acct/c:Ccy", namespaces=CAMT) == "EUR"
    assert stmt.findtext("c:Acct/c:Ownr/c:Nm", namespaces=CAMT) == "Acme Trading Ltd"
    debit = stmt.findall("c:Ntry", CAMT)[1]
    assert debit.findtext("c:BookgDt/c:Dt", namespaces=CAMT) == "2026-03-05"
    assert debit.findtext("c:ValDt/c:Dt", namespaces=CAMT) == "2026-03-05"
    assert debit.findtext("c:AcctSvcrRef", namespaces=CAMT)
    assert debit.findtext(".//c:RltdPties/c:Cdtr/c:Nm", namespaces=CAMT) == "Société Générale Café"
    assert debit.findtext(".//c:RmtInf/c:Ustrd", namespaces=CAMT) == "Facture 2026-114 : café"
    assert debit.findtext("c:Chrgs/c:Amt", namespaces=CAMT) == "1.00"
    credit = stmt.findall("c:Ntry", CAMT)[0]
    assert credit.findtext(".//c:RltdPties/c:Dbtr/c:Nm", namespaces=CAMT) == "Globex Corporation"


# --- MT940 ------------------------------------------------------------------------------


def mt940_figures(data: bytes) -> dict[str, object]:
    transactions = mt940.models.Transactions()
    transactions.parse(data.decode("ascii"))
    return {
        "opening": transactions.data["final_opening_balance"].amount.amount,
        "closing": transactions.data["final_closing_balance"].amount.amount,
        "entries": [trx.data["amount"].amount for trx in transactions],
        "account": transactions.data["account_identification"],
    }


def test_mt940_is_read_by_an_independent_parser(signed_in, busy_march):
    data = content(signed_in.get(export_url(busy_march, "mt940")))

    figures = mt940_figures(data)

    assert figures["account"] == busy_march.iban
    assert len(figures["entries"]) == 3


def test_mt940_keeps_to_the_swift_character_set_and_line_lengths(signed_in, busy_march):
    data = content(signed_in.get(export_url(busy_march, "mt940")))

    text = data.decode("ascii")  # nothing outside ASCII at all
    lines = text.split("\r\n")
    assert lines[-2:] == ["-", ""]
    assert re.fullmatch(r"[A-Za-z0-9/\-?:().,'+ \r\n]*", text)
    assert all(len(line) <= 65 for line in lines if not line.startswith(":61:"))
    assert "Societe Generale Cafe" in text
    assert all(tag in text for tag in (":20:", ":25:", ":28C:", ":60F:", ":62F:"))


def test_swift_narrative_lines_never_look_like_a_new_field():
    lines = swift_lines(":61: " + "x" * 64 + " -end" + " word" * 80)

    assert len(lines) <= 6
    assert all(len(line) <= 65 for line in lines)
    assert not any(line.startswith((":", "-")) for line in lines)
    assert swift_text("Zürich № 5 ½ — R&D\u2019s 10 €") == "Zurich No 5 1/2 - R+D's 10 EUR"


# --- CSV --------------------------------------------------------------------------------


def csv_figures(data: bytes) -> dict[str, object]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    labels = [row[1] for row in rows]
    first, last = labels.index("Opening balance"), labels.index("Closing balance")
    return {
        "opening": Decimal(rows[first][6]),
        "closing": Decimal(rows[last][6]),
        "entries": [Decimal(row[5]) for row in rows[first + 1 : last]],
    }


def test_the_statement_csv_is_safe_in_a_spreadsheet_and_keeps_its_own_formats(
    signed_in, busy_march
):
    italian = Client(HTTP_ACCEPT_LANGUAGE="it-IT")
    italian.cookies = signed_in.cookies
    data = content(italian.get(export_url(busy_march, "csv")))

    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "'=HYPERLINK(1)" in text
    assert "'-2+3" in text
    assert "4797.75" in text  # a decimal point, never the Italian comma
    assert "2026-03-28" in text


# --- PDF --------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u00a0", " ").split())


def test_the_pdf_holds_the_brand_company_account_and_balances(signed_in, busy_march):
    data = content(signed_in.get(export_url(busy_march, "pdf")))

    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Account statement" in text
    assert "Acme Trading Ltd" in text
    assert " ".join(re.findall(".{1,4}", busy_march.iban)) in text
    assert "Codego" in text  # the operator's brand from configSetting
    assert "Page 1 of 1" in text
    assert "Globex Corporation" in text


def test_a_long_statement_numbers_its_pages(signed_in, company):
    iban = main_iban(company)
    for number in range(90):
        add_trx(iban, amount="1.00", name=f"Customer {number}", created=march(1 + number % 28))

    data = content(signed_in.get(export_url(iban, "pdf")))

    reader = pypdf.PdfReader(io.BytesIO(data))
    pages = len(reader.pages)
    assert pages > 1
    assert f"Page {pages} of {pages}" in reader.pages[-1].extract_text().replace("\u00a0", " ")


def test_the_pdf_is_in_the_visitors_language_and_the_files_are_not(signed_in, busy_march):
    signed_in.post("/language/", {"language": "it", "next": "/statements/"})

    text = pdf_text(content(signed_in.get(export_url(busy_march, "pdf"))))
    camt = content(signed_in.get(export_url(busy_march, "camt053"))).decode()

    assert "Estratto conto" in text
    assert "4.950,50 EUR" in text
    assert '<Amt Ccy="EUR">4950.50</Amt>' in camt


def test_a_transaction_receipt_is_a_pdf(signed_in, busy_march):
    trx = add_trx(busy_march, kind="debit", amount="42.00", name="Initech", created=march(12))

    page = signed_in.get(f"/transactions/{trx.unique_id}/").content.decode()
    assert f'href="/transactions/{trx.unique_id}/receipt.pdf"' in page
    response = signed_in.get(f"/transactions/{trx.unique_id}/receipt.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="receipt-{trx.unique_id}.pdf"'
    text = pdf_text(response.content)
    assert "Payment receipt" in text
    assert "Initech" in text
    assert "42.00 EUR" in text


# --- refusals and failures ----------------------------------------------------------------


def test_another_companys_account_is_not_found(signed_in):
    other = create_company("other@globex.test", company_name="Globex Ltd")

    response = signed_in.get(export_url(main_iban(other), "csv"))

    assert response.status_code == 404
    assert main_iban(other).iban not in response.content.decode()


def test_signed_out_the_export_goes_to_sign_in(client, busy_march):
    response = client.get(export_url(busy_march, "csv"))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_bad_choice_is_the_statements_page_with_the_message(signed_in, busy_march):
    response = signed_in.get(export_url(busy_march, "csv", start="2026-03-31", end="2026-03-01"))

    assert response.status_code == 200
    assert "before the first day" in response.content.decode()

    response = signed_in.get(export_url(busy_march, "docx"))
    assert response.status_code == 400
    assert "Choose a file format" in response.content.decode()


@pytest.mark.parametrize("endpoint", ["iban_list", "iban_transaction", "profile_details"])
@pytest.mark.parametrize(("kind", "options"), FAULTS, ids=[name for name, _ in FAULTS])
def test_an_outage_while_the_file_is_built_gives_the_page_and_a_retry(
    signed_in, busy_march, endpoint, kind, options
):
    fault(endpoint, **options)
    url = export_url(busy_march, "pdf")

    response = signed_in.get(url)

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert UNAVAILABLE in page
    assert f'href="{url.replace("&", "&amp;")}">Try again' in page


# --- the statements page's buttons ---------------------------------------------------------


@pytest.mark.parametrize("file_format", list(MEDIA_TYPES))
def test_the_download_buttons_go_to_the_file(signed_in, busy_march, file_format):
    form = {"iban_id": busy_march.pk, "from_date": "2026-03-01", "to_date": "2026-03-31"}

    page = signed_in.get("/statements/").content.decode()
    assert f'name="action" value="{file_format}"' in page
    response = signed_in.post("/statements/", {**form, "action": file_format})

    assert response.status_code == 302
    assert response["Location"] == export_url(busy_march, file_format)


def test_htmx_has_the_pdf_made_then_fetches_it_once(signed_in, busy_march):
    form = {"iban_id": busy_march.pk, "from_date": "2026-03-01", "to_date": "2026-03-31"}

    response = signed_in.post("/statements/", {**form, "action": "pdf"}, HTTP_HX_REQUEST="true")

    ready = response["HX-Redirect"]
    assert re.fullmatch(r"/statements/export/[\w-]+/", ready)
    download = signed_in.get(ready)
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF-")
    assert signed_in.get(ready).status_code == 404  # once
    stranger = Client()
    portal_sign_in(stranger, create_company("x@initech.test").email)
    assert stranger.get(ready).status_code == 404


def test_a_year_of_a_busy_account_walks_the_history_page_by_page(signed_in, company):
    iban = main_iban(company)
    for number in range(260):
        add_trx(
            iban,
            amount="1.00",
            created=datetime(2025, 1 + number % 12, 1 + number % 28, 9, tzinfo=BRUSSELS),
        )
    before = journal_calls("iban_transaction")

    response = signed_in.get(export_url(iban, "mt940", start="2025-01-01", end="2025-12-31"))

    assert len(mt940_figures(content(response))["entries"]) == 260
    # Within the year, pages of the history; after it, what came later.
    assert journal_calls("iban_transaction") - before >= 3
