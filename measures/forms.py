"""Forms of the public measure pages. They validate input; the writes are in `services`.

Anti-spam on the proposal and comment forms: a honeypot field that people never see (a bot that
fills every field fills it too) and a signed timestamp of when the form was shown, so a form sent
back faster than a person can type is refused. Both with a message in plain German; the rate
limits per person are checked by the services.
"""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from strategy_portal.models import ActionField, Mission
from strategy_portal.validators import MEDIUM_TEXT_MAX_LENGTH, MaxTextLengthValidator

from .models import NotificationFrequency, TimeHorizon
from .services import MAX_TAGS, TAG_MAX_LENGTH

FILL_TIME_SALT = "measures.forms.started"
DESCRIPTION_MAX_LENGTH = 10_000


def min_fill_seconds() -> int:
    return int(getattr(settings, "MEASURES_MIN_FILL_SECONDS", 3))


def started_token(now: float | None = None) -> str:
    """The signed moment a form was shown (tests pass an earlier `now`)."""
    return signing.dumps(now if now is not None else time.time(), salt=FILL_TIME_SALT)


class SpamProtectionMixin(forms.Form):
    """A honeypot and a minimum fill time. `website` is hidden by CSS and skipped by assistive
    technology; `started` carries the signed time the form was first shown."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        template_name="measures/forms/honeypot.html",
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("started", started_token())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(
                _("Your entry looks like automated spam and was not saved."), code="honeypot"
            )
        try:
            started = float(signing.loads(cleaned.get("started") or "", salt=FILL_TIME_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            started = None
        if started is None:
            raise forms.ValidationError(
                _("The form has expired. Please send it again."), code="no_timestamp"
            )
        if time.time() - started < min_fill_seconds():
            # Keep the original time, so that sending again after a moment succeeds.
            raise forms.ValidationError(
                _("That was very fast. Please check your entry and send it again."),
                code="too_fast",
            )
        return cleaned


class TagsField(forms.CharField):
    """Comma-separated tags; each at most TAG_MAX_LENGTH characters, at most MAX_TAGS."""

    def to_python(self, value):
        value = super().to_python(value)
        tags = []
        for part in (value or "").split(","):
            tag = " ".join(part.split())
            if tag and tag.casefold() not in {t.casefold() for t in tags}:
                tags.append(tag)
        return tags

    def validate(self, value):
        super().validate(value)
        too_long = [tag for tag in value if len(tag) > TAG_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("A tag may have at most %(max)d characters.") % {"max": TAG_MAX_LENGTH},
                code="max_length",
            )
        if len(value) > MAX_TAGS:
            raise forms.ValidationError(
                _("Please use at most %(max)d tags.") % {"max": MAX_TAGS}, code="max_tags"
            )

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(tag) for tag in value)
        return value


class MissionChoiceIterator(forms.models.ModelChoiceIterator):
    """The missions grouped by their action field (an `<optgroup>` each), so that the choice
    shows without JavaScript which mission belongs to which action field."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for mission in self.queryset:
            groups.setdefault(mission.action_field.title, []).append(self.choice(mission))
        yield from groups.items()

    def __len__(self):
        return self.queryset.count() + (1 if self.field.empty_label is not None else 0)


class MissionField(forms.ModelChoiceField):
    """An optional mission of the district; `clean_mission_of()` checks its action field."""

    iterator = MissionChoiceIterator

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("queryset", Mission.objects.none())
        kwargs.setdefault(
            "error_messages", {"invalid_choice": _("Please choose a mission of this district.")}
        )
        super().__init__(**kwargs)

    def limit_to(self, district) -> None:
        self.queryset = (
            Mission.objects.for_district(district)
            .select_related("action_field")
            .order_by("action_field__position", "action_field__title", "position", "title")
        )


def clean_mission_of(form: forms.Form, cleaned_data: dict) -> None:
    """A mission belongs to one action field: without an action field chosen, the measure takes
    the mission's; with another one chosen, the mission is refused on its field."""
    mission = cleaned_data.get("mission")
    if mission is None or "action_field" not in cleaned_data:
        return
    action_field = cleaned_data.get("action_field")
    if action_field is None:
        cleaned_data["action_field"] = mission.action_field
    elif mission.action_field_id != action_field.pk:
        form.add_error(
            "mission",
            _("The mission “%(mission)s” belongs to the action field “%(field)s”.")
            % {"mission": mission.title, "field": mission.action_field.title},
        )


