"""The advisory board's entries on a person's timeline (``people.timeline`` extension point):
"Joined the advisory board" and "Honorarium paid". The timeline is shown only to the staff of
the organization holding the record (the hub), and these entries never show amounts: those
stay on the honoraria page, for hub admins."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from alianza.people.models import Person
from alianza.people.timeline import TimelineEntry

from .models import BoardSeat, Honorarium


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def board_entries(person: Person) -> Iterable[TimelineEntry]:
    # Runs inside the person's organization's scope: people of other organizations have no seats.
    for seat in BoardSeat.objects.filter(person=person):
        yield TimelineEntry(
            at=_at(seat.term_start),
            label=_("Joined the advisory board"),
            detail=_("%(role)s, until %(end)s") % {"role": seat.get_role_display(), "end": seat.term_end.isoformat()},
        )
    paid = Honorarium.objects.filter(seat__person=person, status=Honorarium.Status.PAID)
    for honorarium in paid.only("date", "purpose"):
        yield TimelineEntry(at=_at(honorarium.date), label=_("Honorarium paid"), detail=honorarium.purpose)
