"""An admin defines a choice field on a phone-sized screen, and a segment filters people by it
with the live count: accessible, without horizontal scrolling."""

from __future__ import annotations

from django_scopes import scopes_disabled
from playwright.sync_api import expect

from alianza.core.tests.e2e.test_public_pages import (
    NARROW,
    assert_no_horizontal_overflow,
    assert_no_serious_axe_violation,
    switch_language,
)
from alianza.people.tests.factories import make_person


def test_create_a_choice_field_and_filter_a_segment_by_it_at_360px(owner, org_a, browser_session, sign_in) -> None:
    people = [make_person(org_a, family_name=f"Lima{n}") for n in range(3)]
    page = browser_session.new_page(**NARROW)
    sign_in(page, owner)

    page.get_by_role("link", name="Custom fields", exact=True).click()
    page.get_by_role("link", name="New field").click()
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)
    page.get_by_label("English").first.fill("T-shirt size")  # the label, in English
    page.get_by_label("Type").select_option("choice")
    page.get_by_label("Options (for a choice)").fill("s = Small | Chica\nm = Medium | Mediana\nl = Large | Grande")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main table")).to_contain_text("T-shirt size")
    expect(page.locator("main table")).to_contain_text("t_shirt_size")
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)

    with scopes_disabled():  # two people wear Medium, one Large
        for person, size in zip(people, ["m", "m", "l"], strict=True):
            person.custom = {"t_shirt_size": size}
            person.save(update_fields=["custom"])

    page.goto("/staff/org-a/people/segments/new/")
    count = page.locator("#segment-count")
    expect(count).to_have_text("3 people match")
    page.get_by_label("Medium").check()
    expect(count).to_have_text("2 people match")
    page.get_by_label("Large").check()
    expect(count).to_have_text("3 people match")
    page.get_by_label("Medium").uncheck()
    expect(count).to_have_text("1 person matches")
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)
    page.get_by_label("Name of the segment").fill("Large shirts")
    page.get_by_role("button", name="Save the segment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Large shirts")
    expect(page.locator("main")).to_contain_text("T-shirt size: any of Large")
    expect(page.locator("main table")).to_contain_text("Lima2")
    page.goto("/staff/org-a/people/segments/new/")
    switch_language(page, "ar")  # right to left: the builder still fits
    assert_no_horizontal_overflow(page)
    browser_session.assert_only_same_host()
