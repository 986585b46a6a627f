"""The campaigns of the demo coalition: two public campaigns with goals, milestones, a victory,
partners in and outside the network, and commitments kept, late and open. Safe to run again:
a campaign that exists already is left as it is."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_scopes import scope, scopes_disabled
from i18nfield.strings import LazyI18nString

from alianza.core.models import Membership, Organization, User
from alianza.core.permissions import Role
from alianza.people.models import Person, PersonEmail
from alianza.people.operations import PersonInput, person_create

from .commitments import commitment_create, commitment_set_status
from .models import Campaign, Commitment, Goal
from .operations import (
    CampaignInput,
    ally_add,
    campaign_create,
    goal_create,
    goal_record_progress,
    milestone_create,
    milestone_set_done,
    victory_record,
)


def rosa_email(organization: Organization) -> str:
    """The people demo's Rosa Lima of this organization (people/demo.py), reused here."""
    return f"rosa.lima@{organization.slug}.example.org"


def _admin(organization: Organization) -> User | None:
    membership = Membership.objects.filter(organization=organization, role=Role.ADMIN).select_related("user").first()
    return membership.user if membership else None


def _rosa(organization: Organization, actor: User) -> Person:
    with scope(organization=organization):
        existing = PersonEmail.objects.filter(email=rosa_email(organization)).select_related("person").first()
    if existing is not None:
        return existing.person
    return person_create(
        organization=organization,
        actor=actor,
        data=PersonInput(
            given_name="Rosa",
            family_name="Lima",
            preferred_language="es",
            county="Travis",
            email=rosa_email(organization),
            consent={"email": True},
        ),
    )


def _licenses(hub: Organization, actor: User, orgs: dict[str, Organization]) -> None:
    today = timezone.localdate()
    campaign = campaign_create(
        organization=hub,
        actor=actor,
        data=CampaignInput(
            slug="licenses-for-all",
            title=LazyI18nString({"en": "Driver's licenses for all", "es": "Licencias de manejo para todos"}),
            summary=LazyI18nString(
                {
                    "en": "Every Texan should be able to drive to work, school and the doctor without fear.",
                    "es": "Toda persona en Texas debe poder manejar al trabajo, a la escuela y al médico sin miedo.",
                }
            ),
            story=LazyI18nString(
                {
                    "en": "Without a license, a broken tail light can separate a family.\n\n"
                    "Seventeen states already issue licenses regardless of status. We ask the Legislature to do "
                    "the same, and county officials to stand with us.",
                    "es": "Sin licencia, una luz trasera rota puede separar a una familia.\n\n"
                    "Diecisiete estados ya otorgan licencias sin importar el estatus. Pedimos a la Legislatura "
                    "que haga lo mismo, y a los funcionarios del condado que nos apoyen.",
                }
            ),
            issue_areas=["Driver's licenses", "Policing"],
            level=Campaign.Level.STATE,
            partners=[orgs["comunidad-unida"], orgs["workers-rising"], orgs["interfaith-sanctuary"]],
            targets=["The Governor", "Texas Senate Transportation Committee", "Department of Public Safety"],
            starts_on=today - timedelta(days=120),
            status=Campaign.Status.ACTIVE,
            is_public=True,
        ),
    )
    ally_add(campaign=campaign, actor=actor, name="Texas Road Safety Alliance", url="https://roadsafety.example.org")
    signatures = goal_create(
        campaign=campaign, actor=actor, title="10,000 petition signatures", kind=Goal.Kind.NUMBER, target_value=10000
    )
    goal_record_progress(goal=signatures, actor=actor, current_value=6420)
    officials = goal_create(
        campaign=campaign, actor=actor, title="30 county officials commit", kind=Goal.Kind.NUMBER, target_value=30
    )
    goal_record_progress(goal=officials, actor=actor, current_value=12)
    goal_create(campaign=campaign, actor=actor, title="Pass SB 1 (licenses for all)", kind=Goal.Kind.YES_NO)
    launch = milestone_create(
        campaign=campaign, actor=actor, title="Petition launch", due_on=today - timedelta(days=90)
    )
    milestone_set_done(milestone=launch, actor=actor, done=True)
    milestone_create(campaign=campaign, actor=actor, title="Hearing at the Capitol", due_on=today + timedelta(days=21))
    commitment_create(
        campaign=campaign,
        actor=actor,
        task="Bring 40 people to the vigil at the Capitol",
        due_on=today + timedelta(days=5),
        committed_organization=orgs["comunidad-unida"],
    )
    kept = commitment_create(
        campaign=campaign,
        actor=actor,
        task="Collect 1,000 signatures at work sites",
        due_on=today - timedelta(days=10),
        committed_organization=orgs["workers-rising"],
    )
    commitment_set_status(commitment=kept, actor=actor, status=Commitment.Status.KEPT)
    commitment_create(
        campaign=campaign,
        actor=actor,
        task="Host a teach-in in three congregations",
        due_on=today - timedelta(days=3),
        committed_organization=orgs["interfaith-sanctuary"],
    )  # still open after its due date: late


