from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from alianza.people.models import Person

from .models import BoardSeat, Honorarium


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Find the person"), max_length=200, required=False)


class SeatForm(forms.Form):
    """A seat: the person (chosen among the results of a search, on a new seat only), role and term."""

    person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": _("Search for the person and choose them.")},
    )
    role = forms.ChoiceField(label=_("Role on the board"), choices=BoardSeat.Role.choices, initial="member")
    term_start = forms.DateField(label=_("Term starts"), widget=DateInput())
    term_end = forms.DateField(label=_("Term ends"), widget=DateInput())

    def __init__(self, *args: Any, candidates: QuerySet[Person] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        if candidates is None:  # changing a seat: the person stays
            del self.fields["person"]
            return
        person.queryset = Person.objects.all()  # any of the hub's people is valid (the request's scope)...
        # ...but only the search results are offered, so the page never lists every person.
        person.widget.choices = [(p.pk, p.display_name) for p in candidates]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("term_start"), data.get("term_end")
        if start and end and end <= start:
            self.add_error("term_end", _("The term must end after it starts."))
        return data


class HonorariumForm(forms.ModelForm):
    class Meta:
        model = Honorarium
        fields = ["amount", "currency", "date", "purpose", "status", "payment_method"]
        widgets = {"date": DateInput(), "payment_method": forms.TextInput()}


class ExportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
