"""The advisory board in a person's erasure: the seat stays without the person, its honoraria
keep their amounts (the yearly totals do not change) but lose the payment method, and the
board page and the honoraria CSV still work, showing "(erased)"."""

from __future__ import annotations

from decimal import Decimal

from django_scopes import scopes_disabled

from alianza.board.models import BoardSeat, Honorarium
from alianza.board.tests.factories import make_honorarium, make_seat
from alianza.network.tests.factories import make_hub
from alianza.people.erasure import person_erase
from alianza.people.tests.factories import make_person


def test_an_erased_board_member_leaves_an_anonymous_seat_and_the_books_intact(org_a, owner, login):
    hub = make_hub(org_a)
    seat = make_seat(hub, person=make_person(hub, given_name="Yolotzin", family_name="Gone"))
    make_honorarium(seat, amount=Decimal("120.00"), payment_method="Check")
    make_honorarium(make_seat(hub, person=make_person(hub, given_name="Stays")), amount=Decimal("80.00"))

    person_erase(person=seat.person, actor=owner, reason="person_asked")

    with scopes_disabled():
        kept = BoardSeat.objects.get(pk=seat.pk)
        assert kept.person_id is None
        assert sorted(h.amount for h in Honorarium.objects.all()) == [Decimal("80.00"), Decimal("120.00")]
        assert Honorarium.objects.get(seat=kept).payment_method == ""
    client = login(owner)
    page = client.get(f"/staff/{hub.slug}/board/")
    assert page.status_code == 200
    assert "(erased)" in page.content.decode() and "Yolotzin" not in page.content.decode()
    csv_text = client.get(f"/staff/{hub.slug}/board/honoraria.csv").content.decode("utf-8-sig")
    assert "(erased)" in csv_text and "120.00" in csv_text and "Yolotzin" not in csv_text
