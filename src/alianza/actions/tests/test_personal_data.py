"""The actions app in a person's erasure: the RSVP stays as a count (the staff page says
"(erased)", check-in and the sign-in sheet leave it out) and its old link opens nothing."""

from __future__ import annotations

from django_scopes import scopes_disabled

from alianza.actions.models import RSVP
from alianza.actions.rsvps import rsvp_token
from alianza.actions.tests.factories import make_event, make_rsvp
from alianza.people.erasure import person_erase
from alianza.people.tests.factories import make_person


def test_an_erased_persons_rsvp_stays_as_a_count_and_its_link_opens_nothing(org_a, owner, login):
    event = make_event(org_a)
    gone = make_rsvp(event, make_person(org_a, given_name="Xochitl", family_name="Gone", email="x@example.org"))
    make_rsvp(event, make_person(org_a, given_name="Stays", family_name="Here", email="s@example.org"))
    link = f"/rsvp/{rsvp_token(gone)}/"
    assert login(None).get(link).status_code == 200
    person_erase(person=gone.person, actor=owner, reason="person_asked")

    assert login(None).get(link).status_code == 404
    with scopes_disabled():
        assert RSVP.objects.filter(event=event, status="confirmed").count() == 2
    client = login(owner)
    detail = client.get(f"/staff/{org_a.slug}/events/{event.pk}/").content.decode()
    assert "(erased)" in detail and "Stays Here" in detail and "Xochitl" not in detail
    checkin = client.get(f"/staff/{org_a.slug}/events/{event.pk}/check-in/").content.decode()
    assert "Stays Here" in checkin and "(erased)" not in checkin
    sheet = client.get(f"/staff/{org_a.slug}/events/{event.pk}/sign-in-sheet.pdf")
    assert sheet.status_code == 200
