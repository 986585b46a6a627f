"""A petition in a real browser: a Spanish-speaking visitor signs on a 360 px screen (axe clean,
nothing overflows, no request leaves the site); a first try without a way to reach them keeps
what they typed; after signing, the public counter went up."""

from __future__ import annotations

from django_scopes import scope
from playwright.sync_api import expect

from alianza.actions.models import Signature
from alianza.actions.tests.factories import make_petition, make_signature
from alianza.core.tests.e2e.test_public_pages import (
    NARROW,
    assert_no_horizontal_overflow,
    assert_no_serious_axe_violation,
    switch_language,
)


def test_a_spanish_speaker_signs_on_a_phone_and_the_counter_goes_up(org_a, browser_session):
    petition = make_petition(org_a, goal=10)
    make_signature(petition, show_name=True)
    page = browser_session.new_page(**NARROW)
    page.goto(petition.get_public_url())
    switch_language(page, "es")
    expect(page.locator("main h1")).to_have_text(str(petition.title.localize("es")))
    expect(page.locator("#petition-count")).to_have_text("1 firma de 10")
    expect(page.locator("progress.petition-progress")).to_have_attribute("value", "10")
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)

    page.locator("#id_name").fill("Rosa Hernández")
    page.locator("#id_zip_code").fill("78702")
    page.get_by_role("button", name="Firmar").click()
    expect(page.get_by_text("Da un correo electrónico o un número de teléfono.")).to_be_visible()
    expect(page.locator("#id_name")).to_have_value("Rosa Hernández")  # nothing typed is lost
    assert_no_horizontal_overflow(page)

    page.locator("#id_email").fill("rosa@example.org")
    page.get_by_label("Mostrar mi nombre públicamente", exact=False).check()
    page.locator("#id_comment").fill("Por mis hijos")
    page.get_by_role("button", name="Firmar").click()
    expect(page.locator("main h1")).to_have_text("Gracias")
    assert_no_serious_axe_violation(page)

    page.get_by_role("link", name="Volver a la petición").click()
    expect(page.locator("#petition-count")).to_have_text("2 firmas de 10")
    expect(page.locator("progress.petition-progress")).to_have_attribute("value", "20")
    expect(page.locator(".recent-signers")).to_contain_text("Rosa H.")
    with scope(organization=org_a):
        signature = Signature.objects.select_related("person").get(person__emails__email="rosa@example.org")
    assert (signature.language, signature.show_name, signature.comment) == ("es", True, "Por mis hijos")
    browser_session.assert_only_same_host()
