"""Django forms of staff-built forms: the form's settings and a field (staff), and the public
form a visitor fills in, built from the fields (with the network's honeypot)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from i18nfield.forms import I18nFormField, I18nModelForm, I18nTextarea
from i18nfield.strings import LazyI18nString

from alianza.campaigns.models import Campaign
from alianza.core.models import Organization
from alianza.network.forms import HoneypotForm
from alianza.network.models import validate_phone, validate_single_line

from .forms import language_choices
from .forms_builder import MAX_LONG_TEXT, MAX_NUMBER, MAX_TEXT, FormError, options_from_lines
from .models import Form, FormField


class FormSettingsForm(I18nModelForm):
    campaign: forms.ModelChoiceField[Campaign] = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False
    )

    class Meta:
        model = Form
        fields = ["title", "intro", "thanks", "campaign", "is_volunteer_signup"]

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campaign = self.fields["campaign"]
        assert isinstance(campaign, forms.ModelChoiceField)
        campaign.queryset = Campaign.objects.filter(organization=organization).order_by("-starts_on", "-id")
        campaign.help_text = _("Optional. An open form of a public campaign is listed on the campaign's public page.")


class FieldForm(I18nModelForm):
    choices = I18nFormField(
        label=_("Choices, one per line"),
        widget=I18nTextarea,
        required=False,
        help_text=_(
            "For “one choice” and “several choices”: one answer per line, in the same order in every language."
        ),
    )

    class Meta:
        model = FormField
        fields = ["kind", "label", "help", "required", "consent_channel"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        locales = kwargs.get("locales")
        super().__init__(*args, **kwargs)
        if locales:
            self.fields["choices"].widget.enabled_locales = locales
        field: FormField = self.instance
        if field.pk and field.options and not self.is_bound:
            languages = {code for option in field.options for code in (option.get("label") or {})}
            self.initial["choices"] = LazyI18nString(
                {code: "\n".join((o.get("label") or {}).get(code, "") for o in field.options) for code in languages}
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value = data.get("choices")
        lines = value.data if isinstance(value, LazyI18nString) and isinstance(value.data, dict) else {}
        field: FormField = self.instance
        try:  # before the model's own checks, which need the choices
            field.options = options_from_lines(
                {code: text for code, text in lines.items() if isinstance(text, str)}, existing=field.options
            )
        except FormError as exc:
            self.add_error("choices", str(exc))
        return data


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class ExportForm(forms.Form):
    file_format = forms.ChoiceField(choices=[("csv", "CSV"), ("xlsx", "Excel (XLSX)")])


# --- Public -------------------------------------------------------------------------------

ANSWER_PREFIX = "answer_"
REQUIRED = _("This question needs an answer.")


def _answer_field(field: FormField) -> forms.Field:
    label = str(field.label)
    common: dict[str, Any] = {
        "label": label,
        "help_text": str(field.help) if str(field.help) else "",
        "required": field.required,
        "error_messages": {"required": REQUIRED},
    }
    kind = field.kind
    if kind == FormField.Kind.TEXT:
        return forms.CharField(max_length=MAX_TEXT, validators=[validate_single_line], **common)
    if kind == FormField.Kind.LONG_TEXT:
        return forms.CharField(max_length=MAX_LONG_TEXT, widget=forms.Textarea(attrs={"rows": 4}), **common)
    if kind == FormField.Kind.NUMBER:
        return forms.DecimalField(
            max_value=MAX_NUMBER - 1, min_value=-(MAX_NUMBER - 1), widget=forms.NumberInput(attrs={"step": "any"}),
            **common,
        )  # fmt: skip
    if kind == FormField.Kind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    options = [(str(o.get("key")), str(LazyI18nString(o.get("label") or {}))) for o in field.options]
    if kind == FormField.Kind.CHOICE:
        return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
    if kind == FormField.Kind.MULTI_CHOICE:
        return forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple, **common)
    if kind == FormField.Kind.CONSENT:
        common["error_messages"] = {"required": _("Please tick this box to go on.")}
        return forms.BooleanField(**common)
    raise ValueError(kind)


class PublicForm(HoneypotForm):
    """The contact fields every form asks (name, e-mail or phone, language), then the form's
    own questions in their order."""

    name = forms.CharField(
        label=_("Your name"), max_length=200, validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )  # fmt: skip
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        validators=[validate_phone],
        help_text=_("An e-mail address or a phone number is enough."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=language_choices)

    def __init__(self, *args: Any, fields: list[FormField], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form_fields = fields
        for field in fields:
            self.fields[f"{ANSWER_PREFIX}{field.pk}"] = _answer_field(field)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone") and not {"email", "phone"} & set(self.errors):
            self.add_error("email", _("Give an e-mail address or a phone number so we can reach you."))
        return data

    def answers(self) -> dict[str, Any]:
        """The cleaned answers keyed by field id, as ``forms_builder.form_submit`` takes them."""
        return {str(f.pk): self.cleaned_data.get(f"{ANSWER_PREFIX}{f.pk}") for f in self.form_fields}

    def add_answer_errors(self, errors: dict[str, str]) -> None:
        for key, message in errors.items():
            self.add_error(f"{ANSWER_PREFIX}{key}", message)

    def contact_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "email", "phone", "language")]

    def questions(self) -> list[forms.BoundField]:
        return [self[f"{ANSWER_PREFIX}{f.pk}"] for f in self.form_fields]
