"""The bank's states. IntEnum, so `state == 2` still holds where code compares
with the bank's integers.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Self


class _BankState(IntEnum):
    """A state the bank sends as a small integer code."""

    @classmethod
    def _missing_(cls, value: object) -> Self:
        # A code the reference does not list reads as the first state (to do, or
        # under review): the portal never shows something verified by accident.
        return next(iter(cls))


class StepState(_BankState):
    """company_status / document_status / director_status and additional documents."""

    TO_DO = 0
    UNDER_REVIEW = 1
    VERIFIED = 2
    REJECTED = 3


class DocumentState(_BankState):
    """Each company document of getCompanyDocumentStatus (numbered unlike the steps)."""

    UNDER_REVIEW = 0
    VERIFIED = 1
    REJECTED = 2
