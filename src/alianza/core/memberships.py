"""Operations on who has access to an organization: invitations, roles, removal.

Each operation runs in one transaction, validates, writes one audit event and raises
``MembershipError`` (with a translated message) for anything a user could get wrong.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_scopes import scope

from .audit import log_action
from .models import Invitation, Membership, Organization, User
from .permissions import Role

TOKEN_SALT = "alianza.invitation"  # noqa: S105 — a signing namespace, not a secret


class MembershipError(Exception):
    """A change to access that cannot be made; the message is shown to the user."""


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "o": str(invitation.organization_id)}, salt=TOKEN_SALT)


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a link points to, or None for a forged or garbled link."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
        organization = Organization.objects.get(pk=payload["o"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, ValidationError, Organization.DoesNotExist):
        return None
    with scope(organization=organization):
        return Invitation.objects.select_related("organization").filter(pk=payload["i"]).first()


def _role(value: str) -> Role:
    if value not in Role.values:
        raise MembershipError(_("Choose a role from the list."))
    return Role(value)


def _admin_count(organization: Organization) -> int:
    """Admins of ``organization``, with their rows locked until the transaction ends, so two
    admins demoting each other at the same moment cannot leave it without one."""
    admins = Membership.objects.with_scope(organization=organization).filter(role=Role.ADMIN)
    return len(admins.select_for_update().values_list("pk", flat=True))


def invitation_create(
    *, organization: Organization, actor: User | None, email: str, role: str, request: HttpRequest | None = None
) -> Invitation:
    """Invite someone by e-mail. Inviting the same address again replaces the open invitation.
    ``actor`` is None when an operator's command invites an organization's first admin."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise MembershipError(_("Enter a valid e-mail address.")) from None
    role = _role(role)
    with transaction.atomic(), scope(organization=organization):
        if Membership.objects.filter(user__email__iexact=email).exists():
            raise MembershipError(
                _("%(email)s already has access to %(organization)s.")
                % {"email": email, "organization": organization.name}
            )
        now = timezone.now()
        for replaced in Invitation.objects.select_for_update().filter(
            email__iexact=email, accepted_at=None, revoked_at=None
        ):
            replaced.revoked_at = now
            replaced.save(update_fields=["revoked_at"])
            log_action(
                actor=actor,
                organization=organization,
                action="core.invitation.revoked",
                obj=replaced,
                data={"replaced_by_new_invitation": True},
                request=request,
            )
        invitation = Invitation(
            organization=organization,
            email=email,
            role=role,
            invited_by=actor,
            expires_at=now + timedelta(days=settings.ALIANZA_INVITATION_DAYS),
        )
        invitation.full_clean()
        invitation.save()
        log_action(
            actor=actor,
            organization=organization,
            action="core.invitation.created",
            obj=invitation,
            data={"email": email, "role": role},
            request=request,
        )
        from .tasks import send_invitation

        transaction.on_commit(
            partial(
                send_invitation.enqueue,
                invitation_id=invitation.pk,
                organization_id=str(organization.pk),
                language=get_language() or settings.LANGUAGE_CODE,
            )
        )
    return invitation


def invitation_revoke(*, invitation: Invitation, actor: User, request: HttpRequest | None = None) -> Invitation:
    with transaction.atomic():
        if not invitation.is_open:
            raise MembershipError(_("This invitation is no longer open."))
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        log_action(
            actor=actor,
            organization=invitation.organization,
            action="core.invitation.revoked",
            obj=invitation,
            request=request,
        )
    return invitation


def invitation_accept(*, invitation: Invitation, user: User, request: HttpRequest | None = None) -> Membership:
    """Turn an open invitation into a membership for ``user`` (whose e-mail must match)."""
    organization = invitation.organization
    with transaction.atomic(), scope(organization=organization):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise MembershipError(_("This invitation has expired or was already used."))
        if user.email.lower() != invitation.email.lower():
            raise MembershipError(_("This invitation was sent to another e-mail address."))
        if Membership.objects.filter(user=user).exists():
            raise MembershipError(
                _("You already have access to %(organization)s.") % {"organization": organization.name}
            )
        membership = Membership(organization=organization, user=user, role=invitation.role)
        membership.full_clean()
        membership.save()
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        log_action(
            actor=user,
            organization=organization,
            action="core.membership.created",
            obj=membership,
            data={"role": membership.role, "invitation": invitation.pk},
            request=request,
        )
    return membership


def invitation_accept_with_new_account(
    *, invitation: Invitation, password: str, name: str = "", request: HttpRequest | None = None
) -> tuple[User, Membership]:
    """Create the account of someone who followed an invitation link (their e-mail is verified
    by the link itself) and accept the invitation, in one transaction."""
    with transaction.atomic():
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise MembershipError(_("An account with this e-mail already exists: sign in to accept."))
        user = User(email=invitation.email.lower(), name=name.strip())
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        log_action(
            actor=user,
            organization=invitation.organization,
            action="core.user.created",
            obj=user,
            data={"via": "invitation"},
            request=request,
        )
        membership = invitation_accept(invitation=invitation, user=user, request=request)
    return user, membership


def membership_change_role(
    *, membership: Membership, actor: User, role: str, request: HttpRequest | None = None
) -> Membership:
    new_role = _role(role)
    with transaction.atomic():
        old_role = membership.role
        if old_role == new_role:
            return membership
        if old_role == Role.ADMIN and _admin_count(membership.organization) <= 1:
            raise MembershipError(_("An organization needs at least one admin."))
        membership.role = new_role
        membership.full_clean()
        membership.save(update_fields=["role"])
        log_action(
            actor=actor,
            organization=membership.organization,
            action="core.membership.role_changed",
            obj=membership,
            data={"role": [old_role, new_role], "user": membership.user.email},
            request=request,
        )
    return membership


def membership_remove(*, membership: Membership, actor: User, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        if membership.role == Role.ADMIN and _admin_count(membership.organization) <= 1:
            raise MembershipError(_("An organization needs at least one admin."))
        data: dict[str, Any] = {"user": membership.user.email, "role": membership.role}
        log_action(
            actor=actor,
            organization=membership.organization,
            action="core.membership.removed",
            obj=membership,
            data=data,
            request=request,
        )
        membership.delete()
