"""Staff pages for saved segments: the segments, the filter builder with its live count, a
segment's people. Writes go through ``segments.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alianza.core.read_audit import log_read
from alianza.core.tenancy import OrgRequest, get_for_org, require_permission

from .forms_segments import SegmentFilterForm, SegmentForm
from .models import CustomField, PeopleList, Segment, Tag
from .segments import (
    SegmentError,
    SegmentFilters,
    SegmentInput,
    people_matching,
    segment_create,
    segment_delete,
    segment_people,
    segment_update,
    with_contact_points,
)

PAGE_SIZE = 50


def _names(request: OrgRequest) -> dict[str, Any]:
    return {
        "tag_names": dict(Tag.objects.filter(organization=request.organization).values_list("pk", "name")),
        "list_names": dict(PeopleList.objects.filter(organization=request.organization).values_list("pk", "name")),
        "fields": {f.key: f for f in CustomField.objects.filter(organization=request.organization)},
    }


def _filters_of(segment: Segment) -> SegmentFilters | None:
    try:
        return SegmentFilters.from_json(segment.filters)
    except SegmentError:
        return None


@require_permission("people:view")
@require_GET
def segment_list(request: OrgRequest) -> HttpResponse:
    names = _names(request)
    segments = []
    for segment in Segment.objects.select_related("created_by"):
        filters = _filters_of(segment)
        described = filters.describe(**names) if filters else [_("These filters cannot be read.")]
        segments.append((segment, described))
    return render(request, "people/segment_list.html", {"segments": segments})


def _builder(request: OrgRequest, segment: Segment | None) -> HttpResponse:
    """The builder: "Count" re-renders with the number of people (without JavaScript; htmx
    asks ``segment_count`` on every change), "Save" creates or updates the segment."""
    if request.method == "POST":
        form = SegmentForm(request.POST, organization=request.organization)
        counting = "count" in request.POST
        if counting:
            form.fields["name"].required = False
        if form.is_valid() and not counting:
            data = SegmentInput(name=form.cleaned_data["name"], filters=form.to_filters())
            try:
                if segment is None:
                    segment = segment_create(
                        organization=request.organization, actor=request.user, data=data, request=request
                    )
                else:
                    segment = segment_update(segment=segment, actor=request.user, data=data, request=request)
            except SegmentError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The segment was saved."))
                return redirect(segment.get_absolute_url())
        count = _count(request, form)
    else:
        filters = (_filters_of(segment) if segment is not None else None) or SegmentFilters()
        initial = {"name": segment.name if segment is not None else "", **SegmentForm.initial_for(filters)}
        form = SegmentForm(organization=request.organization, initial=initial)
        count = people_matching(filters, organization=request.organization).count()
    context = {"form": form, "segment": segment, "count": count}
    return render(request, "people/segment_form.html", context, status=400 if form.errors else 200)


def _count(request: OrgRequest, form: SegmentFilterForm) -> int | None:
    """How many people the submitted filters pick (None when they are not valid)."""
    form.is_valid()
    if any(name != "name" for name in form.errors):
        return None
    try:
        filters = form.to_filters()
        filters.check()
    except SegmentError:
        return None
    return people_matching(filters, organization=request.organization).count()


@require_permission("people:edit")
@require_http_methods(["GET", "POST"])
def segment_new(request: OrgRequest) -> HttpResponse:
    return _builder(request, None)


@require_permission("people:edit")
@require_http_methods(["GET", "POST"])
def segment_edit(request: OrgRequest, segment_id: int) -> HttpResponse:
    segment: Segment = get_for_org(Segment, organization=request.organization, pk=segment_id)
    return _builder(request, segment)


@require_permission("people:view")
@require_GET
def segment_count(request: OrgRequest) -> HttpResponse:
    """The live count for the builder: a small fragment htmx puts in place."""
    form = SegmentFilterForm(request.GET, organization=request.organization)
    count = _count(request, form)
    return render(
        request,
        "people/segment_count.html",
        {"form": form, "count": count},
        status=400 if count is None else 200,
    )


@require_permission("people:view")
@require_GET
def segment_detail(request: OrgRequest, segment_id: int) -> HttpResponse:
    segment: Segment = get_for_org(Segment, organization=request.organization, pk=segment_id)
    filters = _filters_of(segment)
    context: dict[str, object] = {"segment": segment, "page": None}
    if filters is None:
        messages.error(request, _("These filters cannot be read. Edit the segment to fix them."))
    else:
        people = with_contact_points(segment_people(segment))
        page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
        log_read(  # a page of people's contact details is a read of people data
            actor=request.user,
            organization=request.organization,
            action="people.segment.viewed",
            obj=segment,
            subjects=list(page.object_list),
            data={"results": page.paginator.count},
            request=request,
        )
        context |= {"page": page, "filters": filters.describe(**_names(request))}
    return render(request, "people/segment_detail.html", context)


@require_permission("people:edit")
@require_POST
def segment_delete_view(request: OrgRequest, segment_id: int) -> HttpResponse:
    segment: Segment = get_for_org(Segment, organization=request.organization, pk=segment_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm, then delete."))
        return redirect(segment.get_absolute_url())
    segment_delete(segment=segment, actor=request.user, request=request)
    messages.success(request, _("The segment was deleted. The people in it were not."))
    return redirect("people:segment_list", org=request.organization.slug)
