"""Background tasks of the actions app: the confirmation, promotion and reminder e-mails of
RSVPs, in the person's language, through Django's e-mail backend (the Messaging app will take
delivery over). Each message is claimed on its RSVP row before it is sent, so a retried or
duplicated task never sends it twice; if sending fails the claim is released for a retry.

``send_event_reminders`` is the reminder sweep: run it periodically (every 15 minutes or every
hour); each confirmed RSVP of an event starting within ``REMINDER_BEFORE`` (24 h) is reminded
once, however often the sweep runs."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope
from django_tasks import task

from alianza.core.models import Organization

from .models import REMINDER_BEFORE, RSVP, Event

CLAIMS = {"confirmation": "confirmation_sent_at", "promotion": "promotion_sent_at", "reminder": "reminder_sent_at"}


def rsvp_message_send(*, rsvp_id: int, organization: Organization, kind: str) -> bool:
    """Send one message of ``kind`` for an RSVP, once. False (nothing sent) if it was already
    sent, the RSVP has no e-mail, or the message no longer applies (a cancelled RSVP, a promotion
    notice for someone no longer confirmed, a reminder for a cancelled event)."""
    from .rsvps import rsvp_token

    claim = CLAIMS[kind]
    with scope(organization=organization):
        rsvp = RSVP.objects.select_related("event", "shift", "person").filter(pk=rsvp_id).first()
        if rsvp is None or not rsvp.email or rsvp.status == RSVP.Status.CANCELLED:
            return False
        if kind in ("promotion", "reminder") and rsvp.status != RSVP.Status.CONFIRMED:
            return False
        if kind == "reminder" and rsvp.event.status != Event.Status.PUBLISHED:
            return False
        claimed = RSVP.objects.filter(pk=rsvp.pk, **{claim: None}).update(**{claim: timezone.now()})
        if not claimed:
            return False
        event = rsvp.event
        link = settings.ALIANZA_BASE_URL + reverse("actions:rsvp_manage", kwargs={"token": rsvp_token(rsvp)})
        with translation.override(rsvp.language):
            context = {
                "kind": kind,
                "rsvp": rsvp,
                "event": event,
                "organization": organization,
                "link": link,
                "starts": event.local_starts_at,
                "ends": event.local_ends_at,
                "show_details": rsvp.sees_details,
                "title": str(event.title),
            }
            subject = render_to_string("actions/email/rsvp_subject.txt", context).strip()
            body = render_to_string("actions/email/rsvp_body.txt", context)
        try:
            send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()), body, None, [rsvp.email])
        except Exception:
            RSVP.objects.filter(pk=rsvp.pk).update(**{claim: None})
            raise
    return True


@task()
def send_rsvp_confirmation(*, rsvp_id: int, organization_id: str) -> bool:
    """The answer to an RSVP: confirmed (with the address and link if any) or on the waitlist."""
    organization = Organization.objects.get(pk=organization_id)
    return rsvp_message_send(rsvp_id=rsvp_id, organization=organization, kind="confirmation")


@task()
def send_rsvp_promotion(*, rsvp_id: int, organization_id: str) -> bool:
    """A place opened: the person moved from the waitlist to confirmed."""
    organization = Organization.objects.get(pk=organization_id)
    return rsvp_message_send(rsvp_id=rsvp_id, organization=organization, kind="promotion")


def event_reminders_send(*, now: object = None) -> int:
    """Remind every confirmed RSVP, with an e-mail, of a published event that starts within
    ``REMINDER_BEFORE`` and has not started yet, once. Returns how many were sent."""
    moment = now or timezone.now()
    sent = 0
    for organization in Organization.objects.all():
        with scope(organization=organization):
            due = RSVP.objects.filter(
                status=RSVP.Status.CONFIRMED,
                reminder_sent_at=None,
                event__status=Event.Status.PUBLISHED,
                event__starts_at__gt=moment,
                event__starts_at__lte=moment + REMINDER_BEFORE,  # type: ignore[operator]
            ).exclude(email="")
            ids = list(due.values_list("pk", flat=True))
        for rsvp_id in ids:
            sent += rsvp_message_send(rsvp_id=rsvp_id, organization=organization, kind="reminder")
    return sent


@task()
def send_event_reminders() -> int:
    """The reminder sweep, safe to run as often as you like (see the module's docstring)."""
    return event_reminders_send()
