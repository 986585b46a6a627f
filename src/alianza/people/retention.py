"""The people app's retention rules (registered in ``PeopleConfig.ready()``; see
``core/retention.py`` and docs/retention.md).

Inactive people without consent are **anonymised**, not deleted: their RSVPs, attendance and
signatures keep counting in reports, other organizations' reports are not changed behind their
back, and a record that the advisory board or a campaign still points to cannot break. What
identifies them goes: names, pronouns, street, city and ZIP code, notes, custom fields, tags,
list memberships, e-mail addresses and phone numbers. Language, county and state stay, for
counts by place and language.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from alianza.core.models import Organization
from alianza.core.retention import ANONYMISE, DELETE, RetentionRule, register

from . import activity
from .models import ConsentRecord, ImportJob, ImportRejection, Person, PersonEmail, PersonPhone, SharingGrant


def _current_consent() -> Exists:
    """Some channel's latest consent record says yes."""
    later = ConsentRecord.objects.filter(
        person=OuterRef("person"), channel=OuterRef("channel"), recorded_at__gt=OuterRef("recorded_at")
    )
    return Exists(ConsentRecord.objects.filter(person=OuterRef("pk"), granted=True).exclude(Exists(later)))


def _still_identifiable() -> Q:
    return (
        ~Q(given_name="")
        | ~Q(family_name="")
        | ~Q(preferred_name="")
        | ~Q(street="")
        | ~Q(city="")
        | ~Q(zip_code="")
        | ~Q(notes="")
        | Exists(PersonEmail.objects.filter(person=OuterRef("pk")))
        | Exists(PersonPhone.objects.filter(person=OuterRef("pk")))
    )


def _inactive_people() -> QuerySet[Any]:
    return Person.objects.filter(_still_identifiable()).exclude(_current_consent())


def _inactive_since(rows: QuerySet[Any], cutoff: datetime, organization: Organization | None) -> QuerySet[Any]:
    """Not changed since ``cutoff`` and nothing done since (every registered activity kind:
    RSVPs, attendance, consent …)."""
    rows = rows.filter(updated_at__lt=cutoff, created_at__lt=cutoff)
    if organization is not None:
        for kind in activity.kinds():
            rows = rows.exclude(pk__in=kind.person_ids_since(organization, cutoff))
    return rows


def _anonymise_people(batch: QuerySet[Any]) -> None:
    ids = list(batch.values_list("pk", flat=True))
    PersonEmail.objects.filter(person_id__in=ids).delete()
    PersonPhone.objects.filter(person_id__in=ids).delete()
    Person.tags.through.objects.filter(person_id__in=ids).delete()
    Person.people_lists.through.objects.filter(person_id__in=ids).delete()
    Person.objects.filter(pk__in=ids).update(
        given_name="",
        family_name="",
        preferred_name="",
        pronouns="",
        street="",
        city="",
        zip_code="",
        notes="",
        custom={},
        other_languages=[],
    )


def _delete_upload(batch: QuerySet[Any]) -> None:
    for pk, stored_path in batch.values_list("pk", "stored_path"):
        Path(stored_path).unlink(missing_ok=True)
        ImportJob.objects.filter(pk=pk).update(stored_path="")
    batch.filter(status=ImportJob.Status.DRAFT).update(
        status=ImportJob.Status.FAILED, error="The uploaded file was deleted after its retention period."
    )


def _grant_ended(rows: QuerySet[Any], cutoff: datetime, organization: Organization | None) -> QuerySet[Any]:
    return rows.filter(Q(revoked_at__lt=cutoff) | Q(revoked_at=None, expires_at__lt=cutoff))


def register_people_rules() -> None:
    register(
        RetentionRule(
            code="people.inactive_without_consent",
            label=_("Inactive people who gave no consent"),
            description=_(
                "People with no current consent to be contacted, whose record has not changed and who did "
                "nothing (no RSVP, no attendance, no consent) in this period are anonymised: names, street, "
                "city, ZIP code, notes, custom fields, tags, lists, e-mail addresses and phone numbers are "
                "removed. The empty record stays so that event and campaign counts stay right."
            ),
            queryset=_inactive_people,
            date_field="updated_at",
            expired=_inactive_since,
            default_days=3 * 365,
            min_days=180,
            max_days=10 * 365,
            action=ANONYMISE,
            anonymise=_anonymise_people,
        )
    )
    register(
        RetentionRule(
            code="people.import_rejections",
            label=_("Rejected import rows"),
            description=_(
                "Rows of an imported file that were not imported (kept, encrypted, so you can download and "
                "fix them) are deleted. The import's counts stay."
            ),
            queryset=lambda: ImportRejection.objects.all(),
            date_field="job__created_at",
            default_days=30,
            min_days=1,
            max_days=365,
            action=DELETE,
        )
    )
    register(
        RetentionRule(
            code="people.import_uploads",
            label=_("Uploaded import files"),
            description=_(
                "Uploaded files of imports that were never started or that failed are deleted from the "
                "server. The import's name and counts stay."
            ),
            queryset=lambda: ImportJob.objects.exclude(stored_path="").exclude(
                status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
            ),
            date_field="created_at",
            default_days=1,
            min_days=1,
            max_days=7,
            action=ANONYMISE,
            anonymise=_delete_upload,
        )
    )
    register(
        RetentionRule(
            code="people.sharing_grants_ended",
            label=_("Ended sharing permissions"),
            description=_(
                "Permissions to share a person's record with another organization that were revoked or "
                "have expired are deleted. The audit trail still shows when a record was shared and read."
            ),
            queryset=lambda: SharingGrant.objects.exclude(revoked_at=None, expires_at=None),
            date_field="revoked_at",
            expired=_grant_ended,
            default_days=30,
            min_days=0,
            max_days=730,
            action=DELETE,
        )
    )
