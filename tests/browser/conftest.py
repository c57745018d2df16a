"""Browser tests: Playwright drives Debian's Chromium against `live_server`.

Every page a journey visits goes through `check_page`: axe-core must find no
violation, and a full-page screenshot lands in test-artifacts/screenshots/.
Console errors (CSP violations among them) and uncaught page errors fail the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page

from sandbox import bank
from tests.conftest import latest_code  # noqa: F401 - shared with the journeys

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE.parents[1] / "test-artifacts" / "screenshots"
DEFAULT_TIMEOUT_MS = 10_000

_axe = Axe()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of this folder is a browser test (`-m "not browser"` skips them)."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


class ConsoleWatch:
    """Console errors and uncaught exceptions of every page of a context."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def attach(self, context: BrowserContext) -> None:
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.problems.append(f"pageerror: {error.error}"))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.problems.append(f"console error at {where}: {message.text}")

    def assert_clean(self) -> None:
        problems, self.problems = self.problems, []  # each problem is reported once
        assert not problems, "console errors / CSP violations:\n" + "\n".join(problems)


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch()


@pytest.fixture
def portal(live_server) -> str:
    """The live server's base URL; the simulator's plans exist (a flush removes them)."""
    bank.ensure_plans()
    return live_server.url


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return page


@pytest.fixture
def no_script_contexts() -> set[BrowserContext]:
    return set()


@pytest.fixture
def new_context(
    new_context: Callable[..., BrowserContext],
    console: ConsoleWatch,
    no_script_contexts: set[BrowserContext],
) -> Iterator[Callable[..., BrowserContext]]:
    """pytest-playwright's context factory (behind `context` and `page` too), each
    context watched for console errors; `new_context(java_script_enabled=False)` works."""

    def make(**options: object) -> BrowserContext:
        context = new_context(**options)
        console.attach(context)
        if options.get("java_script_enabled") is False:
            no_script_contexts.add(context)
        return context

    yield make
    console.assert_clean()


def _axe_on_markup(browser: Browser, page: Page):
    """axe-core cannot run where JavaScript is off (its timers never fire): audit the
    same markup at the same address in a scripted page, stylesheets from the server."""
    html, address = page.content(), page.url
    context = browser.new_context(viewport=page.viewport_size)
    try:
        checker = context.new_page()
        checker.set_default_timeout(DEFAULT_TIMEOUT_MS)
        checker.route(
            address,
            lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"),
        )
        checker.goto(address)
        return _axe.run(checker)
    finally:
        context.close()


def screenshot(page: Page, path: Path) -> None:
    """A full-page screenshot. Chromium now and then refuses a capture outright ("Unable
    to capture screenshot") and takes the same picture when asked again after a frame:
    that one refusal is retried once, anything else fails the test."""
    # caret="initial": hiding the caret leaves style="" on every input, which an
    # htmx swap would then copy onto the new inputs, a CSP violation of the test's own.
    try:
        page.screenshot(path=path, full_page=True, caret="initial")
    except Error as refused:
        if "Unable to capture screenshot" not in refused.message:
            raise
        page.wait_for_timeout(250)
        page.screenshot(path=path, full_page=True, caret="initial")


@pytest.fixture
def check_page(
    browser: Browser, console: ConsoleWatch, no_script_contexts: set[BrowserContext]
) -> Callable[[Page, str], None]:
    """`check_page(page, name)`: screenshot, no axe-core violation, no console error."""

    def check(page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        screenshot(page, SCREENSHOTS / f"{name}.png")
        if page.context in no_script_contexts:
            results = _axe_on_markup(browser, page)
        else:
            results = _axe.run(page)
        if results.violations_count:
            report = results.generate_report()
            print(f"\naxe-core report for {name} ({page.url}):\n{report}")
            pytest.fail(f"{results.violations_count} axe-core violation(s) on {name}:\n{report}")
        console.assert_clean()

    return check
