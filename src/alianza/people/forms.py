from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from alianza.core.models import Organization

from .models import Channel, Tag
from .operations import PersonInput


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
