"""An organizer finds two records of the same person and merges them field by field."""

from __future__ import annotations

import re

from django_scopes import scopes_disabled
from playwright.sync_api import expect

from alianza.core.tests.e2e.test_public_pages import assert_no_horizontal_overflow, assert_no_serious_axe_violation
from alianza.people.models import MergeRecord, Person
from alianza.people.tests.factories import make_person


def test_find_and_merge_duplicates(member, org_a, browser_session, sign_in) -> None:
    make_person(org_a, given_name="José Luis", family_name="Pérez", zip_code="78701", email="jl@example.org")
    make_person(
        org_a, given_name="Jose Luis", family_name="Perez", zip_code="78701", city="Austin", phone="+15125550147"
    )
    page = browser_session.new_page(width=360, height=740)
    sign_in(page, member)
    expect(page).to_have_url(re.compile(r"/staff/org-a/$"))

    page.get_by_role("link", name="Duplicates").click()
    page.get_by_role("button", name="Look for duplicates now").click()  # the task runs in-process here
    expect(page.locator(".messages")).to_contain_text("Looking for duplicates")  # the redirect has landed
    page.goto("/staff/org-a/people/duplicates/")
    page.get_by_role("link", name="Compare").click()
    expect(page.get_by_role("heading", name="Compare two records")).to_be_visible()
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)
    page.get_by_label("Austin").check()  # the city only the second record has
    page.get_by_role("button", name="Merge into one record").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("José Luis Pérez")
    expect(page.locator("main")).to_contain_text("jl@example.org")
    expect(page.locator("main")).to_contain_text("+1 512-555-0147")
    expect(page.locator("main")).to_contain_text("Austin")
    with scopes_disabled():
        assert Person.objects.count() == 1
        assert MergeRecord.objects.get().fields_from_merged == ["city"]
    browser_session.assert_only_same_host()
