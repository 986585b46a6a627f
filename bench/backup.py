"""Backup benchmark: `alianza backup` and `alianza restore` of a PostgreSQL database of people,
measured beside a plain `pg_dump --format=custom` / `pg_restore` of the same database in the
same run, with wall-clock time and peak memory (VmHWM) of each process. See docs/backups.md.

    python bench/backup.py            # 10k and 100k people
    python bench/backup.py --full     # also 1M people

The people (an e-mail address and a phone number each, a third with encrypted-looking notes)
are COPYed straight into the people tables, with their indexes. Databases used: alianza_bench_backups (the source) and
alianza_bench_backups_restore (created empty for each restore), dropped at the end. Timings
are reported, never asserted. Results go to var/bench/backup-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psycopg
from run import ROOT, PostgreSQL, Process, create_organization, django_env, machine, manage, run_measured

PG_URL = "postgres://postgres@127.0.0.1:5432/alianza_bench_backups"


@dataclass
class Result:
    people: int
    database_mib: float
    pg_dump_seconds: float
    pg_dump_mib: float  # the dump file
    backup_seconds: float
    backup_mib: float  # the encrypted file
    backup_peak_mib: float  # VmHWM of the `alianza backup` process (pg_dump runs beside it)
    backup_ratio: float  # backup time / pg_dump time
    pg_restore_seconds: float
    restore_seconds: float
    restore_peak_mib: float
    restore_ratio: float
    restored_people: int


def _pg_bin(name: str) -> str:
    bin_dir = os.environ.get("ALIANZA_PG_BIN_DIR")
    return str(Path(bin_dir) / name) if bin_dir else (shutil.which(name) or name)


def _checked(process: Process, what: str) -> Process:
    if process.returncode or process.killed:
        raise RuntimeError(f"{what} failed ({process.returncode}):\n{process.stderr[-3000:]}")
    return process


def _people(db: PostgreSQL) -> int:
    with db.connect() as conn:
        row = conn.execute("SELECT count(*) FROM people_person").fetchone()
        return int(row[0]) if row else 0


def _size_mib(db: PostgreSQL) -> float:
    with db.connect() as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        return (int(row[0]) if row else 0) / 2**20


GIVEN = ["María", "José", "Ana", "Luis", "Guadalupe", "Jean", "Wei", "Minh", "Fatima", "Kiran", "Rosa", "Pedro"]
FAMILY = ["Hernández", "García", "Pierre", "Chen", "Nguyen", "Patel", "Kim", "Silva", "Haddad", "López", "Santos"]
CITIES = [("Austin", "Travis", "TX", "787"), ("Houston", "Harris", "TX", "770"), ("Miami", "Miami-Dade", "FL", "331")]


def fill_people(db: PostgreSQL, size: int, seed: int) -> None:
    """``size`` people with an e-mail address and a phone number each, COPYed straight into
    the people tables (with their indexes) of the organization "bench". A third have notes,
    stored as the application stores them: ``alz:1:<organization>:1:`` and random bytes in
    base64, as incompressible as real AES-GCM ciphertext."""
    rng = random.Random(seed)  # noqa: S311 — deterministic test data, not secrets
    now = dt.datetime.now(dt.UTC)
    with db.connect() as conn:
        row = conn.execute("SELECT id FROM core_organization WHERE slug = 'bench'").fetchone()
        assert row is not None
        org = row[0]
        prefix = f"alz:1:{org}:1:"
        with conn.cursor() as cur:
            columns = "id, organization_id, given_name, family_name, preferred_name, pronouns, preferred_language, "
            columns += "other_languages, street, city, county, state, zip_code, notes, custom, created_at, updated_at"
            with cur.copy(f"COPY people_person ({columns}) FROM STDIN") as copy:
                for i in range(1, size + 1):
                    city, county, state, zip3 = rng.choice(CITIES)
                    notes = ""
                    if i % 3 == 0:
                        notes = (
                            prefix + base64.urlsafe_b64encode(rng.randbytes(12 + rng.randint(20, 200) + 16)).decode()
                        )
                    copy.write_row(
                        (i, org, rng.choice(GIVEN), rng.choice(FAMILY), "", "", rng.choice(["en", "es", "ht", "vi"]),
                         "[]", f"{rng.randint(1, 9999)} Elm St", city, county, state, f"{zip3}{rng.randint(0, 99):02d}",
                         notes, "{}", now, now)
                    )  # fmt: skip
            with cur.copy("COPY people_personemail (person_id, organization_id, email, is_primary) FROM STDIN") as copy:
                for i in range(1, size + 1):
                    copy.write_row((i, org, f"person{i}@example.org", True))
            columns = "person_id, organization_id, number, kind, whatsapp, is_primary"
            with cur.copy(f"COPY people_personphone ({columns}) FROM STDIN") as copy:
                for i in range(1, size + 1):
                    copy.write_row((i, org, f"+1512{i:07d}", "mobile", i % 2 == 0, True))
            cur.execute("SELECT setval(pg_get_serial_sequence('people_person', 'id'), %s)", (size,))
        conn.commit()


def measure(size: int, args: argparse.Namespace, workdir: Path) -> Result:
    source = PostgreSQL(args.pg_url)
    target = PostgreSQL(args.pg_url.rsplit("/", 1)[0] + "/" + source.dbname + "_restore")
    source.recreate()
    env = django_env(workdir, source.url)
    env["ALIANZA_BACKUP_KEY"] = base64.urlsafe_b64encode(os.urandom(32)).decode()
    manage(env, "migrate", "--no-input", "-v", "0")
    create_organization(env, "bench")
    start = time.perf_counter()
    fill_people(source, size, args.seed)
    people = _people(source)
    print(f"{size:,} people written in {time.perf_counter() - start:.0f} s", flush=True)
    with source.connect() as conn:  # a settled database, as a nightly backup would find it
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")

    conninfo = psycopg.conninfo.conninfo_to_dict(source.conninfo)
    conn_args = ["--host", str(conninfo.get("host", "127.0.0.1")), "--port", str(conninfo.get("port", 5432))]
    conn_args += ["--username", str(conninfo.get("user", "postgres")), "--no-password"]
    plain = workdir / "plain.dump"
    encrypted = workdir / "alianza.backup"
    dump = _checked(
        run_measured(
            [_pg_bin("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(plain),
             *conn_args, "--dbname", source.dbname],
            env, workdir,
        ),
        "pg_dump",
    )  # fmt: skip
    ours = _checked(
        run_measured([sys.executable, "manage.py", "backup", "--out", str(encrypted)], env, workdir), "backup"
    )

    target.recreate()
    plain_restore = _checked(
        run_measured(
            [_pg_bin("pg_restore"), "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
             *conn_args, "--dbname", target.dbname, str(plain)],
            env, workdir,
        ),
        "pg_restore",
    )  # fmt: skip
    target.recreate()
    restore_env = {**env, "DATABASE_URL": target.url}
    our_restore = _checked(
        run_measured([sys.executable, "manage.py", "restore", str(encrypted)], restore_env, workdir), "restore"
    )
    result = Result(
        people=people,
        database_mib=_size_mib(source),
        pg_dump_seconds=dump.seconds,
        pg_dump_mib=plain.stat().st_size / 2**20,
        backup_seconds=ours.seconds,
        backup_mib=encrypted.stat().st_size / 2**20,
        backup_peak_mib=ours.peak_mib,
        backup_ratio=ours.seconds / dump.seconds,
        pg_restore_seconds=plain_restore.seconds,
        restore_seconds=our_restore.seconds,
        restore_peak_mib=our_restore.peak_mib,
        restore_ratio=our_restore.seconds / plain_restore.seconds,
        restored_people=_people(target),
    )
    plain.unlink()
    encrypted.unlink()
    with source.admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target.dbname}" WITH (FORCE)')
        conn.execute(f'DROP DATABASE IF EXISTS "{source.dbname}" WITH (FORCE)')
    if result.restored_people != people:
        raise RuntimeError(f"restored {result.restored_people} people of {people}")
    return result


def table(results: list[Result]) -> str:
    lines = [
        "| people | database | pg_dump | backup (ratio) | backup peak | pg_restore | restore (ratio) | restore peak |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.people:,} | {r.database_mib:.0f} MiB | {r.pg_dump_seconds:.1f} s ({r.pg_dump_mib:.0f} MiB) "
            f"| {r.backup_seconds:.1f} s ({r.backup_ratio:.2f}x; {r.backup_mib:.0f} MiB) | {r.backup_peak_mib:.0f} MiB "
            f"| {r.pg_restore_seconds:.1f} s | {r.restore_seconds:.1f} s ({r.restore_ratio:.2f}x) "
            f"| {r.restore_peak_mib:.0f} MiB |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="also 1,000,000 people")
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated numbers of rows")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_BACKUP_PG_URL", PG_URL))
    args = parser.parse_args()
    if not PostgreSQL(args.pg_url).dbname.startswith("alianza_bench_backups"):
        parser.error("the database name must start with alianza_bench_backups (it is dropped)")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()] + ([1_000_000] if args.full else [])
    results_dir = ROOT / "var" / "bench"
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    report: dict[str, Any] = {"started": stamp, "machine": machine(), "args": vars(args), "results": []}
    workdir = Path(tempfile.mkdtemp(prefix="alianza-bench-backup-"))
    results: list[Result] = []
    try:
        # What every command pays before it does anything: Python and Django starting.
        startup = run_measured(
            [sys.executable, "manage.py", "shell", "-c", "pass"],
            django_env(workdir, f"sqlite:///{workdir}/startup.sqlite3"),
            workdir,
        )
        report["startup"] = {"seconds": startup.seconds, "peak_mib": startup.peak_mib}
        print(f"startup of a command: {startup.seconds:.1f} s, {startup.peak_mib:.0f} MiB", flush=True)
        for size in sizes:
            result = measure(size, args, workdir)
            results.append(result)
            report["results"].append(asdict(result))
            print(table([result]).splitlines()[-1], flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        out = results_dir / f"backup-{stamp}.json"
        out.write_text(json.dumps(report, indent=2, default=str))
        print(f"Results: {out.relative_to(ROOT)}")
    print(table(results))


if __name__ == "__main__":
    main()
