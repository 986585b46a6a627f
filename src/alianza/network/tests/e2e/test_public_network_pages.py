"""The network's public pages in a real browser: no serious or critical axe-core violation,
nothing overflows a 360 px wide screen (English and Arabic), the "Join us" forms work without
JavaScript, and no request leaves the site."""

from __future__ import annotations

import re

import pytest
from django_scopes import scope
from i18nfield.strings import LazyI18nString
from playwright.sync_api import Page, expect

from alianza.core.tests.e2e.test_public_pages import (
    NARROW,
    assert_no_horizontal_overflow,
    assert_no_serious_axe_violation,
    switch_language,
)
from alianza.core.tests.factories import make_organization
from alianza.network.models import IndividualSignup
from alianza.network.tests.factories import make_hub, make_principles

PAGES = ["/join/", "/members/", "/members/esperanza/"]


@pytest.fixture
def network(org_a):
    hub = make_hub(org_a)
    make_principles(hub)
    make_organization(
        slug="esperanza",
        name="Casa de la Esperanza",
        kinds=["legal", "faith"],
        counties=["Travis", "Hays"],
        languages=["es", "en"],
        tagline=LazyI18nString({"en": "Court accompaniment", "es": "Acompañamiento en la corte"}),
        description=LazyI18nString({"en": "We go to court with families."}),
        website="https://esperanza.example",
        public_email="hola@esperanza.example",
    )
    return hub


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_accessibility_violation(page: Page, path: str, network, browser_session) -> None:
    page.goto(path)
    expect(page.locator("main h1")).to_be_visible()
    assert_no_serious_axe_violation(page)

    switch_language(page, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_no_serious_axe_violation(page)

    browser_session.assert_only_same_host()


@pytest.mark.parametrize("path", PAGES)
def test_page_fits_a_360px_screen_in_english_and_arabic(path: str, network, browser_session) -> None:
    page = browser_session.new_page(**NARROW)  # no mobile emulation: it would zoom out to fit
    page.goto(path)
    assert_no_horizontal_overflow(page)

    switch_language(page, "ar")
    expect(page).to_have_url(re.compile(re.escape(path) + r"$"))
    assert_no_horizontal_overflow(page)

    browser_session.assert_only_same_host()


def test_a_person_joins_without_javascript_on_a_narrow_screen(network, browser_session) -> None:
    page = browser_session.new_page(java_script_enabled=False, **NARROW)
    page.goto("/join/")
    form = page.locator("form:has(input[name='form'][value='person'])")
    form.get_by_label("Your name").fill("José Ramírez")
    form.get_by_label("Phone").fill("+1 512 555 0199")
    form.get_by_label("Volunteer", exact=True).check()
    form.get_by_label("I have read the coalition's values and principles").check()
    form.locator("button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/join/thanks/(#[\w-]*)?$"))  # the form's #anchor is kept
    expect(page.locator("main h1")).to_have_text("Thank you")
    with scope(organization=network):
        signup = IndividualSignup.objects.get()
    assert (signup.name, signup.phone, signup.joins_as) == ("José Ramírez", "+1 512 555 0199", "volunteer")
    browser_session.assert_only_same_host()


def test_a_mistake_keeps_what_was_typed_without_javascript(network, browser_session) -> None:
    page = browser_session.new_page(java_script_enabled=False)
    page.goto("/join/")
    form = page.locator("form:has(input[name='form'][value='organization'])")
    form.get_by_label("Name of the organization").fill("Casa Nueva")
    form.get_by_label("Contact e-mail").fill("not-an-address")
    form.locator("button[type='submit']").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(page.get_by_label("Name of the organization")).to_have_value("Casa Nueva")
