"""Importing people from CSV or XLSX files.

The file is read as a stream (UTF-8 with or without BOM, or Windows-1252/Latin-1; `,` `;` or
tab delimited; XLSX through openpyxl's read-only mode), so memory does not grow with its size:
matches, with earlier rows of the same file too, are looked up in the database. Every data row
ends in exactly one of: created, updated, skipped, rejected — the four counts always add up to
the rows in the file (blank lines are not rows). A bad row never stops the import: it is kept
with its reason, for download. Rows are written in batches, each batch in its own transaction
together with the job's progress, so a retried task resumes where the last one stopped. New
people are written without model instances (``core.bulk_insert``: COPY on PostgreSQL).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import json
import queue
import re
import threading
import unicodedata
import uuid
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import phonenumbers
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scope

from alianza.core.audit import log_action
from alianza.core.bulk_insert import allocate_ids, insert_rows
from alianza.core.crypto import EncryptedTextField, org_secrets_ensure
from alianza.core.models import Organization, User

from .contact import _US_SHAPE, DEFAULT_REGION, phone_e164_fast
from .custom_fields import custom_fields_of, custom_values_clean
from .duplicates import pair_record
from .models import CustomField, ImportColumnChoice, ImportJob, ImportRejection, Person, PersonEmail, PersonPhone, Tag

BATCH_SIZE = 5000
PREVIEW_ROWS = 10

# Person fields a column can be mapped to.
FIELDS: dict[str, Any] = {
    "given_name": gettext_lazy("Given name"),
    "family_name": gettext_lazy("Family name"),
    "full_name": gettext_lazy("Full name (split at the last space)"),
    "preferred_name": gettext_lazy("Preferred name"),
    "pronouns": gettext_lazy("Pronouns"),
    "preferred_language": gettext_lazy("Preferred language"),
    "email": gettext_lazy("E-mail"),
    "phone": gettext_lazy("Phone"),
    "street": gettext_lazy("Street address"),
    "city": gettext_lazy("City"),
    "county": gettext_lazy("County"),
    "state": gettext_lazy("State"),
    "zip_code": gettext_lazy("ZIP code"),
    "tags": gettext_lazy("Tags (separated by commas)"),
    "notes": gettext_lazy("Notes"),
}

# Header words that suggest a field (English, Spanish, Portuguese, French, Haitian Creole).
SYNONYMS = {
    "given_name": ["first name", "firstname", "given name", "nombre", "nombres", "primeiro nome", "prenom", "non"],
    "family_name": ["last name", "lastname", "surname", "family name", "apellido", "apellidos", "sobrenome", "nom",
                    "siyati"],
    "full_name": ["name", "full name", "nombre completo", "nome", "nome completo"],
    "preferred_name": ["preferred name", "nickname", "apodo"],
    "pronouns": ["pronouns", "pronombres"],
    "preferred_language": ["language", "preferred language", "idioma", "lengua", "langue", "lang"],
    "email": ["email", "e mail", "email address", "correo", "correo electronico", "courriel", "imel"],
    "phone": ["phone", "phone number", "mobile", "cell", "cell phone", "telefono", "celular", "movil", "telefone",
              "telephone", "whatsapp"],
    "street": ["address", "street", "street address", "address 1", "direccion", "endereco", "adresse"],
    "city": ["city", "ciudad", "cidade", "ville", "town"],
    "county": ["county", "condado"],
    "state": ["state", "estado", "province"],
    "zip_code": ["zip", "zip code", "zipcode", "postal code", "codigo postal", "cep", "code postal"],
    "tags": ["tags", "etiquetas", "labels"],
    "notes": ["notes", "notas", "note", "comments", "comentarios"],
}  # fmt: skip


CUSTOM = "custom:"  # a mapping target "custom:<key>" fills the organization's custom field <key>


def mapping_targets(organization: Organization) -> dict[str, str]:
    """Every field a column can fill: the person's own, then the organization's custom fields
    (archived ones too: their values are kept)."""
    targets = {name: str(label) for name, label in FIELDS.items()}
    for definition in custom_fields_of(organization):
        targets[CUSTOM + definition.key] = str(definition.label) or definition.key
    return targets


class ImportFileError(Exception):
    """The file cannot be read at all (not a CSV or XLSX, or empty); the message is shown."""


def _simplify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


_SYNONYM_INDEX = {_simplify(word): name for name, words in SYNONYMS.items() for word in words}


# --- Reading ----------------------------------------------------------------------------------


def _detect_encoding(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        # UTF-8 if the whole file is valid UTF-8; else Windows-1252 (Excel's "CSV" on Windows) if
        # valid as that; else Latin-1, which decodes any byte, so no file is refused for it.
        for encoding in ("utf-8", "cp1252"):
            fh.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                while chunk := fh.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return encoding
    return "latin-1"


def _is_xlsx(path: Path) -> bool:
    return zipfile.is_zipfile(path)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_rows(path: Path) -> Iterator[list[str]]:
    """Every row of the file (the header first) as a list of stripped, NFC-normalised texts."""
    if _is_xlsx(path):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:
            raise ImportFileError(_("This spreadsheet cannot be read: %(error)s") % {"error": exc}) from exc
        try:
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                yield [unicodedata.normalize("NFC", _cell_text(v)).strip() for v in row]
        finally:
            workbook.close()
        return
    with _open_csv(path) as (fh, dialect):
        for row in csv.reader(_nfc_lines(fh), dialect):
            yield [cell.strip() for cell in row]


@contextlib.contextmanager
def _open_csv(path: Path) -> Iterator[tuple[io.TextIOWrapper, Any]]:
    """The CSV file opened in its encoding, with its dialect (delimiter, quoting)."""
    with open(path, encoding=_detect_encoding(path), newline="") as fh:
        sample = fh.read(64 * 1024)
        fh.seek(0)
        if "\0" in sample:
            raise ImportFileError(_("This is not a CSV or XLSX file."))
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        yield fh, dialect


def _count_data_rows(path: Path) -> int:
    """How many rows ``_data_rows`` will give, for the progress bar — without normalising every
    cell (whether a row is blank does not change under NFC)."""
    if _is_xlsx(path):
        return sum(1 for _row in _data_rows(path))
    with _open_csv(path) as (fh, dialect):
        rows = csv.reader(fh, dialect)
        next(rows, None)
        return sum(1 for row in rows if any(cell.strip() for cell in row))


def _nfc_lines(lines: Iterator[str]) -> Iterator[str]:
    """Lines in Unicode NFC. Normalising a whole line gives the same cells as normalising each
    cell: no delimiter or quote character composes with a following combining mark."""
    normalize, is_normalized = unicodedata.normalize, unicodedata.is_normalized
    for line in lines:
        yield line if line.isascii() or is_normalized("NFC", line) else normalize("NFC", line)


def _data_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number in the file, cells) of every non-blank row after the header."""
    rows = read_rows(path)
    next(rows, None)
    for number, row in enumerate(rows, start=2):
        if any(row):
            yield number, row


