"""Crypto wallets: balances priced from reference data, deposit addresses, transactions."""

from __future__ import annotations

import hashlib
from decimal import Decimal, localcontext
from typing import Any

from django.utils import timezone

from sandbox import reference
from sandbox.api import Call, Reject, endpoint
from sandbox.bank import money
from sandbox.models import Company, CryptoBalance, CryptoTransaction

EIGHT = Decimal("0.00000001")
LATEST = 10
COIN_HISTORY = 100
BUY_MARKUP = Decimal("1.025")
SELL_MARKDOWN = Decimal("0.975")
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
STATUS_COLORS = {"completed": "success", "pending": "warning"}


def _eight(value: Decimal) -> str:
    # Large balances times prices can pass the default 28 digits quantize allows.
    with localcontext() as context:
        context.prec = 60
        return f"{value.quantize(EIGHT):f}"


def _balances(company: Company) -> dict[str, Decimal]:
    """Balance per coin; a company that is not live holds nothing yet."""
    if not company.is_live:
        return {}
    return dict(CryptoBalance.objects.filter(company=company).values_list("coin", "balance"))


def _coin(call: Call) -> str:
    symbol = call.require("coin").lower()
    if symbol not in reference.COINS:
        raise Reject("Unknown coin.")
    return symbol


def _valued(symbol: str, balance: Decimal) -> dict[str, str]:
    """The balance of one coin and its worth in EUR and USD, 8 decimals each."""
    info = reference.COINS[symbol]
    return {
        "crypto_balance": _eight(balance),
        "eur_balance": _eight(balance * info["eur_price"]),  # type: ignore[operator]
        "usd_balance": _eight(balance * info["usd_price"]),  # type: ignore[operator]
    }


def _totals(balances: dict[str, Decimal]) -> tuple[Decimal, Decimal]:
    eur = usd = Decimal(0)
    for symbol, balance in balances.items():
        info = reference.COINS.get(symbol)
        if info is not None:
            eur += balance * info["eur_price"]  # type: ignore[operator]
            usd += balance * info["usd_price"]  # type: ignore[operator]
    return eur, usd


def _coin_json(symbol: str, balance: Decimal) -> dict[str, str]:
    """The keys getAllwallet and crypto_wallet share for one coin."""
    info = reference.COINS[symbol]
    return {
        "currency_id": str(info["currency_id"]),
        "title": str(info["title"]),
        "coin_type": str(info["coin_type"]),
        "tokenof": str(info["tokenof"]),
        "currency_name": symbol,
        "currency_symbol": symbol,
        "image": reference.coin_image(symbol),
        "block_number": "0",
        # "expoloer_link" is the doc's spelling; clients append the transaction hash.
        "expoloer_link": f"{info['explorer']}/tx/",
        "official_link": str(info["official_link"]),
        "cmc_rank": str(info["cmc_rank"]),
        "eur_price": _eight(info["eur_price"]),  # type: ignore[arg-type]
        "usd_price": _eight(info["usd_price"]),  # type: ignore[arg-type]
        "usd_percent_change_24h": str(info["usd_percent_change_24h"]),
        "eur_volume_24h": _eight(Decimal(0)),
        "usd_volume_24h": _eight(Decimal(0)),
        "is_memo": "0",
        "decimal_digit": str(info["decimal_digit"]),
        "is_no_qrcode": "0",
        **_valued(symbol, balance),
    }


@endpoint("getAllwallet", session=True)
def all_wallets(call: Call) -> dict[str, Any]:
    """Every coin of the module with the company's balance and its worth."""
    balances = _balances(call.session_company)
    eur, usd = _totals(balances)
    return {
        "crypto_module": "all_crypto",
        "is_crypto": 1,
        "status": 1,
        # Doc note: numbers here, strings ("0.00") in crypto_wallet; each as documented.
        "total_eur_balance": float(eur.quantize(Decimal("0.01"))),
        "total_usd_balance": float(usd.quantize(Decimal("0.01"))),
        "coin": {
            symbol: {
                **_coin_json(symbol, balances.get(symbol, Decimal(0))),
                # Deposit addresses are per network: crypto_wallet hands them out.
                "address": "",
                "dest_tag": "",
            }
            for symbol in reference.COINS
        },
    }


def _digest(company: Company, network: str) -> bytes:
    # company_unique_id is random and never shown, so addresses cannot be guessed.
    return hashlib.sha256(f"{company.company_unique_id}:{network}".encode()).digest()


