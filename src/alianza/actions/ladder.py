"""The engagement ladder: how far up a person has come, derived from what they did.

Rungs, lowest first: **signed** (a petition) → **attended** (an event, checked in) →
**volunteered** (worked a shift they were checked in for, or sent a volunteer sign-up form) →
**hosted** (an event they proposed, approved and published) → **leads** (holds a current seat on
the advisory board, or kept a commitment they made to a campaign). A person's level is the
highest rung they reached; the rungs are not a checklist (someone who hosted without ever
signing is at "hosted").

A registry, so an app adds a rung without this module importing it::

    ladder.register_rung(
        code="signed", label=gettext_lazy("Signed"), order=10,
        person_ids=lambda organization, campaign: Signature.objects.filter(
            organization=organization, **({"petition__campaign": campaign} if campaign else {})
        ).values("person_id"),
    )

``person_ids(organization, campaign)`` returns a queryset of one column of person ids of
``organization``'s people who reached the rung (``values("person_id")``): it is used as a
subquery and must not evaluate anything. With a campaign, it counts what was done **for that
campaign**. Where a model has no link to campaigns (events, board seats), the rung narrows
itself to the campaign's people (``campaign_people``): everyone who took part in the campaign
through a source registered with ``register_participation`` (a form of the campaign, a
commitment to it, a signature of its petitions once petitions exist).

Counting is one query however many people there are (``ladder_counts``, ``person_level``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alianza.core.models import Organization
from alianza.people.models import Person

if TYPE_CHECKING:
    from alianza.campaigns.models import Campaign

PersonIds = Callable[[Organization, "Campaign | None"], QuerySet[Any]]
Participation = Callable[[Organization, "Campaign"], QuerySet[Any]]


@dataclass(frozen=True)
class Rung:
    code: str  # "<app>.<what>" or a plain word; never rename one
    label: str | Promise
    order: int  # higher is further up the ladder
    person_ids: PersonIds


@dataclass(frozen=True)
class RungCount:
    rung: Rung
    at_level: int  # people whose highest rung this is
    reached: int  # people who reached it (whatever their level)


_rungs: dict[str, Rung] = {}
_participation: list[Participation] = []


def register_rung(*, code: str, label: str | Promise, order: int, person_ids: PersonIds) -> Rung:
    """Add (or replace) a rung. ``order`` places it: signed 10, attended 20, volunteered 30,
    hosted 40, leads 50."""
    rung = Rung(code=code, label=label, order=order, person_ids=person_ids)
    _rungs[code] = rung
    return rung


def unregister_rung(code: str) -> None:
    _rungs.pop(code, None)


def rungs() -> list[Rung]:
    """Every rung, lowest first."""
    return sorted(_rungs.values(), key=lambda r: (r.order, r.code))


def register_participation(source: Participation) -> None:
    """Add a way people take part in a campaign: ``source(organization, campaign)`` returns a
    ``values("person_id")`` queryset of the people who did it for ``campaign``."""
    if source not in _participation:
        _participation.append(source)


def campaign_people(organization: Organization, campaign: Campaign) -> QuerySet[Any]:
    """The ids of ``organization``'s people who took part in ``campaign`` in any registered way."""
    match = Q(pk__in=[])
    for source in _participation:
        match |= Q(pk__in=source(organization, campaign))
    return Person.objects.filter(organization=organization).filter(match).values("pk")


def _members(rung: Rung, organization: Organization, campaign: Campaign | None) -> QuerySet[Any]:
    # Wrapped in the person table so the ids are never NULL (``NOT IN`` with a NULL matches nothing).
    return Person.objects.filter(pk__in=rung.person_ids(organization, campaign)).values("pk")


def _aggregates(organization: Organization, campaign: Campaign | None) -> dict[str, Any]:
    ladder = rungs()
    sets = [_members(rung, organization, campaign) for rung in ladder]
    aggregates: dict[str, Any] = {}
    for index in range(len(ladder)):
        reached = Q(pk__in=sets[index])
        at_level = reached
        for higher in sets[index + 1 :]:
            at_level &= ~Q(pk__in=higher)
        aggregates[f"reached_{index}"] = Count("pk", filter=reached)
        aggregates[f"level_{index}"] = Count("pk", filter=at_level)
    return aggregates


def ladder_counts(organization: Organization, campaign: Campaign | None = None) -> list[RungCount]:
    """People per rung, lowest first: how many are at that level, and how many reached it. In
    one query. Call it inside ``organization``'s scope."""
    ladder = rungs()
    if not ladder:
        return []
    totals = Person.objects.filter(organization=organization).aggregate(**_aggregates(organization, campaign))
    return [
        RungCount(rung=rung, at_level=totals[f"level_{i}"] or 0, reached=totals[f"reached_{i}"] or 0)
        for i, rung in enumerate(ladder)
    ]


def person_level(person: Person) -> Rung | None:
    """The highest rung ``person`` reached (None: none yet). One query; call it inside the
    person's organization's scope."""
    ladder = rungs()
    if not ladder:
        return None
    aggregates = {
        f"reached_{i}": Count("pk", filter=Q(pk__in=_members(rung, person.organization, None)))
        for i, rung in enumerate(ladder)
    }
    totals = Person.objects.filter(pk=person.pk).aggregate(**aggregates)
    reached = [rung for i, rung in enumerate(ladder) if totals[f"reached_{i}"]]
    return reached[-1] if reached else None


