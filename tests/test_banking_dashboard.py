"""The dashboard: one `dashboard` call, IBAN cards, chart, latest transactions, narrowing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from banking.charts import (
    HEIGHT,
    PAD_BOTTOM,
    PAD_TOP,
    WIDTH,
    balance_chart,
    daily_balances,
    kept_balance_chart,
)
from codego.client import get_client
from codego.types import Transaction
from sandbox import actions
from sandbox.models import Iban
from tests.banking_money import company_fixture, signed_in_fixture  # noqa: F401
from tests.conftest import create_company, journal_calls, portal_sign_in, sign_in

pytestmark = pytest.mark.django_db

PAYEE_IBAN = "DE89370400440532013000"


def test_the_dashboard_shows_each_account_with_its_iban_in_groups_bic_and_balance(
    signed_in, company
):
    iban = Iban.objects.get(company=company)
    response = signed_in.get("/dashboard/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Main account" in html
    grouped = " ".join(iban.iban[i : i + 4] for i in range(0, len(iban.iban), 4))
    assert grouped in html
    assert iban.bic in html
    assert "5,000.00\u00a0EUR" in html
    assert 'data-copy="' + iban.iban + '"' in html


def test_the_dashboard_makes_one_upstream_call(signed_in):
    before = journal_calls("dashboard")
    signed_in.get("/dashboard/")
    assert journal_calls("dashboard") == before + 1


def test_the_dashboard_lists_latest_transactions_with_sign_word_and_status(signed_in, company):
    iban = Iban.objects.get(company=company)
    actions.credit(iban=iban.iban, amount=Decimal("250.00"), name="Globex Corporation")
    html = signed_in.get("/dashboard/").content.decode()
    assert "Globex Corporation" in html
    assert "+250.00\u00a0EUR" in html
    assert "Money in" in html
    assert "chip-" in html


def test_the_balance_chart_is_inline_svg_with_a_text_alternative(signed_in, company):
    iban = Iban.objects.get(company=company)
    actions.credit(iban=iban.iban, amount=Decimal("100.00"))
    html = signed_in.get("/dashboard/").content.decode()
    assert '<svg class="chart-svg"' in html
    assert "Balance over the last 90 days" in html
    assert "style=" not in html.split('<svg class="chart-svg"')[1].split("</svg>")[0]


def exact_points(values: list[Decimal]) -> list[str]:
    """The chart's points worked out in Decimal, to the tenth of a pixel."""
    low, high = min(values), max(values)
    step = Decimal(WIDTH) / max(len(values) - 1, 1)
    usable = Decimal(HEIGHT - PAD_TOP - PAD_BOTTOM)
    points = []
    for index, value in enumerate(values):
        if high == low:
            y = Decimal(HEIGHT) / 2
        else:
            y = PAD_TOP + usable * (1 - (value - low) / (high - low))
        points.append(f"{step * index:.1f},{y:.1f}")
    return points


@pytest.mark.parametrize(
    "values",
    [
        [Decimal("100.00")],
        [Decimal("5.00")] * 90,
        [Decimal(n * 37 % 101) - Decimal("50.05") for n in range(90)],
        [Decimal("1000000.01"), Decimal("-999999.99"), Decimal("0.01")],
        [Decimal(n) / 7 for n in range(89)],
    ],
    ids=["one day", "flat", "zigzag", "wide", "thirds"],
)
def test_the_chart_line_is_where_exact_arithmetic_puts_it(values):
    chart = balance_chart([(date(2026, 1, 1), value) for value in values])
    assert chart.line == "M" + " L".join(exact_points(values))
    assert chart.area == f"{chart.line} L{WIDTH},{HEIGHT} L0,{HEIGHT} Z"


