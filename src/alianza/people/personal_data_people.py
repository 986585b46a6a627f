"""The people app's own contributors to a person's data export and erasure (see
``personal_data.py``): the record and everything of ``people`` that hangs off it, the audit
history of the record, and the network's sign-ups with the person's contact (``network`` sits
below ``people``, so ``people`` registers for it).

Erasure order: everything that points at the person first, the person row itself last
(``order=1000``), which cascades to nothing left by then."""

from __future__ import annotations

import json
import re
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alianza.core.models import AuditEvent, User
from alianza.network.models import IndividualSignup

from .custom_fields import custom_fields_of, custom_value_export
from .models import (
    ConsentRecord,
    DuplicatePair,
    ImportRejection,
    MergeRecord,
    Person,
    PersonEmail,
    PersonPhone,
    SharingGrant,
    SubjectRequest,
)
from .personal_data import Contributor, plain, register

RECORD_FIELDS = [
    "given_name",
    "family_name",
    "preferred_name",
    "pronouns",
    "preferred_language",
    "other_languages",
    "street",
    "city",
    "county",
    "state",
    "zip_code",
    "created_at",
    "updated_at",
]


def contact_values(person: Person) -> dict[str, set[str]]:
    """The person's e-mails (lower case), phones (digits only) and name parts (lower case):
    what identifies them in rows that hold copies, such as import rejections and sign-ups."""
    return {
        "emails": {e.lower() for e in PersonEmail.objects.filter(person=person).values_list("email", flat=True)},
        "phones": {
            re.sub(r"\D", "", n) for n in PersonPhone.objects.filter(person=person).values_list("number", flat=True)
        },
        "names": {
            part.lower()
            for part in (person.given_name, person.family_name, person.preferred_name)
            if part and len(part) > 1
        },
    }


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone_matches(raw: str, phones: set[str]) -> bool:
    digits = _digits(raw)
    # A US number may be written without its country code: compare the last ten digits.
    return len(digits) >= 7 and any(digits == p or (len(digits) >= 10 and p.endswith(digits[-10:])) for p in phones)


# --- The record ----------------------------------------------------------------------------------


def _record_export(person: Person) -> list[dict[str, Any]]:
    return [{name: plain(getattr(person, name)) for name in RECORD_FIELDS}]


def _record_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    # Last of all: whatever still points at the person (cascades) goes with it.
    Person.objects.filter(pk=person.pk).delete()
    return {"deleted": 1}


def _notes_export(person: Person) -> list[dict[str, Any]]:
    return [{"notes": person.notes}] if person.notes else []


def _notes_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    had = bool(person.notes)
    if had:
        person.notes = ""
        person.save(update_fields=["notes"])  # an encrypted field is written through save() only
    return {"deleted": int(had)}


def _custom_export(person: Person) -> list[dict[str, Any]]:
    values = person.custom or {}
    rows = []
    for definition in custom_fields_of(person.organization):
        if definition.key in values and values[definition.key] not in (None, ""):
            rows.append(
                {
                    "key": definition.key,
                    "field": str(definition.label),
                    "value": custom_value_export(definition, values[definition.key]),
                }
            )
    return rows


def _custom_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    count = len(person.custom or {})
    if count:
        person.custom = {}
        person.save(update_fields=["custom"])
    return {"deleted": count}


# --- Contact points, consent, tags, lists ---------------------------------------------------------


def _emails_export(person: Person) -> list[dict[str, Any]]:
    return [{"email": e.email, "primary": e.is_primary} for e in PersonEmail.objects.filter(person=person)]


def _emails_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    return {"deleted": PersonEmail.objects.filter(person=person).delete()[0]}


def _phones_export(person: Person) -> list[dict[str, Any]]:
    return [
        {"number": p.number, "kind": p.kind, "whatsapp": p.whatsapp, "primary": p.is_primary}
        for p in PersonPhone.objects.filter(person=person)
    ]


def _phones_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    return {"deleted": PersonPhone.objects.filter(person=person).delete()[0]}


def _consent_export(person: Person) -> list[dict[str, Any]]:
    return [
        {"channel": r.channel, "agrees": r.granted, "recorded_at": plain(r.recorded_at), "source": r.source}
        for r in ConsentRecord.objects.filter(person=person).order_by("recorded_at", "id")
    ]


def _consent_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    return {"deleted": ConsentRecord.objects.filter(person=person).delete()[0]}


