"""Forms of the facilitators' and admins' workspace for measures: record, edit, status, answer,
bulk status, merge, answer templates and moderation.

The forms only check input; the writes (and their permission checks) are in `measures.services`.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from strategy_portal.models import ActionField
from strategy_portal.validators import (
    MEDIUM_TEXT_MAX_LENGTH,
    SHORT_TEXT_MAX_LENGTH,
    MaxTextLengthValidator,
)

from .forms import MissionField, clean_mission_of
from .models import RECORDED_ORIGINS, AnswerTemplate, Measure, Origin, Status, TimeHorizon
from .services import MAX_TAGS, TAG_MAX_LENGTH

DESCRIPTION_MAX_LENGTH = 10_000
ANSWER_MAX_LENGTH = 10_000
REASON_MAX_LENGTH = 2_000

# Statuses the team can set (withdrawing is the author's).
TEAM_STATUSES = [(value, label) for value, label in Status.choices if value != Status.WITHDRAWN]


def _text(label, *, max_length=MEDIUM_TEXT_MAX_LENGTH, required=False, help_text="", rows=5):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        validators=[MaxTextLengthValidator(max_length)],
        widget=forms.Textarea(attrs={"rows": rows}),
        strip=True,
    )


def split_tags(value: str) -> list[str]:
    return [tag.strip() for tag in (value or "").split(",") if tag.strip()]


class MeasureFieldsForm(forms.Form):
    """The texts of a measure, as the team writes them."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Please give the measure a title.")},
    )
    description = _text(
        _("Description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=True,
        help_text=Measure._meta.get_field("description").help_text,
        rows=6,
    )
    added_value = _text(
        _("Added value"),
        help_text=_("What does the measure achieve, and for whom?"),
    )
    feasibility = _text(
        _("Feasibility"),
        help_text=_("What is needed to carry it out, and who could do it?"),
    )
    time_horizon = forms.ChoiceField(
        label=_("Time horizon"),
        required=False,
        choices=[("", _("Not specified")), *TimeHorizon.choices],
    )
    success_criteria = _text(_("Success criteria"), rows=3)
    funding_idea = _text(_("Funding idea"), rows=3)
    action_field = forms.ModelChoiceField(
        label=_("Action field"),
        queryset=ActionField.objects.none(),
        required=False,
        empty_label=_("No action field"),
        error_messages={"invalid_choice": _("Please choose an action field of this district.")},
    )
    mission = MissionField(
        label=_("Mission"),
        empty_label=_("No mission"),
        help_text=_("Optional; it must belong to the action field chosen above."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=SHORT_TEXT_MAX_LENGTH * 3,
        help_text=_("Separated by commas, e.g. “Coworking, Breitband”."),
    )

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district
        self.fields["action_field"].queryset = ActionField.objects.for_district(district)
        self.fields["mission"].limit_to(district)
        self.fields["description"].error_messages["required"] = _("Please describe the measure.")

    def clean(self):
        cleaned_data = super().clean()
        clean_mission_of(self, cleaned_data)
        return cleaned_data

    def clean_tags(self):
        tags = split_tags(self.cleaned_data.get("tags"))
        if any(len(tag) > TAG_MAX_LENGTH for tag in tags):
            raise forms.ValidationError(
                _("A tag may have at most %(max)d characters.") % {"max": TAG_MAX_LENGTH}
            )
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(_("Please use at most %(max)d tags.") % {"max": MAX_TAGS})
        return tags

    def measure_fields(self) -> dict:
        """The cleaned values the services take, without the tags."""
        data = dict(self.cleaned_data)
        data.pop("tags", None)
        return data


class RecordMeasureForm(MeasureFieldsForm):
    """A facilitator records an idea collected by phone, on paper or in an interview."""

    origin = forms.ChoiceField(
        label=_("How was the idea collected?"),
        choices=[(o.value, o.label) for o in RECORDED_ORIGINS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose how the idea was collected.")},
    )
    on_behalf_of = forms.CharField(
        label=_("On behalf of"),
        required=False,
        max_length=200,
        help_text=_(
            "Name of the person or organisation who proposed it. Leave empty to record it as "
            "“anonymous”."
        ),
    )
    field_order = ["origin", "on_behalf_of"]


class MeasureEditForm(MeasureFieldsForm):
    """The team edits any measure of the district."""

    origin = forms.ChoiceField(label=_("Origin"), choices=Origin.choices)
    on_behalf_of = forms.CharField(
        label=_("On behalf of"),
        required=False,
        max_length=200,
        help_text=_("Only for measures recorded on someone's behalf; empty means “anonymous”."),
    )
    priority = forms.IntegerField(
        label=_("Priority within its group"), required=False, min_value=1, max_value=999
    )

    @classmethod
    def initial_for(cls, measure: Measure) -> dict:
        initial = {name: getattr(measure, name) for name in cls.base_fields if name != "tags"}
        initial["action_field"] = measure.action_field_id
        initial["mission"] = measure.mission_id
        initial["tags"] = ", ".join(tag.name for tag in measure.tags.all())
        return initial


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[("", _("Please choose")), *TEAM_STATUSES],
        error_messages={
            "required": _("Please choose a status."),
            "invalid_choice": _("Please choose a status."),
        },
    )
    reason = _text(
        _("Public reason"),
        max_length=REASON_MAX_LENGTH,
        required=True,
        help_text=_("Shown on the measure's page in its status history."),
        rows=4,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Please give a reason.")


class MeasureIdsField(forms.Field):
    """The ids of the measures ticked in the list (checkboxes drawn by the list's table)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            ids = sorted({int(v) for v in value})
            if any(pk > 2**31 - 1 for pk in ids):
                raise ValueError
            return ids
        except (TypeError, ValueError):
            raise forms.ValidationError(
                _("Please select measures from the list."), code="invalid"
            ) from None


class BulkStatusForm(StatusForm):
    """The same status and reason for every selected measure of the list. Ids of other
    districts are refused by the service, all or none."""

    measures = MeasureIdsField(
        label=_("Selected measures"),
        error_messages={"required": _("Please select at least one measure.")},
    )


class AnswerForm(forms.Form):
    text = _text(
        _("Official answer"),
        max_length=ANSWER_MAX_LENGTH,
        required=True,
        help_text=_("Published on the measure's page with today's date; followers are told."),
        rows=10,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = _("Please write the answer.")


class AnswerTemplateChoiceForm(forms.Form):
    """Picks a template to prefill the answer (a GET form, so it works without JavaScript)."""

    vorlage = forms.ModelChoiceField(
        label=_("Answer template"),
        queryset=AnswerTemplate.objects.none(),
        empty_label=_("Please choose"),
    )

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vorlage"].queryset = AnswerTemplate.objects.for_district(district)


class AnswerTemplateForm(forms.ModelForm):
    class Meta:
        model = AnswerTemplate
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        error_messages = {
            "title": {"required": _("Please give the template a title.")},
            "body": {"required": _("Please write the text of the template.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].validators.append(MaxTextLengthValidator(ANSWER_MAX_LENGTH))
        self.fields["body"].help_text = _("Markdown is allowed, e.g. **bold** or lists.")


class MergeSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find the measure to merge into"),
        required=False,
        max_length=200,
        help_text=_("A number (e.g. 42) or words of the title."),
    )


class MergeForm(forms.Form):
    target = forms.TypedChoiceField(
        label=_("Merge into"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose the measure to merge into."),
            "invalid_choice": _("Please choose a measure of this district."),
        },
    )
    reason = _text(
        _("Reason"),
        max_length=REASON_MAX_LENGTH,
        help_text=_("Shown in the merge log, e.g. “same idea as …”."),
        rows=3,
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(m.pk, f"{m.title} (Nr. {m.pk})") for m in candidates]


class ModerationReasonForm(forms.Form):
    reason = _text(
        _("Reason"),
        max_length=REASON_MAX_LENGTH,
        required=True,
        help_text=_("Recorded in the moderation log."),
        rows=3,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Please give a reason.")
