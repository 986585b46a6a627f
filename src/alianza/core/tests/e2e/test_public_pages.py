"""Public pages in a real browser: axe-core finds no serious or critical violation, nothing
overflows a 360 px wide screen (English and Arabic), the language form works without
JavaScript, and no request leaves the site."""

from __future__ import annotations

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from alianza.core.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET

PUBLIC_PAGES = ["/", "/accounts/login/", "/accounts/password/reset/"]
NARROW = {"width": 360, "height": 740}
BLOCKING_IMPACTS = {"serious", "critical"}


def assert_no_serious_axe_violation(page: Page) -> None:
    results = Axe().run(page)
    violations = results.response.get("violations", [])
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    report = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [{"target": n.get("target"), "html": n.get("html")} for n in v.get("nodes", [])],
        }
        for v in blocking
    ]
    assert not blocking, f"axe violations on {page.url}:\n{json.dumps(report, indent=2, ensure_ascii=False)}"


# The elements sticking out of a ``width`` px wide viewport, to name them in the failure.
_OVERFLOWING_ELEMENTS_JS = """(width) => Array.from(document.querySelectorAll('body *'))
    .map(el => [el, el.getBoundingClientRect()])
    .filter(([el, box]) => box.right > width + 0.5 || box.left < -0.5)
    .slice(0, 10)
    .map(([el, box]) => el.tagName.toLowerCase()
        + (el.id ? '#' + el.id : '')
        + (typeof el.className === 'string' && el.className.trim()
            ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
        + ` [${Math.round(box.left)}..${Math.round(box.right)}]`)"""


def assert_no_horizontal_overflow(page: Page, width: int = NARROW["width"]) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        culprits = page.evaluate(_OVERFLOWING_ELEMENTS_JS, width)
        pytest.fail(f"{page.url} is {scroll_width}px wide at a {width}px viewport; overflowing: {culprits}")


def switch_language(page: Page, code: str) -> None:
    form = page.locator("form.language-form")
    form.locator("select#language-select").select_option(code)
    form.locator('button[type="submit"]').click()
    expect(page.locator("html")).to_have_attribute("lang", code)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_serious_accessibility_violation(page: Page, path: str, org_a, browser_session) -> None:
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_be_visible()
    assert_no_serious_axe_violation(page)

    switch_language(page, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_no_serious_axe_violation(page)

    browser_session.assert_only_same_host()


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_fits_a_360px_screen_in_english_and_arabic(path: str, org_a, browser_session) -> None:
    page = browser_session.new_page(**NARROW)  # no mobile emulation: it would zoom out to fit
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    assert_no_horizontal_overflow(page)

    switch_language(page, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page).to_have_url(re.compile(re.escape(path) + r"$"))
    assert_no_horizontal_overflow(page)

    browser_session.assert_only_same_host()


def test_language_form_works_without_javascript(org_a, browser_session) -> None:
    page = browser_session.new_page(java_script_enabled=False)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    switch_language(page, "es")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("form.language-form select#language-select")).to_have_value("es")
    expect(page.get_by_role("heading", name="Nuestras organizaciones miembro")).to_be_visible()

    switch_language(page, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    browser_session.assert_only_same_host()


def test_staff_organization_page_is_accessible_and_fits_360px(owner, browser_session, fresh_totp_code) -> None:
    page = browser_session.new_page(**NARROW)
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(owner.email)
    page.locator('input[name="password"]').fill(TEST_PASSWORD)
    page.locator('form:has(input[name="password"]) button[type="submit"]').first.click()
    page.locator('input[name="code"]').fill(fresh_totp_code(TEST_TOTP_SECRET))
    page.locator('form:has(input[name="code"]) button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/staff/org-a/$"))
    expect(page.locator("main")).to_contain_text("Organization A")

    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)

    switch_language(page, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)

    browser_session.assert_only_same_host()
