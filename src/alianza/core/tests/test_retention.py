"""Retention of the core app's records (audit details, invitations, sessions) and the rules'
registry: periods, limits, audit of each run."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from alianza.core import schedule
from alianza.core.audit import log_action
from alianza.core.models import AuditEvent, AuditSubject, Invitation, RetentionSetting
from alianza.core.read_audit import log_read
from alianza.core.retention import (
    ANONYMISE,
    DELETE,
    RetentionError,
    RetentionRule,
    get,
    period_days,
    retention_apply,
    retention_setting_update,
    rules,
    rules_for,
)
from alianza.core.tasks import apply_retention
from alianza.core.tests.factories import make_invitation

LATER = timedelta(days=400)  # past the audit details' default period of 365 days


def _rule(**overrides):  # type: ignore[no-untyped-def]
    fields = {
        "code": "test.kind",
        "label": "Test",
        "description": "Test",
        "queryset": lambda: Invitation.objects.all(),
        "date_field": "created_at",
        "default_days": 30,
        "min_days": 7,
        "max_days": 90,
        "action": DELETE,
    }
    return RetentionRule(**(fields | overrides))


def test_a_rule_needs_a_code_like_app_dot_kind():
    with pytest.raises(ValueError, match=r"app\.kind"):
        _rule(code="Invitations")


def test_a_rule_needs_its_default_within_its_limits():
    with pytest.raises(ValueError, match="min_days"):
        _rule(default_days=100)


def test_an_anonymise_rule_needs_its_callback_and_a_delete_rule_none():
    with pytest.raises(ValueError, match="callback"):
        _rule(action=ANONYMISE)
    with pytest.raises(ValueError, match="callback"):
        _rule(anonymise=lambda batch: None)


def test_every_app_registers_its_rules():
    assert [rule.code for rule in rules()] == [
        "actions.rsvp_email",
        "actions.rsvp_submissions",
        "actions.rsvp_unconfirmed",
        "core.audit_details",
        "core.audit_details_installation",
        "core.invitations_closed",
        "core.sessions_expired",
        "network.applications_declined",
        "network.signups",
        "people.import_rejections",
        "people.import_uploads",
        "people.inactive_without_consent",
        "people.sharing_grants_ended",
    ]


def test_the_hub_only_rules_do_not_run_for_a_member(org_a):
    codes = [rule.code for rule in rules_for(org_a)]
    assert "network.signups" not in codes
    assert "core.sessions_expired" not in codes
    assert [rule.code for rule in rules_for(None)] == ["core.audit_details_installation", "core.sessions_expired"]


def test_the_retention_run_is_scheduled_daily():
    periodic = {p.name: p for p in schedule.registered()}["core.retention"]
    assert (periodic.task, periodic.every) == (apply_retention, timedelta(days=1))


def _event_with_details(org, owner, **data):  # type: ignore[no-untyped-def]
    with scopes_disabled():
        return log_action(actor=owner, organization=org, action="core.test.changed", obj=owner, data=data)


def test_old_audit_details_are_emptied_and_who_did_what_stays(org_a, owner):
    event = _event_with_details(org_a, owner, name=["Rosa", "Rosa Lima"])
    with scopes_disabled():
        read = log_read(actor=owner, organization=org_a, action="core.test.read", subjects=[owner])
    result = retention_apply(organization=org_a, kind="core.audit_details", dry_run=False, now=timezone.now() + LATER)
    assert result.count == 2
    with scope(organization=org_a):
        after = AuditEvent.objects.get(pk=event.pk)
        assert (after.data, after.action, after.actor_id, after.object_ref, after.created_at) == (
            {},
            "core.test.changed",
            owner.pk,
            f"core.user:{owner.pk}",
            event.created_at,
        )
        assert AuditSubject.objects.filter(event=read).count() == 0


def test_recent_audit_details_stay(org_a, owner):
    event = _event_with_details(org_a, owner, name=["Rosa", "Rosa Lima"])
    retention_apply(
        organization=org_a, kind="core.audit_details", dry_run=False, now=timezone.now() + timedelta(days=300)
    )
    with scope(organization=org_a):
        assert AuditEvent.objects.get(pk=event.pk).data == {"name": ["Rosa", "Rosa Lima"]}


def test_each_run_logs_one_event_with_the_count_and_keeps_it(org_a, owner):
    _event_with_details(org_a, owner, name=["Rosa", "Rosa Lima"])
    _event_with_details(org_a, owner, name=["Ana", "Ana Ruiz"])
    now = timezone.now() + LATER
    retention_apply(organization=org_a, kind="core.audit_details", dry_run=False, now=now)
    second = retention_apply(organization=org_a, kind="core.audit_details", dry_run=False, now=now + LATER)
    with scope(organization=org_a):
        runs = list(AuditEvent.objects.filter(action="core.retention.applied").order_by("id"))
    assert [(run.data["kind"], run.data["count"], run.data["action"], run.actor_id) for run in runs] == [
        ("core.audit_details", 2, "anonymise", None),
        ("core.audit_details", 0, "anonymise", None),
    ]
    assert second.count == 0  # the first run's own event keeps its counts
    assert "Rosa" not in str([run.data for run in runs])


def test_the_database_still_refuses_any_other_change_to_the_trail(org_a, owner):
    event = _event_with_details(org_a, owner, name=["Rosa", "Rosa Lima"])
    for sql in (
        "UPDATE core_auditevent SET action = 'core.test.hidden' WHERE id = %s",
        "UPDATE core_auditevent SET data = '{}', actor_label = 'nobody' WHERE id = %s",
        """UPDATE core_auditevent SET data = '{"name": "x"}' WHERE id = %s""",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    with scope(organization=org_a):
        assert AuditEvent.objects.get(pk=event.pk).data == {"name": ["Rosa", "Rosa Lima"]}


def test_closed_invitations_are_deleted_and_open_ones_stay(org_a, owner):
    closed = make_invitation(org_a, invited_by=owner)
    open_ = make_invitation(org_a, invited_by=owner)
    with scopes_disabled():
        Invitation.objects.filter(pk=closed.pk).update(revoked_at=timezone.now())
        Invitation.objects.filter(pk=open_.pk).update(expires_at=timezone.now() + timedelta(days=365))
    result = retention_apply(
        organization=org_a, kind="core.invitations_closed", dry_run=False, now=timezone.now() + timedelta(days=91)
    )
    assert result.count == 1
    with scopes_disabled():
        assert list(Invitation.objects.values_list("pk", flat=True)) == [open_.pk]


@pytest.mark.django_db
def test_expired_sessions_are_deleted_for_the_whole_installation():
    old, current = SessionStore(), SessionStore()
    old.set_expiry(1)
    old.create()
    current.set_expiry(3 * 86400)
    current.create()
    result = retention_apply(
        organization=None, kind="core.sessions_expired", dry_run=False, now=timezone.now() + timedelta(days=2)
    )
    assert result.count == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]
    with scopes_disabled():
        assert AuditEvent.objects.get(action="core.retention.applied").organization_id is None


def test_an_organization_chooses_its_period_within_the_limits(org_a, owner):
    retention_setting_update(organization=org_a, actor=owner, kind="core.invitations_closed", days=7)
    assert period_days(organization=org_a, rule=get("core.invitations_closed")) == 7
    with scope(organization=org_a):
        event = AuditEvent.objects.get(action="core.retention_setting.updated")
    assert event.data == {"kind": "core.invitations_closed", "days": [90, 7]}


def test_a_period_outside_the_limits_is_refused(org_a, owner):
    with pytest.raises(RetentionError, match="between 7 and 730"):
        retention_setting_update(organization=org_a, actor=owner, kind="core.invitations_closed", days=3)
    with scopes_disabled():
        assert RetentionSetting.objects.count() == 0


def test_a_stored_period_outside_tightened_limits_is_clamped(org_a):
    with scopes_disabled():
        RetentionSetting.objects.create(organization=org_a, kind="core.invitations_closed", days=5000)
    assert period_days(organization=org_a, rule=get("core.invitations_closed")) == 730


def test_a_shorter_period_removes_more(org_a, owner):
    invitation = make_invitation(org_a, invited_by=owner)
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=10))
    now = timezone.now()
    assert retention_apply(organization=org_a, kind="core.invitations_closed", dry_run=True, now=now).count == 0
    retention_setting_update(organization=org_a, actor=owner, kind="core.invitations_closed", days=7)
    assert retention_apply(organization=org_a, kind="core.invitations_closed", dry_run=True, now=now).count == 1


def test_a_member_rule_cannot_be_applied_to_the_installation():
    with pytest.raises(ValueError, match="does not apply"):
        retention_apply(organization=None, kind="core.invitations_closed", dry_run=True)


def test_it_works_through_several_batches(org_a, owner):
    for _n in range(5):
        make_invitation(org_a, invited_by=owner)
    with scopes_disabled():
        Invitation.objects.update(revoked_at=timezone.now())
    result = retention_apply(
        organization=org_a, kind="core.invitations_closed", dry_run=False, now=timezone.now() + LATER, batch_size=2
    )
    assert result.count == 5
    with scopes_disabled():
        assert Invitation.objects.count() == 0
