"""Answering an event from its public page: the form is kept first, then allocated in batches.

``rsvp_receive`` checks what the visitor sent and keeps it (an ``RSVPSubmission``) in one
INSERT, in its own short transaction, without waiting for any lock: from then on nothing the
visitor sent can be lost. ``rsvps_allocate`` then takes the event's row lock *if it is free*
and allocates every pending answer of the event in order of arrival, up to ``BATCH`` in one
transaction: one match of all the e-mails and phones, the new people, their contact points and
consents, the RSVPs and the audit events each in one INSERT, one count of the places taken, the
statuses decided in memory in order, one commit. Under a burst, one request allocates large
batches while the others only keep theirs and answer at once; one commit (one flush of the
write-ahead log) serves a whole batch instead of one answer (docs/performance.md).

Capacity stays exact: places are counted and given only by the holder of the event's row lock,
as every other operation that changes them (``rsvps.py``: cancel, promotion, walk-ins) does.

Nothing is stranded: a request that finds the lock taken leaves its answer pending; the holder,
after each commit, looks for pending answers again *without* the lock (so one kept while it
held the lock is seen), and takes the lock again for them. If the holder was not allocating (a
cancellation held the lock), the visitor's receipt page allocates when it is opened, and the
periodic sweep (``tasks.allocate_pending_rsvps``) catches the rest.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_scopes import scope

from alianza.core.audit import audit_event, client_ip, log_actions
from alianza.core.bulk_insert import insert_instance
from alianza.people.intake import Contact, IntakeError, KnownPeople, contact_clean, people_intake, people_known

from . import page_cache
from .models import RSVP, CodeOfConductVersion, Event, RSVPSubmission, Shift
from .rsvps import RSVPError

BATCH = 250  # answers allocated in one transaction
BUDGET = 1.0  # seconds a web request allocates before it leaves the rest to a task

# What the allocation reads of the event it locks: whether it is open, its capacity and waitlist.
_LOCKED_EVENT_FIELDS = ("organization", "token", "title", "status", "ends_at", "capacity", "waitlist")


def refusal_message(refusal: str) -> str:
    """What the visitor reads when their answer was refused (translated)."""
    messages = {
        RSVPSubmission.Refusal.CLOSED: _("This event is not taking RSVPs."),
        RSVPSubmission.Refusal.FULL: _("This event is full."),
        RSVPSubmission.Refusal.SHIFT_FULL: _("That shift is full. Choose another one, or none."),
    }
    return messages[RSVPSubmission.Refusal(refusal)]


def rsvp_receive(
    *,
    event: Event,
    name: str,
    email: str,
    phone: str,
    language: str,
    consents: dict[str, bool],
    shift: Shift | None = None,
    conduct: CodeOfConductVersion | None = None,
    required_conduct: CodeOfConductVersion | None = None,
    request: HttpRequest | None = None,
) -> RSVPSubmission:
    """Check an answer and keep it, pending. ``RSVPError`` (translated) for what the visitor
    must correct: a closed event, the code of conduct not accepted, a shift of another event,
    no way to reach them or an invalid e-mail or phone. ``required_conduct`` is the code of
    conduct the event requires today, ``conduct`` the version the person accepted."""
    if not event.is_open_for_rsvp:
        raise RSVPError(_("This event is not taking RSVPs."))
    if required_conduct is not None and (conduct is None or conduct.pk != required_conduct.pk):
        raise RSVPError(_("Please read the code of conduct and tick the box to accept it."))
    if shift is not None and shift.event_id != event.pk:
        raise RSVPError(_("Choose a shift from the list."))
    try:
        contact = contact_clean(name=name, email=email, phone=phone, language=language, consents=consents)
    except IntakeError as exc:
        raise RSVPError(str(exc)) from None
    submission = RSVPSubmission(
        organization=event.organization,
        event=event,
        name=contact.name,
        email=contact.email,
        phone=contact.phone,
        language=contact.language,
        consents=contact.consents,
        shift=shift,
        wants_shift=shift is not None,
        conduct_version=conduct if required_conduct is not None else None,
        ip_address=client_ip(request),
    )
    # One INSERT prepared once: every answer of a burst runs it, and compiling it through
    # save() cost more than PostgreSQL took to run it (docs/performance.md).
    insert_instance(submission)
    return submission


@dataclass
class Allocation:
    finished: bool  # nothing was left pending (False: the lock was taken, or the rest left to a task)
    allocated: dict[int, RSVPSubmission] = field(default_factory=dict)  # what this call allocated, by id
    rsvps: dict[int, RSVP] = field(default_factory=dict)  # of those, the RSVP each taken one took or kept


def rsvps_allocate(event: Event, *, wait: bool = False, budget: float = BUDGET, just_kept: bool = False) -> Allocation:
    """Allocate the event's pending answers, batch after batch, until none is left. Without
    ``wait``, gives up at once when another transaction holds the event's lock: the holder,
    the receipt page or the sweep allocates them. After ``budget`` seconds the rest is left to
    the ``allocate_rsvps`` task. ``just_kept``: the caller has just kept an answer, so there is
    one to allocate (no need to look before taking the lock)."""
    deadline = time.monotonic() + budget
    allocation = Allocation(finished=False)
    with scope(organization=event.organization):
        # After each commit, look again without the lock: an answer kept while this request held
        # it found the lock taken and left its allocation to this request.
        while just_kept or _any_pending(event):
            just_kept = False
            if time.monotonic() > deadline:
                _enqueue_allocation(event)
                return allocation
            if not _allocate_batch_retrying(event, allocation, wait=wait):
                return allocation
    allocation.finished = True
    return allocation


def _any_pending(event: Event) -> bool:
    return RSVPSubmission.objects.filter(event_id=event.pk, state=RSVPSubmission.State.PENDING).exists()


def rsvp_submit(**answer: Any) -> RSVP:
    """Take an answer and allocate it now, waiting for the event's lock: the RSVP (confirmed or
    waitlisted; the standing one when the person had already answered), or ``RSVPError`` with
    the reason it was refused. For callers that need the outcome at once (the demo, tests); the
    public page uses ``rsvp_receive`` and ``rsvps_allocate`` so that it never waits."""
    submission = rsvp_receive(**answer)
    allocation = rsvps_allocate(submission.event, wait=True, budget=float("inf"), just_kept=True)
    with scope(organization=submission.organization):
        if submission.pk in allocation.allocated:
            submission, rsvp = allocation.allocated[submission.pk], allocation.rsvps.get(submission.pk)
        else:  # allocated by another request's batch while this one waited for the lock
            contact = _contact(submission)
            submission.refresh_from_db(fields=["state", "refusal"])
            kind, person_id = people_known([contact]).visitors().key(contact, new=None)
            rsvps = RSVP.objects.filter(event_id=submission.event_id)
            rsvp = rsvps.filter(person_id=person_id).first() if kind == "person" else None
        if submission.state == RSVPSubmission.State.REFUSED:
            raise RSVPError(refusal_message(submission.refusal))
        assert rsvp is not None  # taken: the person's RSVP to the event
        return RSVP.objects.select_related("event", "shift", "person").get(pk=rsvp.pk)


def _enqueue_allocation(event: Event) -> None:
    from .tasks import allocate_rsvps

    allocate_rsvps.enqueue(event_id=event.pk, organization_id=str(event.organization_id))


def _allocate_batch_retrying(event: Event, allocation: Allocation, *, wait: bool) -> bool:
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _allocate_batch(event, allocation, wait=wait)
        except IntegrityError:
            # Another form (a petition, another event) added one of the batch's e-mails or phones
            # meanwhile (unique per organization): the second try matches that person.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _lock_event(event_id: int, *, wait: bool) -> bool:
    """Take the event's row lock (``FOR NO KEY UPDATE``, as ``rsvps.py`` does), or without
    ``wait`` only if it is free; False if it was not (or the event is gone). Plain SQL: during a
    burst every answer runs this and most find the lock taken, and building the query through
    the ORM cost more than PostgreSQL took to answer it (docs/performance.md). SQLite has no row
    locks: its transactions take one writer at a time."""
    table = connection.ops.quote_name(Event._meta.db_table)
    lock = ""
    if connection.vendor == "postgresql":
        lock = " FOR NO KEY UPDATE" if wait else " FOR NO KEY UPDATE SKIP LOCKED"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE id = %s{lock}", [event_id])  # noqa: S608 — the table's name
        return cursor.fetchone() is not None


def _allocate_batch(event: Event, allocation: Allocation, *, wait: bool) -> bool:
    """One batch under the event's lock, added to ``allocation``; False if the lock was taken
    (without ``wait``)."""
    if not _lock_event(event.pk, wait=wait):
        return False
    locked = Event.objects.only(*_LOCKED_EVENT_FIELDS).get(pk=event.pk)
    locked.organization = event.organization
    pending = list(
        RSVPSubmission.objects.select_for_update(of=("self",))
        .select_related("conduct_version")
        .filter(event=locked, state=RSVPSubmission.State.PENDING)
        .order_by("id")[:BATCH]
    )
    if not pending:
        return True
    if not locked.is_open_for_rsvp:
        for submission in pending:
            submission.state, submission.refusal = RSVPSubmission.State.REFUSED, RSVPSubmission.Refusal.CLOSED
        taken: dict[int, RSVP] = {}
    else:
        known = people_known([_contact(s) for s in pending])
        taken, made = _decide(locked, pending, known)
        _write(locked, pending, taken, made, known)
    _write_outcomes(pending, taken)
    allocation.allocated.update((s.pk, s) for s in pending)
    allocation.rsvps.update(taken)
    return True


def _write_outcomes(pending: list[RSVPSubmission], taken: dict[int, RSVP]) -> None:
    """Mark the answers allocated: one UPDATE for those taken (what was typed is now on the
    person and the RSVP: nothing of it stays here) and one per reason for those refused (what
    was typed stays, to fill the form in again)."""
    for submission in pending:
        submission.ip_address = None
        if submission.pk in taken:
            submission.state = RSVPSubmission.State.TAKEN
            submission.name = submission.email = submission.phone = ""
            submission.consents = {}
    if taken:
        RSVPSubmission.objects.filter(pk__in=list(taken)).update(
            state=RSVPSubmission.State.TAKEN, name="", email="", phone="", consents={}, ip_address=None
        )
    refusals = defaultdict(list)
    for submission in pending:
        if submission.state == RSVPSubmission.State.REFUSED:
            refusals[submission.refusal].append(submission.pk)
    for refusal, pks in refusals.items():
        RSVPSubmission.objects.filter(pk__in=pks).update(
            state=RSVPSubmission.State.REFUSED, refusal=refusal, ip_address=None
        )


def _decide(event: Event, pending: list[RSVPSubmission], known: KnownPeople) -> tuple[dict[int, RSVP], dict[int, RSVP]]:
    """Decide each answer in order of arrival, in memory, under the event's lock: a refusal set
    on the submission, or the RSVP it takes (by the submission's id); of those, ``made`` holds
    the RSVPs to write (new, or a cancelled one answered again), by the submission that made
    them. A visitor who had already answered keeps their RSVP: nothing changes."""
    contacts = [_contact(s) for s in pending]
    visitors = known.visitors()  # who each answer is, as people_intake will see it
    person_ids = {owner.person.pk for owner in known.owners.values()}
    earlier: dict[Any, RSVP] = {}
    if person_ids:
        rows = RSVP.objects.filter(event=event, person_id__in=person_ids)
        earlier = {("person", rsvp.person_id): rsvp for rsvp in rows}
    shifts: dict[int, Shift] = {}
    if any(s.wants_shift for s in pending):
        shifts = {s.pk: s for s in Shift.objects.select_for_update(no_key=True).filter(event=event)}
    in_shift: dict[int | None, int] = defaultdict(int)
    confirmed_rows = RSVP.objects.filter(event=event, status=RSVP.Status.CONFIRMED).order_by()
    for shift_id, count in confirmed_rows.values_list("shift_id").annotate(n=Count("id")):
        in_shift[shift_id] = count
    confirmed = sum(in_shift.values())

    answered: dict[Any, RSVP] = {}  # visitor's key -> their standing RSVP
    taken: dict[int, RSVP] = {}
    made: dict[int, RSVP] = {}
    for submission, contact in zip(pending, contacts, strict=True):
        key = visitors.key(contact, new=submission.pk)
        # A full shift or a full event without waitlist is refused before anything about the
        # person is looked at: the answer must not tell whether this e-mail already has a place.
        shift = shifts.get(submission.shift_id) if submission.shift_id else None
        gone = submission.wants_shift and shift is None  # deleted since: refused, never dropped
        if gone or (shift is not None and in_shift[shift.pk] >= shift.capacity):
            submission.state, submission.refusal = RSVPSubmission.State.REFUSED, RSVPSubmission.Refusal.SHIFT_FULL
            continue
        full = event.capacity is not None and confirmed >= event.capacity
        if full and not event.waitlist:
            submission.state, submission.refusal = RSVPSubmission.State.REFUSED, RSVPSubmission.Refusal.FULL
            continue
        standing = answered.get(key) or earlier.get(key)
        if standing is not None and standing.status != RSVP.Status.CANCELLED:
            taken[submission.pk] = answered[key] = standing  # already answered: nothing changes
            visitors.claim(contact, key)
            continue
        if not full:
            confirmed += 1
            if shift is not None:
                in_shift[shift.pk] += 1
        rsvp = standing or RSVP(organization=event.organization, event=event)  # a cancelled one reopens
        rsvp.status = RSVP.Status.WAITLISTED if full else RSVP.Status.CONFIRMED
        rsvp.shift = shift
        rsvp.source = RSVP.Source.FORM
        rsvp.language = contact.language
        rsvp.conduct_version = submission.conduct_version
        rsvp.conduct_accepted_at = submission.received_at if submission.conduct_version_id else None
        rsvp.created_at = submission.received_at
        rsvp.waitlisted_at = submission.received_at if full else None
        rsvp.cancelled_at = rsvp.promoted_at = None
        rsvp.confirmation_sent_at = rsvp.promotion_sent_at = rsvp.reminder_sent_at = None
        taken[submission.pk] = made[submission.pk] = answered[key] = rsvp
        visitors.claim(contact, key)  # only taken answers go to people_intake, in this order
    return taken, made


def _contact(submission: RSVPSubmission) -> Contact:
    return Contact(
        name=submission.name,
        email=submission.email,
        phone=submission.phone,
        language=submission.language,
        consents=submission.consents,
    )


def _write(
    event: Event, pending: list[RSVPSubmission], taken: dict[int, RSVP], made: dict[int, RSVP], known: KnownPeople
) -> None:
    """The people, RSVPs, audit events and the answers' outcome: a few INSERTs and UPDATEs."""
    accepted = [s for s in pending if s.pk in taken]
    source = _("RSVP: %(event)s") % {"event": str(event.title)[:80]}
    contacts = [_contact(s) for s in accepted]
    intakes = people_intake(organization=event.organization, contacts=contacts, source=source, known=known)
    for submission, intake in zip(accepted, intakes, strict=True):
        if submission.pk in made:
            made[submission.pk].person_id = intake.person_id
            made[submission.pk].email = intake.email
    reopened = [rsvp for rsvp in made.values() if rsvp.pk is not None]
    RSVP.objects.bulk_create([rsvp for rsvp in made.values() if rsvp.pk is None])
    for rsvp in reopened:
        rsvp.save()  # a cancelled answer given again: rare, one UPDATE each
    by_id = {s.pk: s for s in pending}
    fresh = [(rsvp, by_id[pk]) for pk, rsvp in made.items()]
    conduct = {pk: s.conduct_version.version for pk, s in by_id.items() if s.conduct_version}
    log_actions(
        [
            audit_event(
                actor=None,
                organization=event.organization,
                action="actions.rsvp.created",
                obj=rsvp,
                data={
                    "event": event.pk,
                    "status": rsvp.status,
                    "shift": rsvp.shift_id,
                    "code_of_conduct_version": conduct.get(submission.pk),
                },
                ip_address=submission.ip_address,
            )
            for rsvp, submission in fresh
        ]
    )
    to_confirm = [rsvp.pk for rsvp in made.values() if rsvp.email]
    if to_confirm:
        from .tasks import send_rsvp_confirmations

        transaction.on_commit(
            partial(send_rsvp_confirmations.enqueue, rsvp_ids=to_confirm, organization_id=str(event.organization_id))
        )
    page_cache.event_changed(event.token)  # bulk writes send no signals
