"""The strategy PDF a district council adopts: the current strategy of a district with its action
fields, missions and measures (Steckbriefe for Premium+ and Premium, the further ideas as a list),
the participation process (phases, workshops, the statistics' charts) and an annex of all
measures. Rendered by the ground floor's document renderer; the object is the District, so that
every export of every strategy version is kept as one line of history."""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import F, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from measures.models import Milestone, Tier
from strategy_portal import documents
from strategy_portal.documents_views import DocumentViewMixin
from strategy_portal.models import ActionField, District, Mission, Phase, Strategy
from strategy_portal.statistics import charts_for
from workshops.models import Workshop
from workshops.provenance import for_measures

from . import charts
from .views import NOT_EVALUATED, PDF_KIND, TIER_LABELS, TIER_ORDER, public_measures

KIND = PDF_KIND
# Tiers whose measures the document presents as a full Steckbrief; the others as a compact list.
STECKBRIEF_TIERS = (Tier.PREMIUM_PLUS, Tier.PREMIUM)


@dataclass
class MissionPart:
    mission: Any  # Mission, or None for the action field's measures without a mission
    steckbriefe: list = field(default_factory=list)
    ideas: list = field(default_factory=list)  # further ideas
    pending: list = field(default_factory=list)  # proposals not evaluated yet
    anchor: str = ""

    @property
    def count(self) -> int:
        return len(self.steckbriefe) + len(self.ideas) + len(self.pending)


@dataclass
class FieldPart:
    field: Any  # ActionField, or None for measures without an action field
    number: int
    anchor: str
    missions: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(part.count for part in self.missions)


def current_strategy(district: District) -> Strategy | None:
    return (
        Strategy.objects.for_district(district)
        .current()
        .prefetch_related("values", "goals")
        .first()
    )


def check_strategy(district: District) -> None:
    """No export before the district has written its strategy: nothing would be in it."""
    if not Strategy.objects.for_district(district).current().exists():
        raise documents.DocumentUnavailable(
            _(
                "There is no strategy to export yet. Write its title, preamble and vision under "
                "„Vision, values, goals“ first; then the PDF can be created."
            )
        )


def _ordered_measures(district):
    """The public measures, by tier, then evaluation score, priority and supports."""
    rank = {tier: index for index, tier in enumerate(TIER_ORDER)}
    measures = list(
        public_measures(district)
        .select_related("action_field", "mission", "steckbrief")
        .prefetch_related(
            Prefetch("steckbrief__milestones", queryset=Milestone.objects.order_by("position"))
        )
        .order_by(
            F("evaluation_score").desc(nulls_last=True),
            F("priority").asc(nulls_last=True),
            "-support_count",
            "pk",
        )
    )
    measures.sort(key=lambda m: rank[m.tier or NOT_EVALUATED])  # stable: keeps the score order
    return measures


def _steckbrief_of(measure):
    try:
        return measure.steckbrief
    except measure.__class__.steckbrief.RelatedObjectDoesNotExist:
        return None


def _logo(district: District):
    """The logo, if its file is really in the storage (an upload lost in a migration of the
    storage must not break the export: the cover then shows the district's name only)."""
    if not district.logo:
        return None
    try:
        return district.logo if default_storage.exists(district.logo.name) else None
    except OSError:
        return None


