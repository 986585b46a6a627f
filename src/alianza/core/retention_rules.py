"""The core app's retention rules: audit details, closed invitations, expired sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, AuditSubject, Invitation, Organization
from .retention import ANONYMISE, DELETE, RetentionRule, register

# The retention run's own events hold only counts: they stay readable for as long as the trail.
KEPT_DETAILS = ("core.retention.applied",)


def _audit_with_details() -> QuerySet[Any]:
    """Events that still hold details: a ``data`` dict, or the records a read showed."""
    shown = AuditSubject.objects.filter(event=OuterRef("pk"))
    return AuditEvent.objects.filter(~Q(data={}) | Exists(shown)).exclude(action__in=KEPT_DETAILS)


def _redact_audit_details(batch: QuerySet[Any]) -> None:
    """Empty the details (``data``) of a batch of audit events and drop the records they showed.
    The ORM refuses any change to the trail; the database trigger (core migration 0005) allows
    exactly this one: ``data`` set to ``{}`` with every other column unchanged."""
    ids = list(batch.values_list("pk", flat=True))
    AuditSubject.objects.filter(event_id__in=ids).delete()
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE core_auditevent SET data = '{{}}' WHERE id IN ({placeholders})", ids)  # noqa: S608


def _closed_invitations() -> QuerySet[Any]:
    return Invitation.objects.all()


def _invitation_expired(rows: QuerySet[Any], cutoff: datetime, organization: Organization | None) -> QuerySet[Any]:
    return rows.filter(Q(accepted_at__lt=cutoff) | Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff))


def register_core_rules() -> None:
    register(
        RetentionRule(
            code="core.audit_details",
            label=_("Details of the audit trail"),
            description=_(
                "The details of old audit events (the changed values, what a search found, which people "
                "a page showed) are emptied. Who did what, to which record and when stays in the trail."
            ),
            queryset=_audit_with_details,
            date_field="created_at",
            default_days=365,
            min_days=90,
            max_days=7 * 365,
            action=ANONYMISE,
            anonymise=_redact_audit_details,
        )
    )
    register(
        RetentionRule(
            code="core.audit_details_installation",
            label=_("Details of the installation's audit trail"),
            description=_("The details of old audit events that belong to no organization (sign-ins, accounts)."),
            queryset=lambda: _audit_with_details().filter(organization=None),
            date_field="created_at",
            default_days=365,
            min_days=90,
            max_days=7 * 365,
            action=ANONYMISE,
            anonymise=_redact_audit_details,
            per_organization=False,
        )
    )
    register(
        RetentionRule(
            code="core.invitations_closed",
            label=_("Closed invitations"),
            description=_(
                "Invitations that were accepted, revoked or expired are deleted, with the e-mail address "
                "they were sent to. The audit trail still says who invited whom."
            ),
            queryset=_closed_invitations,
            date_field="expires_at",
            expired=_invitation_expired,
            default_days=90,
            min_days=7,
            max_days=730,
            action=DELETE,
        )
    )
    register(
        RetentionRule(
            code="core.sessions_expired",
            label=_("Expired sign-in sessions"),
            description=_("Sign-in sessions that have expired are deleted from the database."),
            queryset=lambda: Session.objects.all(),
            date_field="expire_date",
            default_days=1,
            min_days=0,
            max_days=30,
            action=DELETE,
            per_organization=False,
        )
    )
