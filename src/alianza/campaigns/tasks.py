"""Background tasks of the campaigns app. Each takes primitive arguments (none here), reloads
what it needs and is safe to run twice."""

from django_tasks import task


@task()
def send_commitment_reminders() -> dict[str, int]:
    """Registered with the periodic scheduler (every hour): remind commitments that are due
    soon, each reminder point once."""
    from .commitments import commitment_reminders_send

    run = commitment_reminders_send()
    return {"sent": run.sent, "failed": run.failed}
