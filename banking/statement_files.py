"""The statement as the files accounting software imports: CAMT.053, MT940 and CSV.

Each renders one `statement_model.Statement` and yields its text piece by piece,
so the answer streams. Dates and amounts follow each format's own rules, never
the visitor's language: ISO dates and a decimal point in CAMT.053 and CSV,
YYMMDD and a decimal comma in MT940.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _

from banking.statement_model import ZERO, Entry, Statement
from banking.transaction_export import BOM, EchoLine, decimal_text, spreadsheet_text

CAMT_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
# XML 1.0 allows tab, newline, carriage return and everything from space up,
# less the surrogates and two non-characters.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# SWIFT's X character set: what an MT940 may carry.
_NOT_SWIFT = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
# What NFKD leaves outside the set, as its nearest sign inside it.
_SWIFT_LOOKALIKES = str.maketrans(
    {"\u2044": "/", "\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
     "\u201c": "'", "\u201d": "'", "&": "+", "\u20ac": "EUR", "_": "-"}
)  # fmt: skip
MT940_LINE = 65
MT940_NARRATIVE_LINES = 6


def file_stem(statement: Statement) -> str:
    """statement-<IBAN>-<first day>-<last day>: what a file of this statement is called."""
    iban = "".join(statement.account.iban.split()) or statement.account.iban_id
    return f"statement-{iban}-{statement.start.isoformat()}-{statement.end.isoformat()}"


def statement_id(statement: Statement) -> str:
    return f"{statement.account.iban_id}-{statement.start:%Y%m%d}-{statement.end:%Y%m%d}"[:35]


# ---------------------------------------------------------------------------
# ISO 20022 CAMT.053.001.02
# ---------------------------------------------------------------------------


def xml_text(value: str, limit: int) -> str:
    cleaned = " ".join(_NOT_XML.sub(" ", value or "").split())
    return escape(cleaned[:limit])


def xml_amount(value: Decimal) -> str:
    return f"{abs(value):.2f}"


def credit_or_debit(value: Decimal) -> str:
    return "DBIT" if value < 0 else "CRDT"


def camt_moment(moment: datetime) -> str:
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _camt_balance(code: str, amount: Decimal, day: date, currency: str) -> str:
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
        f'<Amt Ccy="{currency}">{xml_amount(amount)}</Amt>'
        f"<CdtDbtInd>{credit_or_debit(amount)}</CdtDbtInd>"
        f"<Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>\n"
    )


def _camt_entry(entry: Entry, currency: str) -> str:
    # A SEPA credit transfer: issued (ICDT) when money left, received (RCDT) otherwise.
    family = "ICDT" if entry.effect < 0 else "RCDT"
    party = "Cdtr" if entry.effect < 0 else "Dbtr"
    charges = (
        f'<Chrgs><Amt Ccy="{currency}">{xml_amount(entry.fee)}</Amt>'
        f"<CdtDbtInd>DBIT</CdtDbtInd></Chrgs>"
        if entry.fee
        else ""
    )
    reference = xml_text(entry.bank_reference, 35)
    details = ""
    if entry.counterparty or entry.reference or reference:
        details = "<NtryDtls><TxDtls>"
        if reference:
            details += f"<Refs><AcctSvcrRef>{reference}</AcctSvcrRef></Refs>"
        if entry.counterparty:
            details += (
                f"<RltdPties><{party}><Nm>{xml_text(entry.counterparty, 140)}</Nm>"
                f"</{party}></RltdPties>"
            )
        if entry.reference:
            details += f"<RmtInf><Ustrd>{xml_text(entry.reference, 140)}</Ustrd></RmtInf>"
        details += "</TxDtls></NtryDtls>"
    day = entry.booked_on.isoformat()
    return (
        f'<Ntry><Amt Ccy="{currency}">{xml_amount(entry.effect)}</Amt>'
        f"<CdtDbtInd>{credit_or_debit(entry.effect)}</CdtDbtInd><Sts>BOOK</Sts>"
        # The API gives one date per movement: it is the booking and the value date.
        f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
        + (f"<AcctSvcrRef>{reference}</AcctSvcrRef>" if reference else "")
        + "<BkTxCd><Domn><Cd>PMNT</Cd>"
        f"<Fmly><Cd>{family}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>"
        f"{charges}{details}</Ntry>\n"
    )


def camt053(statement: Statement, *, owner: str, bic: str, created: datetime) -> Iterator[str]:
    """A BankToCustomerStatement (camt.053.001.02) with one Stmt for the account."""
    currency = statement.currency
    account = statement.account
    stamp = camt_moment(created)
    message_id = xml_text(f"{statement_id(statement)}-{created:%H%M%S}", 35)
    servicer = f"<Svcr><FinInstnId><BIC>{escape(bic)}</BIC></FinInstnId></Svcr>" if bic else ""
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="{CAMT_NAMESPACE}">\n<BkToCstmrStmt>\n'
        f"<GrpHdr><MsgId>{message_id}</MsgId><CreDtTm>{stamp}</CreDtTm></GrpHdr>\n"
        f"<Stmt><Id>{xml_text(statement_id(statement), 35)}</Id><CreDtTm>{stamp}</CreDtTm>"
        f"<FrToDt><FrDtTm>{statement.start.isoformat()}T00:00:00</FrDtTm>"
        f"<ToDtTm>{statement.end.isoformat()}T23:59:59</ToDtTm></FrToDt>\n"
        f"<Acct><Id><IBAN>{escape(''.join(account.iban.split()))}</IBAN></Id>"
        f"<Ccy>{currency}</Ccy>"
        + (f"<Nm>{xml_text(account.label, 70)}</Nm>" if account.label else "")
        + (f"<Ownr><Nm>{xml_text(owner, 140)}</Nm></Ownr>" if owner else "")
        + f"{servicer}</Acct>\n"
    )
    yield _camt_balance("OPBD", statement.opening, statement.start, currency)
    yield _camt_balance("CLBD", statement.closing, statement.end, currency)
    # The summary counts entries as booked (fees included), as each Ntry's Amt is.
    credits = [e.effect for e in statement.entries if e.effect >= 0]
    debits = [-e.effect for e in statement.entries if e.effect < 0]
    net = sum(credits, ZERO) - sum(debits, ZERO)
    yield (
        "<TxsSummry>"
        f"<TtlNtries><NbOfNtries>{len(statement.entries)}</NbOfNtries>"
        f"<Sum>{xml_amount(sum(credits, ZERO) + sum(debits, ZERO))}</Sum>"
        f"<TtlNetNtryAmt>{xml_amount(net)}</TtlNetNtryAmt>"
        f"<CdtDbtInd>{credit_or_debit(net)}</CdtDbtInd></TtlNtries>"
        f"<TtlCdtNtries><NbOfNtries>{len(credits)}</NbOfNtries>"
        f"<Sum>{xml_amount(sum(credits, ZERO))}</Sum></TtlCdtNtries>"
        f"<TtlDbtNtries><NbOfNtries>{len(debits)}</NbOfNtries>"
        f"<Sum>{xml_amount(sum(debits, ZERO))}</Sum></TtlDbtNtries>"
        "</TxsSummry>\n"
    )
    for entry in statement.entries:
        yield _camt_entry(entry, currency)
    yield "</Stmt>\n</BkToCstmrStmt>\n</Document>\n"


# ---------------------------------------------------------------------------
# SWIFT MT940
# ---------------------------------------------------------------------------


def swift_text(value: str) -> str:
    """`value` in SWIFT's X character set: accents dropped, anything else a space."""
    plain = unicodedata.normalize("NFKD", value or "").translate(_SWIFT_LOOKALIKES)
    plain = plain.encode("ascii", "ignore").decode()
    return " ".join(_NOT_SWIFT.sub(" ", plain).split())


