"""Events in a real browser: a Spanish-speaking visitor RSVPs on a 360 px screen, reading and
accepting the code of conduct (axe clean, nothing overflows, no request leaves the site, the
hidden address is nowhere in the page), then opens the link of the confirmation e-mail; the
receipt page of an answer kept during a burst, right to left on a phone; and an organizer checks
people in on a phone-sized screen."""

from __future__ import annotations

from django.core import mail
from django.db import connection
from django.urls import reverse
from django_scopes import scope
from playwright.sync_api import expect

from alianza.actions.models import RSVP
from alianza.actions.rsvp_answers import rsvp_receive
from alianza.actions.tests.factories import event_lock_held, make_conduct, make_event, make_rsvp
from alianza.core.tests.e2e.test_public_pages import (
    NARROW,
    assert_no_horizontal_overflow,
    assert_no_serious_axe_violation,
    switch_language,
)
from alianza.network.tests.factories import make_hub
from alianza.people.tests.factories import make_person


def test_a_spanish_speaker_rsvps_on_a_phone_with_the_code_of_conduct(org_a, browser_session):
    hub = make_hub(org_a)
    conduct = make_conduct(hub)
    event = make_event(org_a, requires_code_of_conduct=True, capacity=20, hide_address=True)
    page = browser_session.new_page(**NARROW)
    page.goto(event.get_public_url())
    switch_language(page, "es")
    expect(page.locator("main h1")).to_have_text("Vigilia " + str(event.title).split()[-1])
    expect(page.get_by_text("Somos no violentos y respetuosos.")).to_be_visible()
    assert "1206 E 9th St" not in page.content()
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)

    page.locator("#id_name").fill("Rosa Hernández")
    page.locator("#id_email").fill("rosa@example.org")
    page.get_by_label("Pueden enviarme mensajes de texto (SMS).").check()
    page.get_by_role("button", name="Registrarme").click()
    expect(page.get_by_text("marca esta casilla")).to_be_visible()  # the code was not accepted yet
    expect(page.locator("#id_name")).to_have_value("Rosa Hernández")  # nothing typed is lost
    assert_no_horizontal_overflow(page)
    page.get_by_label("Leí el código de conducta que aparece arriba, y lo acepto.").check()
    page.get_by_role("button", name="Registrarme").click()
    expect(page.locator("main h1")).to_have_text("Gracias")
    assert_no_serious_axe_violation(page)

    with scope(organization=org_a):
        rsvp = RSVP.objects.select_related("person").get()
    assert (rsvp.status, rsvp.language, rsvp.conduct_version_id) == ("confirmed", "es", conduct.pk)
    (message,) = mail.outbox
    link = next(line for line in message.body.splitlines() if "/rsvp/" in line).strip()
    page.goto(link[link.index("/rsvp/") :])
    expect(page.locator(".event-address")).to_have_text("1206 E 9th St, Austin")
    assert_no_horizontal_overflow(page)
    browser_session.assert_only_same_host()


def test_the_receipt_of_an_answer_kept_during_a_burst_in_arabic_on_a_phone(org_a, browser_session):
    event = make_event(org_a, capacity=1, waitlist=False)
    make_rsvp(event)  # the only place is taken: the answer will be refused, the form given back
    answer = rsvp_receive(
        event=event, name="ليلى حداد", email="layla@example.org", phone="", language="ar", consents={}
    )
    receipt = reverse(
        "actions:event_answer", kwargs={"slug": org_a.slug, "token": event.token, "receipt": answer.receipt}
    )
    page = browser_session.new_page(**NARROW)
    page.goto(event.get_public_url())
    switch_language(page, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    if connection.vendor == "postgresql":  # another request allocating: the page waits (row locks)
        with event_lock_held(event):
            page.goto(receipt)
            expect(page.locator(".answer-waiting")).to_be_visible()
            assert_no_serious_axe_violation(page)
            assert_no_horizontal_overflow(page)

    if connection.vendor == "postgresql":
        page.get_by_role("link", name="See the result").click()  # allocated now: refused, the event is full
    else:
        page.goto(receipt)  # allocated on the first load: refused, the event is full
    expect(page.locator("#id_name")).to_have_value("ليلى حداد")  # the form comes back filled in
    expect(page.locator("#id_email")).to_have_value("layla@example.org")
    expect(page.get_by_role("alert")).to_contain_text("This event is full.")
    assert page.locator(".answer-waiting").count() == 0
    assert_no_serious_axe_violation(page)
    assert_no_horizontal_overflow(page)
    browser_session.assert_only_same_host()


def test_an_organizer_checks_people_in_on_a_phone(org_a, member, browser_session, sign_in):
    event = make_event(org_a)
    make_rsvp(event, make_person(org_a, given_name="Ana", family_name="Flores", email="ana@example.org"))
    make_rsvp(event, make_person(org_a, given_name="Bea", family_name="Soto", email="bea@example.org"))
    page = browser_session.new_page(**NARROW)
    sign_in(page, member)
    page.goto(f"/staff/{org_a.slug}/events/{event.pk}/check-in/")
    page.get_by_label("Name, e-mail or phone").fill("flores")
    expect(page.locator(".checkin-row")).to_have_count(1)  # htmx filtered the list
    page.get_by_role("button", name="Check in Ana Flores").click()
    expect(page.locator(".checkin-row.is-here")).to_contain_text("Checked in")
    assert_no_horizontal_overflow(page)

    page.get_by_text("Add a walk-in").click()
    page.locator("#id_name").fill("Carmen Ruiz")
    page.locator("#id_phone").fill("512 555 0177")
    page.locator(".walk-in button[type=submit]").click()
    expect(page.get_by_text("Carmen Ruiz is checked in.")).to_be_visible()
    with scope(organization=org_a):
        here = set(
            RSVP.objects.filter(event=event, attended_at__isnull=False).values_list("person__given_name", flat=True)
        )
    assert here == {"Ana", "Carmen"}
    browser_session.assert_only_same_host()
