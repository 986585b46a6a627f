"""Scan benchmarks on the people an import benchmark left in a database: the fuzzy duplicate
scan and segment counts, each beside a baseline measured in the same process on the same rows.
Run by ``bench/run.py`` (which sets up the environment); prints one JSON line.

    python bench/scans.py --org bench-1000000 --people 1000000

- ``--people N`` first tops the organization up to N people by recombining its own people's
  names and addresses (no contact points, tags or notes), so that "1M people" means 1M rows;
  ``--plant`` (1 % by default) of them are planted duplicates of others (``plant_duplicates``).
- Duplicate scan: ``people.duplicates.duplicates_scan`` (it writes the pairs it finds), against a
  plain sequential read of the same columns of the same rows; its recall and precision on the
  planted duplicates (``recall_precision``). ``--no-segments`` runs only the scan.
- Segment counts: ``people.segments.people_matching(...).count()`` for several filters, each the
  median of ``--repeat`` runs after one warm-up, against a bare count of the organization's people.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
    name and language of one of its people, the family name of another and the address of a
    third (so they are new combinations, as a generated person would be, not copies), with no
    contact points, tags or notes. (Until this session the address came with the given name, so
    at 1M people each given name and street address was repeated about ten times, with random
    family names: tens of thousands of "same name, same street address" pairs that no real list
    holds.)"""
    from django.db import connection, transaction
    from django.utils import timezone

    from alianza.people.models import Person

    table = Person._meta.db_table
    taken = "given_name, preferred_name, pronouns, preferred_language"
    address = "street, city, county, state, zip_code"
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
                f"INSERT INTO {table} (organization_id, {taken}, {address}, family_name, notes, custom, "  # noqa: S608
                "other_languages, created_at, updated_at) "
                f"SELECT a.organization_id, {', '.join('a.' + c.strip() for c in taken.split(','))}, "
                f"{', '.join('c.' + c.strip() for c in address.split(','))}, b.family_name, "
                "'', '{}', '[]', %s, %s "
                f"FROM (SELECT *, row_number() OVER (ORDER BY id) AS n FROM {table} WHERE organization_id = %s) a "
                f"JOIN (SELECT family_name, row_number() OVER (ORDER BY id DESC) AS n FROM {table} "
                "WHERE organization_id = %s) b ON a.n = b.n "
                f"JOIN (SELECT {address}, row_number() OVER (ORDER BY (id * 7919) %% 1000003, id) AS n "
                f"FROM {table} WHERE organization_id = %s) c ON a.n = c.n ORDER BY a.n LIMIT %s",
                [now, now, org, org, org, people - have],
            )


PLANTED = "bench_duplicate_of"  # the custom-field key that marks a planted duplicate (and of whom)
# How a planted duplicate's name differs from its original's (weights), and its address.
NAME_CHANGES = {
    "same spelling": 15,
    "accents and case": 25,
    "family name first": 10,
    "a name left out": 15,
    "one typo": 20,
    "whole name in one column": 10,
    "decomposed accents": 5,
}
STREET_CHANGES = {"same": 55, "left blank": 20, "written differently": 10, "another house number": 10, "other": 5}
ZIP_CHANGES = {"same": 85, "ZIP+4": 10, "left blank": 5}


def _vary_name(rng: Any, change: str, given: str, family: str) -> tuple[str, str]:
    import unicodedata

    if change == "accents and case":
        plain = [
            "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
            for text in (given, family)
        ]
        return (plain[0].upper(), plain[1].upper()) if rng.random() < 0.5 else (plain[0].lower(), plain[1].lower())
    if change == "family name first":
        return (f"{family}, {given}", "") if rng.random() < 0.5 else (family, given)
    if change == "a name left out":
        if len(given.split()) > 1:
            return given.split()[0], family
        if len(family.split()) > 1:
            return given, family.split()[0]
        change = "one typo"
    if change == "one typo":
        target = given if (len(given) >= len(family)) else family
        letters = [i for i, c in enumerate(target) if c.isalpha()]
        if len(letters) < 4:  # a short (e.g. Chinese or Korean) name: written as one word instead
            return f"{given}{family}" if rng.random() < 0.5 else given, "" if rng.random() < 0.5 else family
        i = rng.choice(letters[1:])
        how = rng.choice(["swap", "drop", "double"])
        if how == "swap" and i + 1 < len(target):
            typo = target[:i] + target[i + 1] + target[i] + target[i + 2 :]
        elif how == "drop":
            typo = target[:i] + target[i + 1 :]
        else:
            typo = target[:i] + target[i] + target[i:]
        return (typo, family) if target is given else (given, typo)
    if change == "whole name in one column":
        return f"{given} {family}".strip(), ""
    if change == "decomposed accents":
        return unicodedata.normalize("NFD", given), unicodedata.normalize("NFD", family)
    return given, family


