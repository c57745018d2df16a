"""`codego.client` and `codego.reference` through the real Transport.

Network faults the simulator cannot produce come from a fake `requests`
adapter mounted on the client's session; everything else runs against the
embedded simulator.
"""

from __future__ import annotations

import ast
import base64
import dataclasses
import inspect
import json
import logging
import os
import re
import typing
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
import time_machine
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

import codego
from codego import errors, reference, transport
from codego import types as t
from codego.client import CodegoClient, get_client, money
from codego.endpoints import MULTIPART, SPECS, TEXT
from codego.types import Credentials
from tests.conftest import build_transport, create_company, journal_calls, sign_in
from tests.helpers import ENDPOINTS, documented

FAKE_URL = "https://bank.test/api"
SESSION = Credentials(user_id="42", web_token="tok-fake-session-token")
PDF = ("doc.pdf", b"%PDF-1.4 test", "application/pdf")


class FakeBank(BaseAdapter):
    """Answers with scripted replies, one per request (the last one repeats).

    A reply is an exception to raise, or (status, body, headers) where body is
    bytes or a JSON-able object.
    """

    def __init__(self, *replies: Any) -> None:
        super().__init__()
        self.replies = list(replies)
        self.requests: list[requests.PreparedRequest] = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, BaseException):
            raise reply
        status, body, headers = (*reply, {})[:3] if len(reply) == 2 else reply
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        response = requests.Response()
        response.status_code = status
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json", **headers})
        response._content = content
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass

    @property
    def calls(self) -> int:
        return len(self.requests)

    def sent(self, index: int = -1) -> dict[str, Any]:
        """The body of a JSON / text request."""
        return json.loads(self.requests[index].body)


def _fake_options() -> dict[str, Any]:
    return {
        "base_url": FAKE_URL,
        "client_key": settings.CODEGO_CLIENT_KEY,
        "secret_key": settings.CODEGO_SECRET_KEY,
        "api_key": settings.CODEGO_API_KEY,
        "whitelabel_id": settings.CODEGO_WHITELABEL_ID,
        "timeout": 2.0,
    }


def fake_client(*replies: Any, **overrides: Any) -> tuple[CodegoClient, FakeBank]:
    client = CodegoClient(**{**_fake_options(), **overrides})
    bank = FakeBank(*replies)
    client.http.mount("https://bank.test/", bank)
    return client, bank


OK = (200, {"status": 1, "message": "ok"})
PLANS_OK = (200, documented("getPlan"))


# -- one method per endpoint -------------------------------------------------------------------


METHODS = sorted((name, spec.method) for name, spec in SPECS.items())


def test_endpoint_methods_cover_the_47_documented_endpoints():
    assert len(ENDPOINTS) == 47
    assert set(SPECS) == set(ENDPOINTS)
    assert len({spec.method for spec in SPECS.values()}) == 47
    assert all(callable(getattr(CodegoClient, spec.method)) for spec in SPECS.values())


@pytest.mark.parametrize(("name", "method"), METHODS)
def test_each_endpoint_has_a_method_taking_session_first_only_when_needed(name, method):
    function = getattr(CodegoClient, method)
    params = list(inspect.signature(function).parameters.values())[1:]
    if SPECS[name].session:
        assert params[0].name == "session"
        assert params[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        rest = params[1:]
    else:
        assert "session" not in [p.name for p in params]
        rest = params
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in rest)


def _example_call(name: str) -> tuple[list[Any], dict[str, Any]]:
    """Arguments built from the curl example of the endpoint."""
    spec = SPECS[name]
    kwargs: dict[str, Any] = {}
    for key, value in ENDPOINTS[name]["request_example"].items():
        if key in {"whitelabel_id", "web_token"} or (key == "user_id" and spec.session):
            continue
        if value == "@file":
            kwargs[key] = PDF
        elif key == "amount":
            kwargs[key] = Decimal(str(value))
        else:
            kwargs[key] = value
    return ([SESSION] if spec.session else []), kwargs


