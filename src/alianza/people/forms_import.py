from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .import_reading import CUSTOM
from .models import ImportJob

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel (.xlsx) file"), help_text=_("The first row must name the columns."))
    on_match = forms.ChoiceField(
        label=_("People already in your contacts (same e-mail or phone)"),
        choices=ImportJob.OnMatch.choices,
        initial=ImportJob.OnMatch.SKIP,
        widget=forms.RadioSelect,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB. Split it in parts."))
        return upload


class MappingForm(forms.Form):
    """One choice per column of the file: which field it fills, or nothing."""

    def __init__(
        self, *args: Any, headers: list[str], initial_mapping: dict[str, str], targets: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        own = [(name, label) for name, label in targets.items() if not name.startswith(CUSTOM)]
        custom = [(name, label) for name, label in targets.items() if name.startswith(CUSTOM)]
        choices: list[Any] = [("", _("— do not import —")), *own]
        if custom:
            choices.append((_("Custom fields"), custom))
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("Column %(n)s") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=initial_mapping.get(str(index), ""),
            )

    def mapping(self) -> dict[str, str]:
        return {name.removeprefix("col_"): value for name, value in self.cleaned_data.items() if value}
