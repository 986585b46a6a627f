"""Answers kept first, allocated in batches (``rsvp_answers.py``): the order of arrival decides,
the same visitor twice in a batch is one person and one RSVP, a refused answer creates no person
and gets its form back filled in on the receipt page, nothing is left pending (the receipt page,
the task and the sweep allocate), and what stays of an answer once allocated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from alianza.actions.models import RSVP, Event, RSVPSubmission, Shift
from alianza.actions.rsvp_answers import rsvp_receive, rsvps_allocate
from alianza.actions.tasks import allocate_rsvps, pending_rsvps_allocate
from alianza.actions.tests.factories import event_lock_held, make_event, make_rsvp, make_shift
from alianza.core.bulk_insert import insert_instance
from alianza.core.models import AuditEvent
from alianza.core.retention import retention_apply
from alianza.people.models import ConsentRecord, Person, PersonPhone
from alianza.people.tests.factories import make_person


def _keep(event: Event, n: int | str, **overrides: object) -> RSVPSubmission:
    answer: dict[str, object] = {
        "name": f"Person {n}",
        "email": f"p{n}@example.org",
        "phone": "",
        "language": "es",
        "consents": {"email": True},
    }
    answer.update(overrides)
    return rsvp_receive(event=event, **answer)  # type: ignore[arg-type]


def _receipt(submission: RSVPSubmission) -> str:
    event = submission.event
    kwargs = {"slug": event.organization.slug, "token": event.token, "receipt": submission.receipt}
    return reverse("actions:event_answer", kwargs=kwargs)


def _expire(org, now):  # type: ignore[no-untyped-def]
    retention_apply(organization=org, kind="actions.rsvp_submissions", dry_run=False, now=now)


def _rsvps(org, event):  # type: ignore[no-untyped-def]
    with scope(organization=org):
        return {r.email: r.status for r in RSVP.objects.filter(event=event)}


def test_one_batch_allocates_in_order_of_arrival(org_a):
    event = make_event(org_a, capacity=2, waitlist=True)
    for n in range(4):
        _keep(event, n)
    allocation = rsvps_allocate(event, wait=True)
    assert allocation.finished and len(allocation.allocated) == 4
    assert _rsvps(org_a, event) == {
        "p0@example.org": "confirmed",
        "p1@example.org": "confirmed",
        "p2@example.org": "waitlisted",
        "p3@example.org": "waitlisted",
    }
    with scope(organization=org_a):
        assert AuditEvent.objects.filter(action="actions.rsvp.created").count() == 4
        assert AuditEvent.objects.filter(action="people.person.created").count() == 4


def test_the_same_visitor_twice_in_one_batch_is_one_person_with_one_rsvp(org_a):
    event = make_event(org_a, capacity=10)
    first = _keep(event, "rosa", phone="+1 512 555 0101")
    again = _keep(event, "rosa-2", email="", phone="(512) 555-0101", consents={"sms": True})
    allocation = rsvps_allocate(event, wait=True)
    assert allocation.rsvps[first.pk].pk == allocation.rsvps[again.pk].pk
    with scope(organization=org_a):
        (person,) = Person.objects.all()
        assert RSVP.objects.get().person == person
        consents = {c.channel: c.granted for c in ConsentRecord.objects.filter(person=person)}
        assert consents == {"email": True, "sms": True}  # the second form's new consent is recorded


def test_a_known_person_keeps_their_record_and_gains_a_new_phone(org_a):
    person = make_person(org_a, given_name="Rosa", email="rosa@example.org")
    event = make_event(org_a)
    _keep(event, "x", name="Someone Else", email="ROSA@example.org", phone="+1 512 555 0102")
    rsvps_allocate(event, wait=True)
    with scope(organization=org_a):
        assert Person.objects.count() == 1
        assert Person.objects.get().given_name == "Rosa"
        assert list(PersonPhone.objects.values_list("person_id", "number")) == [(person.pk, "+15125550102")]
        assert RSVP.objects.get().person_id == person.pk


def test_an_answer_again_after_an_rsvp_changes_nothing(org_a):
    event = make_event(org_a, capacity=1, waitlist=True)
    person = make_person(org_a, email="rosa@example.org")
    standing = make_rsvp(event, person, status=RSVP.Status.CONFIRMED)
    answer = _keep(event, "x", email="rosa@example.org")
    allocation = rsvps_allocate(event, wait=True)
    assert allocation.rsvps[answer.pk].pk == standing.pk
    with scope(organization=org_a):
        assert RSVP.objects.count() == 1


def test_refused_answers_create_no_person_and_keep_what_was_typed_until_retention(org_a):
    event = make_event(org_a, capacity=1, waitlist=False)
    shift = make_shift(event, capacity=0)
    taken = _keep(event, 0)
    full = _keep(event, 1)
    no_shift_left = _keep(event, 2, shift=shift)
    rsvps_allocate(event, wait=True)
    with scope(organization=org_a):
        assert list(Person.objects.values_list("emails__email", flat=True)) == ["p0@example.org"]
        answers = {a.pk: a for a in RSVPSubmission.objects.all()}
    assert (answers[taken.pk].state, answers[taken.pk].name, answers[taken.pk].email) == ("taken", "", "")
    assert answers[taken.pk].consents == {} and answers[taken.pk].ip_address is None
    assert (answers[full.pk].state, answers[full.pk].refusal, answers[full.pk].email) == (
        "refused",
        "full",
        "p1@example.org",
    )
    assert answers[no_shift_left.pk].refusal == "shift_full"

    _expire(org_a, timezone.now() + timedelta(hours=23))
    with scopes_disabled():
        assert RSVPSubmission.objects.count() == 3
    _expire(org_a, timezone.now() + timedelta(days=1, hours=1))
    with scopes_disabled():
        assert RSVPSubmission.objects.count() == 0


def test_retention_never_deletes_an_answer_still_waiting(org_a):
    event = make_event(org_a)
    _keep(event, 0)
    _expire(org_a, timezone.now() + timedelta(days=60))
    with scopes_disabled():
        assert RSVPSubmission.objects.get().state == RSVPSubmission.State.PENDING


def test_an_event_closed_before_allocation_refuses_what_was_waiting(org_a):
    event = make_event(org_a)
    answer = _keep(event, 0)
    with scope(organization=org_a):
        Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    assert rsvps_allocate(event, wait=True).allocated[answer.pk].refusal == RSVPSubmission.Refusal.CLOSED
    assert _rsvps(org_a, event) == {}


def test_the_receipt_page_allocates_a_waiting_answer_and_then_thanks(login, org_a):
    event = make_event(org_a)
    answer = _keep(event, 0)
    response = login(None).get(_receipt(answer))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/events/{org_a.slug}/{event.token}/thanks/")
    assert _rsvps(org_a, event) == {"p0@example.org": "confirmed"}


def test_the_receipt_of_a_refused_answer_gives_the_form_back_filled_in(login, org_a):
    event = make_event(org_a)
    shift = make_shift(event, capacity=1)
    make_rsvp(event, shift=shift)
    open_shift = make_shift(event, capacity=5, role="interpreter")
    answer = _keep(event, "rosa", name="Rosa Hernández", phone="+1 512 555 0103", shift=shift)
    rsvps_allocate(event, wait=True)
    response = login(None).get(_receipt(answer), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ese turno está lleno" in page  # why, in the visitor's language
    assert 'value="Rosa Hernández"' in page and 'value="prosa@example.org"' in page
    assert f'value="{open_shift.pk}"' in page  # the shift still open is offered
    assert "answer-waiting" not in page


def test_a_receipt_opens_only_on_its_own_event(login, org_a, org_b):
    event, other = make_event(org_a), make_event(org_a)
    answer = _keep(event, 0)
    kwargs = {"slug": org_b.slug, "token": event.token, "receipt": answer.receipt}  # another organization
    assert login(None).get(reverse("actions:event_answer", kwargs=kwargs)).status_code == 404
    kwargs = {"slug": org_a.slug, "token": other.token, "receipt": answer.receipt}
    assert login(None).get(reverse("actions:event_answer", kwargs=kwargs)).status_code == 404
    kwargs = {"slug": org_a.slug, "token": event.token, "receipt": "not-a-receipt"}
    assert login(None).get(reverse("actions:event_answer", kwargs=kwargs)).status_code == 404


def test_the_sweep_and_the_task_allocate_what_was_left_waiting(org_a):
    event, later = make_event(org_a), make_event(org_a)
    _keep(event, 0)
    _keep(later, 1)
    assert pending_rsvps_allocate(older_than=timedelta(hours=1)) == 0  # too recent: a request may be on it
    with scopes_disabled():
        RSVPSubmission.objects.filter(event=event).update(received_at=timezone.now() - timedelta(minutes=5))
    assert pending_rsvps_allocate() == 1
    assert _rsvps(org_a, event) == {"p0@example.org": "confirmed"}
    assert allocate_rsvps.call(event_id=later.pk, organization_id=str(org_a.pk)) is True
    assert _rsvps(org_a, later) == {"p1@example.org": "confirmed"}


def test_one_confirmation_task_per_batch_writes_each_in_their_language(org_a, django_capture_on_commit_callbacks):
    event = make_event(org_a)
    _keep(event, 0, language="es")
    _keep(event, 1, language="en")
    _keep(event, 2, email="", phone="+1 512 555 0104")  # no e-mail: no message
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rsvps_allocate(event, wait=True)
    assert len([c for c in callbacks if "send_rsvp_confirmations" in repr(c)]) == 1
    assert sorted((m.to[0], "confirmad" in m.subject) for m in mail.outbox) == [
        ("p0@example.org", True),
        ("p1@example.org", False),
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_while_another_request_allocates_the_form_answers_with_a_receipt_that_shows_the_outcome(login, org_a):
    event = make_event(org_a)
    with event_lock_held(event):
        page = reverse("actions:event_public_page", kwargs={"slug": org_a.slug, "token": event.token})
        data = {"name": "Rosa", "email": "rosa@example.org", "phone": "", "language": "es", "website": ""}
        response = login(None).post(page, data)
        assert response.status_code == 302 and "/answer/" in response["Location"]
        waiting = login(None).get(response["Location"])
        body = waiting.content.decode()
        assert waiting.status_code == 200 and "answer-waiting" in body
        assert "confirmed" not in body.lower() and "waitlist" not in body.lower()  # no outcome told yet
    done = login(None).get(response["Location"])
    assert done.status_code == 302 and done["Location"].endswith("/thanks/")
    assert _rsvps(org_a, event) == {"rosa@example.org": "confirmed"}


def test_a_known_phone_and_an_e_mail_new_in_the_batch_are_matched_as_the_intake_matches_them(org_a):
    # The e-mail decides first: the second answer is the visitor who just gave it, not the person
    # who has the phone (deciding one way and writing the other made two RSVPs for one person).
    phone_owner = make_person(org_a, given_name="Bea", phone="+15125550105")
    event = make_event(org_a, capacity=10)
    first = _keep(event, "x", email="new@example.org")
    second = _keep(event, "y", email="new@example.org", phone="+1 512 555 0105")
    allocation = rsvps_allocate(event, wait=True)
    assert allocation.finished
    assert allocation.rsvps[first.pk].pk == allocation.rsvps[second.pk].pk
    with scope(organization=org_a):
        (rsvp,) = RSVP.objects.filter(event=event)
        assert rsvp.person_id != phone_owner.pk
        assert list(PersonPhone.objects.values_list("person_id", flat=True)) == [phone_owner.pk]


def test_an_answer_for_a_shift_deleted_meanwhile_is_refused_not_taken_without_it(org_a):
    event = make_event(org_a)
    shift = make_shift(event, capacity=5)
    answer = _keep(event, 0, shift=shift)
    with scope(organization=org_a):
        shift.delete()
    assert rsvps_allocate(event, wait=True).allocated[answer.pk].refusal == RSVPSubmission.Refusal.SHIFT_FULL
    assert _rsvps(org_a, event) == {}


def test_a_full_event_refuses_a_known_and_a_new_e_mail_alike(org_a):
    # No enumeration (DESIGN §5.7): the answer to a full event without waitlist must not tell
    # whether the e-mail already has a place there. The standing RSVP does not change.
    event = make_event(org_a, capacity=1, waitlist=False)
    standing = make_rsvp(event, make_person(org_a, email="rosa@example.org"))
    known = _keep(event, "x", email="rosa@example.org")
    unknown = _keep(event, "y", email="nobody@example.org")
    allocated = rsvps_allocate(event, wait=True).allocated
    assert (allocated[known.pk].refusal, allocated[unknown.pk].refusal) == ("full", "full")
    with scope(organization=org_a):
        assert RSVP.objects.get().pk == standing.pk


def test_the_answer_insert_refuses_a_model_whose_saves_have_receivers(org_a):
    # The answer is written without save(); shifts have post_save receivers (the public page's
    # cache), and skipping them would be a bug, so such a model is refused.
    with pytest.raises(TypeError, match="save signal receivers"):
        insert_instance(Shift(organization=org_a))