def test_iban_id_narrows_the_dashboard_to_one_account_and_htmx_gets_only_the_content(
    signed_in, company
):
    second = get_client().create_iban(sign_in(company), label="Payroll")
    assert second.status == 1
    payroll = Iban.objects.get(company=company, label="Payroll")
    html = signed_in.get(f"/dashboard/?iban_id={payroll.pk}").content.decode()
    assert "Payroll" in html
    assert "Main account" not in html
    assert "All accounts" in html
    fragment = signed_in.get(f"/dashboard/?iban_id={payroll.pk}", headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert 'id="dashboard"' in fragment.content.decode()


def test_the_dashboard_links_each_account_to_its_narrowed_view(signed_in, company):
    iban = Iban.objects.get(company=company)
    html = signed_in.get("/dashboard/").content.decode()
    assert f'href="/dashboard/?iban_id={iban.pk}"' in html
    assert f'hx-get="/dashboard/?iban_id={iban.pk}"' in html


@pytest.mark.parametrize(
    "fault",
    [{"http_status": 500}, {"timeout": True}, {"garbage": True}],
    ids=["http-500", "timeout", "garbage"],
)
def test_an_upstream_fault_shows_an_inline_message_with_a_retry(signed_in, fault):
    actions.set_fault(endpoint="dashboard", **fault)
    response = signed_in.get("/dashboard/")
    html = response.content.decode()
    assert response.status_code == 503
    assert "The bank is unavailable right now" in unescape(html)
    assert "Try again" in html
    assert 'class="shell-nav"' in html  # still the signed-in shell, not an error page


def test_an_unknown_iban_id_shows_all_accounts_with_a_note_not_an_outage(signed_in):
    response = signed_in.get("/dashboard/?iban_id=999999")
    assert response.status_code == 200
    html = response.content.decode()
    assert "That account is not one of yours, so all your accounts are shown." in html
    assert "Total across your accounts" in html


def test_the_shell_marks_the_current_section_and_lists_the_money_out_sections(signed_in):
    html = signed_in.get("/dashboard/").content.decode()
    assert 'href="/dashboard/" aria-current="page"' in html
    for url in ("/accounts/", "/payments/new/", "/beneficiaries/"):
        assert f'href="{url}"' in html


def test_a_company_that_is_not_live_is_sent_to_onboarding(client):
    company = create_company("new@acme.test", live=False)
    portal_sign_in(client, company.email)
    for url in ("/dashboard/", "/accounts/", "/beneficiaries/", "/payments/new/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == "/onboarding/"


def test_a_signed_out_visitor_goes_to_sign_in_and_back(client):
    response = client.get("/dashboard/?iban_id=3")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_an_expired_token_signs_out_and_comes_back_to_the_same_page(signed_in, company):
    actions.expire_token(email=company.email)
    response = signed_in.get("/beneficiaries/?q=acme")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fbeneficiaries%2F%3Fq%3Dacme"


def booked(kind: str, amount: str, status: str, day: int, fees: str = "0") -> Transaction:
    moment = datetime(2026, 11, day, 10, tzinfo=ZoneInfo("Europe/Brussels"))
    return Transaction(
        type=kind, amount=Decimal(amount), fees=Decimal(fees), status=status, created=moment
    )


def test_the_balance_series_is_rebuilt_backwards_from_today_s_balance():
    rows = [
        booked("credit", "100", "Completed", 30, fees="1"),
        booked("debit", "50", "Pending", 29, fees="1"),
        booked("debit", "999", "Failed", 28),  # booked nothing
    ]
    series = daily_balances(Decimal("1000"), rows, today=date(2026, 12, 1), days=4)
    assert series == [
        (date(2026, 11, 28), Decimal("952")),
        (date(2026, 11, 29), Decimal("901")),
        (date(2026, 11, 30), Decimal("1000")),
        (date(2026, 12, 1), Decimal("1000")),
    ]


def test_the_kept_chart_is_the_chart_of_its_balance_transactions_day_and_zone():
    """Kept by all four: a transaction late in the evening falls on another day elsewhere."""
    late = datetime(2026, 11, 30, 23, 30, tzinfo=ZoneInfo("UTC"))
    rows = (Transaction(type="credit", amount=Decimal("40"), status="Completed", created=late),)
    charts = {}
    for zone in ("UTC", "Asia/Tokyo", "UTC"):
        tz = ZoneInfo(zone)
        for today in (date(2026, 12, 1), date(2026, 12, 2)):
            kept = kept_balance_chart(Decimal("1000"), rows, today, tz)
            series = daily_balances(Decimal("1000"), rows, today=today, zone=tz)
            assert kept == balance_chart(series)
            charts[zone, today] = kept
    assert charts["UTC", date(2026, 12, 1)] != charts["Asia/Tokyo", date(2026, 12, 1)]
    assert charts["UTC", date(2026, 12, 1)] != charts["UTC", date(2026, 12, 2)]
    assert (
        kept_balance_chart(Decimal("999"), rows, date(2026, 12, 1), ZoneInfo("UTC"))
        != (charts["UTC", date(2026, 12, 1)])
    )


# -- the session's copy of the answer ------------------------------------------------------


def test_a_second_view_within_the_copy_s_life_asks_the_bank_nothing(signed_in):
    signed_in.get("/dashboard/")
    before = journal_calls("dashboard")
    html = signed_in.get("/dashboard/").content.decode()
    fragment = signed_in.get("/dashboard/", headers={"HX-Request": "true"}).content.decode()
    assert journal_calls("dashboard") == before
    assert "5,000.00\u00a0EUR" in html
    assert 'id="dashboard"' in fragment
    assert "<html" not in fragment


def test_the_page_says_when_the_balances_were_read_and_refresh_reads_them_again(signed_in, company):
    html = signed_in.get("/dashboard/").content.decode()
    assert "As of " in html
    assert 'href="/dashboard/?refresh=1"' in html
    iban = Iban.objects.get(company=company)
    actions.credit(iban=iban.iban, amount=Decimal("250.00"), name="Globex Corporation")
    # Money that arrived from outside shows after the copy's life, or at once on Refresh.
    assert "5,000.00\u00a0EUR" in signed_in.get("/dashboard/").content.decode()
    before = journal_calls("dashboard")
    fresh = signed_in.get("/dashboard/?refresh=1").content.decode()
    assert journal_calls("dashboard") == before + 1
    iban.refresh_from_db()
    balance = f"{iban.balance:,.2f}\u00a0EUR"
    assert iban.balance > Decimal("5000.00")
    assert balance in fresh
    assert "Globex Corporation" in fresh
    # The fresh answer is the copy now.
    assert balance in signed_in.get("/dashboard/").content.decode()
    assert journal_calls("dashboard") == before + 1


def test_refresh_on_one_account_keeps_it_narrowed(signed_in, company):
    iban = Iban.objects.get(company=company)
    html = signed_in.get(f"/dashboard/?iban_id={iban.pk}").content.decode()
    assert f'href="/dashboard/?iban_id={iban.pk}&amp;refresh=1"' in html
    assert f'hx-push-url="/dashboard/?iban_id={iban.pk}"' in html


def test_with_no_copy_configured_every_view_asks_the_bank(signed_in, settings):
    settings.DASHBOARD_COPY_SECONDS = 0
    before = journal_calls("dashboard")
    signed_in.get("/dashboard/")
    signed_in.get("/dashboard/")
    assert journal_calls("dashboard") == before + 2


def test_an_account_opened_in_the_portal_shows_on_the_next_dashboard(signed_in, company):
    signed_in.get("/dashboard/")
    response = signed_in.post("/accounts/new/", {"label": "Payroll"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Payroll" in signed_in.get("/dashboard/").content.decode()


def test_each_browser_session_has_its_own_copy(client, company):
    portal_sign_in(client, company.email)
    client.get("/dashboard/")
    other = type(client)()
    portal_sign_in(other, company.email)
    before = journal_calls("dashboard")
    other.get("/dashboard/")
    assert journal_calls("dashboard") == before + 1


def test_an_outage_is_never_kept_as_the_copy(signed_in, company):
    actions.set_fault(endpoint="dashboard", http_status=500)
    assert signed_in.get("/dashboard/").status_code == 503
    actions.clear_faults()
    html = signed_in.get("/dashboard/").content.decode()
    assert "5,000.00\u00a0EUR" in html


@pytest.mark.parametrize("path", ["/login/", "/healthz", "/signup/", "/password/forgot/"])
def test_head_answers_like_get_without_a_body(client, path):
    """Uptime monitors ask with HEAD; a page that answers GET answers HEAD too."""
    response = client.head(path)
    assert response.status_code == 200
    assert response.content == b""


def test_head_on_signed_in_pages_answers_like_get(signed_in):
    for path in ("/dashboard/", "/transactions/", "/payments/new/", "/beneficiaries/new/"):
        assert signed_in.head(path).status_code == 200, path


def test_a_copy_put_after_the_company_changed_something_never_counts(rf, db):
    """A slow request that read before a payment and puts its copy after it."""
    from django.contrib.sessions.backends.cache import SessionStore

    from banking import copies
    from codego.types import Credentials
    from portal.pages import Company

    request = rf.get("/dashboard/")
    request.session = SessionStore()
    request.session.create()
    company = Company(Credentials(user_id="7", web_token="t"), True, "Acme", "a@codego.test")
    slow = copies.Shelf(request, company, "dashboard:")
    copies.forget(request, company)  # meanwhile, a payment in another tab
    slow.put("dashboard:", "balance before the payment", 20)
    assert copies.Shelf(request, company, "dashboard:").get("dashboard:") is None
    fresh = copies.Shelf(request, company, "dashboard:")
    fresh.put("dashboard:", "balance after", 20)
    assert copies.Shelf(request, company, "dashboard:").get("dashboard:") == "balance after"
    # The cache forgetting the generation makes every copy a miss, never a stale hit.
    cache.delete(f"banking:copies:7:{request.session.session_key}:generation")
    assert copies.Shelf(request, company, "dashboard:").get("dashboard:") is None


@pytest.mark.parametrize("language", ["en", "it"])
@pytest.mark.parametrize(("physical", "virtual"), [(0, 1), (1, 2), (1500, 1)])
def test_the_plan_and_the_moment_are_the_sentences_the_template_wrote(physical, virtual, language):
    from django.template import Context, Template
    from django.utils import translation

    from banking.views import as_of, plan_facts
    from codego.types import UserPlan

    before = Template(
        "{% load i18n %}"
        "{% blocktranslate count n=plan.no_plastic_card %}{{ n }} physical card{% plural %}"
        "{{ n }} physical cards{% endblocktranslate %}|"
        "{% blocktranslate count n=plan.no_vc %}{{ n }} virtual card{% plural %}"
        "{{ n }} virtual cards{% endblocktranslate %}|"
        '{% blocktranslate trimmed with time=read_at|time:"TIME_FORMAT" %}As of {{ time }}'
        "{% endblocktranslate %}"
    )
    plan = UserPlan(plan_name="Start", no_plastic_card=physical, no_vc=virtual)
    read_at = datetime(2026, 12, 7, 21, 5, 9, tzinfo=ZoneInfo("UTC"))
    with translation.override(language):
        for _ in range(2):  # written, then kept
            expected = before.render(Context({"plan": plan, "read_at": read_at}))
            written = "|".join([*plan_facts(plan, language), as_of(read_at)])
            assert written == expected
