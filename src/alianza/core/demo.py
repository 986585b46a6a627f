"""The demo coalition loaded by `make demo`: a hub and member organizations of each kind,
staff in every role, profile text in English and Spanish. Loading twice changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction
from django_scopes import scopes_disabled
from i18nfield.strings import LazyI18nString

from .audit import log_action
from .models import Membership, Organization, User
from .permissions import Role
from .two_factor import totp_enable

DEMO_PASSWORD = "alianza-demo-2026"
# Every demo account shares this authenticator secret; `manage.py demo_otp` prints its code.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@dataclass(frozen=True)
class DemoOrg:
    slug: str
    name: str
    tier: str
    kinds: list[str]
    counties: list[str]
    languages: list[str]
    tagline_en: str
    tagline_es: str
    description_en: str
    description_es: str
    staff: dict[str, str]  # e-mail local part -> role


ORGS = [
    DemoOrg(
        "hub",
        "Alianza Statewide Coalition",
        Organization.Tier.HUB,
        ["policy"],
        ["Travis", "Harris", "Dallas", "Bexar", "Hidalgo"],
        ["en", "es"],
        "Many organizations, one voice for immigrant justice.",
        "Muchas organizaciones, una sola voz por la justicia migrante.",
        "The coalition hub: we coordinate campaigns, re-grant to members, train, and publish a monthly newsletter.",
        "El centro de la coalición: coordinamos campañas, otorgamos fondos a los miembros, capacitamos y publicamos un boletín mensual.",
        {"admin": Role.ADMIN, "organizer": Role.ORGANIZER, "advocate": Role.ADVOCATE, "viewer": Role.VIEWER},
    ),
    DemoOrg(
        "comunidad-unida",
        "Comunidad Unida",
        Organization.Tier.MEMBER,
        ["base_building"],
        ["Travis", "Williamson"],
        ["es", "en"],
        "Neighbors organizing neighbors, block by block.",
        "Vecinos organizando a vecinos, cuadra por cuadra.",
        "A membership organization of immigrant families running local campaigns for safe housing and fair policing.",
        "Una organización de familias inmigrantes que impulsa campañas locales por vivienda segura y una policía justa.",
        {"admin": Role.ADMIN, "organizer": Role.ORGANIZER, "viewer": Role.VIEWER},
    ),
    DemoOrg(
        "youth-legal",
        "Youth Legal Defense Collaborative",
        Organization.Tier.MEMBER,
        ["legal", "youth"],
        ["Harris", "Fort Bend"],
        ["en", "es", "pt"],
        "Free lawyers and social workers for immigrant children and youth.",
        "Abogados y trabajadores sociales gratuitos para niños y jóvenes inmigrantes.",
        "We connect young people facing immigration court with pro bono attorneys, health care and social services.",
        "Conectamos a jóvenes que enfrentan la corte de inmigración con abogados gratuitos, salud y servicios sociales.",
        {"admin": Role.ADMIN, "advocate": Role.ADVOCATE, "viewer": Role.VIEWER},
    ),
    DemoOrg(
        "interfaith-sanctuary",
        "Interfaith Sanctuary Network",
        Organization.Tier.MEMBER,
        ["faith"],
        ["Dallas", "Tarrant"],
        ["en", "es", "ko"],
        "Congregations that accompany and protect their immigrant neighbors.",
        "Congregaciones que acompañan y protegen a sus vecinos inmigrantes.",
        "Churches, mosques and synagogues offering accompaniment to court, vigils and rapid response.",
        "Iglesias, mezquitas y sinagogas que acompañan a la corte, organizan vigilias y respuesta rápida.",
        {"admin": Role.ADMIN, "organizer": Role.ORGANIZER},
    ),
    DemoOrg(
        "workers-rising",
        "Workers Rising Local 12",
        Organization.Tier.MEMBER,
        ["labor"],
        ["Bexar", "Hidalgo"],
        ["es", "en", "vi"],
        "Fair wages and safe jobs for every worker, with or without papers.",
        "Salarios justos y trabajos seguros para todo trabajador, con o sin papeles.",
        "A workers' center and union local fighting wage theft and workplace raids.",
        "Un centro de trabajadores y sindicato local que lucha contra el robo de salarios y las redadas.",
        {"admin": Role.ADMIN, "organizer": Role.ORGANIZER},
    ),
    DemoOrg(
        "jovenes-en-accion",
        "Jóvenes en Acción",
        Organization.Tier.MEMBER,
        ["youth"],
        ["Hidalgo", "Cameron"],
        ["es", "en"],
        "Young leaders for civic participation and accountability.",
        "Jóvenes líderes por la participación cívica y la rendición de cuentas.",
        "High-school and college students who register voters and hold officials to their promises.",
        "Estudiantes que registran votantes y exigen a los funcionarios que cumplan sus promesas.",
        {"admin": Role.ADMIN, "organizer": Role.ORGANIZER},
    ),
    DemoOrg(
        "bridges-health",
        "Bridges Community Health",
        Organization.Tier.PARTNER,
        ["social_services"],
        ["Travis"],
        ["en", "es", "ar"],
        "A community clinic partnering with the coalition.",
        "Una clínica comunitaria aliada de la coalición.",
        "Primary care and mental health in many languages, regardless of status.",
        "Atención primaria y salud mental en muchos idiomas, sin importar el estatus.",
        {"admin": Role.ADMIN},
    ),
]

# Someone who works with two organizations, to show the organization switcher.
MULTI_ORG_USER = ("maria@comunidad-unida.alianza.example", {"comunidad-unida": Role.ADMIN, "hub": Role.ORGANIZER})


def demo_email(local: str, slug: str) -> str:
    return f"{local}@{slug}.alianza.example"


def _user(email: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, name=email.split("@")[0].replace("-", " ").title())
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    totp_enable(user, DEMO_TOTP_SECRET)
    return user


# Apps above core add their own demo data: a function run after the organizations and staff
# exist, registered in AppConfig.ready(). Each must be safe to run again.
_extra_steps: list[Callable[[], None]] = []


def register_step(step: Callable[[], None]) -> None:
    if step not in _extra_steps:
        _extra_steps.append(step)


@scopes_disabled()
def demo_load() -> list[tuple[str, str, str]]:
    """Create or complete the demo coalition. Returns (organization, e-mail, role) rows."""
    rows: list[tuple[str, str, str]] = []
    with transaction.atomic():
        for spec in ORGS:
            org, created = Organization.objects.get_or_create(
                slug=spec.slug,
                defaults={
                    "name": spec.name,
                    "tier": spec.tier,
                    "kinds": spec.kinds,
                    "counties": spec.counties,
                    "languages": spec.languages,
                    "tagline": LazyI18nString({"en": spec.tagline_en, "es": spec.tagline_es}),
                    "description": LazyI18nString({"en": spec.description_en, "es": spec.description_es}),
                    "public_email": f"hello@{spec.slug}.alianza.example",
                    "private_notes": "Demo: the office door code is kept here, encrypted.",
                },
            )
            if created:
                log_action(
                    actor=None, organization=org, action="core.organization.created", obj=org, data={"source": "demo"}
                )
            staff = {demo_email(local, spec.slug): role for local, role in spec.staff.items()}
            if MULTI_ORG_USER[1].get(spec.slug):
                staff[MULTI_ORG_USER[0]] = MULTI_ORG_USER[1][spec.slug]
            for email, role in staff.items():
                user = _user(email)
                membership, made = Membership.objects.get_or_create(
                    organization=org, user=user, defaults={"role": role}
                )
                if made:
                    log_action(
                        actor=None,
                        organization=org,
                        action="core.membership.created",
                        obj=membership,
                        data={"role": role, "source": "demo"},
                    )
                rows.append((org.name, email, membership.get_role_display()))
        for step in _extra_steps:
            step()
    return rows
