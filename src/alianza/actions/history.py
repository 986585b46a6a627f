"""What the actions app adds to other apps' extension points: RSVPs and attendance on a
person's timeline (``people.timeline``), and "RSVPed" / "attended" for segments
(``people.activity``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from alianza.core.models import Organization
from alianza.people.activity import ActivityKind
from alianza.people.models import Person
from alianza.people.timeline import TimelineEntry

from .models import RSVP


def rsvp_timeline(person: Person) -> Iterable[TimelineEntry]:
    """Runs inside the person's organization's scope (``person_timeline`` opens it)."""
    for rsvp in RSVP.objects.filter(person=person).select_related("event", "shift"):
        title = str(rsvp.event.title)
        if rsvp.source == RSVP.Source.WALK_IN:
            label = _("Walked in at %(event)s")
        elif rsvp.status == RSVP.Status.WAITLISTED:
            label = _("Joined the waitlist of %(event)s")
        else:
            label = _("RSVPed to %(event)s")
        detail = str(rsvp.shift) if rsvp.shift else ""
        if rsvp.source != RSVP.Source.WALK_IN:
            yield TimelineEntry(at=rsvp.created_at, label=str(label) % {"event": title}, detail=detail)
        if rsvp.cancelled_at:
            yield TimelineEntry(
                at=rsvp.cancelled_at, label=str(_("Cancelled the RSVP to %(event)s")) % {"event": title}
            )
        if rsvp.conduct_version_id and rsvp.conduct_accepted_at:
            yield TimelineEntry(
                at=rsvp.conduct_accepted_at,
                label=str(_("Accepted the code of conduct (version %(version)s)"))
                % {"version": rsvp.conduct_version.version if rsvp.conduct_version else ""},
                detail=title,
            )
        if rsvp.attended_at:
            yield TimelineEntry(
                at=rsvp.attended_at, label=str(_("Attended %(event)s")) % {"event": title}, detail=detail
            )


def _rsvped(organization: Organization, since: datetime) -> QuerySet[Any]:
    return RSVP.objects.filter(organization=organization, source=RSVP.Source.FORM, created_at__gte=since).values(
        "person_id"
    )


def _attended(organization: Organization, since: datetime) -> QuerySet[Any]:
    return RSVP.objects.filter(organization=organization, attended_at__gte=since).values("person_id")


ACTIVITY_KINDS = [
    ActivityKind(code="actions.rsvped", label=_("RSVPed to an event"), person_ids_since=_rsvped),
    ActivityKind(code="actions.attended", label=_("Attended an event"), person_ids_since=_attended),
]