def file_header(path: Path) -> list[str]:
    try:
        header = next(read_rows(path), None)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ImportFileError(_("This file cannot be read as CSV: %(error)s") % {"error": exc}) from exc
    if not header or not any(header):
        raise ImportFileError(_("The file is empty, or its first row has no column names."))
    return header


# --- Mapping ------------------------------------------------------------------------------------


def mapping_suggest(*, organization: Organization, headers: list[str]) -> dict[str, str]:
    """Column index → field: what this organization chose last time for the same header, else
    a known synonym or a custom field's name. Each field is used once."""
    targets = mapping_targets(organization)
    with scope(organization=organization):
        remembered = {
            header: choice
            for header, choice in ImportColumnChoice.objects.values_list("header", "field")
            if choice == "ignore" or choice in targets  # a custom field may have been deleted
        }
    named = {_simplify(label): name for name, label in targets.items() if name.startswith(CUSTOM)}
    named.update({_simplify(name.removeprefix(CUSTOM)): name for name in targets if name.startswith(CUSTOM)})
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        key = _simplify(header)
        choice = remembered.get(key[:200]) or _SYNONYM_INDEX.get(key) or named.get(key)
        if choice and (choice == "ignore" or choice not in used):
            mapping[str(index)] = choice
            used.add(choice)
    return {k: v for k, v in mapping.items() if v != "ignore"}


def mapping_remember(*, organization: Organization, headers: list[str], mapping: dict[str, str]) -> None:
    with scope(organization=organization):
        for index, header in enumerate(headers):
            key = _simplify(header)[:200]
            if key:
                ImportColumnChoice.objects.update_or_create(
                    organization=organization, header=key, defaults={"field": mapping.get(str(index), "ignore")}
                )


# --- Validating one row ---------------------------------------------------------------------------

