"""Staff pages of forms: the list, a new form and its settings, the field builder (add, edit,
remove, move up and down: plain forms, htmx only swaps the list in place), opening and closing,
the submissions and their export. Each view names its one permission and fetches objects with
``get_for_org``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alianza.core.audit import log_action
from alianza.core.tenancy import OrgRequest, get_for_org, has_permission, refuse_when_locked, require_permission

from .builder_forms import ExportForm, FieldForm, FormSettingsForm, MoveForm
from .forms_builder import (
    FormError,
    answer_display,
    form_field_delete,
    form_field_move,
    form_field_save,
    form_save,
    form_set_status,
    form_submissions_export,
)
from .models import Form, FormField, FormSubmission

PAGE_SIZE = 50


def _locales(request: OrgRequest) -> list[str]:
    # English, Spanish and the organization's own languages, as on the organization profile.
    return [code for code, _name in settings.LANGUAGES if code in {"en", "es", *request.organization.languages}]


def _form(request: OrgRequest, form_id: int) -> Form:
    return get_for_org(Form.objects.select_related("campaign"), organization=request.organization, pk=form_id)


def _field(request: OrgRequest, form: Form, question_id: int) -> FormField:
    return get_for_org(FormField.objects.filter(form=form), organization=request.organization, pk=question_id)


@require_permission("actions:view")
@require_GET
def form_list(request: OrgRequest) -> HttpResponse:
    forms = Form.objects.select_related("campaign").annotate(answers=Count("submissions")).order_by("-created_at")
    context = {"forms": forms, "can_edit": has_permission(request, "actions:edit")}
    return render(request, "actions/form_list.html", context)


def _settings_page(request: OrgRequest, form: FormSettingsForm, instance: Form | None) -> HttpResponse:
    context = {"settings_form": form, "instance": instance}
    return render(request, "actions/form_settings.html", context, status=400 if form.errors else 200)


@require_permission("actions:edit")
@require_http_methods(["GET", "POST"])
def form_new(request: OrgRequest) -> HttpResponse:
    instance = Form(organization=request.organization)
    settings_form = FormSettingsForm(
        request.POST if request.method == "POST" else None,
        instance=instance,
        organization=request.organization,
        locales=_locales(request),
    )
    if request.method == "POST" and settings_form.is_valid():
        try:
            form = form_save(form=settings_form.save(commit=False), actor=request.user, request=request)
        except FormError as exc:
            settings_form.add_error(None, str(exc))
        else:
            messages.success(request, _("Form saved as a draft. Add its questions, then open it."))
            return redirect(form.get_absolute_url())
    return _settings_page(request, settings_form, None)


@require_permission("actions:edit")
@require_http_methods(["GET", "POST"])
def form_edit(request: OrgRequest, form_id: int) -> HttpResponse:
    instance = _form(request, form_id)
    settings_form = FormSettingsForm(
        request.POST if request.method == "POST" else None,
        instance=instance,
        organization=request.organization,
        locales=_locales(request),
    )
    if request.method == "POST" and settings_form.is_valid():
        try:
            form_save(form=settings_form.save(commit=False), actor=request.user, request=request)
        except FormError as exc:
            settings_form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect(instance.get_absolute_url())
    return _settings_page(request, settings_form, instance)


def _detail_page(request: OrgRequest, form: Form, field_form: FieldForm | None = None) -> HttpResponse:
    fields = list(FormField.objects.filter(form=form).order_by("position", "id"))
    context = {
        "form": form,
        "fields": fields,
        "field_form": field_form or FieldForm(locales=_locales(request)),
        "answers": FormSubmission.objects.filter(form=form).count(),
        "public_url": request.build_absolute_uri(form.get_public_url()),
        "can_edit": has_permission(request, "actions:edit"),
        "statuses": [(value, label) for value, label in _status_buttons() if value != form.status],
    }
    status = 400 if field_form is not None and field_form.errors else 200
    return render(request, "actions/form_detail.html", context, status=status)


def _status_buttons() -> list[tuple[str, str]]:
    return [
        (Form.Status.OPEN, _("Open it: take answers")),
        (Form.Status.CLOSED, _("Close it")),
        (Form.Status.DRAFT, _("Back to draft")),
    ]


@require_permission("actions:view")
@require_GET
def form_detail(request: OrgRequest, form_id: int) -> HttpResponse:
    return _detail_page(request, _form(request, form_id))


@require_permission("actions:edit")
@require_POST
def form_status(request: OrgRequest, form_id: int) -> HttpResponse:
    form = _form(request, form_id)
    status = request.POST.get("status", "")
    if status not in Form.Status.values:
        return HttpResponse(status=400)
    form = form_set_status(form=form, actor=request.user, status=status, request=request)
    messages.success(request, _("The form is now: %(status)s.") % {"status": form.get_status_display()})
    return redirect(form.get_absolute_url())


def _save_field(request: OrgRequest, field_form: FieldForm) -> FormField | None:
    if not field_form.is_valid():
        return None
    field: FormField = field_form.save(commit=False)  # the choices are set by the form's clean()
    try:
        return form_field_save(field=field, actor=request.user, request=request)
    except FormError as exc:
        field_form.add_error(None, str(exc))
    return None


@require_permission("actions:edit")
@require_POST
def form_field_new(request: OrgRequest, form_id: int) -> HttpResponse:
    form = _form(request, form_id)
    instance = FormField(organization=request.organization, form=form)
    field_form = FieldForm(request.POST, instance=instance, locales=_locales(request))
    if _save_field(request, field_form) is None:
        return _detail_page(request, form, field_form)
    messages.success(request, _("Question added."))
    return redirect(form.get_absolute_url() + "#questions")


@require_permission("actions:edit")
@require_http_methods(["GET", "POST"])
def form_field_edit(request: OrgRequest, form_id: int, question_id: int) -> HttpResponse:
    form = _form(request, form_id)
    field = _field(request, form, question_id)
    field_form = FieldForm(
        request.POST if request.method == "POST" else None, instance=field, locales=_locales(request)
    )
    if request.method == "POST" and _save_field(request, field_form) is not None:
        messages.success(request, _("Question saved."))
        return redirect(form.get_absolute_url() + "#questions")
    context = {"form": form, "field": field, "field_form": field_form}
    return render(request, "actions/form_field_edit.html", context, status=400 if field_form.errors else 200)


@require_permission("actions:edit")
@require_POST
def form_field_remove(request: OrgRequest, form_id: int, question_id: int) -> HttpResponse:
    form = _form(request, form_id)
    form_field_delete(field=_field(request, form, question_id), actor=request.user, request=request)
    messages.success(request, _("Question removed."))
    return redirect(form.get_absolute_url() + "#questions")


@require_permission("actions:edit")
@require_POST
def form_field_move_view(request: OrgRequest, form_id: int, question_id: int) -> HttpResponse:
    form = _form(request, form_id)
    field = _field(request, form, question_id)
    move = MoveForm(request.POST)
    if not move.is_valid():
        return HttpResponse(status=400)
    form_field_move(field=field, actor=request.user, direction=move.cleaned_data["direction"], request=request)
    return redirect(form.get_absolute_url() + "#questions")


@require_permission("actions:view")
@never_cache
@require_GET
def form_submissions(request: OrgRequest, form_id: int) -> HttpResponse:
    """The answers, newest first. Reading them is audited (they may hold anything a person
    wrote), once per page shown."""
    form = _form(request, form_id)
    fields = list(FormField.objects.filter(form=form).order_by("position", "id"))
    submissions = (
        FormSubmission.objects.filter(form=form).select_related("person__organization").order_by("-created_at", "-id")
    )
    page = Paginator(submissions, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"submission": s, "answers": [answer_display(f, s.answers.get(str(f.pk))) for f in fields]}
        for s in page.object_list
    ]
    log_action(
        actor=request.user,
        organization=request.organization,
        action="actions.form_submission.viewed",
        obj=form,
        data={"page": page.number, "rows": len(rows)},
        request=request,
    )
    context = {
        "form": form,
        "fields": fields,
        "rows": rows,
        "page": page,
        "can_export": has_permission(request, "actions:export"),
        "export_form": ExportForm(),
    }
    return render(request, "actions/form_submissions.html", context)


@require_permission("actions:export")
@refuse_when_locked
@never_cache
@require_POST
def form_export(request: OrgRequest, form_id: int) -> HttpResponseBase:
    form = _form(request, form_id)
    choice = ExportForm(request.POST)
    if not choice.is_valid():
        return HttpResponse(_("Choose CSV or Excel."), status=400, content_type="text/plain; charset=utf-8")
    export = form_submissions_export(
        form=form, actor=request.user, file_format=choice.cleaned_data["file_format"], request=request
    )
    return FileResponse(export.file, as_attachment=True, filename=export.filename, content_type=export.content_type)
