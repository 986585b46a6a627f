"""Finding people by name, e-mail or phone, only in one's own organization."""

import pytest
from django_scopes import scope

from alianza.core.models import AuditEvent
from alianza.people.tests.factories import make_person


@pytest.fixture
def people(org_a, org_b):
    return {
        "rosa": make_person(
            org_a, given_name="Rosa", family_name="Lima", email="rosa@example.org", phone="+15125550147"
        ),
        "nguyen": make_person(org_a, given_name="Thị Lan", family_name="Nguyễn"),
        "li": make_person(org_a, given_name="伟", family_name="李"),
        "other": make_person(org_b, given_name="Rosa", family_name="Outside"),
    }


def names(response):
    return [p.display_name for p in response.context["page"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("rosa", ["Rosa Lima"]),
        ("ROSA@example", ["Rosa Lima"]),
        ("512 555 0147", ["Rosa Lima"]),
        ("Nguyễn", ["Thị Lan Nguyễn"]),
        ("李", ["伟 李"]),
        ("lan nguy", ["Thị Lan Nguyễn"]),
        ("nobody", []),
    ],
)
def test_search(login, member, people, q, expected):
    assert names(login(member).get("/staff/org-a/people/", {"q": q})) == expected


def test_a_search_is_audited_with_its_count_only(login, member, people, org_a):
    login(member).get("/staff/org-a/people/", {"q": "rosa"})
    with scope(organization=org_a):
        event = AuditEvent.objects.get(action="people.person.searched")
    assert event.data == {"results": 1}


def test_the_list_query_count_does_not_grow_with_people(login, member, org_a, django_assert_max_num_queries):
    make_person(org_a, email="one@example.org", phone="+15125550100")
    client = login(member)
    client.get("/staff/org-a/people/")
    with django_assert_max_num_queries(20) as one:
        client.get("/staff/org-a/people/")
    for n in range(3):
        make_person(org_a, email=f"p{n}@example.org", phone=f"+1512555011{n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/staff/org-a/people/")
