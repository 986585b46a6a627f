"""`alianza backup` / `alianza restore`: one encrypted file that restores the demo data on the
database in use (SQLite, or PostgreSQL with DATABASE_URL), and refuses a wrong key or a
modified file without touching anything.

These tests commit (``transaction=True``): pg_dump reads the database from another process."""

from __future__ import annotations

import base64
import os
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_scopes import scopes_disabled

from alianza.core import backup, crypto
from alianza.core.backup import BackupError, backup_create, backup_restore, database_is_empty
from alianza.core.encryption import encrypted_fields
from alianza.core.models import AuditEvent, Organization, User

pytestmark = pytest.mark.django_db(transaction=True)


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def key(settings, media) -> str:
    settings.ALIANZA_BACKUP_KEY = new_key()
    return settings.ALIANZA_BACKUP_KEY


@pytest.fixture
def demo(settings, key) -> None:
    settings.DEBUG = True  # load_demo refuses to run on a real site
    call_command("load_demo", stdout=StringIO())
    settings.DEBUG = False


@pytest.fixture
def wipe(tmp_path):
    """``wipe()`` drops every table: the empty database a restore goes into. The tables come
    back after the test (set aside, which is much faster than migrating again)."""
    saved: list[Any] = []

    def _wipe() -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                args, env = backup.pg_connection_args()
                copy = tmp_path / "tables.pgdump"
                subprocess.run(  # noqa: S603
                    [backup._pg_command("pg_dump"), "--format=custom", "--file", str(copy), *args], env=env, check=True
                )
                saved.append(copy)
                cursor.execute("DROP SCHEMA public CASCADE")  # with the pg_trgm extension: a new database
                cursor.execute("CREATE SCHEMA public")
            else:
                import sqlite3

                copy = sqlite3.connect(":memory:")
                connection.connection.backup(copy)
                saved.append(copy)
                cursor.execute("PRAGMA foreign_keys = OFF")
                cursor.execute(
                    "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
                )
                for kind, name in cursor.fetchall():
                    cursor.execute(f"DROP {kind.upper()} {connection.ops.quote_name(name)}")
                cursor.execute("PRAGMA foreign_keys = ON")
        assert database_is_empty()

    yield _wipe
    if not saved:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        args, env = backup.pg_connection_args()
        subprocess.run(  # noqa: S603
            [backup._pg_command("pg_restore"), "--no-owner", "--exit-on-error", *args, str(saved[0])],
            env=env,
            check=True,
        )
    else:
        saved[0].backup(connection.connection)
        saved[0].close()


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for name in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608 — introspected names
            counts[name] = cursor.fetchone()[0]
        return counts


def decrypted_values() -> dict[tuple[str, str, str], Any]:
    """Every non-empty encrypted value in the database, decrypted, by (model, column, row)."""
    values = {}
    with scopes_disabled():
        for model, field in encrypted_fields():
            for obj in model._base_manager.exclude(**{field.attname: ""}).only(
                "pk", field.organization_field, field.attname
            ):
                values[(model._meta.label_lower, field.attname, str(obj.pk))] = getattr(obj, field.attname)
    return values


def demo_words() -> set[str]:
    """Every e-mail address and name of the demo that must never appear in clear in a backup."""
    from django.apps import apps

    words: set[str] = set(User.objects.values_list("email", flat=True))
    with scopes_disabled():
        person = apps.get_model("people", "Person")
        for given, family in person._base_manager.values_list("given_name", "family_name"):
            words.update(w for w in (given, family) if len(w) >= 4)
        words.update(apps.get_model("people", "PersonEmail")._base_manager.values_list("email", flat=True))
    words.update(Organization.objects.values_list("name", flat=True))
    return {w for w in words if w}


def test_the_demo_round_trips_through_an_encrypted_backup(demo, media, tmp_path, wipe):
    (media / "uploads").mkdir()
    (media / "uploads" / "flyer.pdf").write_bytes(b"%PDF-1.4 know your rights")
    counts = table_counts()
    values = decrypted_values()
    assert counts["people_person"] >= 10 and len(values) >= 5  # a real sample, not an empty one
    path = tmp_path / "alianza.backup"

    out = StringIO()
    call_command("backup", "--out", str(path), stdout=out, stderr=StringIO())
    assert "Backup written" in out.getvalue()
    assert path.stat().st_mode & 0o777 == 0o600

    wipe()
    (media / "uploads" / "flyer.pdf").unlink()
    (media / "uploads").rmdir()
    call_command("restore", str(path), stdout=StringIO(), stderr=StringIO())

    counts["core_auditevent"] += 1  # the restore itself is in the audit trail
    assert table_counts() == counts
    assert decrypted_values() == values
    assert (media / "uploads" / "flyer.pdf").read_bytes() == b"%PDF-1.4 know your rights"
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="core.backup.restored").count() == 1


