"""Cards: the `cardList` of `getSelectPlan`, each card masked to its last four digits.

The endpoint's title says "selected plan" but its example is a list of cards;
the plan, when the bank sends one, names the plan the cards come with.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from banking.pages import bank_page, fetch
from codego import types as t
from codego.client import get_client
from portal.pages import Company, render_page


def last_four(card_number: str) -> str:
    """The last four digits: the reference's example sends the whole number in one card
    and only "last four digits of card number" in the other, so both are accepted."""
    digits = "".join(ch for ch in card_number if ch.isdigit())
    return digits[-4:]


@dataclass(frozen=True)
class CardView:
    card: t.Card
    last_four: str

    @property
    def tone(self) -> str:
        """The chip's tone; the card's own status words are always shown with it."""
        status = self.card.card_status.strip().lower()
        if status.startswith("active"):
            return "success"
        if any(word in status for word in ("block", "lost", "stolen", "cancel", "expired")):
            return "danger"
        return "neutral"


@bank_page
def cards(request: HttpRequest, company: Company) -> HttpResponse:
    found, problem = fetch(lambda: get_client().get_select_plan(company.credentials))
    if found is None:
        return render_page(request, "banking/cards.html", {"problem": problem}, status=503)
    context = {
        "problem": "",
        "plan": found.plan,
        "cards": [CardView(card, last_four(card.card_number)) for card in found.cards],
    }
    return render_page(request, "banking/cards.html", context)
