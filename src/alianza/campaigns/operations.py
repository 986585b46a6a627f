"""Operations on campaigns and what belongs to them: partners and allies, goals, milestones,
victories. Each runs in one transaction, validates, writes one audit event and raises
``CampaignError`` with a translated message. Only the lead organization changes a campaign:
callers pass a campaign fetched with ``get_for_org`` on the lead's own campaigns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope
from i18nfield.strings import LazyI18nString

from alianza.core.audit import diff, log_action
from alianza.core.models import Organization, User

from .models import Ally, Campaign, Goal, IssueArea, Milestone, Victory


class CampaignError(Exception):
    """A change that cannot be made; the message is shown to the user."""


def i18n_languages(value: LazyI18nString | None) -> dict[str, str]:
    """The languages a multilingual text is written in (empty ones dropped)."""
    data = value.data if value is not None else None
    if isinstance(data, dict):
        return {lang: text.strip() for lang, text in data.items() if text and text.strip()}
    return {settings.LANGUAGE_CODE: str(data).strip()} if data and str(data).strip() else {}


def _validation_message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@dataclass
class CampaignInput:
    title: LazyI18nString
    slug: str
    summary: LazyI18nString = field(default_factory=lambda: LazyI18nString({}))
    story: LazyI18nString = field(default_factory=lambda: LazyI18nString({}))
    issue_areas: list[str] = field(default_factory=list)
    level: str = Campaign.Level.LOCAL
    partners: list[Organization] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    starts_on: date | None = None
    ends_on: date | None = None
    status: str = Campaign.Status.PLANNING
    is_public: bool = False


def _issue_areas(names: list[str]) -> list[IssueArea]:
    """The coalition's issue areas with these names, adding the new ones (matched ignoring case)."""
    areas = []
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        if len(name) > 60:
            raise CampaignError(_("An issue area can be at most 60 characters long."))
        area = IssueArea.objects.filter(key=name.casefold()).first()
        if area is None:
            try:
                with transaction.atomic():
                    area = IssueArea.objects.create(name=name)
            except IntegrityError:  # added by someone else at the same moment
                area = IssueArea.objects.get(key=name.casefold())
        areas.append(area)
    return areas


def _snapshot(campaign: Campaign) -> dict[str, Any]:
    return {
        "slug": campaign.slug,
        "title": i18n_languages(campaign.title),
        "summary": i18n_languages(campaign.summary),
        "story": i18n_languages(campaign.story),
        "level": campaign.level,
        "targets": list(campaign.targets),
        "starts_on": campaign.starts_on.isoformat() if campaign.starts_on else None,
        "ends_on": campaign.ends_on.isoformat() if campaign.ends_on else None,
        "status": campaign.status,
        "is_public": campaign.is_public,
        "issue_areas": sorted(a.name for a in campaign.issue_areas.all()) if campaign.pk else [],
        "partners": sorted(p.slug for p in campaign.partners.all()) if campaign.pk else [],
    }


def _apply(campaign: Campaign, data: CampaignInput) -> None:
    if not i18n_languages(data.title):
        raise CampaignError(_("Write the title in at least one language."))
    partners = list(dict.fromkeys(data.partners))
    if any(p.pk == campaign.organization_id for p in partners):
        raise CampaignError(_("The lead organization cannot also be a partner."))
    if any(p.status != Organization.Status.ACTIVE for p in partners):
        raise CampaignError(_("Choose partners among the organizations active in the network."))
    campaign.slug = data.slug.strip().lower()
    campaign.title = LazyI18nString(i18n_languages(data.title))
    campaign.summary = LazyI18nString(i18n_languages(data.summary))
    campaign.story = LazyI18nString(i18n_languages(data.story))
    campaign.level = data.level
    campaign.targets = [t.strip() for t in data.targets if t.strip()]
    campaign.starts_on = data.starts_on or timezone.localdate()
    campaign.ends_on = data.ends_on
    campaign.status = data.status
    campaign.is_public = data.is_public
    campaign.updated_at = timezone.now()
    # Web addresses are unique across all organizations, beyond the scope the model's checks see.
    if campaign.slug and Campaign._base_manager.filter(slug=campaign.slug).exclude(pk=campaign.pk).exists():
        raise CampaignError(_("Another campaign already uses this web address: choose another."))
    try:
        campaign.full_clean()
    except ValidationError as exc:
        raise CampaignError(_validation_message(exc)) from None
    campaign.save()
    campaign.issue_areas.set(_issue_areas(data.issue_areas))
    campaign.partners.set(partners)


