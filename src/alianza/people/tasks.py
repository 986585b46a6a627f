from django_scopes import scope
from django_tasks import task

from alianza.core.models import Organization

from .models import ImportJob


@task()
def people_import_run(*, job_id: int, organization_id: str) -> str:
    """Run a queued import. Safe to retry: it resumes after the rows already done."""
    from .importing import import_job_run

    organization = Organization.objects.get(pk=organization_id)
    with scope(organization=organization):
        # Claim the job: of two deliveries of this task, only one imports.
        claimed = ImportJob.objects.filter(
            pk=job_id, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.FAILED]
        ).update(status=ImportJob.Status.RUNNING)
        job = ImportJob.objects.get(pk=job_id)
        if not claimed:
            return job.status
        return import_job_run(job=job).status  # marks the job failed if it raises


@task()
def people_duplicates_scan(*, organization_id: str, actor_id: int | None) -> int:
    """Look for possible duplicates in one organization (safe to run again: known pairs stay)."""
    from alianza.core.models import User

    from .duplicates import duplicates_scan

    organization = Organization.objects.get(pk=organization_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return duplicates_scan(organization=organization, actor=actor)
