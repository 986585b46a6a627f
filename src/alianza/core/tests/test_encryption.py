"""Sensitive fields hold only ciphertext in the database, with per-organization keys."""

import base64
import uuid
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, transaction

from alianza.core import crypto
from alianza.core.models import AuditEvent, Organization
from alianza.core.tests.factories import make_organization

SECRET = "Side door code 4471; pastor's cell 512-555-0101"


def raw_notes(org: Organization) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT private_notes FROM core_organization WHERE id = %s",
            [org.pk.hex if connection.vendor == "sqlite" else org.pk],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def org(db):
    return make_organization(private_notes=SECRET)


def test_the_database_holds_only_ciphertext(org):
    raw = raw_notes(org)
    assert raw.startswith(f"alz:1:{org.pk}:1:")
    assert "4471" not in raw and "pastor" not in raw
    assert Organization.objects.get(pk=org.pk).private_notes == SECRET


def test_each_save_uses_a_fresh_nonce(org):
    first = raw_notes(org)
    org.save()
    assert raw_notes(org) != first
    assert Organization.objects.get(pk=org.pk).private_notes == SECRET


def test_empty_values_stay_empty(db):
    org = make_organization(private_notes="")
    assert raw_notes(org) == ""
    assert Organization.objects.get(pk=org.pk).private_notes == ""


def set_raw_notes(org: Organization, value: str) -> None:
    pk = org.pk.hex if connection.vendor == "sqlite" else org.pk
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_organization SET private_notes = %s WHERE id = %s", [value, pk])


def test_ciphertext_copied_into_another_organizations_row_is_refused(org):
    # e.g. someone with a leaked backup and an admin account elsewhere writes it into their row
    other = make_organization(private_notes="ours")
    set_raw_notes(other, raw_notes(org))
    with pytest.raises(crypto.CryptoError, match="another organization"):
        Organization.objects.get(pk=other.pk).private_notes  # noqa: B018


def test_each_organization_has_its_own_key(org):
    other = make_organization(private_notes="x")
    token = raw_notes(org)
    org_id, version, _payload = crypto.parse_token(token)
    assert crypto._data_keys(org_id, version) != crypto._data_keys(str(other.pk), 1)
    # Re-labelled as the other organization's, the ciphertext does not decrypt either.
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt(token.replace(str(org.pk), str(other.pk)), context="core.organization.private_notes")


def test_text_that_looks_like_ciphertext_is_encrypted_like_any_text(db):
    org = make_organization(private_notes="alz:1:door code 4471")
    assert "4471" not in raw_notes(org)
    assert Organization.objects.get(pk=org.pk).private_notes == "alz:1:door code 4471"


def test_ciphertext_shaped_text_cannot_sneak_in_through_update(org):
    with pytest.raises(ValueError, match="encrypted"), transaction.atomic():
        Organization.objects.filter(pk=org.pk).update(private_notes=raw_notes(org))


def test_ciphertext_is_bound_to_its_column(org):
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt(raw_notes(org), context="core.organization.description")


def test_tampered_ciphertext_is_refused(org):
    token = raw_notes(org)
    prefix, payload = token.rsplit(":", 1)
    data = bytearray(base64.urlsafe_b64decode(payload))
    data[-1] ^= 1
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt(
            f"{prefix}:{base64.urlsafe_b64encode(bytes(data)).decode()}", context="core.organization.private_notes"
        )


def test_plaintext_cannot_sneak_in_through_update(org):
    with pytest.raises(ValueError, match="encrypted"), transaction.atomic():
        Organization.objects.filter(pk=org.pk).update(private_notes="clear text")
    assert raw_notes(org).startswith("alz:1:")


def test_filtering_on_an_encrypted_column_is_refused(org):
    with pytest.raises(ValueError, match="encrypted"):
        list(Organization.objects.filter(private_notes=SECRET))


def test_the_key_store_lives_outside_the_database(org, settings):
    from pathlib import Path

    path = Path(settings.ALIANZA_KEY_STORE) / f"{org.pk}.json"
    assert path.exists()
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_a_wrong_master_key_cannot_read(org, settings):
    token = raw_notes(org)
    settings.ALIANZA_MASTER_KEY = base64.urlsafe_b64encode(b"another-master-key-of-32-bytes!!").decode()
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt(token, context="core.organization.private_notes")


def test_a_missing_master_key_is_a_clear_configuration_error(db, settings):
    settings.ALIANZA_MASTER_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="ALIANZA_MASTER_KEY"):
        make_organization(private_notes="x")


