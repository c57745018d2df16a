"""Profile, IBANs, beneficiaries, transactions, the dashboard, notifications and cards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

from codego.types.kyc import CompanyProfile, Director
from codego.types.parsing import (
    ZERO,
    first_present,
    parse_rows,
    to_bool,
    to_date,
    to_datetime,
    to_decimal,
    to_dict,
    to_int,
    to_str,
)
from codego.types.reference import Plan


@dataclass(frozen=True)
class ProfileUser:
    company_name: str = ""
    email: str = ""
    phone_number: str = ""
    country_of_residence: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            company_name=to_str(data.get("company_name")),
            email=to_str(data.get("email")),
            phone_number=to_str(data.get("phone_number")),
            country_of_residence=to_str(data.get("country_of_residence")),
        )


@dataclass(frozen=True)
class Profile:
    """profile_details (its example has no `status`)."""

    user: ProfileUser = field(default_factory=ProfileUser)
    company: CompanyProfile = field(default_factory=CompanyProfile)
    director: Director | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            user=ProfileUser.from_api(to_dict(data.get("user"))),
            company=CompanyProfile.from_api(to_dict(data.get("company"))),
            director=Director.maybe(data.get("director")),
        )


@dataclass(frozen=True)
class Iban:
    iban_id: str
    label: str = ""
    currency: str = "EUR"
    balance: Decimal = ZERO
    iban: str = ""
    bic: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            iban_id=to_str(first_present(data, "iban_id", "id")),
            label=to_str(data.get("label")),
            currency=to_str(data.get("currency"), "EUR") or "EUR",
            balance=to_decimal(data.get("balance")),
            iban=to_str(data.get("iban")),
            bic=to_str(data.get("bic")),
        )

    @classmethod
    def list_from_api(cls, data: Mapping[str, Any]) -> list[Self]:
        return list(parse_rows(cls, data.get("ibans")))


@dataclass(frozen=True)
class Beneficiary:
    beneficiaries_id: str
    name: str = ""
    email: str = ""
    iban: str = ""
    bic: str = ""
    image: str = ""
    account_type: str = ""
    date: datetime | None = None
    risklevel: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            beneficiaries_id=to_str(first_present(data, "beneficiaries_id", "id")),
            name=to_str(data.get("name")),
            email=to_str(data.get("email")),
            iban=to_str(first_present(data, "iban", "account")),
            bic=to_str(data.get("bic")),
            image=to_str(data.get("image")),
            account_type=to_str(first_present(data, "account_type", "type")),
            date=to_datetime(data.get("date")),
            risklevel=to_str(data.get("risklevel")),
        )

    @classmethod
    def list_from_api(cls, data: Mapping[str, Any]) -> list[Self]:
        return list(parse_rows(cls, first_present(data, "beneficiary", "beneficiaries")))


def _transaction_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "unique_id": to_str(data.get("unique_id")),
        "trx_id": to_str(data.get("trx_id")),
        "transaction_id": to_str(data.get("transaction_id")),
        "type": to_str(data.get("type")).lower(),
        "sign": to_str(data.get("sign")),
        "amount": to_decimal(data.get("amount")),
        "fees": to_decimal(data.get("fees")),
        "currency": to_str(data.get("currency"), "EUR").upper() or "EUR",
        "status": to_str(data.get("status")),
        "description": to_str(data.get("description")),
        "beneficiary_name": to_str(data.get("beneficiary_name")),
        "reason_payment": to_str(data.get("reason_payment")),
        "username": to_str(data.get("username")),
        "label": to_str(data.get("label")),
        # Not in the reference's row; the account's IBAN when the bank sends it.
        "iban": to_str(data.get("iban")),
        "created": to_datetime(first_present(data, "created", "transaction_date")),
        "is_upload_document": to_int(data.get("is_upload_document")),
    }


@dataclass(frozen=True)
class Transaction:
    """A dashboard or iban_transaction row. `created` is `created` or `transaction_date`.

    is_upload_document 1 means the bank wants a document for it (iban_uploadtrxdoc).
    """

    unique_id: str = ""
    trx_id: str = ""
    transaction_id: str = ""
    type: str = ""
    sign: str = ""
    amount: Decimal = ZERO
    fees: Decimal = ZERO
    currency: str = "EUR"
    status: str = ""
    description: str = ""
    beneficiary_name: str = ""
    reason_payment: str = ""
    username: str = ""
    label: str = ""
    iban: str = ""
    created: datetime | None = None
    is_upload_document: int = 0

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(**_transaction_fields(data))

    @property
    def needs_document(self) -> bool:
        return self.is_upload_document == 1

    @property
    def is_debit(self) -> bool:
        return self.type == "debit" or self.sign == "db"


@dataclass(frozen=True)
class TransactionDetail(Transaction):
    """iban_transaction_detail `trx`."""

    biometric_approval: bool = False
    # Not in the reference's example; kept when the bank sends them.
    counterparty_iban: str = ""
    payment_option: str = ""
    failure_reason: str = ""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        trx = to_dict(data.get("trx")) if "trx" in data else dict(data)
        return cls(
            **_transaction_fields(trx),
            biometric_approval=to_bool(trx.get("biometric_approval")),
            counterparty_iban=to_str(trx.get("counterparty_iban")),
            payment_option=to_str(trx.get("payment_option")),
            failure_reason=to_str(trx.get("failure_reason")),
        )


@dataclass(frozen=True)
class TransactionPage:
    """iban_transaction: one page, parsed as sent (the doc's example has
    page_number 3 of total_page 2; nothing is clamped)."""

    page_number: int = 1
    per_page: int = 0
    num_rows: int = 0
    total_page: int = 0
    rows: tuple[Transaction, ...] = ()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            page_number=to_int(first_present(data, "page_number", "page"), 1),
            per_page=to_int(data.get("per_page")),
            num_rows=to_int(data.get("num_rows")),
            total_page=to_int(data.get("total_page")),
            rows=parse_rows(Transaction, first_present(data, "trx", "transactions")),
        )


@dataclass(frozen=True)
class UserPlan:
    plan_name: str = ""
    no_vc: int = 0
    no_plastic_card: int = 0
    no_vpc: int = 0

    @classmethod
    def maybe(cls, value: Any) -> Self | None:
        data = to_dict(value)
        if not data:
            return None
        return cls(
            plan_name=to_str(data.get("plan_name")),
            no_vc=to_int(data.get("no_vc")),
            no_plastic_card=to_int(data.get("no_plastic_card")),
            no_vpc=to_int(data.get("no_vpc")),
        )


@dataclass(frozen=True)
class Dashboard:
    beneficiaries: tuple[Beneficiary, ...] = ()
    ibans: tuple[Iban, ...] = ()
    portfolio: Decimal = ZERO
    user_plan: UserPlan | None = None
    transactions: tuple[Transaction, ...] = ()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            beneficiaries=parse_rows(Beneficiary, data.get("beneficiaries")),
            ibans=parse_rows(Iban, data.get("ibans")),
            # The doc spells it "protFolio".
            portfolio=to_decimal(first_present(data, "protFolio", "portfolio", "portFolio")),
            user_plan=UserPlan.maybe(data.get("userplan")),
            transactions=parse_rows(Transaction, data.get("transactions")),
        )


@dataclass(frozen=True)
class Notification:
    id: str
    title: str = ""
    description: str = ""
    date: date | None = None  # "DD-MM-YYYY"; "00-00-0000" is None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            id=to_str(data.get("id")),
            title=to_str(data.get("title")),
            description=to_str(data.get("description")),
            date=to_date(data.get("date")),
        )

    @classmethod
    def list_from_api(cls, data: Mapping[str, Any]) -> list[Self]:
        return list(parse_rows(cls, data.get("notifications")))


@dataclass(frozen=True)
class Card:
    card_id: str
    card_number: str = ""
    expiry_date: str = ""
    card_status: str = ""
    card_lock: str = ""
    card_image: str = ""
    last_30_days: Decimal = ZERO
    available: Decimal = ZERO
    limit_spent: Decimal = ZERO
    todayspent: Decimal = ZERO

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            card_id=to_str(data.get("card_id")),
            card_number=to_str(data.get("card_number")),
            expiry_date=to_str(data.get("expiry_date")),
            card_status=to_str(data.get("card_status")),
            card_lock=to_str(data.get("card_lock")),
            card_image=to_str(data.get("card_image")),
            last_30_days=to_decimal(data.get("last_30_days")),
            available=to_decimal(data.get("available")),
            limit_spent=to_decimal(data.get("limit_spent")),
            todayspent=to_decimal(data.get("todayspent")),
        )

    @property
    def locked(self) -> bool:
        return to_str(self.card_lock).lower() == "lock"


@dataclass(frozen=True)
class SelectedPlan:
    """getSelectPlan: the doc's example is a `cardList`; a `plan` object is optional."""

    cards: tuple[Card, ...] = ()
    plan: Plan | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        plan = to_dict(first_present(data, "plan", "selected_plan", "userplan"))
        return cls(
            cards=parse_rows(Card, first_present(data, "cardList", "cardlist", "cards")),
            plan=Plan.from_api(plan) if plan else None,
        )
