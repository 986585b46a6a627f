"""Encryption of sensitive fields at rest, with per-organization keys.

Each organization's data key is derived (HKDF-SHA256) from two things that never enter the
database: the master key (``ALIANZA_MASTER_KEY`` / ``ALIANZA_MASTER_KEY_FILE``) and the
organization's own secret in the key store (``ALIANZA_KEY_STORE``, one file per
organization). Rotating adds a new secret version and re-encrypts; destroying an
organization's key-store file makes its ciphertext unreadable everywhere, backups included.

Ciphertext is stored as ``alz:1:<organization id>:<secret version>:<base64 nonce+AES-GCM>``
and is bound (as associated data) to the organization, the key version and the column, so a
value copied into another organization or another column does not decrypt. (Rows of the same
organization and column share a key: copying between them is a database-write attack that the
audit trail, not the cipher, has to catch.)

Decryption also checks that the organization named in a value is the organization of the
row it was read from, so ciphertext copied from another organization's row (from a leaked
backup, say) is refused rather than decrypted for the wrong organization's staff.

Secrets that belong to no organization (users' two-factor keys) use ``system_encrypt``: a key
derived from the master key alone, with the ``alzs:1:`` prefix.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.query_utils import DeferredAttribute

PREFIX = "alz:1:"
SYSTEM_PREFIX = "alzs:1:"
MFA_CONTEXT = "allauth.mfa.authenticator"  # the purpose users' two-factor secrets are bound to


class CryptoError(Exception):
    """Ciphertext that cannot be decrypted with any key we hold (tampered or foreign)."""


class KeyDestroyed(CryptoError):
    """The organization's secret was destroyed on purpose: its data is shredded."""


class KeyMissing(ImproperlyConfigured):
    """The organization's secret is not in the key store, and it was never destroyed: the key
    store is missing, not shared between machines, or damaged. Nothing is read or written."""


def _decode_master(raw: str, name: str) -> bytes:
    text = raw.strip()
    try:
        key = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise ImproperlyConfigured(
            f"{name} must be 32 random bytes, URL-safe base64 encoded (not a passphrase). "
            'Create one with: python -c "import os,base64;print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'
        )
    return key


def master_keys() -> list[bytes]:
    """The current master key first, then previous ones still accepted for decryption."""
    if not settings.ALIANZA_MASTER_KEY:
        raise ImproperlyConfigured(
            "ALIANZA_MASTER_KEY (or ALIANZA_MASTER_KEY_FILE) is not set: sensitive fields cannot be encrypted."
        )
    keys = [_decode_master(settings.ALIANZA_MASTER_KEY, "ALIANZA_MASTER_KEY")]
    for raw in getattr(settings, "ALIANZA_PREVIOUS_MASTER_KEYS", []):
        keys.append(_decode_master(raw, "ALIANZA_PREVIOUS_MASTER_KEYS"))
    return keys


# --- Key store: one JSON file per organization, outside the database ------------------------


@dataclass(frozen=True)
class OrgSecrets:
    current: int
    versions: dict[int, bytes]


def _store_dir() -> Path:
    path = Path(settings.ALIANZA_KEY_STORE)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _secret_path(org_id: str) -> Path:
    if not org_id or "/" in org_id or org_id.startswith("."):
        raise ValueError(f"Bad organization id for the key store: {org_id!r}")
    return _store_dir() / f"{org_id}.json"


class _store_lock:
    """An exclusive lock over the whole key store, held around every read-modify-write, so two
    processes rotating (or rotating and retiring) at once cannot lose a key version."""

    def __enter__(self) -> None:
        self._fh = open(_store_dir() / ".lock", "a")  # closed in __exit__
        fcntl.flock(self._fh, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self._fh, fcntl.LOCK_UN)
        self._fh.close()


def _read(org_id: str) -> OrgSecrets | None:
    path = _secret_path(org_id)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    return OrgSecrets(
        current=int(data["current"]),
        versions={int(v): base64.b64decode(s) for v, s in data["versions"].items()},
    )


def _write(org_id: str, org_secrets: OrgSecrets, *, exclusive: bool = False) -> bool:
    """Write atomically. With ``exclusive``, only if no file exists yet (returns False then)."""
    path = _secret_path(org_id)
    data = {
        "current": org_secrets.current,
        "versions": {str(v): base64.b64encode(s).decode() for v, s in org_secrets.versions.items()},
    }
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o600)
    if exclusive:
        try:
            os.link(tmp, path)  # fails if the file exists: no two processes both create version 1
        except FileExistsError:
            return False
        finally:
            os.unlink(tmp)
    else:
        os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename or link itself survives a crash
    finally:
        os.close(dir_fd)
    _key_cache.clear()
    _current_cache.clear()
    return True


def org_secrets_ensure(org_id: str) -> OrgSecrets:
    """Return the organization's secrets, creating version 1 the first time."""
    with _store_lock():
        return _org_secrets_ensure_locked(org_id)


