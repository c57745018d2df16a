"""The fee of an outgoing transfer, computed from the company's plan as the bank does.

The dashboard names the plan (`userplan.plan_name`); its fees come from the
cached `getPlan` catalogue: a fixed fee plus a percentage of the amount,
rounded to the cent half-to-even (Decimal's default, like the simulator's
`Plan.fee`; the fee fields are the reference's plan fields).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from codego import reference
from codego import types as t
from codego.errors import CodegoError

CENT = Decimal("0.01")
SEPA = "sepa"
SEPA_INSTANT = "sepa_instant"


def find_plan(plan_name: str) -> t.Plan | None:
    """The catalogue's plan of that name; None when unknown or the catalogue is unreachable."""
    if not plan_name:
        return None
    try:
        catalogue = reference.plans()
    except CodegoError:
        return None
    wanted = plan_name.strip().lower()
    return next((p for p in catalogue.all_plans if p.plan_name.strip().lower() == wanted), None)


def transfer_fee(plan: t.Plan | None, amount: Decimal, payment_option: str) -> Decimal | None:
    """What the bank takes for sending `amount`; None when the plan is not known."""
    if plan is None:
        return None
    if payment_option == SEPA_INSTANT:
        fixed, percent = plan.sepa_instant_out_fee, plan.sepa_instant_out_fee_percentage
    else:
        fixed, percent = plan.sepa_out_fee, plan.sepa_out_fee_percentage
    return (fixed + amount * percent / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_EVEN)
