"""Staff pages for campaigns. Reads go through ``access.campaign_get_for_actor`` (the lead, or
a partner read-only); writes fetch the lead's own campaign with ``get_for_org`` (a partner's
attempt is a 404) and call one operation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alianza.core.tenancy import OrgRequest, get_for_org, has_permission, require_permission

from .access import campaign_get_for_actor, campaigns_visible_to
from .commitments import (
    accountability,
    accountability_by_maker,
    campaign_commitments,
    commitment_create,
    commitment_makers,
    commitment_set_status,
    organization_commitments,
)
from .dashboard import campaign_panels
from .forms import (
    AllyForm,
    CampaignForm,
    CommitmentForm,
    CommitmentStatusForm,
    GoalForm,
    GoalProgressForm,
    MilestoneDoneForm,
    MilestoneForm,
    VictoryForm,
)
from .models import Ally, Campaign, Commitment, Goal, Milestone
from .operations import (
    CampaignError,
    ally_add,
    ally_remove,
    campaign_create,
    campaign_update,
    goal_create,
    goal_record_progress,
    milestone_create,
    milestone_set_done,
    victory_record,
)
from .queries import campaign_overview, person_by_email, victories_visible_to


def _locales(request: OrgRequest) -> list[str]:
    # English, Spanish and the organization's own languages, as on the organization profile.
    return [code for code, _name in settings.LANGUAGES if code in {"en", "es", *request.organization.languages}]


def _own_campaign(request: OrgRequest, campaign_id: int) -> Campaign:
    """The lead's own campaign, for a change: partners see campaigns read-only (404 here)."""
    queryset = Campaign.objects.select_related("organization")
    return get_for_org(queryset, organization=request.organization, pk=campaign_id)


def _back(campaign: Campaign, request: OrgRequest, anchor: str = "") -> HttpResponse:
    return redirect(campaign.get_absolute_url() + anchor)


@require_permission("campaigns:view")
@require_GET
def campaign_list(request: OrgRequest) -> HttpResponse:
    return render(request, "campaigns/campaign_list.html", {"campaigns": campaigns_visible_to(request.organization)})


