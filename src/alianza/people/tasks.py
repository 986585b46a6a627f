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


@task()
def send_subject_request_confirmation(*, confirmation_id: int) -> bool:
    """Send the confirmation link of a request about one's own data, once, by e-mail or by
    text message (whichever the person gave), and only when some organization holds a person
    with that address or number: an unknown one gets nothing (and its request is deleted).
    Claimed before sending, so a retried task never sends twice; if sending fails the claim is
    released for a retry."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import timezone, translation
    from sms import send_sms

    from .models import SubjectRequestConfirmation
    from .subject_requests import CONFIRM_HOURS, confirmation_token, people_contact_known

    confirmation = SubjectRequestConfirmation.objects.filter(pk=confirmation_id, used_at=None).first()
    if confirmation is None or confirmation.expires_at <= timezone.now():
        return False
    if not people_contact_known(email=confirmation.email, phone=confirmation.phone):
        confirmation.delete()  # nothing to confirm, nothing kept
        return False
    claimed = SubjectRequestConfirmation.objects.filter(pk=confirmation.pk, sent_at=None).update(sent_at=timezone.now())
    if not claimed:
        return False
    link = settings.ALIANZA_BASE_URL + reverse(
        "people:subject_request_confirm", kwargs={"token": confirmation_token(confirmation)}
    )
    context = {"confirmation": confirmation, "link": link, "hours": CONFIRM_HOURS}
    try:
        with translation.override(confirmation.language):
            if confirmation.phone:
                # Short, and without the word "erase" or any name: a text message is read on a
                # lock screen, perhaps by someone else.
                body = render_to_string("people/sms/subject_request.txt", context).strip()
                send_sms(body, None, [confirmation.phone])
            else:
                subject = render_to_string("people/email/subject_request_subject.txt", context).strip()
                body = render_to_string("people/email/subject_request_body.txt", context)
                send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [confirmation.email])
    except Exception:
        SubjectRequestConfirmation.objects.filter(pk=confirmation.pk).update(sent_at=None)
        raise
    return True
