"""The portal in Italian as well as English: the catalogue, the choice of language, formats.

A new string cannot go untranslated: `makemessages` on a copy of the tree must
make exactly the committed catalogue, and every entry of it is translated.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

from banking.payment_forms import parse_amount
from banking.templatetags.money import money
from sandbox.demo import DEMO_PASSWORD, seed_demo
from tests.conftest import create_company, portal_sign_in

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(ROOT.glob("locale/*/LC_MESSAGES/django.po"))
ITALIAN = {"HTTP_ACCEPT_LANGUAGE": "it-IT,it;q=0.9,en;q=0.5"}


def _entries(path: Path) -> set[tuple[str, str, str]]:
    return {(e.msgctxt or "", e.msgid, e.msgid_plural or "") for e in polib.pofile(str(path))}


def _tree_copy(target: Path) -> Path:
    """The files git would commit, as they are in the working tree."""
    listed = subprocess.run(  # noqa: S603 - git with fixed arguments
        [
            shutil.which("git") or "git",
            "ls-files",
            "--cached",
            "--others",
            "--exclude-standard",
            "-z",
        ],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


# ---------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------


def test_there_is_an_italian_catalogue():
    assert ROOT / "locale/it/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.slow
def test_makemessages_on_a_clean_tree_makes_the_committed_catalogues(tmp_path):
    tree = _tree_copy(tmp_path / "tree")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--all", "--verbosity", "0"],
        cwd=tree,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "HOME": str(tmp_path)},
        check=True,
        timeout=300,
    )
    for committed in CATALOGUES:
        made = tree / committed.relative_to(ROOT)
        new = _entries(made) - _entries(committed)
        gone = _entries(committed) - _entries(made)
        untranslated = sorted(new)[:10]
        assert not new, f"untranslated new strings: run `make messages`, translate {untranslated}"
        assert not gone, f"strings no longer in the code: run `make messages`: {sorted(gone)[:10]}"


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parts[-3])
def test_every_entry_is_translated_none_fuzzy(catalogue):
    po = polib.pofile(str(catalogue))
    assert po.percent_translated() == 100, [e.msgid for e in po.untranslated_entries()][:10]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()][:10]
    assert not po.obsolete_entries()
    assert po.metadata["Plural-Forms"].startswith("nplurals=")


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parts[-3])
def test_the_compiled_catalogue_is_current(catalogue):
    compiled = catalogue.with_suffix(".mo")
    assert compiled.exists(), "run `make install`: it compiles the catalogues"
    assert compiled.stat().st_mtime >= catalogue.stat().st_mtime


# ---------------------------------------------------------------------------
# Choosing the language
# ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_italian_browser_gets_italian_pages_and_an_english_one_english(client):
    italian = Client(**ITALIAN).get("/login/").content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").get("/login/").content.decode()

    assert '<html lang="it">' in italian
    assert "Accedere a Codego" in italian
    assert "Password dimenticata?" in italian
    assert "Sign in" not in italian
    assert '<html lang="en">' in english
    assert "Sign in" in english
    assert "Accedere" not in english


@pytest.mark.django_db
def test_the_footer_switch_keeps_the_choice_in_a_cookie_and_the_session():
    browser = Client(**ITALIAN)
    page = browser.get("/login/").content.decode()
    assert 'action="/language/"' in page
    assert 'name="language" value="en"' in page

    answer = browser.post("/language/", {"language": "en", "next": "/login/"})

    assert answer.status_code == 302
    assert answer["Location"] == "/login/"
    assert browser.cookies["portal_language"].value == "en"
    assert browser.session["language"] == "en"
    assert '<html lang="en">' in browser.get("/login/").content.decode()
    # The session's choice holds even without the cookie, and after signing in.
    del browser.cookies["portal_language"]
    assert '<html lang="en">' in browser.get("/login/").content.decode()


@pytest.mark.django_db
def test_the_switch_goes_back_to_the_page_it_was_pressed_on():
    browser = Client(**ITALIAN)
    answer = browser.post(
        "/language/",
        {"language": "en"},
        HTTP_REFERER="http://testserver/password/forgot/?email=a%40b.test",
    )
    assert answer["Location"] == "http://testserver/password/forgot/?email=a%40b.test"


@pytest.mark.django_db
def test_the_choice_survives_signing_in(client):
    company = create_company()
    browser = Client(**ITALIAN)
    browser.post("/language/", {"language": "en", "next": "/login/"})
    portal_sign_in(browser, company.email)
    assert '<html lang="en">' in browser.get("/dashboard/").content.decode()


@pytest.mark.django_db
def test_a_language_the_portal_does_not_offer_is_ignored_and_next_must_be_ours():
    browser = Client(**ITALIAN)
    answer = browser.post("/language/", {"language": "xx", "next": "https://attacker.example/"})
    assert answer["Location"] == "/"
    assert "portal_language" not in browser.cookies


def test_an_operator_limits_and_orders_the_languages(tmp_path):
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings';"
        "django.setup(); from django.conf import settings;"
        "print(settings.LANGUAGE_CODE, [code for code, _ in settings.LANGUAGES])"
    )

    def settings_with(languages: str) -> subprocess.CompletedProcess[str]:
        env = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "HOME": str(tmp_path)}
        return subprocess.run(  # noqa: S603 - our own settings with fixed arguments
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**env, "PORTAL_LANGUAGES": languages},
            capture_output=True,
            text=True,
        )

    assert settings_with("it,en").stdout.strip() == "it ['it', 'en']"
    unknown = settings_with("en,xx")
    assert unknown.returncode != 0
    assert "PORTAL_LANGUAGES" in unknown.stderr


# ---------------------------------------------------------------------------
# Formats
# ---------------------------------------------------------------------------


def test_amounts_and_dates_follow_the_language():
    from datetime import date

    from django.utils.formats import date_format

    with translation.override("it"):
        assert money(Decimal("1234.56")) == "1.234,56\u00a0EUR"
        assert date_format(date(2026, 12, 6)) == "6 dic 2026"
    with translation.override("en"):
        assert money(Decimal("1234.56")) == "1,234.56\u00a0EUR"


@pytest.mark.parametrize(
    ("language", "typed", "amount"),
    [
        ("it", "1250,50", "1250.50"),
        ("it", "1.250,50", "1250.50"),
        ("it", "1250.50", "1250.50"),
        ("it", "1.250", "1250.00"),
        ("en", "1250,50", "1250.50"),
        ("en", "1,250.50", "1250.50"),
        ("en", "1,250", "1250.00"),
    ],
)
def test_an_amount_is_read_with_a_comma_or_a_point_for_the_cents(language, typed, amount):
    with translation.override(language):
        assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize(("language", "typed"), [("it", "1,250"), ("en", "1.250")])
def test_three_decimals_are_never_read_as_cents(language, typed):
    from django import forms

    with translation.override(language), pytest.raises(forms.ValidationError):
        parse_amount(typed)


@pytest.mark.django_db
def test_italian_pages_show_italian_amounts_and_the_amount_field_says_how_to_write_it():
    company = seed_demo()
    browser = Client(**ITALIAN)
    portal_sign_in(browser, company.email, DEMO_PASSWORD)

    dashboard = browser.get("/dashboard/").content.decode()
    form = browser.get("/payments/new/").content.decode()

    iban = company.ibans.order_by("id").first()
    whole, cents = f"{iban.balance:,.2f}".replace(",", ".").rsplit(".", 1)
    assert f"{whole},{cents}\u00a0EUR" in dashboard
    assert "1250,50" in form  # the help text's example, in Italian


@pytest.mark.django_db
def test_exported_files_keep_their_own_formats_in_italian():
    company = seed_demo()
    browser = Client(**ITALIAN)
    portal_sign_in(browser, company.email, DEMO_PASSWORD)

    answer = browser.get("/transactions/export.csv")
    text = b"".join(answer.streaming_content).decode()

    rows = text.splitlines()
    assert len(rows) > 2
    # Points for decimals and ISO dates, whatever the page's language.
    assert any(
        cell.count(".") == 1 and cell.replace(".", "").lstrip("-").isdigit()
        for cell in rows[1].split(",")
    )
    assert "dic" not in text
