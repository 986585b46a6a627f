"""Saved segments: filters that pick people of one organization when they are used.

``SegmentFilters`` is the validated filter spec (stored as JSON in ``Segment.filters``);
``people_matching`` turns it into a queryset of the organization's people, and
``segment_people`` does so for a saved segment (messaging reuses it). Every filter narrows:
a filter that names a tag or a list that no longer exists matches nobody, never everybody.
The operations ``segment_create``/``segment_update``/``segment_delete`` are audited with the
kinds of filters only, never people's data.
"""

from __future__ import annotations

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

from .models import Channel, ConsentRecord, PeopleList, Person, PersonEmail, PersonPhone, Segment, Tag
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
        for name in ("tags_match", "consent_match", "county", "zip_prefix"):
            if name in data:
                if not isinstance(data[name], str):
                    raise SegmentError(_("These filters cannot be read."))
                values[name] = data[name]
        for name in ("added_within_days", "people_list"):
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
        return data

    def used(self) -> list[str]:
        """The names of the filters that are set (what the audit trail records)."""
        return sorted(self.to_json().keys() - {"tags_match", "consent_match"})

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

    def describe(self, *, tag_names: dict[int, str], list_names: dict[int, str]) -> list[str]:
        """The filters in words, for people to read (tag and list names looked up by the caller)."""
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
        return parts or [_("Everybody")]


def current_consent(channel: str) -> Subquery:
    """Whether the person (the outer row) agrees to ``channel`` now: their latest ConsentRecord
    for it (None when there is none). The same order as ``operations.person_consent``."""
    latest = (
        ConsentRecord.objects.filter(person=OuterRef("pk"), channel=channel)
        .order_by("-recorded_at", "-id")
        .values("granted")[:1]
    )
    return Subquery(latest)


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
            people = people.alias(**{f"consent_now_{c}": current_consent(c) for c in filters.consent})
            wanted = [Q(**{f"consent_now_{c}": True}) for c in filters.consent]
            combined = wanted[0]
            for q in wanted[1:]:
                combined = (combined & q) if filters.consent_match == ALL else (combined | q)
            people = people.filter(combined)
        if filters.added_within_days is not None:
            people = people.filter(created_at__gte=timezone.now() - timedelta(days=filters.added_within_days))
        if filters.people_list is not None:
            members = PeopleList.people.through.objects.filter(
                peoplelist_id=filters.people_list, peoplelist__organization=organization, person_id=OuterRef("pk")
            )
            people = people.filter(Exists(members))
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
