"""Factories of the advisory board, registered with the generic isolation test."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django_scopes import scopes_disabled

from alianza.board.models import BoardSeat, Honorarium
from alianza.core.models import Organization, User
from alianza.core.testing import isolation
from alianza.network.tests.factories import make_hub
from alianza.people.tests.factories import make_person


@scopes_disabled()
def make_seat(organization: Organization, **fields: Any) -> BoardSeat:
    if "person" not in fields:
        fields["person"] = make_person(organization)
    fields.setdefault("term_start", timezone.localdate() - timedelta(days=30))
    fields.setdefault("term_end", fields["term_start"] + timedelta(days=730))
    return BoardSeat.objects.create(organization=organization, **fields)


@scopes_disabled()
def make_honorarium(seat: BoardSeat, **fields: Any) -> Honorarium:
    fields.setdefault("amount", Decimal("100.00"))
    fields.setdefault("date", date(2026, 3, 1))
    fields.setdefault("purpose", "Board meeting")
    honorarium = Honorarium(organization=seat.organization, seat=seat, **fields)
    honorarium.save()
    return honorarium


def _seat_id(*, organization: Organization, actor: User, **_: Any) -> int:
    return make_seat(organization).pk


@scopes_disabled()
def _honorarium_id(*, organization: Organization, actor: User, values: dict[str, Any], **_: Any) -> int:
    seat = BoardSeat.objects.get(organization=organization, pk=values["seat_id"])
    return make_honorarium(seat).pk


for _name in ("board:board", "board:seat_new", "board:seat_edit"):
    isolation.expect_permission(_name, "board:manage")
for _name in ("board:honoraria", "board:honorarium_edit", "board:honoraria_csv"):
    isolation.expect_permission(_name, "board:honoraria")

isolation.register("seat_id", _seat_id)
isolation.register("honorarium_id", _honorarium_id)
# The advisory board exists only in the hub (404 elsewhere).
isolation.prepare_organizations("board:", make_hub)
