"""Forms of the campaigns staff pages: they validate; the operations save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from i18nfield.forms import I18nModelForm, I18nTextarea, I18nTextInput

from alianza.core.models import Organization

from .models import Campaign, Commitment, Goal, Victory, validate_single_line, validate_web_url
from .operations import CampaignInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _LabelledI18nMixin:
    """One box per language, each with a visible label naming its language (i18nfield's own
    widget names them only in a ``title``, which screen readers may not announce)."""

    locales: list[str]
    enabled_locales: list[str]

    def format_output(self, rendered_widgets: list[str], id_: str) -> str:
        names = dict(settings.LANGUAGES)
        shown = [(i, code) for i, code in enumerate(self.locales) if code in self.enabled_locales]
        rows = [(id_, i, names.get(code, code), html) for (i, code), html in zip(shown, rendered_widgets, strict=False)]
        inner = format_html_join(
            "", '<div class="i18n-box"><label for="{}_{}">{}</label>{}</div>', ((a, b, c, d) for a, b, c, d in rows)
        )
        return format_html('<div class="i18n-form-group" id="{}">{}</div>', id_, inner)


class LabelledI18nTextInput(_LabelledI18nMixin, I18nTextInput):
    pass


class LabelledI18nTextarea(_LabelledI18nMixin, I18nTextarea):
    pass


class CampaignForm(I18nModelForm):
    issue_areas = forms.CharField(
        label=_("Issue areas"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas, for example: housing, policing. New ones are added to the coalition's list."),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organizations in the network"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They see this campaign read-only in their staff pages, and can make commitments."),
    )
    targets = forms.CharField(
        label=_("Targets"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who must act: officials, agencies, companies. One per line."),
    )

    class Meta:
        model = Campaign
        fields = ["title", "slug", "summary", "story", "level", "status", "is_public", "starts_on", "ends_on"]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "title": LabelledI18nTextInput,
            "summary": LabelledI18nTextarea,
            "story": LabelledI18nTextarea,
        }
        help_texts = {
            "story": _("Plain text: leave an empty line between paragraphs."),
            "is_public": _("Public campaigns have a page anyone can open, in every language you write."),
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partners = self.fields["partners"]
        assert isinstance(partners, forms.ModelMultipleChoiceField)
        partners.queryset = (
            Organization.objects.filter(status=Organization.Status.ACTIVE).exclude(pk=organization.pk).order_by("name")
        )
        if self.instance.pk and not self.is_bound:
            self.initial["targets"] = "\n".join(self.instance.targets)
            self.initial["issue_areas"] = ", ".join(a.name for a in self.instance.issue_areas.all())
            self.initial["partners"] = list(self.instance.partners.all())

    def clean_targets(self) -> list[str]:
        targets = [line.strip() for line in self.cleaned_data["targets"].splitlines() if line.strip()]
        if any(len(t) > 200 for t in targets):
            raise forms.ValidationError(_("Enter one target per line, each up to 200 characters."))
        return targets

    def clean_issue_areas(self) -> list[str]:
        names = [n.strip() for n in self.cleaned_data["issue_areas"].split(",") if n.strip()]
        if any(len(n) > 60 for n in names):
            raise forms.ValidationError(_("An issue area can be at most 60 characters long."))
        return names

    def validate_unique(self) -> None:
        """The operation checks the web address across all organizations (the model's own
        check would only see this organization's campaigns)."""

    def to_input(self) -> CampaignInput:
        data = self.cleaned_data
        return CampaignInput(
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            story=data["story"],
            issue_areas=data["issue_areas"],
            level=data["level"],
            partners=list(data["partners"]),
            targets=data["targets"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            status=data["status"],
            is_public=data["is_public"],
        )


class AllyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, validators=[validate_single_line])
    url = forms.URLField(
        label=_("Website"), max_length=500, required=False, assume_scheme="https", validators=[validate_web_url]
    )


class GoalForm(forms.Form):
    title = forms.CharField(
        label=_("Goal"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("For example: 10,000 signatures; pass bill HB 123; 30 county officials commit."),
    )
    kind = forms.ChoiceField(
        label=_("How is it measured?"), choices=Goal.Kind.choices, initial=Goal.Kind.NUMBER, widget=forms.RadioSelect
    )
    target_value = forms.IntegerField(
        label=_("Number to reach"), min_value=1, required=False, help_text=_("Only for a number to reach.")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Goal.Kind.NUMBER and not data.get("target_value") and "target_value" not in self.errors:
            self.add_error("target_value", _("Give the number to reach."))
        return data


class GoalProgressForm(forms.Form):
    current_value = forms.IntegerField(label=_("Reached so far"), min_value=0, required=False)
    met = forms.BooleanField(label=_("Reached"), required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200, validators=[validate_single_line])
    due_on = forms.DateField(label=_("Date"), widget=DATE)


class MilestoneDoneForm(forms.Form):
    done = forms.BooleanField(required=False)


class VictoryForm(I18nModelForm):
    class Meta:
        model = Victory
        fields = ["title", "won_on", "description", "evidence_url"]
        widgets = {"won_on": DATE, "title": LabelledI18nTextInput, "description": LabelledI18nTextarea}
        help_texts = {"description": _("Plain text: leave an empty line between paragraphs.")}

    evidence_url = forms.URLField(
        label=_("Evidence link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        validators=[validate_web_url],
        help_text=_("A news article, a signed ordinance, a vote record: a public web address."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["won_on"].initial = timezone.localdate()


class CommitmentForm(forms.Form):
    committed_organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("— a person instead —"),
    )
    person_email = forms.EmailField(
        label=_("Or a person: their e-mail address"),
        required=False,
        help_text=_("Someone in your organization's contacts, found by e-mail."),
    )
    task = forms.CharField(
        label=_("Commitment"),
        max_length=300,
        validators=[validate_single_line],
        help_text=_("For example: bring 40 people to the vigil."),
    )
    due_on = forms.DateField(label=_("Due"), widget=DATE)

    def __init__(self, *args: Any, makers: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["committed_organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organization.objects.filter(pk__in=[o.pk for o in makers]).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "person_email" in self.errors or "committed_organization" in self.errors:
            return data
        if bool(data.get("committed_organization")) == bool(data.get("person_email")):
            raise forms.ValidationError(_("Choose an organization, or give a person's e-mail address: one of the two."))
        return data


class CommitmentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Commitment.Status.choices)
