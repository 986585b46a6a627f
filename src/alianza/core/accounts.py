"""allauth adapters: staff accounts are created only by invitation, never by open sign-up;
two-factor secrets are stored encrypted."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest

from . import crypto


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


class MFAAdapter(DefaultMFAAdapter):
    """TOTP keys and recovery-code seeds never sit in the database in clear text."""

    def encrypt(self, text: str) -> str:
        return crypto.system_encrypt(text, context=crypto.MFA_CONTEXT)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.system_decrypt(encrypted_text, context=crypto.MFA_CONTEXT)
