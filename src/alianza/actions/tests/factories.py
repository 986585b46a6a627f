"""Factories of the actions app, registered with the generic isolation test."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_scopes import scopes_disabled
from i18nfield.strings import LazyI18nString

from alianza.actions.models import RSVP, CodeOfConductVersion, Event, Form, FormField, FormSubmission, Shift
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
}.items():
    isolation.expect_permission(_name, _code)

isolation.register("event_pk", _event_pk)
isolation.register("shift_id", _shift_id)
isolation.register("rsvp_id", _rsvp_id)
isolation.register("form_id", _form_id)
isolation.register("question_id", _question_id)
# The code of conduct exists only in the hub (404 elsewhere).
isolation.prepare_organizations("actions:conduct", make_hub)
