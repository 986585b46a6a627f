"""Organization-defined custom fields on people: the definitions (``CustomField``) and the one
parser of their values.

Values live in ``Person.custom`` as key → typed JSON value: text a string, number an int or a
float, date an ISO string (``2024-05-31``), choice an option's key. ``custom_values_clean`` turns
what someone typed in a form or what a CSV cell holds into those values (the importer calls it
too), with translated errors.

The definitions change only through the operations here (``custom_field_create``,
``custom_field_update``, ``custom_field_archive``, ``custom_field_delete``). They keep keys
stable, refuse to change the type of a field that has values or to drop an option in use, and
refuse fields that would collect immigration facts (DESIGN.md §5.1).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.db.models.fields.json import KeyTransform
from django.http import HttpRequest
from django.utils import formats
from django.utils.translation import gettext as _
from django_scopes import scope
from i18nfield.strings import LazyI18nString

from alianza.core.audit import log_action
from alianza.core.models import Organization, User

from .models import CustomField, Person

KEY_PATTERN = re.compile(r"^(?=.{1,40}$)[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")  # no "__": keys go into lookups
TEXT_MAX = 500
MAX_OPTIONS = 100
MAX_FIELDS = 100


class CustomFieldError(Exception):
    """A custom field or a value that cannot be saved; the message is translated and shown."""


# --- Privacy: no back door for immigration facts (DESIGN.md §5.1) ------------------------------

# Matched against keys, labels, help texts and option labels in every language, lower-cased,
# without accents, with anything but letters and digits turned into single spaces. English and
# Spanish (and the obvious Portuguese and French forms); not exhaustive, a guard rail.
_FORBIDDEN_WORDS = re.compile(
    r"\b(?:"
    r"immigra\w*|inmigra\w*|imigra\w*|migrator\w*|migratoir\w*|"
    r"citizen\w*|ciudadan\w*|cidadan\w*|citoyen\w*|naturaliz\w*|"
    r"visa|visas|visado|daca|dapa|tps|green card|tarjeta verde|work permit|permiso de trabajo|"
    r"ead|i 94|i94|asylum|asilo|asile|refugee\w*|refugiad\w*|deport\w*|parole|"
    r"a ?(?:number|num|nro|numero)|(?:numero|nro|num) (?:a|de extranjero)|alien\w*|extranjer\w*|"
    r"ssn|ss number|social security|seguro social|securite sociale|itin|"
    r"birth ?(?:country|place)|birthplace|place of birth|country of (?:birth|origin)|"
    r"home country|origin country|pais (?:de )?(?:nacimiento|origen|natal|procedencia)|lugar de nacimiento|"
    r"pays (?:de )?(?:naissance|origine)|nationalit\w*|nacionalidad\w*|"
    r"legal status|immigration status|estatus (?:legal|migratorio)|estado (?:legal|migratorio)|"
    r"situacion (?:legal|migratoria)|status (?:legal|migratorio)|"
    r"documented|undocumented|indocumentad\w*|documentad\w*|sin papeles|papeles|papers|"
    r"permanent resident\w*|lawful permanent|residencia permanente|residente permanente"
    r")\b"
)


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def names_immigration_fact(text: str) -> bool:
    """Whether ``text`` (a key, a label …) names immigration status, an A-number, an SSN, a birth
    country, a visa or the like, in English or Spanish."""
    # "a_number" as a key: underscores and hyphens are word separators too.
    return bool(_FORBIDDEN_WORDS.search(_plain(text.replace("_", " "))))


def _privacy_error() -> str:
    return _(
        "Alianza does not keep immigration status, country of birth, nationality, A-number, visa or Social "
        "Security number, in any field: if these records leaked they could put people in danger. Choose "
        "another field."
    )


# --- Values -----------------------------------------------------------------------------------


def _number(raw: str) -> int | float | None:
    """``1234``, ``-2.5``, ``2,5``, ``1.234,5``, ``1,234.5``, ``1 234,5`` → a number (None if not one).

    The decimal separator is ``.`` or ``,``: when both appear, the last one is the decimal
    separator and the other groups thousands; one separator that appears more than once groups
    thousands; a single one is the decimal separator (``1,5`` = 1.5)."""
    text = "".join(raw.split())  # spaces, no-break spaces as thousand separators
    text = text.replace("\u2212", "-")  # the minus sign
    if not re.fullmatch(r"[+-]?[0-9.,]*[0-9][0-9.,]*", text):
        return None
    sign = "-" if text.startswith("-") else ""
    digits = text.lstrip("+-")
    if "," in digits and "." in digits:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _sep, fraction = digits.rpartition(decimal)
        if not re.fullmatch(r"[0-9]{1,3}(?:" + re.escape(thousands) + r"[0-9]{3})*", whole):
            return None
        digits = whole.replace(thousands, "") + "." + fraction
    else:
        separator = "," if "," in digits else "." if "." in digits else ""
        if separator and digits.count(separator) > 1:
            if not re.fullmatch(r"[0-9]{1,3}(?:" + re.escape(separator) + r"[0-9]{3})+", digits):
                return None
            digits = digits.replace(separator, "")
        elif separator:
            digits = digits.replace(separator, ".")
    if not re.fullmatch(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+", digits):
        return None
    try:
        value = Decimal(sign + digits)
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) >= Decimal(10) ** 15:
        return None
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    return number if math.isfinite(number) else None


def _date(raw: str) -> str | None:
    """An ISO date (``2024-05-31``; also ``2024-05-31 10:00:00``, which the importer writes for an
    Excel date-time cell), or a date in the formats of the active language (Django's
    ``DATE_INPUT_FORMATS``: ``05/31/2024`` in English, ``31/05/2024`` in Spanish) → ISO."""
    text = raw.strip()
    iso = re.fullmatch(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?", text)
    if iso:
        try:
            return dt.date.fromisoformat(iso.group(1)).isoformat()
        except ValueError:
            return None
    for pattern in formats.get_format("DATE_INPUT_FORMATS"):
        try:
            parsed = dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return parsed.isoformat()
    return None


def _choice(definition: CustomField, raw: str) -> str | None:
    """The key of the option whose key or label (in any language) is ``raw``, ignoring case."""
    wanted = raw.strip().casefold()
    for option in definition.choices:
        if str(option.get("key", "")).casefold() == wanted:
            return str(option["key"])
    for option in definition.choices:
        labels = option.get("label") or {}
        if any(str(label).strip().casefold() == wanted for label in labels.values() if label):
            return str(option["key"])
    return None


def custom_value_parse(*, definition: CustomField, raw: str) -> Any:
    """One value typed by someone (or found in a file) → its typed value; ``None`` for an empty
    one. Raises ``CustomFieldError`` with a translated message naming the field."""
    text = unicodedata.normalize("NFC", raw).strip()
    if not text:
        return None
    label = str(definition.label) or definition.key
    kind = definition.field_type
    if kind == CustomField.Type.TEXT:
        if len(text) > TEXT_MAX:
            raise CustomFieldError(
                _("%(field)s: write at most %(max)d characters.") % {"field": label, "max": TEXT_MAX}
            )
        return text
    if kind == CustomField.Type.NUMBER:
        number = _number(text)
        if number is None:
            raise CustomFieldError(
                _("%(field)s: “%(value)s” is not a number (for example 12, 2.5 or 2,5).")
                % {"field": label, "value": text[:50]}
            )
        return number
    if kind == CustomField.Type.DATE:
        date = _date(text)
        if date is None:
            raise CustomFieldError(
                _("%(field)s: “%(value)s” is not a date (write it as year-month-day, for example 2024-05-31).")
                % {"field": label, "value": text[:50]}
            )
        return date
    key = _choice(definition, text)
    if key is None:
        options = ", ".join(definition.choice_label(option["key"]) for option in definition.choices)
        raise CustomFieldError(
            _("%(field)s: “%(value)s” is not one of the options (%(options)s).")
            % {"field": label, "value": text[:50], "options": options}
        )
    return key


def custom_fields_of(organization: Organization, *, include_archived: bool = True) -> list[CustomField]:
    with scope(organization=organization):
        fields = CustomField.objects.filter(organization=organization)
        if not include_archived:
            fields = fields.filter(archived=False)
        return list(fields)


def custom_values_clean(
    *,
    raw: dict[str, str],
    organization: Organization | None = None,
    definitions: dict[str, CustomField] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Typed values for the texts in ``raw`` (field key → text, as typed in a form or found in a
    CSV cell), and the translated errors. A key that is not one of the organization's fields is
    an error; an empty text gives ``None`` (meaning: no value). Archived fields are accepted
    (their values are kept and may be imported).

    For many rows (an import), load the fields once and pass them as ``definitions``
    (``{f.key: f for f in custom_fields_of(organization)}``), which saves a query per row."""
    if definitions is None:
        if organization is None:
            raise TypeError("custom_values_clean needs the organization or its definitions")
        definitions = {f.key: f for f in custom_fields_of(organization)}
    values: dict[str, Any] = {}
    errors: list[str] = []
    for key, text in raw.items():
        definition = definitions.get(key)
        if definition is None:
            errors.append(_("“%(key)s” is not one of your organization's fields.") % {"key": key[:50]})
            continue
        try:
            values[key] = custom_value_parse(definition=definition, raw=text or "")
        except CustomFieldError as exc:
            errors.append(str(exc))
    return values, errors


