"""Reminders of commitments before their due date: the periodic task really runs (through the
scheduler, on the immediate backend) and really e-mails (locmem, and a real SMTP server), each
commitment once per reminder point, in the recipient's language, to the committing
organization's admins or to the person who agreed to e-mail."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope

from alianza.campaigns.commitments import commitment_reminders_send, reminder_point
from alianza.campaigns.models import CommitmentReminder
from alianza.campaigns.tasks import send_commitment_reminders
from alianza.campaigns.tests.factories import make_campaign, make_commitment
from alianza.core import schedule
from alianza.core.models import AuditEvent
from alianza.core.permissions import Role
from alianza.core.tests.factories import make_membership, make_user
from alianza.people.models import ConsentRecord
from alianza.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


def at(day_offset: int, hour: int = 9) -> datetime:
    """A moment ``day_offset`` days from today, in the coalition's time zone."""
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def partner_admins(org_b, outsider):
    second = make_user("second-admin@b.alianza.example")
    make_membership(org_b, second, Role.ADMIN)
    viewer = make_user("viewer@b.alianza.example")
    make_membership(org_b, viewer, Role.VIEWER)
    return sorted([outsider.email, second.email])


@pytest.fixture
def commitment(org_a, org_b, partner_admins):
    campaign = make_campaign(org_a, partners=[org_b], slug="licenses")
    return make_commitment(
        campaign, committed_organization=org_b, task="Bring 40 people to the vigil", due_on=timezone.localdate()
    )


def test_the_reminder_point_that_applies():
    today = timezone.localdate()
    points = [1, 7]
    assert [reminder_point(today + timedelta(days=d), today, points) for d in (10, 8, 7, 5, 2, 1, 0, -1)] == [
        None, None, 7, 7, 7, 1, 1, None,
    ]  # fmt: skip


def test_the_scheduler_runs_the_reminders(monkeypatch, org_a, org_b, partner_admins):
    """The periodic task registered by the campaigns app, run by ``run_due`` for real."""
    registered = {p.name: p for p in schedule.registered()}
    assert registered["campaigns.commitment_reminders"].task == send_commitment_reminders
    campaign = make_campaign(org_a, partners=[org_b])
    make_commitment(campaign, committed_organization=org_b, due_on=timezone.localdate() + timedelta(days=1))
    monkeypatch.setattr(
        schedule, "_periodics", {"campaigns.commitment_reminders": registered["campaigns.commitment_reminders"]}
    )
    assert schedule.run_due() == ["campaigns.commitment_reminders"]
    assert sorted(m.to[0] for m in mail.outbox) == partner_admins


def test_the_admins_of_the_committing_organization_are_reminded(commitment, partner_admins, org_a):
    run = commitment_reminders_send(now=at(-7))  # seven days before: the first reminder point
    assert (run.sent, run.failed) == (1, 0)
    assert sorted(m.to[0] for m in mail.outbox) == partner_admins
    email = mail.outbox[0]
    due = commitment.due_on
    assert email.subject.startswith("[Alianza] Reminder: “Bring 40 people to the vigil” is due ")
    assert "\n" not in email.subject
    assert "Organization B made a commitment to the campaign “Campaign" in email.body
    assert f"/staff/org-b/campaigns/{commitment.campaign_id}/" in email.body
    assert "in 7 days" in email.body and str(due.year) in email.body
    with scope(organization=org_a):
        reminder = CommitmentReminder.objects.get()
        event = AuditEvent.objects.get(action="campaigns.commitment.reminded")
    assert (reminder.days_before, reminder.recipients, reminder.sent_at is not None) == (7, 2, True)
    assert event.data == {"days_before": 7, "recipients": 2}


def test_each_point_is_reminded_once(commitment):
    assert commitment_reminders_send(now=at(-7)).sent == 1
    assert commitment_reminders_send(now=at(-7, hour=15)).sent == 0  # the same day again
    assert commitment_reminders_send(now=at(-3)).sent == 0  # still the seven-day point
    assert len(mail.outbox) == 2  # one reminder, to two admins
    assert commitment_reminders_send(now=at(-1)).sent == 1  # the one-day point
    assert commitment_reminders_send(now=at(0)).sent == 0
    assert len(mail.outbox) == 4


