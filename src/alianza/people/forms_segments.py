"""Forms of lists, segments and exports. They validate; the operations in ``lists.py``,
``segments.py`` and ``exporting.py`` do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from alianza.core.models import Organization

from .models import Channel, PeopleList, Tag
from .segments import ANY, MATCH_CHOICES, MAX_DAYS, ZIP_PREFIX, SegmentError, SegmentFilters


class SegmentFilterForm(forms.Form):
    """The filters of the segment builder (also read by the live count)."""

    tags: forms.ModelMultipleChoiceField[Tag] = forms.ModelMultipleChoiceField(
        label=_("Tags"), queryset=Tag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    tags_match = forms.ChoiceField(
        label=_("The person has"), choices=MATCH_CHOICES, required=False, initial=ANY, widget=forms.RadioSelect
    )
    languages = forms.MultipleChoiceField(
        label=_("Preferred language"),
        choices=settings.ALL_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    county = forms.CharField(label=_("County"), max_length=100, required=False)
    zip_prefix = forms.CharField(
        label=_("ZIP code starts with"), max_length=10, required=False, help_text=_("For example 787 or 78701.")
    )
    consent = forms.MultipleChoiceField(
        label=_("Agrees to be contacted by"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their latest answer for each channel."),
    )
    consent_match = forms.ChoiceField(
        label=_("The person agrees to"), choices=MATCH_CHOICES, required=False, initial=ANY, widget=forms.RadioSelect
    )
    added_within_days = forms.IntegerField(
        label=_("Added in the last … days"), min_value=1, max_value=MAX_DAYS, required=False
    )
    people_list: forms.ModelChoiceField[PeopleList] = forms.ModelChoiceField(
        label=_("In the list"), queryset=PeopleList.objects.none(), required=False, empty_label=_("(any)")
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        tags = self.fields["tags"]
        assert isinstance(tags, forms.ModelMultipleChoiceField)
        tags.queryset = Tag.objects.filter(organization=organization)
        lists = self.fields["people_list"]
        assert isinstance(lists, forms.ModelChoiceField)
        lists.queryset = PeopleList.objects.filter(organization=organization)

    def clean_county(self) -> str:
        return " ".join(self.cleaned_data["county"].split())

    def clean_zip_prefix(self) -> str:
        prefix: str = self.cleaned_data["zip_prefix"].replace(" ", "")
        if prefix and not ZIP_PREFIX.match(prefix):
            raise forms.ValidationError(_("Enter the first digits of a ZIP code, for example 787 or 78701."))
        return prefix

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            try:
                self.to_filters().check()
            except SegmentError as exc:
                raise forms.ValidationError(str(exc)) from None
        return data

    def to_filters(self) -> SegmentFilters:
        data = self.cleaned_data
        people_list = data.get("people_list")
        return SegmentFilters(
            tags=tuple(sorted(tag.pk for tag in data.get("tags") or [])),
            tags_match=data.get("tags_match") or ANY,
            languages=tuple(sorted(data.get("languages") or [])),
            county=data.get("county") or "",
            zip_prefix=data.get("zip_prefix") or "",
            consent=tuple(sorted(data.get("consent") or [])),
            consent_match=data.get("consent_match") or ANY,
            added_within_days=data.get("added_within_days"),
            people_list=people_list.pk if people_list is not None else None,
        )

    @staticmethod
    def initial_for(filters: SegmentFilters) -> dict[str, Any]:
        return {
            "tags": list(filters.tags),
            "tags_match": filters.tags_match,
            "languages": list(filters.languages),
            "county": filters.county,
            "zip_prefix": filters.zip_prefix,
            "consent": list(filters.consent),
            "consent_match": filters.consent_match,
            "added_within_days": filters.added_within_days,
            "people_list": filters.people_list,
        }


class SegmentForm(SegmentFilterForm):
    name = forms.CharField(label=_("Name of the segment"), max_length=120)

    field_order = ["name"]


class PeopleListForm(forms.Form):
    name = forms.CharField(label=_("Name of the list"), max_length=120)
    description = forms.CharField(
        label=_("Description (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the list is for. Do not write anything about a person here."),
    )


class AddToListForm(forms.Form):
    """Which list the people of a search or a segment go to (an existing one or a new one)."""

    people_list: forms.ModelChoiceField[PeopleList] = forms.ModelChoiceField(
        label=_("Add them to the list"),
        queryset=PeopleList.objects.none(),
        required=False,
        empty_label=_("(choose a list)"),
    )
    new_list_name = forms.CharField(label=_("Or to a new list named"), max_length=120, required=False)
    q = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    segment = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lists = self.fields["people_list"]
        assert isinstance(lists, forms.ModelChoiceField)
        lists.queryset = PeopleList.objects.filter(organization=organization)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen, new_name = data.get("people_list"), (data.get("new_list_name") or "").strip()
        if chosen is None and not new_name:
            raise forms.ValidationError(_("Choose a list, or name a new one."))
        if chosen is not None and new_name:
            raise forms.ValidationError(_("Choose a list or name a new one, not both."))
        return data


class ExportForm(forms.Form):
    file_format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("xlsx", _("Excel (XLSX)"))])
    q = forms.CharField(required=False, max_length=100)  # the search, when a search is exported
