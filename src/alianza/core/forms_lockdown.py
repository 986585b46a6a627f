from django import forms
from django.utils.translation import gettext_lazy as _

from .lockdown import REASON_MAX_LENGTH


class LockdownForm(forms.Form):
    reason = forms.CharField(
        label=_("What happened (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Encrypted, seen by your admins only. Do not write names of the people you serve."),
    )
    confirm = forms.BooleanField(
        label=_("I understand: everyone in the organization, me included, is signed out now."),
        required=True,
        error_messages={"required": _("Tick the box to confirm the lockdown.")},
    )


class HubApproveForm(forms.Form):
    organization = forms.SlugField()


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("What is it for?"),
        max_length=100,
        help_text=_("For example: “weekly sync with the voter file”. Shown in the list and the audit trail."),
        error_messages={"required": _("Say in a few words what the token is for.")},
    )
    days = forms.TypedChoiceField(
        label=_("Works for"),
        coerce=int,
        choices=[(30, _("30 days")), (90, _("90 days")), (365, _("one year"))],
        initial=90,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how long the token works.")},
    )
