"""Reading an uploaded people file, and which field each of its columns fills.

The file is read as a stream (UTF-8 with or without BOM, or Windows-1252/Latin-1; `,` `;` or
tab delimited; XLSX through openpyxl's read-only mode), so memory does not grow with its size;
every cell comes out stripped and in Unicode NFC. The mapping of columns to fields is suggested
from what the organization chose last time for the same header, known synonyms in several
languages and the names of its custom fields, and remembered when an import starts.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scope

from alianza.core.models import Organization

from .custom_fields import custom_fields_of
from .models import ImportColumnChoice


class ImportFileError(Exception):
    """The file cannot be read at all (not a CSV or XLSX, or empty); the message is shown."""


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


def count_data_rows(path: Path) -> int:
    """How many rows ``data_rows`` will give, for the progress bar — without normalising every
    cell (whether a row is blank does not change under NFC)."""
    if _is_xlsx(path):
        return sum(1 for _row in data_rows(path))
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


def data_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
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


def _simplify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


_SYNONYM_INDEX = {_simplify(word): name for name, words in SYNONYMS.items() for word in words}


def mapping_targets(organization: Organization) -> dict[str, str]:
    """Every field a column can fill: the person's own, then the organization's custom fields
    (archived ones too: their values are kept)."""
    targets = {name: str(label) for name, label in FIELDS.items()}
    for definition in custom_fields_of(organization):
        targets[CUSTOM + definition.key] = str(definition.label) or definition.key
    return targets


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
