"""Everything Alianza holds about one person, app by app: the registry behind a person's data
export (subject access, ``subject_export.py``) and erasure ("forget me", ``erasure.py``).

``people`` is the lowest app that knows a person, so the registry lives here; every app that
keeps rows hanging off a person registers a contributor in its ``AppConfig.ready()``::

    from alianza.people import personal_data
    personal_data.register(
        personal_data.Contributor(
            code="actions.rsvps",
            title=_("Events answered (RSVPs)"),
            export=rsvps_export,   # (person) -> list[dict]: plain JSON-able rows
            erase=rsvps_erase,     # (person, *, actor) -> dict[str, int]: counts, never data
        )
    )

Rules for a contributor:

- ``export(person)`` returns only this person's data (never another person's name, contact or
  free text), as rows of JSON-able values (str, int, float, bool, None, lists and dicts of
  them). Dates as ISO strings.
- ``erase(person, *, actor)`` deletes or anonymises every row of the app that hangs off the
  person (names, contact points and free text removed; rows that feed counts, such as an RSVP,
  are kept with the person unlinked), and returns counts such as ``{"anonymised": 3}``. It runs
  inside the erasure's transaction and scope (``person.organization``), before the person row
  itself is deleted, and must not call ``log_action``: the erasure writes one tombstone.
- ``order``: erasures run from low to high; the person's own record (``people.person``) is
  last, so contributors still see the person.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from .models import Person

ExportFn = Callable[[Person], list[dict[str, Any]]]
EraseFn = Callable[..., dict[str, int]]  # (person, *, actor) -> counts


@dataclass(frozen=True)
class Contributor:
    code: str  # "<app>.<what>", stable: it names the files in the export
    title: str | Promise  # translatable, shown in the export's summary
    export: ExportFn
    erase: EraseFn
    order: int = 100
    description: str | Promise = field(default="")


_contributors: dict[str, Contributor] = {}


def register(contributor: Contributor) -> None:
    """Add a contributor. Registering the same code twice with another contributor is an error."""
    existing = _contributors.get(contributor.code)
    if existing is not None and existing != contributor:
        raise ValueError(f"A personal-data contributor {contributor.code!r} is already registered")
    _contributors[contributor.code] = contributor


def contributors() -> list[Contributor]:
    """Every registered contributor, in erasure order (the person's own record last)."""
    return sorted(_contributors.values(), key=lambda c: (c.order, c.code))


def plain(value: Any) -> Any:
    """A value as plain JSON: dates as ISO text, decimals and UUIDs as text, lazy text as text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | Promise):
        return str(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
