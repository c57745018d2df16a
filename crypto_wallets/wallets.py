"""What the crypto pages show, built from the typed answers of `codego`.

Views call the client and hand its results here; nothing in this module talks
to the API.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from codego.types import CoinBalance, CoinWallet, CryptoTransaction
from crypto_wallets.qr import qr_svg
from portal.brand import safe_url

# Networks as customers know them; any other is shown as the API names it.
NETWORK_NAMES: dict[str, str | Promise] = {
    "erc-20": _("ERC-20 (Ethereum)"),
    "trc-20": _("TRC-20 (Tron)"),
    "bep-20": _("BEP-20 (BNB Smart Chain)"),
    "polygon": _("Polygon"),
    "bitcoin": _("Bitcoin"),
}

# The reference shows "Completed"; the simulator adds "Pending" and failures.
STATUS_LABELS: dict[str, tuple[str | Promise, str]] = {
    "completed": (_("Completed"), "success"),
    "success": (_("Completed"), "success"),
    "pending": (_("Pending"), "warning"),
    "processing": (_("Processing"), "warning"),
    "failed": (_("Failed"), "danger"),
    "rejected": (_("Rejected"), "danger"),
    "cancelled": (_("Cancelled"), "danger"),
    "canceled": (_("Cancelled"), "danger"),
}
STATUS_COLORS = {"success": "success", "warning": "warning", "danger": "danger"}

INCOMING = ("deposit", "receive", "buy")
OUTGOING = ("withdraw", "send", "sell")


@dataclass(frozen=True)
class DepositNetwork:
    """One network a coin can be deposited over, with its address and QR code."""

    key: str  # safe for element ids
    name: str | Promise
    address: str
    qr: SafeString


@dataclass(frozen=True)
class TransactionRow:
    trx: CryptoTransaction
    symbol: str
    digits: int
    direction: str  # "in", "out" or "" when the API's type says neither
    amount: Decimal  # negative when coins left the wallet
    status_label: str | Promise
    status_kind: str  # the tone of its chip: success / warning / danger / neutral
    explorer_url: str


def image_url(coin: CoinBalance) -> str:
    """The coin's icon from the API, when it is an http(s) or same-site URL."""
    return safe_url(coin.image)


def sorted_coins(coins: Iterable[CoinBalance]) -> list[CoinBalance]:
    """Coins the company holds first (largest value first), then by market rank."""
    return sorted(
        coins,
        key=lambda coin: (
            coin.crypto_balance <= 0,
            -coin.eur_balance,
            coin.cmc_rank if coin.cmc_rank is not None else 10_000,
            coin.symbol,
        ),
    )


def network_name(network: str) -> str | Promise:
    return NETWORK_NAMES.get(network.lower(), network.upper())


def deposit_networks(wallet: CoinWallet) -> list[DepositNetwork]:
    """Each deposit address of the coin with a QR code that holds exactly the address."""
    symbol = wallet.coin.symbol.upper() if wallet.coin else ""
    networks = []
    for network, address in wallet.networks:
        if not address:
            continue
        name = network_name(network)
        label = _("QR code of your %(coin)s deposit address on %(network)s: %(address)s") % {
            "coin": symbol,
            "network": name,
            "address": address,
        }
        key = re.sub(r"[^a-z0-9]+", "-", network.lower()).strip("-") or "network"
        networks.append(DepositNetwork(key, name, address, qr_svg(address, label=str(label))))
    return networks


def explorer_url(trx: CryptoTransaction, coin: CoinBalance | None) -> str:
    """Where the transaction can be looked up on its blockchain, or "" without a hash.

    The reference leaves `has_link` empty in its example, and its explorer link
    ("https://etherscan.io/tx/0x") already ends in the "0x" a hash may carry too:
    a full link in `has_link` wins, else the coin's explorer link plus the hash.
    """
    link = safe_url(trx.has_link)
    if link.startswith(("https://", "http://")):
        return link
    if not trx.hash or coin is None or not coin.explorer_link:
        return ""
    prefix, digest = coin.explorer_link, trx.hash
    if prefix.lower().endswith("0x") and digest.lower().startswith("0x"):
        digest = digest[2:]
    return safe_url(prefix + digest)


def _direction(trx: CryptoTransaction) -> str:
    kind = f"{trx.type} {trx.trx_type}".lower()
    if any(word in kind for word in INCOMING):
        return "in"
    if any(word in kind for word in OUTGOING):
        return "out"
    return ""


def _status(trx: CryptoTransaction) -> tuple[str | Promise, str]:
    known = STATUS_LABELS.get(trx.status.strip().lower())
    if known:
        return known
    kind = STATUS_COLORS.get(trx.status_color.strip().lower(), "neutral")
    return (trx.status or _("Unknown")), kind


def transaction_rows(
    transactions: Iterable[CryptoTransaction], coins: Mapping[str, CoinBalance]
) -> list[TransactionRow]:
    """Rows with a signed amount, the status in words and an explorer link.

    `coins` (by symbol) gives each row its coin's decimals and explorer; the
    amounts keep the decimals the API sent when the coin is not known.
    """
    rows = []
    for trx in transactions:
        symbol = (trx.coinsymbol or trx.coinname).lower()
        coin = coins.get(symbol)
        direction = _direction(trx)
        label, kind = _status(trx)
        # `total` is what moved on the wallet: a deposit net of its fee, a withdrawal
        # with it; the reference's example has no fee, so total equals amount there.
        moved = trx.total or trx.amount
        rows.append(
            TransactionRow(
                trx=trx,
                symbol=symbol,
                digits=coin.decimal_digit if coin else 8,
                direction=direction,
                amount=-moved if direction == "out" else moved,
                status_label=label,
                status_kind=kind,
                explorer_url=explorer_url(trx, coin),
            )
        )
    return rows
