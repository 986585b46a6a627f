"""Staff pages of petitions and letters to officials: the list of both, creating and editing,
opening and closing, a petition with its count and signers, a letter campaign with its letters,
and the deliverables (PDF, CSV; audited). Each view names its one permission and fetches
objects with ``get_for_org``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alianza.core.tenancy import OrgRequest, get_for_org, has_permission, refuse_when_locked, require_permission

from .forms_petitions import LetterCampaignForm, PetitionForm, StatusForm
from .letters import letter_campaign_save, letter_campaign_set_status, letters_export
from .models import ActionStatus, Letter, LetterCampaign, Petition, Signature
from .petitions import Deliverable, PetitionError, petition_export, petition_save, petition_set_status

SIGNERS_SHOWN = 500


def _locales(request: OrgRequest) -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code in {"en", "es", *request.organization.languages}]


def _petition(request: OrgRequest, petition_pk: int) -> Petition:
    return get_for_org(Petition, organization=request.organization, pk=petition_pk)


def _letters(request: OrgRequest, letter_pk: int) -> LetterCampaign:
    return get_for_org(LetterCampaign, organization=request.organization, pk=letter_pk)


def _next_statuses(status: str) -> list[tuple[str, str]]:
    labels = {
        ActionStatus.OPEN: _("Open for signatures") if status == ActionStatus.DRAFT else _("Reopen"),
        ActionStatus.CLOSED: _("Close"),
        ActionStatus.DRAFT: _("Back to draft"),
    }
    allowed = {
        ActionStatus.DRAFT: [ActionStatus.OPEN],
        ActionStatus.OPEN: [ActionStatus.CLOSED, ActionStatus.DRAFT],
        ActionStatus.CLOSED: [ActionStatus.OPEN],
    }
    return [(str(to), str(labels[to])) for to in allowed[ActionStatus(status)]]


def _download(deliverable: Deliverable) -> HttpResponse:
    response = HttpResponse(deliverable.content, content_type=deliverable.content_type)
    response["Content-Disposition"] = f'attachment; filename="{deliverable.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_permission("actions:view")
@require_GET
def petition_list(request: OrgRequest) -> HttpResponse:
    context = {
        "petitions": list(Petition.objects.select_related("campaign").order_by("-created_at", "-id")),
        "letter_campaigns": list(
            LetterCampaign.objects.annotate(letter_total=Count("letters")).order_by("-created_at", "-id")
        ),
        "can_edit": has_permission(request, "actions:edit"),
    }
    return render(request, "actions/petition_list.html", context)


def _form_page(request: OrgRequest, template: str, form: object, obj: object) -> HttpResponse:
    errors = getattr(form, "errors", None)
    return render(request, template, {"form": form, "object": obj}, status=400 if errors else 200)


@require_permission("actions:edit")
@require_http_methods(["GET", "POST"])
def petition_new(request: OrgRequest) -> HttpResponse:
    return _petition_form(request, Petition(organization=request.organization))


@require_permission("actions:edit")
@require_http_methods(["GET", "POST"])
def petition_edit(request: OrgRequest, petition_pk: int) -> HttpResponse:
    return _petition_form(request, _petition(request, petition_pk))


def _petition_form(request: OrgRequest, petition: Petition) -> HttpResponse:
    existing = petition.pk is not None
    kwargs: dict[str, Any] = {"instance": petition, "locales": _locales(request), "organization": request.organization}
    if request.method != "POST":
        return _form_page(request, "actions/petition_form.html", PetitionForm(**kwargs), petition if existing else None)
    form = PetitionForm(request.POST, **kwargs)
    if form.is_valid():
        try:
            petition = petition_save(petition=form.save(commit=False), actor=request.user, request=request)
        except PetitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Petition saved.") if existing else _("Petition saved as a draft."))
            return redirect(petition.get_absolute_url())
    return _form_page(request, "actions/petition_form.html", form, petition if existing else None)


@require_permission("actions:view")
@require_GET
def petition_detail(request: OrgRequest, petition_pk: int) -> HttpResponse:
    petition = _petition(request, petition_pk)
    signatures = Signature.objects.filter(petition=petition)
    context = {
        "petition": petition,
        "signatures": list(signatures.select_related("person").order_by("-created_at", "-id")[:SIGNERS_SHOWN]),
        "shown": signatures.filter(show_name=True, person__isnull=False).count(),
        "total": signatures.count(),
        "limit": SIGNERS_SHOWN,
        "public_url": request.build_absolute_uri(petition.get_public_url()),
        "can_edit": has_permission(request, "actions:edit"),
        "can_export": has_permission(request, "actions:export"),
        "statuses": _next_statuses(petition.status),
    }
    return render(request, "actions/petition_detail.html", context)


@require_permission("actions:edit")
@require_POST
def petition_status(request: OrgRequest, petition_pk: int) -> HttpResponse:
    petition = _petition(request, petition_pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    petition = petition_set_status(
        petition=petition, actor=request.user, status=form.cleaned_data["status"], request=request
    )
    messages.success(request, _("The petition is now: %(status)s.") % {"status": petition.get_status_display()})
    return redirect(petition.get_absolute_url())


@require_permission("actions:export")
@refuse_when_locked
@require_GET
def petition_export_view(request: OrgRequest, petition_pk: int, file_format: str) -> HttpResponse:
    petition = _petition(request, petition_pk)
    return _download(petition_export(petition=petition, actor=request.user, file_format=file_format, request=request))


@require_permission("actions:edit")
@require_http_methods(["GET", "POST"])
def letter_new(request: OrgRequest) -> HttpResponse:
    return _letter_form(request, LetterCampaign(organization=request.organization))


@require_permission("actions:edit")
@require_http_methods(["GET", "POST"])
def letter_edit(request: OrgRequest, letter_pk: int) -> HttpResponse:
    return _letter_form(request, _letters(request, letter_pk))


def _letter_form(request: OrgRequest, letter_campaign: LetterCampaign) -> HttpResponse:
    existing = letter_campaign.pk is not None
    kwargs: dict[str, Any] = {
        "instance": letter_campaign,
        "locales": _locales(request),
        "organization": request.organization,
    }
    obj = letter_campaign if existing else None
    if request.method != "POST":
        return _form_page(request, "actions/letter_form.html", LetterCampaignForm(**kwargs), obj)
    form = LetterCampaignForm(request.POST, **kwargs)
    if form.is_valid():
        try:
            letter_campaign = letter_campaign_save(
                letter_campaign=form.save(commit=False), actor=request.user, request=request
            )
        except PetitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Letter saved.") if existing else _("Letter saved as a draft."))
            return redirect(letter_campaign.get_absolute_url())
    return _form_page(request, "actions/letter_form.html", form, obj)


@require_permission("actions:view")
@require_GET
def letter_detail(request: OrgRequest, letter_pk: int) -> HttpResponse:
    letter_campaign = _letters(request, letter_pk)
    letters = Letter.objects.filter(letter_campaign=letter_campaign)
    counts = dict(letters.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    context = {
        "letters": letter_campaign,
        "letter_list": list(letters.select_related("person").order_by("-created_at", "-id")[:SIGNERS_SHOWN]),
        "counts": {status: counts.get(status, 0) for status in Letter.Status.values},
        "total": sum(counts.values()),
        "limit": SIGNERS_SHOWN,
        "public_url": request.build_absolute_uri(letter_campaign.get_public_url()),
        "can_edit": has_permission(request, "actions:edit"),
        "can_export": has_permission(request, "actions:export"),
        "statuses": _next_statuses(letter_campaign.status),
    }
    return render(request, "actions/letter_detail.html", context)


@require_permission("actions:edit")
@require_POST
def letter_status(request: OrgRequest, letter_pk: int) -> HttpResponse:
    letter_campaign = _letters(request, letter_pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    letter_campaign = letter_campaign_set_status(
        letter_campaign=letter_campaign, actor=request.user, status=form.cleaned_data["status"], request=request
    )
    messages.success(request, _("The letter is now: %(status)s.") % {"status": letter_campaign.get_status_display()})
    return redirect(letter_campaign.get_absolute_url())


@require_permission("actions:export")
@refuse_when_locked
@require_GET
def letter_export_view(request: OrgRequest, letter_pk: int, file_format: str) -> HttpResponse:
    letter_campaign = _letters(request, letter_pk)
    return _download(
        letters_export(letter_campaign=letter_campaign, actor=request.user, file_format=file_format, request=request)
    )
