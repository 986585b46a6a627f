"""The advisory board's contributor to a person's data export and erasure
(``people.personal_data``): their seats and the honoraria paid or planned for them.

Erasure keeps the hub's books: a seat stays (role, term) without its person, and its
honoraria keep their amounts, dates, purpose and status (totals per year do not change) but
lose the payment method. If the hub must keep named payment records by law, it should not
erase a board member before that period ends (``docs/subject-requests.md``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from alianza.core.models import User
from alianza.people.models import Person
from alianza.people.personal_data import Contributor, plain, register

from .models import BoardSeat, Honorarium


def _board_export(person: Person) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for seat in BoardSeat.objects.filter(person=person).order_by("term_start", "id"):
        base = {"role": seat.role, "term_start": plain(seat.term_start), "term_end": plain(seat.term_end)}
        honoraria = list(Honorarium.objects.filter(seat=seat).order_by("date", "id"))
        if not honoraria:
            rows.append({**base, "honorarium_date": None})
        for h in honoraria:
            rows.append(
                {
                    **base,
                    "honorarium_date": plain(h.date),
                    "honorarium_for": h.purpose,
                    "honorarium_amount": plain(h.amount),
                    "honorarium_currency": h.currency,
                    "honorarium_status": h.status,
                    "honorarium_payment_method": h.payment_method or "",
                }
            )
    return rows


def _board_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    counts = {"seats_anonymised": 0, "honoraria_kept": 0}
    for seat in BoardSeat.objects.filter(person=person):
        for honorarium in Honorarium.objects.filter(seat=seat):
            if honorarium.payment_method:
                honorarium.payment_method = ""
                honorarium.save(update_fields=["payment_method"])  # encrypted: through save() only
            counts["honoraria_kept"] += 1
        seat.person = None
        seat.save(update_fields=["person"])
        counts["seats_anonymised"] += 1
    return counts


def register_contributors() -> None:
    register(Contributor("board.seats", _("Advisory board seats and honoraria"), _board_export, _board_erase, 100))
