"""RSVP operations: capacity and waitlist, promotion on cancel, shifts, repeated answers, the
code of conduct version, and the person record each RSVP creates or matches."""

from __future__ import annotations

import pytest
from django.core import mail
from django_scopes import scope

from alianza.actions.models import RSVP, Event
from alianza.actions.rsvp_answers import rsvp_submit
from alianza.actions.rsvps import RSVPError, rsvp_cancel, rsvp_from_token, rsvp_token
from alianza.actions.tests.factories import make_conduct, make_event, make_shift
from alianza.core.models import AuditEvent
from alianza.people.models import ConsentRecord, Person, PersonEmail


def _rsvp(event: Event, name: str = "Rosa Hernández", email: str = "rosa@example.org", **kwargs: object) -> RSVP:
    kwargs.setdefault("phone", "")
    kwargs.setdefault("language", "es")
    kwargs.setdefault("consents", {"email": True, "sms": False})
    return rsvp_submit(event=event, name=name, email=email, **kwargs)  # type: ignore[arg-type]


def test_an_rsvp_creates_a_person_with_consent_records(event, org_a):
    rsvp = _rsvp(event)
    with scope(organization=org_a):
        person = Person.objects.get()
        assert (person.given_name, person.family_name, person.preferred_language) == ("Rosa", "Hernández", "es")
        assert [e.email for e in person.emails.all()] == ["rosa@example.org"]
        consents = {c.channel: c.granted for c in ConsentRecord.objects.filter(person=person)}
        assert consents == {"email": True, "sms": False}
        assert rsvp.person == person and rsvp.status == RSVP.Status.CONFIRMED and rsvp.email == "rosa@example.org"


def test_a_known_email_matches_the_same_person_and_answering_twice_changes_nothing(event, org_a):
    first = _rsvp(event, email="Rosa@Example.org ")
    again = _rsvp(event, name="R. H.", email="rosa@example.org")
    assert again.pk == first.pk
    with scope(organization=org_a):
        assert Person.objects.count() == 1
        assert RSVP.objects.count() == 1
        assert Person.objects.get().given_name == "Rosa"  # a visitor's typing does not rename the record


def test_a_phone_matches_by_its_e164_form(event, org_a):
    first = _rsvp(event, email="", phone="(512) 555-0142")
    other = make_event(org_a)
    second = _rsvp(other, email="", phone="+1 512 555 0142")
    assert second.person_id == first.person_id


def test_the_event_fills_then_the_waitlist_takes_people_in_order(org_a):
    event = make_event(org_a, capacity=2, waitlist=True)
    a, b = _rsvp(event, "Ana A", "a@example.org"), _rsvp(event, "Bea B", "b@example.org")
    c, d = _rsvp(event, "Cruz C", "c@example.org"), _rsvp(event, "Dora D", "d@example.org")
    assert [r.status for r in (a, b, c, d)] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]

    rsvp_cancel(rsvp=a)
    with scope(organization=org_a):
        statuses = dict(RSVP.objects.values_list("person__given_name", "status"))
    assert statuses == {"Ana": "cancelled", "Bea": "confirmed", "Cruz": "confirmed", "Dora": "waitlisted"}


def test_promotion_is_recorded_and_announced(org_a, django_capture_on_commit_callbacks):
    event = make_event(org_a, capacity=1)
    first = _rsvp(event, "Ana A", "a@example.org")
    waiting = _rsvp(event, "Bea B", "b@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_cancel(rsvp=first)
    with scope(organization=org_a):
        waiting.refresh_from_db()
        assert waiting.status == RSVP.Status.CONFIRMED and waiting.promoted_at is not None
        assert AuditEvent.objects.filter(action="actions.rsvp.promoted", object_id=str(waiting.pk)).count() == 1
    assert [m.to for m in mail.outbox] == [["b@example.org"]]
    assert "1206 E 9th St" in mail.outbox[0].body  # now confirmed: the address comes with the news


def test_a_full_event_without_waitlist_refuses(org_a):
    event = make_event(org_a, capacity=1, waitlist=False)
    _rsvp(event, "Ana A", "a@example.org")
    with pytest.raises(RSVPError, match="full"):
        _rsvp(event, "Bea B", "b@example.org")


def test_a_shift_takes_only_its_capacity(org_a):
    event = make_event(org_a)
    shift = make_shift(event, capacity=1)
    taken = _rsvp(event, "Ana A", "a@example.org", shift=shift)
    assert taken.shift == shift
    with pytest.raises(RSVPError, match="shift is full"):
        _rsvp(event, "Bea B", "b@example.org", shift=shift)
    rsvp_cancel(rsvp=taken)
    assert _rsvp(event, "Bea B", "b@example.org", shift=shift).shift == shift


def test_a_shift_of_another_event_is_refused(org_a):
    event, other = make_event(org_a), make_event(org_a)
    with pytest.raises(RSVPError):
        _rsvp(event, shift=make_shift(other))


def test_the_accepted_code_of_conduct_version_is_recorded(event, org_a, hub):
    make_conduct(hub)
    current = make_conduct(hub)
    rsvp = _rsvp(event, conduct=current, required_conduct=current)
    assert rsvp.conduct_version == current and current.version == 2
    assert rsvp.conduct_accepted_at is not None


def test_an_outdated_or_missing_acceptance_is_refused(event, hub):
    old, current = make_conduct(hub), make_conduct(hub)
    with pytest.raises(RSVPError, match="code of conduct"):
        _rsvp(event, conduct=old, required_conduct=current)
    with pytest.raises(RSVPError, match="code of conduct"):
        _rsvp(event, conduct=None, required_conduct=current)


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.CANCELLED, Event.Status.PROPOSED])
def test_only_published_events_take_rsvps(org_a, status):
    with pytest.raises(RSVPError):
        _rsvp(make_event(org_a, status=status))


def test_cancelling_again_and_reanswering_reopen_the_same_row(event, org_a):
    rsvp = _rsvp(event)
    rsvp_cancel(rsvp=rsvp)
    rsvp_cancel(rsvp=rsvp)
    again = _rsvp(event)
    assert again.pk == rsvp.pk and again.status == RSVP.Status.CONFIRMED and again.cancelled_at is None
    with scope(organization=org_a):
        assert AuditEvent.objects.filter(action="actions.rsvp.cancelled").count() == 1


def test_the_signed_token_finds_the_rsvp_and_a_forged_one_does_not(event):
    rsvp = _rsvp(event)
    token = rsvp_token(rsvp)
    assert rsvp_from_token(token) == rsvp
    assert rsvp_from_token(token[:-2] + "xx") is None
    assert rsvp_from_token("not-a-token") is None


def test_an_rsvp_without_email_or_phone_is_refused(event, org_a):
    with pytest.raises(RSVPError):
        _rsvp(event, email="", phone="")
    with scope(organization=org_a):
        assert not PersonEmail.objects.exists()
