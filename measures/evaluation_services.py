"""Writes of the evaluation: criteria and weights, scores, tier thresholds and tier overrides.

Like `measures.services`: keyword-only arguments, one transaction each, the permission checked
here (`PermissionDenied`), bad input refused with a `ValidationError` keyed by field.

The score of a measure (`Measure.evaluation_score`) is the weighted mean over the criteria of
the mean score each criterion got from the evaluators who scored it:

    score = Σ weight(c) · mean_e(value(e, c)) / Σ weight(c)   over criteria with at least one score

so an evaluator who leaves out a criterion does not shift the weights of the others. It is kept
right here whenever a score, a weight or a criterion changes; `evaluation_recount` (and
`manage.py recount_evaluation`) rebuilds it from the rows. The tier follows from the score and
the district's `TierThresholds` (`tiers_apply`), unless a district admin set it by hand with a
reason; a measure without any score keeps whatever tier it has.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext as _

from strategy_portal.models import District

from .models import (
    SCORE_MAX,
    SCORE_MIN,
    Criterion,
    Measure,
    Score,
    Tier,
    TierThresholds,
)

TEXT_MAX = 2000
WEIGHT_MAX = Decimal("100")
CENT = Decimal("0.01")


def _require(user, perm: str, obj) -> None:
    if not user or not user.has_perm(perm, obj):
        raise PermissionDenied(perm)


def _text(value, field: str, *, required: bool = False, max_length: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")}, code="required")
    if len(value) > max_length:
        raise ValidationError(
            {field: _("Please use at most %(max)d characters.") % {"max": max_length}},
            code="max_length",
        )
    return value


def _decimal(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Please enter a number.")}, code="invalid") from None
    if not number.is_finite():
        raise ValidationError({field: _("Please enter a number.")}, code="invalid")
    return number


# --- Scores of measures ---------------------------------------------------------------------------


def _weighted_scores(measure_ids: Iterable[int] | None = None, *, district=None) -> dict:
    """measure id → weighted mean score, from one aggregate query."""
    rows = Score.objects.all()
    if measure_ids is not None:
        rows = rows.filter(measure_id__in=list(measure_ids))
    if district is not None:
        rows = rows.filter(measure__district=district)
    rows = rows.values("measure_id", "criterion_id", "criterion__weight").annotate(
        mean=Avg("value")
    )
    sums = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in rows.order_by():
        weight = row["criterion__weight"]
        total = sums[row["measure_id"]]
        total[0] += weight * Decimal(str(row["mean"]))
        total[1] += weight
    return {
        measure_id: (weighted / weights).quantize(CENT, rounding=ROUND_HALF_UP)
        for measure_id, (weighted, weights) in sums.items()
    }


def _store_scores(stored: Iterable[tuple[int, Decimal | None]], scores: dict) -> list[int]:
    """Write the scores that differ from `stored` (pairs of measure id and stored score);
    returns the ids whose score changed."""
    # One UPDATE per distinct score (at most 502 of them: 0.00 … 5.00 and none) instead of
    # `bulk_update`, whose CASE expression costs seconds of Python at thousands of measures.
    by_score = defaultdict(list)
    for pk, old in stored:
        new = scores.get(pk)
        if old != new:
            by_score[new].append(pk)
    for score, ids in by_score.items():
        for start in range(0, len(ids), 1000):
            Measure.objects.filter(pk__in=ids[start : start + 1000]).update(evaluation_score=score)
    return [pk for ids in by_score.values() for pk in ids]


def _apply_tier(measure: Measure, thresholds: TierThresholds) -> None:
    if measure.tier_overridden or measure.evaluation_score is None:
        return
    tier = thresholds.tier_for(measure.evaluation_score)
    if tier != measure.tier:
        measure.tier = tier
        Measure.objects.filter(pk=measure.pk).update(tier=tier)


@transaction.atomic
def evaluation_recount(*, district: District | None = None) -> int:
    """Rebuild the stored scores (of one district, or all) from the score rows and apply the
    tiers. Returns the number of measures whose score changed."""
    measures = Measure.objects.values_list("pk", "evaluation_score")
    if district is not None:
        measures = measures.filter(district=district)
    changed = _store_scores(measures, _weighted_scores(district=district))
    districts = [district] if district is not None else District.objects.all()
    for each in districts:
        tiers_apply(district=each)
    return len(changed)


@transaction.atomic
def tiers_apply(*, district: District) -> int:
    """Set the tier of the district's scored measures from their score and the thresholds,
    except where a district admin set it by hand. Returns the number of measures changed."""
    thresholds = TierThresholds.of(district)
    scored = Measure.objects.filter(
        district=district, tier_overridden=False, evaluation_score__isnull=False
    )
    high, low = thresholds.premium_plus_min, thresholds.premium_min
    changed = (
        scored.filter(evaluation_score__gte=high)
        .exclude(tier=Tier.PREMIUM_PLUS)
        .update(tier=Tier.PREMIUM_PLUS)
    )
    changed += (
        scored.filter(evaluation_score__gte=low, evaluation_score__lt=high)
        .exclude(tier=Tier.PREMIUM)
        .update(tier=Tier.PREMIUM)
    )
    changed += (
        scored.filter(evaluation_score__lt=low).exclude(tier=Tier.FURTHER).update(tier=Tier.FURTHER)
    )
    return changed


@transaction.atomic
def scores_save(
    *, measure: Measure, evaluator, scores: dict[int, tuple[int | None, str]]
) -> Measure:
    """Save one evaluator's scores of a measure: criterion id → (value 0–5 or None to remove
    the score, comment). The measure's score and tier follow. Refused unless the evaluator may
    score the measure (its district's team, in the evaluation phase)."""
    _require(evaluator, "measures.score_measure", measure)
    # One evaluator at a time per measure, so that the stored mean sees every committed score.
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    criteria = {c.pk: c for c in Criterion.objects.for_district(measure.district_id)}
    errors = {}
    cleaned = []
    for criterion_id, (value, comment) in scores.items():
        field = f"score_{criterion_id}"
        criterion = criteria.get(int(criterion_id)) if str(criterion_id).isdigit() else None
        if criterion is None:
            errors[field] = _("This criterion does not belong to the measure's district.")
            continue
        if value is not None:
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = -1
            if not SCORE_MIN <= value <= SCORE_MAX:
                errors[field] = _("Please choose a score from %(min)d to %(max)d.") % {
                    "min": SCORE_MIN,
                    "max": SCORE_MAX,
                }
                continue
        try:
            comment = _text(comment, f"comment_{criterion_id}")
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        cleaned.append((criterion, value, comment))
    if errors:
        raise ValidationError(errors)
    for criterion, value, comment in cleaned:
        if value is None:
            Score.objects.filter(measure=measure, criterion=criterion, evaluator=evaluator).delete()
        else:
            Score.objects.update_or_create(
                measure=measure,
                criterion=criterion,
                evaluator=evaluator,
                defaults={"value": value, "comment": comment},
            )
    scores = _weighted_scores([measure.pk])
    _store_scores([(measure.pk, measure.evaluation_score)], scores)
    measure.evaluation_score = scores.get(measure.pk)
    _apply_tier(measure, TierThresholds.of(measure.district))
    return measure


# --- Criteria and thresholds ----------------------------------------------------------------------


def _clean_weight(weight) -> Decimal:
    weight = _decimal(weight, "weight")
    if weight <= 0:
        raise ValidationError({"weight": _("The weight must be greater than 0.")}, code="min_value")
    if weight >= WEIGHT_MAX:
        raise ValidationError(
            {"weight": _("The weight must be less than %(max)s.") % {"max": WEIGHT_MAX}},
            code="max_value",
        )
    if weight != weight.quantize(Decimal("0.1")):
        raise ValidationError(
            {"weight": _("Please use at most one decimal place.")}, code="decimal_places"
        )
    return weight


@transaction.atomic
def criterion_save(
    *,
    district: District,
    user,
    title: str,
    weight,
    description: str = "",
    position: int | None = None,
    criterion: Criterion | None = None,
) -> Criterion:
    """Add a criterion to the district, or change `criterion`. A changed weight changes the
    scores and tiers of the district's measures at once."""
    _require(user, "measures.manage_criteria", district)
    if criterion is not None and criterion.district_id != district.pk:
        raise PermissionDenied("criterion of another district")
    title = _text(title, "title", required=True, max_length=200)
    description = _text(description, "description")
    weight = _clean_weight(weight)
    duplicate = Criterion.objects.for_district(district).filter(title__iexact=title)
    if criterion is not None:
        duplicate = duplicate.exclude(pk=criterion.pk)
    if duplicate.exists():
        raise ValidationError(
            {"title": _("The district already has a criterion with this title.")}, code="unique"
        )
    if criterion is None:
        if position is None:
            position = Criterion.objects.for_district(district).count()
        criterion = Criterion(district=district, position=position)
        weight_changed = False
    else:
        criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
        weight_changed = criterion.weight != weight
        if position is not None:
            criterion.position = position
    criterion.title, criterion.description, criterion.weight = title, description, weight
    criterion.save()
    if weight_changed:
        evaluation_recount(district=district)
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion, user) -> int:
    """Delete a criterion with its scores; the district's scores and tiers follow. Returns the
    number of scores deleted."""
    _require(user, "measures.manage_criteria", criterion.district)
    score_count = criterion.scores.count()
    district = criterion.district
    criterion.delete()
    evaluation_recount(district=district)
    return score_count


