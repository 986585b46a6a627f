"""A person with data in every app, and a neighbour with the same kinds of data, for the tests
of a person's data export and erasure.

Apps above ``people`` (actions, board, campaigns) are reached through ``apps.get_model``:
``people`` never imports them (import-linter), not even in tests."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.utils import timezone
from django_scopes import scopes_disabled
from i18nfield.strings import LazyI18nString

from alianza.core.models import Organization, User
from alianza.core.tests.factories import make_user
from alianza.network.tests.factories import make_hub, make_signup
from alianza.people.access import person_get_for_actor
from alianza.people.models import (
    ConsentRecord,
    DuplicatePair,
    ImportJob,
    ImportRejection,
    MergeRecord,
    Person,
    PersonEmail,
    PersonPhone,
    SubjectRequest,
)
from alianza.people.tests.factories import (
    make_custom_field,
    make_grant,
    make_people_list,
    make_person,
    make_tag,
)

# Unusual enough that a match anywhere in the database can only be this person.
XIO = {
    "given_name": "Xiomarelda",
    "family_name": "Quetzalcoyotl",
    "preferred_name": "Xiomi",
    "email": "xiomarelda.q@example.org",
    "email2": "xq-work@example.net",
    "phone": "+15125550199",
    "phone_digits": "5125550199",
}
NEIGHBOUR = {
    "given_name": "Bernardetta",
    "family_name": "Oyelaranwe",
    "email": "bernardetta.o@example.org",
    "phone": "+15125550188",
}


@dataclass
class World:
    hub: Organization
    other: Organization
    person: Person
    neighbour: Person
    events: dict[str, Any]


def _model(label: str) -> Any:
    return apps.get_model(label)


@scopes_disabled()
def build_world(hub: Organization, other: Organization, actor: User) -> World:
    make_hub(hub)
    person = make_person(
        hub,
        given_name=XIO["given_name"],
        family_name=XIO["family_name"],
        preferred_name=XIO["preferred_name"],
        preferred_language="es",
        email=XIO["email"],
        phone=XIO["phone"],
        street="77 Calle Xiomarelda",
        city="Austin",
        notes=f"Call {XIO['given_name']} after six",
    )
    PersonEmail.objects.create(organization=hub, person=person, email=XIO["email2"], is_primary=False)
    neighbour = make_person(
        hub,
        given_name=NEIGHBOUR["given_name"],
        family_name=NEIGHBOUR["family_name"],
        email=NEIGHBOUR["email"],
        phone=NEIGHBOUR["phone"],
        notes="Neighbour note",
    )
    for someone in (person, neighbour):
        ConsentRecord.objects.create(organization=hub, person=someone, channel="email", granted=True, source="form")
    make_custom_field(hub, "shirt_size")
    for someone, size in ((person, "XL-xio"), (neighbour, "S-neighbour")):
        someone.custom = {"shirt_size": size}
        someone.save(update_fields=["custom"])
    tag = make_tag(hub, "volunteer")
    person.tags.add(tag)
    neighbour.tags.add(tag)
    make_people_list(hub, name="Phone bank", people=[person, neighbour])
    grant = make_grant(person, other, purpose="Legal clinic intake")
    make_grant(neighbour, other, purpose="Neighbour's clinic")
    # The other organization reads the record through the grant (audited in the hub's trail).
    other_admin = make_user("reader@other.example")
    person_get_for_actor(organization=other, actor=other_admin, person_id=person.pk)
    MergeRecord.objects.create(organization=hub, survivor=person, merged_person_id=999_001, fields_from_merged=["city"])
    twin = make_person(hub, given_name="Zed", family_name="Twin")
    a, b = sorted([person.pk, twin.pk])
    DuplicatePair.objects.create(organization=hub, person_a_id=a, person_b_id=b, score=80, reasons=["same city"])
    job = ImportJob.objects.create(organization=hub, file_name="contacts.csv", headers=["email"], status="done")
    for number, (email, reason) in enumerate(
        ((XIO["email"].upper(), "Duplicate row"), (NEIGHBOUR["email"], "Duplicate row")), start=2
    ):
        ImportRejection(
            organization=hub,
            job=job,
            row_number=number,
            reason=reason,
            row_values=json.dumps({"email": email, "given_name": "x"}),
        ).save()
    SubjectRequest.objects.create(
        organization=hub,
        reference=uuid.uuid4(),
        kind="export",
        person=person,
        email=XIO["email"],
        due_on=timezone.localdate() + timedelta(days=30),
    )
    # One confirmed by text message, no longer linked to the record: found by the number.
    SubjectRequest.objects.create(
        organization=hub,
        reference=uuid.uuid4(),
        kind="erasure",
        person=None,
        phone=XIO["phone"],
        due_on=timezone.localdate() + timedelta(days=30),
    )
    make_signup(hub, name=f"{XIO['given_name']} {XIO['family_name']}", email=XIO["email"], county="Travis")
    make_signup(hub, name="Someone By Phone", email="", phone="512-555-0199")
    make_signup(hub, name=f"{NEIGHBOUR['given_name']} {NEIGHBOUR['family_name']}", email=NEIGHBOUR["email"])

    # actions: an event both answered (with a shift, attendance and the code of conduct), and
    # the events Xiomarelda proposed as a host.
    conduct = _model("actions.CodeOfConductVersion").objects.create(
        organization=hub, version=1, title=LazyI18nString({"en": "Code"}), text=LazyI18nString({"en": "Be kind."})
    )
    start = timezone.now() + timedelta(days=3)
    event = _model("actions.Event").objects.create(
        organization=hub,
        title=LazyI18nString({"en": "Vigil at the courthouse", "es": "Vigilia en la corte"}),
        kind="vigil",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        time_zone="America/Chicago",
        status="published",
    )
    shift = _model("actions.Shift").objects.create(
        organization=hub, event=event, role="marshal", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    rsvp_model = _model("actions.RSVP")
    for someone, email in ((person, XIO["email"]), (neighbour, NEIGHBOUR["email"])):
        rsvp_model.objects.create(
            organization=hub,
            event=event,
            person=someone,
            email=email,
            shift=shift,
            conduct_version=conduct,
            conduct_accepted_at=timezone.now(),
            attended_at=timezone.now(),
        )
    # An RSVP form each sent again for a shift that was full: refused, it keeps what was typed.
    for values in (XIO, NEIGHBOUR):
        _model("actions.RSVPSubmission").objects.create(
            organization=hub,
            event=event,
            state="refused",
            refusal="shift_full",
            name=f"{values['given_name']} {values['family_name']}",
            email=values["email"],
            phone=values["phone"],
            language="es",
            consents={"email": True},
            shift=shift,
        )
    proposed = _model("actions.Event").objects.create(
        organization=hub,
        title=LazyI18nString({"en": "Teach-in at Xiomarelda's church"}),
        kind="vigil",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        time_zone="America/Chicago",
        status="proposed",
        host_name=f"{XIO['given_name']} {XIO['family_name']}",
        host_person=person,
        address="77 Calle Xiomarelda",
    )
    hosted = _model("actions.Event").objects.create(
        organization=hub,
        title=LazyI18nString({"en": "Know your rights night"}),
        kind="vigil",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        time_zone="America/Chicago",
        status="published",
        host_name=f"{XIO['given_name']} {XIO['family_name']}",
        host_person=person,
    )

    # actions: a survey both filled in; Xiomarelda's answers name her (the erasure removes them).
    form = _model("actions.Form").objects.create(
        organization=hub,
        title=LazyI18nString({"en": "Neighbourhood survey", "es": "Encuesta del barrio"}),
        status="open",
    )
    question = _model("actions.FormField").objects.create(
        organization=hub,
        form=form,
        position=0,
        kind="text",
        label=LazyI18nString({"en": "Who should we call?", "es": "¿A quién llamamos?"}),
    )
    for someone, answer in ((person, f"{XIO['given_name']} at {XIO['phone']}"), (neighbour, "Neighbour's answer")):
        _model("actions.FormSubmission").objects.create(
            organization=hub,
            form=form,
            person=someone,
            answers_json=json.dumps({str(question.pk): answer}),
            language=someone.preferred_language,
        )

    # board: a seat with two honoraria (one with a payment method); the neighbour's seat too.
    seat_model, honorarium_model = _model("board.BoardSeat"), _model("board.Honorarium")
    for someone in (person, neighbour):
        seat = seat_model.objects.create(
            organization=hub, person=someone, term_start=date(2026, 1, 1), term_end=date(2027, 12, 31)
        )
        for amount in ("150.00", "75.50"):
            honorarium_model(
                organization=hub,
                seat=seat,
                amount=Decimal(amount),
                date=date(2026, 3, 1),
                purpose="Board meeting",
                payment_method=f"Check to {someone.given_name}",
            ).save()

    # campaigns: a commitment each.
    campaign = _model("campaigns.Campaign").objects.create(
        organization=hub, slug="keep-families", title=LazyI18nString({"en": "Keep families together"}), status="active"
    )
    commitment_model = _model("campaigns.Commitment")
    for someone in (person, neighbour):
        commitment_model.objects.create(
            organization=hub,
            campaign=campaign,
            person=someone,
            task=f"{someone.given_name} calls ten neighbours",
            due_on=timezone.localdate() + timedelta(days=5),
        )
    # actions: a petition each signed (with a comment) and a letter each wrote.
    petition = _model("actions.Petition").objects.create(
        organization=hub, title=LazyI18nString({"en": "Licenses for all"}), text=LazyI18nString({"en": "We ask."}),
        targets="Governor", status="open", signature_count=2,
    )  # fmt: skip
    letters = _model("actions.LetterCampaign").objects.create(
        organization=hub, title=LazyI18nString({"en": "Write to the sheriff"}), target_name="Sheriff",
        target_email="sheriff@county.example.org", subject=LazyI18nString({"en": "End 287(g)"}),
        body=LazyI18nString({"en": "Dear Sheriff"}), delivery="collect", status="open",
    )  # fmt: skip
    for someone in (person, neighbour):
        email = someone.emails.first().email
        _model("actions.Signature").objects.create(
            organization=hub, petition=petition, person=someone, zip_code="78702", show_name=True,
            comment=f"{someone.given_name} signs", email=email,
        )  # fmt: skip
        _model("actions.Letter").objects.create(
            organization=hub, letter_campaign=letters, person=someone, name=someone.display_name, zip_code="78702",
            subject="End 287(g)", body=f"Dear Sheriff, {someone.given_name} writes", email=email, status="collected",
        )  # fmt: skip
    return World(
        hub=hub,
        other=other,
        person=person,
        neighbour=neighbour,
        events={"event": event, "proposed": proposed, "hosted": hosted, "grant": grant, "form": form},
    )


def needles(values: dict[str, str]) -> list[str]:
    """What identifies a person in a text column: names, e-mails, phone digits."""
    keys = ("given_name", "family_name", "preferred_name", "email", "email2", "phone_digits")
    return [values[k].lower() for k in keys if values.get(k)]


@scopes_disabled()
def phones_of(person: Person) -> list[str]:
    return list(PersonPhone.objects.filter(person=person).values_list("number", flat=True))
