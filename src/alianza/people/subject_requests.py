"""People's requests about their own data, from the public page to the staff queue.

1. ``subject_request_ask``: someone asks, on ``/privacy/request/``, for a copy of their data or
   its erasure, giving an e-mail address or a mobile number (the number only where text
   messages are configured, ``core.sms``). A ``SubjectRequestConfirmation`` is stored and a task
   sends a confirmation link, by e-mail or by text message, only if some organization holds a
   person with that address or number (an unknown one gets nothing at all). The page answers
   the same either way, so nobody learns from it whether an address is known (DESIGN §5.7).
   A confirmation proves exactly one channel: the link goes only to what was typed.
2. The link's token is random, stored only as a SHA-256 hash, valid for ``CONFIRM_HOURS`` and
   used once. ``subject_request_confirm`` turns the confirmation into one ``SubjectRequest``
   in the queue of each organization that holds a person with that address or number, due in
   ``ANSWER_DAYS``.
3. Staff answer it: ``subject_request_export`` (the ZIP of ``subject_export.py``, for staff to
   hand over), ``subject_request_erase`` (``erasure.person_erase``), or
   ``subject_request_decline`` (for example, the identity could not be confirmed). Audited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_scopes import scope, scopes_disabled

from alianza.core.audit import log_action
from alianza.core.models import User

from .erasure import ErasureReason, ErasureResult, person_erase
from .models import PersonEmail, PersonPhone, SubjectRequest, SubjectRequestConfirmation, SubjectRequestKind
from .subject_export import SubjectExport, person_export

CONFIRM_HOURS = 24
ANSWER_DAYS = 30  # the longest most privacy laws allow; answer sooner when you can
TOKEN_SALT = "alianza.people.subject_request"  # noqa: S105 — a namespace for HMAC, not a secret


class SubjectRequestError(Exception):
    """A request that cannot be made or answered; the message is shown to the user."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def confirmation_token(confirmation: SubjectRequestConfirmation) -> str:
    """The link's token: recomputed from the row's random salt and the server's secret, so the
    e-mail task needs no secret in its arguments and the database holds no working token."""
    return salted_hmac(TOKEN_SALT, confirmation.token_salt, algorithm="sha256").hexdigest()


def _holders(*, email: str = "", phone: str = "") -> list[PersonEmail] | list[PersonPhone]:
    """The contact points, in every organization, that match the one channel of a request."""
    with scopes_disabled():
        if email:
            return list(PersonEmail.objects.filter(email=email).select_related("person", "organization"))
        if phone:
            return list(PersonPhone.objects.filter(number=phone).select_related("person", "organization"))
    return []


def people_contact_known(*, email: str = "", phone: str = "") -> bool:
    """Whether any organization holds a person with this e-mail or this E.164 number (never
    shown to the asker)."""
    with scopes_disabled():
        if email:
            return PersonEmail.objects.filter(email=email).exists()
        if phone:
            return PersonPhone.objects.filter(number=phone).exists()
    return False


def subject_request_ask(*, kind: str, language: str, email: str = "", phone: str = "") -> None:
    """Store a request waiting for confirmation and send its link to the one channel given,
    an e-mail address or an E.164 mobile number (after commit, by a task). Returns nothing: the
    caller must answer the same whatever happens here."""
    from . import tasks

    if kind not in SubjectRequestKind.values:
        raise SubjectRequestError(_("Choose what you are asking for."))
    if bool(email) == bool(phone):
        raise SubjectRequestError(_("Give your e-mail address or your mobile number."))
    now = timezone.now()
    with transaction.atomic():
        # Expired links are of no use to anyone: they go with each new request.
        SubjectRequestConfirmation.objects.filter(expires_at__lt=now).delete()
        salt = secrets.token_hex(16)
        confirmation = SubjectRequestConfirmation(
            kind=kind,
            email=email.strip().lower(),
            phone=phone,
            language=language,
            token_salt=salt,
            token_hash="",
            created_at=now,
            expires_at=now + timedelta(hours=CONFIRM_HOURS),
        )
        confirmation.token_hash = token_hash(confirmation_token(confirmation))
        confirmation.full_clean()
        confirmation.save()
        transaction.on_commit(partial(tasks.send_subject_request_confirmation.enqueue, confirmation_id=confirmation.pk))


def confirmation_from_token(token: str) -> SubjectRequestConfirmation | None:
    """The open confirmation a link points to: None when unknown, used or expired."""
    if not token or len(token) > 128:
        return None
    found = SubjectRequestConfirmation.objects.filter(token_hash=token_hash(token)).first()
    if found is None or found.used_at is not None or found.expires_at <= timezone.now():
        return None
    if not hmac.compare_digest(found.token_hash, token_hash(token)):
        return None
    return found


