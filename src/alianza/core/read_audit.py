"""Read audit: every read of people's records is an audit event (DESIGN.md §5.3), with the
records it showed, so an admin can see who saw one person, and a daily digest can flag a user
who suddenly reads far more records than usual.

``log_read`` writes ONE audit event through ``log_action`` (who, what, when, and why when the
user gave a reason) and one ``AuditSubject`` row per record shown: a page of search results, a
list, an export. For an export the records are inserted by the database from the export's
query (``INSERT … SELECT``), so a million-row export never loads its ids into memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, models, transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django_scopes import scope

from .audit import log_action
from .models import AuditEvent, AuditSubject, Membership, Organization, User
from .permissions import Role

PERSON = "people.person"  # the object type of a person record (core imports no domain app)
FLAG_ACTION = "core.read_audit.flagged"
REASON_MAX_LENGTH = 200
# A user is flagged when they read at least DEFAULT_FACTOR times their usual daily number of
# person records, and at least DEFAULT_FLOOR of them (settings may override both).
DEFAULT_FACTOR = 10
DEFAULT_FLOOR = 50


def clean_reason(value: Any) -> str:
    """A reason the user typed for a read: one line, trimmed, at most 200 characters."""
    text = " ".join(str(value or "").split())
    return text[:REASON_MAX_LENGTH]


def log_read(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    organization: Organization,
    action: str,
    subjects: Sequence[models.Model] | QuerySet[Any],
    obj: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Audit a read of ``subjects`` (model instances of one organization, or a queryset of
    them). Call it inside the transaction of the read, like ``log_action``."""
    details = dict(data or {})
    reason = clean_reason(reason)
    if reason:
        details["reason"] = reason
    with transaction.atomic():
        event = log_action(
            actor=actor, organization=organization, action=action, obj=obj, data=details, request=request
        )
        user = actor if isinstance(actor, User) else None
        if isinstance(subjects, QuerySet):
            _insert_from_query(event, subjects, user)
        else:
            AuditSubject.objects.bulk_create(
                AuditSubject(
                    event=event,
                    organization=organization,
                    actor=user,
                    object_type=subject._meta.label_lower,
                    object_id=str(subject.pk),
                    created_at=event.created_at,
                )
                for subject in subjects
            )
    return event