def campaign_create(
    *, organization: Organization, actor: User, data: CampaignInput, request: HttpRequest | None = None
) -> Campaign:
    """A new campaign led by ``organization``."""
    with transaction.atomic(), scope(organization=organization):
        campaign = Campaign(organization=organization, created_by=actor)
        _apply(campaign, data)
        log_action(
            actor=actor,
            organization=organization,
            action="campaigns.campaign.created",
            obj=campaign,
            data={"fields": sorted(diff({}, _snapshot(campaign)))},
            request=request,
        )
    return campaign


def campaign_update(
    *, campaign: Campaign, actor: User, data: CampaignInput, request: HttpRequest | None = None
) -> Campaign:
    with transaction.atomic(), scope(organization=campaign.organization):
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        before = _snapshot(campaign)
        _apply(campaign, data)
        changes = diff(before, _snapshot(campaign))
        if changes:
            log_action(
                actor=actor,
                organization=campaign.organization,
                action="campaigns.campaign.updated",
                obj=campaign,
                data={"changes": changes},
                request=request,
            )
    return campaign


def ally_add(*, campaign: Campaign, actor: User, name: str, url: str = "", request: HttpRequest | None = None) -> Ally:
    """A partner outside the network (a cross-movement ally): a name and a link, no account."""
    with transaction.atomic(), scope(organization=campaign.organization):
        ally = Ally(organization=campaign.organization, campaign=campaign, name=name.strip(), url=url.strip())
        try:
            ally.full_clean()
        except ValidationError as exc:
            raise CampaignError(_validation_message(exc)) from None
        if Ally.objects.filter(campaign=campaign, name__iexact=ally.name).exists():
            raise CampaignError(_("This ally is already listed."))
        ally.save()
        log_action(
            actor=actor,
            organization=campaign.organization,
            action="campaigns.ally.added",
            obj=ally,
            data={"campaign": campaign.pk, "name": ally.name, "url": ally.url},
            request=request,
        )
    return ally


def ally_remove(*, ally: Ally, actor: User, request: HttpRequest | None = None) -> None:
    with transaction.atomic(), scope(organization=ally.organization):
        log_action(
            actor=actor,
            organization=ally.organization,
            action="campaigns.ally.removed",
            obj=ally,
            data={"campaign": ally.campaign_id, "name": ally.name},
            request=request,
        )
        ally.delete()


def goal_create(
    *,
    campaign: Campaign,
    actor: User,
    title: str,
    kind: str,
    target_value: int | None = None,
    request: HttpRequest | None = None,
) -> Goal:
    with transaction.atomic(), scope(organization=campaign.organization):
        goal = Goal(
            organization=campaign.organization,
            campaign=campaign,
            title=title.strip(),
            kind=kind,
            target_value=target_value if kind == Goal.Kind.NUMBER else None,
        )
        try:
            goal.full_clean()
        except ValidationError as exc:
            raise CampaignError(_validation_message(exc)) from None
        goal.save()
        log_action(
            actor=actor,
            organization=campaign.organization,
            action="campaigns.goal.created",
            obj=goal,
            data={"campaign": campaign.pk, "kind": goal.kind, "target": goal.target_value},
            request=request,
        )
    return goal


