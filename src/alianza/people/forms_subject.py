"""Forms of requests about a person's own data: the public request (with the network's
honeypot) and the staff's erasure confirmation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from alianza.core.sms import sms_enabled
from alianza.network.forms import HoneypotForm

from .contact import email_normalize, phone_normalize
from .erasure import ErasureReason
from .models import SubjectRequestKind


class SubjectRequestForm(HoneypotForm):
    kind = forms.ChoiceField(
        label=_("What are you asking for?"),
        choices=SubjectRequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you are asking for.")},
    )
    contact = forms.CharField(
        label=_("Your e-mail address or mobile number"),
        max_length=254,
        help_text=_("The address or number the organizations have for you. We send a link there to confirm it is you."),
        error_messages={"required": _("Give your e-mail address or your mobile number.")},
        widget=forms.TextInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if sms_enabled():
            # A phone's e-mail keyboard makes typing a number awkward: the plain one serves both.
            del self.fields["contact"].widget.attrs["inputmode"]
        else:
            field = self.fields["contact"]
            field.label = _("Your e-mail address")
            field.help_text = _(
                "The address the organizations have for you. We send a link there to confirm it is you."
            )
            field.error_messages["required"] = _("Give your e-mail address.")

    def clean_contact(self) -> dict[str, str]:
        """``{"email": ...}`` or ``{"phone": <E.164>}``: the one channel the link goes to."""
        raw = self.cleaned_data["contact"].strip()
        if "@" in raw:
            try:
                return {"email": email_normalize(raw)}
            except ValidationError:
                raise ValidationError(_("Enter an e-mail address like name@example.org."), code="invalid") from None
        if not sms_enabled():
            raise ValidationError(_("Enter an e-mail address like name@example.org."), code="invalid")
        try:
            number, kind = phone_normalize(raw)
        except ValidationError:
            raise ValidationError(
                _("Enter an e-mail address like name@example.org or a mobile number like +1 512 555 0100."),
                code="invalid",
            ) from None
        if kind == "landline":
            raise ValidationError(_("This is a landline: text messages cannot reach it. Give a mobile number."))
        return {"phone": number}

    def questions(self) -> list[forms.BoundField]:
        return [self["kind"], self["contact"]]


class ErasureForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is this record erased?"),
        choices=ErasureReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why the record is erased.")},
    )
    confirm = forms.BooleanField(
        label=_("I understand: everything about this person is removed for good, in every part of Alianza."),
        error_messages={"required": _("Tick this box to confirm the erasure.")},
    )


class ConfirmErasureRequestForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I checked this request. Erase this person now, for good, in every part of Alianza."),
        error_messages={"required": _("Tick this box to confirm the erasure.")},
    )
