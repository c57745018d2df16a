"""Every page and form of the portal when the bank fails, generated from the endpoint table.

- Routes: every named route of the portal's URL map (`get_resolver`), but the
  simulator's own and the machines' probes. `VISITS` says, per route, who opens
  it, what must exist first (a payee, a payment waiting for its code...) and what
  its form sends; a route without an entry is opened with GET by a live company.
- Endpoints: each visit is first made with the bank well, and the simulator's
  journal says which endpoints of `codego.endpoints.SPECS` it called.
- Faults: then, for each of those endpoints and each kind in `FAULTS`, the fault is
  injected on that endpoint only and the same visit is made again, from scratch.
- Expected: `expect` decides, in one place, what the page must answer.

No page and no endpoint is listed by hand: a new route or a new call of a page is
in the suite at its next run (a route with arguments asks for its entry in `VISITS`).
Every write is sent at most as often as with the bank well, and a call that moves
money exactly once: the transport retries reads only, the portal never.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils.html import escape

from banking.models import PendingPayment
from codego import errors
from codego.client import get_client
from codego.endpoints import SPECS
from codego.types import SignedIn
from portal import session as portal_session
from portal import texts
from sandbox import actions
from sandbox import reference as bank_reference
from sandbox.adapter import SandboxAdapter
from sandbox.models import Company, JournalEntry
from tests.banking_history import add_trx, main_iban
from tests.conftest import create_company, latest_code, sign_in
from tests.test_kyc_documents import pdf, three_documents
from tests.test_kyc_wizard import company_data, director_data

pytestmark = pytest.mark.django_db

PASSWORD = "Secret-pass-1"
PAYEE_IBAN = "DE89370400440532013000"
REFUSAL = "Refused by the bank for the fault suite."
# Calls that move money or create something at the bank: never sent twice by the portal.
MONEY_MOVING = frozenset(
    {"iban_sendmoney", "iban_confirmotp", "createIban", "addbeneficary", "beneficiaries_delete"}
)

# Each kind of failure: how the simulator (or, for a refused connection, the
# `requests` adapter in front of it) is made to fail on one endpoint.
FAULTS: dict[str, dict[str, Any]] = {
    "timeout": {"timeout": True},
    "connection-refused": {},
    "http-500": {"http_status": 500},
    "http-429": {"http_status": 429},
    "not-json": {"garbage": True},
    "http-401": {"http_status": 401},
    "status-0": {"answer_status": 0, "message": REFUSAL},
    "status-minus-1": {"answer_status": -1},
}

# Calls a page makes on the side, whose failure the page is right to shrug off, and why.
SIDE_CALLS = {
    "configSetting": "the brand falls back to the portal's own",
    "updateUserLive": "the token keep-alive leaves an outage to the page's own call",
    "notification": "the navigation's unread badge shows no number",
}
# Side calls whose "token refused" (-1) is shrugged off too: the page's own calls meet it.
SIDE_CALLS_EVEN_SIGNED_OUT = {"notification"}

# Routes that are not pages of the portal: the simulator itself, and probes for machines.
NOT_PAGES = {"healthz", "readyz", "brand-css"}
PORTAL_PACKAGES = ("portal", "onboarding", "banking", "crypto_wallets")


# ---------------------------------------------------------------------------
# Who visits, and what a visit needs
# ---------------------------------------------------------------------------

_emails = itertools.count(1)


@dataclass
class World:
    """One run of a visit: a fresh company, a browser and what `prepare` made."""

    company: Company
    client: Client
    url_args: dict[str, str] = field(default_factory=dict)
    query: str = ""
    values: dict[str, str] = field(default_factory=dict)

    @property
    def email(self) -> str:
        return self.company.email


Prepare = Callable[[World], None]
Data = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Visit:
    """How to open one route: who, what must exist first, and the form it posts."""

    who: str = "live"  # "live" company, "kyc" (signed in, not live yet) or "visitor"
    prepare: Prepare | None = None
    post: Data | None = None  # None: the route is only read (GET)
    htmx: bool = False
    # Signing out ends the portal's session whatever the bank answers.
    ends_session: bool = False
    # False for a form of buttons and hidden fields only: nothing typed to keep.
    typed: bool = True
    # Calls this page can do without, and what it does instead (see SIDE_CALLS).
    side_calls: tuple[str, ...] = ()
    # The page's own words for every refusal, so nobody learns which addresses exist.
    refusal_words: tuple[str, ...] = ()


def _payee(world: World) -> str:
    get_client().add_beneficiary(
        sign_in(world.company), type="business", account=PAYEE_IBAN, company_name="Contoso GmbH"
    )
    return str(world.company.beneficiaries.get().pk)


def with_payee(world: World) -> None:
    world.url_args["beneficiaries_id"] = _payee(world)


def with_payment_form(world: World) -> None:
    """The form as the browser got it: its one-time key, the choices it offered."""
    world.values["payee"] = _payee(world)
    page = world.client.get("/payments/new/").content.decode()
    found = re.search(r'name="payment_key" value="([^"]+)"', page)
    assert found, page[:3000]
    world.values["payment_key"] = found.group(1)


def with_draft_payment(world: World) -> None:
    iban = main_iban(world.company)
    payee = world.company.beneficiaries.get(pk=_payee(world))
    payment = PendingPayment.objects.create(
        user_id=world.company.user_id,
        iban_id=str(iban.pk),
        iban=iban.iban,
        iban_label=iban.label,
        beneficiaries_id=str(payee.pk),
        payee_name="Contoso GmbH",
        payee_iban=PAYEE_IBAN,
        amount="120.50",
        payment_option="sepa",
        reason_payment="Invoice 2026-114",
    )
    world.url_args["key"] = payment.key


def with_payment_awaiting_code(world: World) -> None:
    with_draft_payment(world)
    world.client.post(f"/payments/{world.url_args.pop('key')}/review/")
    payment = PendingPayment.objects.get(user_id=world.company.user_id)
    assert payment.state == PendingPayment.State.AWAITING_OTP, payment.state
    world.url_args["unique_id"] = payment.unique_id


def with_transaction(world: World) -> None:
    trx = add_trx(main_iban(world.company), kind="debit", amount="250.00", name="Fabrikam BV")
    world.url_args["unique_id"] = trx.unique_id
    world.values["trx_id"] = trx.trx_id


def with_document_asked(world: World) -> None:
    trx = add_trx(
        main_iban(world.company),
        kind="debit",
        amount="11200.00",
        name="Fabrikam BV",
        status="Pending",
        is_upload_document=1,
    )
    world.url_args["unique_id"] = trx.unique_id


def with_document_requested(world: World) -> None:
    document = actions.request_document(email=world.email, title="Proof of address")
    world.values["unique_id"] = document.unique_id


def with_plan_proposed(world: World) -> None:
    company = world.company
    company.company_status = company.document_status = Company.Step.VERIFIED
    company.director_status = Company.Step.VERIFIED
    company.save()
    world.values["unique_id"] = actions.make_live(email=world.email).unique_id
    world.query = f"?unique_id={world.values['unique_id']}"


def with_captcha_brand(world: World) -> None:
    """The bank's brand asks for reCAPTCHA on sign-up (`_bank_brand` restores it)."""
    bank_reference.BRAND.update(
        google_captcha_client="site-key-123", google_captcha_secret="secret-123"
    )


