"""Public side: no account needed. Nothing here may reveal people's data."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .accounts import sign_in_with_fresh_password
from .forms import AcceptWithPasswordForm
from .memberships import MembershipError, invitation_accept, invitation_accept_with_new_account, invitation_from_token
from .models import Organization, User


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    members = Organization.objects.filter(status=Organization.Status.ACTIVE).exclude(tier=Organization.Tier.PARTNER)
    return render(request, "core/home.html", {"organizations": members})


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For operators and load balancers: 200 when the database and cache answer."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 — any failure means unhealthy
        checks["database"] = "error"
    try:
        cache.set("alianza-health", "1", 5)
        checks["cache"] = "ok" if cache.get("alianza-health") == "1" else "error"
    except Exception:  # noqa: BLE001
        checks["cache"] = "error"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_from_token(token)
    if invitation is None or not invitation.is_open:
        return render(request, "core/invitation_closed.html", status=410 if invitation else 404)
    context: dict[str, object] = {"invitation": invitation, "organization": invitation.organization}
    user = request.user
    if user.is_authenticated:
        assert isinstance(user, User)
        if user.email.lower() != invitation.email.lower():
            return render(request, "core/invitation_wrong_user.html", context, status=403)
        if request.method == "POST":
            try:
                invitation_accept(invitation=invitation, user=user, request=request)
            except MembershipError as exc:
                context["error"] = str(exc)
                return render(request, "core/invitation_accept.html", context, status=400)
            return redirect(invitation.organization.get_absolute_url())
        return render(request, "core/invitation_accept.html", context)

    if User.objects.filter(email__iexact=invitation.email).exists():
        return render(request, "core/invitation_sign_in.html", context)
    form = AcceptWithPasswordForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            new_user, _membership = invitation_accept_with_new_account(
                invitation=invitation,
                password=form.cleaned_data["password1"],
                name=form.cleaned_data["name"],
                request=request,
            )
        except MembershipError as exc:
            form.add_error(None, str(exc))
        else:
            sign_in_with_fresh_password(request, new_user)
            # The two-factor middleware now asks them to set up TOTP or a passkey.
            return redirect(invitation.organization.get_absolute_url())
    context["form"] = form
    return render(request, "core/invitation_new_account.html", context, status=400 if form.errors else 200)