def _text(label, help_text="", *, required=False, max_length=MEDIUM_TEXT_MAX_LENGTH, rows=4):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        validators=[MaxTextLengthValidator(max_length)],
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class MeasureForm(forms.Form):
    """The texts of a measure, as a participant proposes or edits it."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("A short name for your idea, e.g. “Coworking space in the village shop”."),
    )
    description = _text(
        _("Description"),
        _("What should be done? Describe the idea so that anyone can understand it."),
        required=True,
        max_length=DESCRIPTION_MAX_LENGTH,
        rows=8,
    )
    added_value = _text(
        _("Added value"),
        _(
            "What gets better if the idea is carried out, and for whom? For example: “Commuters "
            "save two hours a day” or “Older people can see their doctor by video”."
        ),
    )
    feasibility = _text(
        _("Feasibility"),
        _(
            "What is needed to carry out the idea, and who could do it? Think of rooms, people, "
            "technology and partners. It is fine if you do not know everything."
        ),
    )
    time_horizon = forms.ChoiceField(
        label=_("Time horizon"),
        required=False,
        choices=[("", _("I don't know yet")), *TimeHorizon.choices],
        help_text=_("How long might it take until the idea works?"),
    )
    success_criteria = _text(
        _("Success criteria"),
        _("How would we notice that it worked? For example: “20 people use the space weekly”."),
        rows=3,
    )
    funding_idea = _text(
        _("Funding idea"),
        _("Who could pay for it, e.g. the municipality, a company or a funding programme?"),
        rows=3,
    )
    action_field = forms.ModelChoiceField(
        label=_("Action field"),
        required=False,
        queryset=ActionField.objects.none(),
        empty_label=_("Not sure / none"),
        help_text=_("Which topic of the strategy does the idea belong to?"),
        error_messages={"invalid_choice": _("Please choose an action field of this district.")},
    )
    mission = MissionField(
        label=_("Mission"),
        empty_label=_("Not sure / none"),
        help_text=_(
            "Optional: the mission of the strategy the idea serves. It must belong to the action "
            "field chosen above."
        ),
    )
    tags = TagsField(
        label=_("Tags"),
        required=False,
        help_text=_("Keywords, separated by commas, e.g. “Coworking, Mobility”."),
    )

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district
        self.fields["action_field"].queryset = ActionField.objects.for_district(district)
        self.fields["mission"].limit_to(district)
        self.fields["tags"].widget.attrs.update({"list": "tag-suggestions", "autocomplete": "off"})

    def clean(self):
        cleaned_data = super().clean()
        clean_mission_of(self, cleaned_data)
        return cleaned_data

    def measure_data(self) -> dict:
        fields = (
            "title",
            "description",
            "added_value",
            "feasibility",
            "time_horizon",
            "success_criteria",
            "funding_idea",
            "action_field",
            "mission",
        )
        return {name: self.cleaned_data.get(name) for name in fields}


class ProposeForm(SpamProtectionMixin, MeasureForm):
    pass


class WithdrawForm(forms.Form):
    reason = _text(
        _("Why do you withdraw the measure?"),
        _("The reason is shown on the measure's page."),
        required=True,
        max_length=2000,
    )


class CommentForm(SpamProtectionMixin):
    body = forms.CharField(
        label=_("Your comment"),
        validators=[MaxTextLengthValidator(5000)],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    field_order = ["body", "parent", "website", "started"]


class CommentEditForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        validators=[MaxTextLengthValidator(5000)],
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class FlagForm(forms.Form):
    reason = _text(
        _("What is wrong with it?"),
        _(
            "For example: insulting, advertising, personal data of others. The moderation team "
            "reads your report; it is not published."
        ),
        required=True,
        max_length=2000,
    )


class NotificationSettingsForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("E-mails about measures I follow and replies to my comments"),
        choices=NotificationFrequency.choices,
        widget=forms.RadioSelect,
    )
