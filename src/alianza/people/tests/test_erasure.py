"""Erasure ("forget me"): after ``person_erase`` no text column of any table holds the person's
names, e-mails or phone numbers; everyone else's data is untouched; counts (an event's RSVPs
and attendance, a board seat's honoraria) are unchanged; sharing ends at once; the audit trail
keeps a tombstone without personal data; and the staff page does it (permissions, 405)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.http import Http404
from django_scopes import scopes_disabled

from alianza.core.models import AuditEvent
from alianza.people.access import person_get_for_actor
from alianza.people.erasure import ErasureError, person_erase
from alianza.people.models import Person, PersonEmail, SharingGrant, SubjectRequest
from alianza.people.personal_data import contributors
from alianza.people.tests.factories import make_person
from alianza.people.tests.subject_world import NEIGHBOUR, XIO, build_world, needles

TEXT_TYPES = ("char", "text", "json", "clob", "varchar")


def _all_text_columns() -> list[tuple[str, str]]:
    """(table, column) of every text-like column of every table in the database, found by
    introspection (so tables of third-party apps and many-to-many tables are scanned too)."""
    columns = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                field_type = connection.introspection.get_field_type(column.type_code, column).lower()
                if any(kind in field_type for kind in TEXT_TYPES):
                    columns.append((table, column.name))
    return columns


def find_anywhere(needle: str) -> list[tuple[str, str]]:
    """Every (table, column) where some row's value contains ``needle`` (case-insensitive)."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in _all_text_columns():
            cursor.execute(
                f"SELECT COUNT(*) FROM {quote(table)} WHERE LOWER(CAST({quote(column)} AS TEXT)) LIKE %s",  # noqa: S608 — names from introspection
                [f"%{needle.lower()}%"],
            )
            if cursor.fetchone()[0]:
                found.append((table, column))
    return found


@pytest.fixture
def world(org_a, org_b, owner):
    return build_world(org_a, org_b, owner)


def _counts(world):
    with scopes_disabled():
        rsvp = apps.get_model("actions.RSVP").objects.filter(event=world.events["event"])
        honoraria = apps.get_model("board.Honorarium").objects.filter(organization=world.hub)
        return {
            "rsvps": rsvp.count(),
            "confirmed": rsvp.filter(status="confirmed").count(),
            "attended": rsvp.exclude(attended_at=None).count(),
            "shift": rsvp.exclude(shift=None).count(),
            "conduct": rsvp.exclude(conduct_version=None).count(),
            "seats": apps.get_model("board.BoardSeat").objects.count(),
            "honoraria": honoraria.count(),
            "paid_total": sum((h.amount for h in honoraria), Decimal(0)),
        }


def test_the_scan_finds_the_person_everywhere_before_erasure(world):
    """Guards the scan itself: before erasure it finds each needle in the tables that hold it."""
    assert ("people_person", "given_name") in find_anywhere(XIO["given_name"])
    assert ("people_personemail", "email") in find_anywhere(XIO["email2"])
    assert ("people_personphone", "number") in find_anywhere(XIO["phone_digits"])
    assert ("network_individualsignup", "email") in find_anywhere(XIO["email"])
    assert ("actions_event", "host_name") in find_anywhere(XIO["family_name"])


def test_after_erasure_no_text_column_of_any_table_holds_the_person(world, owner):
    person_erase(person=world.person, actor=owner, reason="person_asked")
    leftovers = {needle: find_anywhere(needle) for needle in [*needles(XIO), "555-0199"]}
    assert leftovers == {needle: [] for needle in leftovers}


def test_everyone_else_is_untouched(world, owner):
    before = {needle: find_anywhere(needle) for needle in needles(NEIGHBOUR)}
    person_erase(person=world.person, actor=owner, reason="person_asked")
    after = {needle: find_anywhere(needle) for needle in needles(NEIGHBOUR)}
    assert after == before
    with scopes_disabled():
        neighbour = Person.objects.get(pk=world.neighbour.pk)
        assert neighbour.notes == "Neighbour note"
        assert neighbour.custom == {"shirt_size": "S-neighbour"}
        assert [t.name for t in neighbour.tags.all()] == ["volunteer"]
        assert SharingGrant.objects.filter(person=neighbour, revoked_at=None).count() == 1
        rsvp = apps.get_model("actions.RSVP").objects.get(person=neighbour)
        assert rsvp.email == NEIGHBOUR["email"]
        seat = apps.get_model("board.BoardSeat").objects.get(person=neighbour)
        assert sorted(h.payment_method for h in seat.honoraria.all()) == ["Check to Bernardetta"] * 2
        assert apps.get_model("campaigns.Commitment").objects.filter(person=neighbour).count() == 1
        submission = apps.get_model("actions.FormSubmission").objects.get(person=neighbour)
        assert list(submission.answers.values()) == ["Neighbour's answer"]


def test_form_submissions_stay_without_the_person_and_their_answers(world, owner):
    submissions = apps.get_model("actions.FormSubmission")
    with scopes_disabled():
        before = submissions.objects.filter(form=world.events["form"]).count()
    person_erase(person=world.person, actor=owner, reason="person_asked")
    with scopes_disabled():
        kept = submissions.objects.filter(form=world.events["form"])
        assert kept.count() == before == 2
        erased = kept.get(person=None)
        assert (erased.answers_json, erased.answers, erased.language) == ("", {}, "es")


