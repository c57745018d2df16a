"""Crypto wallets in the portal: overview, coin deposit pages, QR codes, failures.

Every page runs the real `codego` client against the simulator; the transport is
patched only to produce answers the simulator never gives (crypto switched off,
code 203, a coin that needs a memo).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client

from sandbox import actions
from sandbox.adapter import SandboxAdapter
from sandbox.endpoints.crypto import deposit_address
from sandbox.models import Company
from tests.conftest import create_company, journal_calls, portal_sign_in

EMAIL = "owner@acme.test"
MINUS = "\u2212"  # the real minus sign amounts are printed with


@pytest.fixture
def company(db) -> Company:
    return create_company(EMAIL)


@pytest.fixture
def signed_in(company: Company) -> Client:
    """A portal client signed in as the live company."""
    client = Client()
    portal_sign_in(client, EMAIL)
    return client


def deposit(coin: str, amount: str) -> None:
    """What staff do with `manage.py sandbox crypto-deposit` (or the console)."""
    actions.crypto_deposit(email=EMAIL, coin=coin, amount=amount)


def text_of(response) -> str:
    """The page's visible text on one line: tags dropped, entities and spaces folded."""
    html = re.sub(r"<(script|svg)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).replace("\xa0", " ")


def rewrite_answers(monkeypatch, endpoint: str, change: Callable[[dict[str, Any]], dict]) -> None:
    """The simulator's answers to `endpoint` pass through `change` on their way back."""
    send = SandboxAdapter.send

    def patched(self, request, *args, **kwargs):
        response = send(self, request, *args, **kwargs)
        if request.url.rstrip("/").endswith("/" + endpoint):
            response._content = json.dumps(change(response.json())).encode()
        return response

    monkeypatch.setattr(SandboxAdapter, "send", patched)


def btc_needs_a_memo(monkeypatch, memo: str) -> None:
    """crypto_wallet says BTC deposits need `memo`: the simulator has no memo coin."""

    def change(body: dict[str, Any]) -> dict[str, Any]:
        body["coin"]["btc"].update(is_memo="1", dest_tag=memo)
        return body

    rewrite_answers(monkeypatch, "crypto_wallet", change)


# ------------------------------------------------------------------------------
# A QR decoder in plain Python, enough for the deposit codes (versions 1-6, level M)
# ------------------------------------------------------------------------------

# version -> (codewords in all, data codewords of each block) at level M
LEVEL_M_BLOCKS = {
    1: (26, [16]),
    2: (44, [28]),
    3: (70, [44]),
    4: (100, [32, 32]),
    5: (134, [43, 43]),
    6: (172, [27, 27, 27, 27]),
}
MASKS: dict[int, Callable[[int, int], bool]] = {
    0: lambda x, y: (x + y) % 2 == 0,
    1: lambda x, y: y % 2 == 0,
    2: lambda x, y: x % 3 == 0,
    3: lambda x, y: (x + y) % 3 == 0,
    4: lambda x, y: (x // 3 + y // 2) % 2 == 0,
    5: lambda x, y: x * y % 2 + x * y % 3 == 0,
    6: lambda x, y: (x * y % 2 + x * y % 3) % 2 == 0,
    7: lambda x, y: ((x + y) % 2 + x * y % 3) % 2 == 0,
}
ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def svg_modules(svg: str) -> list[list[int]]:
    """The dark (1) and light (0) modules of segno's SVG path, quiet zone included."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    path = re.search(r'<path stroke="#0+" d="([^"]+)"', svg).group(1)
    grid = [[0] * size for _ in range(size)]
    x = y = 0.0
    for op, first, second in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if op == "M":
            x, y = float(first), float(second)
        elif op == "m":
            x, y = x + float(first), y + float(second)
        else:  # a horizontal run of dark modules on the row the line's middle crosses
            for column in range(int(x), int(x + float(first))):
                grid[int(y)][column] = 1
            x += float(first)
    return grid


def read_qr(grid: list[list[int]]) -> tuple[str, str]:
    """(error correction level, text) of a QR symbol without its quiet zone."""
    size = len(grid)
    version = (size - 17) // 4
    assert version in LEVEL_M_BLOCKS, f"version {version} is not covered by this decoder"
    bit = lambda x, y: grid[y][x]  # noqa: E731 - x is the column, y the row
    # Format information, first copy (ISO 18004 7.9), unmasked with 0x5412.
    spots = [(8, i) for i in range(6)] + [(8, 7), (8, 8), (7, 8)]
    spots += [(14 - i, 8) for i in range(9, 15)]
    raw = sum(bit(x, y) << i for i, (x, y) in enumerate(spots)) ^ 0x5412
    level = {0: "M", 1: "L", 2: "H", 3: "Q"}[raw >> 13]
    mask = MASKS[(raw >> 10) & 7]
    assert level == "M", level

    def function_module(x: int, y: int) -> bool:
        if x == 6 or y == 6:  # timing patterns
            return True
        if (x < 9 and y < 9) or (x >= size - 8 and y < 9) or (x < 9 and y >= size - 8):
            return True  # finders, separators, format information
        center = size - 7  # the one alignment pattern of versions 2-6
        return version >= 2 and abs(x - center) <= 2 and abs(y - center) <= 2

    bits = []
    right = size - 1
    while right >= 1:  # two-column zigzag from the bottom right
        if right == 6:
            right = 5
        for step in range(size):
            for offset in (0, 1):
                x = right - offset
                upward = ((right + 1) & 2) == 0
                y = size - 1 - step if upward else step
                if not function_module(x, y):
                    bits.append(bit(x, y) ^ mask(x, y))
        right -= 2
    total, blocks = LEVEL_M_BLOCKS[version]
    codewords = [int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, total * 8, 8)]
    # Data codewords are interleaved block by block (all blocks are equal here).
    data = [codewords[b + i * len(blocks)] for b in range(len(blocks)) for i in range(blocks[0])]
    stream = "".join(f"{byte:08b}" for byte in data)
    text, at = "", 0

    def take(count: int) -> int:
        nonlocal at
        at += count
        return int(stream[at - count : at], 2)

    while at + 4 <= len(stream) and (mode := take(4)) != 0:
        if mode == 0b0100:
            text += bytes(take(8) for _ in range(take(8))).decode()
        elif mode == 0b0010:
            count = take(9)
            for _ in range(count // 2):
                pair = take(11)
                text += ALPHANUMERIC[pair // 45] + ALPHANUMERIC[pair % 45]
            text += ALPHANUMERIC[take(6)] if count % 2 else ""
        elif mode == 0b0001:
            count = take(10)
            for _ in range(count // 3):
                text += f"{take(10):03d}"
            text += f"{take(7):02d}" if count % 3 == 2 else f"{take(4)}" if count % 3 else ""
        else:
            raise AssertionError(f"mode {mode:04b} is not covered by this decoder")
    return level, text


def decode_svg(svg: str) -> str:
    grid = svg_modules(svg)
    quiet = 4
    inner = [row[quiet:-quiet] for row in grid[quiet:-quiet]]
    border = grid[:quiet] + grid[-quiet:] + [row[:quiet] + row[-quiet:] for row in grid]
    assert not any(any(row) for row in border), "the quiet zone must stay light"
    return read_qr(inner)[1]


def qr_codes(response) -> list[str]:
    return re.findall(r'<svg [^>]*class="qr-code".*?</svg>', response.content.decode(), flags=re.S)


# ------------------------------------------------------------------------------
# The overview
# ------------------------------------------------------------------------------


def test_the_navigation_has_a_crypto_entry_on_signed_in_pages(signed_in):
    page = signed_in.get("/crypto/")

    assert page.status_code == 200
    assert re.search(r'<a href="/crypto/"[^>]* aria-current="page">', page.content.decode())


def test_overview_lists_every_coin_with_balance_values_and_the_24h_change_in_words(signed_in):
    deposit("btc", "0.5")

    page = signed_in.get("/crypto/")

    text = text_of(page)
    # 0.5 BTC at 58,420.15 EUR (29,210.075, rounded half up) and 65,612.40 USD each
    bitcoin = "Bitcoin BTC Balance 0.50 BTC Value 29,210.08 EUR 32,806.20 USD"
    assert f"{bitcoin} ▲ +1.87 % up in 24 h" in text
    ether = "Ethereum ETH Balance 0.00 ETH Value 0.00 EUR 0.00 USD"
    assert f"{ether} ▼ {MINUS}0.62 % down in 24 h" in text
    assert "Tether USDT" in text
    assert "USD Coin USDC" in text
    assert "Total value 29,210.08 EUR 32,806.20 USD" in text
    html = page.content.decode()
    assert '<img class="crypto-icon" src="/static/sandbox/coins/btc.svg" alt=""' in html
    assert 'href="/crypto/btc/"' in html


def test_coins_the_company_holds_come_first(signed_in):
    deposit("usdc", "10")

    text = text_of(signed_in.get("/crypto/"))

    assert text.index("USD Coin USDC") < text.index("Bitcoin BTC") < text.index("Ethereum ETH")


def test_a_deposit_shows_on_the_overview_and_the_coin_page_with_the_new_balance(signed_in):
    deposit("eth", "1.25")
    before_overview = text_of(signed_in.get("/crypto/"))
    assert "Ethereum ETH Balance 1.25 ETH" in before_overview

    deposit("eth", "0.00012345")

    overview = text_of(signed_in.get("/crypto/"))
    assert "Ethereum ETH Balance 1.25012345 ETH" in overview
    assert "Received ETH Deposit 0.00012345 ETH" in overview
    assert "+0.00012345 ETH" in overview
    coin = text_of(signed_in.get("/crypto/eth/"))
    assert "Balance 1.25012345 ETH" in coin
    assert "Received Deposit 0.00012345 ETH" in coin
    assert "+1.25 ETH" in coin


@pytest.mark.parametrize(
    ("path", "endpoints"),
    [
        ("/crypto/", ("getAllwallet", "getTrxlastest")),
        ("/crypto/eth/", ("crypto_wallet", "getTrxcoin")),
    ],
)
def test_each_crypto_page_makes_two_upstream_calls_one_of_each(signed_in, path, endpoints):
    before = [journal_calls(endpoint) for endpoint in endpoints]

    signed_in.get(path)

    assert [journal_calls(endpoint) for endpoint in endpoints] == [n + 1 for n in before]


def test_an_empty_history_says_so(signed_in):
    assert "No crypto transactions yet." in text_of(signed_in.get("/crypto/"))


def test_an_htmx_request_gets_only_the_content(signed_in):
    page = signed_in.get("/crypto/", headers={"HX-Request": "true"})

    html = page.content.decode()
    assert "Crypto wallets" in html
    assert "<html" not in html
    assert "shell-nav" not in html


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login(db):
    page = Client().get("/crypto/btc/")

    assert page.status_code == 302
    assert page["Location"].startswith("/login/")


def test_a_company_that_is_not_live_is_sent_to_its_onboarding(db):
    create_company("fresh@acme.test", live=False)
    client = Client()
    portal_sign_in(client, "fresh@acme.test")

    page = client.get("/crypto/")

    assert page.status_code == 302
    assert page["Location"] == "/onboarding/"


# ------------------------------------------------------------------------------
# A coin's page: deposit networks, QR codes, prices, transactions
# ------------------------------------------------------------------------------


def test_coin_page_shows_every_network_with_its_address_and_a_qr_code_of_exactly_it(
    signed_in, company
):
    page = signed_in.get("/crypto/usdt/")

    assert page.status_code == 200
    text = text_of(page)
    addresses = [deposit_address(company, network) for network in ("erc-20", "trc-20")]
    assert "USDT on ERC-20 (Ethereum)" in text
    assert "USDT on TRC-20 (Tron)" in text
    for address in addresses:
        assert f"Deposit address {address} Copy address" in text
    codes = qr_codes(page)
    assert [decode_svg(svg) for svg in codes] == addresses
    for svg, address in zip(codes, addresses, strict=True):
        assert 'role="img"' in svg
        assert "address on" in svg
        assert address in svg
        assert "style=" not in svg


@pytest.mark.parametrize(("coin", "network"), [("btc", "bitcoin"), ("usdc", "polygon")])
def test_qr_codes_of_other_networks_decode_to_their_address(signed_in, company, coin, network):
    codes = qr_codes(signed_in.get(f"/crypto/{coin}/"))

    assert deposit_address(company, network) in [decode_svg(svg) for svg in codes]


def test_coin_page_shows_buy_and_sell_prices_and_the_24h_change(signed_in):
    text = text_of(signed_in.get("/crypto/btc/"))

    # 58,420.15 EUR with 2.5 % added, then taken off
    assert "Buy price 1 BTC = 59,880.65 EUR" in text
    assert "Sell price 1 BTC = 56,959.65 EUR" in text
    assert "24 h change ▲ +1.87 % up in 24 h" in text


def test_the_copy_button_is_hidden_until_the_script_reveals_it(signed_in):
    html = signed_in.get("/crypto/btc/").content.decode()

    button = r'<button type="button" class="button crypto-copy" data-copy="address-bitcoin"[^>]*'
    assert re.search(button + " hidden>", html)
    assert re.search(r'<script src="/static/js/crypto\.[^"]*js" defer></script>', html)


def test_transactions_have_status_in_words_and_an_explorer_link_for_their_hash(signed_in):
    deposit("btc", "0.1")
    trx = actions.crypto_deposit(email=EMAIL, coin="btc", amount="0.2")

    html = signed_in.get("/crypto/btc/").content.decode()

    assert f'href="https://www.blockchain.com/explorer/tx/{trx.hash}"' in html
    assert text_of(signed_in.get("/crypto/btc/")).count("Completed") == 2


def test_an_unknown_coin_is_the_themed_404(signed_in):
    page = signed_in.get("/crypto/doge/")

    assert page.status_code == 404
    assert "We can't find that page" in text_of(page)


def test_a_coin_symbol_in_capitals_redirects_to_its_page(signed_in):
    page = signed_in.get("/crypto/BTC/")

    assert page.status_code == 301
    assert page["Location"] == "/crypto/btc/"


def test_a_coin_that_needs_a_memo_shows_it_as_prominently_as_the_address(signed_in, monkeypatch):
    btc_needs_a_memo(monkeypatch, "104729")

    page = signed_in.get("/crypto/btc/")

    text = text_of(page)
    assert "Memo (tag) 104729 Copy memo" in text
    assert "Always include this memo. Deposits sent without the memo cannot be credited" in text
    assert '<code class="crypto-code" id="memo-bitcoin">104729</code>' in page.content.decode()


def test_a_memo_coin_without_its_memo_shows_no_address_to_send_to(signed_in, monkeypatch):
    btc_needs_a_memo(monkeypatch, "")

    page = signed_in.get("/crypto/btc/")

    assert "Do not send BTC to this wallet yet." in text_of(page)
    assert not qr_codes(page)
    assert "Deposit address" not in text_of(page)


# ------------------------------------------------------------------------------
# Crypto switched off, and the bank failing
# ------------------------------------------------------------------------------


def _switched_off(body: dict) -> dict:
    return {**body, "is_crypto": 0}


def _module_inactive(body: dict) -> dict:
    return {"status": 0, "code": 203, "message": "module is not active"}


@pytest.mark.parametrize(
    ("path", "endpoint"), [("/crypto/", "getAllwallet"), ("/crypto/btc/", "crypto_wallet")]
)
@pytest.mark.parametrize(
    "change", [_switched_off, _module_inactive], ids=["is_crypto 0", "code 203"]
)
def test_crypto_not_enabled_is_a_clear_page_saying_whom_to_contact(
    signed_in, monkeypatch, path, endpoint, change
):
    rewrite_answers(monkeypatch, endpoint, change)

    page = signed_in.get(path)

    assert page.status_code == 200
    text = text_of(page)
    assert "Crypto is not enabled for your account" in text
    assert 'href="mailto:hello@sandbox.example"' in page.content.decode()
    assert "unavailable" not in text


FAULTS = {
    "HTTP 500": {"http_status": 500},
    "timeout": {"timeout": True},
    "not JSON": {"garbage": True},
    "HTTP 429": {"http_status": 429},
}


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
@pytest.mark.parametrize(
    ("path", "endpoint", "status", "still_shown"),
    [
        ("/crypto/", "getAllwallet", 503, None),
        ("/crypto/", "getTrxlastest", 200, "Total value"),
        ("/crypto/usdt/", "crypto_wallet", 503, None),
        ("/crypto/usdt/", "getTrxcoin", 200, "Deposit address"),
    ],
)
def test_an_upstream_fault_is_an_inline_message_with_try_again(
    signed_in, path, endpoint, status, still_shown, fault
):
    actions.set_fault(endpoint=endpoint, **fault)

    page = signed_in.get(path)

    assert page.status_code == status
    html = page.content.decode()
    assert re.search(r'role="alert">\s*<p>The bank is (unavailable|busy) right now', html)
    assert f'<a class="button" href="{path}">Try again</a>' in html
    assert 'class="shell-nav"' in html  # still inside the signed-in shell
    if still_shown:
        assert still_shown in text_of(page)


def test_an_expired_session_signs_out_to_the_login(signed_in, company):
    actions.expire_token(email=EMAIL)

    page = signed_in.get("/crypto/")

    assert page.status_code == 302
    assert page["Location"].startswith("/login/")


# ------------------------------------------------------------------------------
# Coin amounts keep their precision
# ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [
        (Decimal("0.50000000"), 8, "0.50"),
        (Decimal("0.00012345"), 8, "0.00012345"),
        (Decimal("1234567.12345678"), 8, "1,234,567.12345678"),
        (Decimal("100.000000"), 6, "100.00"),
        (Decimal("0.123456789"), 6, "0.123456"),  # cut at the coin's decimals, never up
        (Decimal("-2.5"), 8, f"{MINUS}2.50"),
        ("12.3", 8, "12.30"),
        ("not a number", 8, ""),
    ],
)
def test_coin_amounts_keep_the_coins_precision_without_floats(value, digits, shown):
    rendered = Template("{% load crypto %}{{ value|coin_amount:digits }}").render(
        Context({"value": value, "digits": digits})
    )

    assert rendered == shown


def test_signed_amounts_and_changes_carry_a_sign():
    rendered = Template(
        "{% load crypto %}"
        "{{ a|signed_coin_amount:8 }} {{ b|signed_percent }} {{ c|signed_percent }}"
    ).render(Context({"a": Decimal("0.1"), "b": Decimal("-0.62"), "c": Decimal("1.875")}))

    assert rendered == f"+0.10 {MINUS}0.62\xa0% +1.88\xa0%"
