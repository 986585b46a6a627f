"""The single entry point to the audit trail.

Every operation that changes people's data or access, and every read of sensitive data,
calls ``log_action`` once, inside its own transaction, so the audit row commits or rolls
back with the change it describes.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.http import HttpRequest

from .models import AuditEvent, Organization, User

ACTION_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
# A data key is masked when one of its words (split on _ - . or case) is one of these.
SECRET_WORDS = {
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "key",
    "otp",
    "totp",
    "recovery",
    "pin",
    "credential",
    "credentials",
    "ciphertext",
    "cookie",
    "session",
}
MASK = "********"


class AuditError(ValueError):
    """log_action was called wrongly; never skipped silently."""


def _is_secret_key(key: Any) -> bool:
    words = re.split(r"[_\-.\s]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", str(key))
    return any(word.lower() in SECRET_WORDS for word in words)


def _mask(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: MASK if _is_secret_key(k) else _mask(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: the connection's, or — behind ``TRUSTED_PROXY_COUNT`` reverse
    proxies — the address the outermost trusted proxy saw."""
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def audit_event(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    organization: Organization | None,
    action: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """One audit event, checked but not saved: ``log_action`` saves one, ``log_actions`` many in
    one INSERT. ``ip_address`` stands in for ``request`` when the request is over (a form that
    was allocated later, ``actions.rsvp_allocation``)."""
    if not ACTION_PATTERN.match(action):
        raise AuditError(f"Audit action must look like 'app.model.verb', not {action!r}")
    if data is not None and not isinstance(data, dict):
        raise AuditError("Audit data must be a dict")
    if obj is not None and (obj.pk is None or obj._state.adding):
        raise AuditError("Cannot audit an unsaved object: save it first, in the same transaction")
    user = actor if isinstance(actor, User) else None
    return AuditEvent(
        organization=organization,
        actor=user,
        actor_label=(getattr(user, "email", "") or str(user)) if user else "system",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=_mask(data or {}),
        ip_address=client_ip(request) if request is not None else ip_address,
    )


def log_action(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    organization: Organization | None,
    action: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one audit event. ``action`` is ``<app>.<model>.<verb>``, e.g.
    ``core.membership.created``; ``data`` is a dict (keys that look like secrets are masked)."""
    event = audit_event(actor=actor, organization=organization, action=action, obj=obj, data=data, request=request)
    event.save(force_insert=True)
    return event


def log_actions(events: list[AuditEvent]) -> None:
    """Append many audit events (made by ``audit_event``) in one INSERT."""
    AuditEvent.objects.bulk_create(events)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field-by-field change as ``{"field": [old, new]}``, only for fields that changed."""
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}
