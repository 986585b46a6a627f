"""Reads of people (the caller's scope decides whose)."""

from __future__ import annotations

import re

from django.db.models import Prefetch, Q, QuerySet

from .models import Person, PersonEmail, PersonPhone


def people_search(q: str = "") -> QuerySet[Person]:
    """People matching every word of ``q`` in a name, or ``q`` in an e-mail or phone number.
    On PostgreSQL trigram indexes serve these ``LIKE`` searches (migration 0005); SQLite scans."""
    people = Person.objects.all()
    q = q.strip()
    if q:
        by_name = Q()
        for word in q.split():
            by_name &= (
                Q(given_name__icontains=word) | Q(family_name__icontains=word) | Q(preferred_name__icontains=word)
            )
        # Sub-selects rather than joins, so PostgreSQL can combine its trigram indexes
        # (name columns, e-mail, phone) instead of scanning; no DISTINCT needed.
        matches = by_name | Q(pk__in=PersonEmail.objects.filter(email__icontains=q.lower()).values("person_id"))
        digits = re.sub(r"\D", "", q)
        if len(digits) >= 4:
            matches |= Q(pk__in=PersonPhone.objects.filter(number__contains=digits).values("person_id"))
        people = people.filter(matches)
    return people.prefetch_related(
        Prefetch("emails", queryset=PersonEmail.objects.filter(is_primary=True)),
        Prefetch("phones", queryset=PersonPhone.objects.filter(is_primary=True)),
        "tags",
    )
