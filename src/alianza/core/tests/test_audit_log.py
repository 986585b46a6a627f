"""log_action: the one entry point to the append-only audit trail."""

import pytest
from django.db import transaction
from django.test import RequestFactory
from django_scopes import scope, scopes_disabled
from django_scopes.exceptions import ScopeError

from alianza.core.audit import AuditError, log_action
from alianza.core.models import AuditEvent, Organization


@pytest.fixture
def event(org_a, owner):
    return log_action(
        actor=owner,
        organization=org_a,
        action="core.organization.updated",
        obj=org_a,
        data={"changed": {"name": ["A", "B"]}},
    )


def test_it_records_who_what_when_and_which_record(event, org_a, owner):
    assert event.actor == owner
    assert event.actor_label == "owner@a.alianza.example"
    assert event.organization == org_a
    assert event.action == "core.organization.updated"
    assert event.object_ref == f"core.organization:{org_a.pk}"
    assert event.data == {"changed": {"name": ["A", "B"]}}
    assert event.created_at is not None


def test_it_records_the_client_address(org_a, owner):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    event = log_action(actor=owner, organization=org_a, action="core.test.done", request=request)
    assert event.ip_address == "203.0.113.9"


def test_it_masks_values_that_look_like_secrets(org_a, owner):
    event = log_action(
        actor=owner,
        organization=org_a,
        action="core.test.done",
        data={"password": "hunter2", "nested": {"api_token": "abc", "name": "ok"}},
    )
    assert event.data == {"password": "********", "nested": {"api_token": "********", "name": "ok"}}


def test_system_actions_have_no_actor(org_a):
    event = log_action(actor=None, organization=org_a, action="core.test.done")
    assert event.actor is None
    assert event.actor_label == "system"


@pytest.mark.parametrize("action", ["updated", "core.updated", "Core.Org.Updated", "core.org.updated.twice", ""])
def test_it_refuses_a_malformed_action(org_a, owner, action):
    with pytest.raises(AuditError):
        log_action(actor=owner, organization=org_a, action=action)


def test_it_refuses_data_that_is_not_a_dict(org_a, owner):
    with pytest.raises(AuditError):
        log_action(actor=owner, organization=org_a, action="core.test.done", data=["x"])  # type: ignore[arg-type]


def test_it_refuses_an_unsaved_object(org_a, owner):
    with pytest.raises(AuditError, match="unsaved"):
        log_action(actor=owner, organization=org_a, action="core.test.done", obj=Organization(slug="x", name="x"))


def test_events_cannot_be_changed(event):
    event.action = "core.test.hidden"
    with pytest.raises(PermissionError):
        event.save()


def test_events_cannot_be_deleted(event, org_a):
    with pytest.raises(PermissionError):
        event.delete()
    with scope(organization=org_a):
        with pytest.raises(PermissionError):
            AuditEvent.objects.all().delete()
        with pytest.raises(PermissionError):
            AuditEvent.objects.all().update(action="core.test.hidden")
        assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_reading_the_trail_needs_an_organization_scope(event):
    with pytest.raises(ScopeError):
        list(AuditEvent.objects.all())


def test_the_trail_is_scoped_to_one_organization(event, org_a, org_b):
    with scope(organization=org_b):
        assert list(AuditEvent.objects.all()) == []
    with scope(organization=org_a):
        assert list(AuditEvent.objects.all()) == [event]


def test_an_event_rolls_back_with_its_transaction(org_a, owner):
    with pytest.raises(RuntimeError), transaction.atomic():
        log_action(actor=owner, organization=org_a, action="core.test.done")
        raise RuntimeError
    with scope(organization=org_a):
        assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("key", "masked"),
    [
        ("password", True),
        ("api_token", True),
        ("recovery_codes", True),
        ("totpSecret", True),
        ("TOTPSecret", True),
        ("APIKey", True),
        ("postal_code", False),
        ("keyword", False),
        ("role", False),
    ],
)
def test_masking_is_by_word(org_a, owner, key, masked):
    event = log_action(actor=owner, organization=org_a, action="core.test.done", data={key: "v"})
    assert (event.data[key] == "********") is masked


def test_behind_trusted_proxies_the_client_address_is_taken_from_the_header(org_a, owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    assert log_action(actor=owner, organization=org_a, action="core.test.done", request=request).ip_address == (
        "198.51.100.7"  # the address the trusted proxy saw; the first entry could be forged
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert log_action(actor=owner, organization=org_a, action="core.test.done", request=request).ip_address == (
        "10.0.0.2"
    )


def test_an_instance_with_an_existing_id_cannot_overwrite_it(event, org_a, owner):
    from django.db import IntegrityError

    forged = AuditEvent(pk=event.pk, organization=org_a, actor=owner, action="core.test.forged")
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    with scope(organization=org_a):
        assert AuditEvent.objects.get(pk=event.pk).action == "core.organization.updated"


def test_djangos_internal_manager_is_guarded_too(event, org_a):
    with scope(organization=org_a):
        with pytest.raises(PermissionError):
            AuditEvent._base_manager.filter(pk=event.pk).update(action="core.test.hidden")
        with pytest.raises(PermissionError):
            AuditEvent._base_manager.filter(pk=event.pk).delete()


def test_the_database_refuses_to_change_an_audit_row(event, org_a):
    from django.db import DatabaseError, connection

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = %s WHERE id = %s", ["core.test.hidden", event.pk])
    with scope(organization=org_a):
        assert AuditEvent.objects.get(pk=event.pk).action == "core.organization.updated"


def test_an_account_with_audit_history_cannot_be_deleted(event, owner):
    from django.db.models import ProtectedError

    with scopes_disabled(), pytest.raises(ProtectedError):
        owner.delete()
