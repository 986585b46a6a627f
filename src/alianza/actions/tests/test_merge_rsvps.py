"""Merging two records of one person keeps what hangs off the merged record in the actions app
(and every other app): RSVPs and a volunteer host move to the survivor, events keep their
counts, and where both records answered the same event one RSVP stays — the stronger answer
(attended > confirmed > waitlisted > cancelled), with the check-in and code-of-conduct
acceptance of the other — and the dropped one is listed in the merge record and the audit."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone
from django_scopes import scopes_disabled

from alianza.actions.models import RSVP, Event, FormSubmission
from alianza.actions.tests.factories import make_conduct, make_event, make_form, make_rsvp, make_shift, make_submission
from alianza.core.models import AuditEvent
from alianza.network.tests.factories import make_hub
from alianza.people import merging
from alianza.people.merging import person_merge
from alianza.people.models import MergeRecord, Person
from alianza.people.tests.factories import make_person
from alianza.people.tests.subject_world import build_world


@pytest.fixture
def two(org_a):  # type: ignore[no-untyped-def]
    return make_person(org_a, given_name="Ana"), make_person(org_a, given_name="Ana María")


def _merge(survivor, merged, actor):  # type: ignore[no-untyped-def]
    return person_merge(survivor=survivor, merged=merged, actor=actor, take_from_merged=[])


def _event_counts(event: Event) -> dict[str, int]:
    with scopes_disabled():
        rsvps = RSVP.objects.filter(event=event)
        return {
            "rsvps": rsvps.count(),
            "confirmed": rsvps.filter(status="confirmed").count(),
            "attended": rsvps.exclude(attended_at=None).count(),
        }


def test_the_merged_records_rsvps_move_to_the_survivor(org_a, owner, two):
    survivor, merged = two
    vigil, march = make_event(org_a), make_event(org_a)
    mine = make_rsvp(vigil, survivor)
    theirs = make_rsvp(march, merged, attended_at=timezone.now())
    before = {e.pk: _event_counts(e) for e in (vigil, march)}
    _merge(survivor, merged, owner)
    with scopes_disabled():
        assert sorted(RSVP.objects.filter(person=survivor).values_list("pk", flat=True)) == sorted([mine.pk, theirs.pk])
        assert RSVP.objects.count() == 2
        assert MergeRecord.objects.get().dropped == []
    assert {e.pk: _event_counts(e) for e in (vigil, march)} == before


def test_an_event_the_merged_record_hosts_is_hosted_by_the_survivor(org_a, owner, two):
    survivor, merged = two
    hosted = make_event(org_a, host_person=merged, host_name="Ana María")
    proposed = make_event(org_a, host_person=merged, status=Event.Status.PROPOSED)
    with scopes_disabled():
        events_before = Event.objects.count()
    _merge(survivor, merged, owner)
    with scopes_disabled():
        assert sorted(Event.objects.filter(host_person=survivor).values_list("pk", flat=True)) == sorted(
            [hosted.pk, proposed.pk]
        )
        assert Event.objects.count() == events_before


def test_form_submissions_move_too(org_a, owner, two):
    survivor, merged = two
    submission = make_submission(make_form(org_a), merged)
    _merge(survivor, merged, owner)
    with scopes_disabled():
        assert FormSubmission.objects.get(pk=submission.pk).person_id == survivor.pk


def test_same_event_keeps_the_attended_rsvp_with_the_others_acceptance(org_a, owner, two):
    survivor, merged = two
    make_hub(org_a)
    event = make_event(org_a, requires_code_of_conduct=True)
    shift = make_shift(event)
    conduct = make_conduct(org_a)
    accepted_at = timezone.now()
    ours = make_rsvp(event, survivor, conduct_version=conduct, conduct_accepted_at=accepted_at, email="ana@example.org")
    theirs = make_rsvp(event, merged, attended_at=timezone.now(), checked_in_by=owner, shift=shift, email="")
    other = make_rsvp(event, make_person(org_a), attended_at=timezone.now())
    _merge(survivor, merged, owner)
    with scopes_disabled():
        kept = RSVP.objects.get(event=event, person=survivor)
        assert kept.pk == theirs.pk
        assert (kept.attended_at, kept.checked_in_by_id, kept.shift_id) == (theirs.attended_at, owner.pk, shift.pk)
        assert (kept.conduct_version_id, kept.conduct_accepted_at) == (conduct.pk, accepted_at)
        assert kept.email == "ana@example.org"
        assert not RSVP.objects.filter(pk=ours.pk).exists()
        assert RSVP.objects.get(pk=other.pk).person_id != survivor.pk
        dropped = [{"model": "actions.rsvp", "kept": theirs.pk, "dropped": ours.pk, "event": event.pk,
                    "status": "confirmed", "attended": False}]  # fmt: skip
        assert MergeRecord.objects.get().dropped == dropped
        audit = AuditEvent.objects.get(action="people.person.merged")
        assert audit.data == {"merged_person": merged.pk, "fields_from_merged": [], "dropped": dropped}
    # The event had the same person twice; it now has them once, and still two who attended.
    assert _event_counts(event) == {"rsvps": 2, "confirmed": 2, "attended": 2}


@pytest.mark.parametrize(
    ("survivors", "mergeds", "kept"),
    [
        ("confirmed", "waitlisted", "survivor"),
        ("waitlisted", "confirmed", "merged"),
        ("cancelled", "waitlisted", "merged"),
        ("waitlisted", "cancelled", "survivor"),
        ("confirmed", "confirmed", "survivor"),  # a tie: the survivor's answer
    ],
)
def test_same_event_keeps_the_stronger_status(org_a, owner, two, survivors, mergeds, kept):
    survivor, merged = two
    event = make_event(org_a)
    ours = make_rsvp(event, survivor, status=survivors)
    theirs = make_rsvp(event, merged, status=mergeds)
    _merge(survivor, merged, owner)
    with scopes_disabled():
        (row,) = RSVP.objects.filter(event=event)
    assert (row.pk, row.person_id, row.status) == (
        (ours if kept == "survivor" else theirs).pk,
        survivor.pk,
        survivors if kept == "survivor" else mergeds,
    )


def test_a_cancelled_answers_shift_is_not_taken_over(org_a, owner, two):
    survivor, merged = two
    event = make_event(org_a)
    shift = make_shift(event)
    make_rsvp(event, survivor, status="confirmed")
    make_rsvp(event, merged, status="cancelled", shift=shift)
    _merge(survivor, merged, owner)
    with scopes_disabled():
        assert RSVP.objects.get(event=event).shift_id is None


def test_a_failing_rule_merges_nothing(org_a, owner, two, monkeypatch):
    survivor, merged = two
    event = make_event(org_a)
    make_rsvp(event, survivor)
    make_rsvp(event, merged)

    def boom(ours, theirs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setitem(merging._rules, "actions.rsvp", merging.MergeRule("actions.rsvp", keep=boom))
    with pytest.raises(RuntimeError):
        _merge(survivor, merged, owner)
    with scopes_disabled():
        assert Person.objects.filter(pk=merged.pk).exists()
        assert sorted(RSVP.objects.values_list("person_id", flat=True)) == sorted([survivor.pk, merged.pk])
        assert not MergeRecord.objects.exists()
        assert not AuditEvent.objects.filter(action="people.person.merged").exists()


def _foreign_keys_to_person() -> list[tuple[type[models.Model], str]]:
    return [
        (model, field.attname)
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey) and field.related_model is Person
    ]


def test_no_row_of_any_app_points_at_the_merged_record_afterwards(org_a, org_b, owner):
    """A person with data in every app (the subject-request test world) merged into a new record:
    every foreign key to a person, hidden ones included, now points at the survivor."""
    world = build_world(org_a, org_b, owner)
    merged = world.person
    survivor = make_person(org_a, given_name="Xiomi")
    keys = _foreign_keys_to_person()
    with scopes_disabled():
        pointing = {f"{m._meta.label}.{a}": m._base_manager.filter(**{a: merged.pk}).count() for m, a in keys}
        rows_before = {m._meta.label: m._base_manager.count() for m, _a in keys}
    assert pointing["actions.RSVP.person_id"] == 1 and pointing["actions.Event.host_person_id"] == 2
    _merge(survivor, merged, owner)
    with scopes_disabled():
        after = {f"{m._meta.label}.{a}": m._base_manager.filter(**{a: merged.pk}).count() for m, a in keys}
        moved = {f"{m._meta.label}.{a}": m._base_manager.filter(**{a: survivor.pk}).count() for m, a in keys}
        rows_after = {m._meta.label: m._base_manager.count() for m, _a in keys}
    assert after == dict.fromkeys(after, 0)
    assert moved["actions.RSVP.person_id"] == 1
    assert moved["actions.Event.host_person_id"] == 2
    assert moved["actions.FormSubmission.person_id"] == 1
    assert moved["board.BoardSeat.person_id"] == 1
    assert moved["campaigns.Commitment.person_id"] == 1
    # Nothing was lost on the way (the merge adds its own record; pairs with the survivor go).
    rows_after["people.MergeRecord"] -= 1
    assert {k: v for k, v in rows_after.items() if k != "people.DuplicatePair"} == {
        k: v for k, v in rows_before.items() if k != "people.DuplicatePair"
    }


def test_without_a_rule_the_survivors_row_is_kept_and_the_other_listed(org_a, owner, two, monkeypatch):
    survivor, merged = two
    event = make_event(org_a)
    ours = make_rsvp(event, survivor, status="cancelled")
    theirs = make_rsvp(event, merged, attended_at=timezone.now())
    monkeypatch.delitem(merging._rules, "actions.rsvp")
    _merge(survivor, merged, owner)
    with scopes_disabled():
        assert list(RSVP.objects.filter(event=event).values_list("pk", flat=True)) == [ours.pk]
        assert MergeRecord.objects.get().dropped == [
            {"model": "actions.rsvp", "kept": ours.pk, "dropped": theirs.pk, "event_id": event.pk}
        ]
