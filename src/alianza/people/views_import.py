"""Staff pages for importing people: upload, map columns with a preview, follow the progress,
see the result and download the rejected rows."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from alianza.core.tenancy import OrgRequest, get_for_org, refuse_when_locked, require_permission

from .forms_import import MappingForm, UploadForm
from .import_reading import ImportFileError, mapping_targets
from .import_rows import preview
from .importing import import_job_create, import_job_start, rejected_rows_csv
from .models import ImportJob


@require_permission("people:import")
@refuse_when_locked
@require_http_methods(["GET", "POST"])
def import_upload(request: OrgRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_create(
                organization=request.organization,
                actor=request.user,
                file_name=upload.name,
                chunks=upload.chunks(),
                on_match=form.cleaned_data["on_match"],
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("people:import_detail", org=request.organization.slug, job_id=job.pk)
    jobs = ImportJob.objects.select_related("created_by")[:20]
    return render(
        request, "people/import_upload.html", {"form": form, "jobs": jobs}, status=400 if form.errors else 200
    )


@require_permission("people:import")
@refuse_when_locked
@require_http_methods(["GET", "POST"])
def import_detail(request: OrgRequest, job_id: int) -> HttpResponse:
    job: ImportJob = get_for_org(ImportJob, organization=request.organization, pk=job_id)
    if job.status != ImportJob.Status.DRAFT:
        if request.method == "POST":
            return redirect("people:import_detail", org=request.organization.slug, job_id=job.pk)
        return render(request, "people/import_progress.html", {"job": job})
    form = MappingForm(
        request.POST or None,
        headers=job.headers,
        initial_mapping=job.mapping,
        targets=mapping_targets(request.organization),
    )
    if request.method == "POST" and form.is_valid() and "check" not in request.POST:
        try:
            import_job_start(job=job, actor=request.user, mapping=form.mapping())
        except ImportFileError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The import has started. You can leave this page: it goes on."))
            return redirect("people:import_detail", org=request.organization.slug, job_id=job.pk)
    mapping = form.mapping() if form.is_bound and form.is_valid() else job.mapping
    rows = preview(job=job, path=Path(job.stored_path), mapping=mapping)
    return render(
        request,
        "people/import_mapping.html",
        {"job": job, "form": form, "rows": rows},
        status=400 if form.errors else 200,
    )


@require_permission("people:import")
@require_GET
def import_progress(request: OrgRequest, job_id: int) -> HttpResponse:
    """The progress box alone, for htmx to poll; tells the page to reload when done."""
    job: ImportJob = get_for_org(ImportJob, organization=request.organization, pk=job_id)
    response = render(request, "people/import_progress_box.html", {"job": job})
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        response["HX-Refresh"] = "true"
    return response


@require_permission("people:import")
@refuse_when_locked
@require_GET
def import_rejections(request: OrgRequest, job_id: int) -> StreamingHttpResponse:
    job: ImportJob = get_for_org(ImportJob, organization=request.organization, pk=job_id)
    response = StreamingHttpResponse(rejected_rows_csv(job=job, actor=request.user), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="rejected-rows-{job.pk}.csv"'
    return response
