"""Read audit: a read is one audit event with the records it showed; a daily digest flags users
who read far more people's records than usual and e-mails the organization's admins."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from alianza.core import schedule
from alianza.core.models import AuditEvent, AuditSubject, User
from alianza.core.read_audit import PERSON, log_read, read_audit_digest, unusual_readers
from alianza.core.tasks import read_audit_digest as digest_task
from alianza.core.tests.factories import make_user

NOW = timezone.now()


def test_a_read_is_one_event_with_each_record_it_showed_and_the_reason(org_a, owner, member):
    with scopes_disabled():
        event = log_read(
            actor=owner, organization=org_a, action="core.test.read", subjects=[owner, member], reason="  Call  back\n"
        )
        shown = list(
            AuditSubject.objects.filter(event=event).order_by("object_id").values_list("object_type", "object_id")
        )
    assert event.data == {"reason": "Call back"}
    assert shown == sorted([("core.user", str(owner.pk)), ("core.user", str(member.pk))], key=lambda s: s[1])


def test_without_a_reason_the_details_hold_none(org_a, owner):
    with scopes_disabled():
        event = log_read(actor=owner, organization=org_a, action="core.test.read", subjects=[], data={"results": 0})
    assert event.data == {"results": 0}


def test_a_queryset_of_records_is_inserted_by_the_database(org_a, owner, member, readonly_member):
    with scopes_disabled():
        event = log_read(actor=owner, organization=org_a, action="core.test.exported", subjects=User.objects.all())
        shown = sorted(AuditSubject.objects.filter(event=event).values_list("object_id", "actor_id", "organization_id"))
    assert shown == sorted((str(u.pk), owner.pk, org_a.pk) for u in (owner, member, readonly_member))


@scopes_disabled()
def _reads(org, user, count, at):  # type: ignore[no-untyped-def]
    event = log_read(actor=user, organization=org, action="people.person.searched", subjects=[])
    AuditSubject.objects.bulk_create(
        AuditSubject(event=event, organization=org, actor=user, object_type=PERSON, object_id=str(n), created_at=at)
        for n in range(count)
    )


def test_a_user_reading_ten_times_their_usual_number_is_flagged(org_a, owner, member):
    for day in range(2, 29):  # 10 a day for four weeks
        _reads(org_a, member, 10, NOW - timedelta(days=day))
        _reads(org_a, owner, 10, NOW - timedelta(days=day))
    _reads(org_a, member, 100, NOW - timedelta(hours=2))  # ten times their usual
    _reads(org_a, owner, 60, NOW - timedelta(hours=2))  # six times: not flagged
    flags = unusual_readers(organization=org_a, now=NOW)
    assert [(f.actor_label, f.reads, round(f.usual_per_day, 1)) for f in flags] == [
        ("member@a.alianza.example", 100, 9.6)
    ]


def test_a_new_user_is_flagged_only_above_the_floor(org_a, owner, member):
    _reads(org_a, member, 49, NOW - timedelta(hours=1))
    _reads(org_a, owner, 50, NOW - timedelta(hours=1))
    assert [f.actor_id for f in unusual_readers(organization=org_a, now=NOW)] == [owner.pk]


def test_reads_in_another_organization_do_not_count(org_a, org_b, outsider):
    _reads(org_b, outsider, 500, NOW - timedelta(hours=1))
    assert unusual_readers(organization=org_a, now=NOW) == []


def test_the_digest_flags_once_and_the_audit_page_shows_it(org_a, owner, member, login):
    _reads(org_a, member, 80, NOW - timedelta(hours=1))
    first = read_audit_digest(organization=org_a, now=NOW)
    again = read_audit_digest(organization=org_a, now=NOW + timedelta(hours=1))
    assert ([e.action for e in first], again) == (["core.read_audit.flagged"], [])
    assert first[0].data["reads"] == 80
    assert first[0].object_ref == f"core.user:{member.pk}"
    page = login(owner).get("/staff/org-a/audit/").content.decode()
    assert "member@a.alianza.example opened 80 people's records in a day (usually 0.0 a day)." in page


def test_the_digest_is_scheduled_daily():
    periodic = {p.name: p for p in schedule.registered()}["core.read_audit_digest"]
    assert (periodic.task, periodic.every) == (digest_task, timedelta(days=1))


@pytest.fixture
def database_tasks(settings):  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_the_admins_get_one_e_mail_through_the_task_queue(database_tasks, smtp_server, org_a, owner, member):
    second_admin = make_user("second-admin@a.alianza.example")
    from alianza.core.permissions import Role
    from alianza.core.tests.factories import make_membership

    make_membership(org_a, second_admin, Role.ADMIN)
    _reads(org_a, member, 120, timezone.now() - timedelta(hours=1))
    digest_task.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")  # the digest, then the e-mail
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert sorted(message["To"].split(", ")) == ["owner@a.alianza.example", "second-admin@a.alianza.example"]
    assert message["Subject"] == "[Alianza] Unusual reading of people's records at Organization A"
    body = message.get_content()
    assert "member@a.alianza.example: 120 records (usually 0.0 a day)" in body
    assert "/staff/org-a/audit/" in body
    with scope(organization=org_a):
        assert AuditEvent.objects.filter(action="core.read_audit.flagged").count() == 1
