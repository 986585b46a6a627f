"""Merging two records of the same person, and dismissing a pair that is not.

The survivor keeps its identity; the fields the reviewer chose are taken from the merged
record; every contact point, consent record, sharing grant, tag and anything else that points
at the merged record moves to the survivor: every foreign key to ``Person`` in any app, found
through the model's relations, including those without a reverse accessor (``related_name="+"``,
such as RSVPs and an event's volunteer host). The merged record is then deleted. A
``MergeRecord`` and an audit event keep the fact of the merge and the names of the fields taken —
never the values.

Where both records have a row that may exist once per person (a unique constraint that includes
the foreign key, e.g. one RSVP per person and event), one row is kept and the other deleted: an
app registers a ``MergeRule`` for its model to choose which (and to copy what matters onto the
kept row); without one the survivor's row is kept. Each dropped row is listed (ids and a few
facts, no personal data) in ``MergeRecord.dropped`` and in the audit event::

    merging.register_rule(MergeRule("actions.rsvp", keep=rsvp_merge_keep, describe=rsvp_merge_facts))
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
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


@dataclass(frozen=True)
class MergeRule:
    """How to settle a model's rows when the survivor's and the merged record's cannot both
    point at the survivor. ``keep(survivor_row, merged_row)`` returns the row to keep (one of the
    two), after copying onto it and saving whatever of the other must not be lost; the other is
    deleted. ``describe(dropped_row)`` gives plain facts about the dropped row (ids, statuses:
    never names, contact points or free text) for the merge record."""

    model: str  # "app_label.modelname", as ``Model._meta.label_lower``
    keep: Callable[[Any, Any], Any]
    describe: Callable[[Any], dict[str, Any]] = field(default=lambda row: {})


_rules: dict[str, MergeRule] = {}


def register_rule(rule: MergeRule) -> None:
    _rules[rule.model.lower()] = rule


def _keep_survivors(survivor_row: Any, merged_row: Any) -> Any:
    return survivor_row


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
        dropped = _move_everything_else(survivor, merged)
        merged_id = merged.pk
        _move_pairs(survivor, merged)
        merged.delete()
        MergeRecord.objects.create(
            organization=organization,
            survivor=survivor,
            merged_person_id=merged_id,
            fields_from_merged=sorted(take_from_merged),
            dropped=dropped,
            merged_by=actor,
        )
        data: dict[str, Any] = {"merged_person": merged_id, "fields_from_merged": sorted(take_from_merged)}
        if dropped:
            data["dropped"] = dropped
        log_action(
            actor=actor,
            organization=organization,
            action="people.person.merged",
            obj=survivor,
            data=data,
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


def _relations() -> Iterator[models.ForeignObjectRel]:
    """Every relation pointing at ``Person`` from another model, hidden ones (``related_name="+"``)
    included. Many-to-many tables Django made itself are reached through their many-to-many
    relation; duplicate pairs are moved by ``_move_pairs``."""
    for relation in Person._meta.get_fields(include_hidden=True):
        if not isinstance(relation, models.ForeignObjectRel):
            continue  # Person's own fields (its tags are added to the survivor above)
        model = relation.related_model
        assert not isinstance(model, str)  # resolved once the app registry is ready
        if model._meta.auto_created or model is DuplicatePair:
            continue
        if relation.many_to_many:
            through = relation.through  # type: ignore[attr-defined]
            if not through._meta.auto_created:
                continue  # an explicit through model: its own foreign key is moved
        yield relation


def _unique_sets(model: type[models.Model], field_name: str) -> list[tuple[list[str], Q | None]]:
    """The other fields (and the condition) of each uniqueness rule that includes ``field_name``."""
    opts = model._meta
    sets: list[tuple[list[str], Q | None]] = []
    if getattr(opts.get_field(field_name), "unique", False):
        sets.append(([], None))
    for together in opts.unique_together:
        if field_name in together:
            sets.append(([f for f in together if f != field_name], None))
    for constraint in opts.constraints:
        if isinstance(constraint, models.UniqueConstraint) and field_name in constraint.fields:
            sets.append(([f for f in constraint.fields if f != field_name], constraint.condition))
    return sets


def _settle_conflicts(
    model: type[models.Model], field_name: str, survivor: Person, merged: Person
) -> list[dict[str, Any]]:
    """Rows of the merged record that would break a uniqueness rule once moved: keep one of each
    pair (the model's ``MergeRule``, else the survivor's), delete the other, and say which."""
    dropped: list[dict[str, Any]] = []
    manager = model._base_manager
    label = model._meta.label_lower
    rule = _rules.get(label)
    keep = rule.keep if rule else _keep_survivors
    for others, condition in _unique_sets(model, field_name):
        rows = manager.filter(**{field_name: merged})
        if condition is not None:
            rows = rows.filter(condition)
        for row in rows.order_by("pk"):
            attnames = [getattr(model._meta.get_field(name), "attname", name) for name in others]
            values = {attname: getattr(row, attname) for attname in attnames}
            if any(value is None for value in values.values()):
                continue  # NULLs never clash
            clashes = manager.filter(**{field_name: survivor}, **values)
            if condition is not None:
                clashes = clashes.filter(condition)
            ours = clashes.first()
            if ours is None:
                continue
            kept = keep(ours, row)
            lost = row if kept.pk == ours.pk else ours
            facts = rule.describe(lost) if rule else {attname: getattr(lost, attname) for attname in attnames}
            dropped.append({"model": label, "kept": kept.pk, "dropped": lost.pk, **facts})
            lost.delete()
    return dropped


def _move_everything_else(survivor: Person, merged: Person) -> list[dict[str, Any]]:
    """Re-point every other relation to the merged person (this app's and later apps', hidden
    ones included), settling rows that may exist once per person first. Returns what was
    dropped."""
    dropped: list[dict[str, Any]] = []
    for relation in _relations():
        model = relation.related_model
        assert not isinstance(model, str)
        field_name = relation.field.name
        if relation.many_to_many:
            for obj in model._base_manager.filter(**{field_name: merged}):
                getattr(obj, field_name).add(survivor)
            continue
        dropped += _settle_conflicts(model, field_name, survivor, merged)
        model._base_manager.filter(**{field_name: merged}).update(**{field_name: survivor})
    return dropped


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
