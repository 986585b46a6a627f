"""Importing people from CSV or XLSX files: the import jobs, their batches and writes.

A job stores the upload, takes a mapping of columns to fields, then imports every row
(``import_reading`` reads the file, ``import_rows`` checks each row). Matches, with earlier rows
of the same file too, are looked up in the database. Every data row ends in exactly one of:
created, updated, skipped, rejected — the four counts always add up to the rows in the file
(blank lines are not rows). A bad row never stops the import: it is kept with its reason, for
download. Rows are written in batches, each batch in its own transaction together with the job's
progress, so a retried task resumes where the last one stopped. New people are written without
model instances (``core.bulk_insert``: COPY on PostgreSQL).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import queue
import threading
import uuid
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope

from alianza.core.audit import log_action
from alianza.core.bulk_insert import allocate_ids, insert_rows
from alianza.core.crypto import EncryptedTextField, org_secrets_ensure
from alianza.core.models import Organization, User

from .duplicates import pair_record
from .import_reading import (
    FIELDS,
    ImportFileError,
    count_data_rows,
    data_rows,
    file_header,
    mapping_remember,
    mapping_suggest,
    mapping_targets,
)
from .import_rows import FIELD_LIMITS, Row, RowContext, row_validate
from .models import ImportJob, ImportRejection, Person, PersonEmail, PersonPhone, Tag

BATCH_SIZE = 5000


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
            ImportJob.objects.filter(pk=job.pk).update(rows_total=count_data_rows(path))
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
    for number, cells in data_rows(path):
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
