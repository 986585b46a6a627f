"""A person asks for the erasure of their data from a phone, without JavaScript, in Spanish:
the public request page and its confirmation (axe clean, nothing overflows 360 px, in Spanish
and in Arabic, no request leaves the site), then the link from the e-mail, which asks before it
confirms; the request lands in the organization's staff queue."""

from __future__ import annotations

import re

from django.core import mail
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from alianza.core.tests.e2e.test_public_pages import (
    NARROW,
    assert_no_horizontal_overflow,
    assert_no_serious_axe_violation,
    switch_language,
)
from alianza.people.models import SubjectRequest
from alianza.people.tests.factories import make_person


def test_a_person_asks_for_erasure_on_a_phone_without_javascript(org_a, browser_session):
    make_person(org_a, given_name="Rosa", family_name="Lima", email="rosa@example.org")

    checker = browser_session.new_page(**NARROW)  # axe itself runs as a script
    checker.goto("/privacy/request/")
    assert_no_serious_axe_violation(checker)
    switch_language(checker, "ar")
    assert_no_horizontal_overflow(checker)
    assert_no_serious_axe_violation(checker)

    page = browser_session.new_page(**NARROW, java_script_enabled=False)
    page.goto("/privacy/request/")
    switch_language(page, "es")
    assert_no_horizontal_overflow(page)
    page.locator("input[name=kind][value=erasure]").check()
    page.locator("#id_contact").fill("rosa@example")  # a typo first: explained, and kept
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_contact")).to_have_value("rosa@example")
    expect(page.locator(".errors")).to_be_visible()
    assert_no_horizontal_overflow(page)
    page.locator("#id_contact").fill("rosa@example.org")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/privacy/request/sent/$"))
    assert_no_horizontal_overflow(page)

    (message,) = mail.outbox
    assert message.to == ["rosa@example.org"]
    path = re.search(r"(/privacy/confirm/[^/\s]+/)", message.body).group(1)
    page.goto(path)
    with scopes_disabled():
        assert SubjectRequest.objects.count() == 0  # opening the link confirms nothing yet
    assert_no_horizontal_overflow(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main h1")).to_be_visible()
    assert_no_horizontal_overflow(page)
    with scopes_disabled():
        request = SubjectRequest.objects.get()
    assert (request.organization, request.kind, request.language, request.email) == (
        org_a,
        "erasure",
        "es",
        "rosa@example.org",
    )

    checker.goto(path)  # used: the link no longer works, and the page says so
    expect(checker.locator("main h1")).to_be_visible()
    assert_no_serious_axe_violation(checker)
    browser_session.assert_only_same_host()
