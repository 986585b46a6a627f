"""An organizer builds a segment on a phone-sized screen: the live count follows the filters
(htmx), the segment is saved, its people are put in a list and the pages are accessible,
without horizontal scrolling, in English and Arabic. Without JavaScript, "Count" does it."""

from __future__ import annotations

import re

from django_scopes import scopes_disabled
from playwright.sync_api import expect

from alianza.core.tests.e2e.test_public_pages import (
    NARROW,
    assert_no_horizontal_overflow,
    assert_no_serious_axe_violation,
    switch_language,
)
from alianza.core.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET
from alianza.people.tests.factories import make_person, make_tag


def _sign_in(page, user, fresh_totp_code) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(user.email)
    page.locator('input[name="password"]').fill(TEST_PASSWORD)
    page.locator('form:has(input[name="password"]) button[type="submit"]').first.click()
    page.locator('input[name="code"]').fill(fresh_totp_code(TEST_TOTP_SECRET))
    page.locator('form:has(input[name="code"]) button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(r"/staff/org-a/$"))


def _people(org) -> None:  # type: ignore[no-untyped-def]
    volunteer = make_tag(org, "volunteer")
    for n, (language, zip_code) in enumerate([("es", "78701"), ("es", "78666"), ("en", "78702")]):
        person = make_person(org, family_name=f"Lima{n}", preferred_language=language, zip_code=zip_code)
        with scopes_disabled():
            person.tags.add(volunteer)


def test_build_a_segment_with_a_live_count_at_360px(member, org_a, browser_session, fresh_totp_code) -> None:
    _people(org_a)
    page = browser_session.new_page(**NARROW)
    _sign_in(page, member, fresh_totp_code)

    page.get_by_role("link", name="Segments", exact=True).click()
    page.get_by_role("link", name="New segment").click()
    count = page.locator("#segment-count")
    expect(count).to_have_text("3 people match")
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)

    page.get_by_label("Spanish").check()
    expect(count).to_have_text("2 people match")
    page.get_by_label("ZIP code starts with").fill("787")
    page.get_by_label("ZIP code starts with").blur()
    expect(count).to_have_text("1 person matches")
    page.get_by_label("Name of the segment").fill("Central Spanish speakers")
    page.get_by_role("button", name="Save the segment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Central Spanish speakers")
    expect(page.locator("main")).to_contain_text("1 person matches now")
    expect(page.locator("main table")).to_contain_text("Lima0")
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)

    page.get_by_role("link", name="Add these people to a list").click()
    page.get_by_label("Or to a new list named").fill("Phone bank")
    page.get_by_role("button", name="Add them").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phone bank")
    expect(page.locator("main table")).to_contain_text("Lima0")
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)
    switch_language(page, "ar")
    assert_no_horizontal_overflow(page)
    browser_session.assert_only_same_host()


def test_count_without_javascript(member, org_a, browser_session, fresh_totp_code) -> None:
    _people(org_a)
    page = browser_session.new_page(**NARROW, java_script_enabled=False)
    _sign_in(page, member, fresh_totp_code)
    page.goto("/staff/org-a/people/segments/new/")
    page.get_by_label("Spanish").check()
    page.get_by_role("button", name="Count").click()
    expect(page.locator("#segment-count")).to_have_text("2 people match")
    expect(page.get_by_label("Spanish")).to_be_checked()  # what was chosen stays