def _multipart_fields(request: requests.PreparedRequest) -> dict[str, str]:
    body = request.body if isinstance(request.body, bytes) else request.body.encode()
    fields = {}
    for match in re.finditer(
        rb'name="([^"]+)"(?:; filename="[^"]*")?\r\n(?:[^\r\n]+\r\n)*\r\n', body
    ):
        start = match.end()
        end = body.index(b"\r\n--", start)
        fields[match.group(1).decode()] = body[start:end].decode(errors="replace")
    return fields


def assert_declared_type(value: Any, name: str) -> None:
    """`value` is of the type the client method of endpoint `name` declares."""
    declared = typing.get_type_hints(getattr(CodegoClient, SPECS[name].method))["return"]
    if typing.get_origin(declared) is list:
        (item,) = typing.get_args(declared)
        assert isinstance(value, list)
        assert all(isinstance(row, item) for row in value)
    else:
        assert type(value) is declared


SUCCESSES = [
    (name, r["json"])
    for name, entry in ENDPOINTS.items()
    for r in entry["responses"]
    if r["kind"] == "success"
]


@pytest.mark.parametrize(("name", "body"), SUCCESSES, ids=[n for n, _ in SUCCESSES])
def test_every_documented_success_parses_into_the_declared_type(name, body):
    args, kwargs = _example_call(name)
    # An empty answer parses too: missing keys take defaults, never KeyError.
    for answer in (body, {}):
        client, _ = fake_client((200, answer))
        assert_declared_type(getattr(client, SPECS[name].method)(*args, **kwargs), name)


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_each_method_sends_the_curl_example_fields_and_parses_the_documented_answer(name):
    answer = documented(name) or {"status": 1}
    client, bank = fake_client((200, answer))
    args, kwargs = _example_call(name)

    value = getattr(client, SPECS[name].method)(*args, **kwargs)

    assert_declared_type(value, name)
    request = bank.requests[0]
    assert request.url == f"{FAKE_URL}/businessbassapi/{name}"
    assert request.method == "POST"
    example = ENDPOINTS[name]["request_example"]
    expected_keys = set(example) | ({"apikey"} if SPECS[name].apikey else set())
    if SPECS[name].content_type == MULTIPART:
        assert request.headers["Content-Type"].startswith("multipart/form-data")
        sent = _multipart_fields(request)
    else:
        content_type = "text/plain" if SPECS[name].content_type == TEXT else "application/json"
        assert request.headers["Content-Type"] == content_type
        sent = bank.sent()
    assert set(sent) == expected_keys
    assert sent["whitelabel_id"] == settings.CODEGO_WHITELABEL_ID
    for key, value in example.items():
        if key in {"whitelabel_id", "user_id", "web_token", "amount"} or value == "@file":
            continue
        assert str(sent[key]) == str(value), key


@pytest.mark.parametrize(
    ("amount", "text"),
    [(Decimal("10"), "10.00"), (Decimal("0.1"), "0.10"), (Decimal("1234567.895"), "1234567.90")],
)
def test_send_money_sends_the_amount_as_a_json_number_with_two_decimals(amount, text):
    client, bank = fake_client((200, documented("iban_sendmoney")))
    client.iban_send_money(
        SESSION,
        iban_id="1",
        beneficiaries_id="2",
        amount=amount,
        payment_option="sepa",
        reason_payment="rent",
    )
    body = bank.requests[0].body.decode()
    # A number as in the curl example, written from the Decimal's digits, not from a float.
    assert f'"amount": {text},' in body
    assert json.loads(body, parse_float=Decimal)["amount"] == Decimal(text)


def test_money_is_two_decimals_rounded_half_up_and_refuses_floats():
    assert money(Decimal("10")) == "10.00"
    assert money(Decimal("0.005")) == "0.01"
    with pytest.raises(TypeError):
        money(10.0)  # type: ignore[arg-type]


def test_add_company_director_sends_gender_as_the_curl_does():
    client, bank = fake_client(OK)
    args, kwargs = _example_call("addcompanydirector")
    client.add_company_director(*args, **{**kwargs, "gender": "Female"})
    assert bank.sent()["gender"] == "f"


