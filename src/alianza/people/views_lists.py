"""Staff pages for static lists: the lists, a list's people, adding the people of a search or
a segment to a list, taking someone out, deleting a list. Writes go through ``lists.py``."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alianza.core.read_audit import log_read
from alianza.core.tenancy import OrgRequest, get_for_org, require_permission

from .forms import SearchForm
from .forms_segments import AddToListForm, PeopleListForm
from .lists import people_list_add, people_list_create, people_list_delete, people_list_remove
from .models import PeopleList, Person, Segment
from .operations import PeopleError
from .queries import people_search
from .segments import SegmentError, segment_people, with_contact_points

PAGE_SIZE = 50


@require_permission("people:view")
@require_GET
def list_index(request: OrgRequest) -> HttpResponse:
    lists = PeopleList.objects.annotate(size=Count("people")).select_related("created_by")
    return render(request, "people/list_index.html", {"lists": lists})


@require_permission("people:edit")
@require_http_methods(["GET", "POST"])
def list_new(request: OrgRequest) -> HttpResponse:
    form = PeopleListForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            people_list = people_list_create(
                organization=request.organization,
                actor=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                request=request,
            )
        except PeopleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The list was created."))
            return redirect(people_list.get_absolute_url())
    return render(request, "people/list_form.html", {"form": form}, status=400 if form.errors else 200)


@require_permission("people:view")
@require_GET
def list_detail(request: OrgRequest, list_id: int) -> HttpResponse:
    people_list: PeopleList = get_for_org(PeopleList, organization=request.organization, pk=list_id)
    page = Paginator(with_contact_points(people_list.people.all()), PAGE_SIZE).get_page(request.GET.get("page"))
    log_read(  # a page of people's contact details is a read of people data
        actor=request.user,
        organization=request.organization,
        action="people.people_list.viewed",
        obj=people_list,
        subjects=list(page.object_list),
        data={"results": page.paginator.count},
        request=request,
    )
    return render(request, "people/list_detail.html", {"people_list": people_list, "page": page})


def _source(request: OrgRequest, data: dict[str, str]) -> tuple[QuerySet[Person], Segment | None, str]:
    """The people to add: a saved segment's (``segment``) or a search's (``q``; empty = everybody)."""
    segment_id = (data.get("segment") or "").strip()
    if segment_id:
        segment: Segment = get_for_org(Segment, organization=request.organization, pk=segment_id)
        return segment_people(segment), segment, ""
    search = SearchForm({"q": data.get("q", "")})
    q = search.cleaned_data["q"] if search.is_valid() else ""
    return people_search(q), None, q


@require_permission("people:edit")
@require_http_methods(["GET", "POST"])
def list_add_people(request: OrgRequest) -> HttpResponse:
    """Add the people of the current search or of a segment to a list (existing or new)."""
    source = request.POST if request.method == "POST" else request.GET
    try:
        people, segment, q = _source(request, source.dict())
        count = people.count()
    except SegmentError as exc:
        messages.error(request, str(exc))
        return redirect("people:segment_list", org=request.organization.slug)
    form = AddToListForm(
        request.POST if request.method == "POST" else None,
        organization=request.organization,
        initial={"q": q, "segment": segment.pk if segment else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["people_list"] is not None:
                people_list = form.cleaned_data["people_list"]
                added = people_list_add(people_list=people_list, actor=request.user, people=people, request=request)
            else:
                people_list = people_list_create(
                    organization=request.organization,
                    actor=request.user,
                    name=form.cleaned_data["new_list_name"],
                    people=people,
                    request=request,
                )
                added = people_list.people.count()
        except PeopleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                ngettext("%(count)d person was added to the list.", "%(count)d people were added to the list.", added)
                % {"count": added},
            )
            return redirect(people_list.get_absolute_url())
    context = {"form": form, "count": count, "segment": segment, "q": q}
    return render(request, "people/list_add.html", context, status=400 if form.errors else 200)


@require_permission("people:edit")
@require_POST
def list_remove(request: OrgRequest, list_id: int) -> HttpResponse:
    people_list: PeopleList = get_for_org(PeopleList, organization=request.organization, pk=list_id)
    person_id = request.POST.get("person", "")
    if not person_id:
        messages.error(request, _("Choose whom to take out of the list."))
        return redirect(people_list.get_absolute_url())
    person: Person = get_for_org(people_list.people.all(), organization=request.organization, pk=person_id)
    people_list_remove(people_list=people_list, actor=request.user, people=[person], request=request)
    messages.success(request, _("Taken out of the list. Their record was not changed."))
    return redirect(people_list.get_absolute_url())


@require_permission("people:edit")
@require_POST
def list_delete(request: OrgRequest, list_id: int) -> HttpResponse:
    people_list: PeopleList = get_for_org(PeopleList, organization=request.organization, pk=list_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm, then delete."))
        return redirect(people_list.get_absolute_url())
    try:
        people_list_delete(people_list=people_list, actor=request.user, request=request)
    except PeopleError as exc:
        messages.error(request, str(exc))
        return redirect(people_list.get_absolute_url())
    messages.success(request, _("The list was deleted. The people in it were not."))
    return redirect("people:list_index", org=request.organization.slug)
