"""Forms of lists, segments and exports. They validate; the operations in ``lists.py``,
``segments.py`` and ``exporting.py`` do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from alianza.core.models import Organization

from . import activity as activities
from .custom_fields import CustomFieldError, custom_fields_of, custom_value_parse
from .models import Channel, CustomField, PeopleList, Tag
from .segments import ANY, MATCH_CHOICES, MAX_DAYS, ZIP_PREFIX, CustomFilter, SegmentError, SegmentFilters

CF = "cf_"  # the builder's fields for custom field ``key``: cf_<key> (text, choice), cf_<key>_min/_max, _from/_to


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
    activity = forms.ChoiceField(label=_("Did this"), required=False)
    activity_days = forms.IntegerField(label=_("in the last … days"), min_value=1, max_value=MAX_DAYS, required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        tags = self.fields["tags"]
        assert isinstance(tags, forms.ModelMultipleChoiceField)
        tags.queryset = Tag.objects.filter(organization=organization)
        lists = self.fields["people_list"]
        assert isinstance(lists, forms.ModelChoiceField)
        lists.queryset = PeopleList.objects.filter(organization=organization)
        activity = self.fields["activity"]
        assert isinstance(activity, forms.ChoiceField)
        activity.choices = [("", _("(anything)")), *((kind.code, kind.label) for kind in activities.kinds())]
        # One group of fields per custom field (archived ones too: their values are kept).
        self.custom_fields = custom_fields_of(organization)
        self.custom_names: dict[str, list[str]] = {}
        for definition in self.custom_fields:
            self.custom_names[definition.key] = names = self._custom_field_names(definition)
            kind = definition.field_type
            if kind == CustomField.Type.TEXT:
                self.fields[names[0]] = forms.CharField(label=_("is (upper or lower case alike)"), required=False,
                                                        max_length=500)  # fmt: skip
            elif kind == CustomField.Type.CHOICE:
                options = [(option["key"], definition.choice_label(option["key"])) for option in definition.choices]
                self.fields[names[0]] = forms.MultipleChoiceField(
                    label=_("any of"), choices=options, required=False, widget=forms.CheckboxSelectMultiple
                )
            else:  # number or date: from … to (inside a fieldset named after the field)
                attrs = {"inputmode": "decimal"} if kind == CustomField.Type.NUMBER else {"type": "date"}
                for name, field_label in zip(names, (_("from"), _("to")), strict=True):
                    self.fields[name] = forms.CharField(
                        label=field_label, required=False, max_length=40, widget=forms.TextInput(attrs=attrs)
                    )

    @staticmethod
    def _custom_field_names(definition: CustomField | CustomFilter) -> list[str]:
        key = definition.key
        kind = definition.field_type
        if kind == CustomField.Type.NUMBER:
            return [f"{CF}{key}_min", f"{CF}{key}_max"]
        if kind == CustomField.Type.DATE:
            return [f"{CF}{key}_from", f"{CF}{key}_to"]
        return [f"{CF}{key}"]

    def custom_groups(self) -> list[tuple[CustomField, list[forms.BoundField]]]:
        """(field, its bound form fields) for the template."""
        return [(d, [self[name] for name in self.custom_names[d.key]]) for d in self.custom_fields]

    def _custom_filters(self) -> tuple[CustomFilter, ...]:
        """The custom field filters that are set; a value that is not a number or a date is an
        error on its form field (the one parser: ``custom_value_parse``)."""
        data = self.cleaned_data
        filters: list[CustomFilter] = []
        for definition in self.custom_fields:
            names = self.custom_names[definition.key]
            kind = definition.field_type
            if kind == CustomField.Type.TEXT:
                if data.get(names[0]):
                    filters.append(CustomFilter(key=definition.key, field_type=kind, equals=data[names[0]]))
                continue
            if kind == CustomField.Type.CHOICE:
                if data.get(names[0]):
                    options = tuple(sorted(data[names[0]]))
                    filters.append(CustomFilter(key=definition.key, field_type=kind, options=options))
                continue
            low, high = (self._parsed(definition, name) for name in names)
            if low is None and high is None:
                continue
            if kind == CustomField.Type.NUMBER:
                filters.append(CustomFilter(key=definition.key, field_type=kind, min=low, max=high))
            else:
                filters.append(CustomFilter(key=definition.key, field_type=kind, date_from=low or "",
                                            date_to=high or ""))  # fmt: skip
        return tuple(sorted(filters, key=lambda item: item.key))

    def _parsed(self, definition: CustomField, name: str) -> Any:
        raw = self.cleaned_data.get(name) or ""
        try:
            return custom_value_parse(definition=definition, raw=raw)
        except CustomFieldError as exc:
            if name not in self.errors:
                self.add_error(name, str(exc))
            return None

    def clean_county(self) -> str:
        return " ".join(self.cleaned_data["county"].split())

    def clean_zip_prefix(self) -> str:
        prefix: str = self.cleaned_data["zip_prefix"].replace(" ", "")
        if prefix and not ZIP_PREFIX.match(prefix):
            raise forms.ValidationError(_("Enter the first digits of a ZIP code, for example 787 or 78701."))
        return prefix

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.custom_filters = self._custom_filters()
        if bool(data.get("activity")) != (data.get("activity_days") is not None) and "activity_days" not in self.errors:
            self.add_error("activity_days", _("Choose what people did and in how many days, or neither."))
        if not self.errors:
            try:
                self.to_filters().check()
            except SegmentError as exc:
                raise forms.ValidationError(str(exc)) from None
        return data

    def to_filters(self) -> SegmentFilters:
        data = self.cleaned_data
        people_list = data.get("people_list")
        custom = getattr(self, "custom_filters", None)
        if custom is None:
            custom = self.custom_filters = self._custom_filters()
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
            custom=custom,
            activity=data.get("activity") or "",
            activity_days=data.get("activity_days") if data.get("activity") else None,
        )

    @classmethod
    def initial_for(cls, filters: SegmentFilters) -> dict[str, Any]:
        custom: dict[str, Any] = {}
        for item in filters.custom:
            names = cls._custom_field_names(item)
            if item.field_type == CustomField.Type.TEXT:
                custom[names[0]] = item.equals
            elif item.field_type == CustomField.Type.CHOICE:
                custom[names[0]] = list(item.options)
            elif item.field_type == CustomField.Type.NUMBER:
                custom |= {names[0]: "" if item.min is None else str(item.min),
                           names[1]: "" if item.max is None else str(item.max)}  # fmt: skip
            else:
                custom |= {names[0]: item.date_from, names[1]: item.date_to}
        return custom | {
            "tags": list(filters.tags),
            "tags_match": filters.tags_match,
            "languages": list(filters.languages),
            "county": filters.county,
            "zip_prefix": filters.zip_prefix,
            "consent": list(filters.consent),
            "consent_match": filters.consent_match,
            "added_within_days": filters.added_within_days,
            "people_list": filters.people_list,
            "activity": filters.activity,
            "activity_days": filters.activity_days,
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
    reason = forms.CharField(label=_("Why (optional, kept in the audit trail)"), required=False, max_length=200)
