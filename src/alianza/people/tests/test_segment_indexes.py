"""On PostgreSQL, the segment counts that filter on a language, a ZIP prefix with a language, the
date a person was added or a county can be served by the indexes of migration 0011, and every
query by organization on people, e-mails and phones still has an index that starts with the
organization (the organization-only indexes were dropped as redundant). Whether the planner
chooses an index depends on the data; that is measured in bench/scans.py."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scope

from alianza.people.models import Person, PersonEmail, PersonPhone
from alianza.people.segments import SegmentFilters, people_matching


def plan_of(count: Any) -> str:
    """The plan PostgreSQL makes for the SQL that ``count()`` runs, with sequential scans ruled
    out, so the plan shows whether an index can serve the query."""
    captured: list[tuple[str, Any]] = []

    def capture(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        count()
    sql, params = captured[-1]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("SET enable_seqscan = on")


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the plans and the county index are PostgreSQL's; SQLite plans with its own planner")


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({"languages": ["es"]}, "people_person_org_lang_zip"),
        ({"languages": ["es"], "zip_prefix": "331"}, "people_person_org_lang_zip"),
        ({"added_within_days": 30}, "people_person_org_created"),
        ({"county": "miami-dade"}, "people_person_org_county"),
    ],
)
@pytest.mark.django_db
def test_segment_count_can_use_its_index(postgresql, org_a, filters, index):
    long_ago = timezone.now() - timedelta(days=400)
    with scope(organization=org_a):
        # Many people the filter leaves out and one it picks, with fresh statistics, so that the
        # index on the filtered column is the cheapest way and not one tied with the others.
        Person.objects.bulk_create(
            Person(organization=org_a, preferred_language="en", county="Broward", zip_code="10001", created_at=long_ago)
            for _n in range(500)
        )
        Person.objects.create(organization=org_a, preferred_language="es", county="Miami-Dade", zip_code="33125")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE people_person")
        segment = people_matching(SegmentFilters.from_json(filters), organization=org_a)
        plan = plan_of(segment.count)
        assert segment.count() == 1
    assert index in plan, plan


@pytest.mark.django_db
def test_organization_only_indexes_are_gone(postgresql):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname FROM pg_indexes WHERE tablename IN "
            "('people_person', 'people_personemail', 'people_personphone') AND indexdef LIKE '%%(organization_id)'"
        )
        assert cursor.fetchall() == []


@pytest.mark.parametrize("model", [Person, PersonEmail, PersonPhone])
@pytest.mark.django_db
def test_queries_by_organization_still_have_an_index(postgresql, org_a, model):
    with scope(organization=org_a):
        plan = plan_of(model.objects.filter(organization=org_a).count)
    # Without a usable index PostgreSQL falls back to a sequential scan even when told not to.
    assert "Seq Scan" not in plan, plan
    assert "Index Cond: (organization_id = " in plan, plan
