"""Reference data the simulated bank serves: countries, lists, plans, coins, brand."""

from __future__ import annotations

from decimal import Decimal

# ISO code | name | phone code | ISO numeric | risk level (1 high .. 3 low) | in Europe
_COUNTRIES = """
AL|Albania|355|008|1|1
DZ|Algeria|213|012|1|0
AS|American Samoa|1684|016|1|0
AD|Andorra|376|020|2|1
AO|Angola|244|024|1|0
AI|Anguilla|1264|660|2|0
AG|Antigua and Barbuda|1268|028|2|0
AR|Argentina|54|032|2|0
AU|Australia|61|036|3|0
AT|Austria|43|040|3|1
BE|Belgium|32|056|3|1
BR|Brazil|55|076|2|0
BG|Bulgaria|359|100|3|1
CA|Canada|1|124|3|0
CN|China|86|156|2|0
HR|Croatia|385|191|3|1
CY|Cyprus|357|196|3|1
CZ|Czechia|420|203|3|1
DK|Denmark|45|208|3|1
EG|Egypt|20|818|1|0
EE|Estonia|372|233|3|1
FI|Finland|358|246|3|1
FR|France|33|250|3|1
DE|Germany|49|276|3|1
GI|Gibraltar|350|292|2|1
GR|Greece|30|300|3|1
HK|Hong Kong|852|344|2|0
HU|Hungary|36|348|3|1
IS|Iceland|354|352|3|1
IN|India|91|356|2|0
IE|Ireland|353|372|3|1
IL|Israel|972|376|2|0
IT|Italy|39|380|3|1
JP|Japan|81|392|3|0
KE|Kenya|254|404|1|0
LV|Latvia|371|428|3|1
LI|Liechtenstein|423|438|3|1
LT|Lithuania|370|440|3|1
LU|Luxembourg|352|442|3|1
MT|Malta|356|470|3|1
MX|Mexico|52|484|2|0
MC|Monaco|377|492|2|1
MA|Morocco|212|504|1|0
NL|Netherlands|31|528|3|1
NZ|New Zealand|64|554|3|0
NG|Nigeria|234|566|1|0
NO|Norway|47|578|3|1
PK|Pakistan|92|586|1|0
PL|Poland|48|616|3|1
PT|Portugal|351|620|3|1
RO|Romania|40|642|3|1
SM|San Marino|378|674|2|1
SA|Saudi Arabia|966|682|2|0
RS|Serbia|381|688|2|1
SG|Singapore|65|702|2|0
SK|Slovakia|421|703|3|1
SI|Slovenia|386|705|3|1
ZA|South Africa|27|710|2|0
ES|Spain|34|724|3|1
SE|Sweden|46|752|3|1
CH|Switzerland|41|756|3|1
TR|Turkey|90|792|2|0
UA|Ukraine|380|804|1|1
AE|United Arab Emirates|971|784|2|0
GB|United Kingdom|44|826|3|1
US|United States|1|840|3|0
"""


def _countries() -> list[dict[str, str]]:
    rows = []
    for number, line in enumerate(_COUNTRIES.strip().splitlines(), start=1):
        code, name, phone, numeric, risk, europe = line.split("|")
        rows.append(
            {
                "id": str(number),
                "country_code": code,
                "country_name": name,
                "phonecode": phone,
                "iso3": numeric,  # the reference fills "iso3" with the numeric code
                "risk_level": risk,
                "europe_country": europe,
            }
        )
    return rows


COUNTRIES: list[dict[str, str]] = _countries()
COUNTRIES_BY_ID: dict[str, dict[str, str]] = {c["id"]: c for c in COUNTRIES}


def country_id(code: str) -> str:
    """The id the simulator gives the country with ISO code `code`."""
    return next(c["id"] for c in COUNTRIES if c["country_code"] == code)


INDUSTRIES = [
    "Agriculture",
    "Building and territory maintenance",
    "Consulting",
    "E-commerce",
    "Education",
    "Financial services",
    "Food and beverage",
    "Healthcare",
    "Hospitality",
    "Logistics",
    "Manufacturing",
    "Real estate",
    "Retail",
    "Software",
    "Telecommunications",
]

COMPANY_SIZES = [
    {"id": 1, "name": "Small", "hardvalue": None},
    {"id": 2, "name": "Medium", "hardvalue": None},
    {"id": 3, "name": "Large", "hardvalue": None},
]

LEGAL_FORMS = [
    {"id": 1, "name": "Individual enterprise", "hardvalue": None},
    {"id": 2, "name": "Private limited liability company", "hardvalue": None},
    {"id": 3, "name": "Small partnership", "hardvalue": None},
    {"id": 4, "name": "Solo Trader", "hardvalue": "solo_trader"},
]

ROLES = {
    "director": "Board Member(Director)",
    "owner": "Shareholder(Owner)",
    "owner and director": "Board Member and Shareholder",
}

SOURCE_OF_FUNDS = ["salary", "self employement", "Asset / Investing /Trading / Dividends"]

