"""Campaigns in a real browser: a Spanish-speaking visitor reads a public campaign page on a
360 px screen (and in Arabic, right to left), and an organizer records a victory."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from django_scopes import scopes_disabled
from i18nfield.strings import LazyI18nString
from playwright.sync_api import expect

from alianza.campaigns.models import Victory
from alianza.campaigns.tests.factories import make_ally, make_campaign, make_goal, make_victory
from alianza.core.tests.e2e.test_public_pages import (
    NARROW,
    assert_no_horizontal_overflow,
    assert_no_serious_axe_violation,
    switch_language,
)


def test_a_spanish_speaker_reads_a_campaign_on_a_narrow_screen(org_a, org_b, browser_session):
    campaign = make_campaign(
        org_a,
        slug="licencias",
        is_public=True,
        partners=[org_b],
        title=LazyI18nString({"en": "Driver's licenses for all", "es": "Licencias de manejo para todos"}),
        summary=LazyI18nString({"en": "Drive without fear.", "es": "Manejar sin miedo."}),
        story=LazyI18nString({"es": "Sin licencia, una luz trasera rota puede separar a una familia."}),
        targets=["Gobernador del estado", "Departamento de Seguridad Pública"],
    )
    make_ally(campaign, name="Alianza por la Seguridad Vial", url="https://vial.example.org")
    make_victory(campaign, title=LazyI18nString({"en": "The county said yes", "es": "El condado dijo que sí"}),
                 evidence_url="https://noticias.example.org/victoria")  # fmt: skip

    page = browser_session.new_page(**NARROW)  # no mobile emulation: it would zoom out to fit
    page.goto("/campaigns/")
    switch_language(page, "es")
    page.get_by_role("link", name="Licencias de manejo para todos").click()
    expect(page).to_have_url(re.compile(r"/campaigns/licencias/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Licencias de manejo para todos")
    expect(page.get_by_role("heading", name="Qué puedes hacer ahora")).to_be_visible()
    expect(page.get_by_role("heading", name="El condado dijo que sí")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Manejar sin miedo.")
    assert_no_horizontal_overflow(page)
    assert_no_serious_axe_violation(page)

    switch_language(page, "ar")  # right to left; no Arabic text: the default language shows
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Driver's licenses for all")
    assert_no_horizontal_overflow(page)
    browser_session.assert_only_same_host()


def test_an_organizer_records_a_victory(member, org_a, browser_session, sign_in):
    campaign = make_campaign(org_a, title=LazyI18nString({"en": "Safe homes"}))
    make_goal(campaign, title="500 tenants organized", target_value=500)
    page = browser_session.new_page(**NARROW)
    sign_in(page, member)
    page.get_by_role("link", name="Campaigns", exact=True).click()
    page.get_by_role("link", name="Safe homes").click()
    assert_no_serious_axe_violation(page)
    page.get_by_role("link", name="Record a victory").click()
    expect(page.get_by_role("heading", name="Record a victory")).to_be_visible()
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)

    won_on = timezone.localdate() - timedelta(days=1)
    page.locator("#id_title_0").fill("The county funded tenant legal defense")
    page.locator("#id_title_1").fill("El condado financió la defensa legal de inquilinos")
    page.get_by_label("Date").fill(won_on.isoformat())
    page.get_by_label("Evidence link").fill("javascript:alert(1)")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".errors")).to_contain_text("Enter a")  # refused, with what was typed kept
    expect(page.locator("#id_title_0")).to_have_value("The county funded tenant legal defense")
    page.get_by_label("Evidence link").fill("https://news.example.org/tenant-defense")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(rf"/staff/org-a/campaigns/{campaign.pk}/#victories$"))
    expect(page.locator(".messages")).to_contain_text("The victory is on the record.")
    expect(page.get_by_role("heading", name="The county funded tenant legal defense")).to_be_visible()
    assert_no_serious_axe_violation(page)
    with scopes_disabled():
        victory = Victory.objects.get()
    assert (victory.won_on, victory.evidence_url) == (won_on, "https://news.example.org/tenant-defense")
    assert victory.title.data["es"] == "El condado financió la defensa legal de inquilinos"
    browser_session.assert_only_same_host()
