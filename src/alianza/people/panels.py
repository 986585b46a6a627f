"""Facts about a person that apps above ``people`` add to the person's page (e.g. their level on
the engagement ladder).

The extension point, like ``people/timeline.py``: an app registers a provider in its
``AppConfig.ready()`` (``panels.register(ladder_fact)``); a provider takes a person and returns
``PersonFact`` items, shown with the person's facts. Providers run inside the person's
organization's scope, for the organization that holds the record only (never for a partner
that sees a shared record), and should cost a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django_scopes import scope

from .models import Person


@dataclass(frozen=True)
class PersonFact:
    label: str
    value: str
    detail: str = ""


Provider = Callable[[Person], Iterable[PersonFact]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def unregister(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def person_facts(person: Person) -> list[PersonFact]:
    facts: list[PersonFact] = []
    with scope(organization=person.organization):
        for provider in _providers:
            facts.extend(provider(person))
    return facts
