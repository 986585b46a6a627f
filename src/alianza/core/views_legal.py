"""Staff pages of the hub: legal requests for data, and the yearly transparency report
(docs/legal-process.md). They exist in the hub only: in any other organization they answer 404."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .forms import LegalRequestForm
from .legal import FIELDS, OUTCOMES, LegalError, legal_request_create, legal_request_update, transparency_report
from .models import LegalRequest
from .tenancy import OrgRequest, get_for_org, refuse_when_locked, require_hub_permission

PERMISSION = "legal:manage"


@require_hub_permission(PERMISSION)
@require_GET
def legal_request_list(request: OrgRequest) -> HttpResponse:
    requests = LegalRequest.objects.select_related("recorded_by")
    return render(request, "core/legal_request_list.html", {"legal_requests": requests})


@require_hub_permission(PERMISSION)
@require_http_methods(["GET", "POST"])
def legal_request_create_view(request: OrgRequest) -> HttpResponse:
    form = LegalRequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            legal_request_create(
                organization=request.organization,
                actor=request.user,
                data={name: form.cleaned_data[name] for name in FIELDS},
                request=request,
            )
        except LegalError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Legal request recorded."))
            return redirect("core:legal_request_list", org=request.organization.slug)
    return render(
        request,
        "core/legal_request_form.html",
        {"form": form, "legal_request": None},
        status=400 if form.errors else 200,
    )


@require_hub_permission(PERMISSION)
@require_http_methods(["GET", "POST"])
def legal_request_edit(request: OrgRequest, legal_request_id: int) -> HttpResponse:
    legal_request = get_for_org(LegalRequest, organization=request.organization, pk=legal_request_id)
    # The form works on a copy, so a rejected change never shows up as if it were saved.
    form = LegalRequestForm(request.POST or None, instance=LegalRequest.objects.get(pk=legal_request.pk))
    if request.method == "POST" and form.is_valid():
        try:
            legal_request_update(
                legal_request=legal_request,
                actor=request.user,
                changes={name: form.cleaned_data[name] for name in FIELDS},
                request=request,
            )
        except LegalError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("core:legal_request_list", org=request.organization.slug)
    return render(
        request,
        "core/legal_request_form.html",
        {"form": form, "legal_request": legal_request},
        status=400 if form.errors else 200,
    )


def _year(request: OrgRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 1990 <= year <= timezone.localdate().year else timezone.localdate().year


@require_hub_permission(PERMISSION)
@require_GET
def transparency(request: OrgRequest) -> HttpResponse:
    report = transparency_report(organization=request.organization, year=_year(request))
    return render(request, "core/legal_transparency.html", {"report": report})


@require_hub_permission(PERMISSION)
@refuse_when_locked  # a download, like every export: refused while the hub is locked down
@require_GET
def transparency_csv(request: OrgRequest) -> HttpResponse:
    report = transparency_report(organization=request.organization, year=_year(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="transparency-report-{report.year}.csv"'
    writer = csv.writer(response)
    labels = dict(report.outcome_labels)
    writer.writerow([_("Year"), _("Kind of request"), *(labels[s] for s in OUTCOMES), _("Total")])
    for row in report.rows:
        writer.writerow([report.year, row.label, *(row.by_outcome[s] for s in OUTCOMES), row.total])
    writer.writerow([report.year, _("All requests"), *(report.totals[s] for s in OUTCOMES), report.total])
    return response
