"""Staff side of the network, for the hub only: its values and principles, the review of
membership applications, and the list of individual sign-ups. Every view names its permission
with ``require_hub_permission``; members of any other organization get 404 (the pages do not exist
there)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alianza.core.tenancy import OrgRequest, get_for_org, require_hub_permission

from .applications import (
    ApplicationError,
    application_approve,
    application_decline,
    application_request_info,
    suggested_slug,
)
from .forms import ApplicationFilterForm, ApproveForm, PrinciplesForm, RequestInfoForm
from .models import IndividualSignup, OrganizationApplication, PrinciplesVersion
from .principles import PrinciplesError, principles_publish

PAGE_SIZE = 50


def _locales(request: OrgRequest) -> list[str]:
    # English, Spanish and the hub's own languages, as on the organization profile.
    return [code for code, _name in settings.LANGUAGES if code in {"en", "es", *request.organization.languages}]


@require_hub_permission("network:manage")
@require_http_methods(["GET", "POST"])
def principles(request: OrgRequest) -> HttpResponse:
    versions = list(PrinciplesVersion.objects.select_related("published_by"))
    current = versions[0] if versions else None
    locales = _locales(request)
    if request.method == "POST":
        form = PrinciplesForm(request.POST, locales=locales)
    else:  # a new version starts from the current text
        form = PrinciplesForm(instance=current, locales=locales)
    if request.method == "POST" and form.is_valid():
        try:
            version = principles_publish(
                organization=request.organization,
                actor=request.user,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                request=request,
            )
        except PrinciplesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Version %(version)s is published.") % {"version": version.version})
            return redirect("network:principles", org=request.organization.slug)
    context = {"form": form, "current": current, "versions": versions}
    return render(request, "network/principles.html", context, status=400 if form.errors else 200)


@require_hub_permission("network:manage")
@require_GET
def application_list(request: OrgRequest) -> HttpResponse:
    form = ApplicationFilterForm(request.GET or None)
    applications = OrganizationApplication.objects.order_by("-created_at", "-id")
    if form.is_bound and form.is_valid() and form.cleaned_data["status"]:
        applications = applications.filter(status=form.cleaned_data["status"])
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "network/application_list.html", context, status=400 if form.errors else 200)


def _application_page(
    request: OrgRequest,
    application: OrganizationApplication,
    *,
    approve_form: ApproveForm | None = None,
    info_form: RequestInfoForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "application": application,
        "sent_messages": application.messages.select_related("sent_by"),
        "approve_form": approve_form or ApproveForm(initial={"slug": suggested_slug(application.name)})
        if application.is_open
        else None,
        "info_form": info_form or RequestInfoForm(),
    }
    return render(request, "network/application_detail.html", context, status=status)


def _get_application(request: OrgRequest, application_id: int) -> OrganizationApplication:
    queryset = OrganizationApplication.objects.select_related(
        "principles_version", "decided_by", "created_organization"
    )
    return get_for_org(queryset, organization=request.organization, pk=application_id)


@require_hub_permission("network:manage")
@require_GET
def application_detail(request: OrgRequest, application_id: int) -> HttpResponse:
    return _application_page(request, _get_application(request, application_id))


@require_hub_permission("network:manage")
@require_POST
def application_approve_view(request: OrgRequest, application_id: int) -> HttpResponse:
    application = _get_application(request, application_id)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            organization = application_approve(
                application=application, actor=request.user, slug=form.cleaned_data["slug"], request=request
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(name)s is now a member. Its contact is invited as its first admin.") % {"name": organization.name},
            )
            return redirect("network:application_detail", org=request.organization.slug, application_id=application.pk)
    return _application_page(request, application, approve_form=form, status=400)


@require_hub_permission("network:manage")
@require_POST
def application_decline_view(request: OrgRequest, application_id: int) -> HttpResponse:
    application = _get_application(request, application_id)
    try:
        application_decline(application=application, actor=request.user, request=request)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The application is declined."))
    return redirect("network:application_detail", org=request.organization.slug, application_id=application.pk)


@require_hub_permission("network:manage")
@require_POST
def application_request_info_view(request: OrgRequest, application_id: int) -> HttpResponse:
    application = _get_application(request, application_id)
    form = RequestInfoForm(request.POST)
    if form.is_valid():
        try:
            application_request_info(
                application=application, actor=request.user, message=form.cleaned_data["message"], request=request
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Your message is on its way to %(email)s.") % {"email": application.contact_email}
            )
            return redirect("network:application_detail", org=request.organization.slug, application_id=application.pk)
    return _application_page(request, application, info_form=form, status=400)


@require_hub_permission("network:manage")
@require_GET
def signup_list(request: OrgRequest) -> HttpResponse:
    signups = IndividualSignup.objects.select_related("principles_version").order_by("-created_at", "-id")
    page = Paginator(signups, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "network/signup_list.html", {"page": page})
