"""Parsing the API's answers into `codego.types`, quirks included."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from codego import types as t
from codego.types import parsing
from tests.helpers import documented


def test_types_are_frozen():
    message = t.Message.from_api({"status": 1, "message": "ok"})
    with pytest.raises(FrozenInstanceError):
        message.message = "changed"  # type: ignore[misc]


# -- helpers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.00", Decimal("10.00")),
        ("00.00", Decimal("0.00")),
        (10, Decimal("10")),
        (0, Decimal("0")),
        (0.1, Decimal("0.1")),
        ("1,234.50", Decimal("1234.50")),
        ("", Decimal("0")),
        (None, Decimal("0")),
        ("n/a", Decimal("0")),
        ("NaN", Decimal("0")),
    ],
)
def test_to_decimal_reads_strings_and_numbers_without_binary_float(raw, expected):
    assert parsing.to_decimal(raw) == expected
    assert isinstance(parsing.to_decimal(raw), Decimal)


def test_to_decimal_keeps_the_exact_text_of_a_float():
    assert parsing.to_decimal(0.1) + parsing.to_decimal(0.2) == Decimal("0.3")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("37", 37), (37, 37), (" 2 ", 2), ("1.0", 1), ("", 0), (None, 0), ("x", 0), (True, 1)],
)
def test_to_int_reads_counts_and_statuses_sent_as_strings(raw, expected):
    assert parsing.to_int(raw) == expected


def test_to_opt_int_is_none_for_missing_or_empty_values():
    assert parsing.to_opt_int("") is None
    assert parsing.to_opt_int(None) is None
    assert parsing.to_opt_int("3") == 3


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(1, True), ("1", True), (0, False), ("0", False), ("", False), (None, False), ("No", False)],
)
def test_to_bool_reads_zero_one_flags(raw, expected):
    assert parsing.to_bool(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-02-21", date(2023, 2, 21)),
        ("06-12-2023", date(2023, 12, 6)),
        ("17 Jul 2023", date(2023, 7, 17)),
        ("12 may 2024", date(2024, 5, 12)),
        ("2023-11-30 14:41:01", date(2023, 11, 30)),
        ("0000-00-00", None),
        ("00-00-0000", None),
        ("date of birth", None),
        (None, None),
        ("", None),
    ],
)
def test_to_date_reads_every_date_spelling_of_the_doc(raw, expected):
    assert parsing.to_date(raw) == expected


def test_to_datetime_is_aware_in_the_project_time_zone():
    moment = parsing.to_datetime("2024-02-05 14:42:00")
    assert moment == datetime(2024, 2, 5, 14, 42, tzinfo=ZoneInfo(settings.TIME_ZONE))
    assert moment.tzinfo is not None


@pytest.mark.parametrize(
    "raw",
    [
        "2024-02-05 14:42:00",
        "2024-02-05T14:42:07",
        "2024-02-30 10:00:00",  # no such day
        "2024-13-01 10:00:00",
        "2024-02-05 24:00:00",
        "2024-2-5 1:02:03",  # strptime reads single digits
        "2024-02-05 14:42",
        "2024-02-05 14:42:00.5",
        "2024-02-05 14:42:00+01:00",  # an offset is not a format of the API
        "2024-02-05",
        "05-02-2024",
        "\u0662\u0660\u0662\u0664-02-05 14:42:00",  # digits of another script
    ],
)
def test_to_datetime_reads_what_the_strptime_formats_read(raw):
    """The fast path for "YYYY-MM-DD HH:MM:SS" gives what the formats give."""
    zone = ZoneInfo(settings.TIME_ZONE)
    expected = None
    for fmt in (*parsing._DATETIME_FORMATS, *parsing._DATE_FORMATS):
        try:
            expected = datetime.strptime(raw, fmt).replace(tzinfo=zone)
            break
        except ValueError:
            continue
    assert parsing.to_datetime(raw) == expected


def test_to_datetime_of_zero_datetime_is_none():
    assert parsing.to_datetime("0000-00-00 00:00:00") is None
    assert parsing.to_datetime(None) is None


def test_to_list_reads_a_json_string():
    assert parsing.to_list('[{"id":1}]') == [{"id": 1}]
    assert parsing.to_list("not json") == []
    assert parsing.to_list(None) == []


# -- reference data ------------------------------------------------------------------


def test_brand_has_every_config_key_and_the_links_with_nulls_as_empty_text():
    body = documented("configSetting")
    brand = t.Brand.from_api(body)
    assert brand.site_name == "ftx"
    assert brand.contact_email == ""
    assert brand.business_website_url == ""
    for key in body["config"]:
        assert hasattr(brand, key), key


def test_brand_repr_hides_the_captcha_secret():
    brand = t.Brand.from_api({"config": {"google_captcha_secret": "s3cr3t-value"}})
    assert brand.google_captcha_secret == "s3cr3t-value"
    assert "s3cr3t-value" not in repr(brand)


def test_country_flags_are_booleans_and_ids_stay_text():
    (italy,) = t.Country.list_from_api(documented("getCountriesList"))
    assert italy == t.Country(
        id="106", code="IT", name="Italy", phonecode="39", is_iban=True, europe=True, iso3="380"
    )


def test_dropdown_sent_as_a_json_string_becomes_options():
    forms = t.Option.list_from_api(documented("getCompanyLegalFormsList"))
    assert forms[-1] == t.Option(id="4", name="Solo Trader", hardvalue="solo_trader")
    assert forms[0].hardvalue is None


def test_dropdown_sent_as_a_real_list_is_accepted_too():
    sizes = t.Option.list_from_api({"dropdown": [{"id": 1, "name": "Small"}]})
    assert sizes == [t.Option(id="1", name="Small")]


def test_a_broken_dropdown_string_gives_an_empty_list():
    assert t.Option.list_from_api({"dropdown": "[{broken"}) == []


def test_roles_keep_the_key_sent_to_addcompanydirector_and_the_label():
    roles = t.Role.list_from_api(documented("getRole"))
    assert t.Role("director", "Board Member(Director)") in roles


def test_plan_fees_are_decimals():
    catalogue = t.PlanCatalogue.from_api(documented("getPlan"))
    (medium,) = catalogue.medium
    assert medium.eur_plan_price == Decimal("900.00")
    assert medium.sepa_out_fee_percentage == Decimal("0.30")
    assert medium.risk == "medium"


@pytest.mark.parametrize(
    ("level", "plan_name"),
    [(1, "IBAN HR"), ("2", "IBAN MR"), (3, "Basic PLan Low Risk")],
)
def test_country_risk_level_picks_plans_as_the_getplan_note_says(level, plan_name):
    catalogue = t.PlanCatalogue.from_api(documented("getPlan"))
    assert [p.plan_name for p in catalogue.for_risk_level(level)] == [plan_name]


def test_unknown_risk_level_offers_no_plan():
    catalogue = t.PlanCatalogue.from_api(documented("getPlan"))
    assert catalogue.for_risk_level(None) == ()
    assert catalogue.for_risk_level(7) == ()


def test_country_risk_map_gives_the_plans_of_a_country():
    catalogue = t.PlanCatalogue.from_api(documented("getPlan"))
    assert catalogue.country_risk["6"] == 2  # Andorra
    assert catalogue.for_country("6") == catalogue.medium
    assert catalogue.for_country(3) == catalogue.high  # Albania, risk 1


def test_pos_plan_fees_are_decimals():
    assert t.PosPlan.from_api(documented("posPlan")).card_trx_fee == Decimal("1.49")


# -- sign-in ----------------------------------------------------------------------


def test_signed_in_repr_hides_the_token():
    signed = t.SignedIn.from_api({"user_id": "7", "web_token": "tok-very-secret", "is_live": 1})
    assert "tok-very-secret" not in repr(signed)
    assert signed.is_live is True
    assert signed.credentials.web_token == "tok-very-secret"
    assert "tok-very-secret" not in repr(signed.credentials)


def test_signed_in_drops_the_password_of_the_verifyemailotp_answer():
    signed = t.SignedIn.from_api(documented("verifyemailotp"))
    assert "your password" not in repr(signed)
    assert not hasattr(signed, "password")


def test_login_started_is_live_zero_is_false():
    started = t.LoginStarted.from_api(documented("login"))
    assert started.is_live is False
    assert started.company_name == "Company name"  # leading space stripped


# -- company status -------------------------------------------------------------------


def test_company_status_reads_steps_from_user_and_zero_dates_as_none():
    status = t.CompanyStatus.from_api(documented("getCompanyStatus"))
    assert (status.company_status, status.document_status, status.director_status) == (0, 0, 0)
    assert status.resend == 1
    assert status.company.date_of_incorporation is None
    assert status.company.created is None
    assert status.company.spending_amount == Decimal("0.00")
    assert status.company.risk_level is None
    assert status.director_kyc is None
    assert status.additional_documents == ()


@pytest.mark.parametrize(
    "key", ["additonal_documents", "additional_documnet", "additional_documents"]
)
def test_company_status_accepts_every_spelling_of_additional_documents(key):
    body = {
        "status": 1,
        "user": {"company_status": "2", "director_status": "1", "document_status": "2"},
        key: [{"unique_id": "doc1", "title": "Bank letter", "description": "d", "status": "3"}],
        "resend": "2",
    }
    status = t.CompanyStatus.from_api(body)
    (document,) = status.additional_documents
    assert document == t.AdditionalDocument("doc1", "Bank letter", "d", 3)
    assert document.needs_upload
    assert status.can_resend_kyc_link


def test_company_status_steps_at_the_top_level_are_read_too():
    status = t.CompanyStatus.from_api({"company_status": 2, "document_status": "3", "is_live": 1})
    assert (status.company_status, status.document_status, status.is_live) == (2, 3, True)


def test_document_status_gives_each_document_with_its_status():
    docs = t.CompanyDocumentStatus.from_api(documented("getCompanyDocumentStatus"))
    assert docs.document_status == 1
    assert docs.document("ownership") == t.DocumentStatus("ownership", 0, "")
    assert docs.uploaded


def test_document_status_with_an_empty_list_means_nothing_uploaded():
    docs = t.CompanyDocumentStatus.from_api(
        {"status": 1, "company": {"document_status": "0"}, "company_document": []}
    )
    assert docs.documents == ()
    assert docs.document("financial") is None
    assert not docs.uploaded


def test_rejected_document_keeps_its_reason():
    docs = t.CompanyDocumentStatus.from_api(
        {"company_document": {"financial": {"status": "2", "rejection_reason": "Blurry"}}}
    )
    assert docs.document("financial").rejected
    assert docs.document("financial").rejection_reason == "Blurry"


@pytest.mark.parametrize(
    ("raw", "state"),
    [(0, "TO_DO"), ("1", "UNDER_REVIEW"), (2, "VERIFIED"), ("3", "REJECTED"), (7, "TO_DO")],
)
def test_step_states_are_named_and_an_unknown_code_is_still_to_do(raw, state):
    status = t.CompanyStatus.from_api({"user": {"company_status": raw}})
    assert status.company_status is t.StepState[state]
    assert status.company_status == t.StepState[state].value  # still compares as the integer


@pytest.mark.parametrize(
    ("raw", "state"),
    [("0", "UNDER_REVIEW"), (1, "VERIFIED"), ("2", "REJECTED"), ("9", "UNDER_REVIEW")],
)
def test_document_states_are_named_and_an_unknown_code_is_under_review(raw, state):
    docs = t.CompanyDocumentStatus.from_api({"company_document": {"ownership": {"status": raw}}})
    assert docs.document("ownership").status is t.DocumentState[state]


def _status(steps: tuple[int, int, int], *extra: int) -> t.CompanyStatus:
    names = ("company_status", "document_status", "director_status")
    documents = [{"unique_id": f"d{n}", "status": code} for n, code in enumerate(extra)]
    return t.CompanyStatus.from_api(
        {"user": dict(zip(names, steps, strict=True)), "additional_documents": documents}
    )


def test_all_verified_needs_the_three_steps_and_every_additional_document_verified():
    assert _status((2, 2, 2)).all_verified
    assert _status((2, 2, 2), 2, 2).all_verified
    assert not _status((2, 2, 1)).all_verified
    assert not _status((3, 2, 2)).all_verified
    for outstanding in (0, 1, 3, 8):
        assert not _status((2, 2, 2), 2, outstanding).all_verified


def test_profile_has_user_company_and_director():
    profile = t.Profile.from_api(documented("profile_details"))
    assert profile.company.date_of_incorporation == date(2023, 11, 23)
    assert profile.company.risk_level == 3
    assert profile.director.gender == "male"
    assert profile.director.dob is None  # "date of birth" placeholder
    assert profile.user.email == "email"


# -- banking ---------------------------------------------------------------------------


def test_dashboard_reads_portfolio_from_the_misspelled_key():
    dashboard = t.Dashboard.from_api({**documented("dashboard"), "protFolio": "1234.56"})
    assert dashboard.portfolio == Decimal("1234.56")
    assert dashboard.user_plan.no_vc == 0
    (row,) = dashboard.transactions
    assert row.amount == Decimal("1.00")
    assert row.currency == "EUR"
    assert row.created == datetime(2024, 2, 5, 14, 42, tzinfo=ZoneInfo(settings.TIME_ZONE))
    assert dashboard.ibans[0].balance == Decimal("0.00")


def test_amounts_sent_as_numbers_are_decimals_too():
    row = t.Transaction.from_api({"amount": 10, "fees": 1.5, "type": "Debit"})
    assert (row.amount, row.fees) == (Decimal("10"), Decimal("1.5"))
    assert row.is_debit


def test_transaction_page_is_parsed_without_clamping():
    page = t.TransactionPage.from_api(documented("iban_transaction"))
    assert (page.page_number, page.per_page, page.num_rows, page.total_page) == (3, 10, 21, 2)
    (row,) = page.rows
    assert row.is_upload_document == 2
    assert not row.needs_document
    assert row.created == datetime(2023, 12, 6, 13, 16, 54, tzinfo=ZoneInfo(settings.TIME_ZONE))
    assert row.sign == "db"


def test_transaction_detail_reads_biometric_approval():
    detail = t.TransactionDetail.from_api(documented("iban_transaction_detail"))
    assert detail.biometric_approval is False
    assert detail.amount == Decimal("10.00")


def test_transfer_started_keeps_the_unique_id_for_the_otp():
    assert t.TransferStarted.from_api(documented("iban_sendmoney")).unique_id == "unique id"


def test_notification_dates_are_day_month_year():
    (zero,) = t.Notification.list_from_api(documented("notification"))
    assert zero.date is None
    note = t.Notification.from_api({"id": "1", "date": "05-02-2024"})
    assert note.date == date(2024, 2, 5)


# -- crypto and cards ---------------------------------------------------------------------


def test_crypto_totals_are_decimals_whether_numbers_or_strings():
    overview = t.CryptoOverview.from_api(documented("getAllwallet"))
    wallet = t.CoinWallet.from_api(documented("crypto_wallet"))
    assert overview.total_eur_balance == Decimal("0")
    assert wallet.total_eur_balance == Decimal("0.00")
    assert overview.coin("USDT").usd_price == Decimal("1.12260000")


def test_coin_wallet_lists_networks_and_prices():
    wallet = t.CoinWallet.from_api(documented("crypto_wallet"), symbol="usdt")
    assert wallet.networks == (
        ("erc-20", "0xuhyptk7ysd1111mb701x500kdyirbv55"),
        ("trc-20", "TRcc23mr40b1ca4qfv4c32dfxq77r85z3y"),
    )
    assert wallet.buy_price == Decimal("0.93769410")
    assert wallet.coin.explorer_link == "https://etherscan.io/tx/0x"


def test_crypto_transaction_dates_like_17_jul_2023():
    (row,) = t.CryptoTransaction.list_from_api(documented("getTrxlastest"))
    assert row.created == date(2023, 7, 17)
    assert row.total == Decimal("1.000000")


def test_selected_plan_reads_the_card_list_and_an_optional_plan():
    selected = t.SelectedPlan.from_api(documented("getSelectPlan"))
    assert len(selected.cards) == 2
    assert selected.plan is None
    assert selected.cards[0].available == Decimal("0.00")
    with_plan = t.SelectedPlan.from_api({"plan": {"id": "25", "eur_plan_price": "9.90"}})
    assert with_plan.plan.eur_plan_price == Decimal("9.90")
    assert with_plan.cards == ()


# --- rows read once while they stay the same -----------------------------------------


def test_a_row_seen_again_is_the_same_reading():
    row = {"trx_id": "T1", "amount": "10.00", "transaction_date": "2026-03-05 14:07:09"}
    first, again = (
        parsing.parse_rows(t.Transaction, [row]),
        parsing.parse_rows(t.Transaction, [row]),
    )
    assert first == again == (t.Transaction.from_api(row),)


@pytest.mark.parametrize(
    ("value", "amount"),
    [(1, "1"), (1.0, "1.0"), (True, "0"), ("1.00", "1.00")],
)
def test_equal_values_of_other_types_are_read_apart(value, amount):
    # 1 == 1.0 == True in Python: a key without the types would mix them up.
    for other in (1, 1.0, True, "1.00"):
        parsing.parse_rows(t.Transaction, [{"trx_id": "T1", "amount": other}])
    (trx,) = parsing.parse_rows(t.Transaction, [{"trx_id": "T1", "amount": value}])
    assert str(trx.amount) == amount


def test_a_row_is_read_again_in_another_time_zone(settings):
    row = {"trx_id": "T2", "transaction_date": "2026-03-05 14:07:09"}
    (brussels,) = parsing.parse_rows(t.Transaction, [row])
    settings.TIME_ZONE = "America/New_York"
    (new_york,) = parsing.parse_rows(t.Transaction, [row])
    assert (brussels.created - new_york.created).total_seconds() == -6 * 3600


def test_a_row_with_a_list_or_an_object_in_it_is_still_read():
    row = {"trx_id": "T3", "amount": "5", "extra": [1, 2], "more": {"a": 1}}
    assert parsing.parse_rows(t.Transaction, [row]) == (t.Transaction.from_api(row),)
