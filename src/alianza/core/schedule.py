"""A small periodic scheduler: background tasks that run every so often (reminders, retention).

An app registers its periodic tasks in ``AppConfig.ready()``::

    schedule.register(Periodic("campaigns.commitment_reminders", task=send_commitment_reminders,
                               every=timedelta(hours=1)))

Something must call ``run_due()`` regularly: ``alianza schedule`` from cron every few minutes, or
one long-running ``alianza schedule --loop`` (see docs/operations.md). It only *enqueues*; the
task worker (``db_worker`` or ``rqworker``) runs the tasks.

Each due task is enqueued once per period however many schedulers run at the same moment: a
scheduler claims the task with a conditional ``UPDATE`` of its ``ScheduledRun`` row (the
database lets exactly one of two concurrent updates match) before it enqueues, and releases the
claim if enqueueing fails. The tasks take no arguments and must be safe to run twice anyway.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django_tasks.base import Task

from .models import ScheduledRun

logger = logging.getLogger(__name__)

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Periodic:
    name: str  # "<app>.<what>", e.g. "campaigns.commitment_reminders": the ScheduledRun row's key
    task: Task[Any, Any]  # a django-tasks task taking no arguments
    every: timedelta


_periodics: dict[str, Periodic] = {}


def register(periodic: Periodic) -> None:
    """Add a periodic task. Registering the same one again is harmless; another task under a
    name already taken is an error."""
    if not NAME_PATTERN.match(periodic.name):
        raise ValueError(f"Periodic task names look like 'app.what', not {periodic.name!r}")
    if periodic.every <= timedelta(0):
        raise ValueError(f"{periodic.name}: 'every' must be positive")
    if not isinstance(periodic.task, Task):
        raise TypeError(f"{periodic.name}: 'task' must be a django-tasks Task (decorate it with @task())")
    existing = _periodics.get(periodic.name)
    if existing is not None and existing != periodic:
        raise ValueError(f"A periodic task named {periodic.name!r} is already registered")
    _periodics[periodic.name] = periodic


def registered() -> list[Periodic]:
    return [_periodics[name] for name in sorted(_periodics)]


def is_due(periodic: Periodic, *, last_enqueued_at: datetime | None, now: datetime) -> bool:
    return last_enqueued_at is None or last_enqueued_at <= now - periodic.every


def _claim(periodic: Periodic, now: datetime) -> tuple[bool, datetime | None]:
    """Mark ``periodic`` as enqueued at ``now`` if it is due. Returns whether this caller won
    the claim, and the previous ``last_enqueued_at`` (to give the claim back)."""
    run, _created = ScheduledRun.objects.get_or_create(name=periodic.name)
    previous = run.last_enqueued_at
    if not is_due(periodic, last_enqueued_at=previous, now=now):
        return False, previous
    # The condition is checked again by the database, on the row as it is when the update runs:
    # of two schedulers that both read "due", the second one's update matches no row.
    due = Q(last_enqueued_at=None) | Q(last_enqueued_at__lte=now - periodic.every)
    claimed = ScheduledRun.objects.filter(due, name=periodic.name).update(last_enqueued_at=now)
    return bool(claimed), previous


def run_due(now: datetime | None = None) -> list[str]:
    """Enqueue every registered periodic task that is due at ``now``; returns their names."""
    now = now or timezone.now()
    enqueued: list[str] = []
    for periodic in registered():
        won, previous = _claim(periodic, now)
        if not won:
            continue
        try:
            periodic.task.enqueue()
        except Exception:
            # Give the claim back, so the next run tries again.
            ScheduledRun.objects.filter(name=periodic.name, last_enqueued_at=now).update(last_enqueued_at=previous)
            logger.exception("Could not enqueue the periodic task %s", periodic.name)
            raise
        enqueued.append(periodic.name)
    return enqueued
