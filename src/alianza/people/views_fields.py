"""Staff pages for the organization's custom fields on people (admins: ``people:fields``).
Writes go through ``custom_fields.py``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alianza.core.tenancy import OrgRequest, get_for_org, require_permission

from .custom_fields import (
    CustomFieldError,
    custom_field_archive,
    custom_field_create,
    custom_field_delete,
    custom_field_update,
    people_with_values_count,
)
from .forms_fields import CustomFieldForm, field_locales
from .models import CustomField


def _list_redirect(request: OrgRequest) -> HttpResponse:
    return redirect("people:field_list", org=request.organization.slug)


@require_permission("people:fields")
@require_GET
def field_list(request: OrgRequest) -> HttpResponse:
    counts = people_with_values_count(request.organization)
    fields = [
        (field, counts.get(field.key, 0)) for field in CustomField.objects.filter(organization=request.organization)
    ]
    return render(request, "people/field_list.html", {"fields": fields})


def _form_page(request: OrgRequest, definition: CustomField | None) -> HttpResponse:
    locales = field_locales(request.organization)
    form = CustomFieldForm(request.POST if request.method == "POST" else None, locales=locales, definition=definition)
    if request.method == "POST" and form.is_valid():
        try:
            if definition is None:
                custom_field_create(
                    organization=request.organization, actor=request.user, data=form.to_input(), request=request
                )
            else:
                custom_field_update(definition=definition, actor=request.user, data=form.to_input(), request=request)
        except CustomFieldError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The field was saved."))
            return _list_redirect(request)
    context = {"form": form, "definition": definition}
    return render(request, "people/field_form.html", context, status=400 if form.errors else 200)


@require_permission("people:fields")
@require_http_methods(["GET", "POST"])
def field_new(request: OrgRequest) -> HttpResponse:
    return _form_page(request, None)


@require_permission("people:fields")
@require_http_methods(["GET", "POST"])
def field_edit(request: OrgRequest, field_id: int) -> HttpResponse:
    definition: CustomField = get_for_org(CustomField, organization=request.organization, pk=field_id)
    return _form_page(request, definition)


@require_permission("people:fields")
@require_POST
def field_archive(request: OrgRequest, field_id: int) -> HttpResponse:
    """Archive a field (or bring it back, with ``archived=no``)."""
    definition: CustomField = get_for_org(CustomField, organization=request.organization, pk=field_id)
    archived = request.POST.get("archived", "yes") != "no"
    custom_field_archive(definition=definition, actor=request.user, archived=archived, request=request)
    if archived:
        messages.success(request, _("The field was archived: it left the form, and the values stay."))
    else:
        messages.success(request, _("The field is back in the form."))
    return _list_redirect(request)


@require_permission("people:fields")
@require_POST
def field_delete(request: OrgRequest, field_id: int) -> HttpResponse:
    definition: CustomField = get_for_org(CustomField, organization=request.organization, pk=field_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm, then delete."))
        return _list_redirect(request)
    try:
        custom_field_delete(definition=definition, actor=request.user, request=request)
    except CustomFieldError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The field was deleted."))
    return _list_redirect(request)