def plant_duplicates(organization: Any, count: int, seed: int) -> dict[tuple[int, int], tuple[str, str, str]]:
    """Add ``count`` duplicates of randomly chosen people of the organization, as a second
    sign-up of the same person would look: the same ZIP code (or its ZIP+4 form, or none), the
    same street address (or none, or written differently, or another house number: a move), and
    the name changed in one of the ways ``NAME_CHANGES`` lists; no contact points (the import
    pairs people who share one). Each is marked in its custom fields with whom it copies, so a
    second run finds them again instead of planting more. Returns the known pairs
    (lower id, higher id) with how the name, the street and the ZIP code were changed."""
    import random

    from django.db import connection, transaction

    from alianza.core.bulk_insert import allocate_ids, insert_rows
    from alianza.people.models import Person

    people = Person.objects.filter(organization=organization)
    planted = {pk: custom[PLANTED] for pk, custom in people.filter(custom__has_key=PLANTED).values_list("pk", "custom")}
    rng = random.Random(seed)  # noqa: S311 - test data
    if not planted and count:
        ids = sorted(people.values_list("pk", flat=True))
        chosen = sorted(rng.sample(ids, count))
        columns = ["given_name", "family_name", "preferred_language", "street", "city", "county", "state", "zip_code"]
        originals = people.filter(pk__in=chosen).values_list("pk", *columns)
        rows = []
        for pk, given, family, language, street, city, county, state, zip_code in originals:
            name_change = rng.choices(list(NAME_CHANGES), weights=list(NAME_CHANGES.values()))[0]
            street_change = rng.choices(list(STREET_CHANGES), weights=list(STREET_CHANGES.values()))[0]
            zip_change = rng.choices(list(ZIP_CHANGES), weights=list(ZIP_CHANGES.values()))[0]
            given2, family2 = _vary_name(rng, name_change, given, family)
            if street_change == "left blank":
                street = ""
            elif street_change == "written differently":
                street = street.upper().replace(" ST", " STREET").replace(" AVE", " AVENUE").split(" APT")[0]
            elif street_change == "another house number" and street:
                street = f"{rng.randint(1, 9999)} {street.split(' ', 1)[-1]}"
            elif street_change == "other":
                street = street.lower()
            if zip_change == "ZIP+4" and len(zip_code) == 5:
                zip_code = f"{zip_code}-{rng.randint(0, 9999):04d}"
            elif zip_change == "left blank":
                zip_code = ""
            custom = {PLANTED: [pk, name_change, street_change, zip_change]}
            rows.append([given2, family2, language, street, city, county, state, zip_code, json.dumps(custom)])
        with transaction.atomic():
            new_ids = allocate_ids(Person, len(rows))
            insert_rows(
                Person,
                ["id", *columns, "custom"],
                [(pk, *row) for pk, row in zip(new_ids, rows, strict=True)],
                constants={"organization_id": organization.pk},
            )
        planted = {pk: json.loads(row[-1])[PLANTED] for pk, row in zip(new_ids, rows, strict=True)}
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE people_person")
    return {(min(pk, of[0]), max(pk, of[0])): (of[1], of[2], of[3]) for pk, of in planted.items()}


def recall_precision(known: dict[tuple[int, int], tuple[str, str, str]], found: set[tuple[int, int]]) -> dict[str, Any]:
    """How many of the planted pairs the scan proposed (recall, overall and by kind of change),
    and how many of the proposed pairs are planted ones (precision: every other person was
    generated as someone else, with an e-mail and phone of their own, so another pair is two
    different people whose names happen to be alike)."""
    hits = [pair for pair in known if pair in found]
    report: dict[str, Any] = {
        "planted_pairs": len(known),
        "planted_found": len(hits),
        "recall": len(hits) / len(known) if known else None,
        "precision": len(hits) / len(found) if found else None,
    }
    for n, label in enumerate(["by_name_change", "by_street_change", "by_zip_change"]):
        kinds: dict[str, list[int]] = {}
        for pair, change in known.items():
            kinds.setdefault(change[n], [0, 0])[pair in found] += 1
        report[label] = {kind: f"{hit}/{miss + hit}" for kind, (miss, hit) in sorted(kinds.items())}
    return report


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
    parser.add_argument("--no-segments", action="store_true", help="only the duplicate scan")
    parser.add_argument(
        "--plant", type=float, default=0.01, help="share of --people that are planted duplicates (default 1 %%)"
    )
    parser.add_argument("--seed", type=int, default=42, help="of the planted duplicates")
    parser.add_argument(
        "--clear-pairs", action="store_true", help="delete the organization's duplicate pairs first (a re-run)"
    )
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
    plant = round(args.people * args.plant)
    report["topped_up"] = top_up(organization, args.people - plant) if args.people else 0
    with scope(organization=organization):
        known = plant_duplicates(organization, plant, args.seed)
    report["planted_duplicates"] = len(known)
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
        for name, data in segments.items() if not args.no_segments else ():
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
            if args.clear_pairs:
                DuplicatePair.objects.filter(organization=organization).delete()
            before = DuplicatePair.objects.count()
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            cpu = time.process_time()
            start = time.perf_counter()
            found = duplicates_scan(organization=organization, actor=None)
            report["duplicate_scan_seconds"] = time.perf_counter() - start
            report["duplicate_scan_cpu_seconds"] = time.process_time() - cpu
            # This process's peak RSS before and after the scan (Linux: KiB): the scan's own
            # peak shows when it is above what the top-up and counts had reached.
            report["peak_rss_mib_before_scan"] = rss_before / 1024
            report["peak_rss_mib_after_scan"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            report["duplicate_pairs_new"] = found
            report["duplicate_pairs_before"] = before
            report["duplicate_scan_ratio_to_read"] = report["duplicate_scan_seconds"] / report["read_baseline_seconds"]
            stored = set(DuplicatePair.objects.values_list("person_a_id", "person_b_id"))
            report["duplicates"] = recall_precision(known, stored)
            print(f"  duplicate scan: {json.dumps(report['duplicates'])}", file=sys.stderr, flush=True)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
