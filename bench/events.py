"""Events benchmark: the public event page against a bare Django view, and an RSVP burst, over
real HTTP on loopback against gunicorn on PostgreSQL. See docs/performance.md, "Events and RSVPs".

    python bench/events.py              # page vs bare view, then a burst of 2,000 RSVPs (~2 min)
    python bench/events.py --full       # the same with a burst of 10,000 RSVPs

The database (default ``alianza_bench_events``) is dropped and recreated, then dropped again at
the end (unless ``--keep``). gunicorn runs the real application (``alianza.wsgi``) with DEBUG
off; ``bench/bench_settings.py`` adds the bare view and raises the RSVP rate limit (one client
address sends everything). The load generator is in this process (asyncio, one TCP connection
per request, as gunicorn's sync workers close each connection), talks to 127.0.0.1 only, and
stops after a fixed number of requests or seconds, whichever comes first. Timings are reported,
never asserted; correctness problems are listed and make the exit status 1. Results go to
var/bench/events-<timestamp>.json, with the load average of the (shared) machine.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
HOST = "127.0.0.1"  # loopback only: the generator never talks to another machine
PG_URL = "postgres://postgres@127.0.0.1:5432/alianza_bench_events"
TIMEOUT = 10 * 60  # seconds: a subprocess still running after this is killed
REQUEST_TIMEOUT = 30.0  # seconds: one request


# --- HTTP on loopback ------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    seconds: float

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    def cookies(self) -> dict[str, str]:
        found = {}
        for k, v in self.headers:
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                found[name.strip()] = rest.split(";", 1)[0]
        return found


async def http(
    port: int, method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes = b""
) -> Response:
    """One HTTP/1.1 request on its own connection to 127.0.0.1 (``Connection: close``)."""
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _, content = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed = [tuple(s.strip() for s in h.split(":", 1)) for h in header_lines if ":" in h]
    return Response(int(status_line.split()[1]), parsed, content, time.perf_counter() - start)  # type: ignore[arg-type]


@dataclass
class Load:
    """What one load run measured."""

    name: str
    requests: int = 0
    seconds: float = 0.0
    requests_per_s: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    latency_ms: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # connection errors, timeouts (first few)
    stopped_by: str = ""  # "count" or "time"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


async def load(
    name: str, send: Callable[[int], Awaitable[Response]], *, count: int, seconds: float, concurrency: int
) -> tuple[Load, list[Response | None]]:
    """Send requests ``0 .. count-1`` through ``concurrency`` concurrent clients until all are
    sent or ``seconds`` have passed (then the requests not yet started are not sent)."""
    results: list[Response | None] = [None] * count
    errors: list[str] = []
    next_index = 0
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal next_index
        while next_index < count and time.perf_counter() < deadline:
            i = next_index
            next_index += 1
            try:
                results[i] = await asyncio.wait_for(send(i), REQUEST_TIMEOUT)
            except (OSError, TimeoutError, ValueError, IndexError) as exc:
                errors.append(f"{type(exc).__name__}: {exc}")

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    done = [r for r in results if r is not None]
    latencies = [r.seconds * 1000 for r in done]
    result = Load(
        name=name,
        requests=len(done),
        seconds=round(elapsed, 3),
        requests_per_s=round(len(done) / elapsed, 1) if elapsed else 0.0,
        statuses={str(k): v for k, v in sorted(Counter(r.status for r in done).items())},
        latency_ms={
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
            "p99": round(percentile(latencies, 99), 1),
            "max": round(max(latencies, default=0.0), 1),
        },
        errors=errors[:5] + ([f"... {len(errors) - 5} more"] if len(errors) > 5 else []),
        stopped_by="count" if next_index >= count else "time",
    )
    return result, results


# --- The server and the database ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def bench_env(workdir: Path, database_url: str) -> dict[str, str]:
    """Production-like settings (DEBUG off, the database task queue, hashed static files) with a
    throw-away master key and key store, and the bench's settings module."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALIANZA_", "DATABASE_URL", "SECRET_KEY"))}
    env.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(BENCH)]),
        DATABASE_URL=database_url,
        SECRET_KEY=base64.urlsafe_b64encode(os.urandom(40)).decode(),
        ALIANZA_MASTER_KEY=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        ALIANZA_KEY_STORE=str(workdir / "keys"),
        ALIANZA_VAR_DIR=str(workdir / "var"),
        DEBUG="false",
        TASKS_BACKEND="db",  # confirmations are queued in the database, as in production; no worker runs
        CACHE_URL="locmemcache://alianza-bench",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    return env


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT
    )
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