def test_the_backup_holds_no_name_or_address_in_clear_text(demo, tmp_path):
    words = demo_words()
    assert len(words) >= 20
    path = tmp_path / "alianza.backup"
    backup_create(out=path)
    data = path.read_bytes().lower()
    found = sorted(w for w in words if w.lower().encode() in data)
    assert found == []
    # The same check finds them in the unencrypted snapshot, so it can fail.
    if connection.vendor == "sqlite":
        snapshot = tmp_path / "plain.sqlite3"
        import sqlite3

        target = sqlite3.connect(snapshot)
        connection.connection.backup(target)
        target.close()
        plain = snapshot.read_bytes().lower()
        assert sorted(w for w in words if w.lower().encode() in plain) == sorted(words)


def test_verify_only_checks_the_file_and_restores_nothing(demo, tmp_path):
    path = tmp_path / "alianza.backup"
    backup_create(out=path)
    counts = table_counts()
    out = StringIO()
    call_command("restore", str(path), "--verify-only", stdout=out)
    assert "complete and opens with this key" in out.getvalue()
    assert table_counts() == counts


@pytest.fixture
def backup_file(key, tmp_path) -> Path:
    Organization.objects.create(slug="casa", name="Casa Refugio", private_notes="Back door code 2231")
    path = tmp_path / "alianza.backup"
    backup_create(out=path)
    return path


def _refused_restore_changes_nothing(path: Path, message: str, media: Path, wipe) -> None:
    wipe()
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), stdout=StringIO(), stderr=StringIO())
    assert database_is_empty()
    assert list(media.iterdir()) == []


def test_a_wrong_key_is_refused_and_nothing_changes(backup_file, settings, media, wipe):
    settings.ALIANZA_BACKUP_KEY = new_key()
    _refused_restore_changes_nothing(backup_file, "made with another ALIANZA_BACKUP_KEY", media, wipe)


@pytest.mark.parametrize("where", ["header", "first chunk", "last byte"])
def test_a_flipped_byte_is_refused_and_nothing_changes(backup_file, media, where, wipe):
    data = bytearray(backup_file.read_bytes())
    position = {"header": len(backup.MAGIC) + 3, "first chunk": backup.HEADER_SIZE + 40, "last byte": len(data) - 1}
    data[position[where]] ^= 0x01
    backup_file.write_bytes(bytes(data))
    message = "another ALIANZA_BACKUP_KEY, or its header is damaged" if where == "header" else "failed authentication"
    _refused_restore_changes_nothing(backup_file, message, media, wipe)


def test_a_truncated_file_is_refused_and_nothing_changes(backup_file, media, wipe):
    data = backup_file.read_bytes()
    backup_file.write_bytes(data[: len(data) - 100])
    _refused_restore_changes_nothing(backup_file, "failed authentication", media, wipe)


def test_a_file_cut_at_a_chunk_boundary_is_refused(key, tmp_path, monkeypatch):
    """Dropping whole chunks at the end leaves every remaining chunk intact: the last-chunk flag
    in the nonce is what catches it."""
    monkeypatch.setattr(backup, "CHUNK_SIZE", 64)
    path = tmp_path / "small.backup"
    with open(path, "wb") as fh:
        writer = backup.EncryptingWriter(fh, base64.urlsafe_b64decode(key))
        writer.write(b"x" * 1000)
        writer.close()
    sealed = 64 + backup.TAG_SIZE
    data = path.read_bytes()
    assert len(data) > backup.HEADER_SIZE + 2 * sealed
    with open(path, "rb") as fh:
        assert b"".join(backup.decrypted_chunks(fh, base64.urlsafe_b64decode(key))) == b"x" * 1000
    path.write_bytes(data[: backup.HEADER_SIZE + 3 * sealed])
    with open(path, "rb") as fh, pytest.raises(BackupError, match="failed authentication"):
        list(backup.decrypted_chunks(fh, base64.urlsafe_b64decode(key)))


def test_extra_bytes_after_the_end_are_refused(backup_file, media, wipe):
    with open(backup_file, "ab") as fh:
        fh.write(b"appended")
    _refused_restore_changes_nothing(backup_file, "failed authentication", media, wipe)


def test_a_non_empty_database_is_refused(backup_file):
    counts = table_counts()
    with pytest.raises(BackupError, match="The database is not empty"):
        backup_restore(path=backup_file)
    assert table_counts() == counts


