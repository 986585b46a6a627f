"""Factories of the actions app, registered with the generic isolation test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.db import connections, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from i18nfield.strings import LazyI18nString

from alianza.actions.models import (
    RSVP,
    CodeOfConductVersion,
    Event,
    Form,
    FormField,
    FormSubmission,
    Letter,
    LetterCampaign,
    Petition,
    Shift,
    Signature,
)
from alianza.core.models import Organization, User
from alianza.core.testing import isolation
from alianza.network.tests.factories import make_hub
from alianza.people.tests.factories import make_person

_counter = {"n": 0}


@scopes_disabled()
def make_event(organization: Organization, **fields: Any) -> Event:
    _counter["n"] += 1
    start = fields.pop("starts_at", timezone.now() + timedelta(days=7))
    fields.setdefault("title", LazyI18nString({"en": f"Vigil {_counter['n']}", "es": f"Vigilia {_counter['n']}"}))
    fields.setdefault("kind", Event.Kind.VIGIL)
    fields.setdefault("ends_at", start + timedelta(hours=2))
    fields.setdefault("time_zone", "America/Chicago")
    fields.setdefault("status", Event.Status.PUBLISHED)
    fields.setdefault("place_name", "East Austin")
    fields.setdefault("address", "1206 E 9th St, Austin")
    return Event.objects.create(organization=organization, starts_at=start, **fields)


@contextmanager
def event_lock_held(event: Event) -> Iterator[None]:
    """Another transaction holds the event's row lock (as an allocating request does) until the
    block ends: a thread with its own connection. PostgreSQL only (SQLite has no row locks)."""
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic(), scope(organization=event.organization):
                Event.objects.select_for_update(no_key=True).get(pk=event.pk)
                locked.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(10), "the lock was not taken"
        yield
    finally:
        release.set()
        holder.join()


@scopes_disabled()
def make_shift(event: Event, **fields: Any) -> Shift:
    fields.setdefault("role", Shift.Role.MARSHAL)
    fields.setdefault("starts_at", event.starts_at - timedelta(hours=1))
    fields.setdefault("ends_at", event.ends_at)
    fields.setdefault("capacity", 2)
    return Shift.objects.create(organization=event.organization, event=event, **fields)


@scopes_disabled()
def make_rsvp(event: Event, person: Any = None, **fields: Any) -> RSVP:
    person = person or make_person(event.organization, email=f"rsvp{_counter['n']}-{RSVP.objects.count()}@example.org")
    fields.setdefault("email", person.emails.first().email if person.emails.exists() else "")
    return RSVP.objects.create(organization=event.organization, event=event, person=person, **fields)


@scopes_disabled()
def make_conduct(hub: Organization, **fields: Any) -> CodeOfConductVersion:
    latest = CodeOfConductVersion.objects.filter(organization=hub).order_by("-version").first()
    fields.setdefault("version", (latest.version + 1) if latest else 1)
    fields.setdefault("title", LazyI18nString({"en": "Code of conduct", "es": "Código de conducta"}))
    fields.setdefault(
        "text", LazyI18nString({"en": "We are non-violent and respectful.", "es": "Somos no violentos y respetuosos."})
    )
    return CodeOfConductVersion.objects.create(organization=hub, **fields)


@scopes_disabled()
def make_form(organization: Organization, **fields: Any) -> Form:
    _counter["n"] += 1
    fields.setdefault(
        "title", LazyI18nString({"en": f"Volunteer {_counter['n']}", "es": f"Voluntariado {_counter['n']}"})
    )
    fields.setdefault("status", Form.Status.OPEN)
    return Form.objects.create(organization=organization, **fields)


@scopes_disabled()
def make_form_field(form: Form, **fields: Any) -> FormField:
    fields.setdefault("kind", FormField.Kind.TEXT)
    fields.setdefault("label", LazyI18nString({"en": "Question", "es": "Pregunta"}))
    fields.setdefault("position", FormField.objects.filter(form=form).count())
    if fields["kind"] in (FormField.Kind.CHOICE, FormField.Kind.MULTI_CHOICE):
        fields.setdefault(
            "options",
            [
                {"key": "1", "label": {"en": "Mornings", "es": "Mañanas"}},
                {"key": "2", "label": {"en": "Evenings", "es": "Tardes"}},
            ],
        )
    return FormField.objects.create(organization=form.organization, form=form, **fields)


@scopes_disabled()
def make_submission(form: Form, person: Any = None, answers: dict[str, Any] | None = None) -> FormSubmission:
    import json

    person = person or make_person(
        form.organization, email=f"form{_counter['n']}-{FormSubmission.objects.count()}@example.org"
    )
    return FormSubmission.objects.create(
        organization=form.organization, form=form, person=person, answers_json=json.dumps(answers or {})
    )


def _form_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    form = make_form(organization)
    make_submission(form)
    return form.pk


@scopes_disabled()
def _question_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    form = Form.objects.get(pk=values["form_id"]) if "form_id" in values else make_form(organization)
    return make_form_field(form).pk


@scopes_disabled()
def make_petition(organization: Organization, **fields: Any) -> Petition:
    _counter["n"] += 1
    fields.setdefault(
        "title",
        LazyI18nString({"en": f"Licenses for all {_counter['n']}", "es": f"Licencias para todos {_counter['n']}"}),
    )
    fields.setdefault(
        "text",
        LazyI18nString({"en": "We ask for driver's licenses for everyone.", "es": "Pedimos licencias para todos."}),
    )
    fields.setdefault("targets", "Governor of Texas\nTexas Legislature")
    fields.setdefault("goal", 100)
    fields.setdefault("status", Petition.Status.OPEN)
    return Petition.objects.create(organization=organization, **fields)


@scopes_disabled()
def make_signature(petition: Petition, person: Any = None, **fields: Any) -> Signature:
    person = person or make_person(
        petition.organization, email=f"signer{_counter['n']}-{Signature.objects.count()}@example.org"
    )
    fields.setdefault("zip_code", "78702")
    signature = Signature.objects.create(organization=petition.organization, petition=petition, person=person, **fields)
    Petition.objects.filter(pk=petition.pk).update(signature_count=Signature.objects.filter(petition=petition).count())
    petition.refresh_from_db()
    return signature


@scopes_disabled()
def make_letter_campaign(organization: Organization, **fields: Any) -> LetterCampaign:
    _counter["n"] += 1
    fields.setdefault(
        "title", LazyI18nString({"en": f"Write to the sheriff {_counter['n']}", "es": "Escriba al sheriff"})
    )
    fields.setdefault("target_name", "Sheriff Sally Hernandez")
    fields.setdefault("target_email", "sheriff@county.example.org")
    fields.setdefault("subject", LazyI18nString({"en": "End 287(g) now", "es": "Terminen el 287(g) ya"}))
    fields.setdefault(
        "body",
        LazyI18nString(
            {
                "en": "Dear Sheriff,\nplease end the 287(g) agreement.",
                "es": "Estimada sheriff:\nTermine el acuerdo 287(g).",
            }
        ),
    )
    fields.setdefault("status", LetterCampaign.Status.OPEN)
    return LetterCampaign.objects.create(organization=organization, **fields)


@scopes_disabled()
def make_letter(letter_campaign: LetterCampaign, person: Any = None, **fields: Any) -> Letter:
    person = person or make_person(
        letter_campaign.organization, email=f"writer{_counter['n']}-{Letter.objects.count()}@example.org"
    )
    fields.setdefault("name", person.display_name)
    fields.setdefault("zip_code", "78702")
    fields.setdefault("subject", "End 287(g) now")
    fields.setdefault("body", "Dear Sheriff,\nplease end the 287(g) agreement.")
    fields.setdefault("status", Letter.Status.COLLECTED)
    return Letter.objects.create(
        organization=letter_campaign.organization, letter_campaign=letter_campaign, person=person, **fields
    )


def _event_pk(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    return make_event(organization).pk


@scopes_disabled()
def _shift_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    event = Event.objects.get(pk=values["event_pk"]) if "event_pk" in values else make_event(organization)
    return make_shift(event).pk


@scopes_disabled()
def _rsvp_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    event = Event.objects.get(pk=values["event_pk"]) if "event_pk" in values else make_event(organization)
    return make_rsvp(event).pk


def _petition_pk(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    petition = make_petition(organization)
    make_signature(petition, show_name=True)
    return petition.pk


def _letter_pk(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    letter_campaign = make_letter_campaign(organization)
    make_letter(letter_campaign)
    return letter_campaign.pk


for _name, _code in {
    "actions:event_list": "actions:view",
    "actions:event_new": "actions:edit",
    "actions:event_detail": "actions:view",
    "actions:event_edit": "actions:edit",
    "actions:event_status": "actions:edit",
    "actions:shift_new": "actions:edit",
    "actions:shift_remove": "actions:edit",
    "actions:rsvp_cancel": "actions:edit",
    "actions:checkin": "actions:checkin",
    "actions:checkin_mark": "actions:checkin",
    "actions:walk_in": "actions:checkin",
    "actions:sign_in_sheet": "actions:checkin",
    "actions:conduct": "actions:conduct",
    "actions:form_list": "actions:view",
    "actions:form_new": "actions:edit",
    "actions:form_detail": "actions:view",
    "actions:form_edit": "actions:edit",
    "actions:form_status": "actions:edit",
    "actions:form_field_new": "actions:edit",
    "actions:form_field_edit": "actions:edit",
    "actions:form_field_remove": "actions:edit",
    "actions:form_field_move": "actions:edit",
    "actions:form_submissions": "actions:view",
    "actions:form_export": "actions:export",
    "actions:petition_list": "actions:view",
    "actions:petition_new": "actions:edit",
    "actions:petition_detail": "actions:view",
    "actions:petition_edit": "actions:edit",
    "actions:petition_status": "actions:edit",
    "actions:petition_export_pdf": "actions:export",
    "actions:petition_export_csv": "actions:export",
    "actions:letter_new": "actions:edit",
    "actions:letter_detail": "actions:view",
    "actions:letter_edit": "actions:edit",
    "actions:letter_status": "actions:edit",
    "actions:letter_export_pdf": "actions:export",
    "actions:letter_export_csv": "actions:export",
}.items():
    isolation.expect_permission(_name, _code)

isolation.register("event_pk", _event_pk)
isolation.register("shift_id", _shift_id)
isolation.register("rsvp_id", _rsvp_id)
isolation.register("form_id", _form_id)
isolation.register("question_id", _question_id)
isolation.register("petition_pk", _petition_pk)
isolation.register("letter_pk", _letter_pk)
# The code of conduct exists only in the hub (404 elsewhere).
isolation.prepare_organizations("actions:conduct", make_hub)
