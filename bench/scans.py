"""Scan benchmarks on the people an import benchmark left in a database: the fuzzy duplicate
scan and segment counts, each beside a baseline measured in the same process on the same rows.
Run by ``bench/run.py`` (which sets up the environment); prints one JSON line.

    python bench/scans.py --org bench-1000000 --people 1000000

- ``--people N`` first tops the organization up to N people by copying its own people's names
  and addresses (no contact points, tags or notes), so that "1M people" means 1M rows.
- Duplicate scan: ``people.duplicates.duplicates_scan`` (it writes the pairs it finds), against a
  plain sequential read of the same columns of the same rows.
- Segment counts: ``people.segments.people_matching(...).count()`` for several filters, each the
  median of ``--repeat`` runs after one warm-up, against a bare count of the organization's people.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alianza.settings")


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds of ``repeat`` runs after one warm-up run, and the last result."""
    result = fn()
    times = []
    for _n in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def top_up(organization: Any, people: int) -> int:
    """Add people to the organization until it has ``people``: each new one takes the given
    name, address and language of one of its people and the family name of another (so they
    are new combinations, as a generated person would be, not copies), with no contact points,
    tags or notes."""
    from django.db import connection, transaction
    from django.utils import timezone

    from alianza.people.models import Person

    table = Person._meta.db_table
    columns = "given_name, preferred_name, pronouns, preferred_language, street, city, county, state, zip_code"
    org = organization.pk if connection.vendor == "postgresql" else organization.pk.hex
    first = None
    with transaction.atomic(), connection.cursor() as cursor:
        while True:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE organization_id = %s", [org])  # noqa: S608
            have = cursor.fetchone()[0]
            first = have if first is None else first
            if have >= people or have == 0:
                return int(have - first)
            now = timezone.now()
            cursor.execute(
                f"INSERT INTO {table} (organization_id, {columns}, family_name, notes, custom, other_languages, "  # noqa: S608
                "created_at, updated_at) "
                f"SELECT a.organization_id, {', '.join('a.' + c.strip() for c in columns.split(','))}, b.family_name, "
                "'', '{}', '[]', %s, %s "
                f"FROM (SELECT *, row_number() OVER (ORDER BY id) AS n FROM {table} WHERE organization_id = %s) a "
                f"JOIN (SELECT family_name, row_number() OVER (ORDER BY id DESC) AS n FROM {table} "
                "WHERE organization_id = %s) b ON a.n = b.n ORDER BY a.n LIMIT %s",
                [now, now, org, org, people - have],
            )


def explain_analyze(count: Callable[[], Any]) -> list[str]:
    """The lines of ``EXPLAIN (ANALYZE, BUFFERS)`` of the SQL that ``count()`` runs."""
    from django.db import connection

    captured: list[tuple[str, Any]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        count()
    sql, params = captured[-1]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return [row[0] for row in cursor.fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--org", required=True)
    parser.add_argument("--people", type=int, default=0, help="top the organization up to this many people first")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-duplicates", action="store_true", help="only the segment counts")
    parser.add_argument("--explain", action="store_true", help="also EXPLAIN ANALYZE each segment count (PostgreSQL)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django_scopes import scope, scopes_disabled

    from alianza.core.models import Organization
    from alianza.people.duplicates import duplicates_scan
    from alianza.people.models import DuplicatePair, Person, Tag
    from alianza.people.segments import SegmentFilters, people_matching

    with scopes_disabled():
        organization = Organization.objects.get(slug=args.org)
    report: dict[str, Any] = {"database": connection.vendor, "organization": args.org}
    start = time.perf_counter()
    report["topped_up"] = top_up(organization, args.people) if args.people else 0
    report["top_up_seconds"] = time.perf_counter() - start
    start = time.perf_counter()
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk load on PostgreSQL (statistics, and the visibility
        # map that lets a count read the index alone); statistics on SQLite.
        cursor.execute("VACUUM ANALYZE people_person" if connection.vendor == "postgresql" else "ANALYZE")
    report["vacuum_analyze_seconds"] = time.perf_counter() - start

    with scope(organization=organization):
        people = Person.objects.filter(organization=organization)
        report["people"] = people.count()

        # Segment counts against a bare count of the same people.
        count_seconds, _count = timed(lambda: people.count(), args.repeat)
        report["count_baseline_seconds"] = count_seconds
        volunteer = Tag.objects.filter(name="volunteer").values_list("pk", flat=True).first()
        segments: dict[str, dict[str, Any]] = {
            "language es": {"languages": ["es"]},
            "tag volunteer": {"tags": [volunteer] if volunteer else []},
            "ZIP prefix 331 + language es": {"zip_prefix": "331", "languages": ["es"]},
            "county Miami-Dade": {"county": "Miami-Dade"},
            "consents to e-mail": {"consent": ["email"]},
            "added in the last 30 days": {"added_within_days": 30},
            "tag + language + ZIP prefix": {
                "tags": [volunteer] if volunteer else [],
                "languages": ["es"],
                "zip_prefix": "3",
            },
        }
        report["segments"] = {}
        for name, data in segments.items():
            filters = SegmentFilters.from_json(data)
            seconds, count = timed(lambda f=filters: people_matching(f, organization=organization).count(), args.repeat)
            report["segments"][name] = {
                "seconds": seconds,
                "count": count,
                "ratio_to_bare_count": seconds / count_seconds if count_seconds else None,
            }
            print(f"  segment {name!r}: {count:,} people in {seconds * 1000:.0f} ms", file=sys.stderr, flush=True)
            if args.explain and connection.vendor == "postgresql":
                plan = explain_analyze(lambda f=filters: people_matching(f, organization=organization).count())
                report["segments"][name]["plan"] = plan
                print("    " + "\n    ".join(plan), file=sys.stderr, flush=True)

        if not args.no_duplicates:
            # The duplicate scan against a plain sequential read of the same rows.
            columns = ("pk", "given_name", "family_name", "preferred_name", "zip_code", "city")
            start = time.perf_counter()
            read = sum(1 for _row in people.order_by().values_list(*columns).iterator(chunk_size=10_000))
            report["read_baseline_seconds"] = time.perf_counter() - start
            report["read_rows"] = read
            before = DuplicatePair.objects.count()
            start = time.perf_counter()
            found = duplicates_scan(organization=organization, actor=None)
            report["duplicate_scan_seconds"] = time.perf_counter() - start
            report["duplicate_pairs_new"] = found
            report["duplicate_pairs_before"] = before
            report["duplicate_scan_ratio_to_read"] = report["duplicate_scan_seconds"] / report["read_baseline_seconds"]
    print(json.dumps(report))


if __name__ == "__main__":
    main()
