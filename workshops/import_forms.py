"""Forms of the measure-table import: the table (pasted or uploaded), then the column mapping."""

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from . import tables

SIGNING_SALT = "workshops.import.table"
PREVIEW_MAX_AGE = 24 * 60 * 60  # a preview left open overnight still confirms


def sign_table(raw: tables.RawTable, *, group_pk: int) -> str:
    """The table travels from the preview to the confirmation in the page itself (no server
    state); signed, so that what is confirmed is what was read."""
    return signing.dumps(
        {"group": group_pk, "rows": raw.to_data()}, salt=SIGNING_SALT, compress=True
    )


def unsign_table(value: str, *, group_pk: int) -> tables.RawTable | None:
    try:
        data = signing.loads(value, salt=SIGNING_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("group") != group_pk:
        return None
    try:
        return tables.RawTable.from_data(data["rows"])
    except (KeyError, TypeError, ValueError):
        return None


class TableForm(forms.Form):
    text = forms.CharField(
        label=_("Paste the table"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=_(
            "Select the whole table in Word, Excel or LibreOffice including its headings, copy it "
            "and paste it here. Recognised headings: Priorität, Maßnahme (Idee/Beschreibung), "
            "Mehrwert (Ziele der Maßnahme), Machbarkeit (Zeithorizont, Erfolgskriterien), "
            "Handlungsfeld, Mission. The first line of a measure cell becomes its title, the "
            "following lines its description."
        ),
    )
    file = forms.FileField(
        label=_("Or upload a file"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        help_text=_("CSV or XLSX, at most 5 MB and 500 rows."),
    )

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("text") or "", cleaned.get("file")
        if self.errors:
            return cleaned
        if upload and text.strip():
            self.add_error(
                "file", _("Please either paste a table or upload a file, not both at once.")
            )
            return cleaned
        if not upload and not text.strip():
            self.add_error("text", _("Please paste a table or choose a file."))
            return cleaned
        try:
            if upload:
                tables.check_file_size(upload.size or 0)
                cleaned["raw"] = tables.read_upload(upload.name, upload.read())
            else:
                cleaned["raw"] = tables.read_paste(text)
        except tables.TableError as error:
            self.add_error("file" if upload else "text", error.message)
        return cleaned


IGNORE = ""


class MappingForm(forms.Form):
    """One choice per column of the table; „Die erste Zeile enthält Überschriften“ where no
    heading was recognised."""

    def __init__(self, *args, headers: list[str], mapping: dict[int, str], ask_header: bool,
                 has_header: bool, **kwargs):  # fmt: skip
        super().__init__(*args, **kwargs)
        choices = [(IGNORE, _("– do not import –"))] + [
            (name, tables.FIELD_LABELS[name]) for name in tables.FIELDS
        ]
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=_("Column %(number)d: “%(header)s”")
                % {"number": index + 1, "header": header},
                choices=choices,
                required=False,
                initial=mapping.get(index, IGNORE),
            )
            # Every column gets a choice („nicht übernehmen“ included): none is “optional”.
            self.fields[f"column_{index}"].conditionally_required = True
        if ask_header:
            self.fields["has_header"] = forms.BooleanField(
                label=_("The first row contains headings"), required=False, initial=has_header
            )
        self.column_count = len(headers)

    def clean(self):
        cleaned = super().clean()
        seen = {}
        for index in range(self.column_count):
            name = cleaned.get(f"column_{index}")
            if not name:
                continue
            if name in seen:
                self.add_error(
                    f"column_{index}",
                    _("“%(field)s” is already chosen for column %(number)d.")
                    % {"field": tables.FIELD_LABELS[name], "number": seen[name] + 1},
                )
            seen[name] = index
        return cleaned

    def mapping(self) -> dict[int, str]:
        return {
            index: self.cleaned_data[f"column_{index}"]
            for index in range(self.column_count)
            if self.cleaned_data.get(f"column_{index}")
        }
