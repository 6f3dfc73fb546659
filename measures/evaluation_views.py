"""The evaluation in the workspace: ranking, scoring a measure, criteria and thresholds, tiers.

`evaluation_urlpatterns` are included into the app's URLs (namespace `measures`); their
addresses start with `verwaltung/bewertung/`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from strategy_portal.districts import district_view

from . import evaluation_services as services
from .evaluation import (
    RANKING_PAGE_SIZE,
    CriterionForm,
    ScoreForm,
    ThresholdsForm,
    TierOverrideForm,
    apply_errors,
    ranking,
    team_scores,
)
from .models import Criterion, Measure, Tier, TierThresholds


def _measure(request, district, pk):
    return get_object_or_404(Measure.objects.for_district(district).listed(), pk=pk)


def _criterion(request, district, pk):
    return get_object_or_404(Criterion.objects.for_district(district), pk=pk)


def _ranking_url(district) -> str:
    return reverse("measures:evaluation_ranking", kwargs={"district": district.slug})


def _criteria_url(district) -> str:
    return reverse("measures:evaluation_criteria", kwargs={"district": district.slug})


# --- Ranking --------------------------------------------------------------------------------------


@require_safe
@district_view("measures.view_evaluation")
def ranking_view(request, district):
    tier = request.GET.get("stufe", "")
    tier = tier if tier in Tier.values else ""
    unscored = request.GET.get("offen") == "1"
    page = Paginator(
        ranking(district, request.user, tier=tier, unscored_by_me=unscored), RANKING_PAGE_SIZE
    ).get_page(request.GET.get("seite"))
    criteria = list(Criterion.objects.for_district(district))
    return render(
        request,
        "measures/evaluation/ranking.html",
        {
            "district": district,
            "page": page,
            "criteria": criteria,
            "thresholds": TierThresholds.of(district),
            "tiers": Tier.choices,
            "tier": tier,
            "unscored": unscored,
            "rank_offset": page.start_index() - 1 if page.object_list else 0,
        },
    )


# --- Scoring one measure --------------------------------------------------------------------------


def _score_page(request, district, measure, *, form=None, tier_form=None, status=200):
    criteria = list(Criterion.objects.for_district(district))
    scores = list(team_scores(measure))
    can_score = request.user.has_perm("measures.score_measure", measure)
    if form is None and can_score:
        mine = {s.criterion_id: s for s in scores if s.evaluator_id == request.user.pk}
        form = ScoreForm(criteria=criteria, mine=mine)
    if tier_form is None and request.user.has_perm("measures.override_tier", measure):
        tier_form = TierOverrideForm(
            initial={"tier": measure.tier or None, "reason": measure.tier_reason}
        )
    by_criterion = {c.pk: [] for c in criteria}
    for score in scores:
        by_criterion.setdefault(score.criterion_id, []).append(score)
    summary = [
        {
            "criterion": c,
            "scores": by_criterion[c.pk],
            "mean": (
                sum(s.value for s in by_criterion[c.pk]) / len(by_criterion[c.pk])
                if by_criterion[c.pk]
                else None
            ),
        }
        for c in criteria
    ]
    return render(
        request,
        "measures/evaluation/score.html",
        {
            "district": district,
            "measure": measure,
            "criteria": criteria,
            "form": form,
            "can_score": can_score,
            "tier_form": tier_form,
            "summary": summary,
            "evaluator_count": len({s.evaluator_id for s in scores}),
            "thresholds": TierThresholds.of(district),
        },
        status=status,
    )


@district_view("measures.view_evaluation")
def score_view(request, district, pk):
    measure = get_object_or_404(
        Measure.objects.for_district(district).listed().select_related("action_field", "district"),
        pk=pk,
    )
    if request.method != "POST":
        return _score_page(request, district, measure)
    if not request.user.has_perm("measures.score_measure", measure):
        raise PermissionDenied
    criteria = list(Criterion.objects.for_district(district))
    form = ScoreForm(request.POST, criteria=criteria)
    if form.is_valid():
        try:
            services.scores_save(measure=measure, evaluator=request.user, scores=form.scores())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Your scores of “%(title)s” have been saved.") % {"title": measure.title},
            )
            return redirect(_ranking_url(district))
    return _score_page(request, district, measure, form=form, status=400)


@require_POST
@district_view("measures.override_tier", fn=_measure)
def tier_override_view(request, district, pk):
    measure = _measure(request, district, pk)
    form = TierOverrideForm(request.POST)
    if form.is_valid():
        try:
            services.tier_override(
                measure=measure,
                user=request.user,
                tier=form.cleaned_data["tier"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(title)s” is now “%(tier)s”.")
                % {"title": measure.title, "tier": measure.get_tier_display()},
            )
            return redirect("measures:evaluation_score", district=district.slug, pk=measure.pk)
    return _score_page(request, district, measure, tier_form=form, status=400)


@require_POST
@district_view("measures.override_tier", fn=_measure)
def tier_override_clear_view(request, district, pk):
    measure = _measure(request, district, pk)
    services.tier_override_clear(measure=measure, user=request.user)
    messages.success(request, _("The tier follows the score again."))
    return redirect("measures:evaluation_score", district=district.slug, pk=measure.pk)


# --- Criteria and thresholds ----------------------------------------------------------------------


def _criteria_page(request, district, *, form=None, thresholds_form=None, status=200):
    thresholds = TierThresholds.of(district)
    return render(
        request,
        "measures/evaluation/criteria.html",
        {
            "district": district,
            "criteria": Criterion.objects.for_district(district),
            "form": form or CriterionForm(),
            "thresholds_form": thresholds_form
            or ThresholdsForm(
                initial={
                    "premium_plus_min": thresholds.premium_plus_min,
                    "premium_min": thresholds.premium_min,
                }
            ),
        },
        status=status,
    )


@district_view("measures.manage_criteria")
def criteria_view(request, district):
    if request.method != "POST":
        return _criteria_page(request, district)
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            criterion = services.criterion_save(
                district=district, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The criterion “%(title)s” has been added.") % {"title": criterion}
            )
            return redirect(_criteria_url(district))
    return _criteria_page(request, district, form=form, status=400)


@district_view("measures.manage_criteria", fn=_criterion)
def criterion_edit_view(request, district, pk):
    criterion = _criterion(request, district, pk)
    if request.method != "POST":
        form = CriterionForm(
            initial={
                "title": criterion.title,
                "description": criterion.description,
                "weight": criterion.weight,
                "position": criterion.position,
            }
        )
        return render(
            request,
            "measures/evaluation/criterion_form.html",
            {"district": district, "criterion": criterion, "form": form},
        )
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            services.criterion_save(
                district=district, user=request.user, criterion=criterion, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The criterion has been saved."))
            return redirect(_criteria_url(district))
    return render(
        request,
        "measures/evaluation/criterion_form.html",
        {"district": district, "criterion": criterion, "form": form},
        status=400,
    )


@district_view("measures.manage_criteria", fn=_criterion)
def criterion_delete_view(request, district, pk):
    criterion = _criterion(request, district, pk)
    if request.method == "POST":
        services.criterion_delete(criterion=criterion, user=request.user)
        messages.success(
            request, _("The criterion “%(title)s” has been deleted.") % {"title": criterion}
        )
        return redirect(_criteria_url(district))
    return render(
        request,
        "measures/evaluation/criterion_delete.html",
        {"district": district, "criterion": criterion, "score_count": criterion.scores.count()},
    )


@require_POST
@district_view("measures.manage_criteria")
def thresholds_view(request, district):
    form = ThresholdsForm(request.POST)
    if form.is_valid():
        try:
            services.thresholds_set(district=district, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The thresholds have been saved; the tiers follow them."))
            return redirect(_criteria_url(district))
    return _criteria_page(request, district, thresholds_form=form, status=400)


evaluation_urlpatterns = [
    path("verwaltung/bewertung/", ranking_view, name="evaluation_ranking"),
    path("verwaltung/bewertung/kriterien/", criteria_view, name="evaluation_criteria"),
    path(
        "verwaltung/bewertung/kriterien/<int:pk>/",
        criterion_edit_view,
        name="evaluation_criterion_edit",
    ),
    path(
        "verwaltung/bewertung/kriterien/<int:pk>/loeschen/",
        criterion_delete_view,
        name="evaluation_criterion_delete",
    ),
    path("verwaltung/bewertung/schwellenwerte/", thresholds_view, name="evaluation_thresholds"),
    path("verwaltung/bewertung/<int:pk>/", score_view, name="evaluation_score"),
    path("verwaltung/bewertung/<int:pk>/stufe/", tier_override_view, name="evaluation_tier"),
    path(
        "verwaltung/bewertung/<int:pk>/stufe/zuruecksetzen/",
        tier_override_clear_view,
        name="evaluation_tier_clear",
    ),
]
