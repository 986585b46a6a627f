"""Erasure ("forget me"): one operation removes a person and everything personal that hangs off
them in every app, keeps anonymous counts, ends sharing at once, and leaves a tombstone in the
audit trail that holds no personal data.

How each app erases its rows is its contributor's business (``personal_data.py``); this module
runs them all in one transaction, in order, with the person's record last. If one fails,
nothing is erased.

The audit trail itself is append-only (core migration 0002: a trigger refuses UPDATE), so the
erasure never rewrites it. Its older rows about the person hold ids, field names, counts and,
for forms sent from the public site, the sender's IP address; never names, e-mails or phone
numbers (``tests/test_erasure.py`` scans every text column of every table to prove it). Once
the record is gone, those ids point at nothing. See ``docs/subject-requests.md``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from alianza.core.audit import log_action
from alianza.core.models import User

from .models import Person, SubjectRequest
from .personal_data import contributors


class ErasureReason(models.TextChoices):
    # Chosen from a list, never typed: free text here could carry the name the erasure removes.
    PERSON_ASKED = "person_asked", _("The person asked us to erase their data")
    NO_LONGER_NEEDED = "no_longer_needed", _("We no longer need this record")
    SAFETY = "safety", _("Keeping it would put the person at risk")


@dataclass(frozen=True)
class ErasureResult:
    tombstone: str  # a random id, shown to staff and kept in the audit trail
    counts: dict[str, dict[str, int]]  # contributor code → its counts


class ErasureError(Exception):
    """An erasure that cannot be done; the message is shown to the user."""


def person_erase(
    *,
    person: Person,
    actor: User | None,
    reason: str,
    subject_request: SubjectRequest | None = None,
    request: HttpRequest | None = None,
) -> ErasureResult:
    """Erase ``person`` and everything personal of theirs in every app, in one transaction."""
    if reason not in ErasureReason.values:
        raise ErasureError(_("Choose why the record is erased."))
    tombstone = str(uuid.uuid4())
    organization = person.organization
    counts: dict[str, dict[str, int]] = {}
    with transaction.atomic(), scope(organization=organization):
        person = Person.objects.select_for_update().get(pk=person.pk)
        record_id = person.pk
        for contributor in contributors():
            counts[contributor.code] = {k: int(v) for k, v in contributor.erase(person, actor=actor).items()}
        data: dict[str, object] = {
            "tombstone": tombstone,
            "record": record_id,
            "reason": reason,
            "counts": counts,
        }
        if subject_request is not None:
            data["subject_request"] = str(subject_request.reference)
        log_action(actor=actor, organization=organization, action="people.person.erased", data=data, request=request)
    return ErasureResult(tombstone=tombstone, counts=counts)
