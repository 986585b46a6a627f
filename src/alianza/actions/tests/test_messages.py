"""Confirmation and reminder e-mails: in the person's language, each sent once however often the
task or the reminder sweep runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope

from alianza.actions.models import RSVP, Event
from alianza.actions.tasks import event_reminders_send, send_event_reminders, send_rsvp_confirmations
from alianza.actions.tests.factories import make_event, make_rsvp


def test_the_confirmation_is_sent_once(org_a):
    rsvp = make_rsvp(make_event(org_a), language="es")
    args = {"rsvp_ids": [rsvp.pk], "organization_id": str(org_a.pk)}
    assert send_rsvp_confirmations.call(**args) == 1
    assert send_rsvp_confirmations.call(**args) == 0
    assert len(mail.outbox) == 1


def test_a_failed_send_releases_the_claim_and_the_batch_tries_every_rsvp(org_a, settings):
    event = make_event(org_a)
    rsvps = [make_rsvp(event), make_rsvp(event)]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    with pytest.raises(OSError):
        send_rsvp_confirmations.call(rsvp_ids=[r.pk for r in rsvps], organization_id=str(org_a.pk))
    with scope(organization=org_a):
        assert [RSVP.objects.get(pk=r.pk).confirmation_sent_at for r in rsvps] == [None, None]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_rsvp_confirmations.call(rsvp_ids=[r.pk for r in rsvps], organization_id=str(org_a.pk)) == 2


def test_the_reminder_sweep_reminds_each_confirmed_rsvp_once_in_its_language(org_a):
    soon = make_event(org_a, starts_at=timezone.now() + timedelta(hours=5))
    later = make_event(org_a, starts_at=timezone.now() + timedelta(days=3))
    started = make_event(org_a, starts_at=timezone.now() - timedelta(minutes=5))
    cancelled = make_event(org_a, starts_at=timezone.now() + timedelta(hours=5), status=Event.Status.CANCELLED)
    es = make_rsvp(soon, language="es")
    make_rsvp(soon, status=RSVP.Status.WAITLISTED)
    make_rsvp(soon, status=RSVP.Status.CANCELLED)
    for event in (later, started, cancelled):
        make_rsvp(event)

    assert event_reminders_send() == 1
    assert send_event_reminders.call() == 0  # the sweep is safe to run again
    assert [m.to for m in mail.outbox] == [[es.email]]
    assert "Recordatorio" in mail.outbox[0].subject
    assert "1206 E 9th St" in mail.outbox[0].body


def test_no_message_without_an_email(org_a):
    rsvp = make_rsvp(make_event(org_a, starts_at=timezone.now() + timedelta(hours=2)), email="")
    assert send_rsvp_confirmations.call(rsvp_ids=[rsvp.pk], organization_id=str(org_a.pk)) == 0
    assert event_reminders_send() == 0
    assert mail.outbox == []


def test_the_reminder_sweep_is_scheduled():
    from alianza.actions.tasks import send_event_reminders
    from alianza.core import schedule

    periodic = {p.name: p for p in schedule.registered()}["actions.event_reminders"]
    assert periodic.task is send_event_reminders
