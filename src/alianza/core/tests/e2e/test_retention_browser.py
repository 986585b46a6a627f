"""An admin changes a retention period on a phone-sized screen: the page is accessible (axe),
fits 360 px, and a period outside the limits is refused with the allowed range."""

from __future__ import annotations

from django_scopes import scopes_disabled
from playwright.sync_api import expect

from alianza.core.models import RetentionLimit, RetentionSetting
from alianza.core.tests.e2e.test_audit_trail import _sign_in
from alianza.core.tests.e2e.test_public_pages import (
    NARROW,
    assert_no_horizontal_overflow,
    assert_no_serious_axe_violation,
)
from alianza.core.tests.factories import make_hub_organization


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
    expect(page.locator(".has-error")).to_contain_text(
        "Choose between 7 and 730 days: the limits the coalition's hub set."
    )

    page.locator('input[name="core.invitations_closed"]').fill("30")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Saved.")
    with scopes_disabled():
        assert list(RetentionSetting.objects.values_list("kind", "days")) == [("core.invitations_closed", 30)]
    browser_session.assert_only_same_host()


def test_a_hub_admin_sets_the_limits_on_a_phone(owner, org_a, browser_session, fresh_totp_code) -> None:
    make_hub_organization(org_a)
    page = browser_session.new_page(**NARROW)
    _sign_in(page, owner, fresh_totp_code)
    page.goto("/staff/org-a/settings/retention/")
    page.get_by_role("link", name="Set the limits for every organization").click()
    expect(page.get_by_role("group", name="Closed invitations")).to_be_visible()
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)

    page.locator('input[name="core.invitations_closed-min"]').fill("200")
    page.locator('input[name="core.invitations_closed-max"]').fill("100")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".has-error")).to_contain_text("The shortest period may not be longer than the longest.")
    assert_no_serious_axe_violation(page)

    page.locator('input[name="core.invitations_closed-min"]').fill("30")
    page.locator('input[name="core.invitations_closed-max"]').fill("180")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Saved.")
    assert list(RetentionLimit.objects.values_list("kind", "min_days", "max_days")) == [
        ("core.invitations_closed", 30, 180)
    ]
    browser_session.assert_only_same_host()