class Postgres:
    def __init__(self, url: str) -> None:
        self.conninfo = psycopg.conninfo.make_conninfo(url.replace("postgres://", "postgresql://", 1))
        self.dbname = psycopg.conninfo.conninfo_to_dict(self.conninfo)["dbname"]
        if not str(self.dbname).startswith("alianza_bench_events"):
            raise SystemExit(
                f"Refusing to drop {self.dbname!r}: the database name must start with alianza_bench_events"
            )

    def admin(self) -> psycopg.Connection[Any]:
        return psycopg.connect(
            psycopg.conninfo.make_conninfo(self.conninfo, dbname="postgres"), autocommit=True, connect_timeout=5
        )

    def recreate(self) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.dbname}"')

    def drop(self) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.conninfo, connect_timeout=5) as conn:
            return list(conn.execute(sql, params).fetchall())  # type: ignore[arg-type]

    def describe(self) -> dict[str, str]:
        names = ("server_version", "shared_buffers", "synchronous_commit", "max_connections")
        return {n: str(self.query(f"SHOW {n}")[0][0]) for n in names}


class Server:
    """gunicorn serving the real WSGI application with ``workers`` sync workers."""

    def __init__(self, env: dict[str, str], workdir: Path, workers: int) -> None:
        self.port = free_port()
        self.log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "alianza.wsgi:application",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited; see its log in the work directory")
            try:
                if asyncio.run(http(self.port, "GET", "/bench/bare/")).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def cpu_seconds(server_pid: int) -> dict[tuple[str, int], float]:
    """CPU time (user + system) used so far by each process of the web server (gunicorn's master
    and workers), of PostgreSQL (every ``postgres`` process on the machine: its backends, WAL
    writer, checkpointer, autovacuum) and of this process (the load generator), by (group, pid),
    from ``/proc`` (Linux; empty elsewhere)."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        return {}
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[tuple[str, int], float] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        pid, ppid, seconds = int(entry.name), int(fields[1]), (int(fields[11]) + int(fields[12])) / tick
        if server_pid in (pid, ppid):
            used["web", pid] = seconds
        elif name == "postgres":
            used["database", pid] = seconds
        elif pid == os.getpid():
            used["load_generator", pid] = seconds
    return used


def cpu_used(before: dict[tuple[str, int], float], after: dict[tuple[str, int], float]) -> dict[str, float]:
    """Seconds of CPU each group used between two ``cpu_seconds`` readings, per process (one
    that started meanwhile counts from zero; one that ended meanwhile is not counted). This says
    where a burst's CPU went, which the wall clock of a shared 2-core machine does not."""
    groups = {"web": 0.0, "database": 0.0, "load_generator": 0.0}
    for (group, pid), seconds in after.items():
        groups[group] += seconds - before.get((group, pid), 0.0)
    return groups


# --- Throughput: the event page against the bare view ------------------------------------------


