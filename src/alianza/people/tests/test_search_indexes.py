"""On PostgreSQL, the trigram indexes match the expression Django's ``icontains`` generates, so
the planner can use them (whether it does depends on the data; that is measured in bench/)."""

import pytest
from django.db import connection
from django_scopes import scope

from alianza.people.models import Person


@pytest.mark.django_db
def test_name_search_can_use_a_trigram_index(org_a):
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes exist on PostgreSQL only; SQLite scans (the documented fallback)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'people_person' AND indexname LIKE '%trgm'")
        assert sorted(row[0] for row in cursor.fetchall()) == [
            "people_person_family_trgm", "people_person_given_trgm", "people_person_preferred_trgm",
        ]  # fmt: skip
        # Rule out the other access paths, so the plan shows whether the trigram index can serve.
        cursor.execute("SET enable_seqscan = off; SET enable_indexscan = off")
        with scope(organization=org_a):
            sql, params = Person._base_manager.filter(family_name__icontains="lima").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on; SET enable_indexscan = on")
    assert "trgm" in plan, plan
