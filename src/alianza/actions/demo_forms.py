"""The forms part of the demo coalition: the hub's volunteer sign-up for the *Driver's licenses
for all* campaign (availability, roles, a consent to text messages) and a community survey, both
open, in English and Spanish, with a few submissions. Safe to run again."""

from __future__ import annotations

from django_scopes import scope, scopes_disabled
from i18nfield.strings import LazyI18nString

from alianza.campaigns.models import Campaign
from alianza.core.models import Membership, Organization, User
from alianza.core.permissions import Role
from alianza.network.hub import the_hub

from .forms_builder import form_field_save, form_save, form_set_status, form_submit, options_from_lines
from .models import Form, FormField


def _admin(organization: Organization) -> User | None:
    membership = Membership.objects.filter(organization=organization, role=Role.ADMIN).select_related("user").first()
    return membership.user if membership else None


def _field(form: Form, actor: User, kind: str, label: dict[str, str], **extra: object) -> FormField:
    choices = extra.pop("choices", None)
    field = FormField(organization=form.organization, form=form, kind=kind, label=LazyI18nString(label), **extra)
    if isinstance(choices, dict):
        field.options = options_from_lines(choices)
    return form_field_save(field=field, actor=actor)


@scopes_disabled()
def demo_forms() -> None:
    hub = the_hub()
    admin = _admin(hub) if hub is not None else None
    if hub is None or admin is None:
        return
    if Form.objects.filter(organization=hub).exists():
        return
    with scope(organization=hub):
        campaign = Campaign.objects.filter(organization=hub, slug="licenses-for-all").first()
        signup = form_save(
            form=Form(
                organization=hub,
                title=LazyI18nString(
                    {"en": "Volunteer for driver's licenses for all", "es": "Sé voluntario por licencias para todos"}
                ),
                intro=LazyI18nString(
                    {
                        "en": "Tell us when you can help and how. An organizer will call or write to you.",
                        "es": "Dinos cuándo puedes ayudar y cómo. Una persona organizadora te llamará o escribirá.",
                    }
                ),
                campaign=campaign,
                is_volunteer_signup=True,
            ),
            actor=admin,
        )
        when = _field(
            signup,
            admin,
            FormField.Kind.MULTI_CHOICE,
            {"en": "When can you help?", "es": "¿Cuándo puedes ayudar?"},
            required=True,
            choices={"en": "Weekday evenings\nSaturdays\nSundays", "es": "Tardes entre semana\nSábados\nDomingos"},
        )
        role = _field(
            signup,
            admin,
            FormField.Kind.CHOICE,
            {"en": "What would you like to do?", "es": "¿Qué te gustaría hacer?"},
            choices={
                "en": "Phone banking\nCanvassing\nInterpreting\nBringing food",
                "es": "Llamadas\nVisitas puerta a puerta\nInterpretación\nTraer comida",
            },
        )
        _field(
            signup,
            admin,
            FormField.Kind.LONG_TEXT,
            {"en": "Anything else we should know?", "es": "¿Algo más que debamos saber?"},
        )
        sms = _field(
            signup,
            admin,
            FormField.Kind.CONSENT,
            {
                "en": "You may send me text messages (SMS) about volunteering.",
                "es": "Pueden enviarme mensajes de texto (SMS) sobre el voluntariado.",
            },
            consent_channel="sms",
        )
        signup = form_set_status(form=signup, actor=admin, status=Form.Status.OPEN)

        survey = form_save(
            form=Form(
                organization=hub,
                title=LazyI18nString({"en": "Community needs survey", "es": "Encuesta de necesidades de la comunidad"}),
                intro=LazyI18nString(
                    {
                        "en": "Four questions, two minutes. Answers help us plan trainings and know-your-rights "
                        "sessions.",
                        "es": "Cuatro preguntas, dos minutos. Sus respuestas nos ayudan a planear talleres y charlas "
                        "de derechos.",
                    }
                ),
            ),
            actor=admin,
        )
        need = _field(
            survey,
            admin,
            FormField.Kind.CHOICE,
            {"en": "What would help your family most?", "es": "¿Qué ayudaría más a su familia?"},
            required=True,
            choices={
                "en": "Legal help\nHousing help\nEnglish classes\nWork rights",
                "es": "Ayuda legal\nAyuda con la vivienda\nClases de inglés\nDerechos laborales",
            },
        )
        size = _field(
            survey,
            admin,
            FormField.Kind.NUMBER,
            {"en": "How many people live in your home?", "es": "¿Cuántas personas viven en su casa?"},
        )
        best = _field(
            survey,
            admin,
            FormField.Kind.DATE,
            {"en": "A good date for a session near you", "es": "Una buena fecha para una charla cerca de usted"},
        )
        _field(
            survey,
            admin,
            FormField.Kind.CONSENT,
            {"en": "You may send me news by e-mail.", "es": "Pueden enviarme noticias por correo electrónico."},
            consent_channel="email",
        )
        survey = form_set_status(form=survey, actor=admin, status=Form.Status.OPEN)

    for name, email, language, answers in (
        (
            "Rosa Hernández",
            "rosa@demo.alianza.example",
            "es",
            {str(when.pk): ["2", "3"], str(role.pk): "3", str(sms.pk): True},
        ),
        ("Ahmed Haddad", "ahmed@demo.alianza.example", "ar", {str(when.pk): ["1"], str(role.pk): "1"}),
    ):
        form_submit(form=signup, name=name, email=email, phone="", language=language, answers=answers)
    for name, email, language, answers in (
        ("Grace Kim", "grace@demo.alianza.example", "en", {str(need.pk): "3", str(size.pk): 4}),
        (
            "Luis Ortega",
            "luis@demo.alianza.example",
            "es",
            {str(need.pk): "1", str(size.pk): 6, str(best.pk): "2027-01-16"},
        ),
    ):
        form_submit(form=survey, name=name, email=email, phone="", language=language, answers=answers)
