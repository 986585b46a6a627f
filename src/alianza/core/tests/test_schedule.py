"""The periodic scheduler (``core/schedule.py``): a task is enqueued when due and not before,
once per period even with two schedulers at the same moment, and really runs."""

from __future__ import annotations

import threading
from datetime import timedelta
from io import StringIO

import pytest
import redis
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tasks import task

from alianza.core import schedule
from alianza.core.models import ScheduledRun
from alianza.core.schedule import Periodic

CALLS: list[str] = []


@task()
def record_call() -> int:
    CALLS.append("ran")
    return len(CALLS)


@task()
def other_call() -> int:
    CALLS.append("other")
    return len(CALLS)


NAME = "tests.record_call"


@pytest.fixture
def periodic(monkeypatch):
    """Only the test's periodic task is registered while the test runs."""
    monkeypatch.setattr(schedule, "_periodics", {})
    CALLS.clear()
    periodic = Periodic(NAME, task=record_call, every=timedelta(hours=1))
    schedule.register(periodic)
    yield periodic
    CALLS.clear()


@pytest.mark.django_db
def test_a_task_never_run_is_due_and_runs_once(periodic):
    now = timezone.now()
    assert schedule.run_due(now) == [NAME]
    assert CALLS == ["ran"]  # the immediate backend ran it for real
    assert ScheduledRun.objects.get(name=NAME).last_enqueued_at == now


@pytest.mark.django_db
def test_it_is_not_due_again_before_its_period_ends(periodic):
    start = timezone.now()
    schedule.run_due(start)
    assert schedule.run_due(start + timedelta(minutes=59)) == []
    assert schedule.run_due(start + timedelta(minutes=60)) == [NAME]
    assert schedule.run_due(start + timedelta(minutes=61)) == []
    assert CALLS == ["ran", "ran"]
    assert ScheduledRun.objects.get(name=NAME).last_enqueued_at == start + timedelta(minutes=60)


@pytest.mark.django_db
def test_each_task_keeps_its_own_period(periodic):
    schedule.register(Periodic("tests.other_call", task=other_call, every=timedelta(minutes=10)))
    start = timezone.now()
    assert schedule.run_due(start) == ["tests.other_call", NAME]
    assert schedule.run_due(start + timedelta(minutes=10)) == ["tests.other_call"]
    assert sorted(CALLS) == ["other", "other", "ran"]


@pytest.mark.django_db
def test_a_failed_enqueue_gives_the_claim_back(periodic, settings):
    # A real queue that cannot be reached: RQ pointed at a port where nothing listens.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:9/0", "DEFAULT_TIMEOUT": 5}}
    earlier = timezone.now() - timedelta(hours=2)
    ScheduledRun.objects.create(name=NAME, last_enqueued_at=earlier)
    with pytest.raises(redis.exceptions.ConnectionError):
        schedule.run_due()
    assert ScheduledRun.objects.get(name=NAME).last_enqueued_at == earlier  # still due for the next run


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_the_worker_runs_it(periodic, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    assert schedule.run_due() == [NAME]
    assert CALLS == []  # queued, not run by the scheduler
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert CALLS == ["ran"]


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_moment_enqueue_once(periodic):
    """Scheduler A claims the task in a transaction it keeps open; scheduler B runs meanwhile and
    must wait for A's row, then find it no longer due. PostgreSQL only: SQLite lets one writer
    in at a time, so two schedulers cannot even overlap there."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers (PostgreSQL)")
    ScheduledRun.objects.create(name=NAME, last_enqueued_at=None)
    now = timezone.now()
    a_claimed, a_may_commit = threading.Event(), threading.Event()
    results: dict[str, list[str]] = {}

    def scheduler_a() -> None:
        try:
            with transaction.atomic():
                results["a"] = schedule.run_due(now)
                a_claimed.set()
                a_may_commit.wait(timeout=30)
        finally:
            connections.close_all()

    def scheduler_b() -> None:
        try:
            results["b"] = schedule.run_due(now)
        finally:
            connections.close_all()

    thread_a = threading.Thread(target=scheduler_a)
    thread_a.start()
    assert a_claimed.wait(timeout=30)
    thread_b = threading.Thread(target=scheduler_b)
    thread_b.start()
    # Let A commit only once B is really waiting for A's lock on the row.
    with connection.cursor() as cursor:
        for _ in range(300):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                break
            thread_b.join(timeout=0.1)
    a_may_commit.set()
    thread_a.join(timeout=30)
    thread_b.join(timeout=30)
    assert results == {"a": [NAME], "b": []}
    assert CALLS == ["ran"]


@pytest.mark.django_db
def test_the_schedule_command_enqueues_what_is_due(periodic):
    out = StringIO()
    call_command("schedule", stdout=out)
    assert out.getvalue() == f"enqueued: {NAME}\n"
    call_command("schedule", stdout=out)
    assert out.getvalue() == f"enqueued: {NAME}\n"  # nothing was due the second time
    assert CALLS == ["ran"]


@pytest.mark.django_db(transaction=True)  # the loop closes stale connections between checks
def test_the_schedule_loop_checks_again_and_again(periodic):
    out = StringIO()
    call_command("schedule", "--loop", "--interval", "0", "--iterations", "3", "--verbosity", "2", stdout=out)
    assert out.getvalue().splitlines() == [f"enqueued: {NAME}", "nothing due", "nothing due"]
    assert CALLS == ["ran"]


def test_register_refuses_another_task_under_a_taken_name(periodic):
    schedule.register(Periodic(NAME, task=record_call, every=timedelta(hours=1)))  # the same one again: fine
    with pytest.raises(ValueError, match="already registered"):
        schedule.register(Periodic(NAME, task=other_call, every=timedelta(hours=1)))
    with pytest.raises(ValueError, match="look like"):
        schedule.register(Periodic("Bad Name", task=other_call, every=timedelta(hours=1)))
    with pytest.raises(ValueError, match="positive"):
        schedule.register(Periodic("tests.zero", task=other_call, every=timedelta(0)))
