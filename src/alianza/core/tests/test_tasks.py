"""Background tasks run for real: on the database backend with `db_worker`, and on RQ with
Redis and `rqworker --job-class django_tasks_rq.backend.Job` (DESIGN.md §2)."""

import os

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks import task_backends
from django_tasks.base import TaskResultStatus

from alianza.core.memberships import invitation_create
from alianza.core.tasks import send_invitation
from alianza.core.tests.factories import make_invitation


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    yield


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_sends_the_invitation(database_tasks, org_a, owner):
    invitation_create(organization=org_a, actor=owner, email="queued@example.org", role="viewer")
    assert mail.outbox == []  # queued, not sent in the request
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert [m.to for m in mail.outbox] == [["queued@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_a_task_run_twice_sends_once(database_tasks, org_a, owner):
    invitation = make_invitation(org_a, invited_by=owner)
    kwargs = {"invitation_id": invitation.pk, "organization_id": str(org_a.pk), "language": "en"}
    first, second = send_invitation.enqueue(**kwargs), send_invitation.enqueue(**kwargs)
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    first.refresh()
    second.refresh()
    assert (first.status, second.status) == (TaskResultStatus.SUCCESSFUL, TaskResultStatus.SUCCESSFUL)
    assert sorted([first.return_value, second.return_value]) == [False, True]
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_closed_invitation_is_not_sent(database_tasks, org_a, owner):
    invitation = make_invitation(org_a, invited_by=owner)
    invitation.accepted_at = invitation.created_at
    invitation.save(update_fields=["accepted_at"])
    result = send_invitation.enqueue(invitation_id=invitation.pk, organization_id=str(org_a.pk), language="en")
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    result.refresh()
    assert result.return_value is False
    assert mail.outbox == []


def test_a_failed_delivery_can_be_retried(org_a, owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    invitation = make_invitation(org_a, invited_by=owner)
    kwargs = {"invitation_id": invitation.pk, "organization_id": str(org_a.pk), "language": "en"}
    with pytest.raises(OSError):
        send_invitation.call(**kwargs)
    invitation.refresh_from_db()
    assert invitation.sent_at is None  # released, so a retry sends it
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_invitation.call(**kwargs) is True
    assert len(mail.outbox) == 1


def test_the_subject_is_plain_text_with_the_prefix(org_a, owner):
    org_a.name = "Workers & Allies of St. Mary's"
    org_a.save()
    invitation = make_invitation(org_a, invited_by=owner)
    send_invitation.call(invitation_id=invitation.pk, organization_id=str(org_a.pk), language="en")
    assert mail.outbox[0].subject == "[Alianza] You are invited to join Workers & Allies of St. Mary's on Alianza"


def _redis_or_skip() -> None:
    import redis
    from django.conf import settings

    try:
        redis.Redis.from_url(settings.REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not running at REDIS_URL; CI must start it")
        pytest.skip("Redis is not running")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_rq_worker_sends_the_invitation(settings, org_a, owner):
    _redis_or_skip()
    import django_rq

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    django_rq.get_queue("default").empty()
    invitation = make_invitation(org_a, email="rq@example.org", invited_by=owner)
    result = send_invitation.enqueue(invitation_id=invitation.pk, organization_id=str(org_a.pk), language="en")
    assert task_backends["default"].__class__.__name__ == "RQBackend"
    assert mail.outbox == []
    # SimpleWorker runs jobs in this process, so the test sees the mail outbox.
    call_command(
        "rqworker",
        "default",
        "--burst",
        "--job-class",
        "django_tasks_rq.backend.Job",
        "--worker-class",
        "rq.worker.SimpleWorker",
    )
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    assert [m.to for m in mail.outbox] == [["rq@example.org"]]
