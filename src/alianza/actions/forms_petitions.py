"""Forms of petitions and letters: staff (a petition, a letter campaign) and public (a
signature, a letter; both with the network's honeypot)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from i18nfield.forms import I18nModelForm

from alianza.campaigns.access import campaigns_visible_to
from alianza.campaigns.models import Campaign
from alianza.core.models import Organization
from alianza.network.forms import HoneypotForm
from alianza.network.models import validate_phone, validate_single_line

from .forms import CONSENT_FIELDS, language_choices
from .letters import BODY_MAX
from .models import LetterCampaign, Petition


def _campaign_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=_("Campaign"), required=False, coerce=int, empty_value=None)


class _CampaignChoice:
    """The optional campaign: one the organization leads or is a partner of (a mixin of the
    staff forms below, which declare ``campaign_choice``)."""

    fields: dict[str, forms.Field]
    initial: dict[str, Any]
    cleaned_data: dict[str, Any]
    instance: Any

    def _set_up_campaigns(self, organization: Organization) -> None:
        self._campaigns: dict[int, Campaign] = {a.campaign.pk: a.campaign for a in campaigns_visible_to(organization)}
        field = self.fields["campaign_choice"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("No campaign"))] + [(pk, str(c.title)) for pk, c in self._campaigns.items()]
        field.help_text = _("Open public actions are listed on the campaign's public page.")
        if self.instance.campaign_id:
            self.initial["campaign_choice"] = self.instance.campaign_id

    def clean_campaign_choice(self) -> Campaign | None:
        value = self.cleaned_data.get("campaign_choice")
        if value is None:
            return None
        if value not in self._campaigns:
            raise forms.ValidationError(_("Choose a campaign from the list."))
        return self._campaigns[value]

    def _post_clean(self) -> None:
        self.instance.campaign = self.cleaned_data.get("campaign_choice")
        super()._post_clean()  # type: ignore[misc]


class PetitionForm(_CampaignChoice, I18nModelForm):
    campaign_choice = _campaign_field()

    class Meta:
        model = Petition
        fields = ["title", "text", "targets", "goal", "visibility"]
        widgets = {"targets": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_up_campaigns(organization)


class LetterCampaignForm(_CampaignChoice, I18nModelForm):
    campaign_choice = _campaign_field()

    class Meta:
        model = LetterCampaign
        fields = [
            "title", "introduction", "target_name", "target_email", "subject", "body", "delivery", "visibility",
        ]  # fmt: skip

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_up_campaigns(organization)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Petition.Status.choices)


# --- Public -------------------------------------------------------------------------------


class SignerForm(HoneypotForm):
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
        help_text=_("One is enough."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    zip_code = forms.RegexField(
        label=_("ZIP code"),
        regex=r"^\s*[0-9]{5}(-[0-9]{4})?\s*$",
        max_length=10,
        error_messages={"invalid": _("Enter a ZIP code of 5 digits, e.g. 78702.")},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=language_choices)
    consent_email = forms.BooleanField(label=_("You may send me news by e-mail."), required=False)
    consent_sms = forms.BooleanField(label=_("You may send me text messages (SMS)."), required=False)
    consent_whatsapp = forms.BooleanField(label=_("You may write to me on WhatsApp."), required=False)

    # The boxes shown in their own fieldset, after the questions.
    BOXES: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone") and not {"email", "phone"} & set(self.errors):
            self.add_error("email", _("Give an e-mail address or a phone number."))
        return data

    def consents(self) -> dict[str, bool]:
        return {str(channel): bool(self.cleaned_data.get(name)) for name, channel in CONSENT_FIELDS.items()}

    def questions(self) -> list[forms.BoundField]:
        return [f for f in self if f.name not in {"website", *self.BOXES, *CONSENT_FIELDS}]

    def boxes(self) -> list[forms.BoundField]:
        return [self[name] for name in self.BOXES]

    def consent_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CONSENT_FIELDS]


class SignatureForm(SignerForm):
    comment = forms.CharField(
        label=_("Why do you sign? (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    show_name = forms.BooleanField(
        label=_("Show my name publicly: on this page (first name and initial) and on the petition we deliver."),
        required=False,
    )
    BOXES: tuple[str, ...] = ("show_name",)


class LetterForm(SignerForm):
    body = forms.CharField(
        label=_("Your letter (you may change it)"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    send_consent = forms.BooleanField(
        label=_("Send this letter in my name, with my name and ZIP code, to the person it is addressed to."),
        error_messages={"required": _("Please tick this box to let us deliver your letter in your name.")},
    )
    reply_to_signer = forms.BooleanField(
        label=_("The official may answer me: give them my e-mail address (as the reply address)."),
        required=False,
    )
    BOXES: tuple[str, ...] = ("send_consent", "reply_to_signer")
    field_order = ["body"]  # the letter first, then who signs it

    def __init__(self, *args: Any, sends_email: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not sends_email:
            del self.fields["reply_to_signer"]
            self.BOXES = ("send_consent",)
            self.fields["send_consent"].label = _(
                "Deliver this letter in my name, with my name and ZIP code, to the person it is addressed to."
            )