def goal_record_progress(
    *,
    goal: Goal,
    actor: User,
    current_value: int | None = None,
    met: bool | None = None,
    request: HttpRequest | None = None,
) -> Goal:
    """Staff update a goal: the number reached so far, or whether a yes/no goal is done."""
    with transaction.atomic(), scope(organization=goal.organization):
        goal = Goal.objects.select_for_update().get(pk=goal.pk)
        before = {"current": goal.current_value, "met": goal.is_met}
        if goal.kind == Goal.Kind.NUMBER:
            if current_value is None or current_value < 0:
                raise CampaignError(_("Enter the number reached so far (0 or more)."))
            goal.current_value = current_value
            reached = goal.is_met
        else:
            if met is None:
                raise CampaignError(_("Say whether the goal is reached."))
            reached = met
        if reached and goal.achieved_at is None:
            goal.achieved_at = timezone.now()
        elif not reached:
            goal.achieved_at = None
        goal.save(update_fields=["current_value", "achieved_at"])
        after = {"current": goal.current_value, "met": goal.is_met}
        if before != after:
            log_action(
                actor=actor,
                organization=goal.organization,
                action="campaigns.goal.progressed",
                obj=goal,
                data={"changes": diff(before, after)},
                request=request,
            )
    return goal


def milestone_create(
    *, campaign: Campaign, actor: User, title: str, due_on: date, request: HttpRequest | None = None
) -> Milestone:
    with transaction.atomic(), scope(organization=campaign.organization):
        milestone = Milestone(organization=campaign.organization, campaign=campaign, title=title.strip(), due_on=due_on)
        try:
            milestone.full_clean()
        except ValidationError as exc:
            raise CampaignError(_validation_message(exc)) from None
        milestone.save()
        log_action(
            actor=actor,
            organization=campaign.organization,
            action="campaigns.milestone.created",
            obj=milestone,
            data={"campaign": campaign.pk, "date": due_on.isoformat()},
            request=request,
        )
    return milestone


def milestone_set_done(
    *, milestone: Milestone, actor: User, done: bool, request: HttpRequest | None = None
) -> Milestone:
    with transaction.atomic(), scope(organization=milestone.organization):
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone.is_done == done:
            return milestone
        milestone.done_at = timezone.now() if done else None
        milestone.save(update_fields=["done_at"])
        log_action(
            actor=actor,
            organization=milestone.organization,
            action="campaigns.milestone.done" if done else "campaigns.milestone.reopened",
            obj=milestone,
            data={"campaign": milestone.campaign_id},
            request=request,
        )
    return milestone


def victory_record(
    *,
    campaign: Campaign,
    actor: User,
    won_on: date,
    title: LazyI18nString,
    description: LazyI18nString | None = None,
    evidence_url: str = "",
    request: HttpRequest | None = None,
) -> Victory:
    """Add a win to the coalition's record. Shown on the public pages when the campaign is public."""
    if not i18n_languages(title):
        raise CampaignError(_("Say what was won, in at least one language."))
    if won_on > timezone.localdate():
        raise CampaignError(_("A victory cannot be in the future."))
    with transaction.atomic(), scope(organization=campaign.organization):
        victory = Victory(
            organization=campaign.organization,
            campaign=campaign,
            won_on=won_on,
            title=LazyI18nString(i18n_languages(title)),
            description=LazyI18nString(i18n_languages(description)),
            evidence_url=evidence_url.strip(),
            recorded_by=actor,
        )
        try:
            victory.full_clean()
        except ValidationError as exc:
            raise CampaignError(_validation_message(exc)) from None
        victory.save()
        log_action(
            actor=actor,
            organization=campaign.organization,
            action="campaigns.victory.recorded",
            obj=victory,
            data={"campaign": campaign.pk, "date": won_on.isoformat(), "evidence": victory.evidence_url},
            request=request,
        )
    return victory