def test_session_calls_send_the_credentials_in_the_body():
    client, bank = fake_client((200, documented("iban_list")))
    client.iban_list(SESSION)
    assert bank.sent()["user_id"] == "42"
    assert bank.sent()["web_token"] == "tok-fake-session-token"


def test_a_session_call_without_credentials_never_leaves_the_process():
    client, bank = fake_client(OK)
    with pytest.raises(errors.SessionExpired):
        client.logout(None)  # type: ignore[arg-type]
    assert bank.calls == 0


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
    return names


def test_the_client_package_imports_nothing_of_the_simulator():
    for path in Path(codego.__file__).parent.glob("*.py"):
        modules = _imported_modules(path)
        assert not {m for m in modules if m.split(".")[0] == "sandbox"}, path.name


def test_a_registered_adapter_serves_its_url_prefix(monkeypatch):
    bank = FakeBank(OK)
    monkeypatch.setitem(transport._ADAPTERS, "offline:", lambda: bank)
    client = CodegoClient(**{**_fake_options(), "base_url": "offline:"})
    assert client.logout(SESSION).message == "ok"
    assert bank.requests[0].url == "offline:/businessbassapi/logout"


def test_a_base_url_no_adapter_serves_is_refused_when_the_client_is_built():
    with pytest.raises(ValueError, match="no adapter"):
        CodegoClient(**{**_fake_options(), "base_url": "elsewhere:"})


# -- error mapping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "error", "retryable"),
    [
        (requests.ConnectionError("refused"), errors.UpstreamUnavailable, True),
        (requests.ReadTimeout("slow"), errors.UpstreamTimeout, True),
        ((200, b'{"status": 1, "user_id": "4'), errors.UpstreamUnavailable, True),
        ((200, b"<html><body>502 Bad Gateway</body></html>"), errors.UpstreamUnavailable, True),
        ((200, [1, 2]), errors.UpstreamUnavailable, True),
        ((500, {"status": 0, "message": "System Error"}), errors.UpstreamUnavailable, True),
        ((502, b"Bad Gateway"), errors.UpstreamUnavailable, True),
        ((400, {"status": 0, "message": "The email field is required."}), errors.ApiError, False),
        ((404, {"status": 0, "message": "Not Found"}), errors.UpstreamUnavailable, False),
        ((401, {"status": -1, "message": "Not Authorized"}), errors.CredentialsRejected, False),
        ((200, {"status": 0, "message": "Wrong email or password."}), errors.ApiError, False),
        ((200, {"status": "0", "message": "Wrong email"}), errors.ApiError, False),
        ((200, {"status": -1, "message": "Invalid whitelabel"}), errors.CredentialsRejected, False),
        ((200, {"status": 2, "message": "OTP required"}), errors.OtpRequired, False),
        ((200, {"status": 201, "message": "wrong credential"}), errors.CredentialsRejected, False),
        ((200, {"status": 202}), errors.AccessDenied, False),
        ((200, {"status": 203}), errors.AccessDenied, False),
        ((200, {"status": 0, "code": 203}), errors.AccessDenied, False),
        ((202, {"status": 0, "message": "Access disabled"}), errors.AccessDenied, False),
    ],
    ids=lambda v: None if not isinstance(v, (tuple, BaseException)) else repr(v)[:50],
)
def test_failures_of_a_public_call_map_to_typed_errors(reply, error, retryable):
    client, bank = fake_client(reply)
    with pytest.raises(error) as raised:
        client.login(email="a@b.test", password="pw")
    assert type(raised.value) is error
    assert raised.value.retryable is retryable
    assert raised.value.endpoint == "login"
    assert bank.calls == 1  # login writes: never retried


def test_429_is_rate_limited_with_the_retry_after_of_the_bank():
    client, bank = fake_client((429, {"status": 0}, {"Retry-After": "7"}))
    with pytest.raises(errors.RateLimited) as raised:
        client.get_source_fund()
    assert raised.value.retry_after == 7.0
    assert raised.value.retryable
    assert raised.value.http_status == 429
    assert bank.calls == 1  # a 429 is not retried at once, even for a read


