"""How fast can any import write people on this machine? The people tables' floors on PostgreSQL,
each on a fresh, migrated database, beside the thin ``COPY`` baseline of bench/run.py. See
docs/performance.md, "Floors at 1M".

    python bench/floors.py                    # 1,000,000 rows, each schema once
    python bench/floors.py --rows 100000 --rounds 3

For each round and each schema, the generated rows (bench/generate_people.py) are written with
no validation and no dedupe (bench/run.py's "same-schema floor": ``COPY`` into people, e-mails
and phones, one transaction), then the same rows into the baseline's one thin table:

- ``all_indexes``: the tables as migrated, with every index the application uses (search,
  segments, duplicates, lists);
- ``constraints_only``: the same tables with only the indexes of their primary keys and unique
  constraints (an e-mail or a phone once per organization: what matching needs), every other
  index dropped. No schema that keeps people, their e-mails and their phones apart, each
  e-mail and phone unique per organization, can be written faster than this.
- ``lean_search`` (a candidate schema, not the application's): as migrated, but the five
  trigram indexes (substring search on names, e-mails and phones) replaced by one full-text
  index on the names (words, not substrings) and prefix indexes on e-mails and phones.

The database (default ``alianza_bench_floors``) is dropped and recreated for each measurement
and dropped at the end. Timings are reported, never asserted; results go to
var/bench/floors-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from run import ROOT, PostgreSQL, create_organization, django_env, generate, manage

PG_URL = "postgres://postgres@127.0.0.1:5432/alianza_bench_floors"
SCHEMAS = ("all_indexes", "constraints_only", "lean_search")
TABLES = ("people_person", "people_personemail", "people_personphone")

TRIGRAM_INDEXES = (
    "people_person_given_trgm",
    "people_person_family_trgm",
    "people_person_preferred_trgm",
    "people_personemail_email_trgm",
    "people_personphone_number_trgm",
)
LEAN_SEARCH_INDEXES = (
    "CREATE INDEX lean_person_names ON people_person USING gin "
    "(to_tsvector('simple', given_name || ' ' || family_name || ' ' || preferred_name))",
    "CREATE INDEX lean_email_prefix ON people_personemail (organization_id, email text_pattern_ops)",
    "CREATE INDEX lean_phone_prefix ON people_personphone (organization_id, number text_pattern_ops)",
)

# Every index of the three tables but those behind a primary key or a unique constraint.
OPTIONAL_INDEXES = """
SELECT i.indexname FROM pg_indexes i
WHERE i.tablename = ANY(%s)
  AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))
ORDER BY i.indexname
"""


def measure(db: PostgreSQL, workdir: Path, path: Path, schema: str) -> dict[str, object]:
    db.recreate()
    env = django_env(workdir, db.url)
    manage(env, "migrate", "--no-input", "-v", "0")
    create_organization(env, "floor")
    dropped: list[str] = []
    if schema == "constraints_only":
        dropped = [row[0] for row in db.query(OPTIONAL_INDEXES, (list(TABLES),))]
    elif schema == "lean_search":
        dropped = list(TRIGRAM_INDEXES)
    with db.connect() as conn:
        for name in dropped:
            conn.execute(f'DROP INDEX "{name}"')
        if schema == "lean_search":
            for sql in LEAN_SEARCH_INDEXES:
                conn.execute(sql)
        conn.commit()
    kept = [row[0] for row in db.query("SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s)", (list(TABLES),))]
    rows, floor_seconds = db.schema_floor(path, "floor")
    baseline_rows, baseline_seconds = db.baseline(path)
    floor_rate, baseline_rate = rows / floor_seconds, baseline_rows / baseline_seconds
    return {
        "schema": schema,
        "rows": rows,
        "floor_seconds": round(floor_seconds, 2),
        "floor_rows_per_s": round(floor_rate),
        "baseline_seconds": round(baseline_seconds, 2),
        "baseline_rows_per_s": round(baseline_rate),
        "floor_over_baseline": round(floor_rate / baseline_rate, 3),
        "indexes_kept": kept,
        "indexes_dropped": dropped,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--schemas", default=",".join(SCHEMAS), help=f"comma-separated, of: {', '.join(SCHEMAS)}")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_FLOORS_PG_URL", PG_URL))
    args = parser.parse_args()
    unknown = set(args.schemas.split(",")) - set(SCHEMAS)
    if unknown:
        parser.error(f"unknown schemas: {', '.join(sorted(unknown))}")
    db = PostgreSQL(args.pg_url)
    if not str(db.dbname).startswith("alianza_bench_floors"):
        raise SystemExit(f"Refusing to drop {db.dbname!r}: the database name must start with alianza_bench_floors")
    why = PostgreSQL.reachable(args.pg_url)
    if why:
        raise SystemExit(f"PostgreSQL is not reachable at {args.pg_url}: {why}")
    workdir = Path(tempfile.mkdtemp(prefix="alianza-bench-floors-"))
    path = workdir / "people.csv"
    start = time.perf_counter()
    generate(args.rows, path, args.seed)
    print(f"generated {args.rows:,} rows in {time.perf_counter() - start:.1f} s", flush=True)
    report: dict[str, object] = {"rows": args.rows, "load_average_at_start": os.getloadavg(), "runs": []}
    runs: list[dict[str, object]] = []
    try:
        for _ in range(args.rounds):
            for schema in args.schemas.split(","):
                result = measure(db, workdir, path, schema)
                runs.append(result)
                print(
                    f"{schema:<17} floor {result['floor_rows_per_s']:>8,} rows/s ({result['floor_seconds']} s), "
                    f"thin COPY {result['baseline_rows_per_s']:>8,} rows/s ({result['baseline_seconds']} s): "
                    f"floor / baseline {result['floor_over_baseline']}",
                    flush=True,
                )
    finally:
        with db.admin() as conn:
            report["server_version"] = conn.info.server_version
            conn.execute(f'DROP DATABASE IF EXISTS "{db.dbname}" WITH (FORCE)')
    report["runs"] = runs
    report["load_average_at_end"] = os.getloadavg()
    out = ROOT / "var" / "bench" / f"floors-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"Results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
