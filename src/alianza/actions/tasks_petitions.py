"""Background tasks of petitions and letters: the confirmation e-mail of a signature, in the
signer's language, and the delivery of each letter to an official by e-mail. Both are claimed
on their row before sending, so a retried or duplicated task never sends twice; if sending
fails, the claim is released for a retry."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_scopes import scope
from django_tasks import task

from alianza.core.models import Organization

from .letters import letter_send
from .models import Signature


def signature_confirmation_send(*, signature_id: int, organization: Organization) -> bool:
    """Thank a signer by e-mail, once. False (nothing sent) if it was sent already or the
    signature has no e-mail."""
    with scope(organization=organization):
        signature = Signature.objects.select_related("petition", "person").filter(pk=signature_id).first()
        if signature is None or not signature.email or signature.person is None:
            return False
        claimed = Signature.objects.filter(pk=signature.pk, confirmation_sent_at=None).update(
            confirmation_sent_at=timezone.now()
        )
        if not claimed:
            return False
        petition = signature.petition
        link = settings.ALIANZA_BASE_URL + petition.get_public_url()
        with translation.override(signature.language):
            context = {
                "signature": signature,
                "petition": petition,
                "title": str(petition.title),
                "organization": organization,
                "link": link,
            }
            subject = render_to_string("actions/email/signature_subject.txt", context).strip()
            body = render_to_string("actions/email/signature_body.txt", context)
        try:
            send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()), body, None, [signature.email])
        except Exception:
            Signature.objects.filter(pk=signature.pk).update(confirmation_sent_at=None)
            raise
    return True


@task()
def send_signature_confirmation(*, signature_id: int, organization_id: str) -> bool:
    """The thank-you of a petition signature."""
    organization = Organization.objects.get(pk=organization_id)
    return signature_confirmation_send(signature_id=signature_id, organization=organization)


@task()
def send_letter(*, letter_id: int, organization_id: str) -> bool:
    """One letter to the official, by e-mail (``letters.letter_send``)."""
    organization = Organization.objects.get(pk=organization_id)
    return letter_send(letter_id=letter_id, organization=organization)