def _insert_from_query(event: AuditEvent, subjects: QuerySet[Any], user: User | None) -> int:
    query = subjects.order_by().annotate(audit_subject_pk=F("pk")).values("audit_subject_pk")
    sql, params = query.query.sql_with_params()

    def field(name: str) -> models.Field[Any, Any]:
        return cast("models.Field[Any, Any]", AuditSubject._meta.get_field(name))

    values = [
        event.pk,
        field("organization").get_db_prep_value(event.organization_id, connection),
        user.pk if user is not None else None,
        subjects.model._meta.label_lower,
        field("created_at").get_db_prep_value(event.created_at, connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditsubject (event_id, organization_id, actor_id, object_type, object_id, created_at) "  # noqa: S608 — the ORM's own SQL and placeholders
            f"SELECT %s, %s, %s, %s, CAST(sub.audit_subject_pk AS VARCHAR(64)), %s FROM ({sql}) sub",
            [*values, *params],
        )
        return cursor.rowcount


def reads_of(*, organization: Organization, object_type: str, object_ids: Sequence[str]) -> QuerySet[AuditEvent]:
    """Every audit event of ``organization`` about these records: on the record itself (a view,
    a change, a share) or showing it among others (a search, a list, an export). Newest first.
    Use inside the organization's scope."""
    shown = AuditSubject.objects.filter(organization=organization, object_type=object_type, object_id__in=object_ids)
    return (
        AuditEvent.objects.filter(organization=organization)
        .filter(Q(object_type=object_type, object_id__in=object_ids) | Q(pk__in=shown.values("event_id")))
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class ReadFlag:
    actor_id: int
    actor_label: str
    reads: int
    usual_per_day: float


def unusual_readers(
    *,
    organization: Organization,
    now: datetime,
    factor: int | None = None,
    floor: int | None = None,
    baseline_days: int = 28,
) -> list[ReadFlag]:
    """Users of ``organization`` who read at least ``factor`` times their usual daily number of
    person records in the 24 hours before ``now`` (usual: the daily mean over the ``baseline_days``
    before that), and at least ``floor`` records (so a quiet user reading 5 is not flagged)."""
    factor = factor or getattr(settings, "ALIANZA_READ_AUDIT_FACTOR", DEFAULT_FACTOR)
    floor = floor or getattr(settings, "ALIANZA_READ_AUDIT_FLOOR", DEFAULT_FLOOR)
    day_start = now - timedelta(days=1)
    with scope(organization=organization):
        reads = AuditSubject.objects.filter(organization=organization, object_type=PERSON).exclude(actor=None)
        today = dict(
            reads.filter(created_at__gte=day_start, created_at__lt=now)
            .values_list("actor")
            .annotate(n=Count("id"))
            .values_list("actor", "n")
        )
        if not today:
            return []
        before = dict(
            reads.filter(
                actor__in=list(today),
                created_at__gte=day_start - timedelta(days=baseline_days),
                created_at__lt=day_start,
            )
            .values_list("actor")
            .annotate(n=Count("id"))
            .values_list("actor", "n")
        )
    labels = dict(User.objects.filter(pk__in=list(today)).values_list("pk", "email"))
    flags = []
    for actor_id, count in sorted(today.items()):
        usual = before.get(actor_id, 0) / baseline_days
        if count >= floor and count >= factor * usual:
            flags.append(
                ReadFlag(actor_id=actor_id, actor_label=labels.get(actor_id, ""), reads=count, usual_per_day=usual)
            )
    return flags


def read_audit_digest(*, organization: Organization, now: datetime | None = None) -> list[AuditEvent]:
    """Flag the unusual readers of the last day: one audit event each (``core.read_audit.flagged``,
    shown on the audit page), and one e-mail to the organization's admins, through the task
    queue, after commit. Run twice for the same day, it flags nobody twice."""
    from .tasks import send_read_audit_alert

    now = now or timezone.now()
    events: list[AuditEvent] = []
    with transaction.atomic(), scope(organization=organization):
        already = set(
            AuditEvent.objects.filter(
                organization=organization, action=FLAG_ACTION, created_at__gt=now - timedelta(hours=20)
            ).values_list("object_id", flat=True)
        )
        for flag in unusual_readers(organization=organization, now=now):
            if str(flag.actor_id) in already:
                continue
            user = User.objects.get(pk=flag.actor_id)
            events.append(
                log_action(
                    actor=None,
                    organization=organization,
                    action=FLAG_ACTION,
                    obj=user,
                    data={
                        "user": flag.actor_label,
                        "reads": flag.reads,
                        "usual_per_day": round(flag.usual_per_day, 1),
                        "since": (now - timedelta(days=1)).isoformat(),
                    },
                )
            )
        if events:
            ids = [event.pk for event in events]
            org_id = str(organization.pk)
            transaction.on_commit(lambda: send_read_audit_alert.enqueue(organization_id=org_id, event_ids=ids))
    return events


def recent_flags(*, organization: Organization, now: datetime | None = None, days: int = 30) -> QuerySet[AuditEvent]:
    now = now or timezone.now()
    return AuditEvent.objects.filter(
        organization=organization, action=FLAG_ACTION, created_at__gte=now - timedelta(days=days)
    ).order_by("-created_at", "-id")


def admin_emails(organization: Organization) -> list[str]:
    with scope(organization=organization):
        return sorted(
            Membership.objects.filter(organization=organization, role=Role.ADMIN, user__is_active=True).values_list(
                "user__email", flat=True
            )
        )
