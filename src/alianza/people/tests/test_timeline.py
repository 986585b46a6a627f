"""A person's timeline, and the extension point other apps add to."""

from datetime import timedelta

from django.utils import timezone

from alianza.people import timeline
from alianza.people.tests.factories import make_person


def test_the_timeline_shows_consent_and_record_history(login, member, org_a):
    client = login(member)
    client.post("/staff/org-a/people/new/", {"given_name": "Rosa", "preferred_language": "es", "consent": ["sms"]})
    from django_scopes import scope

    from alianza.people.models import Person

    with scope(organization=org_a):
        person = Person.objects.get()
    page = client.get(f"/staff/org-a/people/{person.pk}/")
    labels = [entry.label for entry in page.context["timeline"]]
    assert "Added to the contacts" in labels
    assert "Agreed to be contacted by Text message (SMS)" in labels


def test_other_apps_add_entries_through_the_registry(login, member, org_a):
    person = make_person(org_a)

    def rsvps(p):
        yield timeline.TimelineEntry(at=timezone.now() - timedelta(days=1), label=f"RSVP of {p.given_name}")

    timeline.register(rsvps)
    try:
        entries = timeline.person_timeline(person)
    finally:
        timeline._providers.remove(rsvps)
    assert [e.label for e in entries] == [f"RSVP of {person.given_name}"]
