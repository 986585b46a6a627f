"""Encrypted backups: the whole database and the uploaded files in one authenticated file.

The file is an encrypted stream (AES-256-GCM in the STREAM construction of Hoang, Reyhanitabar,
Rogaway and Vizár, "Online Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance"):

    header = MAGIC | format version (1 byte) | salt (16) | nonce prefix (7) | key check (16)
    chunk i = AES-GCM(key, nonce = prefix | i (4 bytes, big-endian) | last (1 byte), plaintext
              of CHUNK_SIZE bytes (the last one shorter or empty), associated data = header)

The chunk key is derived (HKDF-SHA256) from the backup key and the file's random salt, so no
two files share a key. Every chunk authenticates the header, its own position and whether it
is the last one: a flipped byte, reordered or dropped chunks, and a file cut anywhere (even at
a chunk boundary) fail authentication. The key check (also derived from the backup key and the
salt) tells a wrong key apart from a damaged file before anything is decrypted.

Inside, the plaintext is a small archive of members (``manifest.json``, ``database``, then
``media/<path>``), each written as a name and length-prefixed frames, so a ``pg_dump`` whose
size nobody knows in advance streams straight through: memory stays flat whatever the size of
the database.

What is NOT in a backup, on purpose: the master key and the key store (one secret per
organization, outside the database). Keep them elsewhere. That is what makes destroying an
organization's secret (``destroy-org-key``) shred its data in every backup too.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import log_action

MAGIC = b"ALIANZA-BACKUP\x00"
FORMAT_VERSION = 1
SALT_SIZE = 16
PREFIX_SIZE = 7
CHECK_SIZE = 16
HEADER_SIZE = len(MAGIC) + 1 + SALT_SIZE + PREFIX_SIZE + CHECK_SIZE
CHUNK_SIZE = 1 << 20  # plaintext bytes per chunk; each sealed chunk is 16 bytes longer
TAG_SIZE = 16
FRAME_SIZE = 1 << 20  # the largest frame of one member inside the plaintext
MAX_COUNTER = 2**32 - 1

_MEMBER = b"M"
_END = b"E"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is translated and says what to do.
    Raised before anything is changed."""


# --- The key ------------------------------------------------------------------------------


