"""Passkeys end to end: staff add one (after password + TOTP), then sign in with it alone.

Chromium's virtual authenticator (Chrome DevTools Protocol, ``WebAuthn`` domain) plays the
security key: a CTAP2 platform authenticator with resident keys and user verification that
answers every ceremony by itself, so no dialog ever waits for a person.
"""

from __future__ import annotations

import re

from allauth.mfa.models import Authenticator
from playwright.sync_api import Page, expect

from alianza.core.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET

from .test_staff_login import ORG_HOME, _path_is, _sign_in_with_password, _submit_code

PASSKEY_NAME = "Olga's laptop"
VIRTUAL_AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


def _add_virtual_authenticator(page: Page):  # type: ignore[no-untyped-def]
    """Attach a virtual authenticator to ``page``; returns the CDP session and its id."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator_id = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": VIRTUAL_AUTHENTICATOR})[
        "authenticatorId"
    ]
    return cdp, authenticator_id


def _log_browser_console(page: Page) -> None:
    """Console messages and uncaught errors go to stdout, which pytest shows when a test fails
    (allauth's webauthn.js reports a failed ceremony with ``console.error``)."""
    page.on("console", lambda message: print(f"[console.{message.type}] {message.text}"))
    page.on("pageerror", lambda error: print(f"[pageerror] {error}"))


def test_staff_adds_a_passkey_and_signs_in_with_it(owner, browser_session, fresh_totp_code, settings) -> None:
    # The live server runs in this process with DEBUG off, so allauth would not accept a
    # non-HTTPS origin. (fido2 already accepts http://localhost as the WebAuthn spec does; the
    # setting keeps the test independent of that.)
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True

    page = browser_session.new_page()
    _log_browser_console(page)
    cdp, authenticator_id = _add_virtual_authenticator(page)

    # 1. Password + TOTP, then add a passkey.
    _sign_in_with_password(page, owner.email)
    _submit_code(page, fresh_totp_code(TEST_TOTP_SECRET))
    expect(page).to_have_url(_path_is(ORG_HOME))

    # Adding a key needs an explicit re-authentication: allauth counts only records marked
    # "reauthenticated", so even a sign-in a moment ago asks for the password again.
    page.goto("/accounts/2fa/webauthn/add/")
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/\?next=%2Faccounts%2F2fa%2Fwebauthn%2Fadd%2F$"))
    page.locator('input[name="password"]').fill(TEST_PASSWORD)
    page.locator('form:has(input[name="password"]) button[type="submit"]').first.click()
    expect(page).to_have_url(_path_is("/accounts/2fa/webauthn/add/"))

    page.locator("input#id_name").fill(PASSKEY_NAME)
    passwordless = page.locator("input#id_passwordless")  # offered because MFA_PASSKEY_LOGIN_ENABLED
    passwordless.check()
    expect(passwordless).to_be_checked()
    page.locator("button#mfa_webauthn_add").click()

    # The form posts the new credential and leaves the page (to the recovery codes allauth
    # generates with a first key, or to the two-factor overview).
    expect(page).not_to_have_url(_path_is("/accounts/2fa/webauthn/add/"))
    expect(page).to_have_url(re.compile(r"/accounts/2fa/(recovery-codes/)?$"))

    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert len(credentials) == 1, credentials
    assert credentials[0]["isResidentCredential"] is True, credentials[0]
    stored = Authenticator.objects.get(user=owner, type=Authenticator.Type.WEBAUTHN)
    assert stored.wrap().name == PASSKEY_NAME
    assert stored.wrap().is_passwordless is True

    page.goto("/accounts/2fa/webauthn/")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(PASSKEY_NAME)
    expect(rows.first).to_contain_text("Passkey")

    # 2. Sign out; sign in with the passkey alone.
    page.locator(".account-nav").get_by_role("button", name="Sign out").click()
    expect(page.locator(".account-nav")).to_contain_text("Staff sign in")

    page.goto("/accounts/login/")
    expect(page.locator('input[name="password"]')).to_be_empty()
    first_request_after_click = len(browser_session.requests)
    page.get_by_role("button", name="Sign in with a passkey").click()

    expect(page).to_have_url(_path_is(ORG_HOME))
    expect(page.locator("main")).to_contain_text("Organization A")
    expect(page.locator(".account-nav")).to_contain_text("Sign out")
    after_click = browser_session.requests[first_request_after_click:]
    assert any(re.search(r"/accounts/2fa/webauthn/login/", url) for url in after_click), after_click
    # Neither the password form nor the TOTP step took part.
    assert not any(re.search(r"/accounts/2fa/authenticate/", url) for url in after_click), after_click

    stored.refresh_from_db()
    assert stored.last_used_at is not None

    # 3. Nothing left the live server.
    browser_session.assert_only_same_host()
