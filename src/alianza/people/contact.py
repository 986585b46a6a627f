"""Normalising contact points: e-mails lower-cased and validated, phones to E.164 with
``phonenumbers`` (the authority), with the kind of line it reports."""

from __future__ import annotations

import re
from functools import cache

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


# A fast and exact path for the commonest number, a US one written as 10 digits (optionally
# after 1 or +1) with the usual separators. It only ever answers "valid, and this is its
# E.164"; anything else (another country, an extension, letters, a number that US metadata
# does not accept) returns None and goes to phonenumbers. The check uses phonenumbers' own US
# metadata the way its is_valid_number does (general pattern, then any number type's pattern
# and lengths), and a test compares the two over every area code and exchange prefix.
_US_SHAPE = re.compile(r"^(?:\+?1[ .\-]?)?\(?([2-9][0-9]{2})\)?[ .\-]?([0-9]{3})[ .\-]?([0-9]{4})$")


@cache
def _us_patterns() -> tuple[re.Pattern[str], list[re.Pattern[str]]]:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("US")
    assert metadata is not None and metadata.general_desc is not None
    kinds = []
    for desc in (
        metadata.premium_rate,
        metadata.toll_free,
        metadata.shared_cost,
        metadata.voip,
        metadata.personal_number,
        metadata.pager,
        metadata.uan,
        metadata.voicemail,
        metadata.fixed_line,
        metadata.mobile,
    ):
        if desc is None or not desc.national_number_pattern:
            continue
        if desc.possible_length and 10 not in desc.possible_length:
            continue
        kinds.append(re.compile(desc.national_number_pattern))
    general = metadata.general_desc
    assert 10 in general.possible_length and general.national_number_pattern
    return re.compile(general.national_number_pattern), kinds


def phone_e164_fast(raw: str, *, region: str = DEFAULT_REGION) -> str | None:
    """The E.164 form of a common US number, or None: ask ``phone_normalize``."""
    if region != "US":
        return None
    shape = _US_SHAPE.match(raw)
    if shape is None:
        return None
    national = "".join(shape.groups())
    general, kinds = _us_patterns()
    if general.fullmatch(national) and any(kind.fullmatch(national) for kind in kinds):
        return "+1" + national
    return None
