"""An admin filters the audit trail: htmx replaces only the results (no reload, no CSP
violation, the address bar follows); without JavaScript the same form is a plain GET."""

from __future__ import annotations

import re

from django_scopes import scopes_disabled
from playwright.sync_api import expect

from alianza.core.audit import log_action
from alianza.core.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET


def _sign_in(page, owner, fresh_totp_code) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(owner.email)
    page.locator('input[name="password"]').fill(TEST_PASSWORD)
    page.locator('form:has(input[name="password"]) button[type="submit"]').first.click()
    page.locator('input[name="code"]').fill(fresh_totp_code(TEST_TOTP_SECRET))
    page.locator('form:has(input[name="code"]) button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(r"/staff/org-a/$"))


def _events(org_a, owner) -> None:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        log_action(actor=owner, organization=org_a, action="core.membership.role_changed", obj=org_a)
        log_action(actor=owner, organization=org_a, action="core.invitation.created", obj=org_a)


def test_filtering_replaces_only_the_results(owner, org_a, browser_session, fresh_totp_code) -> None:
    _events(org_a, owner)
    page = browser_session.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    _sign_in(page, owner, fresh_totp_code)
    page.goto("/staff/org-a/audit/")
    expect(page.locator("#audit-page tbody")).to_contain_text("core.invitation.created")
    page.evaluate("window.__stillTheSamePage = true")

    page.get_by_label("Action").fill("core.membership")
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"/staff/org-a/audit/\?.*action=core.membership"))
    expect(page.locator("#audit-page tbody")).to_contain_text("core.membership.role_changed")
    expect(page.locator("#audit-page tbody")).not_to_contain_text("core.invitation.created")
    assert page.evaluate("window.__stillTheSamePage === true"), "the page reloaded instead of swapping the results"

    # A bad filter is answered with the form and its error, in place.
    page.get_by_label("From").fill("2026-02-01")
    page.get_by_label("To").fill("2026-01-01")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#audit-page")).to_contain_text("The end date is before the start date.")
    assert page.evaluate("window.__stillTheSamePage === true")

    assert [e for e in console_errors if "Content Security Policy" in e] == []
    browser_session.assert_only_same_host()


def test_filtering_works_without_javascript(owner, org_a, browser_session, fresh_totp_code) -> None:
    _events(org_a, owner)
    page = browser_session.new_page(java_script_enabled=False)
    _sign_in(page, owner, fresh_totp_code)
    page.goto("/staff/org-a/audit/")
    page.get_by_label("Action").fill("core.invitation")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"action=core.invitation"))
    expect(page.locator("#audit-page tbody")).to_contain_text("core.invitation.created")
    expect(page.locator("#audit-page tbody")).not_to_contain_text("core.membership.role_changed")
