"""Security middleware: two-factor before any staff page, and the headers Django's own
middleware does not set."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# Paths a signed-in user may reach before two-factor is set up: signing in and out, setting
# up two-factor itself, accepting an invitation, the public site and the language switch.
TWO_FACTOR_EXEMPT_PREFIXES = ("/accounts/", "/invite/", "/i18n/", "/static/", "/health")
TWO_FACTOR_EXEMPT_EXACT = ("/",)


class RequireTwoFactorMiddleware:
    """A signed-in user without TOTP or a passkey is sent to set one up before any staff or
    admin page. (Signing in with an authenticator already asks for the second factor.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if (
            request.user.is_authenticated
            and not path.startswith(TWO_FACTOR_EXEMPT_PREFIXES)
            and path not in TWO_FACTOR_EXEMPT_EXACT
            and not is_mfa_enabled(request.user)
        ):
            messages.warning(request, _("Set up two-factor authentication to continue."))
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; no caching of pages for signed-in users."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), interest-cohort=()"
        )
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path_info.startswith("/static/"):
            response["Cache-Control"] = "no-store, private"
        return response
