"""Checking one row of an import file: the clean values of a person, or why the row is rejected.

E-mail addresses and phone numbers are checked with fast paths for the common shapes and the
libraries (Django's validator, phonenumbers) as the authority for the rest; languages are
recognised as people write them, in any script. Checking needs no database access once its
``RowContext`` is loaded, so the import runs it in a reader thread.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _

from alianza.core.models import Organization

from .contact import _US_SHAPE, DEFAULT_REGION, phone_e164_fast
from .custom_fields import custom_fields_of, custom_values_clean
from .import_reading import CUSTOM, FIELDS, data_rows
from .models import CustomField, ImportJob, Person, PersonEmail

PREVIEW_ROWS = 10

# A strict subset of what Django's validator accepts (dot-atom local part, hostname labels), so
# the fast path never accepts an address the authority would refuse; anything else goes to it.
EMAIL_FAST = re.compile(
    r"^[a-z0-9_%+\-]+(?:\.[a-z0-9_%+\-]+)*@(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)


EMAIL_MAX = PersonEmail._meta.get_field("email").max_length or 254


def _email(raw: str) -> str | None:
    """The address, lower-cased, or None if it is not one. (Longer than the column: the caller
    says so.)"""
    email = raw.strip().lower()
    if EMAIL_FAST.match(email):
        return email
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:  # the fast pattern is conservative; Django's validator is the authority
        validate_email(email)
    except ValidationError:
        return None
    return email


_PREFIX_VALID: dict[str, bool] = {}


def _phone(raw: str) -> str | None:
    # phonenumbers is the authority; phone_e164_fast answers only for US numbers it is sure of.
    # Whether a plain US number is valid depends only on its area code and exchange (every US
    # pattern of phonenumbers ends in four free digits; a test checks this against the
    # metadata), so the answer is remembered per those six digits.
    shape = _US_SHAPE.match(raw) if DEFAULT_REGION == "US" else None
    if shape is not None:
        national = "".join(shape.groups())
        valid = _PREFIX_VALID.get(national[:6])
        if valid is None:
            if len(_PREFIX_VALID) > 200_000:  # at most 800,000 prefixes exist; keep it small
                _PREFIX_VALID.clear()
            valid = _PREFIX_VALID[national[:6]] = phone_e164_fast(national) is not None
        if valid:
            return "+1" + national
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _language_key(text: str) -> str:
    """A language as people write it, compared without case, accents or punctuation, in any
    script ("Español" = "espanol", "العربيّة" = "العربية", "es_MX" = "es mx")."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"[^\W_]+", text))


def _language_index() -> dict[str, str]:
    from django.utils.translation import get_language_info

    index: dict[str, str] = {}
    for code, name in settings.ALL_LANGUAGES:
        info = get_language_info(code)
        for label in (code, str(name), info["name"], info["name_local"], code.split("-")[0]):
            index[_language_key(label)] = code
    index.update(
        {
            _language_key(k): v
            for k, v in {
                "espanol": "es",
                "spanish": "es",
                "creole": "ht",
                "kreyol": "ht",
                "chinese": "zh-hans",
                "mandarin": "zh-hans",
                "cantonese": "zh-hant",
                "castellano": "es",
                "eng": "en",
                "esp": "es",
                "span": "es",
                "port": "pt",
                "portugues": "pt",
                "francais": "fr",
                "creole haitien": "ht",
                "kreyol ayisyen": "ht",
                "tieng viet": "vi",
                "arabe": "ar",
                "coreano": "ko",
                # in their own scripts, beyond Django's local names
                "中文": "zh-hans",
                "汉语": "zh-hans",
                "普通话": "zh-hans",
                "國語": "zh-hant",
                "廣東話": "zh-hant",
                "广东话": "zh-hant",
                "粵語": "zh-hant",
                "عربي": "ar",
                "한국말": "ko",
            }.items()
        }
    )
    return index


FIELD_LIMITS: dict[str, int] = {f.name: f.max_length for f in Person._meta.concrete_fields if f.max_length is not None}


@dataclass
class Row:
    number: int
    values: dict[str, str] = field(default_factory=dict)
    email: str = ""
    phone: str = ""
    tags: list[str] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)  # custom field key → typed value
    person_values: tuple[Any, ...] | None = None  # for a new person's row (see importing._person_values)


