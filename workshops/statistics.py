"""The workshops' part of the participation statistics (see `strategy_portal.statistics`):
workshops held and their participants."""

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strategy_portal.statistics import Chart, register

from .models import Workshop

SECTION = _("Workshops")
# The participant chart names each workshop; the most recent ones are enough for a bar chart.
WORKSHOPS_SHOWN = 12


def _held(district):
    return Workshop.objects.for_district(district).published().filter(start__lte=timezone.now())


@register(key="workshops-by-year", position=5)
def workshops_by_year(district):
    # By year, not by month: workshops are few and a process runs for years.
    rows = (
        _held(district)
        .annotate(year=ExtractYear("start"))
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
        .order_by("year")
    )
    return Chart(
        title=_("Workshops held, by year"),
        description=_("Published workshops that have taken place."),
        section=SECTION,
        rows=[(str(year), n) for year, n in rows],
        value_label=_("Workshops"),
    )


@register(key="workshop-participants", position=6)
def workshop_participants(district):
    rows = list(
        _held(district)
        .filter(participant_count__isnull=False)
        .order_by("-start", "-pk")
        .values_list("title", "participant_count")[:WORKSHOPS_SHOWN]
    )
    return Chart(
        title=_("Participants of the workshops"),
        description=_("The most recent workshops held, with the number of their participants."),
        section=SECTION,
        rows=rows,
        value_label=_("Participants"),
    )
