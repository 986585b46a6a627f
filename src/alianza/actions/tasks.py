"""Background tasks of the actions app: the confirmation, promotion and reminder e-mails of
RSVPs, in the person's language, through Django's e-mail backend (the Messaging app will take
delivery over). Each message is claimed on its RSVP row before it is sent, so a retried or
duplicated task never sends it twice; if sending fails the claim is released for a retry.

``send_event_reminders`` is the reminder sweep: run it periodically (every 15 minutes or every
hour); each confirmed RSVP of an event starting within ``REMINDER_BEFORE`` (24 h) is reminded
once, however often the sweep runs."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled
from django_tasks import task

from alianza.core.models import Organization

from .models import REMINDER_BEFORE, RSVP, Event, RSVPSubmission

logger = logging.getLogger(__name__)
PENDING_GRACE = timedelta(seconds=30)  # an answer older than this is left to the sweep
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
def send_rsvp_confirmations(*, rsvp_ids: list[int], organization_id: str) -> int:
    """The answer to each RSVP of a batch (``rsvp_answers.py``): confirmed (with the address and
    link if any) or on the waitlist. Returns how many were sent. One that fails does not stop the
    others; its claim is released and the task fails with the first error once all were tried."""
    organization = Organization.objects.get(pk=organization_id)
    sent, failure = 0, None
    for rsvp_id in rsvp_ids:
        try:
            sent += rsvp_message_send(rsvp_id=rsvp_id, organization=organization, kind="confirmation")
        except Exception as exc:  # noqa: BLE001 — re-raised below, after the others were tried
            failure = failure or exc
    if failure is not None:
        raise failure
    return sent


@task()
def send_rsvp_confirmation(*, rsvp_id: int, organization_id: str) -> bool:
    """One RSVP's answer: kept so that tasks queued by an earlier version still run; new ones go
    through ``send_rsvp_confirmations``."""
    return send_rsvp_confirmations.call(rsvp_ids=[rsvp_id], organization_id=organization_id) == 1


@task()
def allocate_rsvps(*, event_id: int, organization_id: str) -> bool:
    """Allocate an event's pending answers (``rsvp_answers.py``), waiting for its lock: what a web
    request leaves when it has allocated for long enough."""
    from .rsvp_answers import rsvps_allocate

    organization = Organization.objects.get(pk=organization_id)
    with scope(organization=organization):
        event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return True
    event.organization = organization
    return rsvps_allocate(event, wait=True, budget=float("inf")).finished


def pending_rsvps_allocate(*, older_than: timedelta = PENDING_GRACE) -> int:
    """Allocate the answers still pending after ``older_than`` (a web process that stopped between
    keeping an answer and allocating it, a lock held by a cancellation). Returns how many events
    had some."""
    from .rsvp_answers import rsvps_allocate

    before = timezone.now() - older_than
    with scopes_disabled():
        stale = RSVPSubmission.objects.filter(state=RSVPSubmission.State.PENDING, received_at__lt=before)
        event_ids = set(stale.values_list("event_id", flat=True))
        events = list(Event.objects.select_related("organization").filter(pk__in=event_ids))
    for event in events:
        try:
            rsvps_allocate(event, wait=True, budget=float("inf"))
        except Exception:  # one event's failure must not keep the others' answers waiting
            logger.exception("Could not allocate the RSVP answers of event %s", event.pk)
    return len(events)


@task()
def allocate_pending_rsvps() -> int:
    """The sweep of pending answers, safe to run as often as you like (every minute)."""
    return pending_rsvps_allocate()


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
