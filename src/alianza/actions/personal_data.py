"""The actions app's contributors to a person's data export and erasure (``people.personal_data``):
RSVPs (with their shift, attendance and code-of-conduct acceptance), RSVP forms still holding
what was typed (waiting, or refused), the events a person proposed as a volunteer host, and the
staff-built forms they filled in.

Erasure keeps what the organization counts: an RSVP row stays with its event, status, shift,
attendance and accepted code-of-conduct version, but no longer points at the person and loses
its e-mail address, so an event's confirmed and attended numbers do not change. A form
submission likewise stays (a form's number of answers) without the person and without its
answers, which may hold anything the person wrote."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alianza.core.models import User
from alianza.people.models import Person
from alianza.people.personal_data import Contributor, plain, register

from .forms_builder import answer_display
from .models import RSVP, Event, FormField, FormSubmission, RSVPSubmission


def _rsvps_export(person: Person) -> list[dict[str, Any]]:
    rsvps = RSVP.objects.filter(person=person).select_related("event", "shift", "conduct_version")
    return [
        {
            "event": str(r.event.title),
            "starts_at": plain(r.event.starts_at),
            "status": r.status,
            "source": r.source,
            "language": r.language,
            "email_for_messages": r.email,
            "shift_role": r.shift.role if r.shift else None,
            "shift_starts_at": plain(r.shift.starts_at) if r.shift else None,
            "answered_at": plain(r.created_at),
            "cancelled_at": plain(r.cancelled_at),
            "attended_at": plain(r.attended_at),
            "code_of_conduct_version": r.conduct_version.version if r.conduct_version else None,
            "code_of_conduct_accepted_at": plain(r.conduct_accepted_at),
        }
        for r in rsvps.order_by("created_at", "id")
    ]


def _rsvps_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    counts = {"anonymised": 0, "attended": 0, "shifts": 0, "code_of_conduct_acceptances": 0}
    for rsvp in RSVP.objects.filter(person=person):
        counts["anonymised"] += 1
        counts["attended"] += int(rsvp.attended_at is not None)
        counts["shifts"] += int(rsvp.shift_id is not None)
        counts["code_of_conduct_acceptances"] += int(rsvp.conduct_version_id is not None)
        rsvp.person = None
        rsvp.email = ""
        rsvp.save(update_fields=["person", "email"])
    return counts


def _proposals(person: Person) -> Any:
    return Event.objects.filter(host_person=person)


def _proposals_export(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "event": str(e.title),
            "status": e.status,
            "starts_at": plain(e.starts_at),
            "host_name": e.host_name,
            "place": e.place_name,
            "proposed_at": plain(e.created_at),
        }
        for e in _proposals(person).order_by("created_at", "id")
    ]


def _proposals_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    counts = {"deleted": 0, "host_removed": 0}
    for event in _proposals(person):
        if event.status == Event.Status.PROPOSED:
            # Never reviewed: the proposal is only the person's own words (and perhaps their address).
            event.delete()
            counts["deleted"] += 1
        else:  # the hub took it on: the event stays, without its volunteer host
            event.host_person = None
            event.host_name = ""
            event.save(update_fields=["host_person", "host_name"])
            counts["host_removed"] += 1
    return counts


def _submissions_export(person: Person) -> list[dict[str, Any]]:
    """Each submission with its answers, decrypted, under the questions as the form asks them now
    (in the language the export runs in: the person's). Answers to questions since removed are
    given under their number."""
    submissions = list(FormSubmission.objects.filter(person=person).select_related("form").order_by("created_at", "id"))
    fields: dict[int, list[FormField]] = {}
    for field in FormField.objects.filter(form_id__in={s.form_id for s in submissions}).order_by("position", "id"):
        fields.setdefault(field.form_id, []).append(field)
    rows = []
    for submission in submissions:
        answers = submission.answers
        questions = fields.get(submission.form_id, [])
        known = {str(f.pk) for f in questions}
        shown = [
            {"question": str(f.label), "answer": answer_display(f, answers[str(f.pk)])}
            for f in questions
            if str(f.pk) in answers
        ]
        shown += [
            {"question": str(_("Removed question %(id)s") % {"id": key}), "answer": answer_display(None, value)}
            for key, value in sorted(answers.items())
            if key not in known
        ]
        rows.append(
            {
                "form": str(submission.form.title),
                "submitted_at": plain(submission.created_at),
                "language": submission.language,
                "answers": shown,
            }
        )
    return rows


def _submissions_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    counts = {"anonymised": 0, "answers_removed": 0}
    for submission in FormSubmission.objects.filter(person=person):
        counts["anonymised"] += 1
        counts["answers_removed"] += len(submission.answers)
        submission.person = None
        submission.answers_json = ""
        submission.save(update_fields=["person", "answers_json"])
    return counts


def _answers(person: Person) -> Any:
    """RSVP forms sent with one of the person's e-mails or phones that still hold what was typed
    (waiting to be allocated, or refused: ``RSVPSubmission``); taken ones hold nothing personal."""
    emails = list(person.emails.values_list("email", flat=True))
    phones = list(person.phones.values_list("number", flat=True))
    answers = RSVPSubmission.objects.filter(Q(email__in=emails) | Q(phone__in=phones))
    return answers.exclude(state=RSVPSubmission.State.TAKEN)


def _answers_export(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "event": str(answer.event.title),
            "sent_at": plain(answer.received_at),
            "state": str(answer.get_state_display()),
            "refused_because": str(answer.get_refusal_display()) if answer.refusal else "",
            "name": answer.name,
            "email": answer.email,
            "phone": answer.phone,
            "language": answer.language,
            "consents": plain(answer.consents),
        }
        for answer in _answers(person).select_related("event").order_by("received_at", "id")
    ]


def _answers_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    deleted, _by_model = _answers(person).delete()
    return {"deleted": deleted}


def register_contributors() -> None:
    register(
        Contributor(
            "actions.rsvp_forms",
            _("RSVP forms you sent that were still waiting or were refused"),
            _answers_export,
            _answers_erase,
            90,
        )
    )
    register(
        Contributor(
            "actions.rsvps",
            _("Events you answered, the shifts you took, your attendance and the code of conduct you accepted"),
            _rsvps_export,
            _rsvps_erase,
            100,
        )
    )
    register(
        Contributor("actions.proposals", _("Events you proposed as a host"), _proposals_export, _proposals_erase, 100)
    )
    register(
        Contributor("actions.form_submissions", _("Forms you filled in"), _submissions_export, _submissions_erase, 100)
    )
