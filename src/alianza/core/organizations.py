"""Operations on an organization's own profile."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from i18nfield.strings import LazyI18nString

from .audit import diff, log_action
from .models import Organization, User

# Fields whose values never go into the audit trail, only the fact that they changed.
SENSITIVE_FIELDS = {"private_notes"}
# Multilingual fields: an edit replaces only the languages it shows; the others are kept.
I18N_FIELDS = {"tagline", "description"}
PROFILE_FIELDS = [
    "name",
    "kinds",
    "counties",
    "languages",
    "tagline",
    "description",
    "website",
    "public_email",
    "public_phone",
    "private_notes",
]


def _snapshot(organization: Organization) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        value = getattr(organization, name)
        if hasattr(value, "data"):  # i18nfield LazyI18nString: compare only the languages written
            data = value.data
            if isinstance(data, dict):
                value = {lang: text for lang, text in data.items() if text}
            else:
                value = {settings.LANGUAGE_CODE: data} if data else {}
        values[name] = value
    return values


def organization_create(*, actor: User | None, slug: str, name: str, tier: str, kinds: list[str]) -> Organization:
    """Create an organization (the hub, a new member, a partner). Its first admin is invited
    separately (``invitation_create``)."""
    with transaction.atomic():
        organization = Organization(slug=slug, name=name, tier=tier, kinds=kinds)
        organization.full_clean()
        organization.save(force_insert=True)
        log_action(
            actor=actor,
            organization=organization,
            action="core.organization.created",
            obj=organization,
            data={"slug": slug, "tier": tier, "kinds": kinds},
        )
    return organization


def organization_update(
    *, organization: Organization, actor: User, changes: dict[str, Any], request: HttpRequest | None = None
) -> Organization:
    """Apply profile ``changes`` (field → new value), validate and audit the diff."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    with transaction.atomic():
        # Compare with what is stored, not with an instance a form may already have changed.
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        before = _snapshot(organization)
        for name, value in changes.items():
            if name in I18N_FIELDS:
                value = LazyI18nString({**before[name], **(value.data if hasattr(value, "data") else {})})
            setattr(organization, name, value)
        organization.full_clean()
        after = _snapshot(organization)
        changed = diff(before, after)
        if not changed:
            return organization
        organization.save(update_fields=list(changed))
        for name in SENSITIVE_FIELDS & set(changed):
            changed[name] = ["…", "…"]
        log_action(
            actor=actor,
            organization=organization,
            action="core.organization.updated",
            obj=organization,
            data={"changed": changed},
            request=request,
        )
    return organization


def organization_private_notes_read(
    *, organization: Organization, actor: User, request: HttpRequest | None = None
) -> str:
    """Return the encrypted private notes and record the read in the audit trail."""
    notes = Organization.objects.only("id", "private_notes").get(pk=organization.pk).private_notes or ""
    if notes:
        log_action(
            actor=actor,
            organization=organization,
            action="core.organization.private_notes_read",
            obj=organization,
            request=request,
        )
    return notes
