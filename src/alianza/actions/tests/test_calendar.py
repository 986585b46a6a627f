"""iCalendar: the .ics of one event and the feed of an organization's public events, parsed back
with ``icalendar``; hidden addresses and online links never appear."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse
from icalendar import Calendar

from alianza.actions.models import Event
from alianza.actions.tests.factories import make_event

LINK = "https://meet.example.org/secret-room"


def _parse(response) -> Calendar:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_an_event_ics_is_valid_and_keeps_its_time_zone(login, org_a):
    start = datetime(2031, 6, 1, 18, 0, tzinfo=ZoneInfo("America/Chicago"))
    event = make_event(org_a, starts_at=start, time_zone="America/Chicago", format=Event.Format.BOTH, virtual_link=LINK)
    url = reverse("actions:event_calendar", kwargs={"slug": org_a.slug, "token": event.token})
    calendar = _parse(login(None).get(url))
    (vevent,) = calendar.walk("VEVENT")
    assert vevent.decoded("dtstart") == start
    assert str(vevent.decoded("dtstart").tzinfo) == "America/Chicago"
    assert str(vevent["summary"]) == f"Vigil {str(event.title).split()[-1]}"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Chicago"]
    text = login(None).get(url).content.decode()
    assert "1206 E 9th St" not in text and LINK not in text
    assert str(vevent["location"]) == "East Austin"


def test_an_address_the_event_shows_is_in_its_ics(login, org_a):
    event = make_event(org_a, hide_address=False)
    url = reverse("actions:event_calendar", kwargs={"slug": org_a.slug, "token": event.token})
    (vevent,) = _parse(login(None).get(url)).walk("VEVENT")
    assert str(vevent["location"]) == "East Austin, 1206 E 9th St, Austin"


def test_the_feed_lists_only_published_public_events(login, org_a, org_b):
    listed = make_event(org_a)
    make_event(org_a, visibility=Event.Visibility.PRIVATE)
    make_event(org_a, visibility=Event.Visibility.MEMBERS)
    make_event(org_a, status=Event.Status.DRAFT)
    make_event(org_b)
    calendar = _parse(login(None).get(reverse("actions:organization_feed", kwargs={"slug": org_a.slug})))
    assert [str(v["url"]).rsplit("/", 2)[-2] for v in calendar.walk("VEVENT")] == [listed.token]


def test_the_public_list_shows_listed_upcoming_events(login, org_a):
    listed = make_event(org_a)
    private = make_event(org_a, visibility=Event.Visibility.PRIVATE)
    page = login(None).get(reverse("actions:organization_events", kwargs={"slug": org_a.slug})).content.decode()
    assert str(listed.title) in page and str(private.title) not in page
