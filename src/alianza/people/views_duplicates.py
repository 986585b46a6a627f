"""Staff pages for duplicates: the review queue, and the merge screen of one pair."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alianza.core.tenancy import OrgRequest, get_for_org, require_permission

from .merging import MERGE_FIELDS, duplicate_pair_dismiss, person_merge
from .models import DuplicatePair, Person
from .operations import PeopleError
from .tasks import people_duplicates_scan


@require_permission("people:edit")
@require_GET
def duplicate_list(request: OrgRequest) -> HttpResponse:
    pairs = DuplicatePair.objects.filter(status=DuplicatePair.Status.OPEN).select_related("person_a", "person_b")
    page = Paginator(pairs, 50).get_page(request.GET.get("page"))
    return render(request, "people/duplicate_list.html", {"page": page})


@require_permission("people:edit")
@require_POST
def duplicate_scan(request: OrgRequest) -> HttpResponse:
    transaction.on_commit(
        partial(people_duplicates_scan.enqueue, organization_id=str(request.organization.pk), actor_id=request.user.pk)
    )
    messages.success(request, _("Looking for duplicates. Reload this page in a moment to see what was found."))
    return redirect("people:duplicate_list", org=request.organization.slug)


@require_permission("people:edit")
@require_http_methods(["GET", "POST"])
def duplicate_review(request: OrgRequest, pair_id: int) -> HttpResponse:
    pair: DuplicatePair = get_for_org(
        DuplicatePair.objects.select_related("person_a", "person_b"), organization=request.organization, pk=pair_id
    )
    if pair.status != DuplicatePair.Status.OPEN:  # reviewed already (e.g. "two different people")
        return redirect("people:duplicate_list", org=request.organization.slug)
    survivor, other = pair.person_a, pair.person_b
    status = 200
    if request.method == "POST" and not {"merge", "dismiss"} & set(request.POST):
        messages.error(request, _("Choose “Merge into one record” or “Two different people”."))
        status = 400
    elif request.method == "POST":
        try:
            if "dismiss" in request.POST:
                duplicate_pair_dismiss(pair=pair, actor=request.user, request=request)
                messages.success(request, _("Marked as two different people."))
                return redirect("people:duplicate_list", org=request.organization.slug)
            take = [name for name in MERGE_FIELDS if request.POST.get(f"take_{name}") == "b"]
            person = person_merge(
                survivor=survivor, merged=other, actor=request.user, take_from_merged=take, request=request
            )
        except PeopleError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Merged into one record."))
            return redirect(person.get_absolute_url())
    labels = {f.name: f.verbose_name for f in Person._meta.concrete_fields}
    rows = [(name, labels[name], getattr(survivor, name), getattr(other, name)) for name in MERGE_FIELDS]
    context = {
        "pair": pair,
        "rows": rows,
        "a": survivor,
        "b": other,
        "contacts_a": [*survivor.emails.all(), *survivor.phones.all()],
        "contacts_b": [*other.emails.all(), *other.phones.all()],
    }
    return render(request, "people/duplicate_review.html", context, status=status)
