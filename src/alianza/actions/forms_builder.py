"""Forms built by staff: saving a form and its fields (add, edit, remove, move up or down),
opening and closing it, taking a submission from the public page, and exporting submissions.

Each operation runs in one transaction, validates, writes one audit event and raises
``FormError`` with a translated message. Answers are checked against the kinds of the fields
here (not only by the public page's Django form), so every caller stores the same clean JSON:
text → string, number → JSON number, date → ``YYYY-MM-DD``, choice → the option's key,
several choices → a list of keys, consent → ``true``/``false``.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from alianza.core.audit import log_action
from alianza.core.models import User
from alianza.people.exporting import E164, FORMATS, FORMULA_START, NUMBER, ExportFile
from alianza.people.intake import IntakeError, person_match_or_create

from .models import Form, FormField, FormSubmission

MAX_TEXT = 500
MAX_LONG_TEXT = 5000
MAX_NUMBER = Decimal("1e12")
MAX_OPTIONS = 50


class FormError(Exception):
    """A change or a submission that cannot be made; the message is shown to the user."""


def _validate(instance: Form | FormField) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise FormError(" ".join(exc.messages)) from None


# --- Staff: the form and its fields ---------------------------------------------------------


def form_save(*, form: Form, actor: User, request: HttpRequest | None = None) -> Form:
    """Create (``form.pk`` is None) or update a form's settings (title, introduction, thanks,
    campaign, volunteer sign-up)."""
    with transaction.atomic(), scope(organization=form.organization):
        creating = form.pk is None
        if creating:
            form.created_by = actor
        _validate(form)
        form.save()
        log_action(
            actor=actor,
            organization=form.organization,
            action="actions.form.created" if creating else "actions.form.updated",
            obj=form,
            data={"campaign": form.campaign_id, "volunteer_signup": form.is_volunteer_signup},
            request=request,
        )
    return form


def form_set_status(*, form: Form, actor: User, status: str, request: HttpRequest | None = None) -> Form:
    """Open a form (it then takes answers), close it, or return it to draft."""
    if status not in Form.Status.values:
        raise FormError(_("Choose a status from the list."))
    with transaction.atomic(), scope(organization=form.organization):
        form = Form.objects.select_for_update().get(pk=form.pk)
        old = form.status
        form.status = status
        form.save(update_fields=["status"])
        log_action(
            actor=actor,
            organization=form.organization,
            action="actions.form.status_changed",
            obj=form,
            data={"status": [old, status]},
            request=request,
        )
    return form


def options_from_lines(lines: Mapping[str, str], existing: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Choices typed one per line in each language → the stored options. Lines are matched by
    position across languages (line 2 in Spanish translates line 2 in English); an option keeps
    the key it had at that position, so rewording it keeps its answers."""
    per_language = {
        code: [line.strip() for line in (text or "").splitlines() if line.strip()] for code, text in lines.items()
    }
    per_language = {code: values for code, values in per_language.items() if values}
    if not per_language:
        return []
    counts = {len(values) for values in per_language.values()}
    if len(counts) > 1:
        raise FormError(_("Give the same number of choices in every language, one per line, in the same order."))
    count = counts.pop()
    if count > MAX_OPTIONS:
        raise FormError(_("Give at most %(count)s choices.") % {"count": MAX_OPTIONS})
    keys = [str(option.get("key")) for option in existing or []]
    used = {int(k) for k in keys if k.isdigit()}
    next_key = max(used, default=0) + 1
    options: list[dict[str, Any]] = []
    for index in range(count):
        if index < len(keys):
            key = keys[index]
        else:
            key = str(next_key)
            next_key += 1
        label = {code: values[index][:200] for code, values in per_language.items()}
        options.append({"key": key, "label": label})
    return options


def form_field_save(*, field: FormField, actor: User, request: HttpRequest | None = None) -> FormField:
    """Add a field at the end of the form (``field.pk`` is None) or change it."""
    with transaction.atomic(), scope(organization=field.organization):
        creating = field.pk is None
        Form.objects.select_for_update().get(pk=field.form_id)  # one change of the order at a time
        if creating:
            last = FormField.objects.filter(form_id=field.form_id).aggregate(m=Max("position"))["m"]
            field.position = 0 if last is None else last + 1
        _validate(field)
        field.save()
        log_action(
            actor=actor,
            organization=field.organization,
            action="actions.form_field.created" if creating else "actions.form_field.updated",
            obj=field,
            data={"form": field.form_id, "kind": field.kind, "required": field.required},
            request=request,
        )
    return field


def form_field_delete(*, field: FormField, actor: User, request: HttpRequest | None = None) -> None:
    """Remove a field. Answers already given to it stay in the submissions (the export shows
    them under the field's id)."""
    with transaction.atomic(), scope(organization=field.organization):
        Form.objects.select_for_update().get(pk=field.form_id)
        log_action(
            actor=actor,
            organization=field.organization,
            action="actions.form_field.deleted",
            obj=field,
            data={"form": field.form_id, "kind": field.kind},
            request=request,
        )
        field.delete()


