"""Crypto wallets: balances, coin wallets and their transactions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Self

from codego.types.parsing import (
    ZERO,
    first_present,
    parse_rows,
    to_bool,
    to_date,
    to_decimal,
    to_dict,
    to_int,
    to_json,
    to_list,
    to_opt_int,
    to_str,
)


@dataclass(frozen=True)
class CoinBalance:
    """One coin of getAllwallet / crypto_wallet `coin` (keyed by symbol)."""

    symbol: str
    title: str = ""
    currency_id: str = ""
    currency_name: str = ""
    coin_type: str = ""
    tokenof: str = ""
    image: str = ""
    address: str = ""
    crypto_balance: Decimal = ZERO
    eur_balance: Decimal = ZERO
    usd_balance: Decimal = ZERO
    eur_price: Decimal = ZERO
    usd_price: Decimal = ZERO
    usd_percent_change_24h: Decimal = ZERO
    decimal_digit: int = 8
    cmc_rank: int | None = None
    explorer_link: str = ""
    official_link: str = ""
    is_memo: bool = False
    dest_tag: str = ""  # the memo / destination tag deposits need when `is_memo`

    @classmethod
    def from_api(cls, data: Mapping[str, Any], symbol: str = "") -> Self:
        return cls(
            symbol=(
                symbol or to_str(first_present(data, "currency_symbol", "currency_name"))
            ).lower(),
            title=to_str(data.get("title")),
            currency_id=to_str(data.get("currency_id")),
            currency_name=to_str(data.get("currency_name")),
            coin_type=to_str(data.get("coin_type")),
            tokenof=to_str(data.get("tokenof")),
            image=to_str(data.get("image")),
            address=to_str(data.get("address")),
            crypto_balance=to_decimal(data.get("crypto_balance")),
            eur_balance=to_decimal(data.get("eur_balance")),
            usd_balance=to_decimal(data.get("usd_balance")),
            eur_price=to_decimal(data.get("eur_price")),
            usd_price=to_decimal(data.get("usd_price")),
            usd_percent_change_24h=to_decimal(data.get("usd_percent_change_24h")),
            decimal_digit=to_int(data.get("decimal_digit"), 8),
            cmc_rank=to_opt_int(data.get("cmc_rank")),
            # The doc spells it "expoloer_link".
            explorer_link=to_str(first_present(data, "expoloer_link", "explorer_link")),
            official_link=to_str(data.get("official_link")),
            is_memo=to_bool(data.get("is_memo")),
            dest_tag=to_str(data.get("dest_tag")),
        )


def _coins(value: Any) -> tuple[CoinBalance, ...]:
    coins = to_json(value)
    if isinstance(coins, Mapping):
        return tuple(
            CoinBalance.from_api(row, symbol=to_str(key))
            for key, row in coins.items()
            if isinstance(row, Mapping)
        )
    return parse_rows(CoinBalance, coins)


def _coin(coins: tuple[CoinBalance, ...], symbol: str) -> CoinBalance | None:
    return next((c for c in coins if c.symbol == symbol.lower()), None)


def _wallet_totals(data: Mapping[str, Any]) -> dict[str, Any]:
    """The crypto module flags and balances both getAllwallet and crypto_wallet carry."""
    return {
        "is_crypto": to_bool(data.get("is_crypto")),
        "crypto_module": to_str(data.get("crypto_module")),
        "total_eur_balance": to_decimal(data.get("total_eur_balance")),
        "total_usd_balance": to_decimal(data.get("total_usd_balance")),
    }


@dataclass(frozen=True)
class CryptoOverview:
    """getAllwallet: totals (numbers here, strings in crypto_wallet) and coins."""

    is_crypto: bool = False
    crypto_module: str = ""
    total_eur_balance: Decimal = ZERO
    total_usd_balance: Decimal = ZERO
    coins: tuple[CoinBalance, ...] = ()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(**_wallet_totals(data), coins=_coins(data.get("coin")))

    def coin(self, symbol: str) -> CoinBalance | None:
        return _coin(self.coins, symbol)


@dataclass(frozen=True)
class CoinWallet:
    """crypto_wallet: one coin, its deposit addresses per network and its prices."""

    coin: CoinBalance | None = None
    networks: tuple[tuple[str, str], ...] = ()  # (network, address)
    buy_price: Decimal = ZERO
    sell_price: Decimal = ZERO
    is_crypto: bool = False
    crypto_module: str = ""
    debitcard_wallet: Decimal = ZERO
    total_eur_balance: Decimal = ZERO
    total_usd_balance: Decimal = ZERO

    @classmethod
    def from_api(cls, data: Mapping[str, Any], symbol: str = "") -> Self:
        coins = _coins(data.get("coin"))
        coin = _coin(coins, symbol) if symbol else None
        coin = coin or (coins[0] if coins else None)
        addresses = to_dict(data.get("address"))
        key = coin.symbol if coin else ""
        entry = to_dict(addresses.get(key)) or (
            to_dict(next(iter(addresses.values()))) if addresses else {}
        )
        networks = tuple(
            (to_str(n.get("network")), to_str(first_present(n, "qr_address", "address")))
            for n in to_list(entry.get("networks"))
            if isinstance(n, Mapping)
        )
        prices = to_dict(data.get("getprice"))
        return cls(
            coin=coin,
            networks=networks,
            buy_price=to_decimal(prices.get("buy_price")),
            sell_price=to_decimal(prices.get("sell_price")),
            debitcard_wallet=to_decimal(data.get("debitcard_wallet")),
            **_wallet_totals(data),
        )


@dataclass(frozen=True)
class CryptoTransaction:
    """getTrxlastest / getTrxcoin row; `created` is like "17 Jul 2023"."""

    transaction_id: str = ""
    type: str = ""
    trx_type: str = ""
    description: str = ""
    coinname: str = ""
    coinsymbol: str = ""
    convert_symbol: str = ""
    created: date | None = None
    status: str = ""
    status_color: str = ""
    color: str = ""
    hash: str = ""
    has_link: str = ""
    amount: Decimal = ZERO
    fees: Decimal = ZERO
    total: Decimal = ZERO

    _TEXT = (
        "transaction_id",
        "type",
        "trx_type",
        "description",
        "coinname",
        "coinsymbol",
        "convert_symbol",
        "status",
        "status_color",
        "color",
        "hash",
        "has_link",
    )

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            **{key: to_str(data.get(key)) for key in cls._TEXT},
            created=to_date(data.get("created")),
            amount=to_decimal(data.get("amount")),
            fees=to_decimal(data.get("fees")),
            total=to_decimal(data.get("total")),
        )

    @classmethod
    def list_from_api(cls, data: Mapping[str, Any]) -> list[Self]:
        return list(parse_rows(cls, data.get("trx")))
