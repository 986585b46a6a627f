"""Who saw this person: every audited read and every share of one person, newest first (for the
organization's admins; DESIGN.md §5.3)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from alianza.core.read_audit import PERSON, reads_of
from alianza.core.tenancy import OrgRequest, get_for_org, require_permission

from .models import Person, SharingGrant

PAGE_SIZE = 50
GRANT = "people.sharinggrant"


@require_permission("audit:view")
@require_GET
def person_reads(request: OrgRequest, person_id: int) -> HttpResponse:
    person: Person = get_for_org(Person, organization=request.organization, pk=person_id)
    grant_ids = [str(pk) for pk in SharingGrant.objects.filter(person=person).values_list("pk", flat=True)]
    events = reads_of(organization=request.organization, object_type=PERSON, object_ids=[str(person.pk)])
    if grant_ids:
        events = events | reads_of(organization=request.organization, object_type=GRANT, object_ids=grant_ids)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/person_reads.html", {"person": person, "page": page})
