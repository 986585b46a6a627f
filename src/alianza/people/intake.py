"""People who come in through a public form (an RSVP, a petition signature, a form
submission): ``person_match_or_create`` finds the organization's record of the person or
creates one. The one entry point for apps above ``people``; it never reveals to the caller's
visitor whether the person was known (the caller answers the same either way)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from alianza.core.audit import audit_event, log_action, log_actions
from alianza.core.models import Organization, User

from .contact import email_normalize, phone_normalize
from .models import Channel, ConsentRecord, Person, PersonEmail, PersonPhone

T = TypeVar("T")


class IntakeError(Exception):
    """Input a person must correct (no way to reach them, an invalid e-mail or phone); the
    message is translated and names only what they typed."""


def _split_name(name: str) -> tuple[str, str]:
    parts = name.split()
    if len(parts) <= 1:
        return name, ""
    return " ".join(parts[:-1]), parts[-1]


def _current_consent(person: Person) -> dict[str, bool]:
    current: dict[str, bool] = {}
    for record in ConsentRecord.objects.filter(person=person).order_by("recorded_at", "id"):
        current[record.channel] = record.granted
    return current


def _emails_known(person: Person, emails: list[PersonEmail]) -> None:
    """Let ``person.emails.all()`` answer ``emails`` without a query, as ``prefetch_related``
    would have (callers read the new person's address to write to them)."""
    queryset = person.emails.all()
    queryset._result_cache = emails
    queryset._prefetch_done = True  # type: ignore[attr-defined]
    person._prefetched_objects_cache = {"emails": queryset}  # type: ignore[attr-defined]


def _match(email: str, phone: str) -> Person | None:
    # Only the key first: most people who come in through a public form are new, and this query
    # costs a fraction of one that joins and reads the whole person (docs/performance.md).
    person_id = None
    if email:
        person_id = PersonEmail.objects.filter(email=email).order_by().values_list("person_id", flat=True).first()
    if person_id is None and phone:
        person_id = PersonPhone.objects.filter(number=phone).order_by().values_list("person_id", flat=True).first()
    return None if person_id is None else Person.objects.get(pk=person_id)


@dataclass(frozen=True)
class Contact:
    """What a public form gave to reach a person, checked and normalised (``contact_clean``)."""

    name: str
    email: str  # normalised, or ""
    phone: str  # E.164, or ""
    language: str
    consents: dict[str, bool]


def contact_clean(*, name: str, email: str, phone: str, language: str, consents: dict[str, bool]) -> Contact:
    """Check and normalise what a visitor typed; ``IntakeError`` (translated) for what they must
    correct. An unknown language becomes the site's; an unknown consent channel is a bug."""
    name = " ".join(name.split())
    if not name:
        raise IntakeError(_("Enter your name."))
    try:
        email = email_normalize(email) if email.strip() else ""
        phone = phone_normalize(phone)[0] if phone.strip() else ""
    except ValidationError as exc:
        raise IntakeError(" ".join(exc.messages)) from None
    if not (email or phone):
        raise IntakeError(_("Give an e-mail address or a phone number so we can reach you."))
    languages = {code for code, _name in settings.ALL_LANGUAGES}
    language = language if language in languages else settings.LANGUAGE_CODE
    unknown = set(consents) - set(Channel.values)
    if unknown:
        raise ValueError(f"Unknown consent channels: {sorted(unknown)}")
    return Contact(name=name, email=email, phone=phone, language=language, consents=dict(consents))


def person_match_or_create(
    *,
    organization: Organization,
    name: str,
    email: str,
    phone: str,
    language: str,
    consents: dict[str, bool],
    source: str,
    actor: User | None = None,
) -> Person:
    """Find ``organization``'s person by normalised e-mail, then by E.164 phone; create one
    otherwise. A new person gets a consent record for every channel in ``consents``. A known
    person keeps their record (name and language are not overwritten by what a visitor typed);
    they gain the e-mail or phone they gave if nobody else has it, and a consent record for each
    channel they newly agreed to (an unticked box on a public form never withdraws consent).
    Audited as ``people.person.created`` or ``people.person.matched`` (no personal data in the
    trail, only the source). ``people_intake`` does the same for many contacts at once."""
    contact = contact_clean(name=name, email=email, phone=phone, language=language, consents=consents)
    with scope(organization=organization):
        for attempt in range(2):
            try:
                with transaction.atomic():
                    return _match_or_create(
                        organization=organization,
                        name=contact.name,
                        email=contact.email,
                        phone=contact.phone,
                        language=contact.language,
                        consents=contact.consents,
                        source=source,
                        actor=actor,
                    )
            except IntegrityError:
                # Two submissions with the same new e-mail or phone at once: the other one created
                # the person (unique per organization); the second try matches it.
                if attempt:
                    raise
    raise AssertionError("unreachable")


def _match_or_create(
    *,
    organization: Organization,
    name: str,
    email: str,
    phone: str,
    language: str,
    consents: dict[str, bool],
    source: str,
    actor: User | None,
) -> Person:
    now = timezone.now()
    person = _match(email, phone)
    if person is None:
        given, family = _split_name(name)
        person = Person(organization=organization, given_name=given[:150], family_name=family[:150])
        person.preferred_language = language
        # The organization is the caller's, read already: no query to check that it exists.
        person.full_clean(exclude=["tags", "organization"])
        person.save()
        emails = []
        if email:
            emails.append(
                PersonEmail.objects.create(organization=organization, person=person, email=email, is_primary=True)
            )
        # The new person's e-mail addresses are known: ``person.emails.all()`` needs no query.
        _emails_known(person, emails)
        if phone:
            PersonPhone.objects.create(organization=organization, person=person, number=phone, is_primary=True)
        ConsentRecord.objects.bulk_create(
            ConsentRecord(
                organization=organization,
                person=person,
                channel=channel,
                granted=bool(granted),
                recorded_at=now,
                source=source[:100],
                recorded_by=actor,
            )
            for channel, granted in sorted(consents.items())
        )
        log_action(
            actor=actor,
            organization=organization,
            action="people.person.created",
            obj=person,
            data={
                "source": source,
                "fields": sorted(["name", *(["email"] if email else []), *(["phone"] if phone else [])]),
            },
        )
        return person

    added: list[str] = []
    if email and not PersonEmail.objects.filter(email=email).exists():
        PersonEmail.objects.create(
            organization=organization, person=person, email=email, is_primary=not person.emails.exists()
        )
        added.append("email")
    if phone and not PersonPhone.objects.filter(number=phone).exists():
        PersonPhone.objects.create(
            organization=organization, person=person, number=phone, is_primary=not person.phones.exists()
        )
        added.append("phone")
    current = _current_consent(person)
    for channel, granted in sorted(consents.items()):
        if granted and not current.get(channel, False):
            ConsentRecord.objects.create(
                organization=organization,
                person=person,
                channel=channel,
                granted=True,
                recorded_at=now,
                source=source[:100],
                recorded_by=actor,
            )
            added.append(f"consent:{channel}")
    log_action(
        actor=actor,
        organization=organization,
        action="people.person.matched",
        obj=person,
        data={"source": source, "added": added},
    )
    return person


# --- Many contacts at once (the RSVP allocation, rsvp_allocation.py in the actions app) --------


class Intake(NamedTuple):
    person_id: int
    email: str  # where to write to the person: the e-mail they gave if it is theirs, else their first


@dataclass
class _Known:
    """A person as a batch sees them: already in the database, or new in this batch. ``emails``,
    ``phones`` and ``consents`` are what they will have; ``stored`` is what they had before."""

    person: Person
    new: bool
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    consents: dict[str, bool] = field(default_factory=dict)
    stored: tuple[int, int, dict[str, bool]] = (0, 0, {})  # e-mails, phones, consents before


def _who(owners: Mapping[str, T], contact: Contact) -> T | None:
    """The owner of the contact's e-mail, else of its phone: the one matching rule of a batch."""
    owner = owners.get(f"e:{contact.email}") if contact.email else None
    if owner is None and contact.phone:
        owner = owners.get(f"p:{contact.phone}")
    return owner


def _claim(owners: dict[str, T], contact: Contact, owner: T) -> list[str]:
    """Give ``owner`` the contact's e-mail and phone that nobody has yet; what was given."""
    given = []
    if contact.email and f"e:{contact.email}" not in owners:
        owners[f"e:{contact.email}"] = owner
        given.append("email")
    if contact.phone and f"p:{contact.phone}" not in owners:
        owners[f"p:{contact.phone}"] = owner
        given.append("phone")
    return given


class KnownPeople:
    """Who among the organization's people has the e-mails and phones of some contacts
    (``people_known``): what ``people_intake`` starts from."""

    def __init__(self, owners: dict[str, _Known]) -> None:
        self.owners = owners  # "e:<email>" / "p:<phone>" -> the person who has it

    def visitors(self) -> Visitors:
        """Tell the visitors of a batch apart exactly as ``people_intake`` will (see ``Visitors``)."""
        return Visitors({point: ("person", known.person.pk) for point, known in self.owners.items()})


class Visitors:
    """Who each contact of a batch is, before anything is written: ``("person", pk)`` for one
    of the organization's people, else the key of the first contact that will create the person.
    ``key`` then ``claim`` for each contact that ``people_intake`` will be given, in the same
    order, give the same answer ``people_intake`` does (the same ``_who`` and ``_claim``)."""

    def __init__(self, owners: dict[str, tuple[str, Any]]) -> None:
        self._owners = owners

    def key(self, contact: Contact, *, new: Any) -> tuple[str, Any]:
        return _who(self._owners, contact) or ("new", new)

    def claim(self, contact: Contact, key: tuple[str, Any]) -> None:
        _claim(self._owners, contact, key)


def people_known(contacts: list[Contact]) -> KnownPeople:
    """Look up the people ``contacts`` already are, nothing written: five queries at most. Call
    it inside ``scope(organization=...)``."""
    return KnownPeople(_owners(contacts))


def people_intake(
    *,
    organization: Organization,
    contacts: list[Contact],
    source: str,
    actor: User | None = None,
    known: KnownPeople | None = None,
) -> list[Intake]:
    """``person_match_or_create`` for many contacts in a few queries, in order: each contact is
    matched by e-mail, then phone, among the organization's people and the contacts before it
    (so the same visitor twice in one batch is one person), or becomes a new person. The same
    rules for what a known person gains and the same audit events, written in one INSERT each.
    Call it in a transaction, inside ``scope(organization=...)``. An ``IntegrityError`` means
    another transaction added one of these e-mails or phones meanwhile: run the batch again.
    ``known``: ``people_known`` of these contacts (or more), if the caller looked them up already
    in this transaction."""
    now = timezone.now()
    source = source[:100]
    owners = (known or people_known(contacts)).owners
    people: list[_Known] = []
    audits: list[tuple[_Known, list[str] | None]] = []  # per contact: None when it created the person
    for contact in contacts:
        person = _who(owners, contact)
        added: list[str] | None = []
        if person is None:
            given, family = _split_name(contact.name)
            record = Person(organization=organization, given_name=given[:150], family_name=family[:150])
            record.preferred_language = contact.language
            person, added = _Known(record, new=True), None
            person.consents = {channel: bool(granted) for channel, granted in contact.consents.items()}
        for point in _claim(owners, contact, person):
            if point == "email":
                person.emails.append(contact.email)
            else:
                person.phones.append(contact.phone)
            if added is not None:
                added.append(point)
        if added is not None:  # a public form's unticked box never withdraws consent
            for channel, granted in sorted(contact.consents.items()):
                if granted and not person.consents.get(channel, False):
                    person.consents[channel] = True
                    added.append(f"consent:{channel}")
        people.append(person)
        audits.append((person, added))

    Person.objects.bulk_create([p.person for p in _distinct(people) if p.new])
    _write_contact_points(organization, _distinct(people), now=now, source=source, actor=actor)
    entries = []
    for person, added in audits:
        if added is None:
            fields = ["name", *(["email"] if person.emails else []), *(["phone"] if person.phones else [])]
            action, data = "people.person.created", {"source": source, "fields": sorted(fields)}
        else:
            action, data = "people.person.matched", {"source": source, "added": added}
        entries.append(audit_event(actor=actor, organization=organization, action=action, obj=person.person, data=data))
    log_actions(entries)
    return [
        Intake(p.person.pk, c.email if c.email in p.emails else (p.emails[0] if p.emails else ""))
        for c, p in zip(contacts, people, strict=True)
    ]


def _distinct(people: list[_Known]) -> list[_Known]:
    return list({id(p): p for p in people}.values())


def _owners(contacts: list[Contact]) -> dict[str, _Known]:
    """Who among the organization's people has the contacts' e-mails and phones, with what each
    of them has (e-mails in ``person.emails.all()`` order, phones, current consents): five
    queries at most."""
    emails = {c.email for c in contacts if c.email}
    phones = {c.phone for c in contacts if c.phone}
    keys: dict[str, int] = {}
    if emails:
        by_email = PersonEmail.objects.filter(email__in=emails).values_list("email", "person_id")
        keys.update((f"e:{email}", pk) for email, pk in by_email)
    if phones:
        by_phone = PersonPhone.objects.filter(number__in=phones).values_list("number", "person_id")
        keys.update((f"p:{number}", pk) for number, pk in by_phone)
    if not keys:
        return {}
    known: dict[int, _Known] = {}
    for pk in set(keys.values()):
        record = Person(pk=pk)
        record._state.adding = False
        known[pk] = _Known(record, new=False)
    pks = list(known)
    for person_id, email in PersonEmail.objects.filter(person_id__in=pks).values_list("person_id", "email"):
        known[person_id].emails.append(email)
    for person_id, number in PersonPhone.objects.filter(person_id__in=pks).values_list("person_id", "number"):
        known[person_id].phones.append(number)
    records = ConsentRecord.objects.filter(person_id__in=pks).order_by("recorded_at", "id")
    for person_id, channel, granted in records.values_list("person_id", "channel", "granted"):
        known[person_id].consents[channel] = granted
    for person in known.values():
        person.stored = (len(person.emails), len(person.phones), dict(person.consents))
    return {key: known[pk] for key, pk in keys.items()}


def _write_contact_points(
    organization: Organization, people: list[_Known], *, now: Any, source: str, actor: User | None
) -> None:
    """What the batch added: e-mails, phones and consent records, one INSERT each. The first
    e-mail and phone a person has is their primary one."""
    emails, phones, consents = [], [], []
    for person in people:
        stored_emails, stored_phones, stored_consents = person.stored
        for index, email in enumerate(person.emails[stored_emails:], start=stored_emails):
            emails.append(
                PersonEmail(organization=organization, person=person.person, email=email, is_primary=index == 0)
            )
        for index, number in enumerate(person.phones[stored_phones:], start=stored_phones):
            phones.append(
                PersonPhone(organization=organization, person=person.person, number=number, is_primary=index == 0)
            )
        for channel, granted in sorted(person.consents.items()):
            if channel in stored_consents and stored_consents[channel] == granted:
                continue
            consents.append(
                ConsentRecord(
                    organization=organization,
                    person=person.person,
                    channel=channel,
                    granted=granted,
                    recorded_at=now,
                    source=source,
                    recorded_by=actor,
                )
            )
    # In a fixed order: two batches adding the same new addresses wait for each other, never deadlock.
    PersonEmail.objects.bulk_create(sorted(emails, key=lambda e: e.email))
    PersonPhone.objects.bulk_create(sorted(phones, key=lambda p: p.number))
    ConsentRecord.objects.bulk_create(consents)
