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


_NOTICE_CLAIMS = {
    "locked": "locked_notice_sent_at",
    "lift_requested": "lift_request_notice_sent_at",
    "lifted": "lifted_notice_sent_at",
}


@task()
def send_lockdown_notice(*, lockdown_id: int, organization_id: str, kind: str) -> int:
    """E-mail the news of a lockdown (``kind``: locked, lift_requested, lifted) to the hub's
    admins and, for a lift request, to the organization's other admins who may approve it.
    Claimed before sending, so a retried task sends nothing twice. Returns how many were sent.
    The e-mail names the organization, who and when, never the note about what happened."""
    from .lockdown import hub_admins, organization_admins
    from .models import Lockdown

    field = _NOTICE_CLAIMS[kind]
    organization = Organization.objects.get(pk=organization_id)
    with scope(organization=organization):
        lockdown = Lockdown.objects.select_related("started_by", "lift_requested_by", "lift_approved_by").get(
            pk=lockdown_id
        )
        if not Lockdown.objects.filter(pk=lockdown.pk, **{field: None}).update(**{field: timezone.now()}):
            return 0
        org_admins = organization_admins(organization)
        recipients = {u.email for u in hub_admins()}
        if kind == "lift_requested":
            recipients |= {u.email for u in org_admins if u.pk != lockdown.lift_requested_by_id}
        hub = Organization.objects.filter(tier=Organization.Tier.HUB).order_by("created_at").first()
        org_emails = {u.email for u in org_admins}

        def page(email: str) -> str:
            # Hub admins who are not admins here find lockdowns waiting for them on the hub's page.
            target = organization if email in org_emails or hub is None else hub
            return settings.ALIANZA_BASE_URL + reverse("core:lockdown", kwargs={"org": target.slug})

        try:
            # One message per person: recipients never see each other's addresses.
            for email in sorted(recipients):
                with translation.override(settings.LANGUAGE_CODE):
                    context = {"lockdown": lockdown, "organization": organization, "kind": kind, "link": page(email)}
                    subject = render_to_string("core/email/lockdown_subject.txt", context).strip()
                    body = render_to_string("core/email/lockdown_body.txt", context)
                send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [email])
        except Exception:
            Lockdown.objects.filter(pk=lockdown.pk).update(**{field: None})
            raise
    return len(recipients)
