"""Staff pages of the advisory board, in the hub only (``require_hub_permission``: 404 elsewhere).
Seats: ``board:manage`` (admins and organizers). Honoraria, their totals and their export:
``board:honoraria`` (admins only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from alianza.core.audit import log_action
from alianza.core.tenancy import OrgRequest, get_for_org, has_permission, refuse_when_locked, require_hub_permission
from alianza.people.models import Person
from alianza.people.queries import people_search

from .forms import ExportForm, HonorariumForm, PersonSearchForm, SeatForm
from .honoraria import HonorariumInput, honoraria_export, honoraria_totals, honorarium_create, honorarium_update
from .models import BoardSeat, Honorarium
from .seats import BoardError, seat_create, seat_update

SEARCH_RESULTS = 20


@require_hub_permission("board:manage")
@require_GET
def board(request: OrgRequest) -> HttpResponse:
    seats = list(BoardSeat.objects.select_related("person").order_by("-term_end", "id"))
    today = timezone.localdate()
    can_see_honoraria = has_permission(request, "board:honoraria")
    totals = honoraria_totals(organization=request.organization) if can_see_honoraria else {}
    if can_see_honoraria and totals:  # amounts paid to named people: reading them is audited
        log_action(
            actor=request.user,
            organization=request.organization,
            action="board.honoraria.viewed",
            data={"page": "board", "people": len(totals)},
            request=request,
        )
    rows = [(seat, seat.days_left(today), totals.get(seat.person_id or 0, [])) for seat in seats]
    current = [row for row in rows if row[0].is_current(today)]
    other = [row for row in rows if not row[0].is_current(today)]
    context = {
        "current": current,
        "other": other,
        "can_see_honoraria": can_see_honoraria,
        "today": today,
        "export_form": ExportForm(initial={"year": today.year}),
    }
    return render(request, "board/board.html", context)


@require_hub_permission("board:manage")
@require_http_methods(["GET", "POST"])
def seat_new(request: OrgRequest) -> HttpResponse:
    search = PersonSearchForm(request.GET or None)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    candidates = people_search(q)[:SEARCH_RESULTS] if q else Person.objects.none()
    if request.method == "POST":
        form = SeatForm(request.POST, candidates=people_search(request.POST.get("q", ""))[:SEARCH_RESULTS])
    else:
        form = SeatForm(candidates=candidates)
    if q:  # a search that returns people is a read of people data
        log_action(
            actor=request.user,
            organization=request.organization,
            action="people.person.searched",
            data={"page": "board:seat_new"},
            request=request,
        )
    if request.method == "POST" and form.is_valid():
        try:
            seat = seat_create(
                organization=request.organization,
                actor=request.user,
                person=form.cleaned_data["person"],
                role=form.cleaned_data["role"],
                term_start=form.cleaned_data["term_start"],
                term_end=form.cleaned_data["term_end"],
                request=request,
            )
        except BoardError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(name)s has a seat on the board.") % {"name": seat.person})
            return redirect("board:board", org=request.organization.slug)
    context = {"search": search, "q": q or request.POST.get("q", ""), "form": form}
    return render(request, "board/seat_form.html", context, status=400 if form.errors else 200)


def _get_seat(request: OrgRequest, seat_id: int) -> BoardSeat:
    return get_for_org(BoardSeat.objects.select_related("person"), organization=request.organization, pk=seat_id)


@require_hub_permission("board:manage")
@require_http_methods(["GET", "POST"])
def seat_edit(request: OrgRequest, seat_id: int) -> HttpResponse:
    seat = _get_seat(request, seat_id)
    initial = {"role": seat.role, "term_start": seat.term_start, "term_end": seat.term_end}
    form = SeatForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            seat_update(
                seat=seat,
                actor=request.user,
                role=form.cleaned_data["role"],
                term_start=form.cleaned_data["term_start"],
                term_end=form.cleaned_data["term_end"],
                request=request,
            )
        except BoardError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The seat is saved."))
            return redirect("board:board", org=request.organization.slug)
    context = {"form": form, "seat": seat}
    return render(request, "board/seat_form.html", context, status=400 if form.errors else 200)


def _input(form: HonorariumForm) -> HonorariumInput:
    data = form.cleaned_data
    return HonorariumInput(
        amount=data["amount"],
        currency=data["currency"],
        date=data["date"],
        purpose=data["purpose"],
        status=data["status"],
        payment_method=data["payment_method"],
    )


def _honoraria_page(
    request: OrgRequest, seat: BoardSeat, *, form: HonorariumForm | None = None, status: int = 200
) -> HttpResponse:
    honoraria = list(seat.honoraria.select_related("recorded_by").order_by("-date", "-id"))
    log_action(
        actor=request.user,
        organization=request.organization,
        action="board.honoraria.viewed",
        obj=seat,
        data={"page": "seat", "rows": len(honoraria)},
        request=request,
    )
    totals = honoraria_totals(organization=request.organization).get(seat.person_id or 0, [])
    form = form or HonorariumForm(initial={"date": timezone.localdate(), "currency": "USD"})
    context = {"seat": seat, "honoraria": honoraria, "totals": totals, "form": form}
    return render(request, "board/honoraria.html", context, status=status)


@require_hub_permission("board:honoraria")
@require_http_methods(["GET", "POST"])
def honoraria(request: OrgRequest, seat_id: int) -> HttpResponse:
    seat = _get_seat(request, seat_id)
    if request.method == "GET":
        return _honoraria_page(request, seat)
    form = HonorariumForm(request.POST, instance=Honorarium(organization=request.organization, seat=seat))
    if form.is_valid():
        try:
            honorarium_create(seat=seat, actor=request.user, data=_input(form), request=request)
        except BoardError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The honorarium is recorded."))
            return redirect("board:honoraria", org=request.organization.slug, seat_id=seat.pk)
    return _honoraria_page(request, seat, form=form, status=400)


@require_hub_permission("board:honoraria")
@require_http_methods(["GET", "POST"])
def honorarium_edit(request: OrgRequest, seat_id: int, honorarium_id: int) -> HttpResponse:
    seat = _get_seat(request, seat_id)
    honorarium = get_for_org(seat.honoraria.all(), organization=request.organization, pk=honorarium_id)
    if request.method == "POST":
        # Validated on a copy, so the operation sees what the record was before the change.
        form = HonorariumForm(request.POST, instance=Honorarium(organization=request.organization, seat=seat))
    else:
        form = HonorariumForm(instance=honorarium)
    if request.method == "POST" and form.is_valid():
        try:
            honorarium_update(honorarium=honorarium, actor=request.user, data=_input(form), request=request)
        except BoardError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The honorarium is saved."))
            return redirect("board:honoraria", org=request.organization.slug, seat_id=seat.pk)
    context = {"seat": seat, "honorarium": honorarium, "form": form}
    return render(request, "board/honorarium_form.html", context, status=400 if form.errors else 200)


@require_hub_permission("board:honoraria")
@refuse_when_locked
@require_GET
def honoraria_csv(request: OrgRequest) -> HttpResponse:
    form = ExportForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Choose a year between 2000 and 2100, or leave it empty for every year."))
        return redirect("board:board", org=request.organization.slug)
    year = form.cleaned_data["year"] if form.is_bound else None
    content = honoraria_export(organization=request.organization, actor=request.user, year=year, request=request)
    name = f"honoraria-{year}.csv" if year else "honoraria.csv"
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