def form_field_move(*, field: FormField, actor: User, direction: str, request: HttpRequest | None = None) -> None:
    """Move a field one place up or down (the first cannot go up nor the last down)."""
    if direction not in ("up", "down"):
        raise FormError(_("Move a field up or down."))
    with transaction.atomic(), scope(organization=field.organization):
        Form.objects.select_for_update().get(pk=field.form_id)
        ordered = list(FormField.objects.filter(form_id=field.form_id).order_by("position", "id"))
        index = next(i for i, f in enumerate(ordered) if f.pk == field.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(ordered):
            return
        ordered[index], ordered[other] = ordered[other], ordered[index]
        changed = [f for position, f in enumerate(ordered) if f.position != position]
        for position, f in enumerate(ordered):
            f.position = position
        FormField.objects.bulk_update(changed, ["position"])
        log_action(
            actor=actor,
            organization=field.organization,
            action="actions.form_field.moved",
            obj=field,
            data={"form": field.form_id, "direction": direction},
            request=request,
        )


# --- Answers --------------------------------------------------------------------------------


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def answer_clean(field: FormField, value: Any) -> Any:
    """One answer, checked against the field's kind → its JSON value (``None``: no answer).
    Raises ``FormError`` with a translated message."""
    kind = field.kind
    if kind == FormField.Kind.CONSENT:
        if not isinstance(value, bool) and value not in (None, ""):
            raise FormError(_("Tick the box or leave it empty."))
        granted = bool(value)
        if field.required and not granted:
            raise FormError(_("Please tick this box to go on."))
        return granted
    if _is_empty(value):
        if field.required:
            raise FormError(_("This question needs an answer."))
        return None
    if kind in (FormField.Kind.TEXT, FormField.Kind.LONG_TEXT):
        if not isinstance(value, str):
            raise FormError(_("Write your answer as text."))
        limit = MAX_TEXT if kind == FormField.Kind.TEXT else MAX_LONG_TEXT
        if kind == FormField.Kind.TEXT and any(ord(ch) < 32 or ord(ch) == 127 for ch in value.strip()):
            raise FormError(_("Use one line, without line breaks."))
        text = value.strip() if kind == FormField.Kind.LONG_TEXT else " ".join(value.split())
        if len(text) > limit:
            raise FormError(_("Keep it under %(count)s characters.") % {"count": limit})
        if not text and field.required:
            raise FormError(_("This question needs an answer."))
        return text or None
    if kind == FormField.Kind.NUMBER:
        if isinstance(value, bool):
            raise FormError(_("Enter a number."))
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise FormError(_("Enter a number.")) from None
        if not number.is_finite() or abs(number) >= MAX_NUMBER:
            raise FormError(_("Enter a number."))
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == FormField.Kind.DATE:
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise FormError(_("Enter a date.")) from None
    keys = [str(option.get("key")) for option in field.options]
    if kind == FormField.Kind.CHOICE:
        if not isinstance(value, str) or value not in keys:
            raise FormError(_("Choose one of the answers offered."))
        return value
    if kind == FormField.Kind.MULTI_CHOICE:
        if not isinstance(value, list) or any(not isinstance(v, str) or v not in keys for v in value):
            raise FormError(_("Choose among the answers offered."))
        return [key for key in keys if key in value]  # the form's order, each once
    raise FormError(_("This question cannot be answered."))  # an unknown kind


def answers_clean(fields: list[FormField], answers: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """All answers of a submission → (clean answers by field id, errors by field id). Answers
    to fields the form does not have are dropped."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        key = str(field.pk)
        try:
            value = answer_clean(field, answers.get(key))
        except FormError as exc:
            errors[key] = str(exc)
            continue
        if value is not None:
            clean[key] = value
    return clean, errors


def form_submit(
    *,
    form: Form,
    name: str,
    email: str,
    phone: str,
    language: str,
    answers: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> FormSubmission:
    """Take a submission from the public page: the answers are checked against the fields,
    the person is matched or added (``people.intake.person_match_or_create``) with a consent
    record for each consent field they ticked, and the answers are stored. A known e-mail and a
    new one are treated alike; the caller shows the same thank-you either way."""
    if not form.is_open:
        raise FormError(_("This form is not taking answers."))
    organization = form.organization
    with transaction.atomic(), scope(organization=organization):
        fields = list(FormField.objects.filter(form=form).order_by("position", "id"))
        clean, errors = answers_clean(fields, answers)
        if errors:
            raise FormError(" ".join(errors.values()))
        consents = {
            str(f.consent_channel): bool(clean.get(str(f.pk)))
            for f in fields
            if f.kind == FormField.Kind.CONSENT and f.consent_channel
        }
        try:
            person = person_match_or_create(
                organization=organization,
                name=name,
                email=email,
                phone=phone,
                language=language,
                consents=consents,
                source=_("Form: %(form)s") % {"form": str(form.title)[:80]},
            )
        except IntakeError as exc:
            raise FormError(str(exc)) from None
        submission = FormSubmission(
            organization=organization,
            form=form,
            person=person,
            answers_json=json.dumps(clean, ensure_ascii=False, sort_keys=True),
            language=language,
            created_at=timezone.now(),
        )
        submission.save()
        log_action(
            actor=None,
            organization=organization,
            action="actions.form_submission.created",
            obj=submission,
            data={
                "form": form.pk,
                "answered": len(clean),
                "consents": sorted(channel for channel, granted in consents.items() if granted),
            },
            request=request,
        )
    return submission


# --- Export ---------------------------------------------------------------------------------


def _csv_safe(value: str) -> str:
    # The people export's rule (CSV injection): a cell that starts like a formula gets an apostrophe.
    if value.startswith(FORMULA_START) and not E164.match(value) and not NUMBER.match(value):
        return "'" + value
    return value


def answer_display(field: FormField | None, value: Any) -> str:
    """An answer as read by people (the export and the staff page)."""
    if value is None:
        return ""
    if field is None:
        return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    if field.kind == FormField.Kind.CONSENT:
        return _("yes") if value else _("no")
    if field.kind == FormField.Kind.CHOICE:
        return field.option_label(str(value))
    if field.kind == FormField.Kind.MULTI_CHOICE:
        return "; ".join(field.option_label(str(v)) for v in value)
    return str(value)


def export_headers(fields: list[FormField], extra_keys: list[str]) -> list[str]:
    return [
        _("Sent"), _("Given name"), _("Family name"), _("E-mail"), _("Phone"), _("Language"),
        *(str(f.label) for f in fields),
        *(_("Removed question %(id)s") % {"id": key} for key in extra_keys),
    ]  # fmt: skip


def export_rows(form: Form, fields: list[FormField]) -> tuple[list[str], Iterator[list[str]]]:
    """The extra keys (answers to removed fields) and the rows, oldest first."""
    submissions = list(
        FormSubmission.objects.filter(form=form)
        .select_related("person")
        .prefetch_related("person__emails", "person__phones")
        .order_by("created_at", "id")
    )
    known = {str(f.pk) for f in fields}
    extra = sorted({key for s in submissions for key in s.answers if key not in known}, key=lambda k: (len(k), k))

    def rows() -> Iterator[list[str]]:
        for s in submissions:
            answers = s.answers
            emails = list(s.person.emails.all())
            phones = list(s.person.phones.all())
            yield [
                timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M"),
                s.person.given_name,
                s.person.family_name,
                emails[0].email if emails else "",
                phones[0].number if phones else "",
                s.language,
                *(answer_display(f, answers.get(str(f.pk))) for f in fields),
                *(answer_display(None, answers.get(key)) for key in extra),
            ]

    return extra, rows()


def _write(file: IO[bytes], file_format: str, headers: list[str], rows: Iterator[list[str]]) -> int:
    count = 0
    if file_format == "csv":
        text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow([_csv_safe(h) for h in headers])
        for row in rows:
            writer.writerow([_csv_safe(v) for v in row])
            count += 1
        text.flush()
        text.detach()
        return count
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Answers"))

    def cell(value: str) -> WriteOnlyCell:
        written = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        written.data_type = "s"  # text, never a formula
        return written

    sheet.append([cell(h) for h in headers])
    for row in rows:
        sheet.append([cell(v) for v in row])
        count += 1
    workbook.save(file)
    return count


def form_submissions_export(
    *, form: Form, actor: User, file_format: str, request: HttpRequest | None = None
) -> ExportFile:
    """Every submission of ``form`` as CSV or XLSX (cells that look like formulas are made
    harmless), audited as ``actions.form_submission.exported`` with the row count."""
    if file_format not in FORMATS:
        raise FormError(_("Choose CSV or Excel."))
    file = tempfile.TemporaryFile()  # noqa: SIM115 — handed to the response, which closes it
    try:
        with transaction.atomic(), scope(organization=form.organization):
            fields = list(FormField.objects.filter(form=form).order_by("position", "id"))
            extra, rows = export_rows(form, fields)
            count = _write(file, file_format, export_headers(fields, extra), rows)
            log_action(
                actor=actor,
                organization=form.organization,
                action="actions.form_submission.exported",
                obj=form,
                data={"format": file_format, "rows": count},
                request=request,
            )
    except BaseException:
        file.close()
        raise
    file.seek(0)
    name = f"form-{form.pk}-{timezone.localdate().isoformat()}.{file_format}"
    return ExportFile(file=file, filename=name, content_type=FORMATS[file_format], rows=count)
