"""The bank's onboarding states in the portal's words and colours, decoded once.

The bank numbers the states of a step (getCompanyStatus `company_status`,
`document_status`, `director_status` and each additional document:
`codego.types.StepState`) unlike those of a company document
(getCompanyDocumentStatus: `DocumentState`). Both land here on one `State`: a
key (for templates and `data-state`), its words and a tone (the colour of its
chip; the words alone always say it). The overview tracks progress ("To do",
"Waiting for review"); the upload pages speak of each file ("To upload", "Under
review"). Views and templates take the words from here, never from the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from codego.types import DocumentState, StepState


@dataclass(frozen=True)
class State:
    key: str
    label: Promise  # the words of the overview
    upload_label: Promise  # the words next to a file on the upload pages
    tone: str  # neutral, warning, success or danger: the colour of its chip

    @property
    def needs_action(self) -> bool:
        """The customer has something to send (first time, or again after a rejection)."""
        return self.key in (TO_DO.key, REJECTED.key)

    def __str__(self) -> str:
        return str(self.label)


TO_DO = State("todo", _("To do"), _("To upload"), "neutral")
REVIEW = State("review", _("Waiting for review"), _("Under review"), "warning")
VERIFIED = State("verified", _("Verified"), _("Verified"), "success")
REJECTED = State("rejected", _("Rejected"), _("Rejected"), "danger")
# The plan step is the portal's, not the bank's: it follows the others.
LATER = State("later", _("After verification"), _("After verification"), "neutral")
OFFER = State(
    "offer", _("Waiting for the bank's offer"), _("Waiting for the bank's offer"), "warning"
)

_STEPS = {
    StepState.TO_DO: TO_DO,
    StepState.UNDER_REVIEW: REVIEW,
    StepState.VERIFIED: VERIFIED,
    StepState.REJECTED: REJECTED,
}
_DOCUMENTS = {
    DocumentState.UNDER_REVIEW: REVIEW,
    DocumentState.VERIFIED: VERIFIED,
    DocumentState.REJECTED: REJECTED,
}


def of_step(state: StepState) -> State:
    """A step, or an additional document (numbered like a step)."""
    return _STEPS.get(state, TO_DO)


def of_document(state: DocumentState | None) -> State:
    """A company document; None when it was never uploaded."""
    if state is None:
        return TO_DO
    return _DOCUMENTS.get(state, REVIEW)
