"""API tokens: how a program (a data sync, a Parsons script, a directory reader) acts for one
staff user in one organization, for the API of DESIGN.md ("OSDI-API-Token" header).

- ``api_token_create``: an admin makes a token for themselves, named for its use, expiring in
  at most a year. The secret (``alz_`` + 43 random URL-safe characters) is returned once and
  only its SHA-256 hash is stored.
- ``api_token_authenticate``: the one check every API request must pass. It returns the token
  only if the secret matches a token that is not revoked, not expired, whose organization is
  not locked down, and whose user is active and still a member of the organization; the
  caller then acts with that member's current role (so a lowered role lowers the token).
- ``api_token_revoke`` (an admin, audited) and ``api_tokens_revoke_all`` (the emergency
  lockdown, ``core/lockdown.py``, in the same transaction as the sessions ending): a revoked
  token never works again, also after the lockdown is lifted.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from . import permissions
from .audit import log_action
from .models import ApiToken, Organization, User
from .tenancy import membership_for

PREFIX = "alz_"
LIFETIMES_DAYS = (30, 90, 365)
NAME_MAX_LENGTH = 100
LAST_USED_EVERY = timedelta(minutes=5)  # "last used" is written at most this often


class ApiTokenError(Exception):
    """A token operation that cannot be done; the message is shown to the user."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(
    *, organization: Organization, user: User, name: str, days: int, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Make a token for ``user`` (an admin of ``organization``) and return it with its secret,
    which is never shown again. Refused while the organization is locked down."""
    from .lockdown import organization_is_locked

    name = name.strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise ApiTokenError(_("Say in a few words what the token is for (at most 100 characters)."))
    if days not in LIFETIMES_DAYS:
        raise ApiTokenError(_("Choose how long the token works."))
    membership = membership_for(user, organization)
    if membership is None or not permissions.role_has(membership.role, "api_tokens:manage"):
        raise ApiTokenError(_("Only an admin of the organization can make API tokens."))
    if organization_is_locked(organization):
        raise ApiTokenError(_("The organization is locked down: no API token can be made until it is lifted."))
    secret = PREFIX + secrets.token_urlsafe(32)
    with scope(organization=organization), transaction.atomic():
        token = ApiToken(
            organization=organization,
            user=user,
            name=name,
            prefix=secret[: len(PREFIX) + 6],
            token_hash=_hash(secret),
            expires_at=timezone.now() + timedelta(days=days),
        )
        token.full_clean()
        token.save()
        log_action(
            actor=user,
            organization=organization,
            action="core.api_token.created",
            obj=token,
            data={"name": name, "days": days},
            request=request,
        )
    return token, secret


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The token behind ``secret`` if it may be used now, else None (see the module's rules).
    The organization's lockdown is read from the database on every call."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    digest = _hash(secret)
    with scopes_disabled():
        token = ApiToken.objects.filter(token_hash=digest).select_related("organization", "user").first()
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    now = timezone.now()
    if token.revoked_at is not None or token.expires_at <= now:
        return None
    if token.organization.locked_down_at is not None or not token.user.is_active:
        return None
    if membership_for(token.user, token.organization) is None:  # access removed since
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        with scopes_disabled():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_revoke(*, token: ApiToken, actor: User, request: HttpRequest | None = None) -> ApiToken:
    """An admin revokes one token of their organization, at once and for good."""
    with scope(organization=token.organization), transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise ApiTokenError(_("This token was already revoked."))
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.revoked_reason = ApiToken.RevokedReason.BY_ADMIN
        token.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
        log_action(
            actor=actor,
            organization=token.organization,
            action="core.api_token.revoked",
            obj=token,
            data={"name": token.name},
            request=request,
        )
    return token


def api_tokens_revoke_all(*, organization: Organization, actor: User | None) -> int:
    """Revoke every token of ``organization`` still in force (the lockdown); returns how many.
    The caller records the count in its own audit event."""
    with scopes_disabled():
        return ApiToken.objects.filter(organization=organization, revoked_at=None).update(
            revoked_at=timezone.now(), revoked_by=actor, revoked_reason=ApiToken.RevokedReason.LOCKDOWN
        )
