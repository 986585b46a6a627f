"""Static lists: the operations (audited with counts, never names), adding the people of a
search or a segment, a list's page, taking someone out, deleting, and isolation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from alianza.core.models import AuditEvent
from alianza.people.lists import people_list_add, people_list_create, people_list_delete, people_list_remove
from alianza.people.models import PeopleList, Person
from alianza.people.operations import PeopleError
from alianza.people.tests.factories import make_people_list, make_person, make_segment


@pytest.fixture
def people(org_a, org_b):
    return {
        "rosa": make_person(org_a, given_name="Rosa", family_name="Lima", email="rosa@example.org", county="Travis"),
        "ana": make_person(org_a, given_name="Ana", family_name="Lima", county="Hays"),
        "wei": make_person(org_a, given_name="Wei", family_name="Li", county="Travis"),
        "outside": make_person(org_b, given_name="Rosa", family_name="Outside", county="Travis"),
    }


def members(people_list):
    with scope(organization=people_list.organization):
        return sorted(p.given_name for p in people_list.people.all())


def events(org, action):
    with scope(organization=org):
        return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_the_operations_count_and_audit_without_names(org_a, owner, people):
    with scope(organization=org_a):
        people_list = people_list_create(
            organization=org_a, actor=owner, name=" Rally ", people=Person.objects.filter(family_name="Lima")
        )
        assert people_list.name == "Rally" and members(people_list) == ["Ana", "Rosa"]
        added = people_list_add(people_list=people_list, actor=owner, people=Person.objects.all())
        assert added == 1 and members(people_list) == ["Ana", "Rosa", "Wei"]
        assert people_list_add(people_list=people_list, actor=owner, people=[people["rosa"]]) == 0  # once only
        assert people_list_remove(people_list=people_list, actor=owner, people=[people["ana"]]) == 1
        assert members(people_list) == ["Rosa", "Wei"]
        assert Person.objects.filter(pk=people["ana"].pk).exists()  # out of the list, not deleted
    assert [e.data for e in events(org_a, "people.people_list.created")] == [{"added": 2, "size": 2}]
    assert [e.data for e in events(org_a, "people.people_list.people_added")] == [
        {"added": 1, "size": 3}, {"added": 0, "size": 3}]  # fmt: skip
    assert [e.data for e in events(org_a, "people.people_list.people_removed")] == [{"removed": 1, "size": 2}]
    with scope(organization=org_a):
        trail = str(list(AuditEvent.objects.values_list("data", flat=True)))
    assert "Rosa" not in trail and "Rally" not in trail and "rosa@example.org" not in trail


def test_adding_works_in_batches(org_a, owner, monkeypatch):
    from alianza.people import lists

    monkeypatch.setattr(lists, "BATCH_SIZE", 2)
    for n in range(5):
        make_person(org_a, family_name=f"Batch{n}")
    people_list = make_people_list(org_a, "Batches")
    with scope(organization=org_a):
        assert people_list_add(people_list=people_list, actor=owner, people=Person.objects.all()) == 5
        assert people_list_remove(people_list=people_list, actor=owner, people=Person.objects.all()) == 5


def test_only_people_of_the_lists_organization_go_in_it(org_a, owner, people):
    people_list = make_people_list(org_a, "Ours")
    with scope(organization=org_a), pytest.raises(PeopleError, match="Only people of your organization"):
        people_list_add(people_list=people_list, actor=owner, people=[people["outside"]])
    assert members(people_list) == []


def test_list_names_are_unique_per_organization(org_a, org_b, owner, outsider):
    make_people_list(org_a, "Volunteers")
    with scope(organization=org_a), pytest.raises(PeopleError, match="already has this name"):
        people_list_create(organization=org_a, actor=owner, name="volunteers")
    with scope(organization=org_b):
        people_list_create(organization=org_b, actor=outsider, name="Volunteers")  # another organization may


def test_a_list_used_by_a_segment_cannot_be_deleted(org_a, owner, people):
    people_list = make_people_list(org_a, "Used", people=[people["rosa"]])
    segment = make_segment(org_a, {"people_list": people_list.pk}, name="Rosa's list")
    with scope(organization=org_a):
        with pytest.raises(PeopleError, match="These segments use this list: Rosa's list"):
            people_list_delete(people_list=people_list, actor=owner)
        segment.delete()
        people_list_delete(people_list=people_list, actor=owner)
        assert not PeopleList.objects.exists()
        assert Person.objects.filter(pk=people["rosa"].pk).exists()
    assert [e.data for e in events(org_a, "people.people_list.deleted")] == [{"size": 1}]


# Pages.


def test_creating_a_list(login, member, org_a):
    client = login(member)
    assert client.get("/staff/org-a/people/lists/new/").status_code == 200
    response = client.post("/staff/org-a/people/lists/new/", {"name": "Phone bank", "description": "May"})
    with scope(organization=org_a):
        people_list = PeopleList.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/org-a/people/lists/{people_list.pk}/"
    assert (people_list.description, people_list.created_by) == ("May", member)
    response = client.post("/staff/org-a/people/lists/new/", {"name": "phone bank"})
    assert response.status_code == 400 and b"Another list already has this name." in response.content
    index = client.get("/staff/org-a/people/lists/")
    assert b"Phone bank" in index.content


def test_adding_the_people_of_a_search_to_a_list(login, member, org_a, people):
    people_list = make_people_list(org_a, "Limas")
    client = login(member)
    page = client.get("/staff/org-a/people/lists/add/", {"q": "lima"})
    assert page.status_code == 200
    assert "The search “lima” finds 2 people." in page.content.decode()
    response = client.post("/staff/org-a/people/lists/add/", {"q": "lima", "people_list": people_list.pk})
    assert response.status_code == 302 and response["Location"] == people_list.get_absolute_url()
    assert members(people_list) == ["Ana", "Rosa"]


def test_adding_the_people_of_a_segment_to_a_new_list(login, member, org_a, people):
    segment = make_segment(org_a, {"county": "Travis"})
    client = login(member)
    page = client.get("/staff/org-a/people/lists/add/", {"segment": segment.pk})
    assert "picks 2 people now" in page.content.decode()
    response = client.post("/staff/org-a/people/lists/add/", {"segment": segment.pk, "new_list_name": "Travis"})
    assert response.status_code == 302
    with scope(organization=org_a):
        people_list = PeopleList.objects.get(name="Travis")
    assert members(people_list) == ["Rosa", "Wei"]  # not B's Rosa of Travis
    assert [e.data for e in events(org_a, "people.people_list.created")] == [{"added": 2, "size": 2}]


def test_the_add_form_explains_what_is_missing(login, member, org_a, people):
    people_list = make_people_list(org_a, "One")
    client = login(member)
    response = client.post("/staff/org-a/people/lists/add/", {"q": "lima"})
    assert response.status_code == 400 and b"Choose a list, or name a new one." in response.content
    response = client.post("/staff/org-a/people/lists/add/", {"people_list": people_list.pk, "new_list_name": "Two"})
    assert response.status_code == 400 and b"not both" in response.content


def test_another_organizations_list_or_segment_is_out_of_reach(login, member, org_b, people):
    theirs = make_people_list(org_b, "Theirs")
    their_segment = make_segment(org_b)
    client = login(member)
    response = client.post("/staff/org-a/people/lists/add/", {"q": "", "people_list": theirs.pk})
    assert response.status_code == 400  # not a choice here
    assert client.get("/staff/org-a/people/lists/add/", {"segment": their_segment.pk}).status_code == 404
    assert client.get(f"/staff/org-a/people/lists/{theirs.pk}/").status_code == 404
    assert members(theirs) == []


def test_a_lists_page_shows_its_people_and_takes_someone_out(login, member, org_a, people):
    people_list = make_people_list(org_a, "Rally", people=[people["rosa"], people["wei"]])
    client = login(member)
    page = client.get(f"/staff/org-a/people/lists/{people_list.pk}/")
    assert page.status_code == 200
    assert [p.given_name for p in page.context["page"]] == ["Wei", "Rosa"]
    assert b"rosa@example.org" in page.content and b"Ana" not in page.content
    assert [e.data for e in events(org_a, "people.people_list.viewed")] == [{"results": 2}]
    response = client.post(f"/staff/org-a/people/lists/{people_list.pk}/remove/", {"person": people["wei"].pk})
    assert response.status_code == 302
    assert members(people_list) == ["Rosa"]
    # Someone who is not in the list cannot be taken out of it.
    response = client.post(f"/staff/org-a/people/lists/{people_list.pk}/remove/", {"person": people["ana"].pk})
    assert response.status_code == 404


def test_deleting_a_list_needs_confirmation(login, member, org_a, people):
    people_list = make_people_list(org_a, "Rally", people=[people["rosa"]])
    client = login(member)
    client.post(f"/staff/org-a/people/lists/{people_list.pk}/delete/")
    assert members(people_list) == ["Rosa"]
    response = client.post(f"/staff/org-a/people/lists/{people_list.pk}/delete/", {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == "/staff/org-a/people/lists/"
    with scope(organization=org_a):
        assert not PeopleList.objects.exists()


def test_the_search_page_offers_to_add_and_export_by_role(login, member, advocate, readonly_member, people):
    organizer = login(member).get("/staff/org-a/people/", {"q": "lima"}).content.decode()
    assert "/staff/org-a/people/lists/add/?q=lima" in organizer and "Add these 2 people to a list" in organizer
    assert 'action="/staff/org-a/people/export/"' in organizer
    helper = login(advocate).get("/staff/org-a/people/", {"q": "lima"}).content.decode()
    assert "Add these 2 people to a list" in helper and "/people/export/" not in helper
    viewer = login(readonly_member).get("/staff/org-a/people/", {"q": "lima"}).content.decode()
    assert "to a list" not in viewer and "/people/export/" not in viewer


def test_roles_outsiders_and_methods(login, readonly_member, outsider, member, org_a, people):
    people_list = make_people_list(org_a, "Rally", people=[people["rosa"]])
    viewer = login(readonly_member)
    assert viewer.get("/staff/org-a/people/lists/").status_code == 200
    assert viewer.get(f"/staff/org-a/people/lists/{people_list.pk}/").status_code == 200
    assert viewer.get("/staff/org-a/people/lists/add/").status_code == 403
    assert viewer.post(f"/staff/org-a/people/lists/{people_list.pk}/remove/", {"person": 1}).status_code == 403
    stranger = login(outsider)
    assert stranger.get(f"/staff/org-a/people/lists/{people_list.pk}/").status_code == 404
    assert stranger.get(f"/staff/org-b/people/lists/{people_list.pk}/").status_code == 404
    organizer = login(member)
    assert organizer.post("/staff/org-a/people/lists/").status_code == 405
    assert organizer.get(f"/staff/org-a/people/lists/{people_list.pk}/remove/").status_code == 405
    assert organizer.get(f"/staff/org-a/people/lists/{people_list.pk}/delete/").status_code == 405


def test_the_list_page_query_count_does_not_grow_with_people(login, member, org_a, django_assert_num_queries):
    people_list = make_people_list(org_a, "Rally", people=[make_person(org_a, email="p0@example.org")])
    client = login(member)
    url = f"/staff/org-a/people/lists/{people_list.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    with scope(organization=org_a):
        people_list.people.add(*[make_person(org_a, email=f"p{n}@example.org") for n in (1, 2)])
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get(url).context["page"]) == 3


def test_merging_two_people_keeps_the_merged_ones_lists(org_a, owner):
    from alianza.people.merging import person_merge

    survivor, merged = make_person(org_a, given_name="Rosa"), make_person(org_a, given_name="Rosita")
    both = make_people_list(org_a, "Both", people=[survivor, merged])
    only_merged = make_people_list(org_a, "Only the merged one", people=[merged])
    person_merge(survivor=survivor, merged=merged, actor=owner, take_from_merged=[])
    assert members(both) == ["Rosa"] and members(only_merged) == ["Rosa"]
