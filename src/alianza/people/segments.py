"""Saved segments: filters that pick people of one organization when they are used.

``SegmentFilters`` is the validated filter spec (stored as JSON in ``Segment.filters``);
``people_matching`` turns it into a queryset of the organization's people, and
``segment_people`` does so for a saved segment (messaging reuses it). Every filter narrows:
a filter that names a tag or a list that no longer exists matches nobody, never everybody.
The operations ``segment_create``/``segment_update``/``segment_delete`` are audited with the
kinds of filters only, never people's data.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, fields
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scope

from alianza.core.audit import log_action
from alianza.core.models import Organization, User

from . import activity as activities
from .custom_fields import KEY_PATTERN, TEXT_MAX, custom_value, custom_value_display, option_is
from .models import Channel, ConsentRecord, CustomField, PeopleList, Person, PersonEmail, PersonPhone, Segment, Tag
from .operations import PeopleError

MAX_DAYS = 3650
ZIP_PREFIX = re.compile(r"^[0-9]{1,5}(-[0-9]{0,4})?$")
ANY, ALL = "any", "all"
MATCH_CHOICES = [(ANY, gettext_lazy("any of them")), (ALL, gettext_lazy("all of them"))]


class SegmentError(PeopleError):
    """Filters or a segment that cannot be used; the message is translated and shown."""


def _ints(value: Any, what: str) -> tuple[int, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise SegmentError(_("The %(filter)s filter is not a list of numbers.") % {"filter": what})
    return tuple(sorted(set(value)))


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise SegmentError(_("The %(filter)s filter is not a list of choices.") % {"filter": what})
    return tuple(sorted(set(value)))


def _number_or_none(value: Any) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SegmentError(_("These filters cannot be read."))
    return value


def _iso_date_or_empty(value: Any) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        raise SegmentError(_("These filters cannot be read."))
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise SegmentError(_("These filters cannot be read.")) from None
    return value


@dataclass(frozen=True)
class CustomFilter:
    """A filter on one custom field (``CustomField.key``), by its type: text equals (ignoring
    case), number from/to, date from/to (ISO), choice any of the options (keys)."""

    key: str
    field_type: str
    equals: str = ""
    min: int | float | None = None
    max: int | float | None = None
    date_from: str = ""
    date_to: str = ""
    options: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> CustomFilter:
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("field"), str)
            or not isinstance(data.get("type"), str)
        ):
            raise SegmentError(_("These filters cannot be read."))
        unknown = set(data) - {"field", "type", "equals", "min", "max", "from", "to", "any_of"}
        if unknown:
            raise SegmentError(_("Unknown filter: %(names)s.") % {"names": ", ".join(sorted(unknown))})
        equals = data.get("equals", "")
        if not isinstance(equals, str):
            raise SegmentError(_("These filters cannot be read."))
        return cls(
            key=data["field"],
            field_type=data["type"],
            equals=equals,
            min=_number_or_none(data.get("min")),
            max=_number_or_none(data.get("max")),
            date_from=_iso_date_or_empty(data.get("from")),
            date_to=_iso_date_or_empty(data.get("to")),
            options=_strings(data.get("any_of", []), _("options")),
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.key, "type": self.field_type}
        if self.field_type == CustomField.Type.TEXT:
            data["equals"] = self.equals
        elif self.field_type == CustomField.Type.NUMBER:
            data |= {name: value for name, value in (("min", self.min), ("max", self.max)) if value is not None}
        elif self.field_type == CustomField.Type.DATE:
            data |= {name: value for name, value in (("from", self.date_from), ("to", self.date_to)) if value}
        else:
            data["any_of"] = list(self.options)
        return data

    def errors(self) -> list[str]:
        errors: list[str] = []
        kind = self.field_type
        if not KEY_PATTERN.match(self.key) or kind not in CustomField.Type.values:
            return [_("These filters cannot be read.")]
        if kind == CustomField.Type.TEXT and not (self.equals.strip() and len(self.equals) <= TEXT_MAX):
            errors.append(_("Write the text to look for (at most %(max)d characters).") % {"max": TEXT_MAX})
        if kind == CustomField.Type.NUMBER:
            if self.min is None and self.max is None:
                errors.append(_("Give a smallest or a largest number."))
            elif self.min is not None and self.max is not None and self.min > self.max:
                errors.append(_("The smallest number is larger than the largest."))
        if kind == CustomField.Type.DATE:
            if not (self.date_from or self.date_to):
                errors.append(_("Give a first or a last date."))
            elif self.date_from and self.date_to and self.date_from > self.date_to:
                errors.append(_("The first date is after the last one."))
        if kind == CustomField.Type.CHOICE and not self.options:
            errors.append(_("Choose at least one option."))
        return errors

    def condition(self, definition: CustomField | None, alias: str) -> tuple[dict[str, Any], Q]:
        """The alias to add and the condition on it; a field that no longer exists (or is now of
        another type) matches nobody."""
        if definition is None or definition.field_type != self.field_type:
            return {}, Q(pk__in=[])
        value = custom_value(self.key)
        if self.field_type == CustomField.Type.CHOICE:
            return {}, option_is(self.key, self.options)
        if self.field_type == CustomField.Type.TEXT:
            return {alias: value}, Q(**{f"{alias}__iexact": self.equals})
        low, high = (
            (self.min, self.max) if self.field_type == CustomField.Type.NUMBER else (self.date_from, self.date_to)
        )
        condition = Q(**{f"{alias}__isnull": False})
        if low is not None and low != "":
            condition &= Q(**{f"{alias}__gte": low})
        if high is not None and high != "":
            condition &= Q(**{f"{alias}__lte": high})
        return {alias: value}, condition


@dataclass(frozen=True)
class SegmentFilters:
    """Which people a segment picks. Every field left empty picks everybody for that field;
    the fields that are set must all hold (AND)."""

    tags: tuple[int, ...] = ()  # Tag ids
    tags_match: str = ANY  # the person has any of the tags, or all of them
    languages: tuple[str, ...] = ()  # preferred language is one of these
    county: str = ""  # same county, ignoring case
    zip_prefix: str = ""  # ZIP code starts with this
    consent: tuple[str, ...] = ()  # channels the person currently agrees to be contacted on
    consent_match: str = ANY
    added_within_days: int | None = None  # the record was created in the last N days
    people_list: int | None = None  # a member of this static list (PeopleList id)
    custom: tuple[CustomFilter, ...] = ()  # filters on the organization's custom fields
    activity: str = ""  # did this (an ``activity.ActivityKind`` code) …
    activity_days: int | None = None  # … in the last N days

    @classmethod
    def from_json(cls, data: Any) -> SegmentFilters:
        """Read stored or submitted filters; anything malformed raises ``SegmentError``."""
        if not isinstance(data, dict):
            raise SegmentError(_("These filters cannot be read."))
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise SegmentError(_("Unknown filter: %(names)s.") % {"names": ", ".join(unknown)})
        values: dict[str, Any] = {}
        if "tags" in data:
            values["tags"] = _ints(data["tags"], _("tags"))
        if "languages" in data:
            values["languages"] = _strings(data["languages"], _("language"))
        if "consent" in data:
            values["consent"] = _strings(data["consent"], _("consent"))
        if "custom" in data:
            if not isinstance(data["custom"], list | tuple):
                raise SegmentError(_("These filters cannot be read."))
            values["custom"] = tuple(CustomFilter.from_json(item) for item in data["custom"])
        for name in ("tags_match", "consent_match", "county", "zip_prefix", "activity"):
            if name in data:
                if not isinstance(data[name], str):
                    raise SegmentError(_("These filters cannot be read."))
                values[name] = data[name]
        for name in ("added_within_days", "people_list", "activity_days"):
            value = data.get(name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise SegmentError(_("These filters cannot be read."))
            values[name] = value
        filters = cls(**values)
        filters.check()
        return filters

    def to_json(self) -> dict[str, Any]:
        """Only what is set, so a stored segment reads as what it filters on."""
        data: dict[str, Any] = {}
        if self.tags:
            data["tags"] = list(self.tags)
            data["tags_match"] = self.tags_match
        if self.languages:
            data["languages"] = list(self.languages)
        if self.county:
            data["county"] = self.county
        if self.zip_prefix:
            data["zip_prefix"] = self.zip_prefix
        if self.consent:
            data["consent"] = list(self.consent)
            data["consent_match"] = self.consent_match
        if self.added_within_days is not None:
            data["added_within_days"] = self.added_within_days
        if self.people_list is not None:
            data["people_list"] = self.people_list
        if self.custom:
            data["custom"] = [item.to_json() for item in self.custom]
        if self.activity:
            data["activity"] = self.activity
            data["activity_days"] = self.activity_days
        return data

    def used(self) -> list[str]:
        """The names of the filters that are set (what the audit trail records)."""
        used = self.to_json().keys() - {"tags_match", "consent_match", "custom", "activity_days"}
        return sorted(used | {f"custom.{item.key}" for item in self.custom})

    def check(self) -> None:
        """Values that can never be right, whatever the organization (translated errors)."""
        errors: list[str] = []
        if self.tags_match not in (ANY, ALL) or self.consent_match not in (ANY, ALL):
            errors.append(_("Choose “any of them” or “all of them”."))
        languages = {code for code, _name in settings.ALL_LANGUAGES}
        if not set(self.languages) <= languages:
            errors.append(_("Choose languages from the list."))
        if not set(self.consent) <= set(Channel.values):
            errors.append(_("Choose channels from the list."))
        if len(self.county) > 100 or self.county != self.county.strip():
            errors.append(_("Enter a county name of up to 100 characters."))
        if self.zip_prefix and not ZIP_PREFIX.match(self.zip_prefix):
            errors.append(_("Enter the first digits of a ZIP code, for example 787 or 78701."))
        if self.added_within_days is not None and not 1 <= self.added_within_days <= MAX_DAYS:
            errors.append(_("Enter a number of days from 1 to %(max)d.") % {"max": MAX_DAYS})
        keys = [item.key for item in self.custom]
        if len(keys) != len(set(keys)):
            errors.append(_("These filters cannot be read."))
        for item in self.custom:
            errors += item.errors()
        if self.activity or self.activity_days is not None:
            if activities.get(self.activity) is None:
                errors.append(
                    _("“%(code)s” is not something people can do here; choose from the list.")
                    % {"code": self.activity[:60]}
                    if self.activity
                    else _("Choose what people did.")
                )
            if self.activity_days is None or not 1 <= self.activity_days <= MAX_DAYS:
                errors.append(_("Enter a number of days from 1 to %(max)d.") % {"max": MAX_DAYS})
        if errors:
            raise SegmentError(" ".join(errors))

    def validate(self, *, organization: Organization) -> None:
        """``check()``, and the tags and the list belong to ``organization``."""
        self.check()
        with scope(organization=organization):
            if self.tags and Tag.objects.filter(organization=organization, pk__in=self.tags).count() != len(self.tags):
                raise SegmentError(_("Choose tags of your organization."))
            if (
                self.people_list is not None
                and not PeopleList.objects.filter(organization=organization, pk=self.people_list).exists()
            ):
                raise SegmentError(_("Choose a list of your organization."))
            if self.custom:
                fields = {f.key: f for f in CustomField.objects.filter(organization=organization)}
                for item in self.custom:
                    definition = fields.get(item.key)
                    if definition is None or definition.field_type != item.field_type:
                        raise SegmentError(_("Choose fields of your organization."))
                    known = {option["key"] for option in definition.choices}
                    if not set(item.options) <= known:
                        raise SegmentError(_("Choose options of the field %(field)s.") % {"field": definition.label})

    def describe(
        self,
        *,
        tag_names: dict[int, str],
        list_names: dict[int, str],
        fields: dict[str, CustomField] | None = None,
    ) -> list[str]:
        """The filters in words, for people to read (tag and list names, and the custom fields,
        looked up by the caller)."""
        missing = _("(deleted)")
        parts: list[str] = []
        if self.tags:
            names = ", ".join(sorted(tag_names.get(pk, missing) for pk in self.tags))
            if self.tags_match == ALL:
                parts.append(_("Tags: all of %(names)s") % {"names": names})
            else:
                parts.append(_("Tags: any of %(names)s") % {"names": names})
        if self.languages:
            labels = dict(settings.ALL_LANGUAGES)
            parts.append(_("Language: %(names)s") % {"names": ", ".join(str(labels[code]) for code in self.languages)})
        if self.county:
            parts.append(_("County: %(county)s") % {"county": self.county})
        if self.zip_prefix:
            parts.append(_("ZIP code starts with %(prefix)s") % {"prefix": self.zip_prefix})
        if self.consent:
            labels = dict(Channel.choices)
            names = ", ".join(str(labels[c]) for c in self.consent)
            if self.consent_match == ALL:
                parts.append(_("Agrees to be contacted by all of: %(names)s") % {"names": names})
            else:
                parts.append(_("Agrees to be contacted by any of: %(names)s") % {"names": names})
        if self.added_within_days is not None:
            parts.append(_("Added in the last %(days)d days") % {"days": self.added_within_days})
        if self.people_list is not None:
            parts.append(_("In the list %(name)s") % {"name": list_names.get(self.people_list, missing)})
        for item in self.custom:
            parts.append(_describe_custom(item, (fields or {}).get(item.key), missing))
        if self.activity:
            kind = activities.get(self.activity)
            parts.append(
                _("%(activity)s in the last %(days)d days")
                % {"activity": kind.label if kind else missing, "days": self.activity_days or 0}
            )
        return parts or [_("Everybody")]


def _describe_custom(item: CustomFilter, definition: CustomField | None, missing: str) -> str:
    if definition is None or definition.field_type != item.field_type:
        return _("The field %(key)s %(missing)s: matches nobody") % {"key": item.key, "missing": missing}
    label = str(definition.label)
    if item.field_type == CustomField.Type.TEXT:
        return _("%(field)s is “%(value)s”") % {"field": label, "value": item.equals}
    if item.field_type == CustomField.Type.CHOICE:
        names = ", ".join(definition.choice_label(key) for key in item.options)
        return _("%(field)s: any of %(names)s") % {"field": label, "names": names}
    low: Any
    high: Any
    if item.field_type == CustomField.Type.NUMBER:
        low, high = item.min, item.max
    else:
        low, high = item.date_from or None, item.date_to or None
    low_text, high_text = custom_value_display(definition, low), custom_value_display(definition, high)
    if low is not None and high is not None:
        return _("%(field)s from %(low)s to %(high)s") % {"field": label, "low": low_text, "high": high_text}
    if low is not None:
        return _("%(field)s: %(low)s or more") % {"field": label, "low": low_text}
    return _("%(field)s: %(high)s or less") % {"field": label, "high": high_text}


def current_consent(channel: str) -> Subquery:
    """Whether the person (the outer row) agrees to ``channel`` now: their latest ConsentRecord
    for it (None when there is none). The same order as ``operations.person_consent``."""
    latest = (
        ConsentRecord.objects.filter(person=OuterRef("pk"), channel=channel)
        .order_by("-recorded_at", "-id")
        .values("granted")[:1]
    )
    return Subquery(latest)


def consents_now(channel: str) -> Exists:
    """Whether the person (the outer row) agrees to ``channel`` now: their latest ConsentRecord
    for it, in ``current_consent``'s order, grants it. The same answer as
    ``current_consent(channel) == True``, written as EXISTS … NOT EXISTS so that the database
    can join (a semi- and an anti-join) instead of running a subquery for every person: on a
    million people the difference is seconds."""
    newer = ConsentRecord.objects.filter(person_id=OuterRef("person_id"), channel=channel).filter(
        Q(recorded_at__gt=OuterRef("recorded_at")) | Q(recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk"))
    )
    return Exists(
        ConsentRecord.objects.filter(person_id=OuterRef("pk"), channel=channel, granted=True).filter(~Exists(newer))
    )


def with_consent(people: QuerySet[Person]) -> QuerySet[Person]:
    """Annotate ``consent_<channel>`` (True, False or None) for every channel."""
    return people.annotate(**{f"consent_{channel}": current_consent(channel) for channel in Channel.values})


def people_matching(filters: SegmentFilters, *, organization: Organization) -> QuerySet[Person]:
    """The people of ``organization`` the filters pick (a lazy queryset; no duplicates, so it
    counts and pages correctly)."""
    with scope(organization=organization):
        people = Person.objects.filter(organization=organization)
        tagged = Person.tags.through.objects.filter(tag__organization=organization)
        if filters.tags:
            if filters.tags_match == ALL:
                for tag_id in filters.tags:
                    people = people.filter(Exists(tagged.filter(person_id=OuterRef("pk"), tag_id=tag_id)))
            else:
                people = people.filter(Exists(tagged.filter(person_id=OuterRef("pk"), tag_id__in=filters.tags)))
        if filters.languages:
            people = people.filter(preferred_language__in=filters.languages)
        if filters.county:
            people = people.filter(county__iexact=filters.county)
        if filters.zip_prefix:
            people = people.filter(zip_code__startswith=filters.zip_prefix)
        if filters.consent:
            wanted = [consents_now(c) for c in filters.consent]
            combined = Q(wanted[0])
            for consent in wanted[1:]:
                combined = (combined & Q(consent)) if filters.consent_match == ALL else (combined | Q(consent))
            people = people.filter(combined)
        if filters.added_within_days is not None:
            people = people.filter(created_at__gte=timezone.now() - timedelta(days=filters.added_within_days))
        if filters.people_list is not None:
            members = PeopleList.people.through.objects.filter(
                peoplelist_id=filters.people_list, peoplelist__organization=organization, person_id=OuterRef("pk")
            )
            people = people.filter(Exists(members))
        if filters.custom:
            definitions = {f.key: f for f in CustomField.objects.filter(organization=organization)}
            for number, item in enumerate(filters.custom):
                aliases, condition = item.condition(definitions.get(item.key), f"custom_value_{number}")
                people = people.alias(**aliases).filter(condition)
        if filters.activity:
            kind = activities.get(filters.activity)
            if kind is None or filters.activity_days is None:  # never more people than the segment says
                return people.none()
            since = timezone.now() - timedelta(days=filters.activity_days)
            people = people.filter(pk__in=kind.person_ids_since(organization, since))
    return people


def segment_people(segment: Segment) -> QuerySet[Person]:
    """The people a saved segment picks now. Raises ``SegmentError`` when its stored filters
    cannot be read, rather than guessing (a message must never go to the wrong people)."""
    return people_matching(SegmentFilters.from_json(segment.filters), organization=segment.organization)


def with_contact_points(people: QuerySet[Person]) -> QuerySet[Person]:
    """Prefetch what a table of people shows (contact points and tags): a fixed number of
    queries, whatever the number of rows. Call it inside the organization's scope."""
    return people.prefetch_related(
        Prefetch("emails", queryset=PersonEmail.objects.all()),
        Prefetch("phones", queryset=PersonPhone.objects.all()),
        Prefetch("tags", queryset=Tag.objects.all()),
    )


