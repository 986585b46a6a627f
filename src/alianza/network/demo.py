"""The network's part of the demo coalition: published values and principles, one
application waiting for the hub's review, a working group with members from three
organizations and a committee. Safe to run again."""

from i18nfield.strings import LazyI18nString

from alianza.core.models import Membership, Organization
from alianza.core.permissions import Role

from .applications import application_submit
from .groups import MemberInput, group_create, group_member_add
from .hub import the_hub
from .models import OrganizationApplication, PrinciplesVersion, WorkingGroup
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
    if admin is not None and not WorkingGroup.objects.filter(organization=hub).exists():
        _demo_groups(hub, admin)


def _demo_groups(hub: Organization, admin: Membership) -> None:
    actor = admin.user
    housing = group_create(
        organization=hub,
        actor=actor,
        kind=WorkingGroup.Kind.WORKING_GROUP,
        name=LazyI18nString({"en": "Housing justice working group", "es": "Grupo de trabajo de vivienda justa"}),
        purpose=LazyI18nString(
            {
                "en": "Tenant protections and an end to retaliation against immigrant renters.",
                "es": "Protección de inquilinos y fin a las represalias contra inquilinos inmigrantes.",
            }
        ),
    )
    members = Organization.objects.filter(slug__in=["comunidad-unida", "workers-rising"]).order_by("slug")
    by_slug = {org.slug: org for org in members}
    if "comunidad-unida" in by_slug:
        staff = Membership.objects.filter(organization=by_slug["comunidad-unida"], role=Role.ORGANIZER).first()
        if staff is not None:
            group_member_add(
                group=housing,
                actor=actor,
                data=MemberInput(represents=by_slug["comunidad-unida"], user=staff.user, role="chair"),
            )
    if "workers-rising" in by_slug:
        group_member_add(
            group=housing,
            actor=actor,
            data=MemberInput(
                represents=by_slug["workers-rising"],
                name="Rogelio Martínez",
                contact="rogelio@workers-rising.alianza.example, +1 210 555 0144",
                role="co_chair",
            ),
        )
    group_member_add(group=housing, actor=actor, data=MemberInput(represents=hub, user=actor, role="staff_liaison"))
    finance = group_create(
        organization=hub,
        actor=actor,
        kind=WorkingGroup.Kind.COMMITTEE,
        name=LazyI18nString({"en": "Re-grant committee", "es": "Comité de subvenciones"}),
        purpose=LazyI18nString(
            {
                "en": "Reviews the applications to the member re-grant program.",
                "es": "Revisa las solicitudes al programa de subvenciones para miembros.",
            }
        ),
    )
    legal = Organization.objects.filter(slug="youth-legal").first()
    if legal is not None:
        staff = Membership.objects.filter(organization=legal, role=Role.ADMIN).first()
        if staff is not None:
            group_member_add(
                group=finance, actor=actor, data=MemberInput(represents=legal, user=staff.user, role="chair")
            )