# A strict subset of what Django's validator accepts (dot-atom local part, hostname labels), so
# the fast path never accepts an address the authority would refuse; anything else goes to it.
EMAIL_FAST = re.compile(
    r"^[a-z0-9_%+\-]+(?:\.[a-z0-9_%+\-]+)*@(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)


EMAIL_MAX = PersonEmail._meta.get_field("email").max_length or 254


def _email(raw: str) -> str | None:
    """The address, lower-cased, or None if it is not one. (Longer than the column: the caller
    says so.)"""
    email = raw.strip().lower()
    if EMAIL_FAST.match(email):
        return email
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:  # the fast pattern is conservative; Django's validator is the authority
        validate_email(email)
    except ValidationError:
        return None
    return email


_PREFIX_VALID: dict[str, bool] = {}


def _phone(raw: str) -> str | None:
    # phonenumbers is the authority; phone_e164_fast answers only for US numbers it is sure of.
    # Whether a plain US number is valid depends only on its area code and exchange (every US
    # pattern of phonenumbers ends in four free digits; a test checks this against the
    # metadata), so the answer is remembered per those six digits.
    shape = _US_SHAPE.match(raw) if DEFAULT_REGION == "US" else None
    if shape is not None:
        national = "".join(shape.groups())
        valid = _PREFIX_VALID.get(national[:6])
        if valid is None:
            if len(_PREFIX_VALID) > 200_000:  # at most 800,000 prefixes exist; keep it small
                _PREFIX_VALID.clear()
            valid = _PREFIX_VALID[national[:6]] = phone_e164_fast(national) is not None
        if valid:
            return "+1" + national
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _language_key(text: str) -> str:
    """A language as people write it, compared without case, accents or punctuation, in any
    script ("Español" = "espanol", "العربيّة" = "العربية", "es_MX" = "es mx")."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"[^\W_]+", text))


def _language_index() -> dict[str, str]:
    from django.utils.translation import get_language_info

    index: dict[str, str] = {}
    for code, name in settings.ALL_LANGUAGES:
        info = get_language_info(code)
        for label in (code, str(name), info["name"], info["name_local"], code.split("-")[0]):
            index[_language_key(label)] = code
    index.update(
        {
            _language_key(k): v
            for k, v in {
                "espanol": "es",
                "spanish": "es",
                "creole": "ht",
                "kreyol": "ht",
                "chinese": "zh-hans",
                "mandarin": "zh-hans",
                "cantonese": "zh-hant",
                "castellano": "es",
                "eng": "en",
                "esp": "es",
                "span": "es",
                "port": "pt",
                "portugues": "pt",
                "francais": "fr",
                "creole haitien": "ht",
                "kreyol ayisyen": "ht",
                "tieng viet": "vi",
                "arabe": "ar",
                "coreano": "ko",
                # in their own scripts, beyond Django's local names
                "中文": "zh-hans",
                "汉语": "zh-hans",
                "普通话": "zh-hans",
                "國語": "zh-hant",
                "廣東話": "zh-hant",
                "广东话": "zh-hant",
                "粵語": "zh-hant",
                "عربي": "ar",
                "한국말": "ko",
            }.items()
        }
    )
    return index


FIELD_LIMITS: dict[str, int] = {f.name: f.max_length for f in Person._meta.concrete_fields if f.max_length is not None}


@dataclass
class Row:
    number: int
    values: dict[str, str] = field(default_factory=dict)
    email: str = ""
    phone: str = ""
    tags: list[str] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)  # custom field key → typed value
    person_values: tuple[Any, ...] | None = None  # for a new person's row (see _person_values)


@dataclass(frozen=True)
class RowContext:
    """What checking a row needs to know, loaded once per import: language names and the
    organization's custom fields (key → definition). It also remembers, for the length of one
    import, answers that repeat across rows (a mapping's column plan, how a language or a tag
    list was written): files repeat these a lot, and each costs more to work out than to look up."""

    languages: dict[str, str]
    custom: dict[str, CustomField]
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, organization: Organization) -> RowContext:
        return cls(languages=_language_index(), custom={f.key: f for f in custom_fields_of(organization)})

    def plan(self, mapping: dict[str, str]) -> _Plan:
        known = self.memo.get(("plan", id(mapping)))
        if known is not None and known[0] is mapping and known[1] == mapping:
            return known[2]  # type: ignore[no-any-return]
        plan = _Plan.of(mapping)
        self.memo[("plan", id(mapping))] = (mapping, dict(mapping), plan)
        return plan

    def language(self, text: str) -> str | None:
        """The language code of what someone wrote, or None if it is not one we know."""
        cache = self._cache("language")
        if text not in cache:
            key = _language_key(text)
            # Regional variants count as their language: es-MX, pt_BR, en-US.
            cache[text] = (self.languages.get(key) or self.languages.get(key.split(" ")[0])) if key else None
        return cache[text]

    def tags(self, text: str) -> list[str]:
        cache = self._cache("tags")
        tags = cache.get(text)
        if tags is None:
            tags = cache[text] = [t.strip()[:80] for t in text.split(",") if t.strip()]
        return list(tags)

    def _cache(self, name: str) -> dict[str, Any]:
        cache: dict[str, Any] | None = self.memo.get(name)
        if cache is None or len(cache) > MEMO_LIMIT:  # bounded: a file of all-different values
            cache = self.memo[name] = {}
        return cache


MEMO_LIMIT = 50_000


@dataclass(frozen=True)
class _Plan:
    """A mapping compiled for checking rows: (column index, field) pairs, with the custom
    fields apart, and the length limit of each person field."""

    columns: tuple[tuple[int, str], ...]
    custom: tuple[tuple[int, str], ...]
    limits: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, mapping: dict[str, str]) -> _Plan:
        columns = tuple((int(i), f) for i, f in mapping.items() if not f.startswith(CUSTOM))
        custom = tuple((int(i), f.removeprefix(CUSTOM)) for i, f in mapping.items() if f.startswith(CUSTOM))
        fields = {f for _i, f in columns}
        if "full_name" in fields:  # it fills these two
            fields |= {"given_name", "family_name"}
        limits = tuple((f, FIELD_LIMITS[f]) for f in sorted(fields) if f in FIELD_LIMITS)
        return cls(columns=columns, custom=custom, limits=limits)


_EMPTY: dict[str, Any] = {}


def row_validate(number: int, cells: list[str], mapping: dict[str, str], context: RowContext) -> Row | str:
    """A clean ``Row``, or the reason (translated) the row is rejected."""
    plan = context.plan(mapping)
    width = len(cells)
    raw = {f: cells[i] if i < width else "" for i, f in plan.columns}
    row = Row(number=number)
    if plan.custom:
        custom_raw = {key: cells[i] if i < width else "" for i, key in plan.custom}
        values, errors = custom_values_clean(raw=custom_raw, definitions=context.custom)
        if errors:
            return " ".join(errors)
        row.custom = {key: value for key, value in values.items() if value is not None}
    if "full_name" in raw:
        full = raw.pop("full_name")
        if full:
            first, _sep, last = full.rpartition(" ")
            raw.setdefault("given_name", first or last)
            raw.setdefault("family_name", last if first else "")
            if not raw["given_name"] or raw["given_name"] == raw.get("family_name"):
                raw["family_name"] = "" if not first else raw["family_name"]
    email_raw = raw.pop("email", "")
    if email_raw:
        email = _email(email_raw)
        if email is None:
            return _("“%(value)s” is not a valid e-mail address.") % {"value": email_raw[:100]}
        if len(email) > EMAIL_MAX:
            return _("The e-mail address is longer than %(limit)s characters.") % {"limit": EMAIL_MAX}
        row.email = email
    phone_raw = raw.pop("phone", "")
    if phone_raw:
        phone = _phone(phone_raw)
        if phone is None:
            return _("“%(value)s” is not a valid phone number.") % {"value": phone_raw[:100]}
        row.phone = phone
    if not (row.email or row.phone):
        return _("No e-mail address or phone number.")
    language = raw.get("preferred_language")
    if language:
        code = context.language(language)
        if code is None:
            return _("“%(value)s” is not a language we know.") % {"value": language[:50]}
        raw["preferred_language"] = code
    tags = raw.pop("tags", "")
    if tags:
        row.tags = context.tags(tags)
    for name, limit in plan.limits:
        value = raw.get(name)
        if value is not None and len(value) > limit:
            return _("The %(field)s is longer than %(limit)s characters.") % {
                "field": FIELDS[name],
                "limit": limit,
            }
    row.values = raw
    return row


def preview(*, job: ImportJob, path: Path, mapping: dict[str, str]) -> list[tuple[int, list[str], str]]:
    """The first rows as (row number, cells, problem or "") for the mapping page."""
    context = RowContext.load(job.organization)
    shown = []
    for number, cells in _data_rows(path):
        result = row_validate(number, cells, mapping, context)
        shown.append((number, cells, result if isinstance(result, str) else ""))
        if len(shown) >= PREVIEW_ROWS:
            break
    return shown


# --- The operations ------------------------------------------------------------------------------


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


STALE_UPLOAD = dt.timedelta(days=1)


def import_uploads_purge(*, organization: Organization, older_than: dt.timedelta = STALE_UPLOAD) -> int:
    """Delete uploaded files that an import no longer needs: drafts never started and failed
    imports, after ``older_than``. (The daily retention run will call this too.)"""
    cutoff = timezone.now() - older_than
    purged = 0
    with scope(organization=organization):
        stale = ImportJob.objects.filter(
            status__in=[ImportJob.Status.DRAFT, ImportJob.Status.FAILED], created_at__lt=cutoff
        ).exclude(stored_path="")
        for job in stale:
            Path(job.stored_path).unlink(missing_ok=True)
            ImportJob.objects.filter(pk=job.pk).update(
                stored_path="", status=ImportJob.Status.FAILED, error="The uploaded file was deleted after a day."
            )
            purged += 1
    return purged


def import_job_create(
    *, organization: Organization, actor: User | None, file_name: str, chunks: Iterator[bytes], on_match: str
) -> ImportJob:
    """Store the upload (readable by the app only) and read its header. Uploads left unused for
    a day by this organization are deleted on the way."""
    import_uploads_purge(organization=organization)
    stored = upload_dir() / f"{uuid.uuid4().hex}{Path(file_name).suffix.lower()[:8]}"
    with open(stored, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
    stored.chmod(0o600)
    try:
        headers = file_header(stored)
    except ImportFileError:
        stored.unlink(missing_ok=True)
        raise
    with transaction.atomic(), scope(organization=organization):
        job = ImportJob(
            organization=organization,
            created_by=actor,
            file_name=file_name[:255],
            stored_path=str(stored),
            headers=headers,
            on_match=on_match,
        )
        job.mapping = mapping_suggest(organization=organization, headers=headers)
        job.full_clean()
        job.save()
        log_action(
            actor=actor,
            organization=organization,
            action="people.import_job.uploaded",
            obj=job,
            data={"columns": len(headers)},
        )
    return job


def import_job_start(*, job: ImportJob, actor: User | None, mapping: dict[str, str], enqueue: bool = True) -> ImportJob:
    """Fix the mapping (remembered for next time) and queue the import (or leave it to the
    caller to run, for the command)."""
    from .tasks import people_import_run

    unknown = set(mapping.values()) - set(mapping_targets(job.organization))
    if unknown:
        raise ImportFileError(_("Choose fields from the list."))
    values = list(mapping.values())
    if len(values) != len(set(values)):
        raise ImportFileError(_("Each field can take one column only."))
    if not {"email", "phone"} & set(values):
        raise ImportFileError(_("Choose the column with e-mail addresses or the one with phone numbers."))
    with transaction.atomic(), scope(organization=job.organization):
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportJob.Status.DRAFT:
            raise ImportFileError(_("This import has already started."))
        job.mapping = mapping
        job.status = ImportJob.Status.QUEUED
        job.save(update_fields=["mapping", "status"])
        mapping_remember(organization=job.organization, headers=job.headers, mapping=mapping)
        log_action(
            actor=actor,
            organization=job.organization,
            action="people.import_job.started",
            obj=job,
            data={"fields": sorted(values), "on_match": job.on_match},
        )
        if enqueue:
            transaction.on_commit(
                lambda: people_import_run.enqueue(job_id=job.pk, organization_id=str(job.organization_id))
            )
    return job


def import_job_run(*, job: ImportJob) -> ImportJob:
    """Import every row (resuming after ``rows_done``). Called by the task and the command. If
    it stops on an error, the job is marked failed (and can be run again: it resumes)."""
    try:
        return _run(job)
    except Exception as exc:
        # Never the exception's text: a database error can quote a row's e-mail or phone.
        with scope(organization=job.organization):
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.FAILED, error=f"{type(exc).__name__} (see the log)"
            )
        raise


def _run(job: ImportJob) -> ImportJob:
    organization = job.organization
    path = Path(job.stored_path)
    with scope(organization=organization):
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, error="")
        if job.rows_total is None:
            ImportJob.objects.filter(pk=job.pk).update(rows_total=_count_data_rows(path))
        # Reading and checking the next batches (pure Python) runs in a thread while this one
        # waits for the database to write the current batch: the two use both cores. The thread
        # never uses the database: the organization's key is made ready here, before it starts.
        org_secrets_ensure(str(organization.pk))
        context = RowContext.load(organization)
        reader = _checked_batches(job, path, skip=job.rows_done, context=context)
        with contextlib.closing(_prefetched(reader)) as batches:
            for checked in batches:
                _import_batch(job, checked)
        path.unlink(missing_ok=True)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE, finished_at=timezone.now(), stored_path=""
        )
        job.refresh_from_db()
        log_action(
            actor=job.created_by,
            organization=organization,
            action="people.import_job.finished",
            obj=job,
            data={
                "rows": job.rows_total,
                "created": job.created,
                "updated": job.updated,
                "skipped": job.skipped,
                "rejected": job.rejected,
            },
        )
    return job


@dataclass
class _Checked:
    """One batch of the file, checked: its size, the valid rows (with their cells, for a later
    rejection) and the rejected ones."""

    size: int
    rows: list[tuple[Row, list[str]]]
    rejections: list[ImportRejection]


def _checked_batches(job: ImportJob, path: Path, *, skip: int, context: RowContext) -> Iterator[_Checked]:
    """The file's batches after the first ``skip`` rows (done by an earlier run), checked. No
    database access: this runs in the reader thread."""
    batch: list[tuple[int, list[str]]] = []
    position = 0
    for number, cells in _data_rows(path):
        position += 1
        if position <= skip:
            continue
        batch.append((number, cells))
        if len(batch) >= BATCH_SIZE:
            yield _check(job, batch, context)
            batch = []
    if batch:
        yield _check(job, batch, context)


def _check(job: ImportJob, batch: list[tuple[int, list[str]]], context: RowContext) -> _Checked:
    checked = _Checked(size=len(batch), rows=[], rejections=[])
    org_id = str(job.organization_id)
    for number, cells in batch:
        result = row_validate(number, cells, job.mapping, context)
        if isinstance(result, str):
            checked.rejections.append(_rejection(job, number, cells, result))
        else:
            result.person_values = _person_values(org_id=org_id, row=result)
            checked.rows.append((result, cells))
    return checked


_BLANK = {f.name: f.get_default() for f in Person._meta.concrete_fields}
_NOTES = Person._meta.get_field("notes")


def _person_values(*, org_id: str, row: Row) -> tuple[Any, ...]:
    """The row's values for ``PERSON_COLUMNS`` as the database stores them (defaults for empty
    cells, notes encrypted). Built in the reader thread, off the writer's path."""
    assert isinstance(_NOTES, EncryptedTextField)
    get = row.values.get
    notes = get("notes")
    return (
        *[get(name) or blank for name, blank in _PLAIN_BLANKS],
        json.dumps(row.custom) if row.custom else "{}",  # JSON text: what COPY and SQLite both take
        str(_NOTES.seal(notes, org_id=org_id)) if notes else "",
    )


