"""The network's part of the demo coalition: published values and principles, and one
application waiting for the hub's review. Safe to run again."""

from i18nfield.strings import LazyI18nString

from alianza.core.models import Membership
from alianza.core.permissions import Role

from .applications import application_submit
from .hub import the_hub
from .models import OrganizationApplication, PrinciplesVersion
from .principles import principles_current, principles_publish

TITLE = {"en": "Our values and principles", "es": "Nuestros valores y principios"}
TEXT = {
    "en": (
        "We organize across our differences: race, gender, faith, language and status are not walls between us "
        "(intersectionality).\n"
        "Our actions are non-violent, always.\n"
        "The coalition is non-partisan: we hold every official to account, whatever their party.\n"
        "We treat each other with respect, and we make room for those most affected to lead.\n"
        "Only the coalition calls coalition actions: no unauthorised side events in its name."
    ),
    "es": (
        "Nos organizamos a través de nuestras diferencias: raza, género, fe, idioma y estatus no son muros entre "
        "nosotros (interseccionalidad).\n"
        "Nuestras acciones son siempre no violentas.\n"
        "La coalición es apartidista: exigimos cuentas a todo funcionario, sea del partido que sea.\n"
        "Nos tratamos con respeto y abrimos espacio para que lideren las personas más afectadas.\n"
        "Solo la coalición convoca acciones de la coalición: ningún evento paralelo no autorizado en su nombre."
    ),
}


def demo_network() -> None:
    hub = the_hub()
    if hub is None:
        return
    admin = Membership.objects.filter(organization=hub, role=Role.ADMIN).select_related("user").first()
    if not PrinciplesVersion.objects.filter(organization=hub).exists() and admin is not None:
        principles_publish(organization=hub, actor=admin.user, title=LazyI18nString(TITLE), text=LazyI18nString(TEXT))
    current = principles_current(hub=hub)
    if current is not None and not OrganizationApplication.objects.filter(organization=hub).exists():
        application_submit(
            hub=hub, principles=current, name="Casa de la Esperanza", kinds=["social_services"],
            counties=["Travis"], contact_name="Lucía Ramos", contact_email="lucia@casa-esperanza.alianza.example",
            contact_phone="+15125550199", languages=["es", "en"],
            mission="Acompañamos a familias recién llegadas con vivienda, escuela y salud.", language="es",
        )  # fmt: skip
