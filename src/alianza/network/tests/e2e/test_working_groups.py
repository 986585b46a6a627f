"""A hub admin, on a 360 px phone screen, adds a representative of a member organization to a
working group; the group page passes axe-core (no serious or critical violation) and nothing
overflows, in English and in Arabic (right to left)."""

from __future__ import annotations

import re

from django_scopes import scopes_disabled
from i18nfield.strings import LazyI18nString
from playwright.sync_api import expect

from alianza.core.tests.e2e.test_public_pages import (
    NARROW,
    assert_no_horizontal_overflow,
    assert_no_serious_axe_violation,
    switch_language,
)
from alianza.core.tests.factories import make_organization
from alianza.network.models import WorkingGroupMember
from alianza.network.tests.factories import make_group, make_hub


def test_a_hub_admin_adds_a_member_to_a_working_group_on_a_phone(org_a, owner, browser_session, sign_in) -> None:
    hub = make_hub(org_a)
    make_organization(slug="casa", name="Casa de la Esperanza")
    group = make_group(hub, name=LazyI18nString({"en": "Housing justice", "ar": "العدالة في السكن"}))

    page = browser_session.new_page(**NARROW)
    sign_in(page, owner)
    page.get_by_role("link", name="Working groups").first.click()
    page.get_by_role("link", name="Housing justice").click()
    expect(page).to_have_url(re.compile(rf"/staff/org-a/network/groups/{group.pk}/$"))

    page.get_by_label("Organization represented").select_option(label="Casa de la Esperanza")
    page.get_by_label("Representative's name").fill("Rosa Pérez")
    page.get_by_label("Representative's contact").fill("+1 512 555 0101")
    page.get_by_label("Role").select_option("co_chair")
    page.get_by_role("button", name="Add to the group").click()

    expect(page.locator(".messages")).to_contain_text("Rosa Pérez is now on the group.")
    expect(page.locator("table")).to_contain_text("Casa de la Esperanza")
    with scopes_disabled():
        member = WorkingGroupMember.objects.get(group=group)
    assert (member.name, member.role, member.represents.slug) == ("Rosa Pérez", "co_chair", "casa")

    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)
    switch_language(page, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)
    browser_session.assert_only_same_host()