def test_counts_are_kept(world, owner):
    before = _counts(world)
    person_erase(person=world.person, actor=owner, reason="person_asked")
    assert _counts(world) == before
    assert before["rsvps"] == 2 and before["honoraria"] == 4


def test_sharing_ends_at_once(world, owner):
    reader = world.other
    from alianza.core.tests.factories import make_user

    user = make_user("grantee-admin@other.example")
    assert person_get_for_actor(organization=reader, actor=user, person_id=world.person.pk).shared
    person_erase(person=world.person, actor=owner, reason="person_asked")
    with pytest.raises(Http404):
        person_get_for_actor(organization=reader, actor=user, person_id=world.person.pk)


def test_the_audit_trail_keeps_a_tombstone_without_personal_data(world, owner):
    result = person_erase(person=world.person, actor=owner, reason="person_asked")
    with scopes_disabled():
        tombstone = AuditEvent.objects.get(action="people.person.erased")
    assert tombstone.data["tombstone"] == result.tombstone
    assert tombstone.data["reason"] == "person_asked"
    assert tombstone.data["counts"] == result.counts
    assert tombstone.object_type == ""
    assert result.counts["actions.rsvps"] == {
        "anonymised": 1,
        "attended": 1,
        "shifts": 1,
        "code_of_conduct_acceptances": 1,
    }
    assert result.counts["actions.proposals"] == {"deleted": 1, "host_removed": 1}
    assert result.counts["actions.form_submissions"] == {"anonymised": 1, "answers_removed": 1}
    assert result.counts["board.seats"] == {"seats_anonymised": 1, "honoraria_kept": 2}
    assert result.counts["people.sharing"] == {"revoked": 1, "deleted": 1}
    assert result.counts["network.signups"] == {"deleted": 2}
    assert result.counts["people.imports"] == {"deleted": 1}
    assert result.counts["people.requests"] == {"anonymised": 2}  # by e-mail and by phone
    assert result.counts["people.person"] == {"deleted": 1}
    assert set(result.counts) == {c.code for c in contributors()}
    # Each erasure gets its own random tombstone.
    other = make_person(world.hub, given_name="Una", family_name="Otra")
    assert person_erase(person=other, actor=owner, reason="no_longer_needed").tombstone != result.tombstone


def test_the_request_stays_answered_without_the_address(world, owner):
    person_erase(person=world.person, actor=owner, reason="person_asked")
    with scopes_disabled():
        requests = list(SubjectRequest.objects.filter(organization=world.hub).order_by("kind"))
    # Both kept as answered work of the organization, without the address or number to answer to.
    assert [(r.person_id, r.email, r.phone, r.kind) for r in requests] == [
        (None, "", "", "erasure"),
        (None, "", "", "export"),
    ]


def test_a_reason_outside_the_list_is_refused_and_nothing_is_erased(world, owner):
    with pytest.raises(ErasureError):
        person_erase(person=world.person, actor=owner, reason=f"asked by {XIO['given_name']}")
    with scopes_disabled():
        assert PersonEmail.objects.filter(email=XIO["email"]).exists()


def test_a_failing_contributor_erases_nothing(world, owner, monkeypatch):
    from alianza.people import personal_data

    def boom(person, *, actor):
        raise RuntimeError("disk full")

    broken = personal_data.Contributor("zz.broken", "Broken", lambda p: [], boom, order=999)
    monkeypatch.setitem(personal_data._contributors, "zz.broken", broken)
    with pytest.raises(RuntimeError):
        person_erase(person=world.person, actor=owner, reason="person_asked")
    assert ("people_person", "given_name") in find_anywhere(XIO["given_name"])
    with scopes_disabled():
        assert apps.get_model("actions.RSVP").objects.filter(person=world.person).count() == 1


# --- The staff page -----------------------------------------------------------------------------------


def _url(org, person):
    return f"/staff/{org.slug}/people/{person.pk}/erase/"


def test_an_admin_erases_from_the_page(world, owner, login):
    client = login(owner)
    page = client.get(_url(world.hub, world.person))
    assert page.status_code == 200
    response = client.post(_url(world.hub, world.person), {"reason": "person_asked", "confirm": "on"})
    assert response.status_code == 302
    with scopes_disabled():
        assert not Person.objects.filter(pk=world.person.pk).exists()


def test_the_page_wants_the_box_ticked_and_keeps_the_record(world, owner, login):
    response = login(owner).post(_url(world.hub, world.person), {"reason": "person_asked"})
    assert response.status_code == 400
    assert "Tick this box to confirm the erasure." in response.content.decode()
    with scopes_disabled():
        assert Person.objects.filter(pk=world.person.pk).exists()


def test_an_organizer_may_erase_but_a_viewer_may_not(org_a, member, readonly_member, login):
    person = make_person(org_a)
    assert (
        login(readonly_member).post(_url(org_a, person), {"reason": "person_asked", "confirm": "on"}).status_code == 403
    )
    assert login(member).post(_url(org_a, person), {"reason": "person_asked", "confirm": "on"}).status_code == 302


def test_an_outsider_gets_404(org_a, outsider, login):
    person = make_person(org_a)
    assert login(outsider).post(_url(org_a, person), {"reason": "person_asked", "confirm": "on"}).status_code == 404
    with scopes_disabled():
        assert Person.objects.filter(pk=person.pk).exists()


def test_wrong_method_is_405(org_a, owner, login):
    person = make_person(org_a)
    assert login(owner).put(_url(org_a, person)).status_code == 405
