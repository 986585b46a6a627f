"""RSVPs: answering an event from the public page, cancelling by the signed link, promotion
from the waitlist, and attendance at check-in.

Capacity is exact under concurrency: every operation that can change how many people are
confirmed for an event locks the event's row first (``select_for_update``), and a shift's row
too when it counts the shift, so counting and writing happen one request at a time per event.
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

from .models import RSVP, CodeOfConductVersion, Event, Shift

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


def rsvp_submit(
    *,
    event: Event,
    name: str,
    email: str,
    phone: str,
    language: str,
    consents: dict[str, bool],
    shift: Shift | None = None,
    conduct: CodeOfConductVersion | None = None,
    required_conduct: CodeOfConductVersion | None = None,
    request: HttpRequest | None = None,
) -> RSVP:
    """Take an RSVP from the public page. The person is matched or added
    (``people.intake.person_match_or_create``). Confirmed while there is room; on the waitlist
    once the event is full (if it has one); refused when full without a waitlist or when the
    chosen shift is full. Answering again while an RSVP stands changes nothing and returns it,
    so a repeated or double-clicked form is never counted twice. ``required_conduct`` is the
    code of conduct the event requires today, ``conduct`` the version the person accepted."""
    if not event.is_open_for_rsvp:
        raise RSVPError(_("This event is not taking RSVPs."))
    if required_conduct is not None and (conduct is None or conduct.pk != required_conduct.pk):
        raise RSVPError(_("Please read the code of conduct and tick the box to accept it."))
    if shift is not None and shift.event_id != event.pk:
        raise RSVPError(_("Choose a shift from the list."))
    organization = event.organization
    with transaction.atomic(), scope(organization=organization):
        try:
            person = person_match_or_create(
                organization=organization,
                name=name,
                email=email,
                phone=phone,
                language=language,
                consents=consents,
                source=_("RSVP: %(event)s") % {"event": str(event.title)[:80]},
            )
        except IntakeError as exc:
            raise RSVPError(str(exc)) from None
        event = Event.objects.select_for_update().get(pk=event.pk)
        if not event.is_open_for_rsvp:
            raise RSVPError(_("This event is not taking RSVPs."))
        rsvp = RSVP.objects.filter(event=event, person=person).first()
        if rsvp is not None and rsvp.status != RSVP.Status.CANCELLED:
            return rsvp  # already answered: nothing changes, and the visitor sees the same page
        if shift is not None:
            shift = Shift.objects.select_for_update().get(pk=shift.pk)
            if _confirmed_count(event, shift=shift) >= shift.capacity:
                raise RSVPError(_("That shift is full. Choose another one, or none."))
        full = event.capacity is not None and _confirmed_count(event) >= event.capacity
        if full and not event.waitlist:
            raise RSVPError(_("This event is full."))
        now = timezone.now()
        if rsvp is None:
            rsvp = RSVP(organization=organization, event=event, person=person)
        rsvp.status = RSVP.Status.WAITLISTED if full else RSVP.Status.CONFIRMED
        rsvp.shift = shift
        rsvp.source = RSVP.Source.FORM
        rsvp.language = language
        rsvp.email = person_email(person, preferred=email)
        rsvp.conduct_version = conduct if required_conduct is not None else None
        rsvp.conduct_accepted_at = now if required_conduct is not None else None
        rsvp.created_at = now
        rsvp.waitlisted_at = now if full else None
        rsvp.cancelled_at = rsvp.promoted_at = None
        rsvp.confirmation_sent_at = rsvp.promotion_sent_at = rsvp.reminder_sent_at = None
        rsvp.full_clean(exclude=["person", "event", "organization", "shift", "conduct_version"])
        rsvp.save()
        log_action(
            actor=None,
            organization=organization,
            action="actions.rsvp.created",
            obj=rsvp,
            data={
                "event": event.pk,
                "status": rsvp.status,
                "shift": shift.pk if shift else None,
                "code_of_conduct_version": conduct.version if conduct and required_conduct else None,
            },
            request=request,
        )
        if rsvp.email:
            _enqueue("send_rsvp_confirmation", rsvp)
    return rsvp


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
        event = Event.objects.select_for_update().get(pk=event.pk)
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
                shift = Shift.objects.select_for_update().get(pk=rsvp.shift_id)
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
        event = Event.objects.select_for_update().get(pk=rsvp.event_id)
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
        event = Event.objects.select_for_update().get(pk=event.pk)
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