def _safe_homes(lead: Organization, actor: User, orgs: dict[str, Organization]) -> None:
    today = timezone.localdate()
    campaign = campaign_create(
        organization=lead,
        actor=actor,
        data=CampaignInput(
            slug="safe-homes-travis",
            title=LazyI18nString(
                {"en": "Safe homes in Travis County", "es": "Hogares seguros en el condado de Travis"}
            ),
            summary=LazyI18nString(
                {
                    "en": "No family should live with mold, broken locks or the threat of an illegal eviction.",
                    "es": "Ninguna familia debe vivir con moho, cerraduras rotas o la amenaza de un desalojo ilegal.",
                }
            ),
            issue_areas=["Housing"],
            level=Campaign.Level.COUNTY,
            partners=[orgs["hub"], orgs["bridges-health"]],
            targets=["Travis County Commissioners Court", "Code Compliance Department"],
            starts_on=today - timedelta(days=200),
            status=Campaign.Status.ACTIVE,
            is_public=True,
        ),
    )
    ally_add(campaign=campaign, actor=actor, name="Tenant Power Collective", url="https://tenants.example.org")
    tenants = goal_create(
        campaign=campaign, actor=actor, title="500 tenants organized", kind=Goal.Kind.NUMBER, target_value=500
    )
    goal_record_progress(goal=tenants, actor=actor, current_value=310)
    fund = goal_create(campaign=campaign, actor=actor, title="County funds tenant legal defense", kind=Goal.Kind.YES_NO)
    goal_record_progress(goal=fund, actor=actor, met=True)
    assembly = milestone_create(
        campaign=campaign, actor=actor, title="First tenant assembly", due_on=today - timedelta(days=150)
    )
    milestone_set_done(milestone=assembly, actor=actor, done=True)
    victory_record(
        campaign=campaign,
        actor=actor,
        won_on=today - timedelta(days=30),
        title=LazyI18nString(
            {
                "en": "The county funded free legal defense for tenants facing eviction",
                "es": "El condado financió defensa legal gratuita para inquilinos en riesgo de desalojo",
            }
        ),
        description=LazyI18nString(
            {
                "en": "After 14 months of organizing, the Commissioners Court voted 4 to 1 for the program.",
                "es": "Tras 14 meses de organización, la Corte de Comisionados votó 4 a 1 a favor del programa.",
            }
        ),
        evidence_url="https://news.example.org/travis-tenant-defense",
    )
    clinic = commitment_create(
        campaign=campaign,
        actor=actor,
        task="Host a know-your-rights clinic for tenants",
        due_on=today - timedelta(days=20),
        committed_organization=orgs["bridges-health"],
    )
    commitment_set_status(commitment=clinic, actor=actor, status=Commitment.Status.KEPT)
    commitment_create(
        campaign=campaign,
        actor=actor,
        task="Call 20 neighbors about the tenant assembly",
        due_on=today + timedelta(days=1),
        person=_rosa(lead, actor),
    )


def demo_campaigns() -> None:
    slugs = ["hub", "comunidad-unida", "workers-rising", "interfaith-sanctuary", "bridges-health"]
    with scopes_disabled():
        orgs = {o.slug: o for o in Organization.objects.filter(slug__in=slugs)}
        if len(orgs) < len(slugs):
            return
        existing = set(Campaign.objects.values_list("slug", flat=True))
        hub_admin, lead_admin = _admin(orgs["hub"]), _admin(orgs["comunidad-unida"])
    if hub_admin is not None and "licenses-for-all" not in existing:
        _licenses(orgs["hub"], hub_admin, orgs)
    if lead_admin is not None and "safe-homes-travis" not in existing:
        _safe_homes(orgs["comunidad-unida"], lead_admin, orgs)