T = TypeVar("T")


def _prefetched(items: Iterator[T], *, depth: int = 2) -> Generator[T]:
    """``items``, produced by a background thread up to ``depth`` ahead (bounded memory), in the
    caller's language. An error in the thread is raised here; closing this generator stops the
    thread."""
    language = translation.get_language()
    pending: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def put(entry: tuple[Any, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                pending.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            with translation.override(language):
                for item in items:
                    if not put((item, None)):
                        return
        except BaseException as exc:  # noqa: BLE001 — handed to the caller and raised there
            put((done, exc))
            return
        put((done, None))

    thread = threading.Thread(target=produce, name="import-reader", daemon=True)
    thread.start()
    try:
        while True:
            item, error = pending.get()
            if item is done:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        thread.join()


@dataclass(eq=False)
class _NewPerson:
    """A person this batch creates: every row of the file for them (update mode) merged."""

    row: Row
    emails: list[str] = field(default_factory=list)  # the contact points it takes; the first is primary
    phones: list[str] = field(default_factory=list)
    duplicate_of: int | _NewPerson | None = None  # "add as a possible duplicate" of this person
    pk: int = 0


Owner = int | _NewPerson  # a person in the database (id), or one this batch creates

# The person columns an import writes (custom fields and notes last); every other column gets
# its default.
PERSON_COLUMNS = [name for name in FIELDS if name in FIELD_LIMITS] + ["custom", "notes"]
_PLAIN_BLANKS = [(name, _BLANK[name]) for name in PERSON_COLUMNS[:-2]]


def _import_batch(job: ImportJob, checked: _Checked) -> None:
    """Decide and write one batch. Matches are looked up in the database, which holds the
    file's earlier batches too, so a row's outcome does not depend on where batches start:
    a second row for someone the file already added is skipped, or merged into them (update),
    or added as their possible duplicate, exactly as for someone added before."""
    rows = [row for row, _cells in checked.rows]
    cells_of = {row.number: cells for row, cells in checked.rows}
    rejections = list(checked.rejections)
    owners_of: dict[str, Owner] = {}
    owners_of.update(_owners(job.organization, PersonEmail, "email", {r.email for r in rows if r.email}))
    owners_of.update(_owners(job.organization, PersonPhone, "number", {r.phone for r in rows if r.phone}))
    new: list[_NewPerson] = []
    updates: dict[int, list[Row]] = {}
    skipped = updated = 0
    for row in rows:
        keys = [key for key in (row.email, row.phone) if key]
        owners: list[Owner] = []
        for key in keys:
            owner = owners_of.get(key)
            if owner is not None and not any(owner is o or owner == o for o in owners):
                owners.append(owner)
        free = [key for key in keys if key not in owners_of]
        if not owners:
            person = _NewPerson(row=row)
            new.append(person)
        elif job.on_match == ImportJob.OnMatch.SKIP:
            skipped += 1
            continue
        elif job.on_match == ImportJob.OnMatch.UPDATE:
            if len(owners) > 1:
                reason = _("The e-mail address and the phone number belong to two different people.")
                rejections.append(_rejection(job, row.number, cells_of[row.number], reason))
                continue
            updated += 1
            target = owners[0]
            if isinstance(target, int):
                updates.setdefault(target, []).append(row)
                for key in free:
                    owners_of[key] = target
                continue
            person = target
            person.row = _combined(person.row, row)
        else:  # add as a possible duplicate; the taken contact points stay with their owner
            person = _NewPerson(row=row, duplicate_of=owners[0])
            new.append(person)
        for key in free:
            (person.emails if key == row.email else person.phones).append(key)
            owners_of[key] = person
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Not waiting for the disk at each batch's commit is safe here: the job's progress is
            # written in the same transaction, so a crash loses at most the last batches, both
            # rows and progress, and the resumed import writes them again.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        _write_new_people(job.organization, new)
        _apply_updates(job.organization, updates)
        ImportRejection.objects.bulk_create(rejections, batch_size=1000)
        job_now = ImportJob.objects.select_for_update().get(pk=job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            rows_done=job_now.rows_done + checked.size,
            created=job_now.created + len(new),
            updated=job_now.updated + updated,
            skipped=job_now.skipped + skipped,
            rejected=job_now.rejected + len(rejections),
        )


def _owners(
    organization: Organization, model: type[PersonEmail] | type[PersonPhone], column: str, values: set[str]
) -> dict[str, int]:
    """Contact point → person id, for those of ``values`` the organization already has. On
    PostgreSQL as one array parameter: Django's ``__in`` with thousands of values costs more in
    Python than the query does in the database."""
    if not values:
        return {}
    if connection.vendor != "postgresql":
        return dict(model.objects.filter(**{f"{column}__in": values}).values_list(column, "person_id"))
    table, name = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {name}, person_id FROM {table} WHERE organization_id = %s AND {name} = ANY(%s)",  # noqa: S608
            [organization.pk, list(values)],
        )
        return dict(cursor.fetchall())


def _write_new_people(organization: Organization, new: list[_NewPerson]) -> None:
    """Insert the batch's new people with their contact points and tags, without model
    instances (COPY on PostgreSQL). Values were checked by ``row_validate``."""
    if not new:
        return
    for person, pk in zip(new, allocate_ids(Person, len(new)), strict=True):
        person.pk = pk
    now = timezone.now()
    insert_rows(
        Person,
        ["id", *PERSON_COLUMNS],
        (
            (person.pk, *(person.row.person_values or _person_values(org_id=str(organization.pk), row=person.row)))
            for person in new
        ),
        constants={"organization_id": organization.pk, "created_at": now, "updated_at": now},
    )
    insert_rows(
        PersonEmail,
        ["person_id", "email", "is_primary"],
        ((person.pk, email, n == 0) for person in new for n, email in enumerate(person.emails)),
        constants={"organization_id": organization.pk},
    )
    insert_rows(
        PersonPhone,
        ["person_id", "number", "is_primary"],
        ((person.pk, number, n == 0) for person in new for n, number in enumerate(person.phones)),
        constants={"organization_id": organization.pk},
    )
    duplicates = [person for person in new if person.duplicate_of is not None]
    tags = {person.pk: set(person.row.tags) for person in new}
    for person in duplicates:
        tags[person.pk].add(str(_("possible duplicate")))
        original = person.duplicate_of
        original_pk = original if isinstance(original, int) else original.pk  # type: ignore[union-attr]
        pair_record(
            organization=organization,
            ids=(original_pk, person.pk),
            score=100,
            reasons=["same e-mail or phone (import)"],
        )
    tag_ids = _tag_ids(organization, {name for names in tags.values() for name in names})
    through = Person.tags.through
    insert_rows(through, ["person_id", "tag_id"], ((pk, tag_ids[name]) for pk, names in tags.items() for name in names))


def _apply_updates(organization: Organization, updates: dict[int, list[Row]]) -> None:
    """Apply the rows that match people already in the database, in file order: non-empty
    values replace, new contact points are added, tags add up."""
    tags: dict[int, set[str]] = {}
    for person in Person.objects.filter(pk__in=updates):
        for row in updates[person.pk]:
            for name, value in row.values.items():
                if value:
                    setattr(person, name, value)
            if row.custom:
                person.custom = {**person.custom, **row.custom}
            if row.email and not person.emails.filter(email=row.email).exists():
                PersonEmail.objects.create(organization=organization, person=person, email=row.email, is_primary=False)
            if row.phone and not person.phones.filter(number=row.phone).exists():
                PersonPhone.objects.create(organization=organization, person=person, number=row.phone, is_primary=False)
            tags.setdefault(person.pk, set()).update(row.tags)
        person.updated_at = timezone.now()
        person.save()
    tag_ids = _tag_ids(organization, {name for names in tags.values() for name in names})
    through = Person.tags.through
    links = [through(person_id=pk, tag_id=tag_ids[name]) for pk, names in tags.items() for name in names]
    through.objects.bulk_create(links, ignore_conflicts=True, batch_size=1000)


def _tag_ids(organization: Organization, names: set[str]) -> dict[str, int]:
    if not names:
        return {}
    known = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    for name in names - set(known):
        known[name] = Tag.objects.get_or_create(organization=organization, name=name)[0].pk
    return known


def _mapped_columns(job: ImportJob) -> list[tuple[int, str]]:
    return [
        (int(i), job.headers[int(i)] if int(i) < len(job.headers) else str(i)) for i in sorted(job.mapping, key=int)
    ]


def _rejection(job: ImportJob, number: int, cells: list[str], reason: str) -> ImportRejection:
    """Only the mapped columns are kept (collect the minimum), encrypted, for the download."""
    mapped = {header: cells[i] if i < len(cells) else "" for i, header in _mapped_columns(job)}
    return ImportRejection(
        organization=job.organization,
        job=job,
        row_number=number,
        reason=reason[:300],
        row_values=json.dumps(mapped, ensure_ascii=False),
    )


def _combined(first: Row, second: Row) -> Row:
    """Two rows of the file for the same person: later non-empty values win, tags add up."""
    values = {**first.values, **{k: v for k, v in second.values.items() if v}}
    return Row(
        number=second.number,
        values=values,
        email=second.email or first.email,
        phone=second.phone or first.phone,
        tags=sorted(set(first.tags) | set(second.tags)),
        custom={**first.custom, **second.custom},
    )


def rejected_rows_csv(*, job: ImportJob, actor: User) -> Iterator[str]:
    """The rejected rows with their reasons, as CSV lines (an export: audited; formula-safe)."""
    from .exporting import _csv_safe

    log_action(
        actor=actor,
        organization=job.organization,
        action="people.import_job.rejections_exported",
        obj=job,
        data={"rows": job.rejected},
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = [header for _i, header in _mapped_columns(job)]

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writerow([_("Row"), _("Reason"), *columns])
    yield "\ufeff" + flush()  # a BOM, so Excel opens accented names correctly
    with scope(organization=job.organization):
        for rejection in ImportRejection.objects.filter(job=job).iterator(chunk_size=2000):
            values = json.loads(rejection.row_values or "{}")
            writer.writerow(
                [rejection.row_number, _csv_safe(rejection.reason), *(_csv_safe(values.get(c, "")) for c in columns)]
            )
            yield flush()
