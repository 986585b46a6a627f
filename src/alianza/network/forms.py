from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from i18nfield.forms import I18nModelForm

from alianza.core.models import Organization

from .applications import SLUG_MAX_LENGTH
from .models import (
    IndividualSignup,
    OrganizationApplication,
    PrinciplesVersion,
    WorkingGroup,
    WorkingGroupMember,
    network_participants,
    validate_counties,
    validate_phone,
    validate_single_line,
)

HONEYPOT = "website"
ACCEPT = "accept_principles"


class HoneypotForm(forms.Form):
    """A public form with a honeypot field that people never see (the template hides it): bots
    that fill it in are thanked and forgotten. Shared by the "Join us" forms and other apps'
    public forms (RSVPs, event proposals)."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def caught_a_bot(self) -> bool:
        return bool(str(self.data.get(self.add_prefix(HONEYPOT), "")).strip())


class JoinForm(HoneypotForm):
    """Shared by both public "Join us" forms: the honeypot, and the acceptance of the values
    and principles."""

    accept_principles = forms.BooleanField(
        label=_("I have read the coalition's values and principles above, and I accept them."),
        error_messages={"required": _("Please read the values and principles and tick this box to accept them.")},
    )

    def questions(self) -> list[forms.BoundField]:
        """The fields a person fills in, in order (without the honeypot and the acceptance)."""
        return [field for field in self if field.name not in {HONEYPOT, ACCEPT}]

    def typed_values(self) -> dict[str, Any]:
        """What was typed, as initial values (for re-showing a form without judging it)."""
        values = {}
        for name, field in self.fields.items():
            if name in {HONEYPOT, ACCEPT}:
                continue
            values[name] = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        return values


class OrganizationApplicationForm(JoinForm):
    name = forms.CharField(label=_("Name of the organization"), max_length=200, validators=[validate_single_line])
    kinds = forms.MultipleChoiceField(
        label=_("What kind of organization is it?"),
        choices=Organization.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    counties = forms.CharField(
        label=_("Counties you serve"),
        required=False,
        help_text=_("One per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, validators=[validate_single_line])
    contact_email = forms.EmailField(
        label=_("Contact e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=40,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you work in"),
        choices=settings.ALL_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    mission = forms.CharField(
        label=_("Your mission"),
        max_length=5000,
        help_text=_("What your organization does, and why it wants to join the coalition."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_counties(self) -> list[str]:
        counties = [line.strip() for line in self.cleaned_data["counties"].splitlines() if line.strip()]
        validate_counties(counties)
        return counties


def _language_choices() -> list[tuple[str, str]]:
    # Each language in its own name, so a reader finds theirs whatever the page's language.
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class IndividualSignupForm(JoinForm):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        validators=[validate_phone],
        help_text=_("An e-mail address or a phone number: one is enough."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=_language_choices)
    county = forms.CharField(label=_("County"), max_length=100, required=False, validators=[validate_single_line])
    joins_as = forms.ChoiceField(
        label=_("I want to join as"),
        choices=IndividualSignup.JoinsAs.choices,
        initial=IndividualSignup.JoinsAs.MEMBER,
        widget=forms.RadioSelect,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not data.get("email")
            and not data.get("phone")
            and "email" not in self.errors
            and "phone" not in self.errors
        ):
            self.add_error("email", _("Give an e-mail address or a phone number so we can reach you."))
        return data


# --- Staff --------------------------------------------------------------------------------


class PrinciplesForm(I18nModelForm):
    class Meta:
        model = PrinciplesVersion
        fields = ["title", "text"]


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *OrganizationApplication.Status.choices],
    )


class ApproveForm(forms.Form):
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=SLUG_MAX_LENGTH,
        required=False,
        help_text=_("Used in the organization's addresses. Leave it empty to make one from the name."),
    )


class RequestInfoForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the contact"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("E-mailed to the contact person. Write it in the language they applied in."),
    )


class WorkingGroupForm(I18nModelForm):
    class Meta:
        model = WorkingGroup
        fields = ["kind", "name", "purpose", "status"]

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:  # a new group is active
            del self.fields["status"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class WorkingGroupMemberForm(forms.Form):
    represents = forms.ModelChoiceField(
        label=_("Organization represented"),
        queryset=Organization.objects.none(),
        help_text=_("The hub or an active member organization."),
    )
    staff_email = forms.EmailField(
        label=_("Staff member's e-mail"),
        required=False,
        help_text=_("Someone with an account at that organization. Or leave it empty and write a name below."),
    )
    name = forms.CharField(
        label=_("Representative's name"), max_length=200, required=False, validators=[validate_single_line]
    )
    contact = forms.CharField(
        label=_("Representative's contact"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How to reach them (e-mail, phone). Encrypted; seen by the hub's staff only."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=WorkingGroupMember.Role.choices, initial=WorkingGroupMember.Role.MEMBER
    )
    joined_on = forms.DateField(label=_("Joined"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["represents"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organization.objects.filter(network_participants()).order_by("tier", "name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email, name = data.get("staff_email"), (data.get("name") or "").strip()
        if "staff_email" in self.errors or "name" in self.errors:
            return data
        if bool(email) == bool(name):
            raise forms.ValidationError(
                _("Give a staff member's e-mail, or a representative's name (and how to reach them), not both.")
            )
        if email and (data.get("contact") or "").strip():
            self.add_error("contact", _("Staff members are reached through their account: leave this empty."))
        return data


class MemberLeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), required=False, widget=DateInput())