def test_status_minus_one_on_a_session_call_is_an_expired_session():
    client, _ = fake_client((200, {"status": -1, "message": "Invalid web token."}))
    with pytest.raises(errors.SessionExpired) as raised:
        client.dashboard(SESSION)
    assert raised.value.user_message


def test_api_error_carries_the_bank_message_for_the_user():
    client, _ = fake_client((200, {"status": 0, "message": "Email already exists."}))
    with pytest.raises(errors.ApiError) as raised:
        client.open_account(company_name="Acme", email="a@b.test")
    assert raised.value.user_message == "Email already exists."


def test_a_body_without_status_is_a_success():
    client, _ = fake_client((200, documented("profile_details")))
    assert client.profile_details(SESSION).company.risk_level == 3


# -- retries -----------------------------------------------------------------------------------


def test_a_read_is_retried_once_after_a_bad_gateway_and_succeeds():
    client, bank = fake_client((502, b"Bad Gateway"), PLANS_OK)
    assert client.get_plan().for_risk_level(1)[0].plan_name == "IBAN HR"
    assert bank.calls == 2


def test_a_read_is_retried_only_once():
    client, bank = fake_client(requests.ConnectionError("refused"))
    with pytest.raises(errors.UpstreamUnavailable):
        client.get_plan()
    assert bank.calls == 2


def test_a_read_timing_out_is_retried_once():
    client, bank = fake_client(requests.ReadTimeout("slow"), PLANS_OK)
    client.get_plan()
    assert bank.calls == 2


@pytest.mark.parametrize(
    "reply",
    [
        (200, {"status": 0, "message": "nope"}),
        (404, {"status": 0, "message": "Not Found"}),
        (401, b""),
        (429, b""),
        (404, b"<html>Not Found</html>"),
        (400, b"<html>Bad Request</html>"),
    ],
)
def test_a_read_is_not_retried_when_the_same_request_would_fail_again(reply):
    client, bank = fake_client(reply)
    with pytest.raises(errors.CodegoError):
        client.get_plan()
    assert bank.calls == 1


@pytest.mark.parametrize(
    "reply", [(502, b"Bad Gateway"), requests.ReadTimeout("slow"), requests.ConnectionError()]
)
def test_a_write_is_never_retried(reply):
    client, bank = fake_client(reply, OK)
    with pytest.raises(errors.UpstreamUnavailable):
        client.iban_send_money(
            SESSION,
            iban_id="1",
            beneficiaries_id="2",
            amount=Decimal("5.00"),
            payment_option="sepa",
            reason_payment="x",
        )
    assert bank.calls == 1


# -- local rate limiter ------------------------------------------------------------------------


def test_the_local_rate_limiter_refuses_the_201st_call_in_ten_seconds():
    client, bank = fake_client((200, {"status": 1, "data": []}))
    with time_machine.travel(datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC), tick=False) as clock:
        for _ in range(200):
            client.get_source_fund()
        with pytest.raises(errors.RateLimited) as raised:
            client.get_source_fund()
        assert raised.value.retryable
        assert bank.calls == 200  # the refused call never reached the bank
        clock.shift(timedelta(seconds=11))
        client.get_source_fund()
    assert bank.calls == 201


def test_the_rate_limit_is_counted_across_the_window_not_per_second():
    client, _ = fake_client((200, {"status": 1, "data": []}), rate_limit=(3, 10))
    with time_machine.travel(datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC), tick=False) as clock:
        client.get_source_fund()
        clock.shift(timedelta(seconds=4))
        client.get_source_fund()
        clock.shift(timedelta(seconds=4))
        client.get_source_fund()
        clock.shift(timedelta(seconds=1))
        with pytest.raises(errors.RateLimited):
            client.get_source_fund()