def swift_lines(
    value: str, width: int = MT940_LINE, count: int = MT940_NARRATIVE_LINES
) -> list[str]:
    """Lines of at most `width` characters, none starting with ':' or '-' (a field
    tag or the end of the message to a reader)."""
    lines: list[str] = []
    text = swift_text(value)
    while text and len(lines) < count:
        line = text[:width].rstrip()
        text = text[len(text[:width]) :].lstrip()
        line = line.lstrip(":-").strip()
        if line:
            lines.append(line)
    return lines


def swift_amount(value: Decimal) -> str:
    """1234,56: a decimal comma, no grouping (the format's 15d)."""
    return f"{abs(value):.2f}".replace(".", ",")


def _mt940_balance(tag: str, amount: Decimal, day: date, currency: str) -> str:
    mark = "D" if amount < 0 else "C"
    return f":{tag}:{mark}{day:%y%m%d}{currency}{swift_amount(amount)}"


def _mt940_entry(entry: Entry) -> list[str]:
    mark = "D" if entry.effect < 0 else "C"
    bank_reference = swift_text(entry.bank_reference).replace(" ", "")[:16]
    line = f":61:{entry.booked_on:%y%m%d}{entry.booked_on:%m%d}{mark}{swift_amount(entry.effect)}"
    line += "NTRFNONREF" + (f"//{bank_reference}" if bank_reference else "")
    narrative = " ".join(
        part
        for part in (
            entry.counterparty,
            entry.reference,
            (_("fee") + " " + swift_amount(entry.fee)) if entry.fee else "",
        )
        if part
    )
    lines = [line]
    details = swift_lines(narrative) or [swift_text(_("Transfer"))]
    lines.append(f":86:{details[0]}")
    lines.extend(details[1:])
    return lines


