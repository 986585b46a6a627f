"""Retention benchmark: the real retention run (``people.inactive_without_consent``: anonymise
in batches, one audit event) over N people of whom 10 % expired, beside a bare SQL ``DELETE`` of
the same rows (their e-mails, then the people) in the same run, on SQLite and PostgreSQL, with
the peak memory (VmHWM) of the process that ran it. See docs/retention.md.

    python bench/retention.py              # 100k people
    python bench/retention.py --full       # 100k and 1M people (memory must not grow)

Each size gets a fresh, migrated database holding two organizations of N people each (every
person with one e-mail address; every tenth unchanged for five years and without consent): the
retention run works on one, the bare DELETE on the other, so both find the same rows in a table
of the same size. Timings are reported, never asserted. Results go to var/bench/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from run import PG_URL as _IMPORT_PG_URL
from run import PostgreSQL, SQLite, django_env, manage, run_measured

ROOT = Path(__file__).resolve().parent.parent
PG_URL = _IMPORT_PG_URL.replace("alianza_bench", "alianza_retention_bench")
KIND = "people.inactive_without_consent"
EXPIRED_YEARS = 5
CHUNK = 20_000


# --- Inside a Django process (``--worker``) --------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alianza.settings")
    import django

    django.setup()


def worker_load(rows: int) -> dict[str, Any]:
    """Two organizations of ``rows`` people and e-mails each, written with plain SQL in chunks."""
    from django.db import connection, transaction
    from django.utils import timezone

    from alianza.core.models import Organization

    now = timezone.now()
    old = now - dt.timedelta(days=EXPIRED_YEARS * 365)
    prep = connection.ops.adapt_datetimefield_value
    columns = (
        "organization_id, given_name, family_name, preferred_name, pronouns, preferred_language, other_languages, "
        "street, city, county, state, zip_code, notes, custom, created_at, updated_at"
    )
    sql = f"INSERT INTO people_person ({columns}) VALUES ({', '.join(['%s'] * 16)})"  # noqa: S608
    start = time.perf_counter()
    for slug in ("bench-retention", "bench-baseline"):
        org = Organization.objects.create(slug=slug, name=slug)
        org_id = Organization._meta.pk.get_db_prep_value(org.pk, connection)  # type: ignore[union-attr]
        for first in range(0, rows, CHUNK):
            batch = []
            for n in range(first, min(rows, first + CHUNK)):
                at = prep(old if n % 10 == 0 else now)
                batch.append(
                    (
                        org_id,
                        f"Given{n}",
                        f"Family{n}",
                        "",
                        "",
                        "es",
                        "[]",
                        f"{n} Elm St",
                        "Austin",
                        "Travis",
                        "TX",
                        "78702",
                        "",
                        "{}",
                        at,
                        at,
                    )
                )
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, batch)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO people_personemail (organization_id, person_id, email, is_primary) "
                "SELECT organization_id, id, 'p' || id || '@example.org', TRUE FROM people_person "
                "WHERE organization_id = %s",
                [org_id],
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {"seconds": time.perf_counter() - start}


def worker_retention(dry_run: bool) -> dict[str, Any]:
    from alianza.core.models import Organization
    from alianza.core.retention import retention_apply

    org = Organization.objects.get(slug="bench-retention")
    start = time.perf_counter()
    result = retention_apply(organization=org, kind=KIND, dry_run=dry_run)
    return {"seconds": time.perf_counter() - start, "count": result.count}


def worker_baseline() -> dict[str, Any]:
    """The same rows by the same test (unchanged for the period), gone with two bare DELETEs."""
    from django.db import connection, transaction
    from django.utils import timezone

    from alianza.core.models import Organization

    org = Organization.objects.get(slug="bench-baseline")
    org_id = Organization._meta.pk.get_db_prep_value(org.pk, connection)  # type: ignore[union-attr]
    cutoff = connection.ops.adapt_datetimefield_value(timezone.now() - dt.timedelta(days=3 * 365))
    expired = "SELECT id FROM people_person WHERE organization_id = %s AND updated_at < %s"
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM people_personemail WHERE person_id IN ({expired})", [org_id, cutoff])  # noqa: S608
        cursor.execute("DELETE FROM people_person WHERE organization_id = %s AND updated_at < %s", [org_id, cutoff])
        count = cursor.rowcount
    return {"seconds": time.perf_counter() - start, "count": count}


def worker(args: argparse.Namespace) -> None:
    _django()
    from django_scopes import scopes_disabled

    with scopes_disabled():
        if args.worker == "load":
            out = worker_load(args.rows)
        elif args.worker == "dry-run":
            out = worker_retention(dry_run=True)
        elif args.worker == "retention":
            out = worker_retention(dry_run=False)
        else:
            out = worker_baseline()
    print(json.dumps(out))


# --- The driver ------------------------------------------------------------------------------


def _step(env: dict[str, str], workdir: Path, step: str, rows: int) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", step, "--rows", str(rows)]
    process = run_measured(cmd, env, workdir)
    if process.returncode or process.killed:
        raise RuntimeError(f"{step} failed ({process.returncode}):\n{process.stderr[-3000:]}")
    out = json.loads(process.stdout.strip().splitlines()[-1])
    out["peak_mib"] = round(process.peak_mib, 1)
    out["process_seconds"] = round(process.seconds, 2)
    return out


def measure(db: Any, rows: int, workdir: Path) -> dict[str, Any]:
    if isinstance(db, PostgreSQL):
        db.recreate()
    else:
        db = SQLite(workdir)
    env = django_env(workdir, db.url)
    manage(env, "migrate", "--no-input", "-v", "0")
    result: dict[str, Any] = {"database": db.name, "people_per_organization": rows}
    result["load"] = _step(env, workdir, "load", rows)
    result["baseline"] = _step(env, workdir, "baseline", rows)
    result["dry_run"] = _step(env, workdir, "dry-run", rows)
    result["retention"] = _step(env, workdir, "retention", rows)
    idle = run_measured([sys.executable, "manage.py", "shell", "-c", "pass"], env, workdir)
    result["django_startup_peak_mib"] = round(idle.peak_mib, 1)
    base, run = result["baseline"], result["retention"]
    result["ratio"] = round(base["seconds"] / run["seconds"], 3) if run["seconds"] else 0.0
    if base["count"] != run["count"]:
        result["problem"] = f"baseline removed {base['count']}, retention {run['count']}"
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="people per organization")
    parser.add_argument("--full", action="store_true", help="also 1,000,000 people")
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_RETENTION_PG_URL", PG_URL))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    sizes = sorted({args.rows, *([1_000_000] if args.full else [])})
    names = [n.strip() for n in args.databases.split(",") if n.strip()]
    results_dir = ROOT / "var" / "bench"
    results_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="alianza-retention-bench-"))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    report: dict[str, Any] = {"started": stamp, "kind": KIND, "results": []}
    try:
        for name in names:
            if name == "postgresql":
                why = PostgreSQL.reachable(args.pg_url)
                if why:
                    print(f"postgresql: skipped ({why})")
                    continue
                db: Any = PostgreSQL(args.pg_url)
            else:
                db = SQLite(workdir)
            for rows in sizes:
                result = measure(db, rows, workdir)
                report["results"].append(result)
                base, run, dry = result["baseline"], result["retention"], result["dry_run"]
                print(
                    f"{name} {rows:,} people, {run['count']:,} expired: retention {run['seconds']:.2f} s "
                    f"(peak {run['peak_mib']:.0f} MiB), bare DELETE {base['seconds']:.2f} s, "
                    f"ratio {result['ratio']:.2f}; dry run {dry['seconds']:.2f} s; "
                    f"Django alone {result['django_startup_peak_mib']:.0f} MiB"
                    + (f"; PROBLEM: {result['problem']}" if "problem" in result else ""),
                    flush=True,
                )
            if isinstance(db, PostgreSQL):
                with db.admin() as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{db.dbname}" WITH (FORCE)')
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        out = results_dir / f"{stamp}-retention.json"
        out.write_text(json.dumps(report, indent=2, default=str))
        print(f"Results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