def _tags_export(person: Person) -> list[dict[str, Any]]:
    return [{"tag": tag.name} for tag in person.tags.all()]


def _tags_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    count = person.tags.count()
    person.tags.clear()  # the tags stay: other people wear them
    return {"removed": count}


def _lists_export(person: Person) -> list[dict[str, Any]]:
    return [{"list": people_list.name} for people_list in person.people_lists.all()]


def _lists_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    count = person.people_lists.count()
    person.people_lists.clear()
    return {"removed": count}


# --- Sharing ---------------------------------------------------------------------------------------


def _reads_by_grant(person: Person) -> dict[str, int]:
    reads: dict[str, int] = {}
    events = AuditEvent.objects.filter(
        organization=person.organization,
        action="people.person.shared_read",
        object_type="people.person",
        object_id=str(person.pk),
    )
    for data in events.values_list("data", flat=True):
        key = str((data or {}).get("grant"))
        reads[key] = reads.get(key, 0) + 1
    return reads


def _sharing_export(person: Person) -> list[dict[str, Any]]:
    reads = _reads_by_grant(person)
    return [
        {
            "shared_with": g.grantee.name,
            "purpose": g.purpose,
            "from": plain(g.created_at),
            "until": plain(g.expires_at),
            "revoked_at": plain(g.revoked_at),
            "active": g.is_active,
            "times_read": reads.get(str(g.pk), 0),
        }
        for g in SharingGrant.objects.filter(person=person).select_related("grantee").order_by("created_at", "id")
    ]


def _sharing_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    grants = SharingGrant.objects.filter(person=person)
    active = sum(1 for g in grants if g.is_active)
    # Deleting the grant ends the other organization's access with its next request
    # (``access.person_get_for_actor`` finds no grant): revoked at once, and nothing kept.
    deleted = grants.delete()[0]
    return {"revoked": active, "deleted": deleted}


# --- Merges, duplicates, import rows ----------------------------------------------------------------


def _merges_export(person: Person) -> list[dict[str, Any]]:
    return [
        {"merged_at": plain(m.merged_at), "fields_taken_from_the_merged_record": m.fields_from_merged}
        for m in MergeRecord.objects.filter(survivor=person)
    ]


def _merges_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    return {"deleted": MergeRecord.objects.filter(survivor=person).delete()[0]}


def _duplicates_export(person: Person) -> list[dict[str, Any]]:
    # The other record of a pair is someone else (or the same person twice): only the pair's facts.
    return [
        {"found_at": plain(p.found_at), "score": p.score, "reasons": plain(p.reasons), "status": p.status}
        for p in DuplicatePair.objects.filter(Q(person_a=person) | Q(person_b=person))
    ]


def _duplicates_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    return {"deleted": DuplicatePair.objects.filter(Q(person_a=person) | Q(person_b=person)).delete()[0]}


def _row_mentions(values: dict[str, Any], contact: dict[str, set[str]]) -> bool:
    texts = [str(v).strip().lower() for v in values.values() if v not in (None, "")]
    if any(t in contact["emails"] for t in texts):
        return True
    if contact["phones"] and any(_phone_matches(t, contact["phones"]) for t in texts):
        return True
    names = contact["names"]
    joined = " ".join(texts)
    return len(names) >= 2 and all(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", joined) for n in names)


def _rejections(person: Person) -> list[ImportRejection]:
    """Rejected import rows of the organization that mention the person (an e-mail or phone of
    theirs, or all of their names). The rows are encrypted, so each is read and matched here."""
    contact = contact_values(person)
    found = []
    for rejection in ImportRejection.objects.filter(organization=person.organization).select_related("job"):
        try:
            values = json.loads(rejection.row_values or "{}")
        except ValueError:
            continue
        if isinstance(values, dict) and _row_mentions(values, contact):
            found.append(rejection)
    return found


def _imports_export(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "file": r.job.file_name,
            "imported_at": plain(r.job.created_at),
            "row": r.row_number,
            "reason": r.reason,
            "values": json.loads(r.row_values or "{}"),
        }
        for r in _rejections(person)
    ]


def _imports_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    ids = [r.pk for r in _rejections(person)]
    return {"deleted": ImportRejection.objects.filter(pk__in=ids).delete()[0] if ids else 0}


# --- History (audit trail) --------------------------------------------------------------------------


