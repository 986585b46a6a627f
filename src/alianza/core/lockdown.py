"""Emergency lockdown of an organization: for the day a phone is seized or an office raided.

Locking down (``organization_lock_down``), in one transaction:

- ends **every** session of every user who is a member of the organization: all their
  sessions, also the ones they use for other organizations they belong to (a session is a
  browser signed into an *account*, not into one organization; a seized phone signed into
  several organizations must lose all of them);
- marks each of those users as needing a fresh two-factor sign-in
  (``User.two_factor_required_after``): a session that has not passed two-factor since then
  is signed out by ``core.sessions.UserSessionMiddleware``, whatever session engine is used;
- revokes every API token of the organization (``core.api_tokens``), for good: programs must
  be given new tokens after the lockdown is lifted;
- sets ``Organization.locked_down_at``. While it is set, exports and imports of the
  organization are refused (``core.tenancy.refuse_when_locked`` on each such view), no API
  token can be made, and ``api_token_authenticate`` refuses the organization's tokens (it reads
  the lockdown on every request, so even a token made in a race is refused);
- e-mails the hub's admins (a background task) and writes one audit event.

Lifting takes two people: an admin asks (``lockdown_lift_request``), a *different* admin of
the same organization approves (``lockdown_lift_approve``). An organization with a single
admin has nobody to approve, so an admin of the coalition's hub approves instead.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from .api_tokens import api_tokens_revoke_all
from .audit import log_action
from .models import Lockdown, Membership, Organization, User
from .permissions import Role
from .sessions import user_sessions_end_all

REASON_MAX_LENGTH = 2000


class LockdownError(Exception):
    """A lockdown step that cannot be taken; the message is shown to the user."""


def organization_is_locked(organization: Organization) -> bool:
    """Is ``organization`` locked down right now? Read from the database, not from a possibly
    stale instance. Every way data leaves or enters an organization (exports, imports, API
    tokens) must refuse while this is true."""
    return Organization.objects.filter(pk=organization.pk, locked_down_at__isnull=False).exists()


def open_lockdown(organization: Organization) -> Lockdown | None:
    return Lockdown.objects.with_scope(organization=organization).filter(lifted_at=None).first()


def organization_admins(organization: Organization) -> list[User]:
    with scopes_disabled():
        return list(
            User.objects.filter(
                memberships__organization=organization, memberships__role=Role.ADMIN, is_active=True
            ).order_by("email")
        )


def hub_admins() -> list[User]:
    hub = Organization.objects.filter(tier=Organization.Tier.HUB).order_by("created_at").first()
    return organization_admins(hub) if hub is not None else []


def _is_admin(organization: Organization, user: User) -> bool:
    with scopes_disabled():
        return Membership.objects.filter(organization=organization, user=user, role=Role.ADMIN).exists()


def lockdown_may_approve(*, lockdown: Lockdown, user: User) -> bool:
    """A different admin of the organization; or, when it has only one admin, a hub admin."""
    if lockdown.lift_requested_by_id is None or lockdown.lift_requested_by_id == user.pk:
        return False
    admins = organization_admins(lockdown.organization)
    if len(admins) > 1:
        return any(a.pk == user.pk for a in admins)
    return any(a.pk == user.pk for a in hub_admins())


def _notify(lockdown: Lockdown, kind: str) -> None:
    from .tasks import send_lockdown_notice

    transaction.on_commit(
        lambda: send_lockdown_notice.enqueue(
            lockdown_id=lockdown.pk, organization_id=str(lockdown.organization_id), kind=kind
        )
    )


def organization_lock_down(
    *, organization: Organization, actor: User | None, reason: str = "", request: HttpRequest | None = None
) -> Lockdown:
    """Lock ``organization`` down (see the module's description). ``actor`` is an admin of it,
    or ``None`` when an operator runs the command. The actor's own sessions end too."""
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise LockdownError(_("Keep the note under %(count)d characters.") % {"count": REASON_MAX_LENGTH})
    if actor is not None and not _is_admin(organization, actor):
        raise LockdownError(_("Only an admin of the organization can lock it down."))
    with scope(organization=organization), transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        if organization.locked_down_at is not None:
            raise LockdownError(_("This organization is already locked down."))
        now = timezone.now()
        with scopes_disabled():
            users = list(User.objects.filter(memberships__organization=organization).distinct())
        sessions_ended = user_sessions_end_all(users=users)
        User.objects.filter(pk__in=[u.pk for u in users]).update(two_factor_required_after=now)
        tokens_revoked = api_tokens_revoke_all(organization=organization, actor=actor)
        lockdown = Lockdown(
            organization=organization,
            reason=reason,
            started_at=now,
            started_by=actor,
            users_signed_out=len(users),
            sessions_ended=sessions_ended,
            api_tokens_revoked=tokens_revoked,
        )
        lockdown.full_clean()
        lockdown.save(force_insert=True)
        organization.locked_down_at = now
        organization.save(update_fields=["locked_down_at"])
        log_action(
            actor=actor,
            organization=organization,
            action="core.organization.locked_down",
            obj=lockdown,
            data={
                "users_signed_out": len(users),
                "sessions_ended": sessions_ended,
                "api_tokens_revoked": tokens_revoked,
                "with_reason": bool(reason),
            },
            request=request,
        )
        _notify(lockdown, "locked")
    return lockdown


def lockdown_lift_request(*, organization: Organization, actor: User, request: HttpRequest | None = None) -> Lockdown:
    """An admin asks to lift the lockdown; a second person must approve."""
    if not _is_admin(organization, actor):
        raise LockdownError(_("Only an admin of the organization can ask to lift the lockdown."))
    with scope(organization=organization), transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        lockdown = open_lockdown(organization)
        if lockdown is None:
            raise LockdownError(_("This organization is not locked down."))
        if lockdown.lift_requested_at is not None:
            raise LockdownError(_("Lifting the lockdown was already requested; it waits for a second admin."))
        lockdown.lift_requested_at = timezone.now()
        lockdown.lift_requested_by = actor
        lockdown.full_clean()
        lockdown.save(update_fields=["lift_requested_at", "lift_requested_by"])
        log_action(
            actor=actor,
            organization=organization,
            action="core.lockdown.lift_requested",
            obj=lockdown,
            data={"approver": "admin" if len(organization_admins(organization)) > 1 else "hub"},
            request=request,
        )
        _notify(lockdown, "lift_requested")
    return lockdown


def lockdown_lift_approve(*, organization: Organization, actor: User, request: HttpRequest | None = None) -> Lockdown:
    """A second admin (not the one who asked) approves: the lockdown ends; exports and imports
    work again. Sessions stay ended: people simply sign in again."""
    with scope(organization=organization), transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        lockdown = open_lockdown(organization)
        if lockdown is None:
            raise LockdownError(_("This organization is not locked down."))
        if lockdown.lift_requested_at is None:
            raise LockdownError(_("No admin has asked to lift the lockdown yet."))
        if lockdown.lift_requested_by_id == actor.pk:
            raise LockdownError(_("A different admin must approve: you asked to lift it yourself."))
        if not lockdown_may_approve(lockdown=lockdown, user=actor):
            raise LockdownError(
                _("Only another admin of the organization (or the hub, when it has one admin) can approve.")
            )
        now = timezone.now()
        lockdown.lifted_at = now
        lockdown.lift_approved_by = actor
        lockdown.full_clean()
        lockdown.save(update_fields=["lifted_at", "lift_approved_by"])
        organization.locked_down_at = None
        organization.save(update_fields=["locked_down_at"])
        log_action(
            actor=actor,
            organization=organization,
            action="core.organization.lockdown_lifted",
            obj=lockdown,
            data={
                "requested_by": lockdown.lift_requested_by.email if lockdown.lift_requested_by else "",
                "approved_by": actor.email,
                "locked_for_minutes": int((now - lockdown.started_at).total_seconds() // 60),
            },
            request=request,
        )
        _notify(lockdown, "lifted")
    return lockdown


def lockdowns_waiting_for_hub() -> list[Lockdown]:
    """Open lockdowns whose lift was requested in an organization with a single admin: the
    hub's admins approve those."""
    with scopes_disabled():
        waiting = list(
            Lockdown.objects.filter(lifted_at=None, lift_requested_at__isnull=False).select_related(
                "organization", "lift_requested_by"
            )
        )
    return [lockdown for lockdown in waiting if len(organization_admins(lockdown.organization)) <= 1]
