"""State of the simulated bank.

Everything the simulator answers is read from and written to these tables, so
the sandbox behaves like a bank (and survives a restart) instead of replaying
canned replies. Status codes follow the API reference notes of
`getCompanyStatus`, `getCompanyDocumentStatus` and `uploadadditionaldoc`.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_unique_id(length: int = 50) -> str:
    """A lowercase alphanumeric id like the ones in the reference examples."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


class Company(models.Model):
    """One business customer: the login user and its company profile."""

    class Step(models.IntegerChoices):
        # company_status / document_status (getCompanyStatus note)
        TO_DO = 0, _("to do")
        PENDING = 1, _("awaiting verification")
        VERIFIED = 2, _("verified")
        REJECTED = 3, _("rejected")

    whitelabel_id = models.CharField(max_length=100)
    email = models.EmailField(unique=True)
    company_name = models.CharField(max_length=200)
    signup_id = models.CharField(max_length=60, unique=True, default=new_unique_id)
    company_unique_id = models.CharField(max_length=60, unique=True, default=new_unique_id)
    password_hash = models.CharField(max_length=200, blank=True)
    email_verified = models.BooleanField(default=False)
    signup_attempts = models.PositiveSmallIntegerField(default=0)
    is_live = models.BooleanField(default=False)
    phone_number = models.CharField(max_length=40, blank=True)

    # The fields of updatecompanydetails as last submitted (strings, as sent).
    profile = models.JSONField(default=dict, blank=True)
    company_status = models.PositiveSmallIntegerField(choices=Step.choices, default=Step.TO_DO)
    reject_reason = models.CharField(max_length=500, blank=True)
    document_status = models.PositiveSmallIntegerField(choices=Step.choices, default=Step.TO_DO)
    director_status = models.PositiveSmallIntegerField(choices=Step.choices, default=Step.TO_DO)
    plan = models.ForeignKey("Plan", null=True, blank=True, on_delete=models.SET_NULL)
    # A public demo visitor's own company (sandbox.visitors): deleted at this moment.
    demo_expires = models.DateTimeField(null=True, blank=True, db_index=True)

    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return f"{self.company_name} <{self.email}>"

    @property
    def user_id(self) -> str:
        return str(self.pk)


class Otp(models.Model):
    """A one-time password sent by email, 6 digits, valid 10 minutes."""

    class Purpose(models.TextChoices):
        SIGNUP = "signup"
        LOGIN = "login"
        PAYMENT = "payment"
        RESET = "reset"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="otps")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    reference = models.CharField(max_length=60, db_index=True)
    code = models.CharField(max_length=6)
    attempts = models.PositiveSmallIntegerField(default=0)
    used = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()


class WebToken(models.Model):
    """A `web_token`; it lapses when `updateUserLive` is not called in time."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="tokens")
    token = models.CharField(max_length=80, unique=True)
    created = models.DateTimeField(default=timezone.now)
    last_live = models.DateTimeField(default=timezone.now)
    revoked = models.BooleanField(default=False)


class StoredFile(models.Model):
    """An uploaded file, kept with its name, type and size."""

    key = models.CharField(max_length=60, unique=True, default=new_unique_id)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    created = models.DateTimeField(default=timezone.now)


class CompanyDocument(models.Model):
    """One of the three company documents; status 0 review, 1 verified, 2 rejected."""

    class Kind(models.TextChoices):
        # Keys of `company_document` in getCompanyDocumentStatus.
        BUSINESS_REGISTRATION = "business_registration", _("Business registration")
        OWNERSHIP = "Ownership", _("Ownership")
        FINANCIAL = "financial", _("Financial")

    class Status(models.IntegerChoices):
        REVIEW = 0, _("under verification")
        VERIFIED = 1, _("verified")
        REJECTED = 2, _("rejected")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    status = models.PositiveSmallIntegerField(choices=Status.choices, default=Status.REVIEW)
    rejection_reason = models.CharField(max_length=500, blank=True)
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "kind"], name="one_document_per_kind")
        ]


class Director(models.Model):
    """The company director whose KYC the bank checks."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="director")
    unique_id = models.CharField(max_length=60, default=new_unique_id)
    kyc_id = models.CharField(max_length=60, default=new_unique_id)
    role = models.CharField(max_length=50)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    dob = models.CharField(max_length=10, blank=True)
    country = models.CharField(max_length=10)
    address_country = models.CharField(max_length=10)
    address = models.CharField(max_length=255)
    city = models.CharField(max_length=100)
    zipcode = models.CharField(max_length=20)
    gender = models.CharField(max_length=10)
    mobile = models.CharField(max_length=40, blank=True)
    reject_reason = models.CharField(max_length=500, blank=True)
    # When the KYC link last went out; `resend` turns 2 some time after it.
    link_sent = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)


