"""Normalising contact points: e-mails lower-cased and validated, phones to E.164 with
``phonenumbers`` (the authority), with the kind of line it reports."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

DEFAULT_REGION = getattr(settings, "ALIANZA_PHONE_REGION", "US")


def email_normalize(raw: str) -> str:
    email = raw.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("“%(value)s” is not a valid e-mail address.") % {"value": raw.strip()}) from None
    return email


def phone_normalize(raw: str, *, region: str = DEFAULT_REGION) -> tuple[str, str]:
    """Return (E.164 number, kind) where kind is "mobile", "landline" or "unknown"."""
    try:
        number = phonenumbers.parse(raw.strip(), region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("“%(value)s” is not a valid phone number.") % {"value": raw.strip()})
    kind = phonenumbers.number_type(number)
    if kind == phonenumbers.PhoneNumberType.MOBILE:
        label = "mobile"
    elif kind == phonenumbers.PhoneNumberType.FIXED_LINE:
        label = "landline"
    else:  # e.g. FIXED_LINE_OR_MOBILE, common in the US
        label = "unknown"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), label


def phone_display(e164: str) -> str:
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164
