"""Read audit of people: opening a record, a search and an export record which people they
showed (and why, when the user says); "Who saw this person" lists every read and share."""

import pytest
from django_scopes import scope

from alianza.core.audit import log_action
from alianza.core.models import AuditEvent, AuditSubject
from alianza.people.tests.factories import make_person

SHARE = {"purpose": "Legal consultation", "person_agreed": "on"}


@pytest.fixture
def rosa(org_a):
    return make_person(org_a, given_name="Rosa", family_name="Lima", email="rosa@example.org")


def _shown(org, action):  # type: ignore[no-untyped-def]
    with scope(organization=org):
        event = AuditEvent.objects.get(action=action)
        ids = sorted(AuditSubject.objects.filter(event=event).values_list("object_id", flat=True))
    return event, ids


def test_opening_a_record_is_a_read_of_that_person_with_the_reason(login, member, rosa, org_a):
    login(member).get(f"/staff/org-a/people/{rosa.pk}/", {"reason": "Calling back about the clinic"})
    event, ids = _shown(org_a, "people.person.viewed")
    assert (event.actor, event.object_id, event.data, ids) == (
        member,
        str(rosa.pk),
        {"reason": "Calling back about the clinic"},
        [str(rosa.pk)],
    )


def test_a_search_records_the_people_it_showed(login, member, rosa, org_a):
    other = make_person(org_a, given_name="Rosario", family_name="Vega")
    make_person(org_a, given_name="Ana", family_name="Ruiz")
    login(member).get("/staff/org-a/people/", {"q": "ros", "reason": "Phone bank"})
    event, ids = _shown(org_a, "people.person.searched")
    assert (event.data, ids) == ({"results": 2, "reason": "Phone bank"}, sorted([str(rosa.pk), str(other.pk)]))


def test_an_export_records_every_exported_person(login, owner, rosa, org_a, org_b):
    others = [make_person(org_a).pk for _n in range(3)]
    make_person(org_b)
    response = login(owner).post("/staff/org-a/people/export/", {"file_format": "csv", "reason": "Mailing"})
    assert response.status_code == 200
    event, ids = _shown(org_a, "people.export.created")
    assert event.data == {"source": "search", "format": "csv", "rows": 4, "reason": "Mailing"}
    assert ids == sorted(str(pk) for pk in [rosa.pk, *others])


def test_a_read_through_a_sharing_grant_is_recorded_for_the_owner(login, member, outsider, rosa, org_a, org_b):
    login(member).post(f"/staff/org-a/people/{rosa.pk}/share/", {**SHARE, "grantee": org_b.pk})
    login(outsider).get(f"/staff/org-b/people/{rosa.pk}/")
    event, ids = _shown(org_a, "people.person.shared_read")
    assert (event.actor, ids) == (outsider, [str(rosa.pk)])


def test_who_saw_this_person_lists_reads_and_shares_newest_first(login, owner, member, outsider, rosa, org_a, org_b):
    make_person(org_a, given_name="Ana")
    login(member).get(f"/staff/org-a/people/{rosa.pk}/")
    login(member).get("/staff/org-a/people/", {"q": "Ana"})  # does not show Rosa
    login(member).get("/staff/org-a/people/", {"q": "Rosa", "reason": "Vigil calls"})
    login(member).post(f"/staff/org-a/people/{rosa.pk}/share/", {**SHARE, "grantee": org_b.pk})
    login(outsider).get(f"/staff/org-b/people/{rosa.pk}/")
    login(owner).post("/staff/org-a/people/export/", {"file_format": "csv"})
    response = login(owner).get(f"/staff/org-a/people/{rosa.pk}/reads/")
    assert response.status_code == 200
    actions = [event.action for event in response.context["page"]]
    assert actions == [
        "people.export.created",
        "people.person.shared_read",
        "people.sharing_grant.created",
        "people.person.searched",
        "people.person.viewed",
    ]
    assert "Vigil calls" in response.content.decode()


def test_the_person_page_links_to_it_for_admins_only(login, owner, member, rosa):
    link = f"/staff/org-a/people/{rosa.pk}/reads/"
    assert link in login(owner).get(f"/staff/org-a/people/{rosa.pk}/").content.decode()
    assert link not in login(member).get(f"/staff/org-a/people/{rosa.pk}/").content.decode()


def test_it_is_paginated(login, owner, rosa, org_a):
    with scope(organization=org_a):
        for _n in range(51):
            log_action(actor=owner, organization=org_a, action="people.person.viewed", obj=rosa)
    client = login(owner)
    first = client.get(f"/staff/org-a/people/{rosa.pk}/reads/")
    second = client.get(f"/staff/org-a/people/{rosa.pk}/reads/", {"page": 2})
    assert (len(first.context["page"]), len(second.context["page"])) == (50, 1)


def test_an_organizer_may_not_see_it(login, member, rosa):
    assert login(member).get(f"/staff/org-a/people/{rosa.pk}/reads/").status_code == 403


def test_an_outsider_gets_404_even_for_a_person_shared_with_them(login, member, outsider, rosa, org_b):
    login(member).post(f"/staff/org-a/people/{rosa.pk}/share/", {**SHARE, "grantee": org_b.pk})
    assert login(outsider).get(f"/staff/org-a/people/{rosa.pk}/reads/").status_code == 404
    assert login(outsider).get(f"/staff/org-b/people/{rosa.pk}/reads/").status_code == 404


def test_other_methods_are_refused(login, owner, rosa):
    assert login(owner).post(f"/staff/org-a/people/{rosa.pk}/reads/").status_code == 405
