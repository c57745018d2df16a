"""Typed answers of the Codego API, one module per area of the API.

Every type is a frozen dataclass with `from_api(data)`, which absorbs the
quirks of the API reference (`parsing` holds how the API spells values). Money
is always `Decimal`, never `float`. Ids stay strings.

Each `CodegoClient` method turns the whole JSON body of its endpoint into its
declared type. Callers import this package (`from codego import types as t`);
the modules are where the types live:

- `common`: what the client sends (`Credentials`, `Upload`) and generic answers
- `states`: the bank's states as enums
- `parsing`: the helpers that read the API's values (imported from there)
- `reference`: the brand and the reference lists, plans
- `auth`: sign-up, sign-in, password reset
- `kyc`: the company, its documents and director
- `banking`: profile, IBANs, beneficiaries, transactions, dashboard, cards
- `crypto`: wallets and their transactions
"""

from __future__ import annotations

from codego.types.auth import (
    LoginStarted,
    PasswordResetStarted,
    SignedIn,
    SignupStarted,
)
from codego.types.banking import (
    Beneficiary,
    Card,
    Dashboard,
    Iban,
    Notification,
    Profile,
    ProfileUser,
    SelectedPlan,
    Transaction,
    TransactionDetail,
    TransactionPage,
    UserPlan,
)
from codego.types.common import (
    Credentials,
    Message,
    TransferStarted,
    Upload,
)
from codego.types.crypto import (
    CoinBalance,
    CoinWallet,
    CryptoOverview,
    CryptoTransaction,
)
from codego.types.kyc import (
    DOCUMENT_KINDS,
    AdditionalDocument,
    CompanyDocumentStatus,
    CompanyProfile,
    CompanyStatus,
    Director,
    DocumentStatus,
)
from codego.types.reference import (
    RISK_LEVEL_PLANS,
    Brand,
    Config,
    Country,
    Industry,
    Option,
    PhoneCode,
    Plan,
    PlanCatalogue,
    PlanCountry,
    PosPlan,
    Role,
    source_funds_from_api,
)
from codego.types.states import (
    DocumentState,
    StepState,
)

__all__ = [
    "DOCUMENT_KINDS",
    "RISK_LEVEL_PLANS",
    "AdditionalDocument",
    "Beneficiary",
    "Brand",
    "Card",
    "CoinBalance",
    "CoinWallet",
    "CompanyDocumentStatus",
    "CompanyProfile",
    "CompanyStatus",
    "Config",
    "Country",
    "Credentials",
    "CryptoOverview",
    "CryptoTransaction",
    "Dashboard",
    "Director",
    "DocumentState",
    "DocumentStatus",
    "Iban",
    "Industry",
    "LoginStarted",
    "Message",
    "Notification",
    "Option",
    "PasswordResetStarted",
    "PhoneCode",
    "Plan",
    "PlanCatalogue",
    "PlanCountry",
    "PosPlan",
    "Profile",
    "ProfileUser",
    "Role",
    "SelectedPlan",
    "SignedIn",
    "SignupStarted",
    "StepState",
    "Transaction",
    "TransactionDetail",
    "TransactionPage",
    "TransferStarted",
    "Upload",
    "UserPlan",
    "source_funds_from_api",
]