def test_a_non_empty_media_folder_is_refused(backup_file, media, wipe):
    wipe()
    (media / "old.txt").write_text("keep me")
    with pytest.raises(BackupError, match="media folder"):
        backup_restore(path=backup_file)
    assert database_is_empty()
    assert (media / "old.txt").read_text() == "keep me"


def test_a_file_that_is_not_a_backup_is_refused(key, tmp_path, wipe):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    wipe()
    with pytest.raises(BackupError, match="not an Alianza backup"):
        backup_restore(path=path)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "ALIANZA_BACKUP_KEY \\(or ALIANZA_BACKUP_KEY_FILE\\) is not set"),
        ("correct horse battery staple", "32 random bytes"),
        (base64.urlsafe_b64encode(b"a" * 32).decode(), "too weak"),
    ],
)
def test_a_missing_or_weak_key_is_refused(settings, media, tmp_path, value, message):
    settings.ALIANZA_BACKUP_KEY = value
    with pytest.raises(CommandError, match=message):
        call_command("backup", "--out", str(tmp_path / "x.backup"), stdout=StringIO(), stderr=StringIO())
    assert not (tmp_path / "x.backup").exists()


def test_the_master_key_is_refused_as_backup_key(settings, media, tmp_path):
    settings.ALIANZA_BACKUP_KEY = settings.ALIANZA_MASTER_KEY
    with pytest.raises(BackupError, match="must not be the master key"):
        backup_create(out=tmp_path / "x.backup")


def test_the_key_can_come_from_a_file(tmp_path, monkeypatch):
    from alianza.settings import secret

    key_file = tmp_path / "backup.key"
    key_file.write_text(new_key() + "\n")
    monkeypatch.setenv("ALIANZA_BACKUP_KEY_FILE", str(key_file))
    assert secret("ALIANZA_BACKUP_KEY") == key_file.read_text().strip()


def test_an_existing_file_is_never_overwritten(key, tmp_path):
    path = tmp_path / "alianza.backup"
    path.write_text("yesterday's backup")
    with pytest.raises(BackupError, match="already exists"):
        backup_create(out=path)
    assert path.read_text() == "yesterday's backup"


# --- Crypto-shredding ----------------------------------------------------------------------


def test_destroying_a_key_shreds_the_organization_in_backups_taken_before(key, tmp_path, wipe):
    doomed = Organization.objects.create(slug="casa", name="Casa Refugio", private_notes="Back door code 2231")
    kept = Organization.objects.create(slug="otra", name="Otra Casa", private_notes="Pastor's cell 512-555-0101")
    path = tmp_path / "before.backup"
    backup_create(out=path)

    out = StringIO()
    call_command("destroy_org_key", "--org", "casa", "--yes", stdout=out)
    assert "1 encrypted value(s) can no longer be read" in out.getvalue()
    assert Organization.objects.get(pk=doomed.pk).private_notes is None
    token = Organization.objects.filter(pk=doomed.pk).values_list("private_notes", flat=True).get()
    with pytest.raises(crypto.KeyDestroyed):
        crypto.decrypt(token, context="core.organization.private_notes")

    wipe()
    backup_restore(path=path)
    assert Organization.objects.get(pk=doomed.pk).private_notes is None  # unreadable in the old backup too
    assert Organization.objects.get(pk=kept.pk).private_notes == "Pastor's cell 512-555-0101"


def test_destroying_a_key_is_audited_with_counts_only(key):
    org = Organization.objects.create(slug="casa", name="Casa Refugio", private_notes="Back door code 2231")
    call_command("destroy_org_key", "--org", "casa", "--yes", stdout=StringIO())
    with scopes_disabled():
        event = AuditEvent.objects.get(action="core.encryption.key_destroyed")
    assert event.organization_id == org.pk
    assert event.data["unreadable"]["core.organization.private_notes"] == 1
    assert "Back door" not in str(event.data)


def test_destroying_a_key_asks_for_the_short_name(key, monkeypatch):
    org = Organization.objects.create(slug="casa", name="Casa Refugio", private_notes="Back door code 2231")
    monkeypatch.setattr("builtins.input", lambda prompt="": "otra")
    with pytest.raises(CommandError, match="Not confirmed"):
        call_command("destroy_org_key", "--org", "casa", stdout=StringIO())
    assert Organization.objects.get(pk=org.pk).private_notes == "Back door code 2231"
    monkeypatch.setattr("builtins.input", lambda prompt="": "casa")
    call_command("destroy_org_key", "--org", "casa", stdout=StringIO())
    assert Organization.objects.get(pk=org.pk).private_notes is None


def test_destroying_the_key_of_an_unknown_organization_is_refused(db):
    with pytest.raises(CommandError, match="No organization with the short name nope"):
        call_command("destroy_org_key", "--org", "nope", "--yes", stdout=StringIO())
