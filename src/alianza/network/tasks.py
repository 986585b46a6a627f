"""Background tasks of the network app. Each takes primitive ids, reloads its objects and does
one thing; each is safe to run twice."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope
from django_tasks import task

from alianza.core.models import Organization

from .models import ApplicationMessage


@task()
def send_application_message(*, message_id: int, organization_id: str, language: str) -> bool:
    """E-mail the hub's message to an applicant's contact, once. Returns False (and sends
    nothing) if it was already sent. The message is claimed before sending, so a retried or
    duplicated task never sends it twice; if sending fails the claim is released for a retry."""
    hub = Organization.objects.get(pk=organization_id)
    with scope(organization=hub):
        message = ApplicationMessage.objects.select_related("application").get(pk=message_id)
        claimed = ApplicationMessage.objects.filter(pk=message.pk, sent_at=None).update(sent_at=timezone.now())
        if not claimed:
            return False
        application = message.application
        join_link = settings.ALIANZA_BASE_URL + reverse("network:join")
        with translation.override(language):
            context = {"message": message, "application": application, "hub": hub, "join_link": join_link}
            subject = render_to_string("network/email/application_message_subject.txt", context).strip()
            body = render_to_string("network/email/application_message_body.txt", context)
        email = EmailMessage(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body,
            None,
            [application.contact_email],
            reply_to=[hub.public_email] if hub.public_email else None,
        )
        try:
            email.send()
        except Exception:
            ApplicationMessage.objects.filter(pk=message.pk).update(sent_at=None)
            raise
    return True
