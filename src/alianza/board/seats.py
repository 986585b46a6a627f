"""Seats on the advisory board: adding a leader for a term, changing the role or the term.
Every change is audited in the hub's trail (who, which seat, what changed; never the name)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_scopes import scope

from alianza.core.audit import log_action
from alianza.core.models import Organization, User
from alianza.people.models import Person

from .models import BoardSeat


class BoardError(Exception):
    """A change to the advisory board that cannot be made; the message is shown to the user."""


def first_error(exc: ValidationError) -> str:
    return str(exc.messages[0]) if exc.messages else str(exc)


def _check_terms_do_not_overlap(seat: BoardSeat) -> None:
    person = seat.person
    if person is None:  # an erased person's seat (``personal_data.py``): nobody to overlap with
        return
    overlapping = BoardSeat.objects.filter(
        person=person, term_start__lte=seat.term_end, term_end__gte=seat.term_start
    ).exclude(pk=seat.pk)
    if overlapping.exists():
        raise BoardError(_("%(name)s already has a seat for part of this term.") % {"name": person.display_name})


def seat_create(
    *,
    organization: Organization,
    actor: User,
    person: Person,
    role: str,
    term_start: date,
    term_end: date,
    request: HttpRequest | None = None,
) -> BoardSeat:
    if not organization.is_hub:
        raise BoardError(_("Only the coalition hub has an advisory board."))
    with transaction.atomic(), scope(organization=organization):
        seat = BoardSeat(organization=organization, person=person, role=role, term_start=term_start, term_end=term_end)
        try:
            seat.full_clean()
        except ValidationError as exc:
            raise BoardError(first_error(exc)) from exc
        _check_terms_do_not_overlap(seat)
        seat.save()
        log_action(
            actor=actor,
            organization=organization,
            action="board.seat.created",
            obj=seat,
            data={"person": person.pk, "role": role, "term": [term_start.isoformat(), term_end.isoformat()]},
            request=request,
        )
    return seat


def seat_update(
    *,
    seat: BoardSeat,
    actor: User,
    role: str,
    term_start: date,
    term_end: date,
    request: HttpRequest | None = None,
) -> BoardSeat:
    with transaction.atomic(), scope(organization=seat.organization):
        before = {"role": seat.role, "term_start": seat.term_start.isoformat(), "term_end": seat.term_end.isoformat()}
        seat.role, seat.term_start, seat.term_end = role, term_start, term_end
        try:
            seat.full_clean()
        except ValidationError as exc:
            raise BoardError(first_error(exc)) from exc
        _check_terms_do_not_overlap(seat)
        after = {"role": role, "term_start": term_start.isoformat(), "term_end": term_end.isoformat()}
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if not changes:
            return seat
        seat.save()
        log_action(
            actor=actor,
            organization=seat.organization,
            action="board.seat.updated",
            obj=seat,
            data={"changes": changes},
            request=request,
        )
    return seat
