"""Operations on people: create, update, share, revoke. Each runs in one transaction,
validates, writes one audit event and raises ``PeopleError`` with a translated message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from alianza.core.audit import diff, log_action
from alianza.core.models import Organization, User

from .contact import email_normalize, phone_normalize
from .custom_fields import custom_value_is_valid
from .models import Channel, ConsentRecord, CustomField, Person, PersonEmail, PersonPhone, SharingGrant, Tag

PROFILE_FIELDS = [
    "given_name", "family_name", "preferred_name", "pronouns", "preferred_language", "other_languages",
    "street", "city", "county", "state", "zip_code", "notes",
]  # fmt: skip


class PeopleError(Exception):
    """A change to a person that cannot be made; the message is shown to the user."""


@dataclass
class PersonInput:
    """What staff enter about a person (one e-mail and one phone on the form; the model holds any number)."""

    given_name: str = ""
    family_name: str = ""
    preferred_name: str = ""
    pronouns: str = ""
    preferred_language: str = "en"
    other_languages: list[str] = field(default_factory=list)
    street: str = ""
    city: str = ""
    county: str = ""
    state: str = ""
    zip_code: str = ""
    notes: str = ""
    email: str = ""
    phone: str = ""
    whatsapp: bool = False
    tags: list[Tag] = field(default_factory=list)
    consent: dict[str, bool] = field(default_factory=dict)  # channel → consents
    # Custom field key → typed value (see ``custom_fields.custom_values_clean``); None or "" removes
    # the value. Keys left out keep their values (archived fields, fields the form does not show);
    # ``None`` here leaves every custom value as it is.
    custom: dict[str, Any] | None = None


def _snapshot(person: Person) -> dict[str, Any]:
    values = {name: getattr(person, name) for name in PROFILE_FIELDS}
    values["emails"] = sorted(e.email for e in person.emails.all())
    values["phones"] = sorted(p.number for p in person.phones.all())
    values["tags"] = sorted(t.name for t in person.tags.all())
    values.update({f"custom.{key}": value for key, value in (person.custom or {}).items()})
    return values


def _current_consent(person: Person) -> dict[str, bool]:
    current: dict[str, bool] = {}
    for record in person.consent_records.order_by("recorded_at", "id"):
        current[record.channel] = record.granted
    return current


def person_consent(person: Person) -> dict[str, bool]:
    """Each channel's current consent (False where never given)."""
    current = _current_consent(person)
    return {channel: current.get(channel, False) for channel in Channel.values}


def _apply(person: Person, data: PersonInput, *, actor: User, source: str) -> None:
    if not (data.given_name.strip() or data.family_name.strip() or data.preferred_name.strip()):
        raise PeopleError(_("Enter at least one name."))
    for name in PROFILE_FIELDS:
        value = getattr(data, name)
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    if data.custom is not None:
        person.custom = _custom_values(person, data.custom)
    person.updated_at = timezone.now()
    try:
        email = email_normalize(data.email) if data.email.strip() else ""
        phone, kind = phone_normalize(data.phone) if data.phone.strip() else ("", "")
        person.full_clean(exclude=["tags"])
    except ValidationError as exc:
        raise PeopleError(" ".join(exc.messages)) from None
    others = Person.objects.exclude(pk=person.pk)
    if email and PersonEmail.objects.filter(email=email, person__in=others).exists():
        raise PeopleError(_("Another person in your organization already has this e-mail address."))
    if phone and PersonPhone.objects.filter(number=phone, person__in=others).exists():
        raise PeopleError(_("Another person in your organization already has this phone number."))
    person.save()
    person.tags.set(data.tags)
    # The form edits the primary contact points; other addresses stay.
    person.emails.filter(is_primary=True).exclude(email=email).delete()
    if email:
        PersonEmail.objects.update_or_create(
            organization=person.organization, person=person, email=email, defaults={"is_primary": True}
        )
    person.phones.filter(is_primary=True).exclude(number=phone).delete()
    if phone:
        PersonPhone.objects.update_or_create(
            organization=person.organization,
            person=person,
            number=phone,
            defaults={"is_primary": True, "kind": kind, "whatsapp": data.whatsapp},
        )
    current = _current_consent(person)
    for channel in Channel.values:
        wanted = bool(data.consent.get(channel, False))
        if current.get(channel, False) != wanted:
            ConsentRecord.objects.create(
                organization=person.organization,
                person=person,
                channel=channel,
                granted=wanted,
                source=source,
                recorded_by=actor,
            )


