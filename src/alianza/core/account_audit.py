"""Account events in the audit trail: sign-ins, failed sign-ins, sign-outs, password and
two-factor changes. allauth and Django announce these through their signals (their extension
points); each event is written into the trail of every organization the user works with, so
that organization's admins see it."""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.http import HttpRequest

from .audit import log_action
from .models import User
from .tenancy import memberships_for_user


def account_event_log(
    *, user: User, action: str, request: HttpRequest | None, data: dict[str, Any] | None = None
) -> None:
    memberships = memberships_for_user(user)
    for membership in memberships:
        log_action(
            actor=user, organization=membership.organization, action=action, obj=user, data=data, request=request
        )
    if not memberships:  # operators and people not (yet) in any organization: the system trail
        log_action(actor=user, organization=None, action=action, obj=user, data=data, request=request)


def _signed_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    account_event_log(user=user, action="core.user.signed_in", request=request)


def _signed_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        account_event_log(user=user, action="core.user.signed_out", request=request)


def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    email = credentials.get("email") or credentials.get("username") or ""
    user = User.objects.filter(email__iexact=str(email)).first() if email else None
    if user is not None:  # unknown addresses leave no trace: nothing to protect, nothing to leak
        account_event_log(user=user, action="core.user.sign_in_failed", request=request)


def _password_changed(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    account_event_log(user=user, action="core.user.password_changed", request=request)


def _password_reset(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    account_event_log(user=user, action="core.user.password_reset", request=request)


def _email(action: str) -> Any:
    def handler(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
        address = kwargs.get("email_address") or kwargs.get("to_email_address")
        data = {"email": getattr(address, "email", "")} if address is not None else None
        account_event_log(user=user, action=action, request=request, data=data)

    return handler


def _confirmed(sender: Any, request: HttpRequest, email_address: Any, **kwargs: Any) -> None:
    account_event_log(
        user=email_address.user,
        action="core.user.email_confirmed",
        request=request,
        data={"email": email_address.email},
    )


def _two_factor(action: str) -> Any:
    def handler(sender: Any, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any) -> None:
        account_event_log(user=user, action=action, request=request, data={"method": authenticator.type})

    return handler


_handlers = {
    "email_added": _email("core.user.email_added"),
    "email_changed": _email("core.user.email_changed"),
    "email_removed": _email("core.user.email_removed"),
    "added": _two_factor("core.user.two_factor_added"),
    "removed": _two_factor("core.user.two_factor_removed"),
    "reset": _two_factor("core.user.two_factor_reset"),
    "failed": _two_factor("core.user.two_factor_failed"),
}


def connect() -> None:
    auth_signals.user_logged_in.connect(_signed_in, dispatch_uid="alianza.audit.signed_in")
    auth_signals.user_logged_out.connect(_signed_out, dispatch_uid="alianza.audit.signed_out")
    auth_signals.user_login_failed.connect(_sign_in_failed, dispatch_uid="alianza.audit.sign_in_failed")
    account_signals.password_changed.connect(_password_changed, dispatch_uid="alianza.audit.password_changed")
    account_signals.password_reset.connect(_password_reset, dispatch_uid="alianza.audit.password_reset")
    for name in ("email_added", "email_changed", "email_removed"):
        getattr(account_signals, name).connect(_handlers[name], dispatch_uid=f"alianza.audit.{name}")
    account_signals.email_confirmed.connect(_confirmed, dispatch_uid="alianza.audit.email_confirmed")
    mfa_signals.authenticator_added.connect(_handlers["added"], dispatch_uid="alianza.audit.2fa_added")
    mfa_signals.authenticator_removed.connect(_handlers["removed"], dispatch_uid="alianza.audit.2fa_removed")
    mfa_signals.authenticator_reset.connect(_handlers["reset"], dispatch_uid="alianza.audit.2fa_reset")
    mfa_signals.authentication_failed.connect(_handlers["failed"], dispatch_uid="alianza.audit.2fa_failed")
