"""Forms of the actions app: staff (events, shifts, code of conduct, check-in) and public (the
RSVP and the proposal of a volunteer-hosted event, both with the network's honeypot)."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from i18nfield.forms import I18nModelForm

from alianza.core.models import Organization
from alianza.network.forms import HoneypotForm
from alianza.network.models import validate_phone, validate_single_line
from alianza.people.models import Channel

from .models import CodeOfConductVersion, Event, Shift, validate_time_zone

TIME_ZONES = [
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
    "America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico", "UTC",
]  # fmt: skip
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def _local_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)


def _time_zone_choices(current: str = "") -> list[tuple[str, str]]:
    zones = [*TIME_ZONES, *([current] if current and current not in TIME_ZONES else [])]
    return [(zone, zone.replace("_", " ")) for zone in zones]


def in_zone(value: datetime, zone: str) -> datetime:
    """A date and time typed as the event's local time (the form parses it in the server's zone)
    → the same wall-clock time in ``zone``, aware."""
    naive = timezone.make_naive(value) if timezone.is_aware(value) else value
    return timezone.make_aware(naive, ZoneInfo(zone))


def language_choices() -> list[tuple[str, str]]:
    # Each language in its own name, so a reader finds theirs whatever the page's language.
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class EventForm(I18nModelForm):
    starts_at = forms.DateTimeField(label=_("Starts (local time of the event)"), widget=_local_input())
    ends_at = forms.DateTimeField(label=_("Ends (local time of the event)"), widget=_local_input())
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices)
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"), choices=settings.ALL_LANGUAGES, widget=forms.CheckboxSelectMultiple, required=False
    )
    interpretation = forms.MultipleChoiceField(
        label=_("Interpretation into"),
        choices=settings.ALL_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    representatives = forms.ModelMultipleChoiceField(
        label=_("Organizations that may represent the coalition here"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Event
        fields = [
            "title", "description", "kind", "format", "starts_at", "ends_at", "time_zone", "visibility",
            "place_name", "address", "hide_address", "virtual_link", "capacity", "waitlist", "languages",
            "interpretation", "accessibility", "childcare", "requires_code_of_conduct",
        ]  # fmt: skip
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "virtual_link": forms.TextInput(attrs={"type": "url"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        event: Event = self.instance
        self.fields["time_zone"].choices = _time_zone_choices(event.time_zone)
        self.fields["representatives"].queryset = Organization.objects.filter(
            status=Organization.Status.ACTIVE
        ).order_by("name")
        if event.pk:
            self.initial["representatives"] = list(event.representatives.all())
        if event.starts_at and not self.is_bound:
            self.initial["starts_at"] = timezone.make_naive(event.starts_at, event.zone)
            self.initial["ends_at"] = timezone.make_naive(event.ends_at, event.zone)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone = data.get("time_zone")
        if zone:
            for name in ("starts_at", "ends_at"):
                if data.get(name):
                    data[name] = in_zone(data[name], zone)
        return data


class ShiftForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Shift.Role.choices)
    starts_at = forms.DateTimeField(label=_("Starts (local time of the event)"), widget=_local_input())
    ends_at = forms.DateTimeField(label=_("Ends (local time of the event)"), widget=_local_input())
    capacity = forms.IntegerField(label=_("Volunteers needed"), min_value=1, max_value=10_000, initial=2)


class ConductForm(I18nModelForm):
    class Meta:
        model = CodeOfConductVersion
        fields = ["title", "text"]


class CheckinSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, e-mail or phone"), max_length=100, required=False)


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, validators=[validate_single_line])
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False, validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel"}),
    )  # fmt: skip
    language = forms.ChoiceField(label=_("Preferred language"), choices=language_choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone") and not {"email", "phone"} & set(self.errors):
            self.add_error("email", _("Give an e-mail address or a phone number."))
        return data


# --- Public -------------------------------------------------------------------------------

CONSENT_FIELDS = {"consent_email": Channel.EMAIL, "consent_sms": Channel.SMS, "consent_whatsapp": Channel.WHATSAPP}


class ShiftChoiceField(forms.ChoiceField):
    """One of the shifts the form offers, which were read with the event: what is sent is checked
    against them in memory, with no query, and the labels (each shift's times in the event's
    zone) are made only when the form is shown, not when a POST is checked. Its value is the
    ``Shift``, or None for "no shift"."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shifts: dict[str, Shift] = {}

    def offer(self, shifts: list[Shift]) -> None:
        self.shifts = {str(shift.pk): shift for shift in shifts}
        self.choices = lambda: [("", _("No shift, I will just come")), *((s.pk, str(s)) for s in shifts)]

    def to_python(self, value: Any) -> Shift | None:
        if value in self.empty_values:
            return None
        shift = self.shifts.get(str(value))
        if shift is None:
            message = self.error_messages["invalid_choice"]
            raise forms.ValidationError(message, code="invalid_choice", params={"value": value})
        return shift

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)  # the choice was checked by to_python, without labelling them