@require_permission("campaigns:edit")
@require_http_methods(["GET", "POST"])
def campaign_new(request: OrgRequest) -> HttpResponse:
    form = CampaignForm(
        request.POST if request.method == "POST" else None,
        organization=request.organization,
        locales=_locales(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_create(
                organization=request.organization, actor=request.user, data=form.to_input(), request=request
            )
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The campaign is created."))
            return redirect(campaign.get_absolute_url())
    context = {"form": form, "campaign": None}
    return render(request, "campaigns/campaign_form.html", context, status=400 if form.errors else 200)


@require_permission("campaigns:view")
@require_GET
def campaign_detail(request: OrgRequest, campaign_id: int) -> HttpResponse:
    access = campaign_get_for_actor(organization=request.organization, campaign_id=campaign_id)
    overview = campaign_overview(access.campaign)
    commitments = campaign_commitments(access.campaign)
    context = {
        "access": access,
        "campaign": access.campaign,
        "overview": overview,
        "summary": accountability(commitments),
        "can_edit": access.is_lead and has_permission(request, "campaigns:edit"),
        "ally_form": AllyForm(),
        "panels": campaign_panels(access.campaign),
    }
    return render(request, "campaigns/campaign_detail.html", context)


@require_permission("campaigns:edit")
@require_http_methods(["GET", "POST"])
def campaign_edit(request: OrgRequest, campaign_id: int) -> HttpResponse:
    campaign = _own_campaign(request, campaign_id)
    form = CampaignForm(
        request.POST if request.method == "POST" else None,
        instance=campaign,
        organization=request.organization,
        locales=_locales(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign_update(campaign=campaign, actor=request.user, data=form.to_input(), request=request)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect(campaign.get_absolute_url())
    context = {"form": form, "campaign": campaign}
    return render(request, "campaigns/campaign_form.html", context, status=400 if form.errors else 200)


def _item_form_page(
    request: OrgRequest, campaign: Campaign, form: object, *, title: str, intro: str = ""
) -> HttpResponse:
    context = {"form": form, "campaign": campaign, "title": title, "intro": intro}
    return render(request, "campaigns/item_form.html", context, status=400 if getattr(form, "errors", None) else 200)


@require_permission("campaigns:edit")
@require_POST
def ally_new(request: OrgRequest, campaign_id: int) -> HttpResponse:
    campaign = _own_campaign(request, campaign_id)
    form = AllyForm(request.POST)
    if form.is_valid():
        try:
            ally_add(
                campaign=campaign,
                actor=request.user,
                name=form.cleaned_data["name"],
                url=form.cleaned_data["url"],
                request=request,
            )
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The ally is added."))
            return _back(campaign, request, "#partners")
    return _item_form_page(request, campaign, form, title=_("Add an ally outside the network"))


@require_permission("campaigns:edit")
@require_POST
def ally_remove_view(request: OrgRequest, campaign_id: int, ally_id: int) -> HttpResponse:
    campaign = _own_campaign(request, campaign_id)
    ally: Ally = get_for_org(Ally.objects.filter(campaign=campaign), organization=request.organization, pk=ally_id)
    ally_remove(ally=ally, actor=request.user, request=request)
    messages.success(request, _("The ally is removed from this campaign."))
    return _back(campaign, request, "#partners")


@require_permission("campaigns:edit")
@require_http_methods(["GET", "POST"])
def goal_new(request: OrgRequest, campaign_id: int) -> HttpResponse:
    campaign = _own_campaign(request, campaign_id)
    form = GoalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            goal_create(
                campaign=campaign,
                actor=request.user,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                target_value=form.cleaned_data["target_value"],
                request=request,
            )
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The goal is added."))
            return _back(campaign, request, "#goals")
    return _item_form_page(request, campaign, form, title=_("Add a goal"))


@require_permission("campaigns:edit")
@require_POST
def goal_progress(request: OrgRequest, campaign_id: int, goal_id: int) -> HttpResponse:
    campaign = _own_campaign(request, campaign_id)
    goal: Goal = get_for_org(Goal.objects.filter(campaign=campaign), organization=request.organization, pk=goal_id)
    form = GoalProgressForm(request.POST)
    if form.is_valid():
        try:
            goal_record_progress(
                goal=goal,
                actor=request.user,
                current_value=form.cleaned_data["current_value"],
                met=form.cleaned_data["met"] if goal.kind == Goal.Kind.YES_NO else None,
                request=request,
            )
        except CampaignError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Progress saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return _back(campaign, request, "#goals")


@require_permission("campaigns:edit")
@require_http_methods(["GET", "POST"])
def milestone_new(request: OrgRequest, campaign_id: int) -> HttpResponse:
    campaign = _own_campaign(request, campaign_id)
    form = MilestoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            milestone_create(
                campaign=campaign,
                actor=request.user,
                title=form.cleaned_data["title"],
                due_on=form.cleaned_data["due_on"],
                request=request,
            )
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The milestone is added."))
            return _back(campaign, request, "#milestones")
    return _item_form_page(request, campaign, form, title=_("Add a milestone"))


@require_permission("campaigns:edit")
@require_POST
def milestone_done(request: OrgRequest, campaign_id: int, milestone_id: int) -> HttpResponse:
    campaign = _own_campaign(request, campaign_id)
    milestone: Milestone = get_for_org(
        Milestone.objects.filter(campaign=campaign), organization=request.organization, pk=milestone_id
    )
    form = MilestoneDoneForm(request.POST)
    done = form.is_valid() and form.cleaned_data["done"]
    milestone_set_done(milestone=milestone, actor=request.user, done=done, request=request)
    messages.success(request, _("Milestone marked done.") if done else _("Milestone marked not done."))
    return _back(campaign, request, "#milestones")


@require_permission("campaigns:edit")
@require_http_methods(["GET", "POST"])
def victory_new(request: OrgRequest, campaign_id: int) -> HttpResponse:
    campaign = _own_campaign(request, campaign_id)
    form = VictoryForm(request.POST if request.method == "POST" else None, locales=_locales(request))
    if request.method == "POST" and form.is_valid():
        try:
            victory_record(
                campaign=campaign,
                actor=request.user,
                won_on=form.cleaned_data["won_on"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                evidence_url=form.cleaned_data["evidence_url"],
                request=request,
            )
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The victory is on the record. Congratulations!"))
            return _back(campaign, request, "#victories")
    intro = _("Write what was won in each language you can; public pages show it to every visitor.")
    return _item_form_page(request, campaign, form, title=_("Record a victory"), intro=intro)


@require_permission("campaigns:edit")
@require_http_methods(["GET", "POST"])
def commitment_new(request: OrgRequest, campaign_id: int) -> HttpResponse:
    campaign = _own_campaign(request, campaign_id)
    form = CommitmentForm(request.POST if request.method == "POST" else None, makers=commitment_makers(campaign))
    if request.method == "POST" and form.is_valid():
        person = None
        if form.cleaned_data["person_email"]:
            person = person_by_email(organization=request.organization, email=form.cleaned_data["person_email"])
            if person is None:
                form.add_error("person_email", _("Nobody in your contacts has this e-mail address."))
        if not form.errors:
            try:
                commitment_create(
                    campaign=campaign,
                    actor=request.user,
                    task=form.cleaned_data["task"],
                    due_on=form.cleaned_data["due_on"],
                    committed_organization=form.cleaned_data["committed_organization"],
                    person=person,
                    request=request,
                )
            except CampaignError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The commitment is recorded."))
                return redirect(
                    "campaigns:campaign_accountability", org=request.organization.slug, campaign_id=campaign.pk
                )
    intro = _("Reminders go by e-mail before the due date: to the organization's admins, or to the person.")
    return _item_form_page(request, campaign, form, title=_("Record a commitment"), intro=intro)


@require_permission("campaigns:edit")
@require_POST
def commitment_status(request: OrgRequest, campaign_id: int, commitment_id: int) -> HttpResponse:
    campaign = _own_campaign(request, campaign_id)
    commitment: Commitment = get_for_org(
        Commitment.objects.filter(campaign=campaign), organization=request.organization, pk=commitment_id
    )
    form = CommitmentStatusForm(request.POST)
    if form.is_valid():
        commitment_set_status(
            commitment=commitment, actor=request.user, status=form.cleaned_data["status"], request=request
        )
        messages.success(request, _("Status saved."))
    else:
        messages.error(request, _("Choose a status from the list."))
    return redirect("campaigns:campaign_accountability", org=request.organization.slug, campaign_id=campaign.pk)


@require_permission("campaigns:view")
@require_GET
def campaign_accountability(request: OrgRequest, campaign_id: int) -> HttpResponse:
    access = campaign_get_for_actor(organization=request.organization, campaign_id=campaign_id)
    commitments = campaign_commitments(access.campaign)
    context = {
        "access": access,
        "campaign": access.campaign,
        "summary": accountability(commitments),
        "by_maker": accountability_by_maker(commitments),
        "can_edit": access.is_lead and has_permission(request, "campaigns:edit"),
        "status_choices": Commitment.Status.choices,
        "not_lead": not access.is_lead,
    }
    return render(request, "campaigns/accountability.html", context)


@require_permission("campaigns:view")
@require_GET
def organization_commitments_view(request: OrgRequest) -> HttpResponse:
    commitments = organization_commitments(request.organization)
    context = {"summary": accountability(commitments)}
    return render(request, "campaigns/organization_commitments.html", context)


@require_permission("campaigns:view")
@require_GET
def victory_list(request: OrgRequest) -> HttpResponse:
    return render(request, "campaigns/victory_list.html", {"victories": victories_visible_to(request.organization)})