class AdditionalDocument(models.Model):
    """A document compliance asked for; status 0 to upload, 1 review, 2 ok, 3 rejected."""

    class Status(models.IntegerChoices):
        REQUESTED = 0, _("to upload")
        REVIEW = 1, _("under verification")
        VERIFIED = 2, _("verified")
        REJECTED = 3, _("rejected")

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="additional_documents"
    )
    unique_id = models.CharField(max_length=60, unique=True, default=new_unique_id)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.PositiveSmallIntegerField(choices=Status.choices, default=Status.REQUESTED)
    rejection_reason = models.CharField(max_length=500, blank=True)
    file = models.ForeignKey(StoredFile, null=True, blank=True, on_delete=models.PROTECT)
    created = models.DateTimeField(default=timezone.now)


class Plan(models.Model):
    """A business plan of one risk group, with its fees (getPlan)."""

    class Risk(models.TextChoices):
        LOW = "low"
        MEDIUM = "medium"
        HIGH = "high"

    unique_id = models.CharField(max_length=60, unique=True, default=new_unique_id)
    tag = models.CharField(max_length=30, default="")
    plan_name = models.CharField(max_length=100)
    risk = models.CharField(max_length=10, choices=Risk.choices)
    eur_plan_price = models.DecimalField(max_digits=12, decimal_places=2)
    description = models.TextField(blank=True)
    features = models.TextField(blank=True)
    sepa_out_fee = models.DecimalField(max_digits=12, decimal_places=2)
    sepa_in_fee = models.DecimalField(max_digits=12, decimal_places=2)
    sepa_instant_out_fee = models.DecimalField(max_digits=12, decimal_places=2)
    sepa_instant_in_fee = models.DecimalField(max_digits=12, decimal_places=2)
    sepa_out_fee_percentage = models.DecimalField(max_digits=6, decimal_places=2)
    sepa_in_fee_percentage = models.DecimalField(max_digits=6, decimal_places=2)
    sepa_instant_out_fee_percentage = models.DecimalField(max_digits=6, decimal_places=2)
    sepa_instant_in_fee_percentage = models.DecimalField(max_digits=6, decimal_places=2)
    monthly_account = models.DecimalField(max_digits=12, decimal_places=2)
    no_vc = models.PositiveIntegerField(default=0)
    no_plastic_card = models.PositiveIntegerField(default=0)
    no_vpc = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.plan_name

    def fee(self, amount: Decimal, *, instant: bool, outbound: bool) -> Decimal:
        """Fixed fee plus percentage of the amount, rounded to cents."""
        prefix = "sepa_instant" if instant else "sepa"
        direction = "out" if outbound else "in"
        fixed = getattr(self, f"{prefix}_{direction}_fee")
        percent = getattr(self, f"{prefix}_{direction}_fee_percentage")
        return (fixed + amount * percent / Decimal(100)).quantize(Decimal("0.01"))


class PlanProposal(models.Model):
    """A plan offered by email; the link carries `unique_id` (ibanacceptrejectplan)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("declined or lapsed")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="proposals")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT)
    unique_id = models.CharField(max_length=60, unique=True, default=new_unique_id)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created = models.DateTimeField(default=timezone.now)


class Iban(models.Model):
    """An EUR account with a checksummed IBAN and a balance."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="ibans")
    label = models.CharField(max_length=100)
    iban = models.CharField(max_length=34, unique=True)
    bic = models.CharField(max_length=11)
    currency = models.CharField(max_length=3, default="EUR")
    balance = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    created = models.DateTimeField(default=timezone.now)