def test_two_clients_with_the_same_credentials_share_the_rate_limit():
    first, first_bank = fake_client((200, {"status": 1, "data": []}), rate_limit=(3, 10))
    second, second_bank = fake_client((200, {"status": 1, "data": []}), rate_limit=(3, 10))
    with time_machine.travel(datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC), tick=False):
        first.get_source_fund()
        first.get_source_fund()
        second.get_source_fund()
        with pytest.raises(errors.RateLimited):
            second.get_source_fund()
        with pytest.raises(errors.RateLimited):
            first.get_source_fund()
    assert (first_bank.calls, second_bank.calls) == (2, 1)


def test_clients_with_other_credentials_have_their_own_rate_limit():
    first, first_bank = fake_client((200, {"status": 1, "data": []}), rate_limit=(1, 10))
    other, other_bank = fake_client(
        (200, {"status": 1, "data": []}), rate_limit=(1, 10), client_key="k2"
    )
    with time_machine.travel(datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC), tick=False):
        first.get_source_fund()
        with pytest.raises(errors.RateLimited):
            first.get_source_fund()
        # The first key's budget is spent; the other key still has all of its own.
        other.get_source_fund()
        with pytest.raises(errors.RateLimited):
            other.get_source_fund()
    assert (first_bank.calls, other_bank.calls) == (1, 1)


@pytest.mark.parametrize("clock_moves", [0, 1], ids=["same second", "next second"])
@pytest.mark.parametrize("cut_in_before", [1, 2, 3], ids=["add", "incr", "get_many"])
def test_two_workers_racing_for_the_last_place_never_both_pass(
    monkeypatch, cut_in_before, clock_moves
):
    """Another worker's whole call lands before the n-th cache call of this one (and
    possibly in the next second), as on a shared Redis: one of the two gets the
    last place, never both."""
    mine, my_bank = fake_client((200, {"status": 1, "data": []}), rate_limit=(3, 10))
    theirs, their_bank = fake_client((200, {"status": 1, "data": []}), rate_limit=(3, 10))
    backend = caches["default"]
    race = {"armed": False, "seen": 0}
    refused: list[str] = []

    def their_call() -> None:
        clock.shift(timedelta(seconds=clock_moves))
        try:
            theirs.get_source_fund()
        except errors.RateLimited:
            refused.append("theirs")

    def racing(name: str):
        original = getattr(backend, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            if race["armed"]:
                race["seen"] += 1
                if race["seen"] == cut_in_before:
                    race["armed"] = False
                    their_call()
            return original(*args, **kwargs)

        return call

    for name in ("add", "incr", "decr", "get_many"):
        monkeypatch.setattr(backend, name, racing(name))
    with time_machine.travel(datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC), tick=False) as clock:
        mine.get_source_fund()
        mine.get_source_fund()
        race["armed"] = True
        try:
            mine.get_source_fund()
        except errors.RateLimited:
            refused.append("mine")
    assert not race["armed"]  # the other worker did cut in
    assert len(refused) == 1
    assert my_bank.calls + their_bank.calls == 3


def test_a_refused_call_gives_its_place_back():
    client, bank = fake_client((200, {"status": 1, "data": []}), rate_limit=(2, 10))
    with time_machine.travel(datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC), tick=False) as clock:
        client.get_source_fund()
        clock.shift(timedelta(seconds=1))
        client.get_source_fund()
        for _ in range(5):
            with pytest.raises(errors.RateLimited):
                client.get_source_fund()
        # The first call left the window; the five refusals never counted.
        clock.shift(timedelta(seconds=10))
        client.get_source_fund()
        with pytest.raises(errors.RateLimited):
            client.get_source_fund()
    assert bank.calls == 3


# -- against the simulator ---------------------------------------------------------------------


@pytest.fixture
def client(db) -> CodegoClient:
    return get_client()


def test_get_client_is_one_instance_per_process(client):
    assert get_client() is client


def test_get_client_is_rebuilt_when_a_codego_setting_changes(client):
    with override_settings(CODEGO_TIMEOUT=1.5):
        rebuilt = get_client()
        assert rebuilt is not client
        assert rebuilt.timeout == 1.5
    assert get_client().timeout == settings.CODEGO_TIMEOUT


