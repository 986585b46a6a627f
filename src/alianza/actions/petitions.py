"""Petitions: saving and opening or closing them (staff), signing them from the public page
(no account), and the deliverable, the PDF or CSV of the signers who agreed to be shown.

The count is exact under concurrency: ``signature_add`` locks the petition's row
(``select_for_update``) before it looks for the person's signature and adds one, and one
signature per person and petition is also a unique constraint; ``signature_count`` is raised in
the same transaction. Signing twice with the same e-mail or phone returns the first signature:
nothing changes, and the visitor sees the same thank-you (no enumeration)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_scopes import scope
from fpdf import FPDF

from alianza.core.audit import log_action
from alianza.core.models import User
from alianza.people.exporting import _csv_safe
from alianza.people.intake import IntakeError, person_match_or_create

from .models import ActionStatus, Petition, Signature
from .rsvps import person_email
from .sheet import pdf_font

ZIP_PATTERN = re.compile(r"^[0-9]{5}(-[0-9]{4})?$")
TRACKED = ["title", "text", "targets", "goal", "visibility", "campaign_id"]
EXPORT_FORMATS = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


class PetitionError(Exception):
    """A change or a signature that cannot be made; the message is shown to the user."""


def zip_normalize(value: str) -> str:
    """A US ZIP code (5 digits, or ZIP+4); empty stays empty. Raises ``PetitionError``."""
    value = value.strip()
    if value and not ZIP_PATTERN.match(value):
        raise PetitionError(_("Enter a ZIP code of 5 digits, e.g. 78702."))
    return value


def _validate(instance: Any) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise PetitionError(" ".join(exc.messages)) from None


def _snapshot(instance: Any, fields: list[str]) -> dict[str, str]:
    return {name: str(getattr(instance, name)) for name in fields}


def petition_save(*, petition: Petition, actor: User, request: HttpRequest | None = None) -> Petition:
    """Create (``petition.pk`` is None) or update a petition. Audited with the names of the
    changed fields."""
    organization = petition.organization
    with transaction.atomic(), scope(organization=organization):
        creating = petition.pk is None
        before = {} if creating else _snapshot(Petition.objects.select_for_update().get(pk=petition.pk), TRACKED)
        if creating:
            petition.created_by = actor
        _validate(petition)
        if creating:
            petition.save()
        else:
            # Never overwrite the counter, which signers change meanwhile.
            petition.save(update_fields=["title", "text", "targets", "goal", "visibility", "campaign"])
        changed = sorted(k for k, v in _snapshot(petition, TRACKED).items() if before.get(k) != v)
        log_action(
            actor=actor,
            organization=organization,
            action="actions.petition.created" if creating else "actions.petition.updated",
            obj=petition,
            data={"fields": changed},
            request=request,
        )
    return petition


def status_set(*, target: Any, actor: User, status: str, action: str, request: HttpRequest | None = None) -> Any:
    """Open, close or return a petition or a letter campaign (``target``) to draft; audited as
    ``action`` with the old and new status."""
    if status not in ActionStatus.values:
        raise PetitionError(_("Choose a status from the list."))
    with transaction.atomic(), scope(organization=target.organization):
        target = type(target).objects.select_for_update().get(pk=target.pk)
        old = target.status
        if old == status:
            return target
        target.status = status
        target.save(update_fields=["status"])
        log_action(
            actor=actor,
            organization=target.organization,
            action=action,
            obj=target,
            data={"from": old, "to": status},
            request=request,
        )
    return target


def petition_set_status(
    *, petition: Petition, actor: User, status: str, request: HttpRequest | None = None
) -> Petition:
    """Open, close or return a petition to draft."""
    result: Petition = status_set(
        target=petition, actor=actor, status=status, action="actions.petition.status_changed", request=request
    )
    return result


def signature_add(
    *,
    petition: Petition,
    name: str,
    email: str,
    phone: str,
    zip_code: str,
    language: str,
    consents: dict[str, bool],
    show_name: bool = False,
    comment: str = "",
    request: HttpRequest | None = None,
) -> Signature:
    """Sign a petition from its public page. The person is matched or added
    (``people.intake.person_match_or_create``); a person who already signed keeps their first
    signature and the count does not change. A confirmation goes by e-mail (task queue) to a
    new signer who gave an address, in the language they chose."""
    if not petition.is_open:
        raise PetitionError(_("This petition is not taking signatures."))
    zip_code = zip_normalize(zip_code)
    comment = comment.strip()[:1000]
    for attempt in range(2):
        try:
            return _signature_add(
                petition=petition,
                name=name,
                email=email,
                phone=phone,
                zip_code=zip_code,
                language=language,
                consents=consents,
                show_name=show_name,
                comment=comment,
                request=request,
            )
        except IntegrityError:
            # The same new person signing twice at the same moment: the other request added the
            # person or the signature; the second try finds them.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _signature_add(
    *,
    petition: Petition,
    name: str,
    email: str,
    phone: str,
    zip_code: str,
    language: str,
    consents: dict[str, bool],
    show_name: bool,
    comment: str,
    request: HttpRequest | None,
) -> Signature:
    organization = petition.organization
    with transaction.atomic(), scope(organization=organization):
        try:
            person = person_match_or_create(
                organization=organization,
                name=name,
                email=email,
                phone=phone,
                language=language,
                consents=consents,
                source=_("Petition: %(petition)s") % {"petition": str(petition.title)[:80]},
            )
        except IntakeError as exc:
            raise PetitionError(str(exc)) from None
        locked = Petition.objects.select_for_update().get(pk=petition.pk)
        if not locked.is_open:
            raise PetitionError(_("This petition is not taking signatures."))
        existing = Signature.objects.filter(petition=locked, person=person).first()
        if existing is not None:
            return existing  # signed already: counted once, and the visitor sees the same page
        signature = Signature(
            organization=organization,
            petition=locked,
            person=person,
            zip_code=zip_code,
            show_name=show_name,
            comment=comment,
            language=language,
            email=person_email(person, preferred=email),
        )
        signature.full_clean(exclude=["person", "petition", "organization"])
        signature.save()
        Petition.objects.filter(pk=locked.pk).update(signature_count=F("signature_count") + 1)
        log_action(
            actor=None,
            organization=organization,
            action="actions.signature.created",
            obj=signature,
            data={"petition": locked.pk, "show_name": show_name, "comment": bool(comment)},
            request=request,
        )
        if signature.email:
            from . import tasks_petitions

            transaction.on_commit(
                partial(
                    tasks_petitions.send_signature_confirmation.enqueue,
                    signature_id=signature.pk,
                    organization_id=str(organization.pk),
                )
            )
    return signature


def public_signatures(petition: Petition) -> QuerySet[Signature]:
    """Signatures of people who agreed to be shown (and still exist), oldest first."""
    return (
        Signature.objects.filter(petition=petition, show_name=True, person__isnull=False)
        .select_related("person")
        .order_by("created_at", "id")
    )


def public_name(signature: Signature) -> str:
    """How a signer who agreed to be shown appears on the public page: the given name and the
    family name's initial ("Rosa H."). The deliverable has the full name."""
    person = signature.person
    if person is None:
        return ""
    given = person.preferred_name or person.given_name
    initial = f" {person.family_name[:1]}." if person.family_name else ""
    return f"{given}{initial}".strip()


