"""Reads of people (the caller's scope decides whose)."""

from __future__ import annotations

import re

from django.db.models import Prefetch, Q, QuerySet

from .models import Person, PersonEmail, PersonPhone


def people_search(q: str = "") -> QuerySet[Person]:
    """People matching every word of ``q`` in a name, or ``q`` in an e-mail or phone number.
    (A plain index-backed LIKE for now; trigram search on PostgreSQL comes with the 1M-people work.)"""
    people = Person.objects.all()
    q = q.strip()
    if q:
        by_name = Q()
        for word in q.split():
            by_name &= (
                Q(given_name__icontains=word) | Q(family_name__icontains=word) | Q(preferred_name__icontains=word)
            )
        matches = by_name | Q(emails__email__icontains=q.lower())
        digits = re.sub(r"\D", "", q)
        if len(digits) >= 4:
            matches |= Q(phones__number__contains=digits)
        people = people.filter(matches).distinct()
    return people.prefetch_related(
        Prefetch("emails", queryset=PersonEmail.objects.filter(is_primary=True)),
        Prefetch("phones", queryset=PersonPhone.objects.filter(is_primary=True)),
        "tags",
    )