def strategy_content(district: District) -> dict:
    """Everything the document shows, read in a fixed number of queries."""
    strategy = current_strategy(district)
    if strategy is None:
        check_strategy(district)
    fields = list(ActionField.objects.for_district(district))
    missions = list(Mission.objects.for_district(district).order_by("position", "title"))
    measures = _ordered_measures(district)
    origins = for_measures(measures)

    parts: dict[Any, FieldPart] = {}
    ordered_fields = [f for f in fields if not f.is_cross_cutting] + [
        f for f in fields if f.is_cross_cutting
    ]
    for number, action_field in enumerate(ordered_fields, start=1):
        part = FieldPart(field=action_field, number=number, anchor=f"handlungsfeld-{number}")
        part.missions = [
            MissionPart(mission=m, anchor=f"mission-{m.pk}")
            for m in missions
            if m.action_field_id == action_field.pk
        ]
        part.missions.append(MissionPart(mission=None, anchor=f"{part.anchor}-weitere"))
        parts[action_field.pk] = part
    unassigned = FieldPart(
        field=None,
        number=len(ordered_fields) + 1,
        anchor="ohne-handlungsfeld",
        missions=[MissionPart(mission=None, anchor="ohne-handlungsfeld-massnahmen")],
    )
    mission_parts = {p.mission.pk: p for fp in parts.values() for p in fp.missions if p.mission}

    for measure in measures:
        field_part = parts.get(measure.action_field_id, unassigned)
        mission_part = mission_parts.get(measure.mission_id)
        if mission_part is None or mission_part not in field_part.missions:
            mission_part = field_part.missions[-1]
        measure.anchor = f"massnahme-{measure.pk}"
        measure.tier_label = TIER_LABELS[measure.tier or NOT_EVALUATED]
        origin = origins.get(measure.pk)
        measure.origin_label = origin.label if origin else measure.get_origin_display()
        measure.profile = _steckbrief_of(measure)
        if measure.tier in STECKBRIEF_TIERS:
            mission_part.steckbriefe.append(measure)
        elif measure.tier:
            mission_part.ideas.append(measure)
        else:
            mission_part.pending.append(measure)
    # Numbered in reading order: action field, mission, then tier and score within it.
    annex = []
    for field_part in [*parts.values(), unassigned]:
        position = 0
        for mission_part in field_part.missions:
            for measure in (*mission_part.steckbriefe, *mission_part.ideas, *mission_part.pending):
                position += 1
                measure.number = f"{field_part.number}.{position}"
                annex.append(measure)

    field_parts = list(parts.values())
    if unassigned.count:
        field_parts.append(unassigned)
    for part in field_parts:
        # The catch-all of measures without a mission is shown only when it has any.
        part.missions = [p for p in part.missions if p.mission is not None or p.count]

    workshops = list(Workshop.objects.for_district(district).published().order_by("start", "pk"))
    statistics = [
        {"chart": chart, "svg": charts.svg(chart, uid=f"pdf-{chart.key}")}
        for chart in charts_for(district)
        if chart.rows and chart.total
    ]
    tier_totals = {
        tier: sum(1 for m in measures if (m.tier or NOT_EVALUATED) == tier) for tier in TIER_ORDER
    }
    tiers = [tier for tier in TIER_ORDER if tier_totals[tier] or tier != NOT_EVALUATED]
    for part in field_parts:
        in_part = [m for p in part.missions for m in (*p.steckbriefe, *p.ideas, *p.pending)]
        part.mission_count = sum(1 for p in part.missions if p.mission is not None)
        part.tier_cells = [
            sum(1 for m in in_part if (m.tier or NOT_EVALUATED) == tier) for tier in tiers
        ]
    return {
        "strategy": strategy,
        "fields": [p for p in field_parts if p.field is not None and not p.field.is_cross_cutting],
        "cross_cutting": [
            p for p in field_parts if p.field is not None and p.field.is_cross_cutting
        ],
        "unassigned": unassigned if unassigned.count else None,
        "measure_count": len(measures),
        "tiers": [
            {"tier": tier, "label": TIER_LABELS[tier], "count": tier_totals[tier]} for tier in tiers
        ],
        "phases": list(Phase.objects.for_district(district)),
        "workshops": workshops,
        "participant_total": sum(w.participant_count or 0 for w in workshops),
        "statistics": statistics,
        "annex": annex,
    }


def _toc(content: dict) -> list[dict]:
    entries = []
    strategy = content["strategy"]
    if strategy.preamble:
        entries.append({"id": "praeambel", "title": _("Preamble"), "level": 1})
    entries.append({"id": "leitbild", "title": _("Vision, values and project goals"), "level": 1})
    for group in ("fields", "cross_cutting"):
        for part in content[group]:
            entries.append({"id": part.anchor, "title": part.field.title, "level": 1})
            entries += [
                {"id": m.anchor, "title": m.mission.title, "level": 2}
                for m in part.missions
                if m.mission is not None
            ]
    if content["unassigned"]:
        entries.append(
            {"id": "ohne-handlungsfeld", "title": _("Measures without an action field"), "level": 1}
        )
    entries.append({"id": "beteiligung", "title": _("The participation process"), "level": 1})
    entries.append({"id": "anhang", "title": _("Annex: all measures"), "level": 1})
    return entries


@documents.register(KIND, keep_versions=None, check=check_strategy)
def strategy_document(district: District) -> documents.DocumentSource:
    content = strategy_content(district)
    strategy = content["strategy"]
    as_of = strategy.as_of or timezone.localdate()
    return documents.DocumentSource(
        template_name="strategy_portal/strategy/pdf/strategy.html",
        context={
            "district": district,
            "logo": _logo(district),
            "content": content,
            "toc": _toc(content),
            "document_subtitle": strategy.subtitle,
            "document_version": strategy.version,
            "document_date": as_of,
            "export_date": timezone.localdate(),
            "licence": settings.STRATEGY_TEXT_LICENCE,
            "public_url": f"{settings.SITE_URL}"
            + reverse("strategy:overview", kwargs={"district": district.slug}),
        },
        title=strategy.title,
        filename=f"{strategy.title} {district.name} {as_of:%Y-%m-%d}",
    )


# --- Pages ----------------------------------------------------------------------------------------


class StrategyDocument(DocumentViewMixin):
    """`/<district>/strategie/pdf/`: anyone downloads the latest export; district admins (and
    site admins) start one and follow it."""

    kind = KIND
    permission_required = "strategy_portal.change_strategy"
    download_permission_required = None

    def get_back_url(self) -> str:
        return reverse("strategy:workspace_pdf", kwargs={"district": self.district.slug})

    def document_url(self, suffix: str = "", **extra) -> str:
        kwargs = {key: value for key, value in self.kwargs.items() if key != "document_id"}
        kwargs.update(extra)
        return reverse(f"strategy:{self.url_name}{suffix}", kwargs=kwargs)
