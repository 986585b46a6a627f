"""The actions part of the demo coalition: the coalition's code of conduct (English and
Spanish), a public rally of the hub with shifts and a hidden address that requires the code, a
members' vigil of Comunidad Unida, a volunteer's proposal waiting for the hub, and a few RSVPs
(one on the waitlist). Safe to run again."""

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
from .models import CodeOfConductVersion, Event, Shift
from .rsvps import rsvp_submit

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