def _org_secrets_ensure_locked(org_id: str) -> OrgSecrets:
    existing = _read(org_id)
    if existing is not None:
        return existing
    if _destroyed_marker(org_id).exists():
        raise KeyDestroyed(f"The key of organization {org_id} was destroyed")
    if _database_holds_ciphertext_of(org_id):
        # Its key existed once: this key store is not the right one. A new key would make the
        # old values unreadable, so nothing is created.
        raise KeyMissing(
            f"Organization {org_id} has encrypted data but no key in the key store {settings.ALIANZA_KEY_STORE}: "
            "is ALIANZA_KEY_STORE the shared key store of this installation?"
        )
    created = OrgSecrets(current=1, versions={1: secrets.token_bytes(32)})
    if _write(org_id, created, exclusive=True):
        return created
    # Another process created it first: use theirs.
    winner = _read(org_id)
    assert winner is not None
    return winner


def _database_holds_ciphertext_of(org_id: str) -> bool:
    """Whether any encrypted column holds a value of this organization (only asked when its
    key file is missing, which is rare: the organization's first encrypted value, or a
    misconfigured key store)."""
    from django.apps import apps
    from django_scopes import scopes_disabled

    with scopes_disabled():
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, EncryptedTextField):
                    rows = model._base_manager.filter(**{field.organization_field: org_id})
                    if rows.exclude(**{f"{field.attname}__isnull": True}).exclude(**{field.attname: ""}).exists():
                        return True
    return False


def org_secret_rotate(org_id: str) -> int:
    """Add a new secret version and make it current. Returns the new version number."""
    with _store_lock():
        current = _org_secrets_ensure_locked(org_id)
        new_version = max(current.versions) + 1
        versions = dict(current.versions)
        versions[new_version] = secrets.token_bytes(32)
        _write(org_id, OrgSecrets(current=new_version, versions=versions))
    return new_version


def org_secret_retire_old(org_id: str) -> list[int]:
    """Forget every version but the current one (after all data was re-encrypted)."""
    with _store_lock():
        current = _org_secrets_ensure_locked(org_id)
        retired = [v for v in current.versions if v != current.current]
        kept = {current.current: current.versions[current.current]}
        _write(org_id, OrgSecrets(current=current.current, versions=kept))
    return retired


def _destroyed_marker(org_id: str) -> Path:
    return _store_dir() / f"{org_id}.destroyed"


def org_secret_destroy(org_id: str) -> None:
    """Shred: overwrite and delete the organization's secret file. Irreversible."""
    path = _secret_path(org_id)
    with _store_lock():
        _destroyed_marker(org_id).touch()
        if path.exists():
            size = path.stat().st_size
            with open(path, "r+b") as fh:
                fh.write(secrets.token_bytes(size))
                fh.flush()
                os.fsync(fh.fileno())
            path.unlink()
    _key_cache.clear()
    _current_cache.clear()


# --- Encrypt / decrypt ------------------------------------------------------------------

# Derived keys, remembered per process together with the key-store file's identity, so that a
# rotation or destruction done by another process is seen at the next use.
_key_cache: dict[tuple[str, int], tuple[tuple[int, int], list[bytes]]] = {}


def _file_identity(org_id: str) -> tuple[int, int] | None:
    try:
        st = _secret_path(org_id).stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)


def _data_keys(org_id: str, version: int) -> list[bytes]:
    identity = _file_identity(org_id)
    cached = _key_cache.get((org_id, version))
    if cached is not None and identity is not None and cached[0] == identity:
        return cached[1]
    org_secrets = _read(org_id)
    if org_secrets is None and _destroyed_marker(org_id).exists():
        raise KeyDestroyed(f"The key of organization {org_id} was destroyed")
    if org_secrets is None:
        raise KeyMissing(
            f"No key for organization {org_id} in the key store {settings.ALIANZA_KEY_STORE}: is "
            "ALIANZA_KEY_STORE the shared key store of this installation?"
        )
    if version not in org_secrets.versions:
        raise KeyDestroyed(f"Key version {version} of organization {org_id} was retired")
    keys = [
        HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=org_secrets.versions[version],
            info=f"alianza/org-data-key/{org_id}/{version}".encode(),
        ).derive(master)
        for master in master_keys()
    ]
    if identity is not None:
        _key_cache[(org_id, version)] = (identity, keys)
    return keys


# The current secret version per organization, remembered with the key file's identity (a
# rotation writes a new file), so encrypting does not take the key-store lock every time.
_current_cache: dict[str, tuple[tuple[int, int], int]] = {}


def _current_version(org_id: str) -> int:
    before = _file_identity(org_id)
    cached = _current_cache.get(org_id)
    if before is not None and cached is not None and cached[0] == before:
        return cached[1]
    current = org_secrets_ensure(org_id).current
    after = _file_identity(org_id)
    if after is not None and after == before:  # unchanged while we read it: safe to remember
        _current_cache[org_id] = (after, current)
    return current


