"""Background tasks of the core app. Each takes primitive ids, reloads its objects and does
one thing; each is safe to run twice."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope
from django_tasks import task

from .models import Invitation, Organization


@task()
def send_invitation(*, invitation_id: int, organization_id: str, language: str) -> bool:
    """E-mail an invitation link, once. Returns False (and sends nothing) if it was already
    sent or is no longer open. The invitation is claimed before sending, so a retried or
    duplicated task never sends it twice; if sending fails the claim is released for a retry."""
    from .memberships import invitation_token

    organization = Organization.objects.get(pk=organization_id)
    with scope(organization=organization):
        invitation = Invitation.objects.select_related("invited_by").get(pk=invitation_id)
        if not invitation.is_open:
            return False
        claimed = Invitation.objects.filter(pk=invitation.pk, sent_at=None).update(sent_at=timezone.now())
        if not claimed:
            return False
        link = settings.ALIANZA_BASE_URL + reverse(
            "core:invitation_accept", kwargs={"token": invitation_token(invitation)}
        )
        with translation.override(language):
            context = {"invitation": invitation, "organization": organization, "link": link}
            subject = render_to_string("core/email/invitation_subject.txt", context).strip()
            body = render_to_string("core/email/invitation_body.txt", context)
        try:
            send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [invitation.email])
        except Exception:
            Invitation.objects.filter(pk=invitation.pk).update(sent_at=None)
            raise
    return True
