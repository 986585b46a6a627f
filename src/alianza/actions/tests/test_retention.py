"""Retention of RSVPs, and the whole run (``alianza retention``) over every app's records:
a dry run changes nothing, a real run logs one audit event per organization and kind."""

from datetime import timedelta
from io import StringIO

from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from alianza.actions.models import RSVP
from alianza.core.models import AuditEvent, AuditSubject, Invitation
from alianza.core.retention import retention_apply
from alianza.core.tests.factories import make_invitation
from alianza.network.models import IndividualSignup, OrganizationApplication
from alianza.network.tests.factories import make_application, make_hub, make_signup
from alianza.people.models import ImportJob, ImportRejection, Person, PersonEmail, SharingGrant
from alianza.people.tests.factories import make_grant, make_person

from .factories import make_event, make_rsvp

LONG_AGO = timezone.now() - timedelta(days=5 * 365)


def _past_event(org):  # type: ignore[no-untyped-def]
    return make_event(org, starts_at=timezone.now() - timedelta(days=200))


def test_cancelled_and_waitlisted_rsvps_go_after_the_event_and_confirmed_ones_stay(org_a):
    event = _past_event(org_a)
    confirmed = make_rsvp(event, status=RSVP.Status.CONFIRMED)
    make_rsvp(event, status=RSVP.Status.CANCELLED)
    make_rsvp(event, status=RSVP.Status.WAITLISTED)
    upcoming = make_rsvp(make_event(org_a), status=RSVP.Status.WAITLISTED)
    result = retention_apply(organization=org_a, kind="actions.rsvp_unconfirmed", dry_run=False)
    assert result.count == 2
    with scopes_disabled():
        assert sorted(RSVP.objects.values_list("pk", flat=True)) == sorted([confirmed.pk, upcoming.pk])


def test_the_e_mail_given_with_an_rsvp_is_removed_after_the_event_and_the_rsvp_stays(org_a):
    event = _past_event(org_a)
    attended = make_rsvp(event, status=RSVP.Status.CONFIRMED, attended_at=timezone.now() - timedelta(days=200))
    result = retention_apply(organization=org_a, kind="actions.rsvp_email", dry_run=False)
    assert result.count == 1
    with scopes_disabled():
        after = RSVP.objects.get(pk=attended.pk)
        assert (after.email, after.status, after.attended_at) == ("", "confirmed", attended.attended_at)
        assert PersonEmail.objects.filter(person=attended.person).count() == 1  # the person keeps theirs


@scopes_disabled()
def _everything_expired(org_a, org_b):  # type: ignore[no-untyped-def]
    """One expired record of every kind, in two organizations (A is the hub), and a few that stay."""
    hub = make_hub(org_a)
    for org in (hub, org_b):
        event = _past_event(org)
        make_rsvp(event, status=RSVP.Status.CANCELLED)
        make_rsvp(event, status=RSVP.Status.CONFIRMED)
        person = make_person(org, email=f"old@{org.slug}.example", given_name="Rosa")
        Person.objects.filter(pk=person.pk).update(created_at=LONG_AGO, updated_at=LONG_AGO)
        job = ImportJob.objects.create(
            organization=org, file_name="c.csv", headers=["email"], status=ImportJob.Status.DONE, created_at=LONG_AGO
        )
        ImportRejection.objects.create(organization=org, job=job, row_number=2, reason="No name")
        make_grant(make_person(org), org_b if org == hub else hub, revoked_at=LONG_AGO)
        invitation = make_invitation(org)
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=LONG_AGO)
        AuditEvent(organization=org, action="core.test.changed", data={"name": "Rosa"}, created_at=LONG_AGO).save()
    make_application(hub, status=OrganizationApplication.Status.DECLINED, decided_at=LONG_AGO)
    make_signup(hub, created_at=LONG_AGO)
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=LONG_AGO)


@scopes_disabled()
def _tables() -> dict[str, list[tuple]]:
    models = [
        RSVP,
        Person,
        PersonEmail,
        ImportJob,
        ImportRejection,
        SharingGrant,
        Invitation,
        AuditEvent,
        AuditSubject,
        OrganizationApplication,
        IndividualSignup,
        Session,
    ]
    return {model._meta.label: sorted(model._default_manager.values_list()) for model in models}


def test_a_dry_run_changes_nothing_and_says_what_would_go(org_a, org_b):
    _everything_expired(org_a, org_b)
    before = _tables()
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert _tables() == before
    lines = out.getvalue().splitlines()
    assert "org-a\tactions.rsvp_unconfirmed\t1 would go (deleted after 90 days)" in lines
    assert "org-b\tpeople.inactive_without_consent\t1 would go (anonymised after 1095 days)" in lines
    assert "org-a\tnetwork.signups\t1 would go (anonymised after 365 days)" in lines
    assert "(installation)\tcore.sessions_expired\t1 would go (deleted after 1 days)" in lines
    assert lines[-1].startswith("Total: ")
    assert lines[-1].endswith("would go (dry run: nothing changed)")


def test_a_run_applies_every_rule_and_logs_one_event_per_organization_and_kind(org_a, org_b):
    _everything_expired(org_a, org_b)
    with scopes_disabled():
        people = Person.objects.count()
    call_command("retention", stdout=StringIO())
    with scopes_disabled():
        runs = AuditEvent.objects.filter(action="core.retention.applied")
        per_org = {(e.organization.slug if e.organization else None, e.data["kind"]): e.data["count"] for e in runs}
        assert runs.count() == len(per_org)  # one event per organization and kind
        assert per_org[("org-a", "network.signups")] == 1
        assert per_org[("org-b", "actions.rsvp_unconfirmed")] == 1
        assert per_org[("org-b", "people.inactive_without_consent")] == 1
        assert per_org[("org-b", "core.audit_details")] == 1
        assert per_org[(None, "core.sessions_expired")] == 1
        assert ("org-b", "network.signups") not in per_org
        assert "Rosa" not in str([e.data for e in runs])
        assert Person.objects.filter(given_name="Rosa").count() == 0
        assert Person.objects.count() == people  # anonymised, not deleted
        assert Session.objects.count() == 0


def test_one_organization_only(org_a, org_b):
    _everything_expired(org_a, org_b)
    out = StringIO()
    call_command("retention", "--org", "org-b", stdout=out)
    assert {line.split("\t")[0] for line in out.getvalue().splitlines()[:-1]} == {"org-b"}
    with scopes_disabled():
        assert RSVP.objects.filter(organization=org_a, status=RSVP.Status.CANCELLED).count() == 1
        assert RSVP.objects.filter(organization=org_b, status=RSVP.Status.CANCELLED).count() == 0