@transaction.atomic
def thresholds_set(*, district: District, user, premium_plus_min, premium_min) -> TierThresholds:
    """Set from which score a measure is Premium+ or Premium; the tiers follow at once."""
    _require(user, "measures.manage_criteria", district)
    high = _decimal(premium_plus_min, "premium_plus_min")
    low = _decimal(premium_min, "premium_min")
    errors = {}
    for field, number in (("premium_plus_min", high), ("premium_min", low)):
        if not SCORE_MIN <= number <= SCORE_MAX:
            errors[field] = _("Please enter a score from %(min)d to %(max)d.") % {
                "min": SCORE_MIN,
                "max": SCORE_MAX,
            }
        elif number != number.quantize(CENT):
            errors[field] = _("Please use at most two decimal places.")
    if not errors and high < low:
        errors["premium_plus_min"] = _("Premium+ needs at least the score that Premium needs.")
    if errors:
        raise ValidationError(errors)
    thresholds, _created = TierThresholds.objects.update_or_create(
        district=district, defaults={"premium_plus_min": high, "premium_min": low}
    )
    tiers_apply(district=district)
    return thresholds


# --- Tier overrides -------------------------------------------------------------------------------


@transaction.atomic
def tier_override(*, measure: Measure, user, tier: str, reason: str) -> Measure:
    """A district admin sets the tier by hand; the reason is required and recorded with who
    set it and when. Later score changes no longer change this measure's tier."""
    _require(user, "measures.override_tier", measure)
    if tier not in Tier.values:
        raise ValidationError({"tier": _("Please choose a tier.")}, code="invalid_choice")
    reason = _text(reason, "reason", required=True)
    measure.tier = tier
    measure.tier_overridden = True
    measure.tier_reason = reason
    measure.tier_overridden_by = user
    measure.tier_overridden_at = timezone.now()
    measure.save(
        update_fields=[
            "tier",
            "tier_overridden",
            "tier_reason",
            "tier_overridden_by",
            "tier_overridden_at",
            "modified",
        ]
    )
    return measure


@transaction.atomic
def tier_override_clear(*, measure: Measure, user) -> Measure:
    """Give the tier back to the thresholds: it follows the score again."""
    _require(user, "measures.override_tier", measure)
    measure.tier_overridden = False
    measure.tier_reason = ""
    measure.tier_overridden_by = None
    measure.tier_overridden_at = None
    measure.tier = TierThresholds.of(measure.district).tier_for(measure.evaluation_score)
    measure.save(
        update_fields=[
            "tier",
            "tier_overridden",
            "tier_reason",
            "tier_overridden_by",
            "tier_overridden_at",
            "modified",
        ]
    )
    return measure