@dataclass
class SegmentInput:
    name: str
    filters: SegmentFilters = field(default_factory=SegmentFilters)


def _save(segment: Segment, data: SegmentInput) -> None:
    name = data.name.strip()
    if not name:
        raise SegmentError(_("Give the segment a name."))
    data.filters.validate(organization=segment.organization)
    if Segment.objects.filter(organization=segment.organization, name__iexact=name).exclude(pk=segment.pk).exists():
        raise SegmentError(_("Another segment already has this name."))
    segment.name = name
    segment.filters = data.filters.to_json()
    segment.updated_at = timezone.now()
    try:
        segment.full_clean(exclude=["organization", "created_by"], validate_constraints=False)
    except ValidationError as exc:
        raise SegmentError(" ".join(exc.messages)) from None
    try:
        with transaction.atomic():  # a savepoint: two people saving the same name at once
            segment.save()
    except IntegrityError:
        raise SegmentError(_("Another segment already has this name.")) from None


def segment_create(
    *, organization: Organization, actor: User, data: SegmentInput, request: HttpRequest | None = None
) -> Segment:
    with transaction.atomic(), scope(organization=organization):
        segment = Segment(organization=organization, created_by=actor)
        _save(segment, data)
        log_action(
            actor=actor,
            organization=organization,
            action="people.segment.created",
            obj=segment,
            data={"filters": data.filters.used()},
            request=request,
        )
    return segment


def segment_update(*, segment: Segment, actor: User, data: SegmentInput, request: HttpRequest | None = None) -> Segment:
    with transaction.atomic(), scope(organization=segment.organization):
        segment = Segment.objects.select_for_update().get(pk=segment.pk)
        before = (segment.name, segment.filters)
        _save(segment, data)
        after = (segment.name, segment.filters)
        changed = [name for name, old, new in zip(("name", "filters"), before, after, strict=True) if old != new]
        if changed:
            log_action(
                actor=actor,
                organization=segment.organization,
                action="people.segment.updated",
                obj=segment,
                data={"fields": changed, "filters": data.filters.used()},
                request=request,
            )
    return segment


def segment_delete(*, segment: Segment, actor: User, request: HttpRequest | None = None) -> None:
    with transaction.atomic(), scope(organization=segment.organization):
        segment = Segment.objects.select_for_update().get(pk=segment.pk)
        log_action(
            actor=actor,
            organization=segment.organization,
            action="people.segment.deleted",
            obj=segment,
            request=request,
        )
        segment.delete()
