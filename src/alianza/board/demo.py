"""The advisory board of the demo coalition: four leaders of the hub (people records), their
terms, and honoraria paid and planned. Safe to run again."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from alianza.core.models import Membership
from alianza.core.permissions import Role
from alianza.network.hub import the_hub
from alianza.people.models import Person
from alianza.people.operations import PersonInput, person_create

from .honoraria import HonorariumInput, honorarium_create
from .models import BoardSeat
from .seats import seat_create

LEADERS = [
    # given, family, language, role, term started (days ago), term length (days)
    ("Guadalupe", "Hernández", "es", BoardSeat.Role.CHAIR, 400, 730),
    ("Jean-Baptiste", "Pierre", "ht", BoardSeat.Role.VICE_CHAIR, 200, 730),
    ("Thu", "Nguyễn", "vi", BoardSeat.Role.MEMBER, 700, 730),
    ("Amina", "Yusuf", "ar", BoardSeat.Role.SECRETARY, 30, 730),
]


def demo_board() -> None:
    hub = the_hub()
    if hub is None or BoardSeat.objects.filter(organization=hub).exists():
        return
    admin = Membership.objects.filter(organization=hub, role=Role.ADMIN).select_related("user").first()
    if admin is None:
        return
    today = timezone.localdate()
    for given, family, language, role, started, length in LEADERS:
        person = Person.objects.filter(organization=hub, given_name=given, family_name=family).first()
        if person is None:
            person = person_create(
                organization=hub,
                actor=admin.user,
                data=PersonInput(given_name=given, family_name=family, preferred_language=language, county="Travis"),
            )
        start = today - timedelta(days=started)
        seat = seat_create(
            organization=hub,
            actor=admin.user,
            person=person,
            role=role,
            term_start=start,
            term_end=start + timedelta(days=length),
        )
        for months_ago, status in ((3, "paid"), (1, "paid"), (-1, "planned")):
            day = today - timedelta(days=30 * months_ago)
            if day < start:
                continue
            honorarium_create(
                seat=seat,
                actor=admin.user,
                data=HonorariumInput(
                    amount=Decimal("150.00"),
                    date=day,
                    purpose="Advisory board meeting" if months_ago != 1 else "Town hall on housing",
                    status=status,
                    payment_method="Check" if status == "paid" else "",
                ),
            )
