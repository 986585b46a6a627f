"""Operations on encryption keys: re-encrypt an organization's sensitive fields under a new
key version (and under the current master key)."""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.db import models, transaction
from django_scopes import scopes_disabled

from . import crypto
from .audit import log_action
from .models import Organization, User


def encrypted_fields() -> Iterator[tuple[type[models.Model], crypto.EncryptedTextField]]:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, crypto.EncryptedTextField):
                yield model, field


def organization_keys_rotate(*, organization: Organization, retire_old: bool = False) -> dict[str, int]:
    """Make a new key version current for ``organization`` and re-encrypt every encrypted
    value it owns with it (and with the current master key). Returns counts per column.

    With ``retire_old`` the older versions are then forgotten: backups taken before can no
    longer be decrypted (that is the point when a key may have leaked)."""
    org_id = str(organization.pk)
    counts: dict[str, int] = {}
    with transaction.atomic(), scopes_disabled():
        crypto.org_secret_rotate(org_id)
        for model, field in encrypted_fields():
            # Locked, so an edit made meanwhile waits instead of being overwritten with the old value.
            rows = (
                model._default_manager.select_for_update()
                .filter(**{field.organization_field: organization.pk})
                .exclude(**{field.attname: ""})
            )
            done = 0
            for obj in rows.only("pk", field.organization_field, field.attname).iterator(chunk_size=500):
                value = getattr(obj, field.attname)
                if value is None:  # unreadable: its key was destroyed
                    continue
                obj.save(update_fields=[field.attname])
                done += 1
            counts[f"{model._meta.label_lower}.{field.attname}"] = done
        log_action(
            actor=None,
            organization=organization,
            action="core.encryption.rotated",
            obj=organization,
            data={"reencrypted": counts, "retired_old_versions": retire_old},
        )
    if retire_old:
        crypto.org_secret_retire_old(org_id)
    return counts


def system_secrets_reencrypt() -> int:
    """Re-encrypt every secret sealed with the master key alone (users' two-factor keys) under
    the current master key. Part of changing the master key. Returns how many values changed."""
    from allauth.mfa.models import Authenticator

    count = 0
    with transaction.atomic():
        for authenticator in Authenticator.objects.select_for_update().iterator(chunk_size=500):
            data = dict(authenticator.data)
            for name, value in data.items():
                if isinstance(value, str) and value.startswith(crypto.SYSTEM_PREFIX):
                    plain = crypto.system_decrypt(value, context=crypto.MFA_CONTEXT)
                    data[name] = crypto.system_encrypt(plain, context=crypto.MFA_CONTEXT)
                    count += 1
            authenticator.data = data
            authenticator.save(update_fields=["data"])
        log_action(actor=None, organization=None, action="core.encryption.system_rotated", data={"reencrypted": count})
    return count


def organization_key_destroy(*, organization: Organization, actor: User | None = None) -> dict[str, int]:
    """Crypto-shredding, the last resort: erase the organization's secret from the key store,
    so every value encrypted for it (in this database, in copies and in every backup) can never
    be decrypted again. Irreversible. Returns how many encrypted values were made unreadable,
    per column; the audit trail records the destruction (with those counts, nothing else)."""
    counts: dict[str, int] = {}
    with transaction.atomic(), scopes_disabled():
        for model, field in encrypted_fields():
            rows = model._base_manager.filter(**{field.organization_field: organization.pk}).exclude(
                **{field.attname: ""}
            )
            counts[f"{model._meta.label_lower}.{field.attname}"] = rows.exclude(
                **{f"{field.attname}__isnull": True}
            ).count()
        log_action(
            actor=actor,
            organization=organization,
            action="core.encryption.key_destroyed",
            obj=organization,
            data={"unreadable": counts},
        )
        # Inside the transaction: if shredding fails, no audit event claims it happened.
        crypto.org_secret_destroy(str(organization.pk))
    return counts
