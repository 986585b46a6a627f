"""A person's data export (subject access): one ZIP file with everything Alianza holds about
them, app by app (``personal_data.py``).

- ``summary.html``: for the person to read, in their preferred language, one section per
  kind of data. Self-contained: inline CSS only, no script, no image, no link that loads
  anything from anywhere.
- ``data/<code>.json`` and ``data/<code>.csv``: the same rows for machines, one pair per
  contributor (CSV cells that a spreadsheet would run as formulas are neutralised).

The ZIP is written entry by entry into a temporary file that spills to disk past a few MB,
so memory stays flat. An export is a sensitive read: it is audited (counts, never data)."""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_scopes import scope

from alianza.core.audit import log_action
from alianza.core.models import User

from .exporting import _csv_safe
from .models import Person, SubjectRequest
from .personal_data import contributors, plain

SPOOL_BYTES = 4 * 1024 * 1024


@dataclass
class SubjectExport:
    file: IO[bytes]
    filename: str
    counts: dict[str, int]  # contributor code → rows


@dataclass
class Section:
    code: str
    title: str
    rows: list[dict[str, Any]]

    @property
    def columns(self) -> list[str]:
        seen: dict[str, None] = {}
        for row in self.rows:
            for key in row:
                seen.setdefault(key, None)
        return list(seen)

    @property
    def table(self) -> list[list[Any]]:
        """The rows as lists aligned with ``columns`` (missing values as None)."""
        columns = self.columns
        return [[row.get(column) for column in columns] for row in self.rows]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _csv_bytes(section: Section) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    columns = section.columns
    writer.writerow(columns)
    for row in section.rows:
        writer.writerow([_csv_safe(_cell(row.get(column))) for column in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # a BOM so spreadsheets show accents


def _language(person: Person) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return person.preferred_language if person.preferred_language in codes else settings.LANGUAGE_CODE


def person_data_sections(person: Person) -> list[Section]:
    """Every contributor's rows for ``person`` (inside the person's organization scope)."""
    sections = []
    with scope(organization=person.organization):
        for contributor in sorted(contributors(), key=lambda c: (-c.order, c.code)):
            rows = [plain(row) for row in contributor.export(person)]
            sections.append(Section(code=contributor.code, title=str(contributor.title), rows=rows))
    return sections


def person_export(
    *,
    person: Person,
    actor: User,
    subject_request: SubjectRequest | None = None,
    request: HttpRequest | None = None,
) -> SubjectExport:
    """Build the ZIP of everything held about ``person``; audited as ``people.person.exported``."""
    organization = person.organization
    now = timezone.now()
    language = _language(person)
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 — returned to the caller
    try:
        with transaction.atomic(), scope(organization=organization):
            with translation.override(language):
                sections = person_data_sections(person)
                summary = render_to_string(
                    "people/subject_export_summary.html",
                    {
                        "person": person,
                        "organization": organization,
                        "sections": sections,
                        "generated_at": now,
                        "language": language,
                    },
                )
            with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                with archive.open("summary.html", "w") as entry:
                    entry.write(summary.encode("utf-8"))
                for section in sections:
                    with archive.open(f"data/{section.code}.json", "w") as entry:
                        entry.write(json.dumps(section.rows, ensure_ascii=False, indent=2).encode("utf-8"))
                    with archive.open(f"data/{section.code}.csv", "w") as entry:
                        entry.write(_csv_bytes(section))
            counts = {section.code: len(section.rows) for section in sections}
            data: dict[str, Any] = {"rows": sum(counts.values()), "kinds": len(counts)}
            if subject_request is not None:
                data["subject_request"] = str(subject_request.reference)
            log_action(
                actor=actor,
                organization=organization,
                action="people.person.exported",
                obj=person,
                data=data,
                request=request,
            )
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return SubjectExport(file=file, filename=f"personal-data-{person.pk}-{now:%Y%m%d}.zip", counts=counts)
