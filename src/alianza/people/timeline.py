"""A person's timeline: everything they did or that happened to their record.

The extension point for apps above ``people``: an app registers a provider in its
``AppConfig.ready()`` (``timeline.register(rsvps_for_person)``); a provider takes a person and
returns ``TimelineEntry`` items. ``people`` itself contributes consent changes and the record's
own history from the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from alianza.core.models import AuditEvent

from .models import Channel, ConsentRecord, Person, SharingGrant


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    label: str
    detail: str = ""


Provider = Callable[[Person], Iterable[TimelineEntry]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def person_timeline(person: Person, *, limit: int = 100) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    with scope(organization=person.organization):
        for provider in _providers:
            entries.extend(provider(person))
    return sorted(entries, key=lambda e: e.at, reverse=True)[:limit]


RECORD_LABELS = {
    "people.person.created": _("Added to the contacts"),
    "people.person.updated": _("Record changed"),
    "people.person.shared_read": _("Seen by a partner organization"),
}


def _record_history(person: Person) -> Iterable[TimelineEntry]:
    events = AuditEvent.objects.filter(object_type="people.person", object_id=str(person.pk))
    for event in events.filter(action__in=list(RECORD_LABELS)):
        yield TimelineEntry(at=event.created_at, label=str(RECORD_LABELS[event.action]), detail=event.actor_label)


def _consent_changes(person: Person) -> Iterable[TimelineEntry]:
    labels = dict(Channel.choices)
    for record in ConsentRecord.objects.filter(person=person):
        channel = labels.get(record.channel, record.channel)
        label = _("Agreed to be contacted by %(channel)s") if record.granted else _("No contact by %(channel)s")
        yield TimelineEntry(at=record.recorded_at, label=str(label) % {"channel": channel}, detail=record.source)


def _sharing(person: Person) -> Iterable[TimelineEntry]:
    for grant in SharingGrant.objects.filter(person=person).select_related("grantee"):
        yield TimelineEntry(
            at=grant.created_at,
            label=str(_("Agreed to share their record with %(org)s")) % {"org": grant.grantee.name},
            detail=grant.purpose,
        )
        if grant.revoked_at:
            yield TimelineEntry(
                at=grant.revoked_at, label=str(_("Sharing with %(org)s ended")) % {"org": grant.grantee.name}
            )


register(_record_history)
register(_consent_changes)
register(_sharing)