def test_the_task_run_twice_sends_once(commitment):
    first = send_commitment_reminders.enqueue()
    second = send_commitment_reminders.enqueue()
    assert (first.return_value, second.return_value) == ({"sent": 1, "failed": 0}, {"sent": 0, "failed": 0})
    assert len(mail.outbox) == 2


def test_closed_late_and_far_commitments_are_not_reminded(org_a, outsider, org_b):
    campaign = make_campaign(org_a, partners=[org_b])
    today = timezone.localdate()
    make_commitment(campaign, committed_organization=org_b, due_on=today + timedelta(days=1), status="kept")
    make_commitment(campaign, committed_organization=org_b, due_on=today - timedelta(days=1))  # late
    make_commitment(campaign, committed_organization=org_b, due_on=today + timedelta(days=30))
    assert commitment_reminders_send().sent == 0
    assert mail.outbox == []


def test_the_organizations_language_is_used(commitment, org_b):
    org_b.languages = ["es", "en"]
    org_b.save()
    commitment_reminders_send(now=at(-1))
    email = mail.outbox[0]
    assert email.subject.startswith("[Alianza] Recordatorio: «Bring 40 people to the vigil» vence el ")
    assert "Organization B asumió un compromiso con la campaña «Campaña" in email.body
    assert "en 1 día." in email.body


def test_a_person_who_agreed_to_email_is_reminded_in_their_language(org_a, owner):
    campaign = make_campaign(org_a, is_public=True, slug="safe-homes")
    rosa = make_person(org_a, email="rosa@example.org", preferred_language="es")
    with scope(organization=org_a):
        ConsentRecord.objects.create(organization=org_a, person=rosa, channel="email", granted=True, source="test")
    make_commitment(campaign, person=rosa, task="Llamar a 20 vecinos", due_on=timezone.localdate())
    assert commitment_reminders_send().sent == 1
    [email] = mail.outbox
    assert email.to == ["rosa@example.org"]
    assert "Asumiste un compromiso con la campaña «Campaña" in email.body
    assert "Vence hoy." in email.body
    assert "/campaigns/safe-homes/" in email.body  # the public page, not a staff link
    assert "/staff/" not in email.body


def test_a_person_without_consent_to_email_gets_nothing(org_a):
    campaign = make_campaign(org_a)
    rosa = make_person(org_a, email="rosa@example.org")
    with scope(organization=org_a):
        ConsentRecord.objects.create(organization=org_a, person=rosa, channel="email", granted=True, source="test")
        ConsentRecord.objects.create(organization=org_a, person=rosa, channel="email", granted=False, source="test")
    make_commitment(campaign, person=rosa, due_on=timezone.localdate())
    assert commitment_reminders_send().sent == 1  # the point is done: there was nobody to write to
    assert mail.outbox == []
    with scope(organization=org_a):
        assert CommitmentReminder.objects.get().recipients == 0


def test_a_failed_delivery_is_tried_again_by_the_next_run(commitment, settings, org_a):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    run = commitment_reminders_send(now=at(-1))
    assert (run.sent, run.failed) == (0, 1)
    with scope(organization=org_a):
        assert not CommitmentReminder.objects.exists()  # the claim was given back
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert commitment_reminders_send(now=at(-1)).sent == 1
    assert len(mail.outbox) == 2


def test_reminders_reach_a_real_smtp_server(commitment, smtp_server, partner_admins):
    assert commitment_reminders_send(now=at(-1)).sent == 1
    assert sorted(m["To"] for m in smtp_server.messages) == partner_admins
    message = smtp_server.messages[0]
    assert str(message["Subject"]).strip().startswith("[Alianza] Reminder:")
    assert "Bring 40 people to the vigil" in message.get_content()
