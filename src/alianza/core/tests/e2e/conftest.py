"""Browser tests: Playwright's sync API driving Debian's Chromium against ``live_server``.

Playwright's sync API runs an event loop in this thread, so Django would raise
``SynchronousOnlyOperation`` from the ORM here; that is allowed for the browser tests only
(DESIGN.md §10). Everything collected from this folder is marked ``e2e``.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]
TIMEZONE = "America/New_York"
# Not network requests: inline images (the TOTP QR code) and blank frames.
_LOCAL_SCHEMES = ("data", "blob", "about")

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="package")  # stopped with the browser tests: a live Playwright loop made
# later tests open a second database connection that blocked dropping the PostgreSQL test database
def browser() -> Iterator[object]:
    executable = shutil.which("chromium")
    if executable is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Only while the browser tests run: Playwright's loop would make Django's ORM refuse to run.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class BrowserSession:
    """A fresh browser context for one test, recording the URL of every request it makes."""

    def __init__(self, browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
        self.browser = browser
        self.base_url = base_url.rstrip("/")
        self.requests: list[str] = []
        self._contexts: list[object] = []

    def new_page(self, *, width: int = 1280, height: int = 800, java_script_enabled: bool = True):  # type: ignore[no-untyped-def]
        context = self.browser.new_context(
            base_url=self.base_url,
            locale="en-US",
            timezone_id=TIMEZONE,
            viewport={"width": width, "height": height},
            java_script_enabled=java_script_enabled,
        )
        context.set_default_timeout(10_000)
        context.on("request", lambda request: self.requests.append(request.url))
        self._contexts.append(context)
        return context.new_page()

    def foreign_requests(self) -> list[str]:
        """Requests to any host:port other than the live server's."""
        expected = urlsplit(self.base_url).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in _LOCAL_SCHEMES and urlsplit(url).netloc != expected
        ]

    def assert_only_same_host(self) -> None:
        assert self.requests, "the browser made no request at all"
        foreign = self.foreign_requests()
        assert not foreign, f"requests left {self.base_url}: {foreign}"

    def close(self) -> None:
        for context in self._contexts:
            context.close()  # type: ignore[attr-defined]


@pytest.fixture
def browser_session(browser, live_server) -> Iterator[BrowserSession]:  # type: ignore[no-untyped-def]
    session = BrowserSession(browser, live_server.url)
    yield session
    session.close()


@pytest.fixture
def page(browser_session: BrowserSession):  # type: ignore[no-untyped-def]
    """A page in a fresh context (en-US, pinned time zone, 1280x800); its requests are in
    ``browser_session.requests`` and ``browser_session.assert_only_same_host()`` checks them."""
    return browser_session.new_page()


@pytest.fixture
def requests_made(browser_session: BrowserSession) -> list[str]:
    return browser_session.requests


@pytest.fixture
def assert_only_same_host(browser_session: BrowserSession):  # type: ignore[no-untyped-def]
    return browser_session.assert_only_same_host


@pytest.fixture
def fresh_totp_code() -> Callable[[str], str]:
    """``fresh_totp_code(secret)`` → the current TOTP code, first waiting for the next time
    step when the current one ends within a few seconds. The server accepts the current step
    only (``MFA_TOTP_TOLERANCE`` 0), so a code read just before a boundary would fail by chance."""
    from allauth.mfa import app_settings as mfa_settings

    from alianza.core.two_factor import totp_code

    def _code(secret: str, *, margin: float = 5.0) -> str:
        period = mfa_settings.TOTP_PERIOD
        left = period - (time.time() % period)
        if left < margin:
            time.sleep(left + 0.05)  # a clock boundary, not a wait for the page
        return totp_code(secret)

    return _code


@pytest.fixture
def sign_in(fresh_totp_code):  # type: ignore[no-untyped-def]
    """``sign_in(page, user)``: e-mail, password and the test TOTP code, then the staff home."""
    import re

    from playwright.sync_api import expect

    from alianza.core.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET

    def _sign_in(page, user) -> None:  # type: ignore[no-untyped-def]
        page.goto("/accounts/login/")
        page.locator('input[name="login"]').fill(user.email)
        page.locator('input[name="password"]').fill(TEST_PASSWORD)
        page.locator('form:has(input[name="password"]) button[type="submit"]').first.click()
        page.locator('input[name="code"]').fill(fresh_totp_code(TEST_TOTP_SECRET))
        page.locator('form:has(input[name="code"]) button[type="submit"]').first.click()
        expect(page).to_have_url(re.compile(r"/staff/"))

    return _sign_in