def with_signup_started(world: World) -> None:
    world.values["new_email"] = f"new{next(_emails)}@acme.test"
    signup = {"company_name": "Fresh Co", "email": world.values["new_email"]}
    # Whether or not the brand asks for reCAPTCHA.
    response = world.client.post("/signup/", {**signup, "g-recaptcha-response": "token-ok"})
    assert response.status_code == 302, response.content.decode()[:2000]


def with_login_started(world: World) -> None:
    response = world.client.post("/login/", {"email": world.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]


def with_reset_asked(world: World) -> None:
    response = world.client.post("/password/forgot/", {"email": world.email})
    assert response.status_code == 302, response.content.decode()[:2000]


def statement_data(world: World) -> dict[str, Any]:
    iban = main_iban(world.company)
    return {
        "iban_id": str(iban.pk),
        "from_date": "2026-03-01",
        "to_date": "2026-03-31",
        "action": "email",
    }


def with_statement_query(world: World) -> None:
    data = statement_data(world)
    world.query = f"?iban_id={data['iban_id']}&from_date=2026-03-01&to_date=2026-03-31"


def with_statement_file(world: World) -> None:
    with_statement_query(world)
    world.query += "&format=pdf"  # the PDF asks for the company's address as well


def nothing_typed(world: World) -> dict[str, Any]:
    """The body of a form of buttons and hidden fields: nothing a person typed."""
    return {}


VISITS: dict[str, Visit] = {
    # -- signed out ------------------------------------------------------------
    # With a brand that asks for reCAPTCHA, so that verifygooglecaptcha is called too.
    "onboarding:signup": Visit(
        "visitor",
        with_captcha_brand,
        post=lambda w: {
            "company_name": "Fresh Co",
            "email": f"new{next(_emails)}@acme.test",
            "g-recaptcha-response": "token-ok",
        },
        refusal_words=("Please confirm you are not a robot.",),
    ),
    "onboarding:signup-verify": Visit(
        "visitor",
        with_signup_started,
        post=lambda w: {"email_otp": latest_code(w.values["new_email"])},
    ),
    "onboarding:login": Visit(
        "visitor",
        post=lambda w: {"email": w.email, "password": PASSWORD},
        refusal_words=("Wrong email or password.",),
    ),
    # A company of the visitor's own, signed in through login and verifyLogin.
    "onboarding:demo-start": Visit("visitor", post=nothing_typed, typed=False),
    "onboarding:login-verify": Visit(
        "visitor", with_login_started, post=lambda w: {"otp": latest_code(w.email)}
    ),
    "onboarding:login-resend": Visit(
        "visitor", with_login_started, post=nothing_typed, typed=False
    ),
    "onboarding:password-forgot": Visit(
        "visitor",
        post=lambda w: {"email": w.email},
        refusal_words=("If the address is registered, we sent a code",),
    ),
    "onboarding:password-reset": Visit(
        "visitor",
        with_reset_asked,
        post=lambda w: {
            "code": latest_code(w.email),
            "password": "New-secret-pass-2",
            "password_confirmation": "New-secret-pass-2",
        },
        refusal_words=("This code is wrong or has expired.",),
    ),
    # -- onboarding ------------------------------------------------------------
    "onboarding:home": Visit("kyc"),
    "onboarding:logout": Visit("live", post=nothing_typed, ends_session=True, typed=False),
    "onboarding:overview": Visit("kyc"),
    "onboarding:company": Visit("kyc", post=lambda w: company_data()),
    "onboarding:documents": Visit("kyc", post=lambda w: three_documents()),
    "onboarding:additional-documents": Visit(
        "kyc",
        with_document_requested,
        post=lambda w: {"unique_id": w.values["unique_id"], "addition_doc": pdf("bill.pdf")},
    ),
    "onboarding:directors": Visit("kyc", post=lambda w: director_data()),
    "onboarding:director-resend": Visit(
        "kyc", post=lambda w: {"next": "/onboarding/directors/"}, typed=False
    ),
    "onboarding:plan": Visit("kyc"),
    "onboarding:plan-respond": Visit(
        "kyc",
        with_plan_proposed,
        post=lambda w: {"unique_id": w.values["unique_id"], "type": "accept"},
        typed=False,
    ),
    # -- session machinery -----------------------------------------------------
    "heartbeat": Visit("live", post=nothing_typed, htmx=True, typed=False),
    "keep-alive": Visit("live", post=nothing_typed, htmx=True, typed=False),
    # -- banking ---------------------------------------------------------------
    "banking:account-new": Visit(post=lambda w: {"label": "Payroll"}),
    "banking:beneficiary-new": Visit(
        post=lambda w: {"type": "business", "company_name": "Contoso GmbH", "account": PAYEE_IBAN}
    ),
    "banking:beneficiary-delete": Visit(prepare=with_payee, post=nothing_typed, typed=False),
    "banking:payment-new": Visit(
        prepare=with_payment_form,
        post=lambda w: {
            "payment_key": w.values["payment_key"],
            "iban_id": str(main_iban(w.company).pk),
            "beneficiaries_id": w.values["payee"],
            "amount": "120.50",
            "payment_option": "sepa",
            "reason_payment": "Invoice 2026-114",
        },
        # Without the plans the form leaves the fee to the bank ("shown in the code email").
        side_calls=("getPlan",),
    ),
    "banking:payment-review": Visit(
        prepare=with_draft_payment, post=nothing_typed, typed=False, side_calls=("getPlan",)
    ),
    "banking:payment-confirm": Visit(
        prepare=with_payment_awaiting_code, post=lambda w: {"otp": latest_code(w.email)}
    ),
    "banking:payment-resend": Visit(
        prepare=with_payment_awaiting_code, post=nothing_typed, typed=False
    ),
    # Without the payee list, "Pay again" lets the payment form find the payee itself.
    "banking:transaction": Visit(prepare=with_transaction, side_calls=("beneficiaries_list",)),
    "banking:transaction-receipt": Visit(prepare=with_transaction),
    "banking:transaction-receipt-pdf": Visit(prepare=with_transaction),
    "banking:transaction-invoice": Visit(
        prepare=with_transaction, post=lambda w: {"trx_id": w.values["trx_id"]}, typed=False
    ),
    "banking:transaction-document": Visit(
        prepare=with_document_asked,
        post=lambda w: {
            "trx_document": SimpleUploadedFile("invoice.pdf", b"%PDF-1.4\n", "application/pdf")
        },
    ),
    "banking:statements": Visit(post=statement_data),
    "banking:statement-print": Visit(prepare=with_statement_query),
    "banking:statement-export": Visit(prepare=with_statement_file),
    # A PDF made for an htmx request, fetched from the cache: no call to the bank.
    "banking:statement-ready": Visit(prepare=lambda w: w.url_args.update(token="not-made")),
    "crypto:coin": Visit(prepare=lambda w: w.url_args.update(coin="btc")),
}


# ---------------------------------------------------------------------------
# The routes, from the URL map
# ---------------------------------------------------------------------------


def _routes(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def portal_routes() -> list[str]:
    return [
        name
        for name in _routes(get_resolver().url_patterns)
        if not name.startswith("sandbox:") and name not in NOT_PAGES
    ]


def cases() -> list[tuple[str, str]]:
    """(route, method): a GET of every page, a POST of every form."""
    found = []
    for route in portal_routes():
        visit = VISITS.get(route, Visit())
        found.append((route, "get"))
        if visit.post is not None:
            found.append((route, "post"))
    return found


# ---------------------------------------------------------------------------
# One visit
# ---------------------------------------------------------------------------


def signed_in_browser(company: Company) -> Client:
    """A browser whose session `portal.session.sign_in` started with a token the bank
    issued, as after /login/verify/ (those pages have their own visits in the suite)."""
    session = SessionStore()
    request = RequestFactory().get("/")
    request.session = session
    credentials = sign_in(company)
    portal_session.sign_in(
        request,
        SignedIn(
            user_id=credentials.user_id,
            web_token=credentials.web_token,
            is_live=company.is_live,
            company_name=company.company_name,
        ),
        email=company.email,
    )
    session.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def new_world(visit: Visit) -> World:
    """A fresh company and browser, signed in as the visit needs, with what it must find."""
    cache.clear()
    email = f"faults{next(_emails)}@acme.test"
    company = create_company(email, password=PASSWORD, live=visit.who == "live")
    client = Client() if visit.who == "visitor" else signed_in_browser(company)
    world = World(company=company, client=client)
    if visit.prepare is not None:
        visit.prepare(world)
    # A cold cache (the session is kept in the database too): the visit makes every
    # call it can make, the token keep-alive, the brand and the reference lists included.
    cache.clear()
    return world


def url_of(route: str, world: World) -> str:
    return reverse(route, kwargs=world.url_args) + world.query


def make_visit(route: str, method: str, visit: Visit, world: World) -> tuple[Any, dict]:
    url = url_of(route, world)
    # A browser says which page a form was sent from (where to come back after signing in).
    headers = {"HX-Request": "true"} if visit.htmx else {"Referer": f"http://testserver{url}"}
    if method == "get":
        return world.client.get(url, headers=headers), {}
    assert visit.post is not None
    data = visit.post(world)
    return world.client.post(url, data, headers=headers), data


def journal_mark() -> int:
    last = JournalEntry.objects.order_by("-id").first()
    return last.id if last else 0


def calls_since(mark: int) -> list[str]:
    """Endpoints of `SPECS` the simulator answered after `mark`, in call order."""
    names = JournalEntry.objects.filter(id__gt=mark).order_by("id")
    return [name for name in names.values_list("endpoint", flat=True) if name in SPECS]


# ---------------------------------------------------------------------------
# What the page must answer
# ---------------------------------------------------------------------------

# Sentences that tell a person what happened and that trying again may help.
PROBLEM_TEXTS = [
    str(words)
    for words in (
        texts.BANK_UNAVAILABLE,
        texts.FORM_NOT_SENT,
        texts.FILES_NOT_SENT,
        texts.FILE_NOT_SENT,
        errors.CodegoError.user_message,
        errors.UpstreamUnavailable.user_message,
        errors.RateLimited.user_message,
        texts.FORM_OUTCOME_UNKNOWN,
    )
]
# A payment whose answer never came: never sent again by the portal, so the way on is
# to look at the transactions, not to try again (templates/banking/payment_review.html).
PAYMENT_UNCERTAIN = "We don't know yet whether this payment went through"
NOTHING_SENT = tuple(
    str(words) for words in (texts.FORM_NOT_SENT, texts.FILE_NOT_SENT, texts.FILES_NOT_SENT)
)
UPLOAD_MAY_HAVE_ARRIVED = "your document may or may not have arrived"
OUTCOME_UNKNOWN_FAULTS = {"timeout", "not-json"}
# A way to try again: the link, the form itself, back to the form, or (for a payment
# that may have gone) the transactions to check.
WAYS_ON = ("Try again", "<form", "Go back", "Check your transactions")
# What a page says about a file it could not keep (or may have sent).
FILE_WORDS = ("hoose it again", "hoose them again", "before you send it once more")
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"/|Exception Value")


@dataclass(frozen=True)
class Expected:
    sign_in: bool = False  # the token was refused: to /login/
    back: bool = True  # ... and back to the page after signing in (`next=`)
    words: tuple[str, ...] = tuple(PROBLEM_TEXTS)  # one of them is on the page
    shrug: bool = False  # a side call: the page may also answer as if nothing happened
    not_found: bool = False  # a refused read of one thing by its id: "not found" will do
    never: tuple[str, ...] = ()  # words that would be untrue here


def expect(visit: Visit, endpoint: str, fault: str) -> Expected:
    """What the page must answer when `endpoint` fails with `fault`: the one place."""
    spec = SPECS[endpoint]
    side = endpoint in SIDE_CALLS or endpoint in visit.side_calls
    if visit.ends_session:
        return Expected(sign_in=True, back=False)
    if fault == "status-minus-1" and spec.session:
        # The heartbeat's page goes to /login/ by itself, and comes back from there.
        back = not visit.htmx
        return Expected(sign_in=True, back=back, shrug=endpoint in SIDE_CALLS_EVEN_SIGNED_OUT)
    if fault == "status-0" and not spec.read_only:
        # The bank refused what the customer sent: its own words are for the customer.
        return Expected(words=(REFUSAL, *visit.refusal_words), shrug=side)
    if fault == "status-0":
        # A refused read is, to the customer, a page the bank could not give.
        return Expected(words=(REFUSAL, *PROBLEM_TEXTS), shrug=side, not_found=True)
    if fault in OUTCOME_UNKNOWN_FAULTS and not spec.read_only:
        # It may have happened: a call that moves money never says "nothing was sent".
        unknown = (PAYMENT_UNCERTAIN, str(texts.FORM_OUTCOME_UNKNOWN), UPLOAD_MAY_HAVE_ARRIVED)
        if endpoint in MONEY_MOVING:
            return Expected(words=unknown, shrug=side, never=NOTHING_SENT)
        return Expected(words=(*unknown, *PROBLEM_TEXTS), shrug=side)
    # Timeouts, refused connections, 5xx, 429, garbage, 401 and -1 on a public call
    # (our own credentials refused): "the bank is unavailable, try again".
    return Expected(shrug=side)


class FormValues(HTMLParser):
    """The values the page's forms would send: inputs, checked boxes, selected options."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, set[str]] = {}
        self.file_inputs: set[str] = set()
        self.passwords: set[str] = set()
        self._select = ""
        self._textarea = ""

    def _add(self, name: str, value: str) -> None:
        self.values.setdefault(name, set()).add(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "file":
                self.file_inputs.add(name)
            elif kind == "password":
                self.passwords.add(name)
            elif kind not in ("checkbox", "radio") or "checked" in a:
                self._add(name, a.get("value", ""))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self._add(self._select, a.get("value", ""))
        elif tag == "button" and name:
            self._add(name, a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = ""
        elif tag == "textarea":
            self._textarea = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            kept = self.values[self._textarea]
            kept.add(data.lstrip("\n"))


def form_values(html: str) -> FormValues:
    parser = FormValues()
    parser.feed(html)
    return parser


def problems_with(
    client: Client, response: Any, data: dict[str, Any], expected: Expected, ok_status: int
) -> list[str]:
    """What is wrong with the page's answer; nothing when it is right."""
    status = response.status_code
    html = _html(response)
    if (status >= 500 and status != 503) or TRACEBACK.search(html):
        return [f"HTTP {status} or a traceback"]
    location = response.get("Location", "") or response.get("HX-Redirect", "")
    if expected.shrug and status == ok_status:
        return []
    if expected.sign_in:
        if location.startswith("/login/") and ("next=" in location or not expected.back):
            return []
        return [f"not sent to sign in again (HTTP {status} {location})"]
    if expected.not_found and status == 404 and "button" in html:
        return []
    redirected = status == 302 and location.startswith("/")
    if redirected:
        # A form that says it on the page it goes back to (a message, or the
        # payment's own page): that page is the answer.
        html = _html(client.get(location))
        if TRACEBACK.search(html):
            return [f"a traceback after the redirect to {location}"]
    found = []
    if not any(escape(words) in html or words in html for words in expected.words):
        found.append(f"none of {expected.words} on the page (HTTP {status} {location})")
    found += [f"says {words!r}" for words in expected.never if escape(words) in html]
    if not any(way in html for way in WAYS_ON):
        found.append("no way to try again")
    if data and not redirected:
        found += lost_values(html, data)
    return found


def _html(response: Any) -> str:
    return "" if response.streaming else response.content.decode(errors="replace")


def lost_values(html: str, data: dict[str, Any]) -> list[str]:
    shown = form_values(html)
    lost = []
    for name, value in data.items():
        if name in shown.passwords or name.startswith("g-recaptcha"):
            continue  # never sent back to the browser, or ticked again by the person
        if isinstance(value, SimpleUploadedFile):
            if not any(words in html for words in FILE_WORDS):
                lost.append(f"the page does not say to choose {name} again")
        elif str(value) not in shown.values.get(name, set()):
            lost.append(f"{name}={value!r} not kept (shown: {shown.values.get(name)})")
    return lost


# ---------------------------------------------------------------------------
# Injecting one fault
# ---------------------------------------------------------------------------


@dataclass
class Refusals:
    """Connections to one endpoint refused at the `requests` adapter, counted."""

    endpoint: str = ""
    count: int = 0


@pytest.fixture
def refusals(monkeypatch: pytest.MonkeyPatch) -> Refusals:
    refused = Refusals()
    send = SandboxAdapter.send

    def refusing(self: SandboxAdapter, request: requests.PreparedRequest, **kwargs: Any):
        if refused.endpoint and (request.url or "").endswith(f"/{refused.endpoint}"):
            refused.count += 1
            raise requests.ConnectionError("[Errno 111] Connection refused", request=request)
        return send(self, request, **kwargs)

    monkeypatch.setattr(SandboxAdapter, "send", refusing)
    return refused


@pytest.fixture(autouse=True)
def _bank_brand(monkeypatch: pytest.MonkeyPatch) -> None:
    """A visit may change the simulated bank's brand: each test gets its own copy."""
    monkeypatch.setattr(bank_reference, "BRAND", dict(bank_reference.BRAND))


@pytest.fixture(autouse=True)
def _no_backoff_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """The single retry of a read waits a fraction of a second: not in this suite."""
    monkeypatch.setattr("codego.transport.time.sleep", lambda seconds: None)


def inject(endpoint: str, fault: str, refused: Refusals) -> None:
    if fault == "connection-refused":
        refused.endpoint = endpoint
    else:
        actions.set_fault(endpoint=endpoint, **FAULTS[fault])


def lift(refused: Refusals) -> None:
    refused.endpoint = ""
    actions.clear_faults()


def calls_to(endpoint: str, mark: int, fault: str, refused: Refusals) -> int:
    if fault == "connection-refused":
        return refused.count
    return calls_since(mark).count(endpoint)


# ---------------------------------------------------------------------------
# The suite
# ---------------------------------------------------------------------------


def test_every_route_with_arguments_is_told_how_to_fill_them():
    for route in portal_routes():
        try:
            reverse(route)
        except NoReverseMatch:
            assert VISITS.get(route, Visit()).prepare is not None, route
    assert set(VISITS) <= set(portal_routes()), set(VISITS) - set(portal_routes())


# (route, method) -> (HTTP status, endpoints called) with the bank well; shared by the
# fault kinds of one visit that run in the same process.
_DISCOVERED: dict[tuple[str, str], tuple[int, list[str]]] = {}


def discover(route: str, method: str, visit: Visit) -> tuple[int, list[str]]:
    """The visit's answer and the endpoints it calls when nothing fails."""
    if (route, method) not in _DISCOVERED:
        world = new_world(visit)
        mark = journal_mark()
        response, _ = make_visit(route, method, visit, world)
        assert response.status_code < 500, (route, method, response.status_code)
        # A method the route refuses (405) is no page: the calls made on the way
        # (the token keep-alive) are the routes' that are pages.
        called = calls_since(mark) if response.status_code != 405 else []
        _DISCOVERED[route, method] = response.status_code, called
    return _DISCOVERED[route, method]


def endpoints_in_the_portal_code() -> set[str]:
    """Endpoints of `SPECS` whose client method or cached reference list the portal's
    own code calls (`get_client().<method>(` or `reference.<name>(`)."""
    source = "\n".join(
        path.read_text()
        for package in PORTAL_PACKAGES
        for path in (Path(settings.BASE_DIR) / package).rglob("*.py")
    )
    return {
        name
        for name, spec in SPECS.items()
        if re.search(rf"\.{spec.method}\(", source)
        or (spec.reference and re.search(rf"reference\.{spec.reference}\(", source))
    }


def test_every_endpoint_the_portal_calls_is_met_by_some_visit():
    met: set[str] = set()
    for route, method in cases():
        met |= set(discover(route, method, VISITS.get(route, Visit()))[1])
    assert endpoints_in_the_portal_code() - met == set()


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize(("route", "method"), cases(), ids=lambda v: v)
def test_a_failing_bank_call_gets_a_clear_answer_with_a_retry(route, method, fault, refusals):
    visit = VISITS.get(route, Visit())
    ok_status, called = discover(route, method, visit)

    failures = []
    for endpoint in dict.fromkeys(called):
        world = new_world(visit)
        mark = journal_mark()
        inject(endpoint, fault, refusals)
        try:
            response, data = make_visit(route, method, visit, world)
        finally:
            tries = calls_to(endpoint, mark, fault, refusals)
            lift(refusals)
            refusals.count = 0
        typed = data if visit.typed else {}
        expected = expect(visit, endpoint, fault)
        wrong = problems_with(world.client, response, typed, expected, ok_status)
        # Reads may be asked again (the transport's one retry, a badge after its page);
        # a write is sent as often as the visit sends it when the bank is well.
        if not SPECS[endpoint].read_only and tries > called.count(endpoint):
            wrong.append(f"{endpoint} called {tries} times, at most {called.count(endpoint)}")
        if endpoint in MONEY_MOVING and tries != 1:
            wrong.append(f"money-moving {endpoint} called {tries} times, not once")
        failures += [f"{endpoint}: {what}" for what in wrong]
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------------------
# What the suite found, said once more in plain cases
# ---------------------------------------------------------------------------


def _run(route: str, method: str, endpoint: str, fault: str, refused: Refusals) -> Any:
    visit = VISITS.get(route, Visit())
    world = new_world(visit)
    inject(endpoint, fault, refused)
    response, _data = make_visit(route, method, visit, world)
    lift(refused)
    return world, response


def test_a_new_code_the_bank_could_not_send_leaves_the_payment_waiting_for_its_code(refusals):
    world, response = _run("banking:payment-resend", "post", "iban_sendmoney", "http-500", refusals)
    payment = PendingPayment.objects.get(user_id=world.company.user_id)
    assert payment.state == PendingPayment.State.AWAITING_OTP
    assert response["Location"] == f"/payments/{payment.unique_id}/confirm/"
    page = world.client.get(response["Location"]).content.decode()
    assert escape(str(errors.UpstreamUnavailable.user_message)) in page
    assert 'name="otp"' in page


def test_an_account_the_bank_may_have_opened_is_not_said_to_be_unsent(refusals):
    _world, response = _run("banking:account-new", "post", "createIban", "timeout", refusals)
    page = response.content.decode()
    assert escape(str(texts.FORM_OUTCOME_UNKNOWN)) in page
    assert escape(str(texts.FORM_NOT_SENT)) not in page
    assert 'value="Payroll"' in page


def test_the_company_form_keeps_every_choice_when_the_country_list_is_down(refusals):
    _world, response = _run("onboarding:company", "post", "getCountriesList", "http-500", refusals)
    page = response.content.decode()
    assert response.status_code == 200
    assert escape(str(texts.FORM_NOT_SENT)) in page
    assert '<option value="11" selected>Your choice, kept</option>' in page
    assert 'value="Rue de la Loi 16"' in page
    assert not JournalEntry.objects.filter(endpoint="updatecompanydetails").exists()


def test_a_token_refused_on_a_crypto_page_signs_in_again_and_comes_back(refusals):
    _world, response = _run("crypto:overview", "get", "getAllwallet", "status-minus-1", refusals)
    assert response["Location"] == "/login/?next=%2Fcrypto%2F"
