"""`{% extends %}` and `{% url %}` with what they look up kept (portal.templatetags.kept_lookups)
render what Django's own tags render, whatever changes between two renders."""

from __future__ import annotations

from types import ModuleType

import pytest
from django.http import HttpResponse
from django.template import Context, Engine, Template
from django.test import override_settings
from django.urls import NoReverseMatch, path, set_script_prefix, set_urlconf

from portal.templatetags import kept_lookups
from portal.templatetags.kept_lookups import KeptBlocksExtendsNode, KeptURLNode


def _view(request):  # pragma: no cover - only reversed
    return HttpResponse()


# This module is also a URLconf, for the test that changes ROOT_URLCONF.
urlpatterns = [
    path("home/", _view, name="home"),
    path("t/<str:name>/", _view, name="detail"),
    path("n/<int:number>/", _view, name="number"),
]

LOCMEM = "django.template.loaders.locmem.Loader"
CACHED = "django.template.loaders.cached.Loader"


def engines(*sources: dict[str, str]) -> tuple[Engine, Engine]:
    """Django's engine and ours, each with the cached loader over `sources` (in order)."""
    loaders = [(CACHED, [(LOCMEM, templates) for templates in sources])]
    django_own = Engine(loaders=loaders)
    ours = Engine(loaders=loaders, builtins=["portal.templatetags.kept_lookups"])
    return django_own, ours


def both(name: str, context: dict, *sources: dict[str, str]) -> tuple[str, str]:
    django_own, ours = engines(*sources)
    return (
        django_own.get_template(name).render(Context(context)),
        ours.get_template(name).render(Context(context)),
    )


def test_our_engine_uses_the_kept_nodes():
    _django_own, ours = engines({"a.html": "{% url 'home' %}", "b.html": "{% extends 'a.html' %}"})
    assert isinstance(ours.get_template("a.html").nodelist[0], KeptURLNode)
    assert isinstance(ours.get_template("b.html").nodelist[0], KeptBlocksExtendsNode)


CHAIN = {
    "base.html": (
        "<{% block title %}Bank{% endblock %}|{% block body %}{% endblock %}|"
        "{% block foot %}f{% endblock %}>"
    ),
    "shell.html": (
        "{% extends 'base.html' %}{% block body %}[{% block page %}{% endblock %}]{% endblock %}"
    ),
    "page.html": (
        "{% extends 'shell.html' %}{% block title %}{{ title }} · {{ block.super }}{% endblock %}"
        "{% block page %}{{ body }}{% endblock %}"
    ),
    "other.html": "{% extends parent %}{% block foot %}g{% endblock %}",
}


@pytest.mark.parametrize(
    ("name", "context"),
    [
        ("page.html", {"title": "Pay", "body": "x"}),
        ("page.html", {"title": "Again", "body": "<b>"}),
        ("other.html", {"parent": "base.html"}),
        ("other.html", {"parent": "shell.html"}),  # the same node, another parent
    ],
)
def test_a_chain_of_extends_renders_as_django_s(name, context):
    django_own, ours = engines(CHAIN)
    for _ in range(3):  # the first render finds, the next ones use what was kept
        for page, values in [(name, context), ("page.html", {"title": "T", "body": "b"})]:
            assert ours.get_template(page).render(Context(values)) == (
                django_own.get_template(page).render(Context(values))
            )


def test_a_template_extending_one_of_its_own_name_goes_django_s_way():
    overriding = {
        "base.html": "{% extends 'base.html' %}{% block a %}over {{ block.super }}{% endblock %}"
    }
    root = {"base.html": "<{% block a %}root{% endblock %}>"}
    for _ in range(3):
        assert both("base.html", {}, overriding, root) == ("<over root>", "<over root>")


def test_a_template_read_again_is_walked_again():
    _django_own, ours = engines(CHAIN)
    assert ours.get_template("page.html").render(Context({"title": "A"})) == "<A · Bank|[]|f>"
    ours.template_loaders[0].loaders[0].templates_dict["base.html"] = (
        "({% block body %}{% endblock %})"
    )
    ours.template_loaders[0].reset()
    assert ours.get_template("page.html").render(Context({"body": "b"})) == "([b])"


