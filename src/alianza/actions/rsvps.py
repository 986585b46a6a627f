"""RSVPs: cancelling by the signed link, promotion from the waitlist, and attendance at
check-in (answering from the public page is ``rsvp_answers.py``).

Capacity is exact under concurrency: every operation that can change how many people are
confirmed for an event locks the event's row first (``select_for_update``), and a shift's row
too when it counts the shift, so counting and writing happen one request at a time per event.
The locks are ``FOR NO KEY UPDATE``: they exclude each other, but not the key-share lock that
inserting a row which refers to the event takes, so keeping an answer (``rsvp_answers.py``)
never waits for a lock holder.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from alianza.core.audit import log_action
from alianza.core.models import Organization, User
from alianza.people.intake import IntakeError, person_match_or_create

from .models import RSVP, Event, Shift

TOKEN_SALT = "alianza.actions.rsvp"  # noqa: S105 — a signing salt, not a secret


class RSVPError(Exception):
    """An RSVP that cannot be taken; the message is shown to the person."""


def rsvp_token(rsvp: RSVP) -> str:
    """The secret of the person's own RSVP page (and its one-click cancel): signed, never stored."""
    return signing.dumps({"o": str(rsvp.organization_id), "r": rsvp.pk}, salt=TOKEN_SALT, compress=True)