def custom_value_is_valid(definition: CustomField, value: Any) -> bool:
    """Whether an already typed ``value`` fits the field (what the operations store)."""
    kind = definition.field_type
    if kind == CustomField.Type.TEXT:
        return isinstance(value, str) and 0 < len(value) <= TEXT_MAX
    if kind == CustomField.Type.NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if kind == CustomField.Type.DATE:
        return isinstance(value, str) and _date(value) == value
    return isinstance(value, str) and any(option.get("key") == value for option in definition.choices)


def custom_value_display(definition: CustomField, value: Any) -> str:
    """A stored value as people read it: a choice's label, a localized number or date."""
    if value is None or value == "":
        return ""
    kind = definition.field_type
    if kind == CustomField.Type.CHOICE:
        return definition.choice_label(str(value))
    if kind == CustomField.Type.NUMBER and isinstance(value, int | float) and not isinstance(value, bool):
        return str(formats.number_format(value, use_l10n=True))
    if kind == CustomField.Type.DATE and isinstance(value, str):
        try:
            return str(formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT"))
        except ValueError:
            return value
    return str(value)


def custom_value_export(definition: CustomField, value: Any) -> str:
    """A stored value for a spreadsheet: a choice's label, a number with ``.``, an ISO date."""
    if value is None or value == "":
        return ""
    if definition.field_type == CustomField.Type.CHOICE:
        return definition.choice_label(str(value))
    return str(value)


# --- Definitions --------------------------------------------------------------------------------


@dataclass
class ChoiceOption:
    key: str
    label: dict[str, str]  # language → label


@dataclass
class CustomFieldInput:
    label: LazyI18nString
    field_type: str = CustomField.Type.TEXT
    key: str = ""  # made from the label when empty (only when creating: keys never change)
    help_text: LazyI18nString = field(default_factory=lambda: LazyI18nString({}))
    choices: list[ChoiceOption] = field(default_factory=list)
    order: int = 0


def _languages(value: LazyI18nString | str | None) -> dict[str, str]:
    data = getattr(value, "data", value)
    if isinstance(data, dict):
        return {lang: str(text).strip() for lang, text in data.items() if text and str(text).strip()}
    return {"en": str(data).strip()} if data and str(data).strip() else {}


def key_from(text: str, *, taken: set[str], fallback: str = "field") -> str:
    """A key made from a label: ``T-shirt size`` → ``t_shirt_size`` (unique among ``taken``)."""
    base = _plain(text).replace(" ", "_")[:32].strip("_")
    if not base or not base[0].isalpha():
        base = f"{fallback}_{base}".strip("_") if base else fallback
    key, n = base, 2
    while key in taken:
        key = f"{base}_{n}"
        n += 1
    return key


def custom_value(key: str) -> KeyTransform:
    """The expression of one field's value (never ``custom__<key>`` in a lookup string: a key
    such as ``exact`` or ``contains`` would be read as a lookup)."""
    return KeyTransform(key, "custom")


def has_value(key: str) -> Q:
    return Q(custom__has_key=key)


def option_is(key: str, options: list[str] | tuple[str, ...]) -> Q:
    """People whose choice field ``key`` holds one of ``options``. On PostgreSQL this is JSON
    containment (``custom @> '{"key": "m"}'``), which the GIN index serves."""
    if not options:
        return Q(pk__in=[])
    if connection.vendor == "postgresql":
        combined = Q()
        for option in options:
            combined |= Q(custom__contains={key: option})
        return combined
    return Q(pk__in=Person.objects.alias(cf_value=custom_value(key)).filter(cf_value__in=list(options)).values("pk"))


def _people_with_values(organization: Organization, key: str) -> Any:
    return Person.objects.filter(organization=organization).filter(has_value(key))


def option_in_use(organization: Organization, key: str, option: str) -> bool:
    return Person.objects.filter(organization=organization).filter(option_is(key, [option])).exists()


def _check(definition: CustomField, data: CustomFieldInput) -> tuple[dict[str, str], dict[str, str], list[dict]]:
    """The cleaned label, help text and options, or ``CustomFieldError``."""
    label = _languages(data.label)
    if not label:
        raise CustomFieldError(_("Give the field a label."))
    if any(len(text) > 100 for text in label.values()):
        raise CustomFieldError(_("Write a label of at most 100 characters."))
    help_text = _languages(data.help_text)
    if any(len(text) > 300 for text in help_text.values()):
        raise CustomFieldError(_("Write a help text of at most 300 characters."))
    if data.field_type not in CustomField.Type.values:
        raise CustomFieldError(_("Choose a type from the list."))
    options: list[dict] = []
    if data.field_type == CustomField.Type.CHOICE:
        if not data.choices:
            raise CustomFieldError(_("A choice field needs at least one option."))
        if len(data.choices) > MAX_OPTIONS:
            raise CustomFieldError(_("A choice field can have at most %(max)d options.") % {"max": MAX_OPTIONS})
        seen_keys: set[str] = set()
        seen_labels: set[str] = set()
        for option in data.choices:
            labels = _languages(option.label)
            if not KEY_PATTERN.match(option.key):
                raise CustomFieldError(
                    _(
                        "The option key “%(key)s” must start with a letter and use only small letters a to z, "
                        "digits and single underscores."
                    )
                    % {"key": option.key[:50]}
                )
            if not labels:
                raise CustomFieldError(_("Give the option “%(key)s” a label.") % {"key": option.key})
            if option.key in seen_keys:
                raise CustomFieldError(_("Two options have the key “%(key)s”.") % {"key": option.key})
            for text in labels.values():
                if text.casefold() in seen_labels:
                    raise CustomFieldError(_("Two options have the label “%(label)s”.") % {"label": text})
                seen_labels.add(text.casefold())
            seen_keys.add(option.key)
            options.append({"key": option.key, "label": labels})
    texts = [definition.key, *label.values(), *help_text.values()]
    texts += [text for option in options for text in (option["key"], *option["label"].values())]
    if any(names_immigration_fact(text) for text in texts):
        raise CustomFieldError(_privacy_error())
    return label, help_text, options


def custom_field_create(
    *, organization: Organization, actor: User, data: CustomFieldInput, request: HttpRequest | None = None
) -> CustomField:
    with transaction.atomic(), scope(organization=organization):
        existing = set(CustomField.objects.filter(organization=organization).values_list("key", flat=True))
        if len(existing) >= MAX_FIELDS:
            raise CustomFieldError(_("An organization can have at most %(max)d fields.") % {"max": MAX_FIELDS})
        key = data.key.strip()
        if not key:
            label = _languages(data.label)
            key = key_from(label.get("en") or next(iter(label.values()), ""), taken=existing)
        if not KEY_PATTERN.match(key):
            raise CustomFieldError(
                _(
                    "The key must start with a letter and use only small letters a to z, digits and single "
                    "underscores (at most 40 characters)."
                )
            )
        if key in existing:
            raise CustomFieldError(_("Another field already has the key “%(key)s”.") % {"key": key})
        definition = CustomField(organization=organization, key=key, field_type=data.field_type, order=data.order)
        label, help_text, options = _check(definition, data)
        definition.label = LazyI18nString(label)
        definition.help_text = LazyI18nString(help_text)
        definition.choices = options
        try:
            with transaction.atomic():  # a savepoint: two people creating the same key at once
                definition.save()
        except IntegrityError:
            raise CustomFieldError(_("Another field already has the key “%(key)s”.") % {"key": key}) from None
        log_action(
            actor=actor,
            organization=organization,
            action="people.custom_field.created",
            obj=definition,
            data={"field": key, "type": definition.field_type},
            request=request,
        )
    return definition


def custom_field_update(
    *, definition: CustomField, actor: User, data: CustomFieldInput, request: HttpRequest | None = None
) -> CustomField:
    """Change the label, help text, options, order, or the type while nobody has a value. The
    key never changes (``data.key`` is ignored)."""
    organization = definition.organization
    with transaction.atomic(), scope(organization=organization):
        definition = CustomField.objects.select_for_update().get(pk=definition.pk)
        changed: list[str] = []
        if data.field_type != definition.field_type:
            if _people_with_values(organization, definition.key).exists():
                raise CustomFieldError(
                    _(
                        "People already have values in this field, so its type cannot change. Archive it and "
                        "create a new field instead."
                    )
                )
            changed.append("type")
        candidate = CustomField(organization=organization, key=definition.key, field_type=data.field_type)
        label, help_text, options = _check(candidate, data)
        if data.field_type == CustomField.Type.CHOICE and definition.field_type == CustomField.Type.CHOICE:
            kept = {option["key"] for option in options}
            for option in definition.choices:
                if option["key"] not in kept and option_in_use(organization, definition.key, option["key"]):
                    raise CustomFieldError(
                        _("People have the option “%(option)s”: keep it (you can change its label).")
                        % {"option": definition.choice_label(option["key"])}
                    )
        before = (_languages(definition.label), _languages(definition.help_text), definition.choices, definition.order)
        after = (label, help_text, options, data.order)
        changed += [
            name for name, old, new in zip(("label", "help_text", "choices", "order"), before, after, strict=True)
            if old != new
        ]  # fmt: skip
        definition.field_type = data.field_type
        definition.label = LazyI18nString(label)
        definition.help_text = LazyI18nString(help_text)
        definition.choices = options
        definition.order = data.order
        if changed:
            definition.save(update_fields=["field_type", "label", "help_text", "choices", "order"])
            log_action(
                actor=actor,
                organization=organization,
                action="people.custom_field.updated",
                obj=definition,
                data={"field": definition.key, "fields": changed},
                request=request,
            )
    return definition


def custom_field_archive(
    *, definition: CustomField, actor: User, archived: bool, request: HttpRequest | None = None
) -> CustomField:
    """Archive (hide from the person form; values kept and exported) or bring back a field."""
    with transaction.atomic(), scope(organization=definition.organization):
        definition = CustomField.objects.select_for_update().get(pk=definition.pk)
        if definition.archived != archived:
            definition.archived = archived
            definition.save(update_fields=["archived"])
            log_action(
                actor=actor,
                organization=definition.organization,
                action="people.custom_field.archived" if archived else "people.custom_field.restored",
                obj=definition,
                data={"field": definition.key},
                request=request,
            )
    return definition


def custom_field_delete(*, definition: CustomField, actor: User, request: HttpRequest | None = None) -> None:
    """Delete a field nobody has a value in (with values, archive it: nothing is lost). Segments
    that filtered on it then match nobody."""
    organization = definition.organization
    with transaction.atomic(), scope(organization=organization):
        definition = CustomField.objects.select_for_update().get(pk=definition.pk)
        if _people_with_values(organization, definition.key).exists():
            raise CustomFieldError(
                _("People have values in this field. Archive it instead: it leaves the form and the values stay.")
            )
        log_action(
            actor=actor,
            organization=organization,
            action="people.custom_field.deleted",
            obj=definition,
            data={"field": definition.key},
            request=request,
        )
        definition.delete()


def people_with_values_count(organization: Organization) -> dict[str, int]:
    """How many people have a value in each field (for the fields page)."""
    with scope(organization=organization):
        keys = list(CustomField.objects.filter(organization=organization).values_list("key", flat=True))
        if not keys:
            return {}
        counts = Person.objects.filter(organization=organization).aggregate(
            **{f"n{i}": Count("pk", filter=has_value(key)) for i, key in enumerate(keys)}
        )
        return {key: counts[f"n{i}"] for i, key in enumerate(keys)}