@dataclass
class Deliverable:
    content: bytes
    filename: str
    content_type: str
    rows: int


def _rows(petition: Petition) -> list[tuple[str, str, str, str]]:
    return [
        (
            s.person.display_name if s.person else "",
            s.zip_code,
            formats.date_format(timezone.localtime(s.created_at), "SHORT_DATE_FORMAT"),
            s.comment,
        )
        for s in public_signatures(petition)
    ]


def _csv(headers: list[str], rows: list[tuple[str, ...]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([_csv_safe(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_safe(value) for value in row])
    return ("\ufeff" + text.getvalue()).encode("utf-8")  # a BOM: Excel shows accents


def _petition_pdf(petition: Petition, rows: list[tuple[str, str, str, str]]) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format="Letter")
    pdf.set_title(str(petition.title))
    pdf.set_auto_page_break(auto=True, margin=15)
    family, text = pdf_font(pdf)
    pdf.add_page()
    pdf.set_font(family, size=16)
    pdf.multi_cell(0, 8, text(str(petition.title)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=10)
    pdf.multi_cell(
        0, 6, text(_("To: %(targets)s") % {"targets": "; ".join(petition.target_lines)}), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(2)
    pdf.set_font(family, size=11)
    pdf.multi_cell(0, 6, text(str(petition.text)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(family, size=10)
    hidden = petition.signature_count - len(rows)
    summary = _("%(total)s people signed (%(date)s). %(shown)s agreed to show their name; %(hidden)s did not.") % {
        "total": petition.signature_count,
        "date": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
        "shown": len(rows),
        "hidden": max(0, hidden),
    }
    pdf.multi_cell(0, 6, text(summary), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    widths = (12, 95, 30, 55)
    headers = ("#", _("Name"), _("ZIP code"), _("Signed"))

    def header_row() -> None:
        for width, label in zip(widths, headers, strict=True):
            pdf.cell(width, 7, text(str(label)), border=1)
        pdf.ln()

    header_row()
    for number, (name, zip_code, signed, comment) in enumerate(rows, start=1):
        if pdf.will_page_break(7):
            pdf.add_page()
            header_row()
        pdf.cell(widths[0], 7, str(number), border=1)
        pdf.cell(widths[1], 7, text(name[:55]), border=1)
        pdf.cell(widths[2], 7, text(zip_code), border=1)
        pdf.cell(widths[3], 7, text(signed), border=1)
        pdf.ln()
        if comment:
            pdf.set_font(family, size=9)
            pdf.multi_cell(0, 5, text(f"“{comment}”"), border="LRB", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(family, size=10)
    return bytes(pdf.output())


def petition_export(
    *, petition: Petition, actor: User, file_format: str, request: HttpRequest | None = None
) -> Deliverable:
    """The deliverable: the petition and the signers who agreed to be shown (name, ZIP code,
    date, comment; never an e-mail or phone), as PDF or CSV (formula-safe). Audited as
    ``actions.petition.exported`` with the format and the number of rows."""
    if file_format not in EXPORT_FORMATS:
        raise PetitionError(_("Choose PDF or CSV."))
    with transaction.atomic(), scope(organization=petition.organization):
        petition = Petition.objects.get(pk=petition.pk)
        rows = _rows(petition)
        if file_format == "csv":
            content = _csv([_("Name"), _("ZIP code"), _("Signed"), _("Comment")], rows)  # type: ignore[arg-type]
        else:
            content = _petition_pdf(petition, rows)
        log_action(
            actor=actor,
            organization=petition.organization,
            action="actions.petition.exported",
            obj=petition,
            data={"format": file_format, "rows": len(rows)},
            request=request,
        )
    return Deliverable(
        content=content,
        filename=f"petition-{petition.pk}.{file_format}",
        content_type=EXPORT_FORMATS[file_format],
        rows=len(rows),
    )