def test_reference_endpoints_answer_from_the_simulator(client):
    brand = client.config_setting()
    assert isinstance(brand, t.Brand)
    assert brand.site_name
    assert client.pos_plan().monthly_fee >= Decimal("0")
    countries = client.get_countries_list()
    belgium = next(c for c in countries if c.code == "BE")
    assert belgium.europe
    assert belgium.is_iban
    assert belgium.phonecode == "32"
    assert any(p.phonecode == "32" for p in client.get_phone_code())
    assert client.get_industries()
    sizes = client.get_company_sizes_list()
    assert sizes
    assert all(isinstance(s.id, str) and s.name for s in sizes)
    assert client.get_company_legal_forms_list()
    assert "director" in {r.key for r in client.get_role()}
    assert client.get_source_fund()
    catalogue = client.get_plan()
    assert catalogue.low
    assert catalogue.medium
    assert catalogue.high
    assert catalogue.for_country(belgium.id) == catalogue.low  # Belgium: risk level 3
    assert client.verify_google_captcha(g_recaptcha_response="token").status == 1
    with pytest.raises(errors.ApiError):
        client.verify_google_captcha(g_recaptcha_response="invalid")


def sandbox_client(**overrides: Any) -> CodegoClient:
    options: dict[str, Any] = {
        "base_url": settings.CODEGO_API_URL,
        "client_key": settings.CODEGO_CLIENT_KEY,
        "secret_key": settings.CODEGO_SECRET_KEY,
        "api_key": settings.CODEGO_API_KEY,
        "whitelabel_id": settings.CODEGO_WHITELABEL_ID,
        "timeout": settings.CODEGO_TIMEOUT,
    }
    return CodegoClient(**{**options, **overrides})


def test_wrong_api_keys_are_rejected_by_the_simulator(db):
    with pytest.raises(errors.CredentialsRejected) as raised:
        sandbox_client(secret_key="wrong-secret").get_role()
    assert raised.value.http_status == 401


def test_a_wrong_whitelabel_is_rejected_by_the_simulator(db):
    with pytest.raises(errors.CredentialsRejected):
        sandbox_client(whitelabel_id="someone-else").get_role()


def test_logs_of_a_sign_in_and_a_session_call_hold_no_secret(db, caplog, settings):
    settings.SANDBOX_FIXED_OTP = "482913"
    password = "Very-Secret-pass-9"
    create_company("logs@acme.test", password=password)
    client = get_client()
    caplog.set_level(logging.DEBUG)

    started = client.login(email="logs@acme.test", password=password)
    signed = client.verify_login(user_id=started.user_id, otp="482913")
    profile = client.profile_details(signed.credentials)
    client.update_user_live(signed.credentials)

    assert profile.user.email == "logs@acme.test"
    text = caplog.text + "".join(repr(r.args) for r in caplog.records)
    assert "endpoint=verifyLogin" in text
    basic = base64.b64encode(
        f"{settings.CODEGO_CLIENT_KEY}:{settings.CODEGO_SECRET_KEY}".encode()
    ).decode()
    for secret in (password, "482913", signed.web_token, basic, settings.CODEGO_SECRET_KEY):
        assert secret not in text
    assert "Authorization" not in text


def test_an_expired_simulator_session_is_session_expired(db):
    company = create_company("gone@acme.test")
    session = sign_in(company)
    get_client().logout(session)
    with pytest.raises(errors.SessionExpired):
        get_client().dashboard(session)


# -- cached reference lists --------------------------------------------------------------------


REFERENCE_FUNCTIONS = [
    (reference.brand, "configSetting", t.Brand),
    (reference.pos_plan, "posPlan", t.PosPlan),
    (reference.countries, "getCountriesList", list),
    (reference.phone_codes, "getPhoneCode", list),
    (reference.industries, "getindustries", list),
    (reference.company_sizes, "getCompanySizesList", list),
    (reference.legal_forms, "getCompanyLegalFormsList", list),
    (reference.roles, "getRole", list),
    (reference.source_of_funds, "getSourcefund", list),
    (reference.plans, "getPlan", t.PlanCatalogue),
]


