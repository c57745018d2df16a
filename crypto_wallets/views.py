"""The crypto pages: the wallets overview and one coin's deposit page.

A read that fails shows an inline message with "Try again" in the signed-in
shell (never the error page); an ended session still signs out through
`portal.middleware.CodegoErrorMiddleware`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from codego.client import get_client
from codego.errors import AccessDenied, ApiError, CodegoError, SessionExpired, ShareExceeded
from codego.types import CoinBalance
from crypto_wallets import wallets as presenters
from portal.pages import Company, render_page, signed_in_view

logger = logging.getLogger("crypto_wallets")

T = TypeVar("T")
LONGEST_SYMBOL = 20  # longer than any coin symbol: answered 404 without asking the bank


def _fetch(
    call: Callable[[], T], *, passthrough: tuple[type[CodegoError], ...] = ()
) -> tuple[T | None, str]:
    """The call's result and "", or None and the message to show in the page."""
    try:
        return call(), ""
    except (SessionExpired, ShareExceeded, AccessDenied, *passthrough):
        raise
    except CodegoError as error:
        logger.warning("crypto page: %s", error)
        return None, str(error.user_message)


def _not_enabled(request: HttpRequest) -> HttpResponse:
    """Crypto is not switched on for this company: a page that says whom to ask."""
    return render_page(request, "crypto_wallets/not_enabled.html")


@signed_in_view(live=True)
def overview(request: HttpRequest, company: Company) -> HttpResponse:
    client = get_client()
    # Two calls: getAllwallet has balances and prices but no history, and
    # getTrxlastest is the only source of the latest transactions across coins.
    try:
        wallets, error = _fetch(lambda: client.get_all_wallet(company.credentials))
        if wallets is not None and not wallets.is_crypto:
            return _not_enabled(request)
        history, history_error = (
            _fetch(lambda: client.get_trx_latest(company.credentials)) if wallets else ([], "")
        )
    except AccessDenied:
        return _not_enabled(request)
    coins = presenters.sorted_coins(wallets.coins) if wallets else []
    context = {
        "wallets": wallets,
        "coins": [(coin, presenters.image_url(coin)) for coin in coins],
        "error": error,
        "transactions": presenters.transaction_rows(
            history or [], {coin.symbol: coin for coin in coins}
        ),
        "history_error": history_error,
    }
    # 503 when nothing could be shown, so monitoring sees the outage; htmx swaps it.
    return render_page(
        request, "crypto_wallets/overview.html", context, status=503 if error else 200
    )


@signed_in_view(live=True)
def coin(request: HttpRequest, company: Company, coin: str) -> HttpResponse:
    symbol = coin.lower()
    if symbol != coin:
        return redirect("crypto:coin", coin=symbol, permanent=True)
    if len(symbol) > LONGEST_SYMBOL:
        raise Http404("unknown coin")
    client = get_client()
    # Two calls: crypto_wallet carries no transactions, getTrxcoin nothing else.
    try:
        wallet, error = _fetch(
            lambda: client.crypto_wallet(company.credentials, coin=symbol), passthrough=(ApiError,)
        )
        if wallet is not None and not wallet.is_crypto:
            return _not_enabled(request)
        found: CoinBalance | None = wallet.coin if wallet else None
        if wallet is not None and (found is None or found.symbol != symbol):
            raise Http404("unknown coin")
        history, history_error = (
            _fetch(lambda: client.get_trx_coin(company.credentials, coin=symbol))
            if wallet
            else ([], "")
        )
    except AccessDenied:
        return _not_enabled(request)
    except ApiError as rejected:
        # `status: 0` to a request whose only input is the coin: the bank does not know it.
        logger.info("crypto_wallet refused %r: %s", symbol, rejected)
        raise Http404("unknown coin") from rejected
    coins = {symbol: found} if found else {}
    context = {
        "symbol": symbol,
        "wallet": wallet,
        "coin": found,
        "image": presenters.image_url(found) if found else "",
        "networks": presenters.deposit_networks(wallet) if wallet else [],
        "error": error,
        "transactions": presenters.transaction_rows(history or [], coins),
        "history_error": history_error,
    }
    return render_page(request, "crypto_wallets/coin.html", context, status=503 if error else 200)
