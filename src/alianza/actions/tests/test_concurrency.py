"""Capacity, waitlist and shift capacity stay exact when many people RSVP at the same moment:
parallel threads, each with its own database connection, on PostgreSQL (SQLite serialises every
write, so the race cannot happen there: these tests run on PostgreSQL only). The last test sends
the public form itself, with its CSRF token, from 40 visitors at once (bench/events.py does the
same over real HTTP with 10,000)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django_scopes import scope

from alianza.actions.models import RSVP
from alianza.actions.rsvp_answers import rsvp_submit
from alianza.actions.rsvps import RSVPError, rsvp_cancel
from alianza.actions.tests.factories import make_event, make_shift
from alianza.core.models import AuditEvent
from alianza.people.models import Person, PersonEmail

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL")


def _in_parallel(jobs: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 — collected and asserted on
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _rsvp(event: Any, n: int, **kwargs: Any) -> Callable[[], RSVP]:
    return lambda: rsvp_submit(
        event=event, name=f"Person {n}", email=f"p{n}@example.org", phone="", language="es", consents={}, **kwargs
    )


@pytest.mark.django_db(transaction=True)
def test_parallel_rsvps_never_overbook_and_are_never_lost_or_doubled(org_a):
    event = make_event(org_a, capacity=5, waitlist=True)
    # 24 people, each sending the form twice at the same moment (a double click).
    jobs = [_rsvp(event, n) for n in range(24) for _twice in range(2)]
    results = _in_parallel(jobs)
    assert [r for r in results if isinstance(r, Exception)] == []
    with scope(organization=org_a):
        rsvps = list(RSVP.objects.filter(event=event))
        assert len(rsvps) == 24  # none lost, none doubled
        assert Person.objects.count() == 24
        assert sum(r.status == RSVP.Status.CONFIRMED for r in rsvps) == 5
        assert sum(r.status == RSVP.Status.WAITLISTED for r in rsvps) == 19
    # Every answer to the same person is the same RSVP.
    by_person: dict[int, set[int]] = {}
    for r in results:
        by_person.setdefault(r.person_id, set()).add(r.pk)
    assert all(len(ids) == 1 for ids in by_person.values())


@pytest.mark.django_db(transaction=True)
def test_parallel_cancellations_promote_exactly_as_many_as_left(org_a):
    event = make_event(org_a, capacity=4, waitlist=True)
    rsvps = [_rsvp(event, n)() for n in range(10)]
    confirmed = [r for r in rsvps if r.status == RSVP.Status.CONFIRMED]
    _in_parallel([lambda r=r: rsvp_cancel(rsvp=r) for r in confirmed[:3]])
    with scope(organization=org_a):
        statuses = list(RSVP.objects.filter(event=event).order_by("id").values_list("status", flat=True))
    assert statuses.count(RSVP.Status.CONFIRMED) == 4
    assert statuses.count(RSVP.Status.CANCELLED) == 3
    assert statuses.count(RSVP.Status.WAITLISTED) == 3
    # First come, first served: the next three on the waitlist were promoted.
    assert statuses[4:7] == [RSVP.Status.CONFIRMED] * 3


@pytest.mark.django_db(transaction=True)
def test_parallel_rsvps_never_overbook_a_shift(org_a):
    event = make_event(org_a)
    shift = make_shift(event, capacity=3)
    results = _in_parallel([_rsvp(event, n, shift=shift) for n in range(12)])
    taken = [r for r in results if isinstance(r, RSVP)]
    refused = [r for r in results if isinstance(r, RSVPError)]
    assert (len(taken), len(refused)) == (3, 9)
    with scope(organization=org_a):
        assert RSVP.objects.filter(shift=shift, status=RSVP.Status.CONFIRMED).count() == 3


CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.django_db(transaction=True)
def test_forty_visitors_sending_the_public_form_at_once_fill_capacity_waitlist_and_shifts_exactly(org_a, settings):
    settings.ALIANZA_RSVP_RATE_LIMIT = 1000  # every test client comes from the same address
    event = make_event(org_a, capacity=10, waitlist=True)
    shifts = [make_shift(event, capacity=3), make_shift(event, capacity=3)]
    url = event.get_public_url()
    visitors = []
    for n in range(40):
        client = Client(enforce_csrf_checks=True)  # each with its own CSRF cookie and token
        token = CSRF_VALUE.search(client.get(url).content.decode()).group(1)
        data = {"csrfmiddlewaretoken": token, "name": f"Persona {n}", "email": f"v{n}@example.org", "phone": "",
                "language": "es", "website": ""}  # fmt: skip
        if n % 2 == 0:  # half of them volunteer for a shift (6 places for 20 of them)
            data["shift"] = str(shifts[n // 2 % 2].pk)
        visitors.append((client, data))
    # Five of them (without a shift) double-click: the same form twice at the same moment.
    senders = visitors + visitors[1:10:2]
    jobs = [lambda c=c, d=d: c.post(url, d) for c, d in senders]
    responses = _in_parallel(jobs)

    assert [r for r in responses if isinstance(r, Exception)] == []
    assert {r.status_code for r in responses} <= {302, 400}
    # A form kept while another request held the event's lock redirects to its receipt page, which
    # shows the outcome once the answer is allocated: the thank-you page, or the form again (400).
    for i, response in enumerate(responses):
        while response.status_code == 302 and "/answer/" in response["Location"]:
            page = senders[i][0].get(response["Location"])
            if page.status_code == 200 and b"answer-waiting" in page.content:
                continue  # still waiting (the visitor taps "See the result" again)
            response = page if page.status_code == 302 else type(page)(status=400)
        responses[i] = response
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {302, 400}
    # Only a volunteer whose shift filled up meanwhile is refused (the form says the choice is gone).
    refused = {senders[i][1]["email"] for i, r in enumerate(responses) if r.status_code == 400}
    accepted = {senders[i][1]["email"] for i, r in enumerate(responses) if r.status_code == 302}
    refused_shifts = {senders[i][1]["shift"] for i, r in enumerate(responses) if r.status_code == 400}
    assert all(int(e[1:].split("@")[0]) % 2 == 0 for e in refused)
    assert accepted.isdisjoint(refused)
    with scope(organization=org_a):
        rsvps = list(RSVP.objects.filter(event=event).select_related("person"))
        emails = {e.person_id: e.email for e in PersonEmail.objects.all()}
        by_status = {s: sum(r.status == s for r in rsvps) for s in RSVP.Status.values}
        assert sorted(emails[r.person_id] for r in rsvps) == sorted(accepted)  # none lost, none doubled
        assert Person.objects.count() == len(accepted)  # each person created once
        assert by_status == {"confirmed": 10, "waitlisted": len(accepted) - 10, "cancelled": 0}
        for shift in shifts:
            confirmed_in_shift = sum(r.shift_id == shift.pk and r.status == RSVP.Status.CONFIRMED for r in rsvps)
            assert confirmed_in_shift <= 3
            if str(shift.pk) in refused_shifts:  # refused only once it was really full
                assert confirmed_in_shift == 3
        assert AuditEvent.objects.filter(action="actions.rsvp.created").count() == len(accepted)
