"""A staff-built form in a real browser: a Spanish-speaking visitor fills a volunteer sign-up on
a 360 px screen (axe clean, nothing overflows, no request leaves the site), forgets a required
question, finds what they typed kept with the error in Spanish, and sends it; the person, their
answers and their consent are stored."""

from __future__ import annotations

from django_scopes import scope
from i18nfield.strings import LazyI18nString
from playwright.sync_api import expect

from alianza.actions.models import FormField, FormSubmission
from alianza.actions.tests.factories import make_form, make_form_field
from alianza.core.tests.e2e.test_public_pages import (
    NARROW,
    assert_no_horizontal_overflow,
    assert_no_serious_axe_violation,
    switch_language,
)
from alianza.people.models import ConsentRecord

K = FormField.Kind


def test_a_spanish_speaker_signs_up_to_volunteer_on_a_phone(org_a, browser_session):
    form = make_form(
        org_a,
        title=LazyI18nString({"en": "Volunteer with us", "es": "Sé voluntario con nosotros"}),
        intro=LazyI18nString({"en": "Tell us when you can help.", "es": "Dinos cuándo puedes ayudar."}),
        is_volunteer_signup=True,
    )
    when = make_form_field(
        form,
        kind=K.MULTI_CHOICE,
        required=True,
        label=LazyI18nString({"en": "When can you help?", "es": "¿Cuándo puedes ayudar?"}),
    )
    role = make_form_field(
        form,
        kind=K.CHOICE,
        label=LazyI18nString({"en": "What would you like to do?", "es": "¿Qué te gustaría hacer?"}),
        options=[
            {"key": "1", "label": {"en": "Phone banking", "es": "Llamadas"}},
            {"key": "2", "label": {"en": "Interpreting", "es": "Interpretación"}},
        ],
    )
    start = make_form_field(form, kind=K.DATE, label=LazyI18nString({"en": "From when?", "es": "¿Desde cuándo?"}))
    sms = make_form_field(
        form,
        kind=K.CONSENT,
        consent_channel="sms",
        label=LazyI18nString({"en": "You may text me.", "es": "Pueden enviarme mensajes de texto."}),
    )

    page = browser_session.new_page(**NARROW)
    page.goto(form.get_public_url())
    switch_language(page, "es")
    expect(page.locator("main h1")).to_have_text("Sé voluntario con nosotros")
    expect(page.get_by_text("Dinos cuándo puedes ayudar.")).to_be_visible()
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)

    page.locator("#id_name").fill("Rosa Hernández")
    page.locator("#id_email").fill("rosa@example.org")
    page.get_by_label("Interpretación").check()
    page.get_by_role("button", name="Enviar").click()
    expect(page.get_by_text("Esta pregunta necesita una respuesta.")).to_be_visible()  # "when" was left empty
    expect(page.locator("#id_name")).to_have_value("Rosa Hernández")  # nothing typed is lost
    expect(page.get_by_label("Interpretación")).to_be_checked()
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)

    page.get_by_label("Tardes").check()
    page.locator(f"#id_answer_{start.pk}").fill("2027-03-01")
    page.get_by_label("Pueden enviarme mensajes de texto.").check()
    page.get_by_role("button", name="Enviar").click()
    expect(page.locator("main h1")).to_have_text("Gracias")
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)

    with scope(organization=org_a):
        submission = FormSubmission.objects.select_related("person").get()
        consent = list(ConsentRecord.objects.filter(person=submission.person).values_list("channel", "granted"))
    assert (submission.person.given_name, submission.language) == ("Rosa", "es")
    assert submission.answers == {
        str(when.pk): ["2"],
        str(role.pk): "2",
        str(start.pk): "2027-03-01",
        str(sms.pk): True,
    }
    assert consent == [("sms", True)]
    browser_session.assert_only_same_host()