def throughput(port: int, setup: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Alternate bare view and event page, ``rounds`` times each (the machine is shared, so its
    load drifts: alternating exposes both to the same drift); the median of each is compared."""
    page_url = setup["page"]["url"]

    def get(path: str) -> Callable[[int], Awaitable[Response]]:
        return lambda _i: http(port, "GET", path, headers={"Accept-Language": "en"})

    runs: dict[str, list[Load]] = {"bare": [], "event_page": []}
    checks: list[str] = []
    for _round in range(args.rounds):
        for name, path in (("bare", "/bench/bare/"), ("event_page", page_url)):
            asyncio.run(
                load(f"{name} warm-up", get(path), count=args.concurrency * 4, seconds=10, concurrency=args.concurrency)
            )
            result, responses = asyncio.run(
                load(name, get(path), count=args.requests, seconds=args.seconds, concurrency=args.concurrency)
            )
            runs[name].append(result)
            print(f"  {name:<11} {result.requests_per_s:>8.1f} req/s  p50 {result.latency_ms['p50']} ms  "
                  f"p99 {result.latency_ms['p99']} ms  {result.statuses}")  # fmt: skip
            sample = next((r for r in responses if r is not None and r.status == 200), None)
            if sample is None:
                checks.append(f"{name}: no 200 answer")
            elif name == "event_page":
                html = sample.body.decode()
                if setup["page"]["title"] not in html:
                    checks.append("event page: the title is missing")
                if setup["address"] in html or "bench-secret-room" in html:
                    checks.append("event page: the hidden address or online link is in the page")
            if set(result.statuses) != {"200"} or result.errors:
                checks.append(f"{name}: answers {result.statuses}, errors {result.errors}")
    bare = statistics.median(r.requests_per_s for r in runs["bare"])
    page = statistics.median(r.requests_per_s for r in runs["event_page"])
    return {
        "bare_requests_per_s": bare,
        "event_page_requests_per_s": page,
        "ratio": round(page / bare, 3) if bare else 0.0,
        "target_ratio": 0.5,
        "meets_target": bool(bare and page / bare >= 0.5),
        "runs": {k: [asdict(r) for r in v] for k, v in runs.items()},
        "problems": checks,
    }


# --- The RSVP burst ----------------------------------------------------------------------------

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LANGUAGES = ["es", "en", "vi", "ht", "pt", "zh-hans", "ar", "ko"]


@dataclass
class Submission:
    email: str
    shift: int | None


def submissions(count: int, shift_ids: list[int]) -> list[Submission]:
    """``count`` form submissions by distinct people; every 100th person sends the form twice in
    a row (a double click: it must not count twice), every 10th asks for a shift (more than the
    shifts hold before the event is full, so some are refused: a full shift is no longer offered)."""
    out: list[Submission] = []
    person = 0
    while len(out) < count:
        shift = shift_ids[(person // 10) % len(shift_ids)] if shift_ids and person % 10 == 0 else None
        sub = Submission(email=f"burst-{person:06d}@bench.example.org", shift=shift)
        out.append(sub)
        if person % 100 == 1 and len(out) < count:
            out.append(sub)
        person += 1
    return out


async def csrf_pairs(port: int, url: str, count: int) -> list[tuple[str, str]]:
    """What a browser gets when it opens the page: the CSRF cookie and the form's token."""
    pairs = []
    for _ in range(count):
        page = await http(port, "GET", url)
        token = CSRF_INPUT.search(page.body.decode())
        cookie = page.cookies().get("csrftoken")
        if page.status != 200 or token is None or cookie is None:
            raise RuntimeError(f"the event page gave no CSRF token (HTTP {page.status})")
        pairs.append((cookie, token.group(1)))
    return pairs


def burst(server: Server, db: Postgres, setup: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    port = server.port
    event = setup["burst"]
    shift_ids = [int(k) for k in event["shifts"]]
    subs = submissions(args.burst, shift_ids)
    # One CSRF cookie and token per concurrent client, as each browser would have; the tokens
    # are fetched before the clock starts.
    pairs = asyncio.run(csrf_pairs(port, event["url"], args.burst_concurrency))

    def post(i: int) -> Awaitable[Response]:
        sub = subs[i]
        cookie, token = pairs[i % len(pairs)]
        fields = {
            "csrfmiddlewaretoken": token,
            "name": f"Burst Person {sub.email[6:12]}",
            "email": sub.email,
            "phone": "",
            "language": LANGUAGES[i % len(LANGUAGES)],
            "website": "",  # the honeypot, left empty as a person leaves it
            "conduct_version": str(setup["conduct_pk"]),
            "accept_conduct": "on",
        }
        if i % 3 == 0:
            fields["consent_email"] = "on"
        if sub.shift is not None:
            fields["shift"] = str(sub.shift)
        return http(
            port,
            "POST",
            event["url"],
            headers={"Cookie": f"csrftoken={cookie}", "Content-Type": "application/x-www-form-urlencoded"},
            body=urlencode(fields).encode(),
        )

    cpu_before = cpu_seconds(server.proc.pid)
    result, responses = asyncio.run(
        load("rsvp_burst", post, count=len(subs), seconds=args.burst_seconds, concurrency=args.burst_concurrency)
    )
    cpu_after = cpu_seconds(server.proc.pid)
    # CPU per answer sent during the burst, by process group (ms): the web workers' share is
    # what the application's code costs; the machine has 2 cores for all three.
    used = cpu_used(cpu_before, cpu_after) if cpu_after else {}
    cpu_ms = {group: round(1000 * seconds / max(1, result.requests), 2) for group, seconds in used.items()}
    print(f"  burst       {result.requests_per_s:>8.1f} req/s  p50 {result.latency_ms['p50']} ms  "
          f"p95 {result.latency_ms['p95']} ms  p99 {result.latency_ms['p99']} ms  {result.statuses}")  # fmt: skip
    # Answers kept but not yet allocated when the last response came back: how far the allocation
    # fell behind the burst (each one's visitor sees the receipt page until it is allocated).
    pending_at_end = db.query("SELECT count(*) FROM actions_rsvpsubmission WHERE state = 'pending'")[0][0]
    print(f"  pending     {pending_at_end} answers not yet allocated when the burst ended")
    if cpu_ms:
        print("  cpu         " + ", ".join(f"{k} {v} ms" for k, v in cpu_ms.items()) + " per answer sent")
    outcomes, receipts = asyncio.run(follow_receipts(port, responses, concurrency=args.burst_concurrency))
    receipts["pending_when_the_burst_ended"] = pending_at_end
    print(
        f"  receipts    {receipts['answers']} answers on a receipt page, all shown within "
        f"{receipts['seconds_after_burst']} s after the burst ({receipts['page_loads']} page loads)"
    )
    pending = db.query("SELECT count(*) FROM actions_rsvpsubmission WHERE state = 'pending'")[0][0]
    checked = check_burst(db, setup, subs, outcomes, result)
    if pending:
        checked["problems"].append(f"{pending} answers still pending after every receipt page showed its outcome")
    return {"load": asdict(result), "cpu_ms_per_answer": cpu_ms, "receipts": receipts, **checked}


async def follow_receipts(
    port: int, responses: list[Response | None], *, concurrency: int
) -> tuple[list[Response | None], dict[str, Any]]:
    """What each visitor does after the burst: a POST whose answer was kept while another request
    allocated redirects to its receipt page; while it says the answer is being taken, the visitor
    taps "See the result" (here every 2 s) until it shows the outcome (a redirect to the
    thank-you page, or the form again). Returns the final response of
    every submission and how long the last receipt took after the burst."""
    start = time.perf_counter()
    final = list(responses)
    waiting = [
        i for i, r in enumerate(responses) if r is not None and r.status == 302 and "/answer/" in r.header("Location")
    ]
    loads = 0
    semaphore = asyncio.Semaphore(concurrency)

    async def check(i: int) -> bool:
        nonlocal loads
        async with semaphore:
            page = await http(port, "GET", urlsplit(responses[i].header("Location")).path)  # type: ignore[union-attr]
        loads += 1
        if page.status == 200 and b"answer-waiting" in page.body:
            return False
        # The thank-you redirect means taken; the form again (200) means refused: counted as 400.
        final[i] = page if page.status == 302 else Response(400, page.headers, page.body, page.seconds)
        return True

    remaining = waiting
    while remaining and time.perf_counter() - start < 120:
        done = await asyncio.gather(*(check(i) for i in remaining))
        remaining = [i for i, ok in zip(remaining, done, strict=True) if not ok]
        if remaining:
            await asyncio.sleep(2)  # the visitor taps "See the result" again
    return final, {
        "answers": len(waiting),
        "unresolved": len(remaining),
        "page_loads": loads,
        "seconds_after_burst": round(time.perf_counter() - start, 2),
    }


def check_burst(
    db: Postgres, setup: dict[str, Any], subs: list[Submission], responses: list[Response | None], result: Load
) -> dict[str, Any]:
    """Exactness, from the database: every accepted submission has its one RSVP (none lost, none
    doubled), confirmed == capacity and the rest waitlisted, no shift over its capacity, each
    person created once, nothing stored for a refused submission."""
    event = setup["burst"]
    accepted = {s.email for s, r in zip(subs, responses, strict=True) if r is not None and 200 <= r.status < 400}
    refused = {s.email for s, r in zip(subs, responses, strict=True) if r is not None and r.status >= 400} - accepted
    shift_asked = {s.email for s, r in zip(subs, responses, strict=True) if r is not None and s.shift is not None}
    rows = db.query(
        "SELECT e.email, r.status, r.shift_id FROM actions_rsvp r "
        "JOIN people_personemail e ON e.person_id = r.person_id WHERE r.event_id = %s",
        (event["pk"],),
    )
    rsvp_count = db.query("SELECT count(*) FROM actions_rsvp WHERE event_id = %s", (event["pk"],))[0][0]
    by_email = Counter(email for email, _s, _sh in rows)
    statuses = Counter(status for _e, status, _sh in rows)
    people = db.query("SELECT count(*) FROM people_person p JOIN core_organization o ON o.id = p.organization_id "
                      "WHERE o.slug = %s", (setup["slug"],))[0][0]  # fmt: skip
    emails = db.query("SELECT count(*), count(DISTINCT email) FROM people_personemail")[0]
    audited = db.query("SELECT count(*) FROM core_auditevent WHERE action = 'actions.rsvp.created'")[0][0]
    shift_rows = {
        str(shift): count
        for shift, count in db.query(
            "SELECT shift_id, count(*) FROM actions_rsvp WHERE event_id = %s AND status = 'confirmed' "
            "AND shift_id IS NOT NULL GROUP BY shift_id",
            (event["pk"],),
        )
    }
    capacity = event["capacity"]
    expected_confirmed = min(capacity, len(accepted))
    problems = []
    lost = accepted - set(by_email)
    doubled = [e for e, n in by_email.items() if n > 1]
    stray = set(by_email) - accepted
    if lost:
        problems.append(f"{len(lost)} accepted submissions have no RSVP (lost), e.g. {sorted(lost)[:3]}")
    if doubled or rsvp_count != len(by_email):
        problems.append(f"{len(doubled)} people have more than one RSVP (doubled); rows {rsvp_count}")
    if stray:
        problems.append(f"{len(stray)} RSVPs for submissions that were not accepted, e.g. {sorted(stray)[:3]}")
    if statuses.get("confirmed", 0) != expected_confirmed:
        problems.append(f"confirmed {statuses.get('confirmed', 0)} != {expected_confirmed}")
    if statuses.get("waitlisted", 0) != len(accepted) - expected_confirmed:
        problems.append(f"waitlisted {statuses.get('waitlisted', 0)} != {len(accepted) - expected_confirmed}")
    for shift, cap in event["shifts"].items():
        if shift_rows.get(str(shift), 0) > cap:
            problems.append(f"shift {shift}: {shift_rows[str(shift)]} confirmed, capacity {cap}")
    if people != len(accepted) or emails[0] != emails[1] or emails[0] != len(accepted):
        problems.append(f"people {people}, e-mails {emails[0]} ({emails[1]} distinct) != accepted {len(accepted)}")
    if audited != rsvp_count:
        problems.append(f"audited RSVPs {audited} != rows {rsvp_count}")
    non_shift_refusals = refused - shift_asked
    if non_shift_refusals:
        problems.append(f"{len(non_shift_refusals)} submissions without a shift were refused")
    if result.errors:
        problems.append(f"connection errors: {result.errors}")
    sent = sum(r is not None for r in responses)
    return {
        "submissions_planned": len(subs),
        "submissions_sent": sent,
        "distinct_people_sent": len({s.email for s, r in zip(subs, responses, strict=True) if r is not None}),
        "accepted_people": len(accepted),
        "refused_people": len(refused),
        "within_a_minute": result.stopped_by == "count" and result.seconds <= 60,
        "database": {
            "rsvps": rsvp_count,
            "statuses": dict(statuses),
            "capacity": capacity,
            "shift_confirmed": shift_rows,
            "shift_capacity": event["shifts"],
            "people": people,
            "emails": emails[0],
            "audit_rsvp_created": audited,
        },
        "problems": problems,
    }


# --- Main ----------------------------------------------------------------------------------------


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="a burst of 10,000 RSVPs (default 2,000)")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_EVENTS_PG_URL", PG_URL))
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (docs/operations.md: 3)")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent clients of the page measurement")
    parser.add_argument("--requests", type=int, default=1500, help="requests per measurement (at most)")
    parser.add_argument("--seconds", type=float, default=15, help="seconds per measurement (at most)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating bare/page measurements")
    parser.add_argument("--burst", type=int, default=0, help="RSVP submissions (default 2,000; --full 10,000)")
    parser.add_argument("--burst-concurrency", type=int, default=32)
    parser.add_argument("--burst-seconds", type=float, default=0, help="at most (default 120; --full 900)")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="seconds the web workers keep a database connection (DATABASE_URL's conn_max_age; default: as "
        "shipped, 60 s on PostgreSQL; 0 opens a connection per request)",
    )
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("BENCH_EVENTS_CACHE_URL", "locmemcache://alianza-bench"),
        help="CACHE_URL of the web workers (default: the local-memory cache, as shipped; with several "
        "workers production uses Redis, e.g. redis://127.0.0.1:6379/4)",
    )
    parser.add_argument("--skip-burst", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database and the work directory")
    args = parser.parse_args()
    # Stopped by Ctrl-C or SIGTERM (also when started in the background, where SIGINT may be
    # ignored): the finally below still stops gunicorn and drops the database.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    args.burst = args.burst or (10_000 if args.full else 2_000)
    args.burst_seconds = args.burst_seconds or (900 if args.full else 120)

    db = Postgres(args.pg_url)
    try:
        db.admin().close()
    except psycopg.Error as exc:
        print(f"PostgreSQL does not answer at {args.pg_url}: {exc}".strip())
        print("The events benchmark needs PostgreSQL; skipped.")
        return

    report: dict[str, Any] = {
        "benchmark": "events",
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "shared": "the machine is shared with other work: see the load averages",
        },
        "load_average_at_start": load_average(),
        "settings": {k: getattr(args, k) for k in vars(args)},
    }
    workdir = Path(tempfile.mkdtemp(prefix="alianza-bench-events-"))
    server: Server | None = None
    problems: list[str] = []
    try:
        db.recreate()
        env = bench_env(workdir, args.pg_url)
        env["CACHE_URL"] = args.cache_url
        print(f"Migrating {db.dbname} ...")
        run(env, "manage.py", "migrate", "--no-input", "-v", "0")
        run(env, "manage.py", "collectstatic", "--no-input", "-v", "0")
        burst_capacity = max(1, args.burst // 10)
        setup = json.loads(
            run(env, str(BENCH / "events_setup.py"), "--burst-capacity", str(burst_capacity), "--shift-capacity", "20")
        )
        report["database"] = db.describe()
        report["event_page"] = {
            "queries": setup["page_queries"],
            "queries_when_cached": setup["page_queries_cached"],
            "query_sql": setup["page_query_sql"],
            "bytes": setup["page_bytes"],
        }
        print(
            f"Event page: {setup['page_queries']} queries ({setup['page_queries_cached']} when cached), "
            f"{setup['page_bytes']} bytes"
        )
        server_env = dict(env)
        if args.conn_max_age is not None:
            server_env["DATABASE_URL"] = f"{args.pg_url}?conn_max_age={args.conn_max_age}"
        server = Server(server_env, workdir, args.workers)
        server.wait_ready()
        print(f"gunicorn: {args.workers} workers on {HOST}:{server.port}; load average {load_average()}")
        report["throughput"] = throughput(server.port, setup, args)
        report["load_average_after_throughput"] = load_average()
        problems += report["throughput"]["problems"]
        t = report["throughput"]
        print(f"Event page {t['event_page_requests_per_s']} req/s, bare view {t['bare_requests_per_s']} req/s: "
              f"ratio {t['ratio']:.2f} (target 0.50)")  # fmt: skip
        if not args.skip_burst:
            print(f"RSVP burst: {args.burst} submissions, {args.burst_concurrency} concurrent clients ...")
            report["burst"] = burst(server, db, setup, args)
            report["load_average_after_burst"] = load_average()
            problems += report["burst"]["problems"]
            b = report["burst"]
            print(f"Burst: {b['submissions_sent']} sent in {b['load']['seconds']} s "
                  f"({b['load']['requests_per_s']} req/s), accepted {b['accepted_people']} people, "
                  f"database {b['database']['statuses']}, capacity {b['database']['capacity']}")  # fmt: skip
    finally:
        if server is not None:
            server.stop()
        report["load_average_at_end"] = load_average()
        if not args.keep:
            db.drop()
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"Kept: database {db.dbname}, work directory {workdir}")
    report["problems"] = problems
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"events-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    print("Problems:" if problems else "No correctness problems.")
    for p in problems:
        print(f"  - {p}")
    print(f"Load average at start {report['load_average_at_start']}, at end {report['load_average_at_end']}")
    print(f"Results: {out.relative_to(ROOT)}")
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
