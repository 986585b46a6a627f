"""Static lists: people put in a list stay in it until they are taken out.

Operations (``people_list_<verb>``) run in one transaction, write one audit event each with
counts only (never names: the audit trail is append-only), and raise ``PeopleError`` with a
translated message. Adding and removing work in batches of ids, so adding the 200,000 people
of a search does not load 200,000 people.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_scopes import scope

from alianza.core.audit import log_action
from alianza.core.models import Organization, User

from .models import PeopleList, Person, Segment
from .operations import PeopleError

BATCH_SIZE = 2000
Membership = PeopleList.people.through


def _id_batches(people: QuerySet[Person] | Iterable[Person], organization: Organization) -> Iterator[list[int]]:
    """The people's ids, in batches, refusing anyone of another organization."""
    if isinstance(people, QuerySet):
        # Keyset pages, each a fresh query: flat memory, and safe while the batch before is
        # being written (SQLite has no isolation between queries of one connection).
        ids = people.filter(organization=organization).prefetch_related(None).order_by("pk")
        last = 0
        while batch := list(ids.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH_SIZE]):
            yield batch
            last = batch[-1]
        return
    batch = []
    for person in people:
        if person.organization_id != organization.pk:
            raise PeopleError(_("Only people of your organization can be in its lists."))
        batch.append(person.pk)
    if batch:
        yield batch


def _size(people_list: PeopleList) -> int:
    return Membership.objects.filter(peoplelist=people_list).count()


def _add(people_list: PeopleList, people: QuerySet[Person] | Iterable[Person]) -> int:
    before = _size(people_list)
    for batch in _id_batches(people, people_list.organization):
        Membership.objects.bulk_create(
            [Membership(peoplelist_id=people_list.pk, person_id=pk) for pk in batch], ignore_conflicts=True
        )
    return _size(people_list) - before


def people_list_create(
    *,
    organization: Organization,
    actor: User,
    name: str,
    description: str = "",
    people: QuerySet[Person] | Iterable[Person] = (),
    request: HttpRequest | None = None,
) -> PeopleList:
    """A new list, with ``people`` in it from the start (none by default)."""
    name = name.strip()
    if not name:
        raise PeopleError(_("Give the list a name."))
    with transaction.atomic(), scope(organization=organization):
        if PeopleList.objects.filter(organization=organization, name__iexact=name).exists():
            raise PeopleError(_("Another list already has this name."))
        people_list = PeopleList(
            organization=organization, name=name, description=description.strip(), created_by=actor
        )
        try:
            people_list.full_clean(exclude=["organization", "created_by"], validate_constraints=False)
        except ValidationError as exc:
            raise PeopleError(" ".join(exc.messages)) from None
        try:
            with transaction.atomic():
                people_list.save()
        except IntegrityError:
            raise PeopleError(_("Another list already has this name.")) from None
        added = _add(people_list, people)
        log_action(
            actor=actor,
            organization=organization,
            action="people.people_list.created",
            obj=people_list,
            data={"added": added, "size": added},
            request=request,
        )
    return people_list


def people_list_add(
    *,
    people_list: PeopleList,
    actor: User,
    people: QuerySet[Person] | Iterable[Person],
    request: HttpRequest | None = None,
) -> int:
    """Put ``people`` in the list; those already in it stay once. Returns how many were added."""
    with transaction.atomic(), scope(organization=people_list.organization):
        people_list = PeopleList.objects.select_for_update().get(pk=people_list.pk)
        added = _add(people_list, people)
        log_action(
            actor=actor,
            organization=people_list.organization,
            action="people.people_list.people_added",
            obj=people_list,
            data={"added": added, "size": _size(people_list)},
            request=request,
        )
    return added


def people_list_remove(
    *,
    people_list: PeopleList,
    actor: User,
    people: QuerySet[Person] | Iterable[Person],
    request: HttpRequest | None = None,
) -> int:
    """Take ``people`` out of the list (the people themselves stay). Returns how many were removed."""
    with transaction.atomic(), scope(organization=people_list.organization):
        people_list = PeopleList.objects.select_for_update().get(pk=people_list.pk)
        removed = 0
        for batch in _id_batches(people, people_list.organization):
            removed += Membership.objects.filter(peoplelist=people_list, person_id__in=batch).delete()[0]
        log_action(
            actor=actor,
            organization=people_list.organization,
            action="people.people_list.people_removed",
            obj=people_list,
            data={"removed": removed, "size": _size(people_list)},
            request=request,
        )
    return removed


def segments_using(people_list: PeopleList) -> list[Segment]:
    """Saved segments that filter on membership of this list."""
    with scope(organization=people_list.organization):
        return list(Segment.objects.filter(organization=people_list.organization, filters__people_list=people_list.pk))


def people_list_delete(*, people_list: PeopleList, actor: User, request: HttpRequest | None = None) -> None:
    """Delete the list (not its people). Refused while a saved segment filters on it, so that
    segment never silently changes whom it picks."""
    with transaction.atomic(), scope(organization=people_list.organization):
        people_list = PeopleList.objects.select_for_update().get(pk=people_list.pk)
        using = segments_using(people_list)
        if using:
            raise PeopleError(
                _("These segments use this list: %(names)s. Change or delete them first.")
                % {"names": ", ".join(s.name for s in using)}
            )
        log_action(
            actor=actor,
            organization=people_list.organization,
            action="people.people_list.deleted",
            obj=people_list,
            data={"size": _size(people_list)},
            request=request,
        )
        people_list.delete()
