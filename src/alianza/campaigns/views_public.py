"""Public campaign pages: no account, no JavaScript, nothing from another host. Only public
campaigns exist here (anything else is a 404), shown in the visitor's language with the
coalition's default language as the fallback. Commitments are never shown publicly."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .open_actions import campaign_open_actions
from .queries import public_campaign, public_campaigns, public_victories


@require_GET
def public_campaign_list(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/public_campaign_list.html", {"campaigns": public_campaigns()})


@require_GET
def public_campaign_view(request: HttpRequest, slug: str) -> HttpResponse:
    overview = public_campaign(slug)
    if overview is None:
        raise Http404
    context = {
        "overview": overview,
        "campaign": overview.campaign,
        "actions": campaign_open_actions(overview.campaign),
    }
    return render(request, "campaigns/public_campaign.html", context)


@require_GET
def public_victory_list(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/public_victories.html", {"victories": public_victories()})
