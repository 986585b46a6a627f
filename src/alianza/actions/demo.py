"""The actions part of the demo coalition: the coalition's code of conduct (English and
Spanish), a public rally of the hub with shifts and a hidden address that requires the code, a
members' vigil of Comunidad Unida, a volunteer's proposal waiting for the hub, and a few RSVPs
(one on the waitlist); an open petition of the hub for the "licenses for all" campaign with
signatures, and a letter to the county sheriff with two letters. Safe to run again."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_scopes import scope, scopes_disabled
from i18nfield.strings import LazyI18nString

from alianza.core.models import Membership, Organization
from alianza.core.permissions import Role
from alianza.network.hub import the_hub

from .conduct import conduct_publish
from .events import event_propose, event_save, event_set_status, shift_create
from .letters import letter_campaign_save, letter_campaign_set_status, letter_submit
from .models import CodeOfConductVersion, Event, LetterCampaign, Petition, Shift
from .petitions import petition_save, petition_set_status, signature_add
from .rsvp_answers import rsvp_submit

CONDUCT_TITLE = {
    "en": "Code of conduct for coalition events",
    "es": "Código de conducta para los eventos de la coalición",
}
CONDUCT_TEXT = {
    "en": (
        "Intersectionality: we show up for each other across race, gender, faith, language, disability and status.\n"
        "Non-violence: our actions are non-violent in word and deed; we do not answer provocation.\n"
        "Non-partisanship: we do not campaign for parties or candidates at coalition events.\n"
        "Respect: we listen, we follow the marshals and the people most affected, and we protect each other's "
        "privacy: no photos of faces without consent.\n"
        "No unauthorised side events: only the coalition calls actions in its name; talk to the organizers first."
    ),
    "es": (
        "Interseccionalidad: nos apoyamos a través de la raza, el género, la fe, el idioma, la discapacidad y el "
        "estatus.\n"
        "No violencia: nuestras acciones son no violentas de palabra y de hecho; no respondemos a provocaciones.\n"
        "Apartidismo: en los eventos de la coalición no hacemos campaña por partidos ni candidatos.\n"
        "Respeto: escuchamos, seguimos a las personas de apoyo y a las más afectadas, y protegemos la privacidad "
        "de todos: nada de fotos de caras sin permiso.\n"
        "Ningún evento paralelo no autorizado: solo la coalición convoca acciones en su nombre; habla antes con "
        "quienes organizan."
    ),
}


def _admin(organization: Organization):  # type: ignore[no-untyped-def]
    membership = Membership.objects.filter(organization=organization, role=Role.ADMIN).select_related("user").first()
    return membership.user if membership else None


@scopes_disabled()
def demo_actions() -> None:
    hub = the_hub()
    if hub is None:
        return
    admin = _admin(hub)
    if admin is None:
        return
    if not CodeOfConductVersion.objects.filter(organization=hub).exists():
        conduct_publish(
            organization=hub, actor=admin, title=LazyI18nString(CONDUCT_TITLE), text=LazyI18nString(CONDUCT_TEXT)
        )
    _petitions_and_letters(hub, admin)
    if Event.objects.filter(organization=hub).exists():
        return
    conduct = CodeOfConductVersion.objects.filter(organization=hub).order_by("-version").first()
    start = (timezone.now() + timedelta(days=10)).replace(hour=22, minute=0, second=0, microsecond=0)
    rally = event_save(
        event=Event(
            organization=hub,
            title=LazyI18nString({"en": "Rally for driver's licenses for all", "es": "Mitin por licencias para todos"}),
            description=LazyI18nString(
                {
                    "en": "Families, faith leaders and workers gather at the Capitol to ask for licenses for everyone.",
                    "es": "Familias, líderes de fe y trabajadores nos reunimos en el Capitolio para pedir licencias para todos.",
                }
            ),
            kind=Event.Kind.RALLY,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            time_zone="America/Chicago",
            place_name="Downtown Austin",
            address="1100 Congress Ave, Austin, TX 78701 (south steps)",
            hide_address=True,
            capacity=3,
            waitlist=True,
            languages=["en", "es"],
            interpretation=["es", "vi"],
            accessibility=LazyI18nString(
                {
                    "en": "Step-free route from the east gate; seating and shade; ASL on request.",
                    "es": "Ruta sin escalones desde la puerta este; sillas y sombra; lengua de señas a pedido.",
                }
            ),
            childcare=True,
            requires_code_of_conduct=True,
        ),
        actor=admin,
        representatives=list(Organization.objects.filter(slug__in=["hub", "comunidad-unida", "workers-rising"])),
    )
    for role, hours in ((Shift.Role.MARSHAL, 0), (Shift.Role.LEGAL_OBSERVER, 0), (Shift.Role.INTERPRETER, 0)):
        shift_create(
            event=rally, actor=admin, role=role, starts_at=start - timedelta(hours=1), ends_at=start + timedelta(hours=2 + hours), capacity=2
        )  # fmt: skip
    rally = event_set_status(event=rally, actor=admin, status=Event.Status.PUBLISHED)
    for name, email, lang in (
        ("Rosa Hernández", "rosa@demo.alianza.example", "es"),
        ("Tran Van Minh", "minh@demo.alianza.example", "vi"),
        ("Grace Kim", "grace@demo.alianza.example", "en"),
        ("Luis Ortega", "luis@demo.alianza.example", "es"),  # the rally holds 3: Luis waits
    ):
        rsvp_submit(
            event=rally, name=name, email=email, phone="", language=lang, consents={"email": True},
            conduct=conduct, required_conduct=conduct,
        )  # fmt: skip

    member = Organization.objects.filter(slug="comunidad-unida").first()
    if member is not None and _admin(member) is not None:
        with scope(organization=member):
            vigil = event_save(
                event=Event(
                    organization=member,
                    title=LazyI18nString(
                        {"en": "Candlelight vigil for families kept apart", "es": "Vigilia por las familias separadas"}
                    ),
                    kind=Event.Kind.VIGIL,
                    starts_at=start + timedelta(days=3),
                    ends_at=start + timedelta(days=3, hours=1),
                    time_zone="America/Chicago",
                    place_name="East Austin",
                    address="Our Lady of Guadalupe parish hall, 1206 E 9th St, Austin",
                    visibility=Event.Visibility.PUBLIC,
                    languages=["es", "en"],
                ),
                actor=_admin(member),
            )
            event_set_status(event=vigil, actor=_admin(member), status=Event.Status.PUBLISHED)

    event_propose(
        hub=hub,
        title={"es": "Taller de conozca sus derechos en la biblioteca"},
        description={"es": "Una charla de una hora con una abogada voluntaria, en español."},
        kind=Event.Kind.KNOW_YOUR_RIGHTS,
        format=Event.Format.IN_PERSON,
        starts_at=start + timedelta(days=14),
        ends_at=start + timedelta(days=14, hours=1),
        time_zone="America/Chicago",
        place_name="Pflugerville",
        address="Pflugerville Public Library, meeting room B",
        virtual_link="",
        host_name="Marisol Cantú",
        host_email="marisol@demo.alianza.example",
        host_phone="",
        language="es",
    )


SIGNERS = (
    ("Rosa Hernández", "rosa@demo.alianza.example", "es", "78702", True, "Para poder llevar a mis hijos a la escuela."),
    ("Tran Van Minh", "minh@demo.alianza.example", "vi", "78753", True, ""),
    ("Grace Kim", "grace@demo.alianza.example", "en", "78704", True, "Safer roads for everyone."),
    ("Luis Ortega", "luis@demo.alianza.example", "es", "78741", False, ""),
    ("Amina Yusuf", "amina@demo.alianza.example", "ar", "78758", False, ""),
)


def _petitions_and_letters(hub: Organization, admin) -> None:  # type: ignore[no-untyped-def]
    from alianza.campaigns.models import Campaign

    with scope(organization=hub):
        if Petition.objects.filter(organization=hub).exists():
            return
        campaign = Campaign.objects.filter(slug="licenses-for-all").first()
        petition = petition_save(
            petition=Petition(
                organization=hub,
                campaign=campaign,
                title=LazyI18nString(
                    {"en": "Driver's licenses for all Texans", "es": "Licencias de manejo para todos en Texas"}
                ),
                text=LazyI18nString(
                    {
                        "en": "We, the undersigned, ask the Governor and the Legislature to let every Texan, whatever their status, earn a driver's license: to drive to work, school and the doctor without fear.",
                        "es": "Las personas abajo firmantes pedimos al Gobernador y a la Legislatura que toda persona en Texas, sea cual sea su estatus, pueda sacar su licencia de manejo: para ir al trabajo, a la escuela y al médico sin miedo.",
                    }
                ),
                targets="Governor of Texas\nTexas Legislature",
                goal=500,
            ),
            actor=admin,
        )
        petition = petition_set_status(petition=petition, actor=admin, status=Petition.Status.OPEN)
        for name, email, lang, zip_code, show, comment in SIGNERS:
            signature_add(
                petition=petition, name=name, email=email, phone="", zip_code=zip_code, language=lang,
                consents={"email": True}, show_name=show, comment=comment,
            )  # fmt: skip

        letters = letter_campaign_save(
            letter_campaign=LetterCampaign(
                organization=hub,
                campaign=campaign,
                title=LazyI18nString(
                    {"en": "Ask the sheriff to end 287(g)", "es": "Pídale al sheriff que termine el 287(g)"}
                ),
                introduction=LazyI18nString(
                    {
                        "en": "The 287(g) agreement turns a traffic stop into a deportation. Tell the sheriff, in your own words, what it does to your family.",
                        "es": "El acuerdo 287(g) convierte una parada de tráfico en una deportación. Cuéntele al sheriff, con sus palabras, lo que le hace a su familia.",
                    }
                ),
                target_name="Office of the Travis County Sheriff",
                target_email="sheriff@travis-county.example",
                subject=LazyI18nString(
                    {"en": "Please end the 287(g) agreement", "es": "Por favor termine el acuerdo 287(g)"}
                ),
                body=LazyI18nString(
                    {
                        "en": "Dear Sheriff,\n\nI live in Travis County. The 287(g) agreement makes my neighbours afraid to call for help. Please end it.\n\nThank you.",
                        "es": "Estimado Sheriff:\n\nVivo en el condado de Travis. El acuerdo 287(g) hace que mis vecinos tengan miedo de pedir ayuda. Por favor, termínelo.\n\nGracias.",
                    }
                ),
                delivery=LetterCampaign.Delivery.EMAIL,
            ),
            actor=admin,
        )
        letters = letter_campaign_set_status(letter_campaign=letters, actor=admin, status=LetterCampaign.Status.OPEN)
        for name, email, lang, zip_code, _show, _comment in SIGNERS[:2]:
            _subject, body = (str(letters.subject), str(letters.body.localize(lang)))
            letter_submit(
                letter_campaign=letters, name=name, email=email, phone="", zip_code=zip_code, language=lang,
                consents={}, body=body, send_consent=True, reply_to_signer=lang == "es",
            )  # fmt: skip
