"""The advisory board: seats of the hub's people with terms, honoraria that only hub admins
see and record, totals per member and year, the audited CSV export and the timeline entries."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scopes_disabled

from alianza.board.honoraria import (
    HonorariumInput,
    honoraria_export,
    honoraria_totals,
    honorarium_create,
    honorarium_update,
)
from alianza.board.models import BoardSeat, Honorarium
from alianza.board.seats import BoardError, seat_create, seat_update
from alianza.board.tests.factories import make_honorarium, make_seat
from alianza.core.models import AuditEvent
from alianza.network.tests.factories import make_hub
from alianza.people.tests.factories import make_person
from alianza.people.timeline import person_timeline


@pytest.fixture
def hub(org_a):
    return make_hub(org_a)


@pytest.fixture
def leader(hub):
    return make_person(hub, given_name="Guadalupe", family_name="Hernández")


@pytest.fixture
def seat(hub, leader):
    return make_seat(hub, person=leader, term_start=date(2025, 6, 1), term_end=date(2027, 5, 31))


def events(action):
    with scopes_disabled():
        return list(AuditEvent.objects.filter(action=action))


# --- Seats --------------------------------------------------------------------------------


def test_a_seat_is_created_for_a_person_of_the_hub_and_audited(hub, owner, leader):
    seat = seat_create(
        organization=hub,
        actor=owner,
        person=leader,
        role=BoardSeat.Role.CHAIR,
        term_start=date(2026, 1, 1),
        term_end=date(2027, 12, 31),
    )
    [event] = events("board.seat.created")
    assert event.object_id == str(seat.pk) and event.organization == hub
    assert event.data == {"person": leader.pk, "role": "chair", "term": ["2026-01-01", "2027-12-31"]}
    assert "Guadalupe" not in str(event.data)


def test_the_term_must_end_after_it_starts(hub, owner, leader):
    for end in (date(2026, 1, 1), date(2025, 12, 31)):
        with pytest.raises(BoardError, match="must end after it starts"):
            seat_create(
                organization=hub, actor=owner, person=leader, role="member", term_start=date(2026, 1, 1), term_end=end
            )
    assert events("board.seat.created") == []


def test_a_seat_belongs_to_a_person_of_the_hub(hub, owner, org_b):
    stranger = make_person(org_b)
    with pytest.raises(BoardError, match="one of your organization's people"):
        seat_create(
            organization=hub,
            actor=owner,
            person=stranger,
            role="member",
            term_start=date(2026, 1, 1),
            term_end=date(2027, 1, 1),
        )


def test_only_the_hub_has_an_advisory_board(org_b, outsider):
    with pytest.raises(BoardError, match="Only the coalition hub"):
        seat_create(
            organization=org_b,
            actor=outsider,
            person=make_person(org_b),
            role="member",
            term_start=date(2026, 1, 1),
            term_end=date(2027, 1, 1),
        )


def test_terms_of_the_same_person_do_not_overlap(hub, owner, seat, leader):
    with pytest.raises(BoardError, match="already has a seat for part of this term"):
        seat_create(
            organization=hub, actor=owner, person=leader, role="member", term_start=date(2027, 5, 1),
            term_end=date(2029, 5, 1),
        )  # fmt: skip
    seat_create(
        organization=hub, actor=owner, person=leader, role="member", term_start=date(2027, 6, 1),
        term_end=date(2029, 5, 31),
    )  # fmt: skip  # the next term


def test_changing_a_term_is_audited_with_the_change(seat, owner):
    seat_update(seat=seat, actor=owner, role="chair", term_start=seat.term_start, term_end=date(2028, 5, 31))
    [event] = events("board.seat.updated")
    assert event.data == {"changes": {"role": ["member", "chair"], "term_end": ["2027-05-31", "2028-05-31"]}}
    with pytest.raises(BoardError, match="must end after it starts"):
        seat_update(seat=seat, actor=owner, role="chair", term_start=date(2029, 1, 1), term_end=date(2028, 5, 31))


def test_days_left_in_the_term(seat):
    assert seat.days_left(date(2027, 5, 21)) == 10
    assert seat.days_left(date(2027, 5, 31)) == 0
    assert seat.days_left(date(2027, 6, 2)) == -2
    assert seat.is_current(date(2026, 1, 1)) and not seat.is_current(date(2027, 6, 1))


# --- Honoraria ----------------------------------------------------------------------------


def test_recording_and_changing_an_honorarium_is_audited_without_the_payment_method(seat, owner):
    honorarium = honorarium_create(
        seat=seat,
        actor=owner,
        data=HonorariumInput(
            amount=Decimal("150"), date=date(2026, 2, 10), purpose="Board meeting", payment_method="Check #1042"
        ),
    )
    [created] = events("board.honorarium.created")
    assert created.data["amount"] == "150.00" and created.data["status"] == "planned"
    assert created.data["payment_method_given"] is True and "1042" not in str(created.data)

    honorarium_update(
        honorarium=honorarium,
        actor=owner,
        data=HonorariumInput(
            amount=Decimal("150"),
            date=date(2026, 2, 10),
            purpose="Board meeting",
            status="paid",
            payment_method="Check #1043",
        ),
    )
    [updated] = events("board.honorarium.updated")
    assert updated.data["changes"] == {"status": ["planned", "paid"], "payment_method": "changed"}
    assert "1043" not in str(updated.data)


def test_the_payment_method_is_encrypted_at_rest(seat):
    honorarium = make_honorarium(seat, payment_method="Zelle to +1 512 555 0100")
    with connection.cursor() as cursor:
        cursor.execute("SELECT payment_method FROM board_honorarium WHERE id = %s", [honorarium.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("alz:1:") and "Zelle" not in stored


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        (Decimal("0"), "USD", "greater than or equal to 0.01"),
        (Decimal("-5"), "USD", "greater than or equal to 0.01"),
        (Decimal("10"), "dollars", "three-letter currency code"),
    ],
)
def test_an_honorarium_needs_a_positive_amount_and_a_currency_code(seat, owner, amount, currency, message):
    with pytest.raises(BoardError, match=message):
        honorarium_create(
            seat=seat,
            actor=owner,
            data=HonorariumInput(amount=amount, currency=currency, date=date(2026, 1, 1), purpose="Meeting"),
        )


def test_totals_per_member_and_year_count_paid_and_planned_per_currency(hub, seat, leader):
    other = make_seat(hub)
    make_honorarium(seat, amount=Decimal("100"), date=date(2025, 12, 1), status="paid")
    make_honorarium(seat, amount=Decimal("150"), date=date(2026, 1, 15), status="paid")
    make_honorarium(seat, amount=Decimal("50.50"), date=date(2026, 3, 1), status="paid")
    make_honorarium(seat, amount=Decimal("200"), date=date(2026, 6, 1), status="planned")
    make_honorarium(seat, amount=Decimal("999"), date=date(2026, 6, 1), status="cancelled")
    make_honorarium(seat, amount=Decimal("80"), date=date(2026, 7, 1), status="paid", currency="MXN")
    make_honorarium(other, amount=Decimal("70"), date=date(2026, 1, 1), status="paid")
    totals = honoraria_totals(organization=hub)
    [y2026, y2025] = totals[leader.pk]
    assert (y2026.year, y2026.paid, y2026.planned) == (
        2026,
        {"USD": Decimal("200.50"), "MXN": Decimal("80")},
        {"USD": Decimal("200")},
    )
    assert (y2025.year, y2025.paid, y2025.planned) == (2025, {"USD": Decimal("100")}, {})
    assert totals[other.person_id][0].paid == {"USD": Decimal("70")}


def test_the_export_is_audited_and_formula_safe(hub, owner, seat, leader):
    leader.given_name = "=HYPERLINK(1)"
    with scopes_disabled():
        leader.save()
    make_honorarium(seat, amount=Decimal("150"), date=date(2026, 2, 1), purpose="+Meeting", payment_method="@cash")
    make_honorarium(seat, amount=Decimal("75"), date=date(2025, 2, 1), purpose="Old meeting")
    content = honoraria_export(organization=hub, actor=owner, year=2026)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Name", "Board role", "Date", "For", "Amount"]
    assert rows[1] == [
        "'=HYPERLINK(1) Hernández",
        "Member",
        "2026-02-01",
        "'+Meeting",
        "150.00",
        "USD",
        "Planned",
        "'@cash",
    ]
    assert len(rows) == 2  # only 2026
    [event] = events("board.honoraria.exported")
    assert event.data == {"year": 2026, "rows": 1, "format": "csv"} and event.actor == owner


# --- Timeline -----------------------------------------------------------------------------


def test_the_timeline_shows_joining_the_board_and_paid_honoraria_without_amounts(hub, seat, leader):
    make_honorarium(seat, amount=Decimal("150"), date=date(2026, 2, 1), purpose="Town hall", status="paid")
    make_honorarium(seat, amount=Decimal("150"), date=date(2026, 3, 1), purpose="Planned meeting")
    entries = [(e.label, e.detail) for e in person_timeline(leader)]
    assert ("Honorarium paid", "Town hall") in entries
    assert ("Joined the advisory board", "Member, until 2027-05-31") in entries
    assert not any("Planned meeting" in detail or "150" in detail for _label, detail in entries)


# --- Pages --------------------------------------------------------------------------------


def test_the_board_page_shows_terms_and_admins_see_totals(hub, owner, member, seat, login):
    other = make_seat(hub, term_start=date(2020, 1, 1), term_end=date(2021, 1, 1))
    make_honorarium(seat, amount=Decimal("150"), date=timezone.localdate(), status="paid")
    page = login(owner).get("/staff/org-a/board/").content.decode()
    days = seat.days_left()
    assert "Guadalupe Hernández" in page and f"Term ends in {days} days" in page
    assert other.person.display_name in page and "Term ended" in page
    assert "150.00 USD paid" in page and "Download CSV" in page
    assert len(events("board.honoraria.viewed")) == 1

    organizer_page = login(member).get("/staff/org-a/board/")
    assert organizer_page.status_code == 200
    text = organizer_page.content.decode()
    assert "Guadalupe Hernández" in text and "150.00" not in text and "Download CSV" not in text


def test_an_organizer_gets_403_on_honoraria(hub, member, seat, login):
    honorarium = make_honorarium(seat)
    client = login(member)
    for url in (
        f"/staff/org-a/board/{seat.pk}/honoraria/",
        f"/staff/org-a/board/{seat.pk}/honoraria/{honorarium.pk}/",
        "/staff/org-a/board/honoraria.csv",
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        f"/staff/org-a/board/{seat.pk}/honoraria/",
        {"amount": "10", "currency": "USD", "date": "2026-01-01", "purpose": "X", "status": "paid"},
    )
    assert response.status_code == 403
    with scopes_disabled():
        assert Honorarium.objects.count() == 1


def test_an_admin_records_an_honorarium_on_the_page(hub, owner, seat, login):
    client = login(owner)
    url = f"/staff/org-a/board/{seat.pk}/honoraria/"
    response = client.post(
        url,
        {
            "amount": "150.00",
            "currency": "USD",
            "date": "2026-02-10",
            "purpose": "Board meeting",
            "status": "paid",
            "payment_method": "Check",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Board meeting" in page and "150.00 USD" in page and "Check" in page
    response = client.post(url, {"amount": "-1", "currency": "usd", "date": "", "purpose": "Typed", "status": "paid"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "greater than or equal to 0.01" in body and "This field is required" in body and 'value="Typed"' in body


def test_an_admin_changes_an_honorarium_to_paid(hub, owner, seat, login):
    honorarium = make_honorarium(seat, status="planned", payment_method="Cash")
    response = login(owner).post(
        f"/staff/org-a/board/{seat.pk}/honoraria/{honorarium.pk}/",
        {"amount": "100.00", "currency": "USD", "date": "2026-03-01", "purpose": "Board meeting", "status": "paid"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        honorarium.refresh_from_db()
    assert honorarium.status == "paid" and honorarium.payment_method == ""
    [event] = events("board.honorarium.updated")
    assert event.data["changes"] == {"status": ["planned", "paid"], "payment_method": "changed"}


def test_the_export_download(hub, owner, seat, login):
    make_honorarium(seat, date=date(2026, 3, 1))
    response = login(owner).get("/staff/org-a/board/honoraria.csv?year=2026")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="honoraria-2026.csv"' in response["Content-Disposition"]
    assert "Board meeting" in response.content.decode("utf-8-sig")
    assert len(events("board.honoraria.exported")) == 1


def test_adding_a_seat_by_searching_for_the_person(hub, owner, leader, login):
    make_person(hub, given_name="Someone", family_name="Else")
    client = login(owner)
    page = client.get("/staff/org-a/board/new/?q=Guadalupe").content.decode()
    assert "Guadalupe Hernández" in page and "Someone Else" not in page
    response = client.post(
        "/staff/org-a/board/new/",
        {
            "q": "Guadalupe",
            "person": str(leader.pk),
            "role": "chair",
            "term_start": "2026-01-01",
            "term_end": "2025-01-01",
        },
    )
    assert response.status_code == 400 and "The term must end after it starts." in response.content.decode()
    response = client.post(
        "/staff/org-a/board/new/",
        {
            "q": "Guadalupe",
            "person": str(leader.pk),
            "role": "chair",
            "term_start": "2026-01-01",
            "term_end": "2028-01-01",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert BoardSeat.objects.get().person == leader


def test_a_person_of_another_organization_cannot_be_seated_through_the_page(hub, owner, org_b, login):
    stranger = make_person(org_b, given_name="Guadalupe")
    response = login(owner).post(
        "/staff/org-a/board/new/",
        {"q": "Guadalupe", "person": str(stranger.pk), "role": "member", "term_start": "2026-01-01",
         "term_end": "2028-01-01"},
    )  # fmt: skip
    assert response.status_code == 400
    with scopes_disabled():
        assert not BoardSeat.objects.exists()


def test_the_board_does_not_exist_outside_the_hub(org_b, outsider, login):
    assert login(outsider).get("/staff/org-b/board/").status_code == 404


def test_the_demo_board_has_four_leaders_with_terms_and_honoraria(db, settings):
    settings.DEBUG = True
    from django.core.management import call_command

    from alianza.network.models import WorkingGroup, WorkingGroupMember

    call_command("load_demo", stdout=io.StringIO())
    with scopes_disabled():
        assert BoardSeat.objects.count() == 4
        assert Honorarium.objects.filter(status="paid").exists()
        groups = {g.kind: g for g in WorkingGroup.objects.all()}
        assert set(groups) == {"working_group", "committee"}
        orgs = {m.represents_id for m in WorkingGroupMember.objects.filter(group=groups["working_group"])}
        assert len(orgs) == 3
    call_command("load_demo", stdout=io.StringIO())  # again: nothing doubles
    with scopes_disabled():
        assert BoardSeat.objects.count() == 4 and WorkingGroup.objects.count() == 2


def test_merging_a_board_member_with_a_duplicate_keeps_the_seat_and_honoraria(hub, owner, seat, leader):
    from alianza.people.merging import person_merge

    make_honorarium(seat, status="paid")
    duplicate = make_person(hub, given_name="Lupe", family_name="Hernández")
    survivor = person_merge(survivor=duplicate, merged=leader, actor=owner, take_from_merged=[])
    with scopes_disabled():
        seat.refresh_from_db()
        assert seat.person == survivor and seat.honoraria.count() == 1
