"""The simulated crypto wallets, through the real transport: balances, prices, addresses."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from codego.errors import ApiError
from sandbox import reference
from sandbox.models import Company, CryptoBalance, CryptoTransaction
from tests.conftest import create_company, sign_in

BRUSSELS = ZoneInfo("Europe/Brussels")
EIGHT = re.compile(r"-?\d+\.\d{8}")
WALLET_COIN_KEYS = {
    "address", "block_number", "cmc_rank", "coin_type", "crypto_balance", "currency_id",
    "currency_name", "currency_symbol", "decimal_digit", "dest_tag", "eur_balance", "eur_price",
    "eur_volume_24h", "expoloer_link", "image", "is_memo", "is_no_qrcode", "official_link",
    "title", "tokenof", "usd_balance", "usd_percent_change_24h", "usd_price", "usd_volume_24h",
}  # fmt: skip
TRX_KEYS = {
    "type", "description", "coinname", "coinsymbol", "convert_symbol", "created", "color",
    "has_link", "hash", "trx_type", "transaction_id", "status", "status_color", "amount",
    "fees", "total",
}  # fmt: skip
_numbers = count(1)


def crypto_trx(
    company: Company,
    coin: str = "usdt",
    *,
    kind: str = "Deposit",
    amount: str = "1",
    fees: str = "0",
    status: str = "Completed",
    created: datetime | None = None,
    hash: str = "",
) -> CryptoTransaction:
    number = next(_numbers)
    return CryptoTransaction.objects.create(
        company=company,
        coin=coin,
        type=kind,
        network="erc-20",
        transaction_id=f"CT{number:010d}",
        hash=hash,
        amount=Decimal(amount),
        fees=Decimal(fees),
        status=status,
        description=f"{kind} {amount} {coin}",
        created=created or datetime(2023, 7, 17, 10, 0, tzinfo=BRUSSELS),
    )


def test_all_wallets_list_every_coin_with_balances_priced_from_reference(
    transport, live_company, live_session
):
    CryptoBalance.objects.create(company=live_company, coin="btc", balance=Decimal("0.5"))
    CryptoBalance.objects.create(company=live_company, coin="usdt", balance=Decimal("100"))

    wallets = transport.call("getAllwallet", session=live_session)

    assert (wallets["crypto_module"], wallets["is_crypto"], wallets["status"]) == (
        "all_crypto",
        1,
        1,
    )
    assert set(wallets["coin"]) == set(reference.COINS)
    for symbol, coin in wallets["coin"].items():
        assert set(coin) == WALLET_COIN_KEYS
        assert all(isinstance(value, str) for value in coin.values())
        assert coin["currency_symbol"] == coin["currency_name"] == symbol
        assert coin["image"] == reference.coin_image(symbol)
        assert coin["expoloer_link"] == f"{reference.COINS[symbol]['explorer']}/tx/"
        assert coin["address"] == ""
        for key in ("crypto_balance", "eur_balance", "usd_balance", "eur_price", "usd_price"):
            assert EIGHT.fullmatch(coin[key]), (symbol, key)
    btc = wallets["coin"]["btc"]
    assert btc["crypto_balance"] == "0.50000000"
    assert btc["eur_price"] == "58420.15000000"
    assert btc["eur_balance"] == "29210.07500000"
    assert wallets["coin"]["eth"]["crypto_balance"] == "0.00000000"
    # Numbers here (the doc), rounded to cents: 29210.075 + 89.08 and 32806.20 + 100.01.
    assert wallets["total_eur_balance"] == 29299.16
    assert wallets["total_usd_balance"] == 32906.21
    assert isinstance(wallets["total_eur_balance"], float)


def test_a_wallet_that_holds_nothing_totals_zero(transport, live_session):
    wallets = transport.call("getAllwallet", session=live_session)
    assert wallets["total_eur_balance"] == 0
    assert wallets["coin"]["usdt"]["crypto_balance"] == "0.00000000"


def test_one_coin_wallet_has_every_documented_key_and_buy_and_sell_prices(
    transport, live_company, live_session
):
    CryptoBalance.objects.create(company=live_company, coin="usdt", balance=Decimal("10"))

    wallet = transport.call("crypto_wallet", {"coin": "USDT"}, session=live_session)

    assert set(wallet) == {
        "is_crypto", "crypto_module", "status", "debitcard_wallet", "total_usd_balance",
        "total_eur_balance", "coin", "crypto_fee", "address", "getprice",
    }  # fmt: skip
    assert (wallet["is_crypto"], wallet["status"], wallet["crypto_fee"]) == (1, 1, None)
    # Strings here (the doc), numbers in getAllwallet.
    assert (wallet["total_eur_balance"], wallet["total_usd_balance"]) == ("8.91", "10.00")
    assert wallet["debitcard_wallet"] == "0.00"
    coin = wallet["coin"]["usdt"]
    assert set(coin) == (WALLET_COIN_KEYS - {"address", "dest_tag"}) | {
        "is_local",
        "web_expoloer_link",
        "price_type",
    }
    assert coin["crypto_balance"] == "10.00000000"
    assert coin["eur_balance"] == "8.90800000"
    assert coin["web_expoloer_link"] == "https://etherscan.io"
    assert wallet["getprice"] == {
        "status": 1,
        "buy_price": "0.91307000",  # 0.8908 * 1.025
        "sell_price": "0.86853000",  # 0.8908 * 0.975
    }
    address = wallet["address"]["usdt"]
    assert (address["is_token"], address["is_binnace"]) == (1, 0)
    assert [n["network"] for n in address["networks"]] == ["erc-20", "trc-20"]


def test_deposit_addresses_are_well_formed_and_stable_per_company_and_network(
    transport, live_company, live_session
):
    def addresses(session, coin: str) -> dict[str, str]:
        wallet = transport.call("crypto_wallet", {"coin": coin}, session=session)
        return {n["network"]: n["qr_address"] for n in wallet["address"][coin]["networks"]}

    usdt = addresses(live_session, "usdt")
    usdc = addresses(live_session, "usdc")
    btc = addresses(live_session, "btc")

    assert re.fullmatch(r"0x[0-9a-f]{40}", usdt["erc-20"])
    assert re.fullmatch(r"T[1-9A-HJ-NP-Za-km-z]{33}", usdt["trc-20"])
    assert re.fullmatch(r"0x[0-9a-f]{40}", usdc["polygon"])
    assert re.fullmatch(r"bc1q[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{38}", btc["bitcoin"])
    # One address per network, whichever token of it.
    assert usdc["erc-20"] == usdt["erc-20"]
    assert usdc["polygon"] != usdc["erc-20"]
    assert addresses(sign_in(live_company), "usdt") == usdt
    assert transport.call("crypto_wallet", {"coin": "btc"}, session=live_session)["address"][
        "btc"
    ]["is_token"] == 0  # fmt: skip
    other = addresses(sign_in(create_company("other@acme.test")), "usdt")
    assert other["erc-20"] != usdt["erc-20"]
    assert other["trc-20"] != usdt["trc-20"]


@pytest.mark.parametrize(("data", "message"), [({}, "coin"), ({"coin": "doge"}, "Unknown coin.")])
def test_a_missing_or_unknown_coin_is_refused(transport, live_session, data, message):
    for name in ("crypto_wallet", "getTrxcoin"):
        with pytest.raises(ApiError, match=re.escape(message)):
            transport.call(name, data, session=live_session)


def test_the_latest_transactions_are_the_ten_newest_across_coins(
    transport, live_company, live_session
):
    for day in range(1, 13):
        crypto_trx(
            live_company,
            "usdt" if day % 2 else "btc",
            created=datetime(2023, 7, day, 10, 0, tzinfo=BRUSSELS),
        )
    crypto_trx(create_company("other@acme.test"), created=datetime(2023, 8, 1, tzinfo=BRUSSELS))

    rows = transport.call("getTrxlastest", session=live_session)["trx"]

    assert len(rows) == 10
    assert [r["created"] for r in rows[:2]] == ["12 Jul 2023", "11 Jul 2023"]
    assert {r["coinname"] for r in rows} == {"usdt", "btc"}
    for row in rows:
        assert set(row) == TRX_KEYS
        assert all(isinstance(value, str) for value in row.values())


def test_a_transaction_row_formats_amounts_per_coin_and_colours_by_kind_and_status(
    transport, live_company, live_session
):
    crypto_trx(live_company, "usdt", amount="1", fees="0")
    crypto_trx(
        live_company,
        "btc",
        kind="Withdraw",
        amount="0.015",
        fees="0.0001",
        status="Pending",
        hash="abc123",
        created=datetime(2023, 7, 18, 10, 0, tzinfo=BRUSSELS),
    )
    crypto_trx(
        live_company,
        "eth",
        kind="Withdraw",
        status="Failed",
        created=datetime(2023, 7, 19, tzinfo=BRUSSELS),
    )

    failed, withdraw, deposit = transport.call("getTrxlastest", session=live_session)["trx"]

    assert deposit == {
        "type": "Deposit",
        "description": "Deposit 1 usdt",
        "coinname": "usdt",
        "coinsymbol": "usdt",
        "convert_symbol": "usdt",
        "created": "17 Jul 2023",
        "color": "success",
        "has_link": "",
        "hash": "",
        "trx_type": "Deposit(receive)",
        "transaction_id": deposit["transaction_id"],
        "status": "Completed",
        "status_color": "success",
        "amount": "1.000000",
        "fees": "0.000000",
        "total": "1.000000",
    }
    assert withdraw["trx_type"] == "Withdraw(send)"
    assert (withdraw["color"], withdraw["status_color"]) == ("danger", "warning")
    assert (withdraw["amount"], withdraw["fees"], withdraw["total"]) == (
        "0.01500000",
        "0.00010000",
        "0.01510000",
    )
    assert withdraw["has_link"] == "https://www.blockchain.com/explorer/tx/abc123"
    assert failed["status_color"] == "danger"


def test_one_coins_transactions_are_only_that_coins(transport, live_company, live_session):
    crypto_trx(live_company, "usdt")
    crypto_trx(live_company, "btc")
    crypto_trx(live_company, "usdt", created=datetime(2024, 5, 12, tzinfo=BRUSSELS))

    rows = transport.call("getTrxcoin", {"coin": "usdt"}, session=live_session)["trx"]

    assert [r["coinname"] for r in rows] == ["usdt", "usdt"]
    assert rows[0]["created"] == "12 May 2024"
    assert transport.call("getTrxcoin", {"coin": "eth"}, session=live_session)["trx"] == []


def test_a_company_that_is_not_live_has_no_crypto_yet(transport):
    company = create_company("new@acme.test", live=False)
    CryptoBalance.objects.create(company=company, coin="btc", balance=Decimal("1"))
    crypto_trx(company)
    session = sign_in(company)

    wallets = transport.call("getAllwallet", session=session)
    assert wallets["total_eur_balance"] == 0
    assert wallets["coin"]["btc"]["crypto_balance"] == "0.00000000"
    assert transport.call("getTrxlastest", session=session)["trx"] == []
    assert transport.call("getTrxcoin", {"coin": "usdt"}, session=session)["trx"] == []
    wallet = transport.call("crypto_wallet", {"coin": "usdt"}, session=session)
    assert wallet["address"]["usdt"]["networks"] == []