class RSVPForm(HoneypotForm):
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
        help_text=_("One is enough. The confirmation, the address and the cancel link come by e-mail."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=language_choices)
    shift = ShiftChoiceField(label=_("Volunteer for a shift"), required=False)
    consent_email = forms.BooleanField(label=_("You may send me news by e-mail."), required=False)
    consent_sms = forms.BooleanField(label=_("You may send me text messages (SMS)."), required=False)
    consent_whatsapp = forms.BooleanField(label=_("You may write to me on WhatsApp."), required=False)
    accept_conduct = forms.BooleanField(
        label=_("I have read the code of conduct above, and I accept it."),
        error_messages={"required": _("Please read the code of conduct and tick this box to accept it.")},
    )

    def __init__(self, *args: Any, shifts: list[Shift], conduct: CodeOfConductVersion | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conduct = conduct
        self.offer_shifts(shifts)
        # A page opened before the last shift filled up (or went) still sends that shift: it is
        # refused as a full shift is, never dropped silently.
        self.shift_gone = not shifts and self.is_bound and bool(self.data.get("shift"))
        if conduct is None:
            del self.fields["accept_conduct"]

    def offer_shifts(self, shifts: list[Shift]) -> None:
        """Offer (and accept) these shifts; without any, the form has no shift field. Called again
        on a checked form to show the shifts still open beside its errors."""
        shift_field = self.fields.get("shift")
        if not shifts:
            if shift_field is not None:
                del self.fields["shift"]
                checked = getattr(self, "_errors", None)  # set once the form was checked
                if checked and "shift" in checked:  # the error stays shown, without the field
                    for error in checked.pop("shift"):
                        self.add_error(None, error)
            return
        if shift_field is None:
            shift_field = self.fields["shift"] = copy.deepcopy(self.base_fields["shift"])
        assert isinstance(shift_field, ShiftChoiceField)
        shift_field.offer(shifts)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone") and not {"email", "phone"} & set(self.errors):
            self.add_error("email", _("Give an e-mail address or a phone number so we can reach you."))
        if self.shift_gone:
            self.add_error(None, _("That shift is full. Choose another one, or none."))
        return data

    def consents(self) -> dict[str, bool]:
        return {str(channel): bool(self.cleaned_data.get(name)) for name, channel in CONSENT_FIELDS.items()}

    def questions(self) -> list[forms.BoundField]:
        return [f for f in self if f.name not in {"website", "accept_conduct", *CONSENT_FIELDS}]

    def consent_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CONSENT_FIELDS]


class ProposalForm(HoneypotForm):
    title = forms.CharField(label=_("Name of the event"), max_length=200, validators=[validate_single_line])
    description = forms.CharField(
        label=_("What will happen, and who is it for?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    kind = forms.ChoiceField(label=_("Type of event"), choices=Event.Kind.choices)
    format = forms.ChoiceField(label=_("Where"), choices=Event.Format.choices)
    starts_at = forms.DateTimeField(label=_("Starts (local time)"), widget=_local_input())
    ends_at = forms.DateTimeField(label=_("Ends (local time)"), widget=_local_input())
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices, initial="America/Chicago")
    place_name = forms.CharField(
        label=_("Area (shown to everyone)"), max_length=200, required=False, validators=[validate_single_line]
    )
    address = forms.CharField(
        label=_("Street address (only for confirmed RSVPs)"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    virtual_link = forms.URLField(label=_("Online meeting link"), required=False, assume_scheme="https")
    host_name = forms.CharField(
        label=_("Your name"), max_length=200, validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )  # fmt: skip
    host_email = forms.EmailField(label=_("Your e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    host_phone = forms.CharField(
        label=_("Your phone"), max_length=40, required=False, validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone = data.get("time_zone")
        if zone:
            validate_time_zone(zone)
            for name in ("starts_at", "ends_at"):
                if data.get(name):
                    data[name] = in_zone(data[name], zone)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must be after the start."))
        if data.get("starts_at") and data["starts_at"] <= timezone.now():
            self.add_error("starts_at", _("Choose a date in the future."))
        return data

    def questions(self) -> list[forms.BoundField]:
        return [f for f in self if f.name != "website"]
