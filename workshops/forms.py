"""Forms of the facilitator screens. Uploads are checked by their content, not their name."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from strategy_portal.uploads import ReplacedFilesCleanupMixin, check_size, safe_name

from .models import (
    MAX_ATTACHMENT_BYTES,
    AgendaItem,
    Attachment,
    DocumentationSection,
    Figure,
    Method,
    NextDate,
    Participant,
    Speaker,
    Workshop,
    WorkshopGroup,
    detect_attachment_kind,
)

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def datetime_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = [
            "title",
            "slug",
            "motto",
            "summary",
            "action_fields",
            "format",
            "venue",
            "address",
            "online_tool",
            "start",
            "end",
            "organisers",
            "partner_organisations",
            "funding_note",
            "participant_count",
            "methods",
        ]
        widgets = {
            "start": datetime_widget(),
            "end": datetime_widget(),
            "action_fields": forms.CheckboxSelectMultiple,
            "methods": forms.CheckboxSelectMultiple,
            "address": forms.Textarea(attrs={"rows": 2}),
            "organisers": forms.Textarea(attrs={"rows": 2}),
            "partner_organisations": forms.Textarea(attrs={"rows": 2}),
            "funding_note": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district
        self.instance.district = district
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Part of the address; filled in from the title if empty.")
        self.fields["action_fields"].queryset = district.strategy_portal_actionfield_set.all()
        self.fields["methods"].queryset = Method.objects.for_district(district)
        for name in ("start", "end"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or ""
        if slug and (
            Workshop.objects.for_district(self.district)
            .filter(slug=slug)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise ValidationError(_("Another workshop of this district has this address."))
        return slug

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end must not be before the start."))
        fmt = cleaned.get("format")
        if fmt == "online" and not cleaned.get("online_tool"):
            self.add_error("online_tool", _("Name the online tool of an online workshop."))
        if fmt == "in_person" and not cleaned.get("venue"):
            self.add_error("venue", _("Name the venue of a workshop in person."))
        return cleaned


class OutlookForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["outlook"]
        widgets = {"outlook": forms.Textarea(attrs={"rows": 8})}


class PartForm(forms.ModelForm):
    """A form for a part of a workshop; knows the workshop it belongs to."""

    def __init__(self, *args, workshop=None, **kwargs):
        super().__init__(*args, **kwargs)
        if workshop is not None:
            self.instance.workshop = workshop
        self.workshop = workshop


class SpeakerForm(PartForm):
    class Meta:
        model = Speaker
        fields = ["name", "organisation", "topic"]


class AgendaItemForm(PartForm):
    class Meta:
        model = AgendaItem
        fields = ["number", "title", "text", "parent"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, workshop=workshop, **kwargs)
        parents = AgendaItem.objects.filter(workshop=workshop, parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].help_text = _("Only for a sub-item.")


class ParticipantForm(PartForm):
    class Meta:
        model = Participant
        fields = ["name", "organisation", "attended", "consent_to_publish_name"]


class SectionForm(PartForm):
    class Meta:
        model = DocumentationSection
        fields = ["title", "agenda_item", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, workshop=workshop, **kwargs)
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(workshop=workshop)


class GroupForm(PartForm):
    class Meta:
        model = WorkshopGroup
        fields = ["number", "topic", "vision", "values", "goals", "results"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("vision", "values", "goals", "results")
        }

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, workshop=workshop, **kwargs)

    def clean_number(self):
        number = self.cleaned_data["number"]
        taken = WorkshopGroup.objects.filter(workshop=self.workshop, number=number)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("This workshop already has a group with this number."))
        return number


class FigureForm(ReplacedFilesCleanupMixin, PartForm):
    class Meta:
        model = Figure
        fields = ["image", "caption", "alt_text", "credit", "agenda_item"]

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, workshop=workshop, **kwargs)
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(workshop=workshop)
        self.fields["alt_text"].required = True

    def save(self, commit=True):
        if "image" in self.changed_data:
            self.instance.thumbnail = None  # a new image needs a new thumbnail
        return super().save(commit=commit)


class AttachmentTitleForm(PartForm):
    class Meta:
        model = Attachment
        fields = ["title"]


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, Excel, PowerPoint or OpenDocument; at most 25 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp"}),
    )

    def __init__(self, *args, workshop=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_size(upload, MAX_ATTACHMENT_BYTES)
        kind = detect_attachment_kind(upload)
        if kind is None:
            raise ValidationError(
                _(
                    "This file is not a PDF, Word, Excel, PowerPoint or OpenDocument file (its "
                    "content was checked, not only its name). Please save it in one of these "
                    "formats and upload it again."
                ),
                code="attachment_type",
            )
        upload.name = safe_name(upload.name, kind, "anlage")
        self.kind = kind
        return upload


class NextDateForm(PartForm):
    class Meta:
        model = NextDate
        fields = ["title", "start", "end", "venue", "link"]
        widgets = {"start": datetime_widget(), "end": datetime_widget()}

    def __init__(self, *args, workshop=None, **kwargs):
        super().__init__(*args, workshop=workshop, **kwargs)
        for name in ("start", "end"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end must not be before the start."))
        return cleaned


class FilterForm(forms.Form):
    """The filters of the public list; unknown values are ignored, never an error page."""

    action_field = forms.ChoiceField(label=_("Action field"), required=False)
    format = forms.ChoiceField(label=_("Format"), required=False)
    year = forms.ChoiceField(label=_("Year"), required=False)

    def __init__(self, *args, district, years, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Format

        self.fields["action_field"].choices = [("", _("All"))] + [
            (field.slug, field.title) for field in district.strategy_portal_actionfield_set.all()
        ]
        self.fields["format"].choices = [("", _("All"))] + list(Format.choices)
        self.fields["year"].choices = [("", _("All"))] + [(str(y), str(y)) for y in years]
