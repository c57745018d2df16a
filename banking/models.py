"""What the portal itself remembers beside the bank: payments on their way, notifications seen.

A `PendingPayment` holds what the customer reviewed, under a one-time `key`,
for the company's `user_id` (not the browser session: it survives signing in
again). Its `state` only moves by compare-and-set (`advance`), an
`UPDATE … WHERE state = …` that one request wins: two tabs, a double click,
back-and-resubmit or a retry can never call `iban_sendmoney` or
`iban_confirmotp` twice for the same payment, and amount and payee cannot
change between the review and the code.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How long the portal keeps a payment it no longer needs: a draft never sent, and
# any payment at all (its review page, "Pay again" and the exactly-once guard); the
# bank keeps the transfer itself for ever.
KEEP_DRAFTS = timedelta(days=7)
KEEP_PAYMENTS = timedelta(days=90)


def new_key() -> str:
    return secrets.token_urlsafe(18)


class PendingPayment(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("To review")
        SENDING = "sending", _("Sending")
        AWAITING_OTP = "awaiting_otp", _("Waiting for the code")
        CONFIRMING = "confirming", _("Confirming")
        DONE = "done", _("Sent")
        FAILED = "failed", _("Not sent")
        UNCERTAIN = "uncertain", _("Unknown outcome")

    key = models.CharField(max_length=40, unique=True, default=new_key)
    user_id = models.CharField(max_length=64, db_index=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    # What the customer reviewed; written once, when the draft is created.
    iban_id = models.CharField(max_length=64)
    iban = models.CharField(max_length=34)
    iban_label = models.CharField(max_length=100, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    beneficiaries_id = models.CharField(max_length=64)
    payee_name = models.CharField(max_length=200)
    payee_iban = models.CharField(max_length=34)
    payee_bic = models.CharField(max_length=11, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    fee = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    payment_option = models.CharField(max_length=20)
    reason_payment = models.CharField(max_length=140)
    # What the bank said.
    unique_id = models.CharField(max_length=64, blank=True, db_index=True)
    otp_attempts = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created"]

    @property
    def total(self) -> Any:
        return self.amount + (self.fee or 0)

    @property
    def is_instant(self) -> bool:
        return self.payment_option == "sepa_instant"

    @classmethod
    def purge_old(cls, now: datetime | None = None) -> int:
        """Delete drafts untouched for KEEP_DRAFTS and payments for KEEP_PAYMENTS."""
        now = now or timezone.now()
        old = models.Q(updated__lt=now - KEEP_PAYMENTS) | models.Q(
            state=cls.State.DRAFT, updated__lt=now - KEEP_DRAFTS
        )
        deleted, _ = cls.objects.filter(old).delete()
        return deleted

    def advance(self, from_state: str, to_state: str, **changes: Any) -> bool:
        """Move from `from_state` to `to_state` if nobody else did first; True when we won."""
        changes = {"state": to_state, "updated": timezone.now(), **changes}
        won = PendingPayment.objects.filter(pk=self.pk, state=from_state).update(**changes) == 1
        if won:
            for name, value in changes.items():
                setattr(self, name, value)
        else:
            self.refresh_from_db()
        return won


class SeenNotification(models.Model):
    """A notification the company has seen on /notifications/.

    The API's `notification` list has no read flag, so the portal remembers
    which ids each company (its `user_id`) has seen, across sign-ins: that is
    what makes the navigation's unread badge mean something.
    """

    user_id = models.CharField(max_length=64)
    notification_id = models.CharField(max_length=64)
    seen = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user_id", "notification_id"], name="seen_notification_once"
            )
        ]