def rsvp_from_token(token: str) -> RSVP | None:
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
        organization = Organization.objects.get(pk=data["o"])
    except (signing.BadSignature, Organization.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    with scope(organization=organization):
        # An erased person's RSVP (no person) is only a count now: its old link opens nothing.
        rsvps = RSVP.objects.select_related("event", "shift", "person", "organization")
        return rsvps.filter(pk=data["r"], person__isnull=False).first()


def _enqueue(task_name: str, rsvp: RSVP) -> None:
    from . import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(partial(task.enqueue, rsvp_id=rsvp.pk, organization_id=str(rsvp.organization_id)))


def _confirmed_count(event: Event, *, shift: Shift | None = None, excluding: RSVP | None = None) -> int:
    rsvps = RSVP.objects.filter(event=event, status=RSVP.Status.CONFIRMED)
    if shift is not None:
        rsvps = rsvps.filter(shift=shift)
    if excluding is not None and excluding.pk:
        rsvps = rsvps.exclude(pk=excluding.pk)
    return rsvps.count()


def person_email(person: Any, *, preferred: str = "") -> str:
    """The address to write to: the one typed on the form when the person has it, else their primary."""
    emails = [e.email for e in person.emails.all()]
    preferred = preferred.strip().lower()
    if preferred in emails:
        return preferred
    return emails[0] if emails else ""


def promote_waitlist(*, event: Event, actor: User | None = None, request: HttpRequest | None = None) -> list[RSVP]:
    """Confirm people from the waitlist, first come first served, while there is room. Call it
    inside a transaction that holds the event's row lock."""
    promoted: list[RSVP] = []
    with transaction.atomic():
        event = Event.objects.select_for_update(no_key=True).get(pk=event.pk)
        while event.capacity is None or _confirmed_count(event) < event.capacity:
            rsvp = (
                RSVP.objects.select_for_update()
                .filter(event=event, status=RSVP.Status.WAITLISTED)
                .order_by("waitlisted_at", "id")
                .first()
            )
            if rsvp is None:
                break
            rsvp.status = RSVP.Status.CONFIRMED
            rsvp.promoted_at = timezone.now()
            update = ["status", "promoted_at"]
            if rsvp.shift_id is not None:
                shift = Shift.objects.select_for_update(no_key=True).get(pk=rsvp.shift_id)
                if _confirmed_count(event, shift=shift) >= shift.capacity:
                    rsvp.shift = None  # the shift filled up meanwhile: they come without it
                    update.append("shift")
            rsvp.save(update_fields=update)
            log_action(
                actor=actor,
                organization=event.organization,
                action="actions.rsvp.promoted",
                obj=rsvp,
                data={"event": event.pk},
                request=request,
            )
            if rsvp.email:
                _enqueue("send_rsvp_promotion", rsvp)
            promoted.append(rsvp)
    return promoted


def rsvp_cancel(*, rsvp: RSVP, actor: User | None = None, request: HttpRequest | None = None) -> RSVP:
    """Cancel an RSVP (the person by their link, or staff). The freed place goes to the first
    person on the waitlist at once. Cancelling twice changes nothing."""
    with transaction.atomic(), scope(organization=rsvp.organization):
        event = Event.objects.select_for_update(no_key=True).get(pk=rsvp.event_id)
        rsvp = RSVP.objects.select_for_update().get(pk=rsvp.pk)
        if rsvp.status == RSVP.Status.CANCELLED:
            return rsvp
        was = rsvp.status
        rsvp.status = RSVP.Status.CANCELLED
        rsvp.cancelled_at = timezone.now()
        rsvp.save(update_fields=["status", "cancelled_at"])
        log_action(
            actor=actor,
            organization=rsvp.organization,
            action="actions.rsvp.cancelled",
            obj=rsvp,
            data={"event": event.pk, "was": was, "by": "staff" if actor else "person"},
            request=request,
        )
        if was == RSVP.Status.CONFIRMED:
            promote_waitlist(event=event, actor=actor, request=request)
    return rsvp


def rsvp_check_in(*, rsvp: RSVP, actor: User, request: HttpRequest | None = None) -> RSVP:
    """Mark the person as attending (once; checking in again changes nothing)."""
    with transaction.atomic(), scope(organization=rsvp.organization):
        rsvp = RSVP.objects.select_for_update().get(pk=rsvp.pk)
        if rsvp.attended_at is not None:
            return rsvp
        rsvp.attended_at = timezone.now()
        rsvp.checked_in_by = actor
        rsvp.save(update_fields=["attended_at", "checked_in_by"])
        log_action(
            actor=actor,
            organization=rsvp.organization,
            action="actions.rsvp.checked_in",
            obj=rsvp,
            data={"event": rsvp.event_id},
            request=request,
        )
    return rsvp


def walk_in_check_in(
    *,
    event: Event,
    actor: User,
    name: str,
    email: str,
    phone: str,
    language: str,
    request: HttpRequest | None = None,
) -> RSVP:
    """Someone who came without an RSVP: matched to or added to the organization's people and
    checked in (walk-ins are let in even when the event is full). Someone who had an RSVP is
    simply checked in on it."""
    with transaction.atomic(), scope(organization=event.organization):
        try:
            person = person_match_or_create(
                organization=event.organization,
                name=name,
                email=email,
                phone=phone,
                language=language,
                consents={},
                source=_("Walk-in: %(event)s") % {"event": str(event.title)[:80]},
                actor=actor,
            )
        except IntakeError as exc:
            raise RSVPError(str(exc)) from None
        event = Event.objects.select_for_update(no_key=True).get(pk=event.pk)
        rsvp = RSVP.objects.filter(event=event, person=person).first()
        if rsvp is not None and rsvp.status != RSVP.Status.CANCELLED:
            if rsvp.status == RSVP.Status.WAITLISTED:
                rsvp.status = RSVP.Status.CONFIRMED
                rsvp.save(update_fields=["status"])
            return rsvp_check_in(rsvp=rsvp, actor=actor, request=request)
        now = timezone.now()
        if rsvp is None:
            rsvp = RSVP(organization=event.organization, event=event, person=person)
        rsvp.status = RSVP.Status.CONFIRMED
        rsvp.source = RSVP.Source.WALK_IN
        rsvp.language = language
        rsvp.email = person_email(person, preferred=email)
        rsvp.created_at = now
        rsvp.cancelled_at = None
        rsvp.attended_at = now
        rsvp.checked_in_by = actor
        # A walk-in gets no confirmation or reminder: they are already there.
        rsvp.confirmation_sent_at = rsvp.reminder_sent_at = now
        rsvp.save()
        log_action(
            actor=actor,
            organization=event.organization,
            action="actions.rsvp.walked_in",
            obj=rsvp,
            data={"event": event.pk},
            request=request,
        )
    return rsvp


# --- Merging two records of one person (people.merging) -------------------------------------

_STRENGTH = {RSVP.Status.CONFIRMED: 2, RSVP.Status.WAITLISTED: 1, RSVP.Status.CANCELLED: 0}


def _strength(rsvp: RSVP) -> int:
    """Attended > confirmed > waitlisted > cancelled."""
    return 3 if rsvp.attended_at is not None else _STRENGTH.get(RSVP.Status(rsvp.status), 0)


def rsvp_merge_keep(survivors: RSVP, mergeds: RSVP) -> RSVP:
    """Both records answered the same event: keep the stronger answer (the survivor's on a tie),
    with the check-in, the code-of-conduct acceptance, the shift and the e-mail of the other where
    the kept one has none. Registered as a ``people.merging.MergeRule``; runs inside the merge's
    transaction, which writes the one audit event."""
    keep, drop = (mergeds, survivors) if _strength(mergeds) > _strength(survivors) else (survivors, mergeds)
    changed = []
    if keep.attended_at is None and drop.attended_at is not None:
        keep.attended_at, keep.checked_in_by_id = drop.attended_at, drop.checked_in_by_id
        changed += ["attended_at", "checked_in_by"]
    if keep.conduct_version_id is None and drop.conduct_version_id is not None:
        keep.conduct_version_id, keep.conduct_accepted_at = drop.conduct_version_id, drop.conduct_accepted_at
        changed += ["conduct_version", "conduct_accepted_at"]
    if keep.shift_id is None and drop.shift_id is not None and drop.status != RSVP.Status.CANCELLED:
        keep.shift_id = drop.shift_id  # the dropped answer's place on the shift passes to the kept one
        changed.append("shift")
    if not keep.email and drop.email:
        keep.email = drop.email
        changed.append("email")
    if changed:
        keep.save(update_fields=changed)
    return keep


def rsvp_merge_facts(rsvp: RSVP) -> dict[str, Any]:
    return {"event": rsvp.event_id, "status": rsvp.status, "attended": rsvp.attended_at is not None}
