"""RSVPs and attendance on a person's timeline, and as activity kinds for segments."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_scopes import scope

from alianza.actions.tests.factories import make_event, make_rsvp
from alianza.people import activity
from alianza.people.tests.factories import make_person
from alianza.people.timeline import person_timeline


def test_rsvps_and_attendance_are_on_the_timeline(org_a):
    person = make_person(org_a)
    event = make_event(org_a)
    make_rsvp(event, person, attended_at=timezone.now())
    labels = [entry.label for entry in person_timeline(person)]
    assert f"RSVPed to {event.title}" in labels and f"Attended {event.title}" in labels


def test_segments_can_ask_who_rsvped_or_attended(org_a, org_b):
    since = timezone.now() - timedelta(days=30)
    came, answered = make_person(org_a), make_person(org_a)
    event = make_event(org_a)
    make_rsvp(event, came, attended_at=timezone.now())
    make_rsvp(event, answered)
    make_rsvp(make_event(org_b), make_person(org_b), attended_at=timezone.now())
    rsvped, attended = activity.get("actions.rsvped"), activity.get("actions.attended")
    assert rsvped is not None and attended is not None
    with scope(organization=org_a):
        assert set(rsvped.person_ids_since(org_a, since).values_list("person_id", flat=True)) == {came.pk, answered.pk}
        assert list(attended.person_ids_since(org_a, since).values_list("person_id", flat=True)) == [came.pk]