@pytest.mark.parametrize(
    ("function", "endpoint", "kind"),
    REFERENCE_FUNCTIONS,
    ids=[e for _, e, _ in REFERENCE_FUNCTIONS],
)
def test_reference_lists_hit_the_bank_once_then_come_from_the_cache(db, function, endpoint, kind):
    first = function()
    second = function()
    assert isinstance(first, kind)
    assert second == first
    assert journal_calls(endpoint) == 1


def test_reference_cache_key_is_per_whitelabel(db):
    reference.roles()
    from django.core.cache import cache

    assert cache.get(f"codego:ref:{settings.CODEGO_WHITELABEL_ID}:roles")
    assert reference.cache_key("roles", "other") == "codego:ref:other:roles"


def test_reference_failures_are_not_cached(db):
    with override_settings(CODEGO_API_URL=FAKE_URL):
        bank = FakeBank((503, b"down"))
        get_client().http.mount("https://bank.test/", bank)
        with pytest.raises(errors.UpstreamUnavailable):
            reference.roles()  # two tries: 503, 503
        bank.replies = [(200, documented("getRole"))]
        assert reference.roles()[0].key == "director"
        assert reference.roles()[0].key == "director"
    assert bank.calls == 3


@pytest.mark.skipif(
    os.environ.get("CACHE_URL", "").startswith("redis"),
    reason="Redis expires keys on its own clock, which time-machine does not move",
)
def test_reference_cache_expires_after_the_ttl(db):
    with time_machine.travel(datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC), tick=False) as clock:
        reference.industries()
        clock.shift(timedelta(seconds=settings.CODEGO_REFERENCE_TTL + 1))
        reference.industries()
    assert journal_calls("getindustries") == 2


def test_a_reference_list_cached_again_elsewhere_or_cleared_is_read_again(db):
    """Each process keeps the list it read while the cache holds the same stamp: a list
    another process cached anew is the one read next, and a cleared cache asks the bank."""
    from django.core.cache import cache

    first = reference.roles()
    assert reference.roles() is first  # held: not unpickled again
    key = reference.cache_key("roles")
    renamed = [dataclasses.replace(first[0], label="Renamed elsewhere"), *first[1:]]
    cache.set_many({key: renamed, f"{key}:stamp": "cached-by-another-process"})
    assert reference.roles()[0].label == "Renamed elsewhere"
    cache.delete(f"{key}:stamp")  # evicted, expired or cleared: the bank is asked
    assert reference.roles()[0].label == first[0].label
    assert journal_calls("getRole") == 2
    reference.clear()
    reference.roles()
    assert journal_calls("getRole") == 3


@pytest.mark.parametrize(
    "body",
    [
        {"whitelabel_id": "1", "user_id": 7, "web_token": "t", "page": 2, "search": 'a "b" é\n'},
        {"flag": True, "nothing": None, "empty": ""},
        {},
    ],
)
def test_a_flat_body_is_written_as_the_general_writer_writes_it(body):
    """The shortcut for flat bodies gives the text the Decimal-aware writer gives."""
    from collections import OrderedDict

    assert transport.dumps(body) == transport.dumps(OrderedDict(body))  # the general path
    assert json.loads(transport.dumps(body)) == body


def test_amounts_keep_their_digits_in_the_body():
    body = {
        "amount": Decimal("10.00"),
        "items": [Decimal("0.10"), 1],
        "nested": {"fee": Decimal("1")},
    }
    assert transport.dumps(body) == '{"amount": 10.00, "items": [0.10, 1], "nested": {"fee": 1}}'
    with pytest.raises(ValueError, match="not a JSON number"):
        transport.dumps({"amount": Decimal("NaN")})


def test_only_a_bank_over_the_network_reads_proxies_from_the_environment():
    assert build_transport("sandbox:").http.trust_env is False
    assert build_transport("https://sandbox.codegotech.com").http.trust_env is True
