"""Downloads of people as CSV or Excel: a segment, a static list, or the current search.
POST only (an export is a deliberate, audited act), never cached."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from alianza.core.tenancy import OrgRequest, get_for_org, refuse_when_locked, require_permission

from .exporting import people_export
from .forms_segments import ExportForm
from .models import PeopleList, Person, Segment
from .operations import PeopleError
from .queries import people_search
from .segments import segment_people


def _download(
    request: OrgRequest, form: ExportForm, *, people: QuerySet[Person], source: str, obj: Model | None
) -> HttpResponseBase:
    try:
        export = people_export(
            organization=request.organization,
            actor=request.user,
            people=people,
            file_format=form.cleaned_data["file_format"],
            source=source,
            obj=obj,
            request=request,
        )
    except PeopleError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    return FileResponse(export.file, as_attachment=True, filename=export.filename, content_type=export.content_type)


def _bad_request() -> HttpResponse:
    return HttpResponse(_("Choose CSV or Excel."), status=400, content_type="text/plain; charset=utf-8")


@require_permission("people:export")
@refuse_when_locked
@never_cache
@require_POST
def search_export(request: OrgRequest) -> HttpResponseBase:
    """The people of the current search (``q``; empty: everybody of the organization)."""
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _bad_request()
    return _download(request, form, people=people_search(form.cleaned_data["q"]), source="search", obj=None)


@require_permission("people:export")
@refuse_when_locked
@never_cache
@require_POST
def list_export(request: OrgRequest, list_id: int) -> HttpResponseBase:
    people_list: PeopleList = get_for_org(PeopleList, organization=request.organization, pk=list_id)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _bad_request()
    return _download(request, form, people=people_list.people.all(), source="list", obj=people_list)


@require_permission("people:export")
@refuse_when_locked
@never_cache
@require_POST
def segment_export(request: OrgRequest, segment_id: int) -> HttpResponseBase:
    segment: Segment = get_for_org(Segment, organization=request.organization, pk=segment_id)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _bad_request()
    try:
        people = segment_people(segment)
    except PeopleError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    return _download(request, form, people=people, source="segment", obj=segment)
