"""The measures' part of the participation statistics (see `strategy_portal.statistics`)."""

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from strategy_portal.models import ActionField, ParticipantKind, User
from strategy_portal.statistics import Chart, monthly, register

from .models import Comment, Measure, Origin, Status, Support

PEOPLE = _("Who takes part")
MEASURES = _("Measures")
RESPONSES = _("Supports and comments")


def _measures(district):
    return (
        Measure.objects.for_district(district)
        .filter(is_hidden=False, merged_into__isnull=True)
        .exclude(status=Status.WITHDRAWN)
    )


def _participants(district):
    """People who proposed, supported or commented in `district`."""
    return User.objects.filter(
        Q(pk__in=Measure.objects.for_district(district).values("author"))
        | Q(pk__in=Support.objects.filter(measure__district=district).values("user"))
        | Q(pk__in=Comment.objects.filter(measure__district=district).values("author"))
    )


@register(key="participants-by-kind", position=10)
def participants_by_kind(district):
    counts = dict(
        _participants(district).values("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    return Chart(
        title=_("People taking part, by kind"),
        description=_("Registered people who proposed, supported or commented on a measure."),
        section=PEOPLE,
        rows=[(label, counts.get(value, 0)) for value, label in ParticipantKind.choices],
        value_label=_("People"),
    )


@register(key="participants-by-month", position=11)
def participants_by_month(district):
    return Chart(
        title=_("People taking part, by month of registration"),
        section=PEOPLE,
        rows=monthly(_participants(district), "date_joined"),
        kind="months",
        value_label=_("People"),
    )


@register(key="measures-by-month", position=20)
def measures_by_month(district):
    return Chart(
        title=_("Measures, by month"),
        section=MEASURES,
        rows=monthly(_measures(district), "created"),
        kind="months",
        value_label=_("Measures"),
    )


@register(key="measures-by-origin", position=21)
def measures_by_origin(district):
    counts = dict(
        _measures(district).values("origin").annotate(n=Count("pk")).values_list("origin", "n")
    )
    return Chart(
        title=_("Measures, by origin"),
        description=_("Online, in a workshop, by phone, on paper, in a survey or an interview."),
        section=MEASURES,
        rows=[(label, counts.get(value, 0)) for value, label in Origin.choices],
        value_label=_("Measures"),
    )


@register(key="measures-by-action-field", position=22)
def measures_by_action_field(district):
    visible = Q(measures__is_hidden=False, measures__merged_into__isnull=True) & ~Q(
        measures__status=Status.WITHDRAWN
    )
    fields = (
        ActionField.objects.for_district(district)
        .annotate(n=Count("measures", filter=visible))
        .values_list("title", "n")
    )
    return Chart(
        title=_("Measures, by action field"),
        section=MEASURES,
        rows=list(fields),
        value_label=_("Measures"),
    )


@register(key="supports-by-month", position=30)
def supports_by_month(district):
    return Chart(
        title=_("Supports, by month"),
        section=RESPONSES,
        rows=monthly(Support.objects.filter(measure__district=district), "created"),
        kind="months",
        value_label=_("Supports"),
    )


@register(key="supports-by-action-field", position=31)
def supports_by_action_field(district):
    # From the stored counters (kept right by the services, rebuilt by `recount_measures`):
    # one row per measure instead of one per support.
    fields = (
        ActionField.objects.for_district(district)
        .annotate(n=Coalesce(Sum("measures__support_count"), 0))
        .values_list("title", "n")
    )
    return Chart(
        title=_("Supports, by action field"),
        section=RESPONSES,
        rows=list(fields),
        value_label=_("Supports"),
    )


@register(key="comments-by-month", position=32)
def comments_by_month(district):
    comments = Comment.objects.filter(measure__district=district, is_deleted=False, is_hidden=False)
    return Chart(
        title=_("Comments, by month"),
        section=RESPONSES,
        rows=monthly(comments, "created"),
        kind="months",
        value_label=_("Comments"),
    )
