"""Data of the events benchmark, made through the application's models (run by bench/events.py in
the benchmark's environment, never on its own against a real database):

    python bench/events_setup.py --burst-capacity 1000 --shift-capacity 20

Creates a hub with a published code of conduct and two published, public events that require it,
each with three shifts and a hidden street address: the PAGE event (measured for throughput; its
page is what a visitor sees) and the BURST event (capacity and shifts as given, waitlist on).
Then counts the queries of one anonymous visit to the page (Django's test client, in process).
Prints one JSON object."""

from __future__ import annotations

import argparse
import json
import os
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")
django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402
from i18nfield.strings import LazyI18nString  # noqa: E402

from alianza.actions.demo import CONDUCT_TEXT, CONDUCT_TITLE  # noqa: E402
from alianza.actions.models import CodeOfConductVersion, Event, Shift  # noqa: E402
from alianza.core.models import Organization  # noqa: E402

ADDRESS = "1100 Congress Ave, Austin, TX 78701 (south steps)"


def make_event(hub: Organization, *, title: str, capacity: int, shift_capacity: int) -> Event:
    start = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    event = Event.objects.create(
        organization=hub,
        title=LazyI18nString({"en": title, "es": f"{title} (es)"}),
        description=LazyI18nString(
            {
                "en": "Families, faith leaders and workers gather at the Capitol to ask for licenses for everyone.\n\n"
                "Bring water and a sign. Marshals wear green.",
                "es": "Familias, líderes de fe y trabajadores nos reunimos en el Capitolio.\n\nTrae agua y un cartel.",
            }
        ),
        kind=Event.Kind.RALLY,
        format=Event.Format.BOTH,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        time_zone="America/Chicago",
        place_name="Downtown Austin",
        address=ADDRESS,
        hide_address=True,
        virtual_link="https://meet.example.org/bench-secret-room",
        capacity=capacity,
        waitlist=True,
        languages=["en", "es"],
        interpretation=["es", "vi"],
        accessibility=LazyI18nString({"en": "Step-free route from the east gate.", "es": "Ruta sin escalones."}),
        childcare=True,
        requires_code_of_conduct=True,
        status=Event.Status.PUBLISHED,
        visibility=Event.Visibility.PUBLIC,
    )
    event.representatives.set([hub])
    for role in (Shift.Role.MARSHAL, Shift.Role.LEGAL_OBSERVER, Shift.Role.INTERPRETER):
        Shift.objects.create(
            organization=hub,
            event=event,
            role=role,
            starts_at=start - timedelta(hours=1),
            ends_at=start + timedelta(hours=2),
            capacity=shift_capacity,
        )
    return event


@scopes_disabled()
def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--burst-capacity", type=int, required=True)
    parser.add_argument("--shift-capacity", type=int, required=True)
    args = parser.parse_args()

    hub = Organization.objects.create(slug="bench-hub", name="Bench Coalition Hub", tier=Organization.Tier.HUB)
    conduct = CodeOfConductVersion.objects.create(
        organization=hub,
        version=1,
        title=LazyI18nString(CONDUCT_TITLE),
        text=LazyI18nString(CONDUCT_TEXT),
        published_at=timezone.now(),
    )
    page = make_event(hub, title="Rally for drivers licenses for all", capacity=200, shift_capacity=5)
    burst = make_event(hub, title="Burst rally", capacity=args.burst_capacity, shift_capacity=args.shift_capacity)

    # The queries of one anonymous visit when the page is not cached, and when it is (after a
    # first visit that fills the per-process caches).
    Client().get(page.get_public_url())
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(page.get_public_url())
    with CaptureQueriesContext(connection) as cached_queries:
        Client().get(page.get_public_url())
    print(
        json.dumps(
            {
                "slug": hub.slug,
                "conduct_pk": conduct.pk,
                "page": {"token": page.token, "url": page.get_public_url(), "title": "Rally for drivers licenses"},
                "burst": {
                    "pk": burst.pk,
                    "token": burst.token,
                    "url": burst.get_public_url(),
                    "capacity": burst.capacity,
                    "shifts": {s.pk: s.capacity for s in Shift.objects.filter(event=burst)},
                },
                "address": ADDRESS,
                "page_status": response.status_code,
                "page_queries": len(queries.captured_queries),
                "page_queries_cached": len(cached_queries.captured_queries),
                "page_query_sql": [q["sql"][:200] for q in queries.captured_queries],
                "page_bytes": len(response.content),
            }
        )
    )


if __name__ == "__main__":
    main()