def encrypt(plaintext: str, *, org_id: str, context: str) -> str:
    version = _current_version(org_id)
    key = _data_keys(org_id, version)[0]
    nonce = secrets.token_bytes(12)
    aad = f"{org_id}|{version}|{context}".encode()
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), aad)
    return f"{PREFIX}{org_id}:{version}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def parse_token(token: str) -> tuple[str, int, bytes]:
    if not token.startswith(PREFIX):
        raise CryptoError("Not an Alianza ciphertext")
    try:
        org_id, version, payload = token[len(PREFIX) :].split(":", 2)
        return org_id, int(version), base64.urlsafe_b64decode(payload.encode())
    except (ValueError, binascii.Error) as exc:
        raise CryptoError("Malformed ciphertext") from exc


def decrypt(token: str, *, context: str) -> str:
    org_id, version, payload = parse_token(token)
    aad = f"{org_id}|{version}|{context}".encode()
    for key in _data_keys(org_id, version):
        try:
            return AESGCM(key).decrypt(payload[:12], payload[12:], aad).decode()
        except InvalidTag:
            continue
    raise CryptoError("Ciphertext failed authentication (tampered, moved, or a foreign key)")


def _system_key(context: str, master: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"alianza/system", info=context.encode()).derive(master)


def system_encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt a secret that belongs to no organization (e.g. a user's TOTP key)."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_system_key(context, master_keys()[0])).encrypt(nonce, plaintext.encode(), context.encode())
    return SYSTEM_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def system_decrypt(token: str, *, context: str) -> str:
    if not token.startswith(SYSTEM_PREFIX):
        raise CryptoError("Not an Alianza system ciphertext")
    try:
        payload = base64.urlsafe_b64decode(token[len(SYSTEM_PREFIX) :].encode())
    except (ValueError, binascii.Error) as exc:
        raise CryptoError("Malformed ciphertext") from exc
    for master in master_keys():
        try:
            return AESGCM(_system_key(context, master)).decrypt(payload[:12], payload[12:], context.encode()).decode()
        except InvalidTag:
            continue
    raise CryptoError("Ciphertext failed authentication (tampered, or a foreign master key)")


# --- The model field ----------------------------------------------------------------------


class Ciphertext(str):
    """A value as stored: read from the database, not decrypted yet."""


class Sealed(str):
    """Ciphertext that ``pre_save`` produced. Only these are written to an encrypted column, so
    text that merely looks like ciphertext can never be stored as if it were."""


class EncryptedAttribute(DeferredAttribute):
    """Decrypts on first access, after checking that the value belongs to this row's
    organization; deferred loading works as for any field."""

    field: EncryptedTextField

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Ciphertext):
            value = self.field.decrypt_for(instance, value)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """A text column that holds only ciphertext in the database.

    ``organization_field`` names the attribute holding the organization id whose key is used
    (``"organization_id"`` on tenant models, ``"id"`` on ``Organization`` itself).

    - Values are encrypted in ``pre_save`` (``save()`` and ``bulk_create``). Writing any other
      way (``QuerySet.update``, ``bulk_update``) raises instead of storing clear text, and so
      does filtering on the column.
    - Values are decrypted when first read from the instance, and only if the organization
      inside the value is the row's own; otherwise ``CryptoError``.
    - A value whose organization key was destroyed reads as ``None``; a key store that lacks an
      organization's key (misconfiguration) raises ``KeyMissing``.
    - ``dumpdata`` would write decrypted values: back up with the database's own tools.
    """

    description = "Text encrypted with the organization's key"
    descriptor_class = EncryptedAttribute

    def __init__(self, *args: Any, organization_field: str = "organization_id", **kwargs: Any) -> None:
        self.organization_field = organization_field
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["organization_field"] = self.organization_field
        return name, path, args, kwargs

    @property
    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.attname}"

    def _org_id(self, instance: models.Model) -> str:
        org_id = getattr(instance, self.organization_field)
        if org_id is None:
            raise ValueError(f"{self.context}: no organization to encrypt for")
        return str(org_id)

    def decrypt_for(self, instance: models.Model, token: str) -> str | None:
        org_id, _version, _payload = parse_token(token)
        if org_id != self._org_id(instance):
            raise CryptoError(f"{self.context}: the value belongs to another organization")
        try:
            return decrypt(token, context=self.context)
        except KeyDestroyed:
            return None

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        raw = model_instance.__dict__.get(self.attname)
        if isinstance(raw, Ciphertext):  # never read since loading: keep it, if it is this row's
            if parse_token(raw)[0] != self._org_id(model_instance):
                raise CryptoError(f"{self.context}: the value belongs to another organization")
            return Sealed(raw)
        return self.seal(getattr(model_instance, self.attname), org_id=self._org_id(model_instance))

    def seal(self, value: Any, *, org_id: str) -> Any:
        """The value as this column stores it (for writers that bypass model instances, such as
        the importer's bulk path): ciphertext, or None/"" unchanged."""
        if value is None or value == "":
            return value
        return Sealed(encrypt(str(value), org_id=org_id, context=self.context))

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None or value == "" or isinstance(value, Sealed):
            return str(value) if isinstance(value, Sealed) else value
        raise ValueError(
            f"{self.context} is encrypted: write it through save() or bulk_create(), never update() or a filter"
        )

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return Ciphertext(value)
