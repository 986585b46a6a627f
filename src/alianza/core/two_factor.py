"""Small helpers around allauth's TOTP, for the demo data and the tests."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from .models import User


def totp_enable(user: User, secret: str) -> None:
    """Give ``user`` a TOTP authenticator with ``secret`` (base32) unless they have one."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The six-digit code an authenticator app would show now for ``secret``."""
    counter = int(at if at is not None else time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))
