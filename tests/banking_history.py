"""What the history pages' tests share: transactions in the simulated bank, and faults.

Transactions are written into the simulated bank's own tables, as its staff
actions and demo seed do; the pages then read them through the real client.
"""

from __future__ import annotations

from datetime import datetime

from sandbox import actions
from sandbox.models import Iban, Transaction
from tests.test_sandbox_banking import BRUSSELS, main_iban, make_trx

__all__ = ["BRUSSELS", "FAULTS", "UNAVAILABLE", "add_trx", "fault", "main_iban"]

UNAVAILABLE = "The bank is unavailable right now"
# Faults the simulator injects on one endpoint, as (name, set_fault options).
FAULTS = [
    ("http-500", {"http_status": 500}),
    ("timeout", {"timeout": True}),
    ("garbage", {"garbage": True}),
]
MAKE_TRX_FIELDS = {"amount", "fees", "kind", "status", "name", "reason"}


def add_trx(iban: Iban, *, created: datetime | None = None, **fields: object) -> Transaction:
    """A movement on `iban` (make_trx's fields, then any other column of the simulator's
    Transaction); the balance is left alone, tests set it when it matters."""
    own = {name: fields.pop(name) for name in list(fields) if name not in MAKE_TRX_FIELDS}
    trx = make_trx(iban, created=created or datetime(2026, 3, 10, 12, 0, tzinfo=BRUSSELS), **fields)
    if own:
        Transaction.objects.filter(pk=trx.pk).update(**own)
        trx.refresh_from_db()
    return trx


def fault(endpoint: str, **options: object) -> None:
    actions.set_fault(endpoint=endpoint, **options)
