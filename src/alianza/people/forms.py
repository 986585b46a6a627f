from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from alianza.core.models import Organization

from .custom_fields import CustomFieldError, custom_fields_of, custom_value_parse
from .models import Channel, CustomField, Tag
from .operations import PersonInput

CUSTOM_PREFIX = "custom_"


def custom_form_field(definition: CustomField) -> forms.Field:
    """The form field for one custom field: a value typed as text, parsed by ``custom_value_parse``."""
    common: dict[str, Any] = {"label": str(definition.label), "required": False, "help_text": str(definition.help_text)}
    kind = definition.field_type
    if kind == CustomField.Type.CHOICE:
        options = [(option["key"], definition.choice_label(option["key"])) for option in definition.choices]
        return forms.ChoiceField(choices=[("", "—"), *options], **common)
    if kind == CustomField.Type.NUMBER:
        return forms.CharField(max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if kind == CustomField.Type.DATE:
        return forms.CharField(max_length=40, widget=forms.TextInput(attrs={"type": "date"}), **common)
    return forms.CharField(max_length=500, **common)


def custom_initial(definitions: list[CustomField], values: dict[str, Any]) -> dict[str, str]:
    """A person's custom values as the form shows them (ISO dates, option keys, plain numbers)."""
    return {f"{CUSTOM_PREFIX}{d.key}": str(values[d.key]) for d in definitions if values.get(d.key) is not None}


class PersonForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    preferred_name = forms.CharField(label=_("Preferred name"), max_length=150, required=False)
    pronouns = forms.CharField(label=_("Pronouns"), max_length=40, required=False)
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.ALL_LANGUAGES)
    other_languages = forms.MultipleChoiceField(
        label=_("Other languages"),
        choices=settings.ALL_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    email = forms.CharField(
        label=_("E-mail"), max_length=254, required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    whatsapp = forms.BooleanField(label=_("Uses WhatsApp on this phone"), required=False)
    consent = forms.MultipleChoiceField(
        label=_("Agrees to be contacted by"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    street = forms.CharField(label=_("Street address"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    county = forms.CharField(label=_("County"), max_length=100, required=False)
    state = forms.CharField(label=_("State"), max_length=50, required=False)
    zip_code = forms.CharField(label=_("ZIP code"), max_length=10, required=False)
    tags: forms.ModelMultipleChoiceField[Tag] = forms.ModelMultipleChoiceField(
        label=_("Tags"), queryset=Tag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Encrypted; seen by your organization only. Never write immigration status here."),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tags = self.fields["tags"]
        assert isinstance(tags, forms.ModelMultipleChoiceField)
        tags.queryset = Tag.objects.filter(organization=organization)
        # The organization's active custom fields, before the notes; archived ones keep their values.
        self.custom_fields = custom_fields_of(organization, include_archived=False)
        for definition in self.custom_fields:
            self.fields[f"{CUSTOM_PREFIX}{definition.key}"] = custom_form_field(definition)
        self.order_fields([name for name in self.fields if name != "notes"])
        self.custom_values: dict[str, Any] = {}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for definition in self.custom_fields:
            name = f"{CUSTOM_PREFIX}{definition.key}"
            if name in self.errors:
                continue
            try:
                self.custom_values[definition.key] = custom_value_parse(definition=definition, raw=data.get(name) or "")
            except CustomFieldError as exc:
                self.add_error(name, str(exc))
        return data

    def to_input(self) -> PersonInput:
        data = self.cleaned_data
        return PersonInput(
            **{name: data[name] for name in (
                "given_name", "family_name", "preferred_name", "pronouns", "preferred_language", "street", "city",
                "county", "state", "zip_code", "notes", "email", "phone", "whatsapp",
            )},
            other_languages=list(data["other_languages"]),
            tags=list(data["tags"]),
            consent=dict.fromkeys(data["consent"], True),
            custom=dict(self.custom_values),
        )  # fmt: skip


class SharingGrantForm(forms.Form):
    grantee = forms.ModelChoiceField(label=_("Share with"), queryset=Organization.objects.none())
    purpose = forms.CharField(
        label=_("For what"), max_length=300, help_text=_("For example: legal consultation, housing referral.")
    )
    expires_on = forms.DateField(
        label=_("Until (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    person_agreed = forms.BooleanField(
        label=_("The person agreed to share their record with this organization, for this purpose."), required=True
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grantee = self.fields["grantee"]
        assert isinstance(grantee, forms.ModelChoiceField)
        grantee.queryset = Organization.objects.filter(status=Organization.Status.ACTIVE).exclude(pk=organization.pk)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name, e-mail or phone"), required=False, max_length=100)
    reason = forms.CharField(label=_("Why (optional, kept in the audit trail)"), required=False, max_length=200)
