"""An admin makes an API token, then locks the organization down on a phone-sized screen, is
signed out, signs in again with two-factor, finds exports refused and the token revoked, asks
to lift the lockdown; a second admin in another browser approves; exports work again, the token
does not. axe-core checks each lockdown page and the API tokens page."""

from __future__ import annotations

import re

from django.apps import apps
from django.core.cache import cache
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from alianza.core.api_tokens import api_token_authenticate
from alianza.core.lockdown import organization_is_locked
from alianza.core.permissions import Role
from alianza.core.tests.e2e.test_public_pages import assert_no_horizontal_overflow, assert_no_serious_axe_violation
from alianza.core.tests.factories import make_membership, make_user

PHONE = {"width": 360, "height": 740}


def test_an_admin_locks_down_and_a_second_admin_lifts_it(owner, member, org_a, browser_session, sign_in) -> None:
    second_admin = make_user("second-admin@a.alianza.example")
    make_membership(org_a, second_admin, Role.ADMIN)
    # A person to export. Looked up by name: core's tests may not import the people app.
    person_model = apps.get_model("people", "Person")
    with scopes_disabled():
        person_model.objects.create(organization=org_a, given_name="Ana", family_name="Pérez")

    admin = browser_session.new_page(**PHONE)
    sign_in(admin, owner)
    admin.get_by_role("link", name="Sessions").click()
    expect(admin.locator(".session")).to_have_count(1)
    expect(admin.locator(".session")).to_contain_text("This device")
    expect(admin.locator(".session")).to_contain_text("127.0.0.0/24")
    assert_no_serious_axe_violation(admin)
    assert_no_horizontal_overflow(admin)
    admin.goto("/staff/org-a/")
    admin.get_by_role("link", name="API tokens").click()
    admin.get_by_label("What is it for?").fill("Weekly sync with the voter file")
    admin.get_by_role("button", name="Make the token").click()
    secret = admin.locator("code.secret").inner_text()
    assert api_token_authenticate(secret) is not None
    expect(admin.locator("main table")).to_contain_text("Weekly sync with the voter file")
    assert_no_serious_axe_violation(admin)
    assert_no_horizontal_overflow(admin)
    admin.goto("/staff/org-a/")
    admin.get_by_role("link", name="Lockdown").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Emergency lockdown")
    assert_no_serious_axe_violation(admin)
    assert_no_horizontal_overflow(admin)

    admin.get_by_label("What happened (optional)").fill("The office was raided this morning.")
    admin.get_by_role("button", name="Lock down now").click()
    expect(admin.locator(".errors")).to_contain_text("Tick the box to confirm the lockdown.")
    assert not organization_is_locked(org_a)
    admin.get_by_label("I understand").check()
    admin.get_by_role("button", name="Lock down now").click()

    expect(admin).to_have_url(re.compile(r"/accounts/login/"))
    expect(admin.locator(".messages")).to_contain_text("Organization A is locked down.")
    assert organization_is_locked(org_a)

    cache.clear()  # the TOTP replay guard: the same code within one 30-second step is refused
    sign_in(admin, owner)
    expect(admin.locator(".lockdown-banner")).to_contain_text("exports and imports are paused")
    admin.goto("/staff/org-a/people/")
    admin.get_by_role("button", name="CSV").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Paused during the lockdown")
    assert_no_serious_axe_violation(admin)

    admin.goto("/staff/org-a/lockdown/")
    expect(admin.locator("main")).to_contain_text("The office was raided this morning.")
    expect(admin.locator("main")).to_contain_text("1 API token was revoked for good.")
    assert api_token_authenticate(secret) is None
    admin.get_by_role("button", name="Ask to lift the lockdown").click()
    expect(admin.locator(".messages")).to_contain_text("A second admin must now approve it.")
    expect(admin.locator("main")).to_contain_text("You cannot approve your own request.")
    expect(admin.get_by_role("button", name="Approve: lift the lockdown")).to_have_count(0)
    assert_no_serious_axe_violation(admin)
    assert_no_horizontal_overflow(admin)

    colleague = browser_session.new_page(**PHONE)  # a second browser context
    cache.clear()
    sign_in(colleague, second_admin)
    colleague.goto("/staff/org-a/lockdown/")
    colleague.get_by_role("button", name="Approve: lift the lockdown").click()
    expect(colleague.locator(".messages")).to_contain_text("The lockdown is lifted.")
    assert_no_serious_axe_violation(colleague)
    assert not organization_is_locked(org_a)

    admin.goto("/staff/org-a/people/")
    with admin.expect_download() as download:
        admin.get_by_role("button", name="CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    assert api_token_authenticate(secret) is None  # revoked for good, also after the lift
    admin.goto("/staff/org-a/settings/api-tokens/")
    expect(admin.locator("main")).to_contain_text("revoked by the emergency lockdown")
    browser_session.assert_only_same_host()