@pytest.mark.parametrize("key", ["too-short", "a passphrase that is long enough but not base64!!"])
def test_a_master_key_that_is_not_32_random_bytes_is_refused(db, settings, key):
    settings.ALIANZA_MASTER_KEY = key
    with pytest.raises(ImproperlyConfigured, match="32 random bytes"):
        make_organization(private_notes="x")


def test_rotate_keys_reencrypts_under_a_new_version(org):
    other = make_organization(private_notes="other org's note")
    other_before = raw_notes(other)
    call_command("rotate_keys", "--org", org.slug)
    assert raw_notes(org).startswith(f"alz:1:{org.pk}:2:")
    assert Organization.objects.get(pk=org.pk).private_notes == SECRET
    assert raw_notes(other) == other_before  # only the chosen organization
    event = AuditEvent.objects.with_scope(organization=org).get(action="core.encryption.rotated")
    assert event.data["reencrypted"]["core.organization.private_notes"] == 1


def test_retiring_old_versions_makes_old_ciphertext_unreadable(org):
    old_token = raw_notes(org)
    call_command("rotate_keys", "--org", org.slug, "--retire-old")
    assert Organization.objects.get(pk=org.pk).private_notes == SECRET
    with pytest.raises(crypto.KeyDestroyed):
        crypto.decrypt(old_token, context="core.organization.private_notes")


def test_changing_the_master_key(org, owner, settings, client):
    from alianza.core.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET
    from alianza.core.two_factor import totp_code

    old_master = settings.ALIANZA_MASTER_KEY
    settings.ALIANZA_MASTER_KEY = base64.urlsafe_b64encode(b"the-new-master-key-of-32-bytes!!").decode()
    settings.ALIANZA_PREVIOUS_MASTER_KEYS = [old_master]
    assert Organization.objects.get(pk=org.pk).private_notes == SECRET  # still readable meanwhile
    call_command("rotate_keys", stdout=StringIO())
    settings.ALIANZA_PREVIOUS_MASTER_KEYS = []
    assert Organization.objects.get(pk=org.pk).private_notes == SECRET
    # Two-factor secrets were re-encrypted too: the owner still signs in with the old master key gone.
    client.post("/accounts/login/", {"login": owner.email, "password": TEST_PASSWORD})
    assert client.post("/accounts/2fa/authenticate/", {"code": totp_code(TEST_TOTP_SECRET)}).status_code == 302
    assert client.get("/staff/org-a/").status_code == 200


