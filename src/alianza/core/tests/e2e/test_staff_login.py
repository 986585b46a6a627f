"""Staff sign in with e-mail, password and TOTP; an invited colleague sets up their account."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from django.urls import reverse
from playwright.sync_api import Page, expect

from alianza.core.memberships import invitation_token
from alianza.core.permissions import Role
from alianza.core.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, make_invitation
from alianza.core.two_factor import totp_code

ORG_HOME = "/staff/org-a/"


def _path_is(path: str) -> re.Pattern[str]:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def _sign_in_with_password(page: Page, email: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    page.locator('form:has(input[name="password"]) button[type="submit"]').first.click()
    expect(page).to_have_url(_path_is("/accounts/2fa/authenticate/"))


def _submit_code(page: Page, code: str) -> None:
    page.locator('input[name="code"]').fill(code)
    page.locator('form:has(input[name="code"]) button[type="submit"]').first.click()


def _switch_language(page: Page, code: str) -> None:
    form = page.locator("form.language-form")
    form.locator("select#language-select").select_option(code)
    form.locator('button[type="submit"]').click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def _wrong_code(secret: str) -> str:
    """A six-digit code that is valid for no time step near now."""
    now = time.time()
    valid = {totp_code(secret, at=now + offset) for offset in range(-120, 121, 30)}
    return next(c for c in (f"{n:06d}" for n in range(0, 1_000_000, 111_111)) if c not in valid)


def test_staff_signs_in_with_totp_and_switches_language(page: Page, owner, browser_session, fresh_totp_code) -> None:
    _sign_in_with_password(page, owner.email)
    _submit_code(page, fresh_totp_code(TEST_TOTP_SECRET))

    expect(page).to_have_url(_path_is(ORG_HOME))
    expect(page.locator("main")).to_contain_text("Organization A")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    expect(html).to_have_attribute("dir", "ltr")

    _switch_language(page, "es")
    expect(page).to_have_url(_path_is(ORG_HOME))
    expect(html).to_have_attribute("dir", "ltr")

    _switch_language(page, "ar")
    expect(page).to_have_url(_path_is(ORG_HOME))
    expect(html).to_have_attribute("dir", "rtl")

    _switch_language(page, "en")
    expect(page).to_have_url(_path_is(ORG_HOME))
    expect(html).to_have_attribute("dir", "ltr")

    browser_session.assert_only_same_host()


def test_wrong_totp_code_is_refused(page: Page, owner, browser_session) -> None:
    _sign_in_with_password(page, owner.email)
    _submit_code(page, _wrong_code(TEST_TOTP_SECRET))

    expect(page).to_have_url(_path_is("/accounts/2fa/authenticate/"))
    expect(page.locator('input[name="code"]')).to_be_visible()

    # Half signed in: the staff page sends them to sign in, and allauth resumes the pending
    # two-factor step instead of letting them through.
    response = page.request.get(ORG_HOME, max_redirects=0)
    assert response.status == 302, response.status
    assert urlsplit(response.headers["location"]).path == "/accounts/login/", response.headers["location"]
    page.goto(ORG_HOME)
    expect(page).to_have_url(re.compile(r"/accounts/(login|2fa/authenticate)/"))
    expect(page.locator("main")).not_to_contain_text("Organization A")

    browser_session.assert_only_same_host()


def test_invited_colleague_sets_password_and_two_factor(
    page: Page, owner, org_a, browser_session, fresh_totp_code
) -> None:
    invitation = make_invitation(org_a, email="newcolleague@a.alianza.example", role=Role.ORGANIZER, invited_by=owner)
    accept_url = reverse("core:invitation_accept", kwargs={"token": invitation_token(invitation)})

    page.goto(accept_url)
    expect(page.locator("h1")).to_contain_text("Organization A")
    page.get_by_label("Your name").fill("Nadia Newcolleague")
    page.locator('input[name="password1"]').fill("Sanctuary-Lantern-2026")
    page.locator('input[name="password2"]').fill("Sanctuary-Lantern-2026")
    page.locator('main form button[type="submit"]').click()

    # No two-factor yet: the middleware sends them to set up an authenticator app.
    expect(page).to_have_url(_path_is("/accounts/2fa/totp/activate/"))
    secret_input = page.locator("input#authenticator_secret")
    expect(secret_input).to_have_value(re.compile(r"^[A-Z2-7]{16,}=*$"))
    secret = secret_input.input_value()
    page.locator('input[name="code"]').fill(fresh_totp_code(secret))
    page.locator('form:has(input[name="code"]) button[type="submit"]').first.click()

    # allauth shows the new recovery codes (or its two-factor overview) next.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/(recovery-codes/)?$"))
    page.locator("a.brand").click()  # the dashboard forwards a one-organization user to it
    expect(page).to_have_url(_path_is(ORG_HOME))
    expect(page.locator("main")).to_contain_text("Organization A")

    browser_session.assert_only_same_host()


def test_staff_signs_in_without_javascript(owner, browser_session, fresh_totp_code) -> None:
    """Sign-in pages load allauth's passkey scripts, but password + TOTP must not need them."""
    page = browser_session.new_page(java_script_enabled=False)
    _sign_in_with_password(page, owner.email)
    _submit_code(page, fresh_totp_code(TEST_TOTP_SECRET))

    expect(page).to_have_url(_path_is(ORG_HOME))
    expect(page.locator("main")).to_contain_text("Organization A")

    browser_session.assert_only_same_host()