# --- The rungs the actions app knows ---------------------------------------------------------


def _narrow(ids: QuerySet[Any], organization: Organization, campaign: Campaign | None) -> QuerySet[Any]:
    """A rung whose actions have no campaign: with a campaign, only the campaign's people."""
    if campaign is None:
        return ids
    return ids.filter(person_id__in=campaign_people(organization, campaign))


def attended_ids(organization: Organization, campaign: Campaign | None) -> QuerySet[Any]:
    from .models import RSVP

    ids = RSVP.objects.filter(organization=organization, attended_at__isnull=False).values("person_id")
    return _narrow(ids, organization, campaign)


def volunteered_ids(organization: Organization, campaign: Campaign | None) -> QuerySet[Any]:
    from .models import RSVP, FormSubmission

    shifts = _narrow(
        RSVP.objects.filter(organization=organization, shift__isnull=False, attended_at__isnull=False).values(
            "person_id"
        ),
        organization,
        campaign,
    )
    signups = FormSubmission.objects.filter(organization=organization, form__is_volunteer_signup=True)
    if campaign is not None:
        signups = signups.filter(form__campaign=campaign)
    return (
        Person.objects.filter(organization=organization)
        .filter(Q(pk__in=shifts) | Q(pk__in=signups.values("person_id")))
        .values("pk")
    )


def hosted_ids(organization: Organization, campaign: Campaign | None) -> QuerySet[Any]:
    from .models import Event

    ids = Event.objects.filter(
        organization=organization, host_person__isnull=False, status=Event.Status.PUBLISHED
    ).values("host_person_id")
    if campaign is None:
        return ids
    return ids.filter(host_person_id__in=campaign_people(organization, campaign))


def leads_ids(organization: Organization, campaign: Campaign | None) -> QuerySet[Any]:
    """A current advisory-board seat (the board app: people of the hub), or a commitment the
    person made to a campaign and kept (the campaigns app)."""
    from alianza.board.models import BoardSeat
    from alianza.campaigns.models import Commitment

    today = timezone.localdate()
    seats = BoardSeat.objects.filter(organization=organization, term_start__lte=today, term_end__gte=today).values(
        "person_id"
    )
    kept = Commitment.objects.filter(organization=organization, person__isnull=False, status=Commitment.Status.KEPT)
    if campaign is not None:
        kept = kept.filter(campaign=campaign)
    return (
        Person.objects.filter(organization=organization)
        .filter(Q(pk__in=_narrow(seats, organization, campaign)) | Q(pk__in=kept.values("person_id")))
        .values("pk")
    )


def form_participants(organization: Organization, campaign: Campaign) -> QuerySet[Any]:
    from .models import FormSubmission

    return FormSubmission.objects.filter(organization=organization, form__campaign=campaign).values("person_id")


def commitment_participants(organization: Organization, campaign: Campaign) -> QuerySet[Any]:
    from alianza.campaigns.models import Commitment

    return Commitment.objects.filter(organization=organization, campaign=campaign, person__isnull=False).values(
        "person_id"
    )


def register_builtin() -> None:
    """Called from ``ActionsConfig.ready()``. "signed" is registered by the petitions code."""
    register_rung(code="attended", label=_("Attended"), order=20, person_ids=attended_ids)
    register_rung(code="volunteered", label=_("Volunteered"), order=30, person_ids=volunteered_ids)
    register_rung(code="hosted", label=_("Hosted"), order=40, person_ids=hosted_ids)
    register_rung(code="leads", label=_("Leads"), order=50, person_ids=leads_ids)
    register_participation(form_participants)
    register_participation(commitment_participants)


# --- What the ladder adds to the person's page and the campaign's dashboard ------------------


def ladder_fact(person: Person) -> list[Any]:
    """The person's level, for ``people.panels`` (runs in the person's organization's scope)."""
    from alianza.people.panels import PersonFact

    rung = person_level(person)
    return [
        PersonFact(
            label=str(_("Engagement ladder")),
            value=str(rung.label) if rung else str(_("Not on the ladder yet")),
            detail=" → ".join(str(r.label) for r in rungs()),
        )
    ]


def ladder_panel(campaign: Campaign) -> Any:
    """People per rung for ``campaigns.dashboard`` (runs in the lead organization's scope)."""
    from alianza.campaigns.dashboard import CampaignPanel, PanelRow

    counts = ladder_counts(campaign.organization, campaign)
    return CampaignPanel(
        key="ladder",
        title=str(_("Engagement ladder")),
        columns=(str(_("At this level")), str(_("Reached it"))),
        rows=[PanelRow(label=str(c.rung.label), values=(c.at_level, c.reached)) for c in reversed(counts)],
        note=str(
            _(
                "The lead organization's people who took part in this campaign (its forms, its petitions, "
                "commitments to it), by the highest rung they reached. Counts only, never names."
            )
        ),
    )
