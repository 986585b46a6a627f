"""Exporting people to CSV or Excel (XLSX): a segment, a static list or a search.

The file is written to an unnamed temporary file (readable by the app only, gone when it is
closed) and then served, so memory does not grow with the number of people; openpyxl's
write-only mode keeps the XLSX side flat too. Every export writes one audit event
(``people.export.created``) with what was exported and the row count, never names or the
search words. Notes are never exported, nor people shared by another organization.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from alianza.core.models import Organization, User
from alianza.core.read_audit import log_read

from .custom_fields import custom_value_export
from .models import Channel, CustomField, Person
from .operations import PeopleError
from .segments import with_consent, with_contact_points

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SOURCES = ("segment", "list", "search")
CHUNK_SIZE = 2000
# A spreadsheet runs a cell that starts like a formula (CSV injection). People's data may come
# from public forms, so such CSV cells get a leading apostrophe; a phone number in E.164 is safe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
E164 = re.compile(r"^\+[0-9]{6,15}$")
NUMBER = re.compile(r"^-[0-9]+(\.[0-9]+)?$")  # a custom number field's negative value


def export_headers(custom_fields: Sequence[CustomField] = ()) -> list[str]:
    return [
        _("Given name"), _("Family name"), _("Preferred name"), _("Pronouns"), _("Preferred language"),
        _("E-mail"), _("Phone"), _("City"), _("County"), _("State"), _("ZIP code"), _("Tags"),
        *(_("Agrees to: %(channel)s") % {"channel": label} for label in Channel.labels),
        *(str(field.label) or field.key for field in custom_fields),
    ]  # fmt: skip


def export_rows(people: QuerySet[Person], custom_fields: Sequence[CustomField] = ()) -> Iterator[list[str]]:
    """One row per person, in the columns of ``export_headers`` (never the notes). Custom fields
    come last, one column each (archived ones too: their values are kept): a choice's label, a
    number with ``.``, an ISO date."""
    yes, no = _("yes"), _("no")
    people = with_consent(people.prefetch_related(None).defer("notes"))
    rows = with_contact_points(people).iterator(chunk_size=CHUNK_SIZE)
    for person in rows:
        emails = list(person.emails.all())  # primary first
        phones = list(person.phones.all())
        yield [
            person.given_name,
            person.family_name,
            person.preferred_name,
            person.pronouns,
            person.preferred_language,
            emails[0].email if emails else "",
            phones[0].number if phones else "",
            person.city,
            person.county,
            person.state,
            person.zip_code,
            ", ".join(tag.name for tag in person.tags.all()),
            *(yes if getattr(person, f"consent_{channel}") else no for channel in Channel.values),
            *(custom_value_export(field, (person.custom or {}).get(field.key)) for field in custom_fields),
        ]


def _csv_safe(value: str) -> str:
    if value.startswith(FORMULA_START) and not E164.match(value) and not NUMBER.match(value):
        return "'" + value
    return value


def _write_csv(file: IO[bytes], people: QuerySet[Person], custom_fields: Sequence[CustomField]) -> int:
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")  # a BOM: Excel shows accents
    writer = csv.writer(text)
    writer.writerow([_csv_safe(header) for header in export_headers(custom_fields)])
    count = 0
    for row in export_rows(people, custom_fields):
        writer.writerow([_csv_safe(value) for value in row])
        count += 1
    text.flush()
    text.detach()
    return count


def _write_xlsx(file: IO[bytes], people: QuerySet[Person], custom_fields: Sequence[CustomField]) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("People"))

    def cell(value: str) -> WriteOnlyCell:
        written = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        written.data_type = "s"  # text, never a formula, whatever it starts with
        return written

    sheet.append([cell(header) for header in export_headers(custom_fields)])
    count = 0
    for row in export_rows(people, custom_fields):
        sheet.append([cell(value) for value in row])
        count += 1
    workbook.save(file)
    return count


@dataclass
class ExportFile:
    file: IO[bytes]  # positioned at the start; closing it deletes it
    filename: str
    content_type: str
    rows: int


def people_export(
    *,
    organization: Organization,
    actor: User,
    people: QuerySet[Person],
    file_format: str,
    source: str,
    obj: Model | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> ExportFile:
    """Write ``people`` (of ``organization``) to a temporary CSV or XLSX file and audit it.
    ``source`` says what was exported (a segment or a list, given as ``obj``, or a search)."""
    if file_format not in FORMATS:
        raise PeopleError(_("Choose CSV or Excel."))
    if source not in SOURCES:
        raise PeopleError(_("Choose what to export."))
    file = tempfile.TemporaryFile()  # noqa: SIM115 — handed to the response, which closes it
    try:
        with transaction.atomic(), scope(organization=organization):
            people = people.filter(organization=organization)
            write = _write_csv if file_format == "csv" else _write_xlsx
            custom_fields = list(CustomField.objects.filter(organization=organization))
            rows = write(file, people, custom_fields)
            data: dict[str, Any] = {"source": source, "format": file_format, "rows": rows}
            if obj is not None:
                data[source] = obj.pk
            log_read(  # with every exported person, inserted by the database from the same query
                actor=actor,
                organization=organization,
                action="people.export.created",
                obj=obj,
                subjects=people,
                reason=reason,
                data=data,
                request=request,
            )
    except BaseException:
        file.close()
        raise
    file.seek(0)
    stamp = timezone.localdate().isoformat()
    name = f"people-{source}-{obj.pk}-{stamp}" if obj is not None else f"people-{source}-{stamp}"
    return ExportFile(file=file, filename=f"{name}.{file_format}", content_type=FORMATS[file_format], rows=rows)
