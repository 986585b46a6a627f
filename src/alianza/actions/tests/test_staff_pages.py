"""Staff pages of events: creating an event in its own time zone, publishing, shifts, the list of
who accepted which code of conduct, check-in (search, mark, walk-in, with and without htmx), the
sign-in sheet, and the hub's code of conduct page. Roles and outsiders are covered by the
generic isolation test; here, the behaviour."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse
from django_scopes import scope

from alianza.actions.models import RSVP, CodeOfConductVersion, Event
from alianza.actions.tests.factories import make_conduct, make_event, make_rsvp
from alianza.core.models import AuditEvent
from alianza.people.models import Person
from alianza.people.tests.factories import make_person


def _url(name: str, event: Event, **kwargs: object) -> str:
    return reverse(f"actions:{name}", kwargs={"org": event.organization.slug, "event_pk": event.pk, **kwargs})


def test_an_event_is_created_in_its_own_time_zone_as_a_draft(login, member, org_a, org_b):
    response = login(member).post(
        reverse("actions:event_new", kwargs={"org": org_a.slug}),
        {
            "title_0": "Court watch",
            "title_1": "Observación en la corte",
            "kind": "court_watch",
            "format": "in_person",
            "starts_at": "2031-03-10T08:30",
            "ends_at": "2031-03-10T12:00",
            "time_zone": "America/Los_Angeles",
            "visibility": "public",
            "address": "Federal courthouse, 5th floor",
            "hide_address": "on",
            "capacity": "12",
            "waitlist": "on",
            "languages": ["en", "es"],
            "representatives": [str(org_b.pk)],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    with scope(organization=org_a):
        event = Event.objects.get()
        assert event.status == Event.Status.DRAFT
        assert event.starts_at == datetime(2031, 3, 10, 8, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
        assert str(event.title) == "Court watch" and event.capacity == 12
        assert list(event.representatives.all()) == [org_b]
        logged = AuditEvent.objects.get(action="actions.event.created")
        assert "address" in logged.data["fields"] and "Federal" not in str(logged.data)
    page = login(member).get(response["Location"]).content.decode()
    assert "8:30" in page and "America/Los_Angeles" in page


def test_publishing_and_cancelling_follow_the_allowed_steps(login, member, org_a):
    event = make_event(org_a, status=Event.Status.DRAFT)
    login(member).post(_url("event_status", event), {"status": "published"})
    login(member).post(_url("event_status", event), {"status": "declined"})  # not from published
    with scope(organization=org_a):
        assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED
    login(member).post(_url("event_status", event), {"status": "cancelled"})
    with scope(organization=org_a):
        assert Event.objects.get(pk=event.pk).status == Event.Status.CANCELLED


def test_a_shift_is_added_in_the_events_time_zone(login, member, org_a):
    event = make_event(org_a, time_zone="America/New_York")
    login(member).post(
        _url("shift_new", event),
        {"role": "legal_observer", "starts_at": "2031-01-05T09:00", "ends_at": "2031-01-05T11:00", "capacity": "3"},
    )
    with scope(organization=org_a):
        shift = event.shifts.get()
    assert shift.starts_at == datetime(2031, 1, 5, 9, 0, tzinfo=ZoneInfo("America/New_York")) and shift.capacity == 3


def test_staff_see_who_accepted_which_version_of_the_code(login, readonly_member, org_a, hub):
    first, second = make_conduct(hub), make_conduct(hub)
    event = make_event(org_a, requires_code_of_conduct=True)
    make_rsvp(event, make_person(org_a, given_name="Ana"), conduct_version=first, conduct_accepted_at=event.starts_at)
    make_rsvp(event, make_person(org_a, given_name="Bea"), conduct_version=second, conduct_accepted_at=event.starts_at)
    page = login(readonly_member).get(_url("event_detail", event)).content.decode()
    assert "Version 1, accepted" in page and "Version 2, accepted" in page


def test_check_in_search_finds_by_name_email_and_phone(login, member, org_a):
    event = make_event(org_a)
    make_rsvp(event, make_person(org_a, given_name="Ana", family_name="Flores", email="ana@example.org"))
    make_rsvp(event, make_person(org_a, given_name="Bea", family_name="Soto", phone="+15125550142"))
    client = login(member)
    for q, expected in (("flores", "Ana"), ("ANA@EXAMPLE", "Ana"), ("555-0142", "Bea")):
        page = client.get(_url("checkin", event), {"q": q}).content.decode()
        assert expected in page, q
        assert ({"Ana", "Bea"} - {expected}).pop() not in page, q


def test_marking_attended_works_with_and_without_htmx(login, member, org_a):
    event = make_event(org_a)
    ana, bea = make_rsvp(event), make_rsvp(event)
    plain = login(member).post(_url("checkin_mark", event, rsvp_id=ana.pk), {"q": "x"})
    assert plain.status_code == 302 and plain["Location"].endswith("?q=x")
    htmx = login(member).post(_url("checkin_mark", event, rsvp_id=bea.pk), HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and f'id="rsvp-{bea.pk}"' in htmx.content.decode()
    assert "<html" not in htmx.content.decode()
    with scope(organization=org_a):
        assert RSVP.objects.filter(attended_at__isnull=False, checked_in_by=member).count() == 2
        assert AuditEvent.objects.filter(action="actions.rsvp.checked_in").count() == 2


def test_a_walk_in_is_matched_or_added_and_checked_in(login, member, org_a):
    event = make_event(org_a, capacity=0, waitlist=False)  # full: walk-ins still get in
    known = make_person(org_a, email="known@example.org")
    client = login(member)
    assert (
        client.post(_url("walk_in", event), {"name": "K", "email": "known@example.org", "language": "es"}).status_code
        == 302
    )
    assert (
        client.post(
            _url("walk_in", event), {"name": "Nueva Persona", "phone": "5125550199", "language": "es"}
        ).status_code
        == 302
    )
    with scope(organization=org_a):
        rsvps = list(RSVP.objects.filter(event=event).order_by("id"))
        assert next(r.person_id for r in rsvps) == known.pk
        assert all(r.attended_at and r.source == RSVP.Source.WALK_IN for r in rsvps)
        assert Person.objects.count() == 2


def test_a_walk_in_without_contact_is_refused_with_the_form_kept(login, member, org_a):
    event = make_event(org_a)
    response = login(member).post(_url("walk_in", event), {"name": "Sin Contacto", "language": "es"})
    assert response.status_code == 400 and "Sin Contacto" in response.content.decode()


def test_the_sign_in_sheet_is_a_pdf_with_no_contact_details(login, member, org_a):
    event = make_event(org_a)
    make_rsvp(event, make_person(org_a, given_name="José", email="jose@example.org"))
    response = login(member).get(_url("sign_in_sheet", event))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert b"jose@example.org" not in response.content


def test_the_hub_publishes_the_code_of_conduct(login, owner, hub):
    url = reverse("actions:conduct", kwargs={"org": hub.slug})
    response = login(owner).post(
        url, {"title_0": "Code", "title_1": "Código", "text_0": "Be kind.", "text_1": "Sé amable."}
    )
    assert response.status_code == 302
    with scope(organization=hub):
        version = CodeOfConductVersion.objects.get()
    assert (version.version, str(version.text)) == (1, "Be kind.")
    again = login(owner).post(
        url, {"title_0": "Code", "title_1": "Código", "text_0": "Be kind.", "text_1": "Sé amable."}
    )
    assert again.status_code == 400  # the same text is not a new version


def test_a_member_organization_has_no_code_of_conduct_page(login, owner, org_a):
    assert login(owner).get(reverse("actions:conduct", kwargs={"org": org_a.slug})).status_code == 404


def test_event_list_shows_counts(login, readonly_member, org_a):
    event = make_event(org_a, capacity=1)
    make_rsvp(event)
    make_rsvp(event, status=RSVP.Status.WAITLISTED)
    page = login(readonly_member).get(reverse("actions:event_list", kwargs={"org": org_a.slug})).content.decode()
    assert "1 confirmed, 1 waiting" in page
