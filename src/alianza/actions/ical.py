"""iCalendar (RFC 5545) with the ``icalendar`` library: one event, or the feed of an
organization's public events. Only what the public page shows goes in: the street address only
when the event does not hide it, the online link never."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from alianza.core.models import Organization

from .models import Event


def _public_location(event: Event) -> str:
    parts = [event.place_name]
    if event.in_person and event.address and not event.hide_address:
        parts.append(" ".join(event.address.split()))
    return ", ".join(p for p in parts if p)


def _vevent(event: Event, *, stamp: datetime) -> VEvent:
    host = urlsplit(settings.ALIANZA_BASE_URL).hostname or "alianza"
    vevent = VEvent()
    vevent.add("uid", f"event-{event.pk}-{event.token[:8]}@{host}")
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.local_starts_at)
    vevent.add("dtend", event.local_ends_at)
    vevent.add("summary", str(event.title))
    if str(event.description):
        vevent.add("description", str(event.description))
    location = _public_location(event)
    if location:
        vevent.add("location", location)
    vevent.add("url", settings.ALIANZA_BASE_URL + event.get_public_url())
    vevent.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
    vevent.add("categories", [event.get_kind_display()])
    return vevent


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Alianza//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def event_ics(event: Event) -> bytes:
    calendar = _calendar(str(event.title))
    calendar.add_component(_vevent(event, stamp=timezone.now()))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def organization_feed_ics(organization: Organization, events: Iterable[Event]) -> bytes:
    calendar = _calendar(organization.name)
    stamp = timezone.now()
    for event in events:
        calendar.add_component(_vevent(event, stamp=stamp))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
