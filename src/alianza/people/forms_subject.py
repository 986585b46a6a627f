"""Forms of requests about a person's own data: the public request (with the network's
honeypot) and the staff's erasure confirmation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alianza.network.forms import HoneypotForm

from .erasure import ErasureReason
from .models import SubjectRequestKind


class SubjectRequestForm(HoneypotForm):
    kind = forms.ChoiceField(
        label=_("What are you asking for?"),
        choices=SubjectRequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you are asking for.")},
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("The address the organizations have for you. We send a link there to confirm it is you."),
        error_messages={
            "required": _("Give your e-mail address."),
            "invalid": _("Enter an e-mail address like name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def questions(self) -> list[forms.BoundField]:
        return [self["kind"], self["email"]]


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
