"""Sentences the portal says in several places, written once (lazy: translated when shown)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from codego.errors import CodegoError, SessionExpired, ShareExceeded

# The client's own wording, so a sign-out says what the error says.
SESSION_EXPIRED = SessionExpired.user_message
SIGNED_OUT_INACTIVE = _("You were signed out after 5 minutes of inactivity.")

BANK_UNAVAILABLE = _("The bank is unavailable right now. Please try again.")


def bank_unavailable(error: CodegoError) -> str:
    """What to say when a call failed: "too many requests, wait N seconds" for a
    company or address over its share of the bank's calls, else "unavailable"."""
    return str(error.user_message if isinstance(error, ShareExceeded) else BANK_UNAVAILABLE)


# A form the bank could not take: what was typed is still on the page.
FORM_NOT_SENT = _(
    "The bank is unavailable right now, so nothing was sent. "
    "What you typed is kept: check it and send it again."
)
# A form the bank got but did not answer in time (or answered unreadably): it may
# have done it, so "send it again" could do it twice.
FORM_OUTCOME_UNKNOWN = _(
    "The bank is unavailable right now and its answer did not reach us, so we don't "
    "know whether it did this. Check before you send it again, so it is not done twice."
)
# The same for a form with files: browsers cannot put a chosen file back.
FILES_NOT_SENT = _(
    "The bank is unavailable right now, so nothing was sent. Your browser cannot keep "
    "the files you chose: choose them again, then send them again."
)
FILE_NOT_SENT = _(
    "The bank is unavailable right now, so nothing was sent. Your browser cannot keep "
    "the file you chose: choose it again, then send it again."
)
