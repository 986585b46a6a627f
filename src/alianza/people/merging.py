"""Merging two records of the same person, and dismissing a pair that is not.

The survivor keeps its identity; the fields the reviewer chose are taken from the merged
record; every contact point, consent record, sharing grant, tag and anything else that points
at the merged record (in any app: found through the model's relations) moves to the survivor;
the merged record is then deleted. A ``MergeRecord`` and an audit event keep the fact of the
merge and the names of the fields taken — never the values.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from alianza.core.audit import log_action
from alianza.core.models import User

from .models import DuplicatePair, MergeRecord, Person
from .operations import PeopleError

MERGE_FIELDS = [
    "given_name", "family_name", "preferred_name", "pronouns", "preferred_language",
    "street", "city", "county", "state", "zip_code",
]  # fmt: skip


def person_merge(
    *, survivor: Person, merged: Person, actor: User, take_from_merged: list[str], request: HttpRequest | None = None
) -> Person:
    if survivor.pk == merged.pk or survivor.organization_id != merged.organization_id:
        raise PeopleError(_("These two records cannot be merged."))
    unknown = set(take_from_merged) - set(MERGE_FIELDS)
    if unknown:
        raise PeopleError(_("Choose fields from the list."))
    organization = survivor.organization
    with transaction.atomic(), scope(organization=organization):
        locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])}
        if len(locked) != 2:
            raise PeopleError(_("One of these records no longer exists."))
        survivor, merged = locked[survivor.pk], locked[merged.pk]
        languages = set(survivor.other_languages) | set(merged.other_languages)
        languages |= {survivor.preferred_language, merged.preferred_language}
        for name in take_from_merged:
            setattr(survivor, name, getattr(merged, name))
        survivor.other_languages = sorted(languages - {survivor.preferred_language, ""})
        # Custom field values: the survivor's stay; the merged record's fill the fields it lacks.
        survivor.custom = {**(merged.custom or {}), **(survivor.custom or {})}
        if merged.notes:
            survivor.notes = f"{survivor.notes}\n---\n{merged.notes}" if survivor.notes else merged.notes
        survivor.updated_at = timezone.now()
        survivor.save()
        survivor.tags.add(*merged.tags.all())
        merged.emails.update(person=survivor, is_primary=False)
        merged.phones.update(person=survivor, is_primary=False)
        _move_everything_else(survivor, merged)
        merged_id = merged.pk
        _move_pairs(survivor, merged)
        merged.delete()
        MergeRecord.objects.create(
            organization=organization,
            survivor=survivor,
            merged_person_id=merged_id,
            fields_from_merged=sorted(take_from_merged),
            merged_by=actor,
        )
        log_action(
            actor=actor,
            organization=organization,
            action="people.person.merged",
            obj=survivor,
            data={"merged_person": merged_id, "fields_from_merged": sorted(take_from_merged)},
            request=request,
        )
    return survivor


def _move_pairs(survivor: Person, merged: Person) -> None:
    """The merged record's other possible duplicates become the survivor's (unless known)."""
    for pair in DuplicatePair.objects.filter(Q(person_a=merged) | Q(person_b=merged)):
        other = pair.person_b_id if pair.person_a_id == merged.pk else pair.person_a_id
        if other != survivor.pk:
            a, b = sorted((survivor.pk, other))
            DuplicatePair.objects.get_or_create(
                organization=pair.organization,
                person_a_id=a,
                person_b_id=b,
                defaults={"score": pair.score, "reasons": pair.reasons, "status": pair.status},
            )
        pair.delete()


def _move_everything_else(survivor: Person, merged: Person) -> None:
    """Re-point every other relation to the merged person (this app's and later apps')."""
    handled = {"emails", "phones", "+"}
    for relation in Person._meta.related_objects:
        model = relation.related_model
        assert not isinstance(model, str)  # resolved once the app registry is ready
        if model is DuplicatePair or relation.get_accessor_name() in handled:
            continue
        field_name = relation.field.name
        if relation.many_to_many:
            for obj in model._base_manager.filter(**{field_name: merged}):
                getattr(obj, field_name).add(survivor)
        else:
            model._base_manager.filter(**{field_name: merged}).update(**{field_name: survivor})


def duplicate_pair_dismiss(*, pair: DuplicatePair, actor: User, request: HttpRequest | None = None) -> DuplicatePair:
    with transaction.atomic(), scope(organization=pair.organization):
        pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
        if pair.status != DuplicatePair.Status.OPEN:
            raise PeopleError(_("This pair was already reviewed."))
        pair.status = DuplicatePair.Status.DISMISSED
        pair.decided_by = actor
        pair.decided_at = timezone.now()
        pair.save(update_fields=["status", "decided_by", "decided_at"])
        log_action(actor=actor, organization=pair.organization, action="people.duplicate_pair.dismissed", obj=pair)
    return pair
