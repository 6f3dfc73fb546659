"""The public strategy pages, the participation statistics and the good examples (the roof:
it reads every floor, nothing imports it)."""

from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Prefetch, Value, When, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from measures.models import Measure, Milestone, Status, Tier
from strategy_portal.districts import district_view
from strategy_portal.documents import latest_document
from strategy_portal.models import ActionField, Mission, Phase, Strategy
from strategy_portal.statistics import charts_for

from . import charts

# The tiers in the order the strategy presents them; measures not evaluated yet come last.
NOT_EVALUATED = ""
TIER_ORDER = [Tier.PREMIUM_PLUS, Tier.PREMIUM, Tier.FURTHER, NOT_EVALUATED]
TIER_LABELS = {**dict(Tier.choices), NOT_EVALUATED: _("Not evaluated yet")}
MEASURES_PER_TIER = 100
# The generated documents of the strategy PDF (built in `documents.py`), one line per district.
PDF_KIND = "strategy"


def public_measures(district):
    """Measures the public sees in the strategy: not hidden, merged or withdrawn."""
    return (
        Measure.objects.for_district(district)
        .filter(is_hidden=False, merged_into__isnull=True)
        .exclude(status=Status.WITHDRAWN)
    )


def tier_counts(district, by: str) -> dict:
    """{id of `by` (action_field / mission): {tier: count}} in one aggregate query."""
    counts: dict = defaultdict(dict)
    rows = public_measures(district).values_list(by, "tier").annotate(n=Count("pk")).order_by()
    for key, tier, n in rows:
        counts[key][tier or NOT_EVALUATED] = n
    return counts


def tier_summary(counts: dict) -> list[dict]:
    return [
        {"tier": tier, "label": TIER_LABELS[tier], "count": counts.get(tier, 0)}
        for tier in TIER_ORDER
        if counts.get(tier, 0) or tier != NOT_EVALUATED
    ]


def grouped_by_tier(measures) -> list[dict]:
    """The measures of a page, one group per tier: the first MEASURES_PER_TIER of each (by
    priority, then supports) and how many more there are. Two queries, whatever the size."""
    ordering = Case(
        *[When(tier=tier, then=Value(i)) for i, tier in enumerate(TIER_ORDER)],
        output_field=IntegerField(),
    )
    counts = dict(measures.values_list("tier").annotate(n=Count("pk")).order_by())
    rank = Window(
        RowNumber(),
        partition_by=[F("tier")],
        order_by=[F("priority").asc(nulls_last=True), F("support_count").desc(), F("pk").asc()],
    )
    rows = (
        measures.select_related("district", "action_field", "mission")
        .annotate(tier_order=ordering, rank=rank)
        .filter(rank__lte=MEASURES_PER_TIER)
        .order_by("tier_order", "rank")
    )
    groups = {
        tier: {
            "tier": tier or "none",
            "label": TIER_LABELS[tier],
            "total": counts[tier],
            "measures": [],
        }
        for tier in TIER_ORDER
        if counts.get(tier)
    }
    for measure in rows:
        groups[measure.tier or NOT_EVALUATED]["measures"].append(measure)
    for group in groups.values():
        group["more"] = group["total"] - len(group["measures"])
    return list(groups.values())


def _current_strategy(district):
    return (
        Strategy.objects.for_district(district)
        .current()
        .prefetch_related("values", "goals")
        .first()
    )


@require_safe
@district_view
def overview(request, district):
    strategy = _current_strategy(district)
    fields = list(
        ActionField.objects.for_district(district).annotate(mission_count=Count("missions"))
    )
    counts = tier_counts(district, "action_field")
    for field in fields:
        field.tiers = tier_summary(counts.get(field.pk, {}))
        field.measure_count = sum(counts.get(field.pk, {}).values())
    phases = list(Phase.objects.for_district(district))
    return render(
        request,
        "strategy_portal/strategy/overview.html",
        {
            "district": district,
            "strategy": strategy,
            "pdf": latest_document(kind=PDF_KIND, obj=district),
            "action_fields": [f for f in fields if not f.is_cross_cutting],
            "cross_cutting": [f for f in fields if f.is_cross_cutting],
            "all_fields": fields,
            "phases": phases,
        },
    )


@require_safe
@district_view
def action_field(request, district, field):
    field = get_object_or_404(ActionField.objects.for_district(district), slug=field)
    missions = list(Mission.objects.filter(action_field=field))
    counts = tier_counts(district, "mission")
    for mission in missions:
        mission.tiers = tier_summary(counts.get(mission.pk, {}))
        mission.measure_count = sum(counts.get(mission.pk, {}).values())
    unassigned = public_measures(district).filter(action_field=field, mission__isnull=True)
    return render(
        request,
        "strategy_portal/strategy/action_field.html",
        {
            "district": district,
            "field": field,
            "all_fields": [field],
            "missions": missions,
            "groups": grouped_by_tier(unassigned),
        },
    )


@require_safe
@district_view
def mission(request, district, field, mission):
    mission = get_object_or_404(
        Mission.objects.for_district(district).select_related("action_field"),
        action_field__slug=field,
        slug=mission,
    )
    measures = public_measures(district).filter(mission=mission)
    return render(
        request,
        "strategy_portal/strategy/mission.html",
        {
            "district": district,
            "field": mission.action_field,
            "all_fields": [mission.action_field],
            "mission": mission,
            "groups": grouped_by_tier(measures),
        },
    )


def statistics_sections(district) -> list[dict]:
    """The charts of the statistics page, grouped by section, each with its SVG, text
    alternative and table rows."""
    sections = []
    for chart in charts_for(district):
        entry = {
            "chart": chart,
            "svg": charts.svg(chart),
            "summary": charts.describe(chart),
            "rows": charts.table_rows(chart),
        }
        if sections and sections[-1]["title"] == chart.section:
            sections[-1]["charts"].append(entry)
        else:
            sections.append({"title": chart.section, "charts": [entry]})
    return sections


@require_safe
@district_view
def statistics(request, district):
    # Aggregates over every support and comment of the district: shared through the cache for
    # STATISTICS_CACHE_SECONDS, per language (the charts' texts are translated).
    seconds = settings.STATISTICS_CACHE_SECONDS
    key = f"strategy:statistics:{district.pk}:{get_language()}"
    sections = cache.get(key) if seconds else None
    if sections is None:
        sections = statistics_sections(district)
        if seconds:
            cache.set(key, sections, seconds)
    return render(
        request,
        "strategy_portal/strategy/statistics.html",
        {"district": district, "sections": sections},
    )


def implemented_measures():
    return (
        Measure.objects.filter(status=Status.IMPLEMENTED, is_hidden=False, district__is_active=True)
        .select_related("district", "action_field", "steckbrief")
        .order_by("-modified", "-pk")
    )


@require_safe
def good_examples(request):
    page = Paginator(
        implemented_measures().prefetch_related(
            Prefetch("steckbrief__milestones", queryset=Milestone.objects.order_by("position"))
        ),
        20,
    ).get_page(request.GET.get("seite"))
    return render(
        request,
        "strategy_portal/strategy/good_examples.html",
        {"page": page, "measures": page.object_list},
    )


def landing_teaser(request, district):
    """The newest good examples, for the landing page (a section, see `sections`)."""
    measures = list(implemented_measures()[:3])
    return {"section": {"measures": measures}} if measures else None
