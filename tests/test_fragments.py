"""The fragments every page repeats (portal/templatetags/fragments.py) are kept once
rendered: the same markup as `{% include %}`, the page's own CSRF token in them."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.middleware.csrf import CsrfViewMiddleware, _does_token_match
from django.template import RequestContext, Template, TemplateSyntaxError
from django.test import Client, RequestFactory
from django.utils import translation

from portal.templatetags import fragments
from sandbox import reference
from tests.conftest import create_company, latest_code

pytestmark = pytest.mark.django_db

FRAGMENTS = ["includes/footer.html", "includes/session.html", "onboarding/_sign_out.html"]
# The simulator's brand, and another one (the whitelabel operator changed it).
ACME = {
    "site_name": "Acme <Bank>",
    "tc_link": "",
    "privacy_link": "https://acme.example/privacy",
    "copy_right_text": "© Acme & Co",
}


def use_brand(monkeypatch, changes: dict) -> None:
    for name, value in changes.items():
        monkeypatch.setitem(reference.BRAND, name, value)
    cache.clear()  # the portal's copy of configSetting


def request_with_csrf():
    request = RequestFactory().get("/dashboard/")
    CsrfViewMiddleware(lambda r: None).process_request(request)
    return request


@pytest.mark.parametrize("language", ["en", "it"])
@pytest.mark.parametrize("name", FRAGMENTS)
def test_a_kept_fragment_is_what_an_include_renders(name, language, monkeypatch):
    # One template, as in a page: one token for both.
    both = Template(
        f'{{% load fragments %}}{{% kept_include "{name}" %}}<hr>{{% include "{name}" %}}'
    )
    for brand in ({}, ACME):
        use_brand(monkeypatch, brand)
        with translation.override(language):
            for _visit in range(2):  # rendered, then kept
                kept, included = both.render(RequestContext(request_with_csrf())).split("<hr>")
                assert kept == included


def test_each_page_gets_its_own_token_in_the_kept_fragment():
    kept = Template('{% load fragments %}{% kept_include "onboarding/_sign_out.html" %}')
    tokens = set()
    for _visit in range(3):
        request = request_with_csrf()
        html = kept.render(RequestContext(request))
        assert fragments.TOKEN_MARK not in html
        (token,) = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        # This visit's token, made from this browser's secret.
        assert _does_token_match(token, request.META["CSRF_COOKIE"])
        tokens.add(token)
    assert len(tokens) == 3


def test_another_brand_or_language_is_another_kept_fragment(monkeypatch):
    kept = Template('{% load fragments %}{% kept_include "includes/footer.html" %}')

    def footer(language: str) -> str:
        with translation.override(language):
            return kept.render(RequestContext(request_with_csrf()))

    sandbox_brand = footer("en")
    assert 'href="https://sandbox.example/terms"' in sandbox_brand
    use_brand(monkeypatch, ACME)
    acme = footer("en")
    assert "Terms and conditions" not in acme
    assert 'href="https://acme.example/privacy"' in acme
    assert "© Acme &amp; Co" in acme
    assert "Informativa sulla privacy" in footer("it")


def test_the_kept_fragments_stay_bounded(monkeypatch):
    monkeypatch.setattr(fragments, "KEPT", {})
    monkeypatch.setattr(fragments, "KEPT_MAX", 2)
    kept = Template('{% load fragments %}{% kept_include "includes/footer.html" %}')
    for number in range(5):
        use_brand(monkeypatch, {"copy_right_text": f"Bank {number}"})
        assert f"Bank {number}" in kept.render(RequestContext(request_with_csrf()))
        assert len(fragments.KEPT) <= 2


def test_the_forms_in_kept_fragments_pass_the_csrf_check():
    company = create_company()
    browser = Client(enforce_csrf_checks=True)
    for path, data in (
        ("/login/", {"email": company.email, "password": "Secret-pass-1"}),
        ("/login/verify/", {}),
    ):
        page = browser.get(path).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        data = data or {"otp": latest_code(company.email)}
        assert browser.post(path, {**data, "csrfmiddlewaretoken": token}).status_code == 302
    for _visit in range(2):  # rendered, then kept
        page = browser.get("/dashboard/").content.decode()
        sign_out = re.search(r'<form class="sign-out".*?value="([^"]+)"', page, re.S)[1]
        assert fragments.TOKEN_MARK not in page
    assert browser.post("/logout/", {"csrfmiddlewaretoken": sign_out}).status_code == 302


FIXED_TEXT = (
    '<h2>{% translate "Accounts" %}</h2><a href="{% url "banking:account-new" %}">'
    '{% translate "Open an account" %}</a>{# a note #}{% comment %}more{% endcomment %}'
    '<script src="{% static "js/portal.js" %}"></script>'
    "{% blocktranslate trimmed %}No movement in\n the last 90 days.{% endblocktranslate %}"
    '{% translate "May" context "month name" %}'
)


@pytest.mark.parametrize("language", ["en", "it"])
def test_a_kept_stretch_is_what_the_template_renders_in_each_language(language, settings):
    settings.DEBUG = False
    kept = Template("{% load i18n static fragments %}{% kept %}" + FIXED_TEXT + "{% endkept %}")
    plain = Template("{% load i18n static %}" + FIXED_TEXT)
    with translation.override(language):
        for _visit in range(2):  # rendered, then kept
            assert kept.render(RequestContext(request_with_csrf())) == plain.render(
                RequestContext(request_with_csrf())
            )
    with translation.override("it"):
        italian = kept.render(RequestContext(request_with_csrf()))
    with translation.override("en"):
        assert kept.render(RequestContext(request_with_csrf())) != italian


@pytest.mark.parametrize(
    "varying",
    [
        "{{ company.name }}",
        '{% translate "Pay"|upper %}',
        "{% translate title %}",
        '{% translate "Pay" as pay %}',
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}",
        "{% blocktranslate with n=1 %}{{ n }} card{% endblocktranslate %}",
        "{% blocktranslate count n=cards %}card{% plural %}cards{% endblocktranslate %}",
        '{% url "banking:transaction" key %}',
        '{% url "banking:dashboard" as dashboard_url %}',
        "{% static path %}",
        "{% if signed_in %}x{% endif %}",
        '{% include "includes/footer.html" %}',
        "{% csrf_token %}",
    ],
)
def test_a_kept_stretch_refuses_anything_that_reads_the_context(varying):
    with pytest.raises(TemplateSyntaxError, match="fixed text only"):
        Template("{% load i18n static fragments %}{% kept %}<p>" + varying + "</p>{% endkept %}")


def test_a_kept_stretch_follows_the_url_prefix_of_each_render(settings):
    from django.urls import set_script_prefix

    settings.DEBUG = False
    kept = Template("{% load fragments %}{% kept %}{% url 'banking:dashboard' %}{% endkept %}")
    try:
        for prefix in ("/", "/bank/", "/"):
            set_script_prefix(prefix)
            for _visit in range(2):
                assert kept.render(RequestContext(request_with_csrf())) == f"{prefix}dashboard/"
    finally:
        set_script_prefix("/")