URLS = [
    "{% url 'home' %}",
    "{% url 'detail' 'u1' %}",
    "{% url 'detail' name=trx %}",
    "{% url 'detail' trx %}",
    "{% url 'number' number %}",
    "{% url 'detail' flag %}",  # True == 1, but the URL says True
    "{% url 'detail' items %}",  # unhashable: reversed every time
    "{% url name 'z' %}",
    "{% url 'home' as listed %}[{{ listed }}]",
    "{% url 'no-such-page' as missing %}[{{ missing }}]",
    "{% url 'number' trx as missing %}[{{ missing }}]",
    "{% url 'detail' '<&>' %}",
    "{% autoescape off %}{% url 'detail' '<&>' %}{% endautoescape %}",
]
VALUES = [
    {"trx": "a b", "number": 1, "flag": True, "items": ["x"], "name": "detail"},
    {"trx": "é/ç", "number": 2, "flag": False, "items": ["y"], "name": "detail"},
    {"trx": "a b", "number": 1, "flag": 1, "items": ["x"], "name": "detail"},
]
KEPT = Engine(builtins=["portal.templatetags.kept_lookups"])


@pytest.fixture(autouse=True)
def _this_urlconf(settings):
    settings.ROOT_URLCONF = "tests.test_kept_lookups"


def outcome(template: Template, values: dict) -> tuple[str, str]:
    try:
        return "rendered", template.render(Context(values))
    except NoReverseMatch as error:
        return "no such URL", str(error)


@pytest.mark.parametrize("source", URLS)
def test_a_url_is_django_s_url(source):
    plain = Template(source, engine=Engine())
    kept = Template(source, engine=KEPT)
    for _ in range(2):
        for values in VALUES:
            assert outcome(kept, values) == outcome(plain, values), values


def test_no_such_url_is_the_same_error_each_time():
    kept = Template("{% url 'no-such-page' %}", engine=KEPT)
    for _ in range(2):
        with pytest.raises(NoReverseMatch, match="no-such-page"):
            kept.render(Context({}))


def test_a_url_follows_the_prefix_and_the_urlconf():
    kept = Template("{% url 'home' %}|{% url 'detail' 'x' %}", engine=KEPT)
    assert kept.render(Context()) == "/home/|/t/x/"
    try:
        set_script_prefix("/bank/")
        assert kept.render(Context()) == "/bank/home/|/bank/t/x/"
    finally:
        set_script_prefix("/")
    assert kept.render(Context()) == "/home/|/t/x/"
    elsewhere = ModuleType("elsewhere")  # a URLconf module of its own
    elsewhere.urlpatterns = [  # type: ignore[attr-defined]
        path("away/", _view, name="home"),
        path("d/<str:name>/", _view, name="detail"),
    ]
    try:
        set_urlconf(elsewhere)  # as a request's own urlconf does
        assert kept.render(Context()) == "/away/|/d/x/"
    finally:
        set_urlconf(None)
    with override_settings(ROOT_URLCONF=elsewhere):
        assert kept.render(Context()) == "/away/|/d/x/"
    assert kept.render(Context()) == "/home/|/t/x/"


def test_the_kept_urls_are_bounded(monkeypatch):
    monkeypatch.setattr(kept_lookups, "KEPT_URLS_MAX", 3)
    kept_lookups.KEPT_URLS.clear()
    kept = Template("{% url 'number' n %}", engine=KEPT)
    for number in range(10):
        assert kept.render(Context({"n": number})) == f"/n/{number}/"
        assert len(kept_lookups.KEPT_URLS) <= 3


def test_the_portal_s_pages_use_the_kept_tags():
    from django.template import engines

    template = engines["django"].engine.get_template("banking/transactions.html")
    assert isinstance(template.nodelist[0], KeptBlocksExtendsNode)
