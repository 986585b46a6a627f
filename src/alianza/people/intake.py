"""People who come in through a public form (an RSVP, a petition signature, a form
submission): ``person_match_or_create`` finds the organization's record of the person or
creates one. The one entry point for apps above ``people``; it never reveals to the caller's
visitor whether the person was known (the caller answers the same either way)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from alianza.core.audit import log_action
from alianza.core.models import Organization, User

from .contact import email_normalize, phone_normalize
from .models import Channel, ConsentRecord, Person, PersonEmail, PersonPhone


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
    trail, only the source)."""
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

    with scope(organization=organization):
        for attempt in range(2):
            try:
                with transaction.atomic():
                    return _match_or_create(
                        organization=organization,
                        name=name,
                        email=email,
                        phone=phone,
                        language=language,
                        consents=consents,
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
