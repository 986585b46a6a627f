"""Segments by custom fields (text, number, date, choice) and by "did X in the last N days",
with counts, stored as JSON, validated against the organization's fields, described in words.
Run on SQLite and on PostgreSQL (where choices use JSON containment and the GIN index)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from alianza.people import activity
from alianza.people.custom_fields import custom_field_delete, option_is
from alianza.people.models import ConsentRecord, CustomField, Person
from alianza.people.segments import CustomFilter, SegmentError, SegmentFilters, people_matching, segment_people
from alianza.people.tests.factories import make_custom_field, make_person, make_segment

SIZES = [
    {"key": "s", "label": {"en": "Small", "es": "Chica"}},
    {"key": "m", "label": {"en": "Medium", "es": "Mediana"}},
    {"key": "l", "label": {"en": "Large", "es": "Grande"}},
]


@scopes_disabled()
def person(org, name, **custom):
    made = make_person(org, given_name=name)
    made.custom = custom
    made.save(update_fields=["custom"])
    return made


@pytest.fixture
def world(org_a, org_b):
    fields = {
        "size": make_custom_field(org_a, "size", "choice", choices=SIZES, label={"en": "T-shirt size"}),
        "hours": make_custom_field(org_a, "hours", "number", label={"en": "Volunteer hours"}),
        "kyr": make_custom_field(org_a, "kyr", "date", label={"en": "Trained on KYR"}),
        "team": make_custom_field(org_a, "team", "text", label={"en": "Team"}),
        # A field whose key is a lookup name must still be read as a key.
        "exact": make_custom_field(org_a, "exact", "text", label={"en": "Exact"}),
    }
    person(org_a, "Ana", size="m", hours=2.5, kyr="2024-01-15", team="Norte", exact="x")
    person(org_a, "Beto", size="l", hours=12, kyr="2024-06-01", team="norte")
    person(org_a, "Cruz", size="s", hours=40, team="Sur")
    person(org_a, "Dora")  # no values at all
    # Another organization with the same keys: never reached.
    make_custom_field(org_b, "size", "choice", choices=SIZES)
    person(org_b, "Outside", size="m", hours=3, team="Norte")
    return fields


def names(org, filters):
    with scope(organization=org):
        return sorted(p.given_name for p in people_matching(filters, organization=org))


def custom(*items):
    return SegmentFilters(custom=tuple(items))


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (CustomFilter("team", "text", equals="NORTE"), ["Ana", "Beto"]),
        (CustomFilter("exact", "text", equals="X"), ["Ana"]),
        (CustomFilter("hours", "number", min=10), ["Beto", "Cruz"]),
        (CustomFilter("hours", "number", max=12), ["Ana", "Beto"]),
        (CustomFilter("hours", "number", min=2.5, max=12), ["Ana", "Beto"]),
        (CustomFilter("hours", "number", min=2.6, max=11.9), []),
        (CustomFilter("kyr", "date", date_from="2024-02-01"), ["Beto"]),
        (CustomFilter("kyr", "date", date_to="2024-01-15"), ["Ana"]),
        (CustomFilter("kyr", "date", date_from="2024-01-01", date_to="2024-12-31"), ["Ana", "Beto"]),
        (CustomFilter("size", "choice", options=("m",)), ["Ana"]),
        (CustomFilter("size", "choice", options=("l", "m")), ["Ana", "Beto"]),
    ],
)
def test_each_custom_filter(org_a, world, item, expected):
    assert names(org_a, custom(item)) == expected


def test_custom_filters_combine_with_each_other_and_the_rest(org_a, world):
    filters = SegmentFilters(
        languages=("en",),
        custom=(CustomFilter("team", "text", equals="norte"), CustomFilter("hours", "number", min=10)),
    )
    assert names(org_a, filters) == ["Beto"]
    with scope(organization=org_a):
        assert people_matching(filters, organization=org_a).count() == 1


def test_choice_filters_use_json_containment_on_postgresql(org_a, world):
    with scope(organization=org_a):
        sql = str(people_matching(custom(CustomFilter("size", "choice", options=("m",))), organization=org_a).query)
    if connection.vendor == "postgresql":
        assert '"people_person"."custom" @>' in sql
    else:
        assert "JSON_EXTRACT" in sql


def test_filters_are_stored_as_json_and_read_back(org_a, world):
    filters = custom(
        CustomFilter("hours", "number", min=2.5),
        CustomFilter("kyr", "date", date_from="2024-01-01", date_to="2024-03-01"),
        CustomFilter("size", "choice", options=("l", "m")),
        CustomFilter("team", "text", equals="Norte"),
    )
    stored = filters.to_json()
    assert stored == {
        "custom": [
            {"field": "hours", "type": "number", "min": 2.5},
            {"field": "kyr", "type": "date", "from": "2024-01-01", "to": "2024-03-01"},
            {"field": "size", "type": "choice", "any_of": ["l", "m"]},
            {"field": "team", "type": "text", "equals": "Norte"},
        ]
    }
    assert SegmentFilters.from_json(stored) == filters
    assert filters.used() == ["custom.hours", "custom.kyr", "custom.size", "custom.team"]


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ({"custom": [{"field": "hours", "type": "number"}]}, "Give a smallest or a largest number."),
        ({"custom": [{"field": "hours", "type": "number", "min": 5, "max": 1}]}, "The smallest number is larger"),
        ({"custom": [{"field": "kyr", "type": "date", "from": "2024-05-01", "to": "2024-01-01"}]}, "is after"),
        ({"custom": [{"field": "kyr", "type": "date", "from": "someday"}]}, "These filters cannot be read."),
        ({"custom": [{"field": "size", "type": "choice", "any_of": []}]}, "Choose at least one option."),
        ({"custom": [{"field": "team", "type": "text", "equals": ""}]}, "Write the text to look for"),
        ({"custom": [{"field": "team", "type": "color", "equals": "x"}]}, "These filters cannot be read."),
        ({"custom": [{"field": "a__b", "type": "text", "equals": "x"}]}, "These filters cannot be read."),
        ({"custom": {"field": "team"}}, "These filters cannot be read."),
        ({"custom": [{"field": "team", "type": "text", "equals": "x", "like": "y"}]}, "Unknown filter: like."),
    ],
)
def test_malformed_custom_filters_are_refused(stored, message):
    with pytest.raises(SegmentError, match=message):
        SegmentFilters.from_json(stored)


def test_filters_are_validated_against_the_organizations_fields(org_a, org_b, world):
    with pytest.raises(SegmentError, match="Choose fields of your organization"):
        custom(CustomFilter("shoe", "text", equals="x")).validate(organization=org_a)
    with pytest.raises(SegmentError, match="Choose fields of your organization"):
        custom(CustomFilter("hours", "text", equals="x")).validate(organization=org_a)  # wrong type
    with pytest.raises(SegmentError, match="Choose options of the field T-shirt size"):
        custom(CustomFilter("size", "choice", options=("xl",))).validate(organization=org_a)
    with pytest.raises(SegmentError, match="Choose fields of your organization"):
        custom(CustomFilter("team", "text", equals="x")).validate(organization=org_b)


def test_a_filter_on_a_deleted_field_matches_nobody(org_a, owner, world):
    segment = make_segment(org_a, {"custom": [{"field": "team", "type": "text", "equals": "Norte"}]})
    assert segment_people(segment).count() == 2
    with scopes_disabled():
        Person.objects.filter(organization=org_a).update(custom={})
        team = CustomField.objects.get(organization=org_a, key="team")
    custom_field_delete(definition=team, actor=owner)
    with scope(organization=org_a):
        assert segment_people(segment).count() == 0
    filters = SegmentFilters.from_json(segment.filters)
    assert filters.describe(tag_names={}, list_names={}, fields={}) == ["The field team (deleted): matches nobody"]


def test_describe_in_words(org_a, world):
    filters = custom(
        CustomFilter("hours", "number", min=2.5),
        CustomFilter("kyr", "date", date_from="2024-01-01", date_to="2024-03-01"),
        CustomFilter("size", "choice", options=("l", "m")),
        CustomFilter("team", "text", equals="Norte"),
        CustomFilter("hours", "number", max=10),
    )
    assert filters.describe(tag_names={}, list_names={}, fields=world) == [
        "Volunteer hours: 2.5 or more",
        "Trained on KYR from 01/01/2024 to 03/01/2024",
        "T-shirt size: any of Large, Medium",
        "Team is “Norte”",
        "Volunteer hours: 10 or less",
    ]


# --- "Did X in the last N days" ---------------------------------------------------------------------


@scopes_disabled()
def consent(someone, granted, days_ago):
    ConsentRecord.objects.create(
        organization=someone.organization, person=someone, channel="sms", granted=granted, source="test",
        recorded_at=timezone.now() - timedelta(days=days_ago),
    )  # fmt: skip


def test_did_something_in_the_last_n_days(org_a, org_b):
    recent, old, said_no = make_person(org_a, given_name="Recent"), make_person(org_a, given_name="Old"), None
    said_no = make_person(org_a, given_name="SaidNo")
    consent(recent, True, 3)
    consent(recent, True, 1)  # twice: still one person
    consent(old, True, 40)
    consent(said_no, False, 1)
    consent(make_person(org_b, given_name="Outside"), True, 1)
    filters = SegmentFilters(activity="people.consent_given", activity_days=7)
    assert names(org_a, filters) == ["Recent"]
    with scope(organization=org_a):
        assert people_matching(filters, organization=org_a).count() == 1
    assert names(org_a, SegmentFilters(activity="people.consent_given", activity_days=60)) == ["Old", "Recent"]
    assert filters.to_json() == {"activity": "people.consent_given", "activity_days": 7}
    assert SegmentFilters.from_json(filters.to_json()) == filters
    assert filters.describe(tag_names={}, list_names={}) == ["Agreed to be contacted in the last 7 days"]
    assert filters.used() == ["activity"]


def test_an_activity_registered_by_another_app_is_offered_and_used(org_a):
    someone = make_person(org_a, given_name="Zoe")
    activity.register(
        activity.ActivityKind(
            code="tests.named_zoe",
            label="Is called Zoe",
            person_ids_since=lambda organization, since: Person.objects.filter(
                organization=organization, given_name="Zoe", created_at__gte=since
            ).values("pk"),
        )
    )
    try:
        assert "tests.named_zoe" in [kind.code for kind in activity.kinds()]
        assert names(org_a, SegmentFilters(activity="tests.named_zoe", activity_days=1)) == [someone.given_name]
    finally:
        activity._kinds.pop("tests.named_zoe")


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ({"activity": "events.attended", "activity_days": 7}, "“events.attended” is not something people can do"),
        ({"activity": "people.consent_given"}, "Enter a number of days from 1 to 3650."),
        ({"activity": "people.consent_given", "activity_days": 0}, "Enter a number of days from 1 to 3650."),
        ({"activity_days": 7}, "Choose what people did."),
    ],
)
def test_an_unknown_activity_or_bad_days_is_a_clear_error(org_a, stored, message):
    with pytest.raises(SegmentError, match=message):
        SegmentFilters.from_json(stored)
    segment = make_segment(org_a, stored)
    with pytest.raises(SegmentError):  # never more people than the segment says
        segment_people(segment)


# --- The builder ---------------------------------------------------------------------------------


def test_the_builder_offers_the_fields_and_the_activities(login, member, org_a, world):
    page = login(member).get("/staff/org-a/people/segments/new/").content.decode()
    for name in ('name="cf_size"', 'name="cf_hours_min"', 'name="cf_hours_max"', 'name="cf_kyr_from"',
                 'name="cf_team"', 'value="people.consent_given"'):  # fmt: skip
        assert name in page
    assert "<legend>T-shirt size</legend>" in page


def test_the_builder_saves_custom_and_activity_filters(login, member, org_a, world):
    response = login(member).post(
        "/staff/org-a/people/segments/new/",
        {"name": "Big helpers", "cf_size": ["m", "l"], "cf_hours_min": "2,5", "cf_hours_max": "", "cf_kyr_from": "",
         "cf_team": "", "activity": "people.consent_given", "activity_days": "30", "save": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    with scope(organization=org_a):
        segment = org_a.segments.get()
    assert segment.filters == {
        "custom": [
            {"field": "hours", "type": "number", "min": 2.5},
            {"field": "size", "type": "choice", "any_of": ["l", "m"]},
        ],
        "activity": "people.consent_given",
        "activity_days": 30,
    }
    edit = login(member).get(f"/staff/org-a/people/segments/{segment.pk}/edit/").content.decode()
    assert 'name="cf_hours_min" value="2.5"' in edit
    assert 'value="m" id="id_cf_size_1" checked' in edit


def test_the_live_count_follows_custom_filters(login, member, org_a, world):
    client = login(member)
    response = client.get("/staff/org-a/people/segments/count/", {"cf_team": "NORTE"})
    assert response.content.decode().strip() == "<strong>2 people match</strong>"
    response = client.get("/staff/org-a/people/segments/count/", {"cf_team": "NORTE", "cf_hours_min": "10"})
    assert response.content.decode().strip() == "<strong>1 person matches</strong>"
    response = client.get("/staff/org-a/people/segments/count/", {"cf_hours_min": "lots"})
    assert response.status_code == 400
    assert "Volunteer hours: “lots” is not a number" in response.content.decode()
    response = client.get("/staff/org-a/people/segments/count/", {"activity": "people.consent_given"})
    assert response.status_code == 400
    assert "Choose what people did and in how many days, or neither." in response.content.decode()


def test_a_segment_page_describes_custom_filters(login, member, org_a, world):
    segment = make_segment(org_a, {"custom": [{"field": "size", "type": "choice", "any_of": ["m"]}]})
    page = login(member).get(f"/staff/org-a/people/segments/{segment.pk}/").content.decode()
    assert "T-shirt size: any of Medium" in page
    assert "1 person matches now" in page


def test_a_choice_filter_can_use_the_gin_index_on_postgresql(org_a, world):
    if connection.vendor != "postgresql":
        pytest.skip("GIN indexes exist on PostgreSQL only; SQLite scans with JSON_EXTRACT (the documented fallback)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = 'people_person_custom_gin'")
        assert cursor.fetchall() == [("people_person_custom_gin",)]
        # Rule out the other access paths, so the plan shows whether the GIN index can serve the
        # containment the choice filter generates.
        cursor.execute("SET enable_seqscan = off; SET enable_indexscan = off")
        # The condition alone (the organization's index would win on so few rows).
        sql, params = Person._base_manager.filter(option_is("size", ["m"])).query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on; SET enable_indexscan = on")
    assert "people_person_custom_gin" in plan, plan
