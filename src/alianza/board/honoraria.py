"""Honoraria of the advisory board: recording and changing them, totals per member and year,
and the CSV export for the hub's bookkeeping. Only hub admins reach these (``board:honoraria``);
every create, change and export is audited. Amounts never go into the audit data of a person's
timeline; the audit trail records the change itself (amount and status), as bookkeeping needs."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from alianza.core.audit import log_action
from alianza.core.models import Organization, User

from .models import BoardSeat, Honorarium
from .seats import BoardError, first_error

# A spreadsheet runs a cell that starts like a formula (CSV injection); such cells get a
# leading apostrophe, as in the people export.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class HonorariumInput:
    amount: Decimal
    date: date
    purpose: str
    currency: str = "USD"
    status: str = Honorarium.Status.PLANNED
    payment_method: str = ""


def _snapshot(honorarium: Honorarium) -> dict[str, Any]:
    return {
        "amount": f"{Decimal(honorarium.amount):.2f}",
        "currency": honorarium.currency,
        "date": honorarium.date.isoformat() if honorarium.date else None,
        "purpose": honorarium.purpose,
        "status": honorarium.status,
    }


def _apply(honorarium: Honorarium, data: HonorariumInput) -> None:
    honorarium.amount = data.amount
    honorarium.currency = data.currency.strip().upper()
    honorarium.date = data.date
    honorarium.purpose = data.purpose.strip()
    honorarium.status = data.status
    honorarium.payment_method = data.payment_method.strip()
    try:
        honorarium.full_clean()
    except ValidationError as exc:
        raise BoardError(first_error(exc)) from exc


def honorarium_create(
    *, seat: BoardSeat, actor: User, data: HonorariumInput, request: HttpRequest | None = None
) -> Honorarium:
    with transaction.atomic(), scope(organization=seat.organization):
        honorarium = Honorarium(organization=seat.organization, seat=seat, recorded_by=actor)
        _apply(honorarium, data)
        honorarium.save()
        log_action(
            actor=actor,
            organization=seat.organization,
            action="board.honorarium.created",
            obj=honorarium,
            data={"seat": seat.pk, **_snapshot(honorarium), "payment_method_given": bool(honorarium.payment_method)},
            request=request,
        )
    return honorarium


def honorarium_update(
    *, honorarium: Honorarium, actor: User, data: HonorariumInput, request: HttpRequest | None = None
) -> Honorarium:
    with transaction.atomic(), scope(organization=honorarium.organization):
        before = _snapshot(honorarium)
        method_before = honorarium.payment_method
        _apply(honorarium, data)
        after = _snapshot(honorarium)
        changes: dict[str, Any] = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if honorarium.payment_method != method_before:
            changes["payment_method"] = "changed"  # never the text itself
        if not changes:
            return honorarium
        honorarium.updated_at = timezone.now()
        honorarium.save()
        log_action(
            actor=actor,
            organization=honorarium.organization,
            action="board.honorarium.updated",
            obj=honorarium,
            data={"seat": honorarium.seat_id, "changes": changes},
            request=request,
        )
    return honorarium


@dataclass
class YearTotal:
    """What one person was paid (and what is planned) in one year, per currency."""

    year: int
    paid: dict[str, Decimal] = field(default_factory=dict)
    planned: dict[str, Decimal] = field(default_factory=dict)


def honoraria_totals(*, organization: Organization) -> dict[int, list[YearTotal]]:
    """Totals per board member (``person_id``) and calendar year, newest year first; paid and
    planned separately and per currency (never added across currencies). Cancelled ones do
    not count."""
    sums: dict[int, dict[int, YearTotal]] = defaultdict(dict)
    with scope(organization=organization):
        rows = Honorarium.objects.exclude(status=Honorarium.Status.CANCELLED).values_list(
            "seat__person_id", "date", "currency", "amount", "status"
        )
        for person_id, day, currency, amount, status in rows:
            total = sums[person_id].setdefault(day.year, YearTotal(year=day.year))
            bucket = total.paid if status == Honorarium.Status.PAID else total.planned
            bucket[currency] = bucket.get(currency, Decimal("0")) + amount
    return {person: sorted(years.values(), key=lambda t: -t.year) for person, years in sums.items()}


def _csv_safe(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def export_headers() -> list[str]:
    return [
        _("Name"), _("Board role"), _("Date"), _("For"), _("Amount"), _("Currency"), _("Status"),
        _("Payment method"),
    ]  # fmt: skip


def honoraria_export(
    *, organization: Organization, actor: User, year: int | None = None, request: HttpRequest | None = None
) -> bytes:
    """The honoraria (of ``year``, or all) as CSV, UTF-8 with a BOM so spreadsheets show accents.
    Every cell that a spreadsheet would run as a formula is neutralised. Audited."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(export_headers())
    count = 0
    with transaction.atomic(), scope(organization=organization):
        honoraria = Honorarium.objects.select_related("seat__person").order_by("date", "id")
        if year is not None:
            honoraria = honoraria.filter(date__year=year)
        for h in honoraria:
            row = [
                h.seat.person.display_name if h.seat.person else str(_("(erased)")),
                str(h.seat.get_role_display()),
                h.date.isoformat(),
                h.purpose,
                str(h.amount),
                h.currency,
                str(h.get_status_display()),
                h.payment_method or "",
            ]
            writer.writerow([_csv_safe(value) for value in row])
            count += 1
        log_action(
            actor=actor,
            organization=organization,
            action="board.honoraria.exported",
            data={"year": year, "rows": count, "format": "csv"},
            request=request,
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
