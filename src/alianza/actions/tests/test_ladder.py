"""The engagement ladder: each rung from what people really did, the level as the highest rung
reached, a rung registered later (as "signed" will be), the counts per campaign and for the
whole organization, the person page and the campaign dashboard, and the dashboard's cost in
queries, which does not grow with the number of people."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from alianza.actions import ladder
from alianza.actions.models import Event
from alianza.actions.tests.factories import make_event, make_form, make_rsvp, make_shift, make_submission
from alianza.board.tests.factories import make_seat
from alianza.campaigns.models import Campaign, Commitment
from alianza.campaigns.tests.factories import make_campaign, make_commitment
from alianza.people.models import ConsentRecord, Person
from alianza.people.tests.factories import make_person


def _level(person: Person) -> str | None:
    with scope(organization=person.organization):
        rung = ladder.person_level(person)
    return rung.code if rung else None


def _counts(organization, campaign: Campaign | None = None) -> dict[str, tuple[int, int]]:  # type: ignore[no-untyped-def]
    with scope(organization=organization):
        return {c.rung.code: (c.at_level, c.reached) for c in ladder.ladder_counts(organization, campaign)}


def _attended(person: Person, event: Event | None = None, **fields: object) -> None:
    make_rsvp(event or make_event(person.organization), person, attended_at=timezone.now(), **fields)


def test_the_built_in_rungs_are_in_order():
    assert [r.code for r in ladder.rungs()] == ["attended", "volunteered", "hosted", "leads"]


def test_someone_who_did_nothing_is_not_on_the_ladder(org_a):
    person = make_person(org_a)
    make_rsvp(make_event(org_a), person)  # an RSVP without coming is not attending
    make_submission(make_form(org_a), person)  # a survey is not volunteering
    assert _level(person) is None


def test_attending_is_a_checked_in_rsvp(org_a):
    person = make_person(org_a)
    _attended(person)
    assert _level(person) == "attended"


def test_volunteering_is_a_shift_attended_or_a_volunteer_sign_up(org_a):
    shift_worker, signed_up, shift_no_show = make_person(org_a), make_person(org_a), make_person(org_a)
    event = make_event(org_a)
    _attended(shift_worker, event, shift=make_shift(event))
    make_rsvp(event, shift_no_show, shift=make_shift(event))
    make_submission(make_form(org_a, is_volunteer_signup=True), signed_up)
    assert [_level(p) for p in (shift_worker, signed_up, shift_no_show)] == ["volunteered", "volunteered", None]


def test_hosting_is_a_proposed_event_that_was_approved_and_published(org_a):
    host, waiting, declined = make_person(org_a), make_person(org_a), make_person(org_a)
    make_event(org_a, host_person=host, status=Event.Status.PUBLISHED)
    make_event(org_a, host_person=waiting, status=Event.Status.PROPOSED)
    make_event(org_a, host_person=declined, status=Event.Status.DECLINED)
    assert [_level(p) for p in (host, waiting, declined)] == ["hosted", None, None]


def test_leading_is_a_current_board_seat_or_a_kept_commitment(org_a):
    seated, former, kept, still_open = (make_person(org_a) for _ in range(4))
    make_seat(org_a, person=seated)
    past = timezone.localdate() - timedelta(days=800)
    make_seat(org_a, person=former, term_start=past, term_end=past + timedelta(days=365))
    campaign = make_campaign(org_a)
    make_commitment(campaign, person=kept, status=Commitment.Status.KEPT)
    make_commitment(campaign, person=still_open)
    assert [_level(p) for p in (seated, former, kept, still_open)] == ["leads", None, "leads", None]


def test_the_level_is_the_highest_rung_reached_whatever_came_before(org_a):
    person = make_person(org_a)
    make_event(org_a, host_person=person)  # hosted without ever attending
    assert _level(person) == "hosted"
    _attended(person)
    assert _level(person) == "hosted"


def test_a_rung_registered_later_takes_its_place(org_a):
    """The coordinator registers "signed" this way once petitions exist; a consent record
    stands in for a signature here (both are a person's row with ``person_id``)."""
    signer, attendee = make_person(org_a), make_person(org_a)
    with scopes_disabled():
        ConsentRecord.objects.create(organization=org_a, person=signer, channel="email", granted=True)
        ConsentRecord.objects.create(organization=org_a, person=attendee, channel="email", granted=True)
    _attended(attendee)
    ladder.register_rung(
        code="signed",
        label="Signed",
        order=10,
        person_ids=lambda organization, campaign: ConsentRecord.objects.filter(organization=organization).values(
            "person_id"
        ),
    )
    try:
        assert [r.code for r in ladder.rungs()][:2] == ["signed", "attended"]
        assert (_level(signer), _level(attendee)) == ("signed", "attended")
        assert _counts(org_a)["signed"] == (1, 2)
    finally:
        ladder.unregister_rung("signed")


@pytest.fixture
def campaign_world(org_a, org_b):  # type: ignore[no-untyped-def]
    campaign = make_campaign(org_a)
    other = make_campaign(org_a)
    people = {
        name: make_person(org_a, given_name=name) for name in ("survey", "volunteer", "leader", "elsewhere", "other")
    }
    make_submission(make_form(org_a, campaign=campaign), people["survey"])
    _attended(people["survey"])
    make_submission(make_form(org_a, campaign=campaign, is_volunteer_signup=True), people["volunteer"])
    make_commitment(campaign, person=people["leader"], status=Commitment.Status.KEPT)
    _attended(people["elsewhere"])  # came to an event, never took part in the campaign
    make_submission(make_form(org_a, campaign=other, is_volunteer_signup=True), people["other"])
    _attended(make_person(org_b))  # another organization's people never count
    return campaign, people


def test_a_campaign_counts_its_own_people_per_rung(org_a, campaign_world):
    campaign, _people = campaign_world
    assert _counts(org_a, campaign) == {
        "attended": (1, 1),
        "volunteered": (1, 1),
        "hosted": (0, 0),
        "leads": (1, 1),
    }


def test_the_organization_counts_everybody_per_rung(org_a, campaign_world):
    assert _counts(org_a) == {"attended": (2, 2), "volunteered": (2, 2), "hosted": (0, 0), "leads": (1, 1)}


def test_reached_counts_people_above_the_rung_too(org_a):
    person = make_person(org_a)
    _attended(person)
    make_submission(make_form(org_a, is_volunteer_signup=True), person)
    assert _counts(org_a)["attended"] == (0, 1)
    assert _counts(org_a)["volunteered"] == (1, 1)


def test_the_counts_are_one_query(org_a, campaign_world, django_assert_num_queries):
    campaign, _people = campaign_world
    with scope(organization=org_a), django_assert_num_queries(1):
        ladder.ladder_counts(org_a, campaign)


def _grow(organization, campaign: Campaign, n: int) -> None:  # type: ignore[no-untyped-def]
    volunteer_form = make_form(organization, campaign=campaign, is_volunteer_signup=True)
    event = make_event(organization)
    for _ in range(n):
        person = make_person(organization)
        make_submission(volunteer_form, person)
        _attended(person, event)
        make_commitment(campaign, person=person, status=Commitment.Status.KEPT)
        make_event(organization, host_person=make_person(organization))


def test_the_campaign_dashboard_shows_the_ladder_in_constant_queries(login, owner, org_a):
    campaign = make_campaign(org_a)
    _grow(org_a, campaign, 1)
    url = reverse("campaigns:campaign_detail", kwargs={"org": org_a.slug, "campaign_id": campaign.pk})
    client = login(owner)
    with CaptureQueriesContext(connection) as small:
        page = client.get(url)
    assert page.status_code == 200
    _grow(org_a, campaign, 6)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert len(large) == len(small)
    html = page.content.decode()
    assert 'id="ladder"' in html
    rows = html[html.index('id="ladder"') :]
    # Each of the 7 people made a kept commitment (leads); the other rungs are below it.
    assert '<th scope="row">Leads</th><td>7</td><td>7</td>' in rows
    assert '<th scope="row">Attended</th><td>0</td><td>7</td>' in rows


def test_a_partner_sees_the_counts_read_only(login, outsider, org_a, org_b):
    campaign = make_campaign(org_a, partners=[org_b])
    _grow(org_a, campaign, 2)
    page = login(outsider).get(
        reverse("campaigns:campaign_detail", kwargs={"org": org_b.slug, "campaign_id": campaign.pk})
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert '<th scope="row">Leads</th><td>2</td><td>2</td>' in html


def test_the_person_page_shows_the_level(login, readonly_member, org_a):
    person = make_person(org_a)
    make_submission(make_form(org_a, is_volunteer_signup=True), person)
    page = login(readonly_member).get(
        reverse("people:person_detail", kwargs={"org": org_a.slug, "person_id": person.pk})
    )
    html = page.content.decode()
    assert "<dt>Engagement ladder</dt><dd>Volunteered" in html
    newcomer = make_person(org_a)
    page = login(readonly_member).get(
        reverse("people:person_detail", kwargs={"org": org_a.slug, "person_id": newcomer.pk})
    )
    assert "<dt>Engagement ladder</dt><dd>Not on the ladder yet" in page.content.decode()