class Beneficiary(models.Model):
    """A saved payee; deleting hides it but keeps past transfers readable."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="beneficiaries")
    account_type = models.CharField(max_length=20, default="sepa")
    type = models.CharField(max_length=20)  # personal | business
    iban = models.CharField(max_length=34)
    bic = models.CharField(max_length=11, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    company_name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    image = models.ForeignKey(StoredFile, null=True, blank=True, on_delete=models.SET_NULL)
    risklevel = models.CharField(max_length=10, default="low")
    deleted = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)

    @property
    def name(self) -> str:
        if self.type == "business" and self.company_name:
            return self.company_name
        return f"{self.first_name} {self.last_name}".strip() or self.company_name


class Transaction(models.Model):
    """A movement on an IBAN. Outbound transfers wait for their OTP, then settle."""

    class Status(models.TextChoices):
        AWAITING_OTP = "Awaiting OTP"
        PENDING = "Pending"
        COMPLETED = "Completed"
        FAILED = "Failed"

    class Kind(models.TextChoices):
        DEBIT = "debit"
        CREDIT = "credit"

    iban = models.ForeignKey(Iban, on_delete=models.CASCADE, related_name="transactions")
    beneficiary = models.ForeignKey(Beneficiary, null=True, blank=True, on_delete=models.SET_NULL)
    unique_id = models.CharField(max_length=60, unique=True, default=new_unique_id)
    trx_id = models.CharField(max_length=30, unique=True)
    transaction_id = models.CharField(max_length=20, unique=True)
    type = models.CharField(max_length=6, choices=Kind.choices)
    payment_option = models.CharField(max_length=20, default="sepa")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    fees = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    counterparty_name = models.CharField(max_length=200)
    counterparty_iban = models.CharField(max_length=34, blank=True)
    reason_payment = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=300)
    status = models.CharField(max_length=20, choices=Status.choices)
    failure_reason = models.CharField(max_length=300, blank=True)
    # 0 none, 1 document required, 2 document uploaded (iban_transaction note)
    is_upload_document = models.PositiveSmallIntegerField(default=0)
    document = models.ForeignKey(StoredFile, null=True, blank=True, on_delete=models.SET_NULL)
    biometric_approval = models.CharField(max_length=3, default="No")
    created = models.DateTimeField(default=timezone.now)
    # Since when the bank has all it needs (the OTP, and the document when one is
    # required): SANDBOX_SETTLE_SECONDS later it settles by itself. None for rows
    # the simulator did not confirm (demo history): staff settle those.
    pending_since = models.DateTimeField(null=True, blank=True)
    # Staff marked it to fail when it settles, for this reason; empty: it completes.
    fail_on_settle = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    @property
    def booked(self) -> Decimal:
        """What the transaction did to its IBAN's balance: Pending and Completed are booked.

        A debit took amount + fees; a credit brought amount - fees (inbound fee).
        """
        if self.status not in (self.Status.PENDING, self.Status.COMPLETED):
            return Decimal(0)
        if self.type == self.Kind.DEBIT:
            return -(self.amount + self.fees)
        return self.amount - self.fees


class Notification(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(max_length=200)
    description = models.TextField()
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]


class CryptoBalance(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="crypto")
    coin = models.CharField(max_length=10)
    balance = models.DecimalField(max_digits=24, decimal_places=8, default=Decimal("0"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "coin"], name="one_per_coin")]


class CryptoTransaction(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="crypto_transactions"
    )
    coin = models.CharField(max_length=10)
    type = models.CharField(max_length=20)  # Deposit | Withdraw
    network = models.CharField(max_length=20, blank=True)
    transaction_id = models.CharField(max_length=40, unique=True)
    hash = models.CharField(max_length=80, blank=True)
    amount = models.DecimalField(max_digits=24, decimal_places=8)
    fees = models.DecimalField(max_digits=24, decimal_places=8, default=Decimal("0"))
    status = models.CharField(max_length=20, default="Completed")
    description = models.CharField(max_length=300)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]


class Mail(models.Model):
    """Every email the bank would send, for the mailbox page and tests."""

    to = models.EmailField(db_index=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    kind = models.CharField(max_length=30)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]


class Fault(models.Model):
    """A fault injected for one endpoint ("*" for all) from the console or command."""

    endpoint = models.CharField(max_length=60, unique=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    timeout = models.BooleanField(default=False)
    garbage = models.BooleanField(default=False)
    latency_ms = models.PositiveIntegerField(default=0)
    error_rate = models.FloatField(default=1.0)  # share of calls that fail
    # A business answer in an HTTP 200: `status` 0 (a refusal with `message`) or -1
    # (the newer reference's "token expired / credentials invalid").
    answer_status = models.SmallIntegerField(null=True, blank=True)
    message = models.CharField(max_length=200, blank=True)


class JournalEntry(models.Model):
    """One call the simulator answered; no request or response body is kept."""

    created = models.DateTimeField(default=timezone.now, db_index=True)
    endpoint = models.CharField(max_length=60)
    company_email = models.CharField(max_length=254, blank=True)
    http_status = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=200)
    milliseconds = models.PositiveIntegerField()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name_plural = "journal entries"
