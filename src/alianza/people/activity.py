"""What people did, for segments: "did X in the last N days".

The extension point for apps above ``people`` (events, petitions, forms …): an app registers an
``ActivityKind`` in its ``AppConfig.ready()``::

    activity.register(ActivityKind(
        code="actions.attended",
        label=gettext_lazy("Attended an event"),
        person_ids_since=lambda organization, since: Attendance.objects.filter(
            organization=organization, checked_in_at__gte=since).values("person_id"),
    ))

``person_ids_since(organization, since)`` returns a queryset of person ids (one ``values()``
column) of ``organization``'s people who did it at or after ``since``; the segment filter uses it
as a subquery (``pk__in``), so it must not evaluate anything itself. ``people`` registers the
kinds it knows (consent given).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alianza.core.models import Organization

from .models import ConsentRecord


@dataclass(frozen=True)
class ActivityKind:
    code: str  # "<app>.<what>", stored in saved segments: never rename one
    label: str | Promise
    person_ids_since: Callable[[Organization, datetime], QuerySet[Any]]


_kinds: dict[str, ActivityKind] = {}


def register(kind: ActivityKind) -> None:
    _kinds[kind.code] = kind


def get(code: str) -> ActivityKind | None:
    return _kinds.get(code)


def kinds() -> list[ActivityKind]:
    """Every registered kind, in a stable order (by code)."""
    return [_kinds[code] for code in sorted(_kinds)]


def _consent_given(organization: Organization, since: datetime) -> QuerySet[Any]:
    return ConsentRecord.objects.filter(organization=organization, granted=True, recorded_at__gte=since).values(
        "person_id"
    )


register(ActivityKind(code="people.consent_given", label=_("Agreed to be contacted"), person_ids_since=_consent_given))