def _history_events(person: Person) -> Any:
    grants = [str(pk) for pk in SharingGrant.objects.filter(person=person).values_list("pk", flat=True)]
    return AuditEvent.objects.filter(organization=person.organization).filter(
        Q(object_type="people.person", object_id=str(person.pk))
        | Q(object_type="people.sharinggrant", object_id__in=grants)
    )


def _history_export(person: Person) -> list[dict[str, Any]]:
    # What happened to the record and when; staff accounts are not the person's data.
    return [
        {"at": plain(e.created_at), "what": e.action}
        for e in _history_events(person).order_by("created_at", "id").only("created_at", "action")
    ]


def _history_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    # The audit trail is append-only (a database trigger refuses UPDATE). Its rows about a
    # person hold ids, field names and counts, never names or contact points, so they are kept:
    # once the record is gone, the ids point at nothing. See docs/subject-requests.md.
    return {"kept_without_personal_data": _history_events(person).count()}


# --- Requests about the person's data ----------------------------------------------------------------


def _requests_of(person: Person) -> Any:
    contact = contact_values(person)
    phones = [f"+{digits}" for digits in contact["phones"] if digits]  # back to E.164
    return SubjectRequest.objects.filter(Q(person=person) | Q(email__in=contact["emails"]) | Q(phone__in=phones))


def _requests_export(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "request": r.kind,
            "status": r.status,
            "received_at": plain(r.received_at),
            "answer_by": plain(r.due_on),
            "answered_at": plain(r.answered_at),
        }
        for r in _requests_of(person)
    ]


def _requests_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    # Kept (the organization must show it answered), without the address to answer to.
    count = 0
    for request in _requests_of(person):
        request.email = ""
        request.phone = ""
        request.person = None
        request.save(update_fields=["email", "phone", "person"])
        count += 1
    return {"anonymised": count}


# --- The network's sign-ups ---------------------------------------------------------------------------


def _signups(person: Person) -> Any:
    contact = contact_values(person)
    found = IndividualSignup.objects.filter(organization=person.organization, email__in=contact["emails"])
    ids = set(found.values_list("pk", flat=True))
    if contact["phones"]:
        for pk, phone in IndividualSignup.objects.filter(organization=person.organization).values_list("pk", "phone"):
            if phone and _phone_matches(phone, contact["phones"]):
                ids.add(pk)
    return IndividualSignup.objects.filter(pk__in=ids)


def _signups_export(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "name": s.name,
            "email": s.email,
            "phone": s.phone,
            "preferred_language": s.preferred_language,
            "county": s.county,
            "joins_as": s.joins_as,
            "principles_accepted_at": plain(s.principles_accepted_at),
            "received_at": plain(s.created_at),
        }
        for s in _signups(person)
    ]


def _signups_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    return {"deleted": _signups(person).delete()[0]}


def register_people_contributors() -> None:
    for contributor in (
        Contributor(
            "people.sharing", _("Who your record was shared with, and why"), _sharing_export, _sharing_erase, 10
        ),
        Contributor(
            "people.imports", _("Rows of imported files that mention you"), _imports_export, _imports_erase, 20
        ),
        Contributor(
            "people.duplicates", _("Possible duplicates of your record"), _duplicates_export, _duplicates_erase, 30
        ),
        Contributor("people.merges", _("Records merged into yours"), _merges_export, _merges_erase, 30),
        Contributor("people.requests", _("Your requests about your data"), _requests_export, _requests_erase, 40),
        Contributor("network.signups", _("Sign-ups from the “Join us” page"), _signups_export, _signups_erase, 50),
        Contributor("people.history", _("History of your record"), _history_export, _history_erase, 5),
        Contributor("people.lists", _("Lists you are on"), _lists_export, _lists_erase, 910),
        Contributor("people.tags", _("Tags"), _tags_export, _tags_erase, 910),
        Contributor(
            "people.consent", _("Your consent to be contacted, as it changed"), _consent_export, _consent_erase, 920
        ),
        Contributor("people.emails", _("E-mail addresses"), _emails_export, _emails_erase, 930),
        Contributor("people.phones", _("Phone numbers"), _phones_export, _phones_erase, 930),
        Contributor("people.custom", _("Other information (custom fields)"), _custom_export, _custom_erase, 940),
        Contributor("people.notes", _("Notes"), _notes_export, _notes_erase, 940),
        Contributor("people.person", _("Your record"), _record_export, _record_erase, 1000),
    ):
        register(contributor)
