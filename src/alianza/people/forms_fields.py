"""The form of a custom field's definition. It validates what was typed; the operations in
``custom_fields.py`` check the rest (keys, values in use, privacy) and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from i18nfield.forms import I18nForm, I18nFormField, I18nTextInput
from i18nfield.strings import LazyI18nString

from .custom_fields import KEY_PATTERN, ChoiceOption, CustomFieldInput, key_from
from .models import CustomField


def field_locales(organization: Any) -> list[str]:
    """English, Spanish and the organization's own languages (as on its profile)."""
    return [code for code, _name in settings.LANGUAGES if code in {"en", "es", *organization.languages}]


class LabelledI18nTextInput(I18nTextInput):
    """One text box per language, each with a visible label naming its language (the plain
    widget names them in a ``title`` only, which screen readers may skip)."""

    def format_output(self, rendered_widgets: list[str], id_: str) -> SafeString:
        names = dict(settings.LANGUAGES)
        shown = [code for code in self.locales if code in self.enabled_locales]
        parts = [
            f'<div class="i18n-language"><label for="{escape(id_)}_{self.locales.index(code)}">'
            f"{escape(str(names.get(code, code)))}</label>{html}</div>"
            for code, html in zip(shown, rendered_widgets, strict=False)
        ]
        return mark_safe(
            f'<div class="i18n-form-group" id="{escape(id_)}">{"".join(parts)}</div>'
        )  # each part escaped above


class CustomFieldForm(I18nForm):
    label = I18nFormField(
        label=_("Label"), widget=LabelledI18nTextInput, max_length=100, required=True, help_text=_("In each language.")
    )
    field_type = forms.ChoiceField(label=_("Type"), choices=CustomField.Type.choices, initial=CustomField.Type.TEXT)
    key = forms.CharField(
        label=_("Key (optional)"),
        max_length=40,
        required=False,
        help_text=_(
            "A short name for imports and exports, such as t_shirt_size: small letters a to z, digits and "
            "underscores. Made from the label when left empty. It never changes once the field exists."
        ),
    )
    choices_text = forms.CharField(
        label=_("Options (for a choice)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    help_text = I18nFormField(
        label=_("Help text (optional)"), widget=LabelledI18nTextInput, max_length=300, required=False
    )
    order = forms.IntegerField(
        label=_("Position in the form"), min_value=0, max_value=1000, initial=0, help_text=_("Smaller comes first.")
    )

    def __init__(self, *args: Any, locales: list[str], definition: CustomField | None = None, **kwargs: Any) -> None:
        super().__init__(*args, locales=locales, **kwargs)
        self.locales = locales
        self.definition = definition
        names = " | ".join(str(dict(settings.LANGUAGES)[code]) for code in locales)
        self.fields["choices_text"].help_text = _(
            "One option per line: a short key, “=”, then its label in each language separated by “|”, in this "
            "order: %(languages)s. For example: m = Medium | Mediana. Without a key, one is made from the first "
            "label. Keys never change; change a label instead."
        ) % {"languages": names}
        if definition is not None:  # the key never changes
            self.fields["key"].disabled = True
            self.fields["key"].help_text = _("The key never changes.")
            if not self.is_bound:
                self.initial.update(
                    label=definition.label,
                    help_text=definition.help_text,
                    field_type=definition.field_type,
                    key=definition.key,
                    order=definition.order,
                    choices_text=self.choices_as_text(definition.choices),
                )

    def choices_as_text(self, choices: list[dict[str, Any]]) -> str:
        lines = []
        for option in choices:
            labels = option.get("label") or {}
            shown = [labels.get(code, "") for code in self.locales]
            while shown and not shown[-1]:
                shown.pop()
            lines.append(f"{option['key']} = {' | '.join(shown)}")
        return "\n".join(lines)

    def clean_key(self) -> str:
        if self.definition is not None:
            return self.definition.key
        key: str = self.cleaned_data["key"].strip().lower()
        if key and not KEY_PATTERN.match(key):
            raise forms.ValidationError(
                _("Use only small letters a to z, digits and single underscores, starting with a letter.")
            )
        return key

    def clean_choices_text(self) -> list[ChoiceOption]:
        options: list[ChoiceOption] = []
        taken: set[str] = set()
        for number, line in enumerate(self.cleaned_data["choices_text"].splitlines(), start=1):
            if not line.strip():
                continue
            key, sep, rest = line.partition("=")
            if not sep:
                key, rest = "", line
            key = key.strip().lower()
            labels = [part.strip() for part in rest.split("|")]
            if len(labels) > len(self.locales):
                raise forms.ValidationError(
                    _("Line %(line)d has more labels than languages (%(count)d).")
                    % {"line": number, "count": len(self.locales)}
                )
            by_language = {code: text for code, text in zip(self.locales, labels, strict=False) if text}
            if not by_language:
                raise forms.ValidationError(_("Line %(line)d has no label.") % {"line": number})
            if not key:
                key = key_from(next(iter(by_language.values())), taken=taken, fallback="option")
            if not KEY_PATTERN.match(key):
                raise forms.ValidationError(
                    _("Line %(line)d: the key must start with a letter and use only small letters a to z, digits "
                      "and single underscores.") % {"line": number}
                )  # fmt: skip
            taken.add(key)
            options.append(ChoiceOption(key=key, label=by_language))
        return options

    def to_input(self) -> CustomFieldInput:
        data = self.cleaned_data
        field_type = data["field_type"]
        return CustomFieldInput(
            label=data["label"] or LazyI18nString({}),
            field_type=field_type,
            key=data["key"],
            help_text=data["help_text"] or LazyI18nString({}),
            choices=data["choices_text"] if field_type == CustomField.Type.CHOICE else [],
            order=data["order"] if data.get("order") is not None else 0,
        )
