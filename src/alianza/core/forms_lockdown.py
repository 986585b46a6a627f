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
