from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from i18nfield.forms import I18nModelForm

from .models import AuditEvent, LegalRequest, Organization
from .organizations import PROFILE_FIELDS
from .permissions import Role
from .retention import Limits, range_message


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AcceptWithPasswordForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            from .models import User

            try:
                password_validation.validate_password(p1, User(email=self.email))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class OrganizationProfileForm(I18nModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("Kinds"), choices=Organization.Kind.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=settings.ALL_LANGUAGES, widget=forms.CheckboxSelectMultiple, required=False
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    counties = forms.CharField(
        label=_("Counties served"),
        required=False,
        help_text=_("One per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Organization
        fields = PROFILE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance and not self.is_bound:
            self.initial["counties"] = "\n".join(self.instance.counties)

    def clean_counties(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["counties"].splitlines() if line.strip()]


class AuditFilterForm(forms.Form):
    actor = forms.ChoiceField(label=_("Who"), required=False)
    action = forms.CharField(label=_("Action"), required=False, help_text=_("For example core.membership"))
    record = forms.CharField(label=_("Record"), required=False, help_text=_("For example core.membership:12"))
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, actors: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor_field = self.fields["actor"]
        assert isinstance(actor_field, forms.ChoiceField)
        actor_field.choices = [("", _("Anyone")), *actors]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        record = data.get("record") or ""
        if record and ":" not in record:
            self.add_error("record", _("Write the record as type:id, for example core.membership:12."))
        return data

    def filter(self, events: Any) -> Any:
        data = self.cleaned_data
        if data.get("actor"):
            events = events.filter(actor_id=data["actor"]) if data["actor"] != "system" else events.filter(actor=None)
        if data.get("action"):
            events = events.filter(action__startswith=data["action"].strip())
        if data.get("record"):
            object_type, _sep, object_id = data["record"].strip().partition(":")
            events = events.filter(object_type=object_type, object_id=object_id)
        if data.get("date_from"):
            events = events.filter(created_at__date__gte=data["date_from"])
        if data.get("date_to"):
            events = events.filter(created_at__date__lte=data["date_to"])
        return events


__all__ = ["AuditEvent", "AuditFilterForm", "InvitationForm", "OrganizationProfileForm", "RoleForm"]


class RetentionForm(forms.Form):
    """One number of days per record kind, each within the limits in force (the hub's, within
    the rule's: ``retention.limits_for``); outside them, the error names the allowed range."""

    def __init__(
        self, *args: Any, rules: list[Any], current: dict[str, int], limits: dict[str, Limits], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for rule in rules:
            limit = limits[rule.code]
            out_of_range = range_message(limit)
            self.fields[rule.code] = forms.IntegerField(
                label=rule.label,
                min_value=limit.min_days,
                max_value=limit.max_days,
                initial=current[rule.code],
                help_text=_("Between %(min)d and %(max)d days; %(default)d by default.")
                % {"min": limit.min_days, "max": limit.max_days, "default": limit.clamp(rule.default_days)},
                error_messages={"min_value": out_of_range, "max_value": out_of_range},
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )


class LegalRequestForm(forms.ModelForm):
    class Meta:
        model = LegalRequest
        fields = ["received_on", "kind", "agency", "scope_summary", "status", "person_notified", "closed_on"]
        widgets = {
            "received_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "scope_summary": forms.Textarea(attrs={"rows": 3}),
        }


class RetentionLimitsForm(forms.Form):
    """For the hub: the shortest and longest period organizations may choose, per record kind,
    each within the rule's hard limits in code. Fields ``<code>-min`` and ``<code>-max``."""

    def __init__(self, *args: Any, rules: list[Any], limits: dict[str, Limits], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for rule in rules:
            hard = _("Between %(min)d and %(max)d days (the limits in code).") % {
                "min": rule.min_days,
                "max": rule.max_days,
            }
            for end, label, initial in (
                ("min", _("Shortest period (days)"), limits[rule.code].min_days),
                ("max", _("Longest period (days)"), limits[rule.code].max_days),
            ):
                self.fields[f"{rule.code}-{end}"] = forms.IntegerField(
                    label=label,
                    min_value=rule.min_days,
                    max_value=rule.max_days,
                    initial=initial,
                    help_text=hard,
                    error_messages={"min_value": hard, "max_value": hard},
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in list(self.fields):
            if name.endswith("-min"):
                code = name.removesuffix("-min")
                low, high = data.get(name), data.get(f"{code}-max")
                if low is not None and high is not None and low > high:
                    self.add_error(name, _("The shortest period may not be longer than the longest."))
        return data
