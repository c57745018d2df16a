"""The public demo's mailbox rule: a visitor reads only the mail to addresses they typed.

The sign-up, sign-in and password-reset views record the address typed into the
visitor's session; the sandbox mailbox shows that session nothing else (staff
signed in to the console see everything). Nothing is recorded when the
simulator is off.
"""

from __future__ import annotations

from django.conf import settings
from django.dispatch import Signal
from django.http import HttpRequest

SESSION_KEY = "sandbox_mailbox_addresses"
VISITOR_KEY = "sandbox_visitor_demo"  # this session's own demo company: email and expiry

# Sent by the simulator when a demo visitor's company is deleted (`user_id`, `email`),
# so the portal deletes what it keeps for that company too.
company_ended = Signal()
MAX_ADDRESSES = 20  # a visitor trying things out types a handful


def remember_mailbox_address(request: HttpRequest, email: str) -> None:
    """Let this browser session read the sandbox mail sent to `email`."""
    address = email.strip().lower()
    if not settings.SANDBOX_ENABLED or not address:
        return
    typed = mailbox_addresses(request)
    if address not in typed:
        request.session[SESSION_KEY] = [*typed, address][-MAX_ADDRESSES:]


def mailbox_addresses(request: HttpRequest) -> list[str]:
    """The addresses typed in this browser session, lower-cased."""
    typed = request.session.get(SESSION_KEY)
    return [str(address) for address in typed] if isinstance(typed, list) else []
