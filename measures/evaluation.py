"""Reads and forms of the evaluation pages (ranking, scoring, criteria); the writes are in
`measures.evaluation_services`, the models at the end of `measures.models`."""

from django import forms
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import SCORE_MAX, SCORE_MIN, Criterion, Measure, Score, Status, Tier

RANKING_PAGE_SIZE = 50


def ranking(district, user, *, tier: str = "", unscored_by_me: bool = False):
    """The district's measures by evaluation score (unscored last), then by supports, with
    `evaluator_count` and `scored_by_me`; in a constant number of queries."""
    evaluators = (
        Score.objects.filter(measure=OuterRef("pk"))
        .order_by()
        .values("measure")
        .annotate(n=Count("evaluator", distinct=True))
        .values("n")
    )
    mine = Score.objects.filter(measure=OuterRef("pk"), evaluator=user)
    qs = (
        Measure.objects.for_district(district)
        .listed()
        .filter(is_hidden=False)
        .exclude(status=Status.WITHDRAWN)
        .in_tier(tier)
        .select_related("action_field")
        .annotate(
            evaluator_count=Coalesce(Subquery(evaluators, output_field=IntegerField()), Value(0)),
            scored_by_me=Exists(mine),
        )
        .order_by(F("evaluation_score").desc(nulls_last=True), "-support_count", "-created", "-pk")
    )
    if unscored_by_me:
        qs = qs.filter(scored_by_me=False)
    return qs


def team_scores(measure):
    """Every evaluator's scores of the measure, by criterion, for the scoring page."""
    return Score.objects.filter(measure=measure).select_related("criterion", "evaluator")


# --- Forms ----------------------------------------------------------------------------------------

SCORE_CHOICES = [(str(value), str(value)) for value in range(SCORE_MIN, SCORE_MAX + 1)]


class ScoreForm(forms.Form):
    """One 0–5 radio group and a comment per criterion of the district."""

    def __init__(self, *args, criteria, mine=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        mine = mine or {}
        scale = _("0 = not at all, 5 = fully.")
        for criterion in self.criteria:
            own = mine.get(criterion.pk)
            hint = (
                format_html("{} {}", criterion.description, scale)
                if criterion.description
                else scale
            )
            self.fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.title,
                choices=SCORE_CHOICES,
                widget=forms.RadioSelect,
                help_text=hint,
                initial=str(own.value) if own else None,
                error_messages={"required": _("Please choose a score for this criterion.")},
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": criterion.title},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=2000,
                initial=own.comment if own else "",
            )

    def scores(self) -> dict[int, tuple[str, str]]:
        return {
            c.pk: (
                self.cleaned_data[f"score_{c.pk}"],
                self.cleaned_data.get(f"comment_{c.pk}", ""),
            )
            for c in self.criteria
        }


class CriterionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Criterion._meta.get_field("description").help_text,
    )
    # The range is checked by the service, with a message that names it.
    weight = forms.DecimalField(
        label=_("Weight"),
        localize=True,
        initial=1,
        help_text=Criterion._meta.get_field("weight").help_text,
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, required=False)


class ThresholdsForm(forms.Form):
    premium_plus_min = forms.DecimalField(
        label=_("Premium+ from score"),
        localize=True,
        help_text=_("A measure with at least this score is Premium+ (0 to 5)."),
    )
    premium_min = forms.DecimalField(
        label=_("Premium from score"),
        localize=True,
        help_text=_(
            "A measure with at least this score (and below Premium+) is Premium; below it, a "
            "further idea."
        ),
    )


class TierOverrideForm(forms.Form):
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why does this measure get a different tier than its score gives?"),
        error_messages={"required": _("Please give a reason for setting the tier by hand.")},
    )


def apply_errors(form, error) -> None:
    """Put a service's `ValidationError` on the form's fields (or on the form)."""
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