def _custom_values(person: Person, changes: dict[str, Any]) -> dict[str, Any]:
    """The person's custom values with ``changes`` applied, each checked against its field."""
    definitions = {f.key: f for f in CustomField.objects.filter(organization=person.organization)}
    values = dict(person.custom or {})
    for key, value in changes.items():
        definition = definitions.get(key)
        if definition is None:
            raise PeopleError(_("“%(key)s” is not one of your organization's fields.") % {"key": key[:50]})
        if value is None or value == "":
            values.pop(key, None)
        elif custom_value_is_valid(definition, value):
            values[key] = value
        else:
            raise PeopleError(_("%(field)s: this value does not fit the field.") % {"field": definition.label})
    return values


def _changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Only the names of what changed: the audit trail is append-only, so it must not become a
    second copy of a person's data (which an erasure could not remove)."""
    return sorted(diff(before, after))


def person_create(
    *, organization: Organization, actor: User, data: PersonInput, request: HttpRequest | None = None
) -> Person:
    with transaction.atomic(), scope(organization=organization):
        person = Person(organization=organization)
        _apply(person, data, actor=actor, source=_("Entered by staff"))
        log_action(
            actor=actor,
            organization=organization,
            action="people.person.created",
            obj=person,
            data={"fields": _changed_fields({}, _snapshot(person))},
            request=request,
        )
    return person


def person_update(*, person: Person, actor: User, data: PersonInput, request: HttpRequest | None = None) -> Person:
    with transaction.atomic(), scope(organization=person.organization):
        person = Person.objects.select_for_update().get(pk=person.pk)
        before = _snapshot(person)
        _apply(person, data, actor=actor, source=_("Changed by staff"))
        changed = _changed_fields(before, _snapshot(person))
        if changed:
            log_action(
                actor=actor,
                organization=person.organization,
                action="people.person.updated",
                obj=person,
                data={"fields": changed},
                request=request,
            )
    return person


def sharing_grant_create(
    *,
    person: Person,
    actor: User,
    grantee: Organization,
    purpose: str,
    expires_at: datetime | None,
    person_agreed: bool,
    request: HttpRequest | None = None,
) -> SharingGrant:
    """Record that the person agreed their record may be shared with ``grantee`` for ``purpose``."""
    if not person_agreed:
        raise PeopleError(_("Share only when the person has agreed to it, for this purpose."))
    if grantee.pk == person.organization_id:
        raise PeopleError(_("Choose another organization."))
    if grantee.status != Organization.Status.ACTIVE:
        raise PeopleError(_("That organization is not active in the network."))
    if not purpose.strip():
        raise PeopleError(_("Say what the record is shared for."))
    if expires_at is not None and expires_at <= timezone.now():
        raise PeopleError(_("The end date must be in the future."))
    with transaction.atomic(), scope(organization=person.organization):
        grant = SharingGrant(
            organization=person.organization,
            person=person,
            grantee=grantee,
            purpose=purpose.strip(),
            expires_at=expires_at,
            created_by=actor,
        )
        grant.full_clean()
        grant.save()
        log_action(
            actor=actor,
            organization=person.organization,
            action="people.sharing_grant.created",
            obj=grant,
            data={
                "person": person.pk,
                "grantee": grantee.slug,
                "until": expires_at.isoformat() if expires_at else None,
            },
            request=request,
        )
    return grant


def sharing_grant_revoke(*, grant: SharingGrant, actor: User, request: HttpRequest | None = None) -> SharingGrant:
    """End a grant at once: the other organization loses access with its next request."""
    with transaction.atomic(), scope(organization=grant.organization):
        grant = SharingGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.revoked_at is not None:
            raise PeopleError(_("This sharing was already revoked."))
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        log_action(
            actor=actor,
            organization=grant.organization,
            action="people.sharing_grant.revoked",
            obj=grant,
            data={"person": grant.person_id, "grantee": grant.grantee.slug},
            request=request,
        )
    return grant
