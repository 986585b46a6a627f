"""An organizer adds a Spanish-speaking person on a phone-sized screen, then opens their page:
accessible, no horizontal scrolling, in English and in Arabic."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from alianza.core.tests.e2e.test_public_pages import (
    NARROW,
    assert_no_horizontal_overflow,
    assert_no_serious_axe_violation,
    switch_language,
)


def test_add_a_person_and_read_their_page_at_360px(member, org_a, browser_session, sign_in) -> None:
    page = browser_session.new_page(**NARROW)
    sign_in(page, member)
    expect(page).to_have_url(re.compile(r"/staff/org-a/$"))

    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="Add a person").click()
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)
    page.get_by_label("Given name").fill("María José")
    page.get_by_label("Family name").fill("Hernández")
    page.get_by_label("Preferred language").select_option("es")
    page.get_by_label("Phone", exact=True).fill("(512) 555-0147")
    page.get_by_label("Text message (SMS)").check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("María José Hernández")
    expect(page.locator("main")).to_contain_text("+1 512-555-0147")
    expect(page.locator("main")).to_contain_text("Agreed to be contacted by Text message (SMS)")
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)
    switch_language(page, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_no_horizontal_overflow(page)
    browser_session.assert_only_same_host()