def test_rotate_keys_rejects_an_unknown_organization(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nope"):
        call_command("rotate_keys", "--org", "nope")


def test_a_destroyed_key_shreds_the_organization_data(org):
    crypto.org_secret_destroy(str(org.pk))
    assert Organization.objects.get(pk=org.pk).private_notes is None
    with pytest.raises(crypto.KeyDestroyed):
        crypto.encrypt("new", org_id=str(org.pk), context="core.organization.private_notes")


def test_pages_that_do_not_show_the_notes_do_not_decrypt_them(org, client, settings):
    settings.ALIANZA_MASTER_KEY = ""  # any decryption would fail loudly
    assert client.get("/").status_code == 200
    assert Organization.objects.get(pk=org.pk).name == org.name


def test_another_process_destroying_the_key_is_seen_at_once(org):
    from pathlib import Path

    from django.conf import settings

    assert Organization.objects.get(pk=org.pk).private_notes == SECRET  # the key is now cached
    store = Path(settings.ALIANZA_KEY_STORE)
    (store / f"{org.pk}.destroyed").touch()  # what org_secret_destroy does, in another process
    (store / f"{org.pk}.json").unlink()
    assert Organization.objects.get(pk=org.pk).private_notes is None


def test_a_key_store_without_the_key_is_a_loud_error_not_an_empty_value(org, settings):
    from pathlib import Path

    (Path(settings.ALIANZA_KEY_STORE) / f"{org.pk}.json").unlink()  # e.g. a store not shared
    with pytest.raises(crypto.KeyMissing, match="ALIANZA_KEY_STORE"):
        Organization.objects.get(pk=org.pk).private_notes  # noqa: B018


def test_two_processes_creating_the_first_key_agree(db, settings):
    from pathlib import Path

    race_org = str(uuid.uuid4())
    first = crypto.org_secrets_ensure(race_org)
    path = Path(settings.ALIANZA_KEY_STORE) / f"{race_org}.json"
    assert crypto._write(race_org, crypto.OrgSecrets(current=1, versions={1: b"x" * 32}), exclusive=True) is False
    assert crypto.org_secrets_ensure(race_org) == first
    assert path.exists()


def test_two_factor_secrets_are_encrypted_at_rest(owner):
    from allauth.mfa.models import Authenticator

    from alianza.core.tests.factories import TEST_TOTP_SECRET

    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE user_id = %s", [owner.pk])
        raw = cursor.fetchone()[0]
    assert TEST_TOTP_SECRET not in str(raw)
    assert "alzs:1:" in str(raw)
    authenticator = Authenticator.objects.get(user=owner)
    assert authenticator.wrap().instance.data["secret"].startswith("alzs:1:")
    from allauth.mfa.adapter import get_adapter

    assert get_adapter().decrypt(authenticator.data["secret"]) == TEST_TOTP_SECRET


def test_system_ciphertext_is_bound_to_its_purpose(db):
    token = crypto.system_encrypt("s3cret", context="allauth.mfa.authenticator")
    assert crypto.system_decrypt(token, context="allauth.mfa.authenticator") == "s3cret"
    with pytest.raises(crypto.CryptoError):
        crypto.system_decrypt(token, context="something.else")


def test_rotate_keys_skips_a_shredded_organization_and_goes_on(org, db):
    shredded = make_organization(private_notes="gone")
    crypto.org_secret_destroy(str(shredded.pk))
    out = StringIO()
    call_command("rotate_keys", stdout=out)
    assert f"{shredded.slug}: skipped" in out.getvalue()
    assert raw_notes(org).startswith(f"alz:1:{org.pk}:2:")  # the others were rotated
    assert "two-factor secrets: re-encrypted" in out.getvalue()


def _rotate_many(org_id: str, times: int) -> None:
    for _ in range(times):
        crypto.org_secret_rotate(org_id)


def test_concurrent_rotations_lose_no_key_version(db):
    import multiprocessing

    org_id = str(uuid.uuid4())
    crypto.org_secrets_ensure(org_id)
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_rotate_many, args=(org_id, 10)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    stored = crypto._read(org_id)
    assert stored is not None
    assert (stored.current, sorted(stored.versions)) == (41, list(range(1, 42)))


def test_a_missing_key_is_never_silently_replaced(org, settings):
    from pathlib import Path

    (Path(settings.ALIANZA_KEY_STORE) / f"{org.pk}.json").unlink()  # e.g. a store not shared
    org.private_notes = "new notes"
    with pytest.raises(crypto.KeyMissing, match="has encrypted data"), transaction.atomic():
        org.save()
    with pytest.raises(crypto.KeyMissing):
        call_command("rotate_keys", "--org", org.slug, stdout=StringIO())
    assert not (Path(settings.ALIANZA_KEY_STORE) / f"{org.pk}.json").exists()


def test_an_organizations_first_encrypted_value_creates_its_key(db, settings):
    from pathlib import Path

    org = make_organization()
    assert not (Path(settings.ALIANZA_KEY_STORE) / f"{org.pk}.json").exists()
    org.private_notes = "first notes"
    org.save()
    assert Organization.objects.get(pk=org.pk).private_notes == "first notes"


def test_encrypting_does_not_take_the_key_store_lock_each_time(org, monkeypatch):
    crypto.encrypt("first", org_id=str(org.pk), context="t")  # may create and read the key
    taken = {"n": 0}
    real_enter = crypto._store_lock.__enter__

    def counting_enter(self):
        taken["n"] += 1
        return real_enter(self)

    monkeypatch.setattr(crypto._store_lock, "__enter__", counting_enter)
    for n in range(50):
        crypto.encrypt(f"value {n}", org_id=str(org.pk), context="t")
    assert taken["n"] == 0


def test_a_rotation_by_another_process_is_seen_at_the_next_encryption(org):
    org_id = str(org.pk)
    crypto.encrypt("before", org_id=org_id, context="t")
    remembered = dict(crypto._current_cache), dict(crypto._key_cache)
    new_version = crypto.org_secret_rotate(org_id)
    # This process still remembers the old version, as another process would.
    crypto._current_cache.update(remembered[0])
    crypto._key_cache.update(remembered[1])
    token = crypto.encrypt("after", org_id=org_id, context="t")
    assert crypto.parse_token(token)[1] == new_version
    assert crypto.decrypt(token, context="t") == "after"
