"""Retention of the people app's records: inactive people without consent are anonymised (the
rows stay, for counts), rejected import rows, uploaded files and ended sharing permissions go."""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from django_scopes import scopes_disabled

from alianza.core.models import AuditEvent
from alianza.core.retention import retention_apply
from alianza.people.models import (
    ConsentRecord,
    ImportJob,
    ImportRejection,
    Person,
    PersonEmail,
    PersonPhone,
    SharingGrant,
)
from alianza.people.tests.factories import make_grant, make_people_list, make_person, make_tag

LATER = timezone.now() + timedelta(days=4 * 365)  # past the default three years
INACTIVE = "people.inactive_without_consent"


def _consent(person, granted, at):  # type: ignore[no-untyped-def]
    with scopes_disabled():
        ConsentRecord.objects.create(
            organization=person.organization,
            person=person,
            channel="email",
            granted=granted,
            recorded_at=at,
            source="test",
        )


@scopes_disabled()
def _rosa(org):  # type: ignore[no-untyped-def]
    rosa = make_person(
        org,
        email="rosa@example.org",
        phone="+15125550100",
        given_name="Rosa",
        family_name="Lima",
        preferred_name="Rosita",
        pronouns="she/her",
        street="12 Elm St",
        city="Austin",
        county="Travis",
        state="TX",
        zip_code="78702",
        notes="Works nights",
        custom={"shirt": "m"},
        preferred_language="es",
    )
    rosa.tags.add(make_tag(org, "volunteer"))
    make_people_list(org, name="Phone bank", people=[rosa])
    return rosa


def test_inactive_people_without_consent_are_anonymised_and_still_counted(org_a):
    rosa = _rosa(org_a)
    result = retention_apply(organization=org_a, kind=INACTIVE, dry_run=False, now=LATER)
    assert result.count == 1
    with scopes_disabled():
        after = Person.objects.get(pk=rosa.pk)
        assert Person.objects.count() == 1  # the row stays for counts
        assert (after.given_name, after.family_name, after.preferred_name, after.pronouns) == ("", "", "", "")
        assert (after.street, after.city, after.zip_code, after.notes, after.custom) == ("", "", "", "", {})
        assert (after.county, after.state, after.preferred_language) == ("Travis", "TX", "es")
        assert PersonEmail.objects.count() == PersonPhone.objects.count() == 0
        assert list(after.tags.all()) == list(after.people_lists.all()) == []


def test_a_second_run_finds_nobody_left(org_a):
    _rosa(org_a)
    retention_apply(organization=org_a, kind=INACTIVE, dry_run=False, now=LATER)
    assert retention_apply(organization=org_a, kind=INACTIVE, dry_run=False, now=LATER).count == 0


def test_people_who_consent_are_kept(org_a):
    rosa = _rosa(org_a)
    _consent(rosa, True, timezone.now())
    assert retention_apply(organization=org_a, kind=INACTIVE, dry_run=False, now=LATER).count == 0
    with scopes_disabled():
        assert Person.objects.get(pk=rosa.pk).given_name == "Rosa"


def test_people_who_withdrew_their_consent_are_anonymised(org_a):
    rosa = _rosa(org_a)
    _consent(rosa, True, timezone.now() - timedelta(days=2))
    _consent(rosa, False, timezone.now() - timedelta(days=1))
    assert retention_apply(organization=org_a, kind=INACTIVE, dry_run=True, now=LATER).count == 1


def test_people_changed_within_the_period_are_kept(org_a):
    _rosa(org_a)
    soon = timezone.now() + timedelta(days=365)
    assert retention_apply(organization=org_a, kind=INACTIVE, dry_run=True, now=soon).count == 0


def test_another_organizations_people_are_untouched(org_a, org_b):
    other = _rosa(org_b)
    assert retention_apply(organization=org_a, kind=INACTIVE, dry_run=False, now=LATER).count == 0
    with scopes_disabled():
        assert Person.objects.get(pk=other.pk).given_name == "Rosa"


@scopes_disabled()
def _job(org, **fields):  # type: ignore[no-untyped-def]
    fields.setdefault("status", ImportJob.Status.DONE)
    return ImportJob.objects.create(organization=org, file_name="contacts.csv", headers=["email"], rejected=2, **fields)


def test_rejected_import_rows_are_deleted_and_the_import_keeps_its_counts(org_a):
    job = _job(org_a)
    with scopes_disabled():
        for number in (2, 3):
            ImportRejection.objects.create(
                organization=org_a, job=job, row_number=number, reason="No name", row_values='{"email": "x@y.org"}'
            )
    result = retention_apply(
        organization=org_a, kind="people.import_rejections", dry_run=False, now=timezone.now() + timedelta(days=31)
    )
    assert result.count == 2
    with scopes_disabled():
        assert ImportRejection.objects.count() == 0
        assert ImportJob.objects.get(pk=job.pk).rejected == 2


def test_uploaded_files_of_abandoned_imports_are_deleted(org_a, tmp_path):
    upload = Path(tmp_path) / "upload.csv"
    upload.write_text("email\nrosa@example.org\n")
    job = _job(org_a, status=ImportJob.Status.DRAFT, stored_path=str(upload))
    result = retention_apply(
        organization=org_a, kind="people.import_uploads", dry_run=False, now=timezone.now() + timedelta(days=2)
    )
    assert result.count == 1
    assert not upload.exists()
    with scopes_disabled():
        after = ImportJob.objects.get(pk=job.pk)
    assert (after.stored_path, after.status, after.file_name) == ("", ImportJob.Status.FAILED, "contacts.csv")


def test_a_running_import_keeps_its_file(org_a, tmp_path):
    upload = Path(tmp_path) / "upload.csv"
    upload.write_text("email\n")
    _job(org_a, status=ImportJob.Status.RUNNING, stored_path=str(upload))
    retention_apply(
        organization=org_a, kind="people.import_uploads", dry_run=False, now=timezone.now() + timedelta(days=2)
    )
    assert upload.exists()


def test_ended_sharing_grants_are_deleted_and_active_ones_stay(org_a, org_b):
    rosa = make_person(org_a)
    revoked = make_grant(rosa, org_b, revoked_at=timezone.now())
    expired = make_grant(rosa, org_b, expires_at=timezone.now() - timedelta(days=1))
    active = make_grant(rosa, org_b, expires_at=timezone.now() + timedelta(days=365))
    forever = make_grant(rosa, org_b)
    result = retention_apply(
        organization=org_a, kind="people.sharing_grants_ended", dry_run=False, now=timezone.now() + timedelta(days=31)
    )
    assert result.count == 2
    with scopes_disabled():
        assert sorted(SharingGrant.objects.values_list("pk", flat=True)) == sorted([active.pk, forever.pk])
        assert {revoked.pk, expired.pk}.isdisjoint(SharingGrant.objects.values_list("pk", flat=True))
        event = AuditEvent.objects.get(action="core.retention.applied")
    assert event.data["count"] == 2
    assert "Legal" not in str(event.data)