def subject_request_confirm(*, token: str) -> list[SubjectRequest]:
    """Use a confirmation link: one ``SubjectRequest`` per organization holding a person with
    the address or number (perhaps none, if they were erased since). The link works once. The person's
    IP address is deliberately not audited: the row would tie it to them after an erasure."""
    with transaction.atomic():
        confirmation = confirmation_from_token(token)
        if confirmation is None:
            raise SubjectRequestError(_("This link has expired or was already used."))
        confirmation = SubjectRequestConfirmation.objects.select_for_update().get(pk=confirmation.pk)
        if confirmation.used_at is not None:
            raise SubjectRequestError(_("This link has expired or was already used."))
        matches = _holders(email=confirmation.email, phone=confirmation.phone)
        reference = uuid.uuid4()
        due = timezone.localdate() + timedelta(days=ANSWER_DAYS)
        created = []
        for match in matches:
            with scope(organization=match.organization):
                subject_request = SubjectRequest(
                    organization=match.organization,
                    reference=reference,
                    kind=confirmation.kind,
                    person=match.person,
                    email=confirmation.email,
                    phone=confirmation.phone,
                    language=confirmation.language,
                    due_on=due,
                )
                subject_request.full_clean()
                subject_request.save()
                # Each organization's own trail records the request it must answer.
                log_action(
                    actor=None,
                    organization=match.organization,
                    action="people.subject_request.received",
                    obj=subject_request,
                    data={"kind": subject_request.kind, "due": due.isoformat()},
                )
                created.append(subject_request)
        # Used: the link is dead, and the address or number is no longer needed here.
        confirmation.used_at = timezone.now()
        confirmation.email = ""
        confirmation.phone = ""
        confirmation.save(update_fields=["used_at", "email", "phone"])
    return created


def _answer(
    subject_request: SubjectRequest,
    *,
    actor: User,
    status: str,
    action: str,
    tombstone: str = "",
    request: HttpRequest | None = None,
) -> SubjectRequest:
    subject_request = SubjectRequest.objects.select_for_update().get(pk=subject_request.pk)
    if subject_request.status != SubjectRequest.Status.OPEN:
        raise SubjectRequestError(_("This request was already answered."))
    subject_request.status = status
    subject_request.answered_at = timezone.now()
    subject_request.answered_by = actor
    subject_request.tombstone = tombstone
    subject_request.full_clean()
    subject_request.save(update_fields=["status", "answered_at", "answered_by", "tombstone"])
    log_action(
        actor=actor,
        organization=subject_request.organization,
        action=action,
        obj=subject_request,
        data={"kind": subject_request.kind, "status": status},
        request=request,
    )
    return subject_request


def _person_of(subject_request: SubjectRequest) -> object:
    if subject_request.person_id is None:
        raise SubjectRequestError(_("The person of this request is no longer in your contacts."))
    return subject_request.person


def subject_request_export(
    *, subject_request: SubjectRequest, actor: User, request: HttpRequest | None = None
) -> SubjectExport:
    """Make the person's ZIP for staff to hand over, and mark the request answered."""
    if subject_request.kind != SubjectRequestKind.EXPORT:
        raise SubjectRequestError(_("This request asks for erasure, not for a copy."))
    with transaction.atomic(), scope(organization=subject_request.organization):
        person = _person_of(subject_request)
        _answer(
            subject_request,
            actor=actor,
            status=SubjectRequest.Status.DONE,
            action="people.subject_request.exported",
            request=request,
        )
        return person_export(person=person, actor=actor, subject_request=subject_request, request=request)  # type: ignore[arg-type]


def subject_request_erase(
    *, subject_request: SubjectRequest, actor: User, request: HttpRequest | None = None
) -> ErasureResult:
    """Erase the person of an erasure request and mark it answered, in one transaction."""
    if subject_request.kind != SubjectRequestKind.ERASURE:
        raise SubjectRequestError(_("This request asks for a copy, not for erasure."))
    with transaction.atomic(), scope(organization=subject_request.organization):
        person = _person_of(subject_request)
        if subject_request.status != SubjectRequest.Status.OPEN:
            raise SubjectRequestError(_("This request was already answered."))
        result = person_erase(
            person=person,  # type: ignore[arg-type]
            actor=actor,
            reason=ErasureReason.PERSON_ASKED,
            subject_request=subject_request,
            request=request,
        )
        _answer(
            subject_request,
            actor=actor,
            status=SubjectRequest.Status.DONE,
            action="people.subject_request.erased",
            tombstone=result.tombstone,
            request=request,
        )
    return result


def subject_request_decline(
    *, subject_request: SubjectRequest, actor: User, request: HttpRequest | None = None
) -> SubjectRequest:
    """Close a request without acting on it (say why to the person, outside Alianza)."""
    with transaction.atomic(), scope(organization=subject_request.organization):
        return _answer(
            subject_request,
            actor=actor,
            status=SubjectRequest.Status.DECLINED,
            action="people.subject_request.declined",
            request=request,
        )