def deposit_address(company: Company, network: str) -> str:
    """A well-formed deposit address, the same for a company and network on every call."""
    number = int.from_bytes(_digest(company, network), "big")
    if network == "trc-20":
        chars = []
        for _ in range(33):
            number, rest = divmod(number, 58)
            chars.append(BASE58[rest])
        return "T" + "".join(chars)
    if network == "bitcoin":
        chars = []
        for _ in range(38):
            number, rest = divmod(number, 32)
            chars.append(BECH32[rest])
        return "bc1q" + "".join(chars)
    # erc-20, polygon and any other EVM network
    return "0x" + _digest(company, network).hex()[:40]


@endpoint("crypto_wallet", session=True)
def crypto_wallet(call: Call) -> dict[str, Any]:
    """One coin's wallet: balance, deposit addresses per network and buy/sell prices."""
    symbol = _coin(call)
    company = call.session_company
    balances = _balances(company)
    eur, usd = _totals(balances)
    info = reference.COINS[symbol]
    eur_price: Decimal = info["eur_price"]  # type: ignore[assignment]
    networks: list[str] = info["networks"]  # type: ignore[assignment]
    return {
        "is_crypto": 1,
        "crypto_module": "all_crypto",
        "status": 1,
        "debitcard_wallet": money(Decimal(0)),
        # Doc note: strings here, numbers in getAllwallet.
        "total_usd_balance": money(usd),
        "total_eur_balance": money(eur),
        "coin": {
            symbol: {
                "is_local": "0",
                **_coin_json(symbol, balances.get(symbol, Decimal(0))),
                "web_expoloer_link": str(info["explorer"]),
                "price_type": "0",
            }
        },
        "crypto_fee": None,
        "address": {
            symbol: {
                "is_token": 1 if info["coin_type"] == "token" else 0,
                "is_binnace": 0,
                "networks": [
                    {"qr_address": deposit_address(company, network), "network": network}
                    for network in networks
                ]
                if company.is_live
                else [],
            }
        },
        "getprice": {
            "status": 1,
            "buy_price": _eight(eur_price * BUY_MARKUP),
            "sell_price": _eight(eur_price * SELL_MARKDOWN),
        },
    }


def _amount(value: Decimal, symbol: str) -> str:
    """Tokens print 6 decimals; coins their own decimal_digit."""
    info = reference.COINS.get(symbol)
    if info is None:
        digits = 8
    elif info["coin_type"] == "token":
        digits = 6
    else:
        digits = int(str(info["decimal_digit"]))
    return f"{value.quantize(Decimal(1).scaleb(-digits)):f}"


def _trx_json(trx: CryptoTransaction) -> dict[str, str]:
    deposit = trx.type.lower().startswith("deposit")
    info = reference.COINS.get(trx.coin)
    # A deposit arrives net of its fee; a withdrawal costs the amount plus the fee.
    total = trx.amount - trx.fees if deposit else trx.amount + trx.fees
    link = f"{info['explorer']}/tx/{trx.hash}" if info and trx.hash else ""
    return {
        "type": "Deposit" if deposit else "Withdraw",
        "description": trx.description,
        "coinname": trx.coin,
        "coinsymbol": trx.coin,
        "convert_symbol": trx.coin,
        "created": timezone.localtime(trx.created).strftime("%d %b %Y"),
        "color": "success" if deposit else "danger",
        "has_link": link,
        "hash": trx.hash,
        "trx_type": "Deposit(receive)" if deposit else "Withdraw(send)",
        "transaction_id": trx.transaction_id,
        "status": trx.status,
        "status_color": STATUS_COLORS.get(trx.status.lower(), "danger"),
        "amount": _amount(trx.amount, trx.coin),
        "fees": _amount(trx.fees, trx.coin),
        "total": _amount(total, trx.coin),
    }


@endpoint("getTrxlastest", session=True)
def latest_transactions(call: Call) -> dict[str, Any]:
    """The company's latest crypto transactions across coins."""
    company = call.session_company
    if not company.is_live:
        return {"status": 1, "trx": []}
    rows = CryptoTransaction.objects.filter(company=company)[:LATEST]
    return {"status": 1, "trx": [_trx_json(trx) for trx in rows]}


@endpoint("getTrxcoin", session=True)
def coin_transactions(call: Call) -> dict[str, Any]:
    """One coin's transactions, newest first."""
    symbol = _coin(call)
    company = call.session_company
    if not company.is_live:
        return {"status": 1, "trx": []}
    rows = CryptoTransaction.objects.filter(company=company, coin=symbol)[:COIN_HISTORY]
    return {"status": 1, "trx": [_trx_json(trx) for trx in rows]}
