"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Run with `make test-browser` (`pytest -q -m browser`). One Chromium is started for the
whole session; every test gets a fresh browser context (its own cookies). A test fails
when the page logged a Content-Security-Policy violation or threw a JavaScript error,
and `support.check_axe` fails it on every serious or critical axe-core violation.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; Django refuses ORM
# calls from a thread with a running loop unless told that this is on purpose.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Error,
    Page,
    Playwright,
    sync_playwright,
)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
DESKTOP = {"width": 1280, "height": 900}


# --- Chromium -------------------------------------------------------------------


def _chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if Path(path).is_file() and os.access(path, os.X_OK):
        return path
    found = shutil.which(path)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"CI: Chromium is required for the browser tests but was not found at "
            f"{path!r}. Install it in the CI image (Debian: apt-get install chromium) "
            f"or point CHROMIUM_PATH at it. Browser tests are never skipped in CI.",
            pytrace=False,
        )
    pytest.fail(
        f"Chromium not found at {path!r}. Install it (Debian/Ubuntu: "
        f"`sudo apt-get install chromium`) or set CHROMIUM_PATH to its executable. "
        f"The browser tests fail rather than skip so that `make test` never passes "
        f"without them.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    # Playwright's sync API runs an asyncio event loop in the test thread; Django
    # refuses ORM calls from such a thread unless told that this is on purpose. Set
    # here, not at import, so that other tests keep Django's async-safety check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright()
    instance = manager.start()
    try:
        yield instance
    finally:
        manager.__exit__(None, None, None)
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    executable = _chromium_path()
    try:
        chromium = playwright_instance.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS
        )
    except Error as exc:
        pytest.fail(f"Chromium at {executable!r} did not start: {exc}", pytrace=False)
    try:
        yield chromium
    finally:
        chromium.close()


# --- Pages that watch the console -----------------------------------------------


@dataclass
class PageLog:
    console: list[ConsoleMessage] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        found = [
            f"console {m.type}: {m.text}"
            for m in self.console
            if m.type == "error" and "Content Security Policy" in m.text
        ]
        found += [f"page error: {e}" for e in self.page_errors]
        return found


@dataclass
class PageFactory:
    browser: Browser
    base_url: str
    logs: list[PageLog] = field(default_factory=list)
    contexts: list[Any] = field(default_factory=list)

    def __call__(
        self,
        *,
        viewport: dict[str, int] | None = None,
        locale: str = "nl-NL",
        reduced_motion: Literal["reduce", "no-preference"] = "reduce",
    ) -> Page:
        # Less motion by default: the Utrecht root scrolls smoothly otherwise, and
        # Playwright waits for every scroll into view to settle before it clicks
        # (a third of the clicking time of the buddy journey). Only scroll-behavior
        # and a few transitions depend on it, not the layout that the checks measure.
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport=viewport or DESKTOP,
            locale=locale,
            reduced_motion=reduced_motion,
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        log = PageLog()
        self.logs.append(log)
        page.on("console", lambda message: log.console.append(message))
        page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
        return page


@pytest.fixture
def new_page(browser: Browser, live_server: Any) -> Iterator[PageFactory]:
    """Opens pages in fresh contexts; fails the test on CSP violations or JS errors."""
    factory = PageFactory(browser=browser, base_url=live_server.url)
    yield factory
    problems = [p for log in factory.logs for p in log.problems()]
    for context in factory.contexts:
        context.close()
    if problems:
        pytest.fail(
            "The browser reported problems:\n  " + "\n  ".join(problems),
            pytrace=False,
        )


@pytest.fixture
def page(new_page: PageFactory) -> Page:
    """A desktop-sized page (1280x900)."""
    return new_page()