# Plans of each risk group, as in the getPlan example (fees are EUR and percent).
PLANS: list[dict[str, object]] = [
    {
        "plan_name": "Basic Plan Low Risk",
        "risk": "low",
        "eur_plan_price": Decimal("0.00"),
        "sepa_out_fee": Decimal("1.00"),
        "sepa_in_fee": Decimal("1.00"),
        "sepa_instant_out_fee": Decimal("2.00"),
        "sepa_instant_in_fee": Decimal("0.25"),
        "sepa_out_fee_percentage": Decimal("0.00"),
        "sepa_in_fee_percentage": Decimal("0.00"),
        "sepa_instant_out_fee_percentage": Decimal("0.00"),
        "sepa_instant_in_fee_percentage": Decimal("0.00"),
        "monthly_account": Decimal("0.30"),
        "no_vc": 2,
        "no_plastic_card": 1,
        "no_vpc": 0,
    },
    {
        "plan_name": "IBAN MR",
        "risk": "medium",
        "eur_plan_price": Decimal("900.00"),
        "sepa_out_fee": Decimal("1.00"),
        "sepa_in_fee": Decimal("0.25"),
        "sepa_instant_out_fee": Decimal("2.00"),
        "sepa_instant_in_fee": Decimal("1.00"),
        "sepa_out_fee_percentage": Decimal("0.30"),
        "sepa_in_fee_percentage": Decimal("0.30"),
        "sepa_instant_out_fee_percentage": Decimal("0.30"),
        "sepa_instant_in_fee_percentage": Decimal("0.30"),
        "monthly_account": Decimal("0.30"),
        "no_vc": 5,
        "no_plastic_card": 2,
        "no_vpc": 1,
    },
    {
        "plan_name": "IBAN HR",
        "risk": "high",
        "eur_plan_price": Decimal("1800.00"),
        "sepa_out_fee": Decimal("0.50"),
        "sepa_in_fee": Decimal("0.50"),
        "sepa_instant_out_fee": Decimal("0.50"),
        "sepa_instant_in_fee": Decimal("0.50"),
        "sepa_out_fee_percentage": Decimal("0.50"),
        "sepa_in_fee_percentage": Decimal("0.50"),
        "sepa_instant_out_fee_percentage": Decimal("0.50"),
        "sepa_instant_in_fee_percentage": Decimal("0.50"),
        "monthly_account": Decimal("0.25"),
        "no_vc": 10,
        "no_plastic_card": 5,
        "no_vpc": 2,
    },
]

# risk_level of a country -> plan group (getPlan note: 1 high, 2 medium, 3 low)
RISK_LEVEL_TO_PLAN = {"1": "high", "2": "medium", "3": "low"}

POS_PLAN = {"plan_name": "Paid Plan", "monthly_fee": "5.00", "card_trx_fee": "1.49"}

_IMG = "/static/sandbox/coins/"

# Coins of the crypto module, with prices in EUR and USD and deposit networks.
COINS: dict[str, dict[str, object]] = {
    "usdt": {
        "currency_id": "5",
        "title": "Tether",
        "coin_type": "token",
        "tokenof": "eth",
        "cmc_rank": "3",
        "decimal_digit": "6",
        "eur_price": Decimal("0.89080000"),
        "usd_price": Decimal("1.00010000"),
        "usd_percent_change_24h": "0.04",
        "official_link": "https://tether.to/en/",
        "explorer": "https://etherscan.io",
        "networks": ["erc-20", "trc-20"],
    },
    "btc": {
        "currency_id": "1",
        "title": "Bitcoin",
        "coin_type": "coin",
        "tokenof": "",
        "cmc_rank": "1",
        "decimal_digit": "8",
        "eur_price": Decimal("58420.15000000"),
        "usd_price": Decimal("65612.40000000"),
        "usd_percent_change_24h": "1.87",
        "official_link": "https://bitcoin.org/",
        "explorer": "https://www.blockchain.com/explorer",
        "networks": ["bitcoin"],
    },
    "eth": {
        "currency_id": "2",
        "title": "Ethereum",
        "coin_type": "coin",
        "tokenof": "",
        "cmc_rank": "2",
        "decimal_digit": "8",
        "eur_price": Decimal("2861.40000000"),
        "usd_price": Decimal("3213.75000000"),
        "usd_percent_change_24h": "-0.62",
        "official_link": "https://ethereum.org/",
        "explorer": "https://etherscan.io",
        "networks": ["erc-20"],
    },
    "usdc": {
        "currency_id": "6",
        "title": "USD Coin",
        "coin_type": "token",
        "tokenof": "eth",
        "cmc_rank": "6",
        "decimal_digit": "6",
        "eur_price": Decimal("0.89050000"),
        "usd_price": Decimal("1.00000000"),
        "usd_percent_change_24h": "0.01",
        "official_link": "https://www.circle.com/usdc",
        "explorer": "https://etherscan.io",
        "networks": ["erc-20", "polygon"],
    },
}


def coin_image(symbol: str) -> str:
    return f"{_IMG}{symbol}.svg"


# configSetting of the demo whitelabel; every brand detail the portal shows.
BRAND = {
    "site_name": "Codego Business",
    "site_shortname": "Codego",
    "site_email": "support@sandbox.example",
    "site_color": "#0b5cad",
    "contact_email": "hello@sandbox.example",
    "email": "support@sandbox.example",
    "logo": "/static/sandbox/brand/logo.svg",
    "site_favicon": "/static/sandbox/brand/favicon.svg",
    "copy_right_text": "© Codego Business sandbox. Demo data only.",
    "facebooklink": None,
    "twitterlink": None,
    "googlelink": None,
    "youtube": None,
    "instagram": None,
    "linkdin": "https://www.linkedin.com/",
    "address": "Rue de la Loi 1, 1000 Brussels",
    "phone": "+32 2 000 00 00",
    "dark_logo": "/static/sandbox/brand/logo-dark.svg",
    "support_link": "https://support.sandbox.example/",
    "tc_link": "https://sandbox.example/terms",
    "privacy_link": "https://sandbox.example/privacy",
    "android_app_link": "",
    "ios_app_link": "",
    "google_captcha_client": None,
    "google_captcha_secret": None,
    "contact_url": "https://sandbox.example/contact",
}
