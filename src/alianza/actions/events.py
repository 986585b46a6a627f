"""Operations on events and shifts: save, change status, add and remove shifts, and volunteers'
proposals. Each runs in one transaction, validates, writes one audit event and raises
``EventError`` with a translated message."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_scopes import scope

from alianza.core.audit import log_action
from alianza.core.models import Organization, User
from alianza.people.intake import person_match_or_create

from .models import Event, Shift
from .rsvps import promote_waitlist

# Which status an event may move to from which: (from, to).
TRANSITIONS = {
    (Event.Status.PROPOSED, Event.Status.PUBLISHED),
    (Event.Status.PROPOSED, Event.Status.DECLINED),
    (Event.Status.PROPOSED, Event.Status.DRAFT),
    (Event.Status.DRAFT, Event.Status.PUBLISHED),
    (Event.Status.DRAFT, Event.Status.CANCELLED),
    (Event.Status.PUBLISHED, Event.Status.CANCELLED),
    (Event.Status.PUBLISHED, Event.Status.DRAFT),
    (Event.Status.CANCELLED, Event.Status.DRAFT),
}
TRACKED = [
    "title", "description", "kind", "format", "starts_at", "ends_at", "time_zone", "visibility", "place_name",
    "address", "hide_address", "virtual_link", "capacity", "waitlist", "languages", "interpretation",
    "accessibility", "childcare", "requires_code_of_conduct",
]  # fmt: skip


class EventError(Exception):
    """A change to an event that cannot be made; the message is shown to the user."""


def _validate(instance: Event | Shift) -> None:
    try:
        instance.full_clean(exclude=["representatives"] if isinstance(instance, Event) else None)
    except ValidationError as exc:
        raise EventError(" ".join(exc.messages)) from None


def _snapshot(event: Event) -> dict[str, str]:
    return {name: str(getattr(event, name)) for name in TRACKED}


def event_save(
    *,
    event: Event,
    actor: User,
    representatives: list[Organization] | None = None,
    request: HttpRequest | None = None,
) -> Event:
    """Create (``event.pk`` is None) or update an event. Raising the capacity promotes people
    from the waitlist at once. The audit trail records which fields changed, never the address
    or the online link themselves."""
    organization = event.organization
    with transaction.atomic(), scope(organization=organization):
        creating = event.pk is None
        before = {} if creating else _snapshot(Event.objects.select_for_update().get(pk=event.pk))
        if creating:
            event.created_by = actor
        _validate(event)
        event.save()
        if representatives is not None:
            event.representatives.set(representatives)
        changed = sorted(k for k, v in _snapshot(event).items() if before.get(k) != v)
        log_action(
            actor=actor,
            organization=organization,
            action="actions.event.created" if creating else "actions.event.updated",
            obj=event,
            data={"fields": changed},
            request=request,
        )
        if not creating and "capacity" in changed:
            promote_waitlist(event=event, actor=actor, request=request)
    return event


def event_set_status(*, event: Event, actor: User, status: str, request: HttpRequest | None = None) -> Event:
    """Publish, cancel, decline (a proposal) or return an event to draft."""
    with transaction.atomic(), scope(organization=event.organization):
        event = Event.objects.select_for_update().get(pk=event.pk)
        if (event.status, status) not in TRANSITIONS:
            raise EventError(
                _("This event cannot move from “%(old)s” to that status.") % {"old": event.get_status_display()}
            )
        old = event.status
        event.status = status
        event.save(update_fields=["status"])
        log_action(
            actor=actor,
            organization=event.organization,
            action="actions.event.status_changed",
            obj=event,
            data={"status": [old, status]},
            request=request,
        )
    return event


def shift_create(
    *,
    event: Event,
    actor: User,
    role: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    request: HttpRequest | None = None,
) -> Shift:
    with transaction.atomic(), scope(organization=event.organization):
        shift = Shift(
            organization=event.organization,
            event=event,
            role=role,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
        )
        _validate(shift)
        shift.save()
        log_action(
            actor=actor,
            organization=event.organization,
            action="actions.shift.created",
            obj=shift,
            data={"event": event.pk, "role": role, "capacity": capacity},
            request=request,
        )
    return shift


def shift_delete(*, shift: Shift, actor: User, request: HttpRequest | None = None) -> None:
    """Remove a shift; the RSVPs that chose it stay, without a shift."""
    with transaction.atomic(), scope(organization=shift.organization):
        log_action(
            actor=actor,
            organization=shift.organization,
            action="actions.shift.deleted",
            obj=shift,
            data={"event": shift.event_id, "role": shift.role},
            request=request,
        )
        shift.delete()


def event_propose(
    *,
    hub: Organization,
    title: dict[str, str],
    description: dict[str, str],
    kind: str,
    format: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    place_name: str,
    address: str,
    virtual_link: str,
    host_name: str,
    host_email: str,
    host_phone: str,
    language: str,
) -> Event:
    """A member or volunteer proposes an event from the public form. It is stored for the hub as
    a proposal (never public until the hub publishes it), with the proposer as its host, matched
    to or added to the hub's people."""
    from i18nfield.strings import LazyI18nString

    with transaction.atomic(), scope(organization=hub):
        host = person_match_or_create(
            organization=hub,
            name=host_name,
            email=host_email,
            phone=host_phone,
            language=language,
            consents={},
            source="Event proposal",
        )
        event = Event(
            organization=hub,
            title=LazyI18nString(title),
            description=LazyI18nString(description),
            kind=kind,
            format=format,
            starts_at=starts_at,
            ends_at=ends_at,
            time_zone=time_zone,
            place_name=place_name,
            address=address,
            virtual_link=virtual_link,
            hide_address=True,
            status=Event.Status.PROPOSED,
            visibility=Event.Visibility.PUBLIC,
            host_name=" ".join(host_name.split()),
            host_person=host,
        )
        _validate(event)
        event.save()
        log_action(actor=None, organization=hub, action="actions.event.proposed", obj=event, data={"kind": kind})
    return event
