"""An admin manages the team in the browser: removing access asks for confirmation first."""

from __future__ import annotations

import re

from django_scopes import scopes_disabled
from playwright.sync_api import expect

from alianza.core.models import Membership


def test_removing_access_asks_first(owner, member, org_a, browser_session, sign_in) -> None:
    page = browser_session.new_page()
    sign_in(page, owner)
    expect(page).to_have_url(re.compile(r"/staff/org-a/$"))
    page.goto("/staff/org-a/members/")
    row = page.locator("tr", has_text=member.email)
    dialogs: list[str] = []

    page.once("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    row.get_by_role("button", name="Remove access").click()
    expect(page.locator("main")).to_contain_text(member.email)
    with scopes_disabled():
        assert Membership.objects.filter(user=member).exists()

    page.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    row.get_by_role("button", name="Remove access").click()
    expect(page.locator(".messages")).to_contain_text("Access removed.")
    expect(page.locator("table")).not_to_contain_text(member.email)
    assert dialogs == [f"Remove the access of {member.email}?"] * 2
    with scopes_disabled():
        assert not Membership.objects.filter(user=member).exists()
    browser_session.assert_only_same_host()
