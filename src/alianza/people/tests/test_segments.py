"""Saved segments: each filter alone and together, the builder with its live count, a
segment's people, and that a segment never reaches another organization's people."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from alianza.core.models import AuditEvent
from alianza.people.models import ConsentRecord, Segment
from alianza.people.segments import SegmentError, SegmentFilters, people_matching, segment_people
from alianza.people.tests.factories import make_people_list, make_person, make_segment, make_tag


@scopes_disabled()
def consent(person, channel, granted, *, days_ago=0):
    ConsentRecord.objects.create(
        organization=person.organization,
        person=person,
        channel=channel,
        granted=granted,
        source="test",
        recorded_at=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def world(org_a, org_b):
    volunteer, donor = make_tag(org_a, "volunteer"), make_tag(org_a, "donor")
    rosa = make_person(org_a, given_name="Rosa", family_name="Lima", preferred_language="es", county="Travis",
                       zip_code="78701")  # fmt: skip
    li = make_person(org_a, given_name="Wei", family_name="Li", preferred_language="zh-hans", county="Hays",
                     zip_code="78666")  # fmt: skip
    jean = make_person(org_a, given_name="Jean", family_name="Pierre", preferred_language="ht", county="travis",
                       zip_code="78702-1234")  # fmt: skip
    old = make_person(org_a, given_name="Olga", family_name="Old", preferred_language="es", county="Williamson",
                      zip_code="78613")  # fmt: skip
    with scopes_disabled():
        rosa.tags.set([volunteer, donor])
        li.tags.set([volunteer])
        jean.tags.set([donor])
        old.created_at = timezone.now() - timedelta(days=40)
        old.save()
    consent(rosa, "sms", True, days_ago=2)
    consent(rosa, "email", True)
    consent(li, "sms", True, days_ago=5)
    consent(li, "sms", False, days_ago=1)  # the latest answer counts: no longer
    consent(jean, "whatsapp", False, days_ago=3)
    consent(jean, "whatsapp", True, days_ago=1)
    campaign = make_people_list(org_a, "Spring campaign", people=[li, old])
    # Another organization's look-alike, which no filter of A may ever reach.
    other_tag = make_tag(org_b, "volunteer")
    outside = make_person(org_b, given_name="Rosa", family_name="Outside", preferred_language="es", county="Travis",
                          zip_code="78701")  # fmt: skip
    with scopes_disabled():
        outside.tags.set([other_tag])
    consent(outside, "sms", True)
    return {
        "volunteer": volunteer, "donor": donor, "rosa": rosa, "li": li, "jean": jean, "old": old,
        "campaign": campaign, "other_tag": other_tag, "outside": outside,
    }  # fmt: skip


def matching(org, **filters):
    with scope(organization=org):
        return sorted(p.given_name for p in people_matching(SegmentFilters(**filters), organization=org))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["Jean", "Olga", "Rosa", "Wei"]),
        ({"tags": ("volunteer",)}, ["Rosa", "Wei"]),
        ({"tags": ("volunteer", "donor")}, ["Jean", "Rosa", "Wei"]),
        ({"tags": ("volunteer", "donor"), "tags_match": "all"}, ["Rosa"]),
        ({"languages": ("es",)}, ["Olga", "Rosa"]),
        ({"languages": ("es", "ht")}, ["Jean", "Olga", "Rosa"]),
        ({"county": "TRAVIS"}, ["Jean", "Rosa"]),
        ({"zip_prefix": "787"}, ["Jean", "Rosa"]),
        ({"zip_prefix": "78702"}, ["Jean"]),
        ({"zip_prefix": "786"}, ["Olga", "Wei"]),
        ({"consent": ("sms",)}, ["Rosa"]),  # Wei said yes, then no
        ({"consent": ("whatsapp",)}, ["Jean"]),  # Jean said no, then yes
        ({"consent": ("email", "whatsapp")}, ["Jean", "Rosa"]),
        ({"consent": ("email", "sms"), "consent_match": "all"}, ["Rosa"]),
        ({"consent": ("call",)}, []),
        ({"added_within_days": 30}, ["Jean", "Rosa", "Wei"]),
        ({"added_within_days": 60}, ["Jean", "Olga", "Rosa", "Wei"]),
        ({"people_list": "campaign"}, ["Olga", "Wei"]),
    ],
)
def test_each_filter_alone(world, org_a, filters, expected):
    if "tags" in filters:
        filters["tags"] = tuple(world[name].pk for name in filters["tags"])
    if "people_list" in filters:
        filters["people_list"] = world["campaign"].pk
    assert matching(org_a, **filters) == expected


def test_filters_combine_and_all_must_hold(world, org_a):
    v, d = world["volunteer"].pk, world["donor"].pk
    assert matching(org_a, tags=(v, d), languages=("es", "zh-hans"), zip_prefix="787") == ["Rosa"]
    assert matching(org_a, tags=(v,), consent=("sms",), county="travis", added_within_days=7) == ["Rosa"]
    assert matching(org_a, people_list=world["campaign"].pk, languages=("es",)) == ["Olga"]
    assert matching(org_a, people_list=world["campaign"].pk, added_within_days=30) == ["Wei"]
    assert matching(org_a, tags=(d,), consent=("whatsapp", "email"), consent_match="all") == []


def test_another_organizations_tags_and_lists_reach_nobody(world, org_a, org_b):
    assert matching(org_a, tags=(world["other_tag"].pk,)) == []
    theirs = make_people_list(org_b, "Theirs", people=[world["outside"]])
    assert matching(org_a, people_list=theirs.pk) == []
    with scope(organization=org_a):
        with pytest.raises(SegmentError, match="tags of your organization"):
            SegmentFilters(tags=(world["other_tag"].pk,)).validate(organization=org_a)
        with pytest.raises(SegmentError, match="list of your organization"):
            SegmentFilters(people_list=theirs.pk).validate(organization=org_a)


def test_a_filter_on_a_missing_list_or_tag_narrows_to_nobody(world, org_a):
    assert matching(org_a, people_list=999_999) == []
    assert matching(org_a, tags=(999_999,), tags_match="all") == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"zip_prefix": "7870x"}, "first digits of a ZIP code"),
        ({"added_within_days": 0}, "from 1 to 3650"),
        ({"languages": ["xx"]}, "languages from the list"),
        ({"consent": ["fax"]}, "channels from the list"),
        ({"tags_match": "some"}, "any of them"),
        ({"tags": ["volunteer"]}, "not a list of numbers"),
        ({"colour": "red"}, "Unknown filter: colour"),
        ([], "cannot be read"),
    ],
)
def test_bad_filters_are_refused_with_a_clear_message(data, message):
    with pytest.raises(SegmentError, match=message):
        SegmentFilters.from_json(data)


def test_filters_round_trip_through_json(world):
    filters = SegmentFilters(tags=(world["donor"].pk,), tags_match="all", zip_prefix="787", added_within_days=7)
    assert SegmentFilters.from_json(filters.to_json()) == filters
    assert filters.used() == ["added_within_days", "tags", "zip_prefix"]


def test_segment_people_of_a_saved_segment(world, org_a):
    segment = make_segment(org_a, {"languages": ["es"], "county": "Travis"})
    with scope(organization=org_a):
        assert [p.given_name for p in segment_people(segment)] == ["Rosa"]
    broken = make_segment(org_a, {"languages": "es"})
    with pytest.raises(SegmentError):  # never guess whom a message goes to
        segment_people(broken)


# The builder and its live count.


def test_the_builder_shows_the_live_count_wired_with_htmx(login, member, world):
    response = login(member).get("/staff/org-a/people/segments/new/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-get="/staff/org-a/people/segments/count/"' in html
    assert 'hx-trigger="change delay:300ms"' in html
    assert 'hx-target="#segment-count"' in html
    assert '<output id="segment-count" aria-live="polite"><strong>4 people match</strong></output>' in html
    assert 'name="count"' in html  # the button that counts without JavaScript


def test_the_count_endpoint_returns_a_small_fragment(login, member, world):
    client = login(member)
    response = client.get(
        "/staff/org-a/people/segments/count/", {"languages": ["es", "zh-hans"], "county": "", "tags_match": "any"}
    )
    assert response.status_code == 200
    assert response.content.decode() == "<strong>3 people match</strong>"
    response = client.get("/staff/org-a/people/segments/count/", {"tags": [world["volunteer"].pk], "zip_prefix": "787"})
    assert response.content.decode().strip() == "<strong>1 person matches</strong>"
    assert (
        client.get("/staff/org-a/people/segments/count/").content.decode().strip() == "<strong>4 people match</strong>"
    )


def test_the_count_endpoint_explains_bad_filters(login, member, world):
    response = login(member).get("/staff/org-a/people/segments/count/", {"zip_prefix": "abc"})
    assert response.status_code == 400
    assert b"first digits of a ZIP code" in response.content


def test_the_count_never_reaches_another_organization(login, member, outsider, world):
    # B's tag id is not a choice in A: the filter is refused rather than counted.
    response = login(member).get("/staff/org-a/people/segments/count/", {"tags": [world["other_tag"].pk]})
    assert response.status_code == 400
    assert login(outsider).get("/staff/org-a/people/segments/count/").status_code == 404


def test_count_without_javascript_counts_and_does_not_save(login, member, org_a, world):
    response = login(member).post("/staff/org-a/people/segments/new/", {"name": "", "languages": ["es"], "count": "1"})
    assert response.status_code == 200
    assert b"2 people match" in response.content
    with scope(organization=org_a):
        assert not Segment.objects.exists()


def test_saving_a_segment_is_audited_with_the_kinds_of_filters_only(login, member, org_a, world):
    response = login(member).post(
        "/staff/org-a/people/segments/new/",
        {"name": "Spanish speakers in Travis", "languages": ["es"], "county": " Travis ", "tags_match": "any",
         "consent_match": "any", "save": "1"},
    )  # fmt: skip
    with scope(organization=org_a):
        segment = Segment.objects.get()
        event = AuditEvent.objects.get(action="people.segment.created")
    assert response.status_code == 302 and response["Location"] == f"/staff/org-a/people/segments/{segment.pk}/"
    assert segment.filters == {"languages": ["es"], "county": "Travis"}
    assert segment.created_by == member
    assert event.data == {"filters": ["county", "languages"]}
    assert "Travis" not in str(event.data)


def test_editing_a_segment_keeps_what_was_typed_when_it_is_wrong(login, member, org_a, world):
    segment = make_segment(org_a, {"zip_prefix": "787"}, name="Central")
    make_segment(org_a, name="Taken")
    client = login(member)
    page = client.get(f"/staff/org-a/people/segments/{segment.pk}/edit/")
    assert b'value="787"' in page.content and b"2 people match" in page.content
    response = client.post(f"/staff/org-a/people/segments/{segment.pk}/edit/", {"name": "Taken", "zip_prefix": "786"})
    assert response.status_code == 400
    assert b"Another segment already has this name." in response.content
    assert b'value="786"' in response.content
    response = client.post(f"/staff/org-a/people/segments/{segment.pk}/edit/", {"name": "Central", "zip_prefix": "7x"})
    assert response.status_code == 400 and b"first digits of a ZIP code" in response.content
    response = client.post(f"/staff/org-a/people/segments/{segment.pk}/edit/", {"name": "Central", "zip_prefix": "786"})
    assert response.status_code == 302
    segment.refresh_from_db()
    assert segment.filters == {"zip_prefix": "786"}
    with scope(organization=org_a):
        assert AuditEvent.objects.get(action="people.segment.updated").data == {
            "fields": ["filters"], "filters": ["zip_prefix"]}  # fmt: skip


def test_a_segment_cannot_use_another_organizations_list(login, member, org_b, world):
    theirs = make_people_list(org_b, "Theirs")
    response = login(member).post("/staff/org-a/people/segments/new/", {"name": "X", "people_list": theirs.pk})
    assert response.status_code == 400


# A segment's pages.


def test_the_segments_page_describes_each_segment(login, readonly_member, org_a, world):
    make_segment(org_a, {"tags": [world["volunteer"].pk, world["donor"].pk], "tags_match": "all"}, name="Core")
    response = login(readonly_member).get("/staff/org-a/people/segments/")
    assert response.status_code == 200
    assert "Tags: all of donor, volunteer" in response.content.decode()


def test_a_segments_page_lists_its_people_and_is_audited(login, readonly_member, org_a, world):
    segment = make_segment(org_a, {"county": "travis"})
    response = login(readonly_member).get(f"/staff/org-a/people/segments/{segment.pk}/")
    assert response.status_code == 200
    assert [p.given_name for p in response.context["page"]] == ["Rosa", "Jean"]  # family name order
    assert b"2 people match now" in response.content
    assert b"Outside" not in response.content
    with scope(organization=org_a):
        event = AuditEvent.objects.get(action="people.segment.viewed")
    assert event.data == {"results": 2}


def test_a_segments_people_are_paginated(login, member, org_a):
    for n in range(55):
        make_person(org_a, family_name=f"Zed{n:02}", county="Bexar")
    segment = make_segment(org_a, {"county": "Bexar"})
    client = login(member)
    assert len(client.get(f"/staff/org-a/people/segments/{segment.pk}/").context["page"]) == 50
    second = client.get(f"/staff/org-a/people/segments/{segment.pk}/", {"page": 2})
    assert [p.family_name for p in second.context["page"]] == [f"Zed{n}" for n in range(50, 55)]


def test_the_segment_page_query_count_does_not_grow_with_people(login, member, org_a, django_assert_num_queries):
    volunteer = make_tag(org_a, "volunteer")
    segment = make_segment(org_a, {"tags": [volunteer.pk], "consent": ["sms"]})

    def person(n):
        someone = make_person(org_a, email=f"p{n}@example.org", phone=f"+1512555010{n}")
        with scopes_disabled():
            someone.tags.add(volunteer)
        consent(someone, "sms", True)

    person(0)
    client = login(member)
    url = f"/staff/org-a/people/segments/{segment.pk}/"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).context["page"]) == 1
    for n in range(1, 3):
        person(n)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get(url).context["page"]) == 3


def test_deleting_a_segment_needs_confirmation_and_keeps_the_people(login, member, org_a, world):
    segment = make_segment(org_a, {"county": "Travis"})
    client = login(member)
    client.post(f"/staff/org-a/people/segments/{segment.pk}/delete/")
    with scope(organization=org_a):
        assert Segment.objects.filter(pk=segment.pk).exists()
    response = client.post(f"/staff/org-a/people/segments/{segment.pk}/delete/", {"confirm": "yes"})
    assert response.status_code == 302
    with scope(organization=org_a):
        assert not Segment.objects.filter(pk=segment.pk).exists()
        assert AuditEvent.objects.filter(action="people.segment.deleted", object_id=str(segment.pk)).exists()
    matching(org_a)  # the people are all still there
    assert len(matching(org_a)) == 4


def test_roles_outsiders_and_methods(login, readonly_member, outsider, member, org_a, world):
    segment = make_segment(org_a)
    viewer = login(readonly_member)
    assert viewer.get("/staff/org-a/people/segments/").status_code == 200
    assert viewer.get(f"/staff/org-a/people/segments/{segment.pk}/").status_code == 200
    assert viewer.get("/staff/org-a/people/segments/new/").status_code == 403
    assert viewer.post(f"/staff/org-a/people/segments/{segment.pk}/delete/", {"confirm": "yes"}).status_code == 403
    stranger = login(outsider)
    assert stranger.get(f"/staff/org-a/people/segments/{segment.pk}/").status_code == 404
    assert stranger.get(f"/staff/org-b/people/segments/{segment.pk}/").status_code == 404
    assert stranger.get(f"/staff/org-b/people/segments/{segment.pk}/edit/").status_code == 404
    organizer = login(member)
    assert organizer.post("/staff/org-a/people/segments/count/").status_code == 405
    assert organizer.post(f"/staff/org-a/people/segments/{segment.pk}/").status_code == 405
    assert organizer.get(f"/staff/org-a/people/segments/{segment.pk}/delete/").status_code == 405


def test_the_consent_filter_agrees_with_the_latest_answer_even_at_the_same_moment(org_a):
    """The consent filter is a join (fast at a million people); it must give the answer of
    ``current_consent``: the latest record, and for records of the same moment the later one."""
    from alianza.people.segments import with_consent

    moment = timezone.now() - timedelta(days=1)
    people = {}
    for name, answers in {"Yes then no": [True, False], "No then yes": [False, True], "Yes": [True]}.items():
        person = people[name] = make_person(org_a, given_name=name)
        with scopes_disabled():
            for granted in answers:
                ConsentRecord.objects.create(
                    organization=org_a, person=person, channel="sms", granted=granted, source="t", recorded_at=moment
                )
    make_person(org_a, given_name="Never asked")
    filters = SegmentFilters(consent=("sms",))
    with scope(organization=org_a):
        found = sorted(people_matching(filters, organization=org_a).values_list("given_name", flat=True))
        by_subquery = sorted(
            with_consent(people_matching(SegmentFilters(), organization=org_a))
            .filter(consent_sms=True)
            .values_list("given_name", flat=True)
        )
    assert found == by_subquery == ["No then yes", "Yes"]
