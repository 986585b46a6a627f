"""Staff pages for people's rights over their own data: export a person's data (ZIP), erase a
person, and the queue of requests people confirmed from the public page. All need
``people:subject_requests``; exports and erasures are POST only, never cached, audited."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alianza.core.tenancy import OrgRequest, get_for_org, refuse_when_locked, require_permission

from .erasure import ErasureError, person_erase
from .forms_subject import ConfirmErasureRequestForm, ErasureForm
from .models import Person, SubjectRequest
from .subject_export import SubjectExport, person_export
from .subject_requests import (
    SubjectRequestError,
    subject_request_decline,
    subject_request_erase,
    subject_request_export,
)


def _zip(export: SubjectExport) -> FileResponse:
    return FileResponse(export.file, as_attachment=True, filename=export.filename, content_type="application/zip")


@require_permission("people:subject_requests")
@refuse_when_locked
@never_cache
@require_POST
def person_data_export(request: OrgRequest, person_id: int) -> HttpResponseBase:
    """Everything held about one person, as a ZIP (summary in their language, JSON and CSV)."""
    person: Person = get_for_org(Person, organization=request.organization, pk=person_id)
    return _zip(person_export(person=person, actor=request.user, request=request))


@require_permission("people:subject_requests")
@never_cache
@require_http_methods(["GET", "POST"])
def person_erase_view(request: OrgRequest, person_id: int) -> HttpResponse:
    person: Person = get_for_org(Person, organization=request.organization, pk=person_id)
    form = ErasureForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                result = person_erase(
                    person=person, actor=request.user, reason=form.cleaned_data["reason"], request=request
                )
            except ErasureError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("The record was erased everywhere. Reference for your records: %(tombstone)s")
                    % {"tombstone": result.tombstone},
                )
                return redirect("people:person_list", org=request.organization.slug)
        return render(request, "people/person_erase.html", {"person": person, "form": form}, status=400)
    return render(request, "people/person_erase.html", {"person": person, "form": form})


@require_permission("people:subject_requests")
@require_GET
def subject_request_list(request: OrgRequest) -> HttpResponse:
    requests = list(SubjectRequest.objects.select_related("person", "answered_by").order_by("status", "due_on", "id"))
    context = {
        "open_requests": [r for r in requests if r.status == SubjectRequest.Status.OPEN],
        "answered": [r for r in requests if r.status != SubjectRequest.Status.OPEN][:50],
    }
    return render(request, "people/subject_request_list.html", context)


def _subject_request(request: OrgRequest, request_id: int) -> SubjectRequest:
    return get_for_org(
        SubjectRequest.objects.select_related("person", "answered_by"), organization=request.organization, pk=request_id
    )


@require_permission("people:subject_requests")
@require_GET
def subject_request_detail(request: OrgRequest, request_id: int) -> HttpResponse:
    subject_request = _subject_request(request, request_id)
    return render(
        request,
        "people/subject_request_detail.html",
        {"subject_request": subject_request, "erase_form": ConfirmErasureRequestForm()},
    )


@require_permission("people:subject_requests")
@refuse_when_locked
@never_cache
@require_POST
def subject_request_export_view(request: OrgRequest, request_id: int) -> HttpResponseBase:
    subject_request = _subject_request(request, request_id)
    try:
        export = subject_request_export(subject_request=subject_request, actor=request.user, request=request)
    except SubjectRequestError as exc:
        messages.error(request, str(exc))
        return redirect("people:subject_request_detail", org=request.organization.slug, request_id=subject_request.pk)
    return _zip(export)


@require_permission("people:subject_requests")
@require_POST
def subject_request_erase_view(request: OrgRequest, request_id: int) -> HttpResponse:
    subject_request = _subject_request(request, request_id)
    form = ConfirmErasureRequestForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "people/subject_request_detail.html",
            {"subject_request": subject_request, "erase_form": form},
            status=400,
        )
    try:
        result = subject_request_erase(subject_request=subject_request, actor=request.user, request=request)
    except SubjectRequestError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The person was erased everywhere. Reference for your records: %(tombstone)s")
            % {"tombstone": result.tombstone},
        )
    return redirect("people:subject_request_detail", org=request.organization.slug, request_id=subject_request.pk)


@require_permission("people:subject_requests")
@require_POST
def subject_request_decline_view(request: OrgRequest, request_id: int) -> HttpResponse:
    subject_request = _subject_request(request, request_id)
    try:
        subject_request_decline(subject_request=subject_request, actor=request.user, request=request)
    except SubjectRequestError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The request is closed without action."))
    return redirect("people:subject_request_detail", org=request.organization.slug, request_id=subject_request.pk)
