"""allauth adapters: staff accounts are created only by invitation, never by open sign-up;
two-factor secrets are stored encrypted."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib.auth import login
from django.http import HttpRequest

from . import crypto
from .models import User


def sign_in_with_fresh_password(request: HttpRequest, user: User) -> None:
    """Sign in someone who has just chosen their password (an invited colleague), recording it
    as a fresh authentication so allauth does not ask for the password again before they set up
    two-factor. The one place Alianza uses allauth's internal flow API (pinned version, tested)."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    record_authentication(request, user, method="password", email=user.email, reauthenticated=True)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


class MFAAdapter(DefaultMFAAdapter):
    """TOTP keys and recovery-code seeds never sit in the database in clear text."""

    def encrypt(self, text: str) -> str:
        return crypto.system_encrypt(text, context=crypto.MFA_CONTEXT)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.system_decrypt(encrypted_text, context=crypto.MFA_CONTEXT)
