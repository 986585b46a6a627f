"""An admin changes a retention period on a phone-sized screen: the page is accessible (axe),
fits 360 px, and a period outside the limits is refused with the allowed range."""

from __future__ import annotations

from django_scopes import scopes_disabled
from playwright.sync_api import expect

from alianza.core.models import RetentionSetting
from alianza.core.tests.e2e.test_audit_trail import _sign_in
from alianza.core.tests.e2e.test_public_pages import (
    NARROW,
    assert_no_horizontal_overflow,
    assert_no_serious_axe_violation,
)


def test_an_admin_changes_a_period_on_a_phone(owner, org_a, browser_session, fresh_totp_code) -> None:
    page = browser_session.new_page(**NARROW)
    _sign_in(page, owner, fresh_totp_code)
    page.goto("/staff/org-a/settings/retention/")
    expect(page.get_by_role("heading", name="Closed invitations")).to_be_visible()
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)

    field = page.locator('input[name="core.invitations_closed"]')
    field.fill("3")
    page.evaluate("document.querySelector('form.stacked-form').noValidate = true")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".has-error")).to_contain_text("Ensure this value is greater than or equal to 7.")

    page.locator('input[name="core.invitations_closed"]').fill("30")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Saved.")
    with scopes_disabled():
        assert list(RetentionSetting.objects.values_list("kind", "days")) == [("core.invitations_closed", 30)]
    browser_session.assert_only_same_host()