def backup_key() -> bytes:
    """The backup key from ``ALIANZA_BACKUP_KEY`` (or ``..._FILE``): 32 random bytes, URL-safe
    base64, not the master key. Anything else is refused with a message saying why."""
    raw = (getattr(settings, "ALIANZA_BACKUP_KEY", "") or "").strip()
    if not raw:
        raise BackupError(
            _(
                "ALIANZA_BACKUP_KEY (or ALIANZA_BACKUP_KEY_FILE) is not set. Create a key with: "
                'python -c "import os,base64;print(base64.urlsafe_b64encode(os.urandom(32)).decode())" '
                "and keep a copy away from the server and from the backups."
            )
        )
    try:
        key = base64.b64decode(raw + "=" * (-len(raw) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise BackupError(_("ALIANZA_BACKUP_KEY must be 32 random bytes, URL-safe base64 encoded (not a passphrase)."))
    if len(set(key)) < 12:  # 32 random bytes have ~31 distinct values; this is a pattern
        raise BackupError(_("ALIANZA_BACKUP_KEY is too weak (it repeats a pattern): create a random one."))
    master = (getattr(settings, "ALIANZA_MASTER_KEY", "") or "").strip()
    if master and master.rstrip("=") == raw.rstrip("="):
        raise BackupError(
            _("ALIANZA_BACKUP_KEY must not be the master key: a stolen backup must not carry the key to its fields.")
        )
    return key


def _derive(key: bytes, salt: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=f"alianza/backup/v1/{purpose}".encode()).derive(
        key
    )


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    if counter > MAX_COUNTER:
        raise BackupError(_("The backup is too large for this file format."))
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


# --- The encrypted stream -------------------------------------------------------------------


class EncryptingWriter:
    """Seals what is written into chunks and writes them to ``fh``. ``close()`` seals the last
    chunk (possibly empty): without it the file is refused as truncated."""

    def __init__(self, fh: BinaryIO, key: bytes) -> None:
        salt = os.urandom(SALT_SIZE)
        self._prefix = os.urandom(PREFIX_SIZE)
        self._aead = AESGCM(_derive(key, salt, "data"))
        check = _derive(key, salt, "check")[:CHECK_SIZE]
        self.header = MAGIC + bytes([FORMAT_VERSION]) + salt + self._prefix + check
        self._fh = fh
        self._fh.write(self.header)
        self._buffer = bytearray()
        self._counter = 0
        self.closed = False

    def _seal(self, data: bytes, *, last: bool) -> None:
        self._fh.write(self._aead.encrypt(_nonce(self._prefix, self._counter, last), data, self.header))
        self._counter += 1

    def write(self, data: bytes) -> None:
        self._buffer += data
        # Keep at least one byte back: the last chunk is only known at close().
        while len(self._buffer) > CHUNK_SIZE:
            self._seal(bytes(self._buffer[:CHUNK_SIZE]), last=False)
            del self._buffer[:CHUNK_SIZE]

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self.closed = True


@dataclass(frozen=True)
class _Header:
    raw: bytes
    salt: bytes
    prefix: bytes
    check: bytes


def _read_header(fh: BinaryIO) -> _Header:
    raw = fh.read(HEADER_SIZE)
    if len(raw) < len(MAGIC) + 1 or not raw.startswith(MAGIC):
        raise BackupError(_("This is not an Alianza backup file."))
    version = raw[len(MAGIC)]
    if version != FORMAT_VERSION:
        raise BackupError(
            _("This backup uses format version %(version)s, which this version of Alianza cannot read.")
            % {"version": version}
        )
    if len(raw) < HEADER_SIZE:
        raise BackupError(_("The backup file is truncated: it ends inside its header."))
    at = len(MAGIC) + 1
    salt = raw[at : at + SALT_SIZE]
    prefix = raw[at + SALT_SIZE : at + SALT_SIZE + PREFIX_SIZE]
    check = raw[at + SALT_SIZE + PREFIX_SIZE :]
    return _Header(raw=raw, salt=salt, prefix=prefix, check=check)


def decrypted_chunks(fh: BinaryIO, key: bytes) -> Iterator[bytes]:
    """The plaintext of ``fh``, chunk by chunk, each authenticated before it is given out.
    Raises ``BackupError`` for a wrong key, a damaged, reordered or truncated file."""
    header = _read_header(fh)
    if _derive(key, header.salt, "check")[:CHECK_SIZE] != header.check:
        raise BackupError(
            _(
                "This backup cannot be opened with this key: it was made with another ALIANZA_BACKUP_KEY, "
                "or its header is damaged. Nothing was changed."
            )
        )
    aead = AESGCM(_derive(key, header.salt, "data"))
    sealed_size = CHUNK_SIZE + TAG_SIZE
    counter = 0
    current = fh.read(sealed_size)
    while True:
        following = fh.read(sealed_size) if len(current) == sealed_size else b""
        last = not following
        if len(current) < TAG_SIZE:
            raise BackupError(_("The backup file is truncated or damaged. Nothing was changed."))
        try:
            plain = aead.decrypt(_nonce(header.prefix, counter, last), current, header.raw)
        except InvalidTag:
            raise BackupError(
                _("The backup file was modified, damaged or truncated (it failed authentication). Nothing was changed.")
            ) from None
        yield plain
        if last:
            return
        counter += 1
        current = following


# --- The archive inside the stream ------------------------------------------------------------


class ArchiveWriter:
    """Members written as: ``M`` | name length (2 bytes) | name | frames of (length (4 bytes) |
    bytes) | a zero length. ``E`` ends the archive."""

    def __init__(self, out: EncryptingWriter) -> None:
        self._out = out

    def add(self, name: str, chunks: Iterable[bytes]) -> int:
        encoded = name.encode()
        self._out.write(_MEMBER + struct.pack(">H", len(encoded)) + encoded)
        size = 0
        for chunk in chunks:
            for at in range(0, len(chunk), FRAME_SIZE):
                frame = chunk[at : at + FRAME_SIZE]
                self._out.write(struct.pack(">I", len(frame)))
                self._out.write(frame)
                size += len(frame)
        self._out.write(struct.pack(">I", 0))
        return size

    def finish(self) -> None:
        self._out.write(_END)
        self._out.close()


class _PlainReader:
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()

    def read_exact(self, size: int) -> bytes:
        while len(self._buffer) < size:
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                raise BackupError(_("The backup file is incomplete: its contents end early.")) from None
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def at_end(self) -> bool:
        if self._buffer:
            return False
        for chunk in self._chunks:
            if chunk:
                self._buffer += chunk
                return False
        return True


def _file_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        while chunk := fh.read(FRAME_SIZE):
            yield chunk


def _safe_member_path(root: Path, name: str) -> Path:
    parts = Path(name).parts
    if not parts or Path(name).is_absolute() or any(p in ("..", "") for p in parts):
        raise BackupError(_("The backup contains a file name that is not allowed: %(name)s") % {"name": name})
    return root.joinpath(*parts)


def archive_extract(fh: BinaryIO, key: bytes, into: Path) -> dict[str, Any]:
    """Decrypt and unpack the whole backup into the directory ``into`` (authenticating every
    chunk, and the end of the file). Returns the manifest. Nothing outside ``into`` is touched."""
    reader = _PlainReader(decrypted_chunks(fh, key))
    manifest: dict[str, Any] | None = None
    while True:
        kind = reader.read_exact(1)
        if kind == _END:
            break
        if kind != _MEMBER:
            raise BackupError(_("The backup's contents are not in the expected format."))
        (length,) = struct.unpack(">H", reader.read_exact(2))
        name = reader.read_exact(length).decode("utf-8", errors="replace")
        target = _safe_member_path(into, name)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(target, "wb") as out:
            while True:
                (size,) = struct.unpack(">I", reader.read_exact(4))
                if not size:
                    break
                out.write(reader.read_exact(size))
        if name == "manifest.json":
            manifest = json.loads(target.read_text())
    if not reader.at_end():
        raise BackupError(_("The backup's contents are not in the expected format."))
    if manifest is None or not (into / "database").exists():
        raise BackupError(_("The backup has no database in it."))
    return manifest


# --- Backing up ------------------------------------------------------------------------------


def _pg_command(name: str) -> str:
    bin_dir = getattr(settings, "ALIANZA_PG_BIN_DIR", "")
    path = str(Path(bin_dir) / name) if bin_dir else shutil.which(name)
    if not path or not Path(path).exists():
        raise BackupError(
            _(
                "%(program)s was not found. Install the PostgreSQL client of the same version as the server "
                "(or set ALIANZA_PG_BIN_DIR)."
            )
            % {"program": name}
        )
    return path


def pg_connection_args(alias: str = "default") -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment for pg_dump/pg_restore/psql to reach a database."""
    params = connections[alias].settings_dict
    args = []
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    args += ["--dbname", str(params["NAME"]), "--no-password"]
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    sslmode = (params.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def _pg_dump_chunks(alias: str, errors: IO[bytes]) -> Iterator[bytes]:
    args, env = pg_connection_args(alias)
    process = subprocess.Popen(  # noqa: S603 — fixed program and options, no shell
        [_pg_command("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", *args],
        stdout=subprocess.PIPE,
        stderr=errors,
        env=env,
    )
    assert process.stdout is not None
    try:
        while chunk := process.stdout.read(FRAME_SIZE):
            yield chunk
    finally:
        process.stdout.close()
        code = process.wait()
    if code != 0:
        errors.seek(0)
        message = errors.read().decode(errors="replace").strip()
        raise BackupError(_("pg_dump failed: %(message)s") % {"message": message})


def _sqlite_chunks(alias: str, work: Path) -> Iterator[bytes]:
    connection = connections[alias]
    connection.ensure_connection()
    copy = work / "database.sqlite3"
    target = sqlite3.connect(copy)
    try:
        # The online backup API: a consistent copy while the site keeps running.
        connection.connection.backup(target)
    finally:
        target.close()
    yield from _file_chunks(copy)
    copy.unlink()


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(name inside the backup, path) of every regular file under the media directory."""
    if not root.is_dir():
        return
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(directory) / filename
            if path.is_file() and not path.is_symlink():
                yield "media/" + path.relative_to(root).as_posix(), path


@dataclass(frozen=True)
class BackupResult:
    path: Path
    engine: str
    size: int
    database_bytes: int
    media_files: int


def backup_create(
    *,
    out: Path,
    alias: str = "default",
    tmp_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> BackupResult:
    """Write an encrypted backup of the database and the media files to ``out`` (written
    beside it first and renamed when complete, readable by the owner only)."""
    key = backup_key()
    out = Path(out)
    if out.exists():
        raise BackupError(_("%(path)s already exists: choose a new file name.") % {"path": out})
    if not out.parent.is_dir():
        raise BackupError(_("The folder %(path)s does not exist.") % {"path": out.parent})
    connection = connections[alias]
    engine = connection.vendor
    if engine not in ("sqlite", "postgresql"):
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(engine)s.") % {"engine": engine})
    media_root = Path(settings.MEDIA_ROOT)
    partial = out.with_name(f".{out.name}.partial")
    manifest = {
        "format": FORMAT_VERSION,
        "engine": engine,
        "created_at": timezone.now().isoformat(),
        "database_format": "sqlite3" if engine == "sqlite" else "pg_dump-custom",
    }
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    media_count = 0
    try:
        with os.fdopen(fd, "wb") as fh, tempfile.TemporaryDirectory(dir=tmp_dir, prefix="alianza-backup-") as work:
            writer = EncryptingWriter(fh, key)
            archive = ArchiveWriter(writer)
            archive.add("manifest.json", [json.dumps(manifest).encode()])
            if progress:
                progress(_("Backing up the database…"))
            if engine == "sqlite":
                database_bytes = archive.add("database", _sqlite_chunks(alias, Path(work)))
            else:
                with tempfile.TemporaryFile(dir=work) as errors:
                    database_bytes = archive.add("database", _pg_dump_chunks(alias, errors))
            if progress:
                progress(_("Backing up the uploaded files…"))
            for name, path in media_files(media_root):
                archive.add(name, _file_chunks(path))
                media_count += 1
            archive.finish()
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    size = out.stat().st_size
    log_action(
        actor=None,
        organization=None,
        action="core.backup.created",
        data={"engine": engine, "bytes": size, "media_files": media_count},
    )
    return BackupResult(path=out, engine=engine, size=size, database_bytes=database_bytes, media_files=media_count)


# --- Restoring --------------------------------------------------------------------------------


def database_is_empty(alias: str = "default") -> bool:
    with connections[alias].cursor() as cursor:
        return not connections[alias].introspection.table_names(cursor)


def _media_is_empty(root: Path) -> bool:
    return next(media_files(root), None) is None


def backup_verify(*, path: Path, tmp_dir: Path | None = None) -> dict[str, Any]:
    """Decrypt and check a whole backup without restoring anything. Returns its manifest."""
    key = backup_key()
    with open(path, "rb") as fh, tempfile.TemporaryDirectory(dir=tmp_dir, prefix="alianza-verify-") as work:
        return archive_extract(fh, key, Path(work))


def backup_restore(
    *,
    path: Path,
    alias: str = "default",
    tmp_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Restore a backup into an empty database (and an empty media folder).

    The whole file is decrypted and authenticated into a private temporary folder first; only
    then is the database written. A wrong key, a damaged or truncated file, a non-empty
    database or a backup of another database engine are refused before anything changes."""
    key = backup_key()
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("%(path)s is not a file.") % {"path": path})
    connection = connections[alias]
    engine = connection.vendor
    if not database_is_empty(alias):
        raise BackupError(
            _(
                "The database is not empty: restore only into a new, empty database "
                "(create it, point DATABASE_URL at it, and do not run migrate first). Nothing was changed."
            )
        )
    media_root = Path(settings.MEDIA_ROOT)
    if not _media_is_empty(media_root):
        raise BackupError(
            _("The media folder %(path)s is not empty: restore into an empty one. Nothing was changed.")
            % {"path": media_root}
        )
    with open(path, "rb") as fh, tempfile.TemporaryDirectory(dir=tmp_dir, prefix="alianza-restore-") as work:
        work_path = Path(work)
        if progress:
            progress(_("Checking and decrypting the whole backup…"))
        manifest = archive_extract(fh, key, work_path)
        if manifest.get("engine") != engine:
            raise BackupError(
                _("This is a backup of a %(backup)s database; this installation uses %(engine)s. Nothing was changed.")
                % {"backup": manifest.get("engine"), "engine": engine}
            )
        if progress:
            progress(_("Restoring the database…"))
        if engine == "sqlite":
            _sqlite_restore(alias, work_path / "database")
        else:
            _pg_restore(alias, work_path / "database")
        if progress:
            progress(_("Restoring the uploaded files…"))
        media_dir = work_path / "media"
        if media_dir.is_dir():
            for name, source in media_files(media_dir):
                target = _safe_member_path(media_root, name.removeprefix("media/"))
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(source, target)
    log_action(
        actor=None,
        organization=None,
        action="core.backup.restored",
        data={"engine": engine, "created_at": manifest.get("created_at", "")},
    )
    return manifest


def _sqlite_restore(alias: str, source_path: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    source = sqlite3.connect(source_path)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _pg_restore(alias: str, source_path: Path) -> None:
    args, env = pg_connection_args(alias)
    result = subprocess.run(  # noqa: S603 — fixed program and options, no shell
        [
            _pg_command("pg_restore"),
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            *args,
            str(source_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            _("pg_restore failed (nothing was restored): %(message)s")
            % {"message": result.stderr.decode(errors="replace").strip()}
        )