def mt940(statement: Statement) -> Iterator[str]:
    """One MT940 customer statement message, CRLF line ends, ending with '-'."""
    currency = statement.currency
    reference = f"S{statement.start:%y%m%d}{statement.end:%y%m%d}"[:16]
    head = [
        f":20:{reference}",
        f":25:{''.join(statement.account.iban.split())}"[:39],
        f":28C:{statement.start:%y%m}/1",
        _mt940_balance("60F", statement.opening, statement.start, currency),
    ]
    yield "\r\n".join(head) + "\r\n"
    for entry in statement.entries:
        yield "\r\n".join(_mt940_entry(entry)) + "\r\n"
    yield _mt940_balance("62F", statement.closing, statement.end, currency) + "\r\n-\r\n"


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


def statement_csv(statement: Statement) -> Iterator[str]:
    """The statement as rows: opening balance, each booked entry, closing balance,
    then the pending ones (outside the balances, so without one)."""
    writer = csv.writer(EchoLine())
    currency = statement.currency
    yield BOM + writer.writerow(
        [
            _("Booking date"),
            _("Counterparty"),
            _("Reference"),
            _("Amount"),
            _("Fee"),
            _("Booked amount"),
            _("Balance"),
            _("Currency"),
            _("Status"),
            _("Bank reference"),
        ]
    )
    yield writer.writerow(
        _csv_edge(statement.start, _("Opening balance"), statement.opening, currency)
    )
    for entry in statement.entries:
        yield writer.writerow(_csv_entry(entry, balance=decimal_text(entry.balance)))
    yield writer.writerow(
        _csv_edge(statement.end, _("Closing balance"), statement.closing, currency)
    )
    for entry in statement.pending:
        yield writer.writerow(_csv_entry(entry, balance=""))


def _csv_edge(day: date, words: str, balance: Decimal, currency: str) -> list[str]:
    return [day.isoformat(), words, "", "", "", "", decimal_text(balance), currency, "", ""]


def _csv_entry(entry: Entry, *, balance: str) -> list[str]:
    return [
        entry.booked_on.isoformat(),
        spreadsheet_text(entry.counterparty),
        spreadsheet_text(entry.reference),
        decimal_text(entry.signed_amount),
        decimal_text(entry.fee),
        decimal_text(entry.effect),
        balance,
        spreadsheet_text(entry.currency),
        spreadsheet_text(entry.status),
        spreadsheet_text(entry.bank_reference),
    ]