@dataclass(frozen=True)
class RowContext:
    """What checking a row needs to know, loaded once per import: language names and the
    organization's custom fields (key → definition). It also remembers, for the length of one
    import, answers that repeat across rows (a mapping's column plan, how a language or a tag
    list was written): files repeat these a lot, and each costs more to work out than to look up."""

    languages: dict[str, str]
    custom: dict[str, CustomField]
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, organization: Organization) -> RowContext:
        return cls(languages=_language_index(), custom={f.key: f for f in custom_fields_of(organization)})

    def plan(self, mapping: dict[str, str]) -> _Plan:
        known = self.memo.get(("plan", id(mapping)))
        if known is not None and known[0] is mapping and known[1] == mapping:
            return known[2]  # type: ignore[no-any-return]
        plan = _Plan.of(mapping)
        self.memo[("plan", id(mapping))] = (mapping, dict(mapping), plan)
        return plan

    def language(self, text: str) -> str | None:
        """The language code of what someone wrote, or None if it is not one we know."""
        cache = self._cache("language")
        if text not in cache:
            key = _language_key(text)
            # Regional variants count as their language: es-MX, pt_BR, en-US.
            cache[text] = (self.languages.get(key) or self.languages.get(key.split(" ")[0])) if key else None
        return cache[text]

    def tags(self, text: str) -> list[str]:
        cache = self._cache("tags")
        tags = cache.get(text)
        if tags is None:
            tags = cache[text] = [t.strip()[:80] for t in text.split(",") if t.strip()]
        return list(tags)

    def _cache(self, name: str) -> dict[str, Any]:
        cache: dict[str, Any] | None = self.memo.get(name)
        if cache is None or len(cache) > MEMO_LIMIT:  # bounded: a file of all-different values
            cache = self.memo[name] = {}
        return cache


MEMO_LIMIT = 50_000


@dataclass(frozen=True)
class _Plan:
    """A mapping compiled for checking rows: (column index, field) pairs, with the custom
    fields apart, and the length limit of each person field."""

    columns: tuple[tuple[int, str], ...]
    custom: tuple[tuple[int, str], ...]
    limits: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, mapping: dict[str, str]) -> _Plan:
        columns = tuple((int(i), f) for i, f in mapping.items() if not f.startswith(CUSTOM))
        custom = tuple((int(i), f.removeprefix(CUSTOM)) for i, f in mapping.items() if f.startswith(CUSTOM))
        fields = {f for _i, f in columns}
        if "full_name" in fields:  # it fills these two
            fields |= {"given_name", "family_name"}
        limits = tuple((f, FIELD_LIMITS[f]) for f in sorted(fields) if f in FIELD_LIMITS)
        return cls(columns=columns, custom=custom, limits=limits)


def row_validate(number: int, cells: list[str], mapping: dict[str, str], context: RowContext) -> Row | str:
    """A clean ``Row``, or the reason (translated) the row is rejected."""
    plan = context.plan(mapping)
    width = len(cells)
    raw = {f: cells[i] if i < width else "" for i, f in plan.columns}
    row = Row(number=number)
    if plan.custom:
        custom_raw = {key: cells[i] if i < width else "" for i, key in plan.custom}
        values, errors = custom_values_clean(raw=custom_raw, definitions=context.custom)
        if errors:
            return " ".join(errors)
        row.custom = {key: value for key, value in values.items() if value is not None}
    if "full_name" in raw:
        full = raw.pop("full_name")
        if full:
            first, _sep, last = full.rpartition(" ")
            raw.setdefault("given_name", first or last)
            raw.setdefault("family_name", last if first else "")
            if not raw["given_name"] or raw["given_name"] == raw.get("family_name"):
                raw["family_name"] = "" if not first else raw["family_name"]
    email_raw = raw.pop("email", "")
    if email_raw:
        email = _email(email_raw)
        if email is None:
            return _("“%(value)s” is not a valid e-mail address.") % {"value": email_raw[:100]}
        if len(email) > EMAIL_MAX:
            return _("The e-mail address is longer than %(limit)s characters.") % {"limit": EMAIL_MAX}
        row.email = email
    phone_raw = raw.pop("phone", "")
    if phone_raw:
        phone = _phone(phone_raw)
        if phone is None:
            return _("“%(value)s” is not a valid phone number.") % {"value": phone_raw[:100]}
        row.phone = phone
    if not (row.email or row.phone):
        return _("No e-mail address or phone number.")
    language = raw.get("preferred_language")
    if language:
        code = context.language(language)
        if code is None:
            return _("“%(value)s” is not a language we know.") % {"value": language[:50]}
        raw["preferred_language"] = code
    tags = raw.pop("tags", "")
    if tags:
        row.tags = context.tags(tags)
    for name, limit in plan.limits:
        value = raw.get(name)
        if value is not None and len(value) > limit:
            return _("The %(field)s is longer than %(limit)s characters.") % {
                "field": FIELDS[name],
                "limit": limit,
            }
    row.values = raw
    return row


def preview(*, job: ImportJob, path: Path, mapping: dict[str, str]) -> list[tuple[int, list[str], str]]:
    """The first rows as (row number, cells, problem or "") for the mapping page."""
    context = RowContext.load(job.organization)
    shown = []
    for number, cells in data_rows(path):
        result = row_validate(number, cells, mapping, context)
        shown.append((number, cells, result if isinstance(result, str) else ""))
        if len(shown) >= PREVIEW_ROWS:
            break
    return shown
