"""Organizations applying to join the network, and the hub's review: approve, decline, ask
for more information.

Each operation runs in one transaction, validates, writes one audit event of its own and
raises ``ApplicationError`` (with a translated message) for anything a user could get wrong.
"""

from __future__ import annotations

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_scopes import scope

from alianza.core.audit import log_action
from alianza.core.memberships import MembershipError, invitation_create
from alianza.core.models import Organization, User
from alianza.core.organizations import organization_create, organization_update
from alianza.core.permissions import Role

from .models import ApplicationMessage, OrganizationApplication, PrinciplesVersion
from .principles import principles_changed_message, principles_is_current

SLUG_MAX_LENGTH = 60


class ApplicationError(Exception):
    """A step of an application that cannot be taken; the message is shown to the user."""


def _check_principles(*, hub: Organization, principles: PrinciplesVersion) -> None:
    if not principles_is_current(hub=hub, principles=principles):
        raise ApplicationError(principles_changed_message())


def application_submit(
    *,
    hub: Organization,
    principles: PrinciplesVersion,
    name: str,
    kinds: list[str],
    counties: list[str],
    contact_name: str,
    contact_email: str,
    contact_phone: str,
    languages: list[str],
    mission: str,
    language: str,
) -> OrganizationApplication:
    """Store an application sent from the public page, with its acceptance of the current
    values and principles. Nobody is signed in, so the audit shows "system" as the actor, and
    no address of the sender is kept."""
    with transaction.atomic(), scope(organization=hub):
        _check_principles(hub=hub, principles=principles)
        application = OrganizationApplication(
            organization=hub,
            name=name.strip(),
            kinds=kinds,
            counties=counties,
            contact_name=contact_name.strip(),
            contact_email=contact_email.strip().lower(),
            contact_phone=contact_phone.strip(),
            languages=languages,
            mission=mission.strip(),
            language=language,
            principles_version=principles,
            principles_accepted_at=timezone.now(),
        )
        application.full_clean()
        application.save()
        log_action(
            actor=None,
            organization=hub,
            action="network.application.submitted",
            obj=application,
            data={"principles_version": principles.version},
        )
    return application


def _lock_open(application: OrganizationApplication) -> OrganizationApplication:
    """The application, re-read and locked until the transaction ends, if it is still open."""
    locked = OrganizationApplication.objects.select_for_update().get(pk=application.pk)
    if not locked.is_open:
        raise ApplicationError(_("This application was already decided."))
    return locked


def suggested_slug(name: str) -> str:
    """A free short name (for the organization's addresses) made from ``name``."""
    base = slugify(name)[: SLUG_MAX_LENGTH - 4].strip("-") or "member"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def application_approve(
    *, application: OrganizationApplication, actor: User, slug: str = "", request: HttpRequest | None = None
) -> Organization:
    """Accept the organization into the network: create it (active, a member, with the kinds,
    counties and languages of the application) and invite its contact as its first admin, in
    the language the application was written in. All of it happens, or none of it."""
    hub = application.organization
    with transaction.atomic(), scope(organization=hub):
        application = _lock_open(application)
        slug = slug.strip().lower() or suggested_slug(application.name)
        if Organization.objects.filter(slug=slug).exists():
            raise ApplicationError(_("The short name %(slug)s is already taken: choose another.") % {"slug": slug})
        try:
            organization = organization_create(
                actor=actor,
                slug=slug,
                name=application.name,
                tier=Organization.Tier.MEMBER,
                kinds=list(application.kinds),
            )
            if application.counties or application.languages:
                organization_update(
                    organization=organization,
                    actor=actor,
                    changes={"counties": list(application.counties), "languages": list(application.languages)},
                    request=request,
                )
        except ValidationError as exc:
            raise ApplicationError(" ".join(exc.messages)) from None
        try:
            with translation.override(application.language):
                invitation_create(
                    organization=organization,
                    actor=actor,
                    email=application.contact_email,
                    role=Role.ADMIN,
                    request=request,
                )
        except MembershipError as exc:
            raise ApplicationError(str(exc)) from None
        application.status = OrganizationApplication.Status.APPROVED
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.created_organization = organization
        application.full_clean()
        application.save(update_fields=["status", "decided_at", "decided_by", "created_organization"])
        log_action(
            actor=actor,
            organization=hub,
            action="network.application.approved",
            obj=application,
            data={"organization": organization.slug},
            request=request,
        )
    return organization


def application_decline(
    *, application: OrganizationApplication, actor: User, request: HttpRequest | None = None
) -> OrganizationApplication:
    """Decline the application. Nothing is sent to the applicant."""
    hub = application.organization
    with transaction.atomic(), scope(organization=hub):
        application = _lock_open(application)
        application.status = OrganizationApplication.Status.DECLINED
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.full_clean()
        application.save(update_fields=["status", "decided_at", "decided_by"])
        log_action(
            actor=actor,
            organization=hub,
            action="network.application.declined",
            obj=application,
            request=request,
        )
    return application


def application_request_info(
    *, application: OrganizationApplication, actor: User, message: str, request: HttpRequest | None = None
) -> ApplicationMessage:
    """Ask the applicant for more information: the message is e-mailed to the contact by a
    task once the transaction commits, and the application waits for their answer."""
    hub = application.organization
    message = message.strip()
    if not message:
        raise ApplicationError(_("Write the message to send."))
    with transaction.atomic(), scope(organization=hub):
        application = _lock_open(application)
        sent = ApplicationMessage(organization=hub, application=application, body=message, sent_by=actor)
        sent.full_clean()
        sent.save()
        application.status = OrganizationApplication.Status.INFO_REQUESTED
        application.save(update_fields=["status"])
        log_action(
            actor=actor,
            organization=hub,
            action="network.application.info_requested",
            obj=application,
            data={"message_id": sent.pk},
            request=request,
        )
        from .tasks import send_application_message

        transaction.on_commit(
            partial(
                send_application_message.enqueue,
                message_id=sent.pk,
                organization_id=str(hub.pk),
                language=application.language,
            )
        )
    return sent
