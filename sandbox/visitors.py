"""A company of their own for each visitor of the public demo ("Try the demo").

Each start makes a fresh copy of the demo company (`demo.seed_demo`: two IBANs,
payees, four months of history, crypto wallets, notifications, KYC approved)
under a random address on a reserved domain and a random password nobody sees;
the portal then signs the visitor in with them through the ordinary sign-in path.

A visitor's company lives `SANDBOX_DEMO_HOURS`, then `expire_visitors` deletes it
with everything the simulator and the portal hold for it: `manage.py sandbox
expire-demos` (which an operator schedules) and every new start call it. At most
`SANDBOX_DEMO_MAX` live at once.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.db import transaction
from django.utils import timezone

from portal import demo as portal_demo
from sandbox.demo import delete_company, seed_demo
from sandbox.models import Company, JournalEntry, Mail

# RFC 6761 reserves .test: no mail to these addresses can ever leave the machine.
VISITOR_DOMAIN = "visitor.demo.test"
VISITOR_HASHER = "pbkdf2_random_secret"


class RandomSecretHasher(PBKDF2PasswordHasher):
    """For a visitor's password only: 144 random bits need no key stretching, and a
    demo must start at once. Never the default hasher (settings list it last)."""

    algorithm = VISITOR_HASHER
    iterations = 1_000


class DemoFull(Exception):
    """As many visitor companies are live as the operator allows."""


def is_visitor(email: str) -> bool:
    return email.lower().endswith("@" + VISITOR_DOMAIN)


def live_visitors(now: datetime | None = None):
    return Company.objects.filter(demo_expires__gt=now or timezone.now())


def start_company(now: datetime | None = None) -> tuple[Company, str]:
    """A new visitor company, and its password (for the sign-in that follows)."""
    now = now or timezone.now()
    expire_visitors(now)
    if live_visitors(now).count() >= settings.SANDBOX_DEMO_MAX:
        raise DemoFull
    email = f"visitor-{secrets.token_hex(8)}@{VISITOR_DOMAIN}"
    password = secrets.token_urlsafe(18)
    with transaction.atomic():
        company = seed_demo(
            email=email,
            password=password,
            password_hash=make_password(password, hasher=VISITOR_HASHER),
            seed=secrets.randbits(32),  # amounts of its own, so no two look alike
        )
        company.demo_expires = now + timedelta(hours=settings.SANDBOX_DEMO_HOURS)
        company.save(update_fields=["demo_expires", "updated"])
    return company, password


def end_company(company: Company) -> None:
    """Delete a visitor company with every row kept for it, here and in the portal."""
    email, user_id = company.email, company.user_id
    with transaction.atomic():
        delete_company(company)
        Mail.objects.filter(to__iexact=email).delete()
        JournalEntry.objects.filter(company_email__iexact=email).delete()
        portal_demo.company_ended.send(sender=Company, user_id=user_id, email=email)


def expire_visitors(now: datetime | None = None) -> int:
    """End every visitor company past its time; how many were ended."""
    expired = list(Company.objects.filter(demo_expires__lte=now or timezone.now()))
    for company in expired:
        end_company(company)
    return len(expired)
