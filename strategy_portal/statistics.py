"""Participation in figures: every app contributes its statistics from its own `statistics.py`.

    # measures/statistics.py
    from strategy_portal.statistics import Chart, register

    @register(key="measures-by-origin", position=30)
    def measures_by_origin(district) -> Chart | None:
        rows = ...  # one aggregate query: [(label, number), …]
        return Chart(title=_("Measures by origin"), rows=rows, kind="bar")

A contribution runs aggregate queries only (a query per chart, never a loop over rows) and
returns a `Chart`, or None to leave it out. The statistics page (and the strategy PDF) draws each
as an SVG with its text alternative and its numbers as a table.

Kinds: "bar" — categories (e.g. by action field, by origin); "months" — a time series, one row
per month (`rows` as [(date of the month's first day, number), …]; `months_filled` fills gaps).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from .discovery import app_modules

MONTHS_SHOWN = 24


@dataclass(frozen=True)
class Chart:
    title: Any
    rows: list  # [(label or month date, number), …]
    kind: str = "bar"  # "bar" | "months"
    description: Any = ""
    section: Any = ""  # heading the chart is grouped under
    value_label: Any = _("Number")
    key: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(value for _label, value in self.rows)


Contribution = Callable[[Any], Chart | None]
_contributions: dict[str, tuple[int, Contribution]] = {}


def register(*, key: str, position: int = 50):
    """Decorator for a function `(district) -> Chart | None`."""

    def decorator(fn: Contribution) -> Contribution:
        _contributions[key] = (position, fn)
        return fn

    return decorator


def charts_for(district) -> list[Chart]:
    """Every contribution's chart for `district`, in order."""
    app_modules("{app}.statistics")
    result = []
    for key, (_position, fn) in sorted(
        _contributions.items(), key=lambda item: (item[1][0], item[0])
    ):
        chart = fn(district)
        if chart is not None:
            result.append(chart if chart.key else _with_key(chart, key))
    return result


def _with_key(chart: Chart, key: str) -> Chart:
    from dataclasses import replace

    return replace(chart, key=key)


def month_start(value) -> date:
    """The first day of the month of a date or (time-zone aware) datetime."""
    from django.utils import timezone

    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return date(value.year, value.month, 1)


def months_filled(rows, *, today: date | None = None, months: int = MONTHS_SHOWN) -> list:
    """[(first day of month, number)] for every month from the first with data (at most
    `months` back) to this month, with 0 where nothing happened."""
    from django.utils import timezone

    counts: dict[date, int] = {}
    for month, value in rows:
        if month is None:
            continue
        key = month_start(month)
        counts[key] = counts.get(key, 0) + value
    today = today or timezone.localdate()
    end = date(today.year, today.month, 1)
    if not counts:
        return []
    start = min(counts)
    # At most `months` months, ending with this one.
    earliest_index = end.year * 12 + end.month - months
    start_index = max(start.year * 12 + start.month - 1, earliest_index)
    result = []
    index = start_index
    while index <= end.year * 12 + end.month - 1:
        month = date(index // 12, index % 12 + 1, 1)
        result.append((month, counts.get(month, 0)))
        index += 1
    return result


def monthly(queryset, field_name: str) -> list:
    """One aggregate query: (month, count) of `queryset` by the month of `field_name`."""
    return months_filled(
        queryset.annotate(month=TruncMonth(field_name))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
        .order_by("month")
    )


__all__ = ["Chart", "Count", "Q", "charts_for", "monthly", "months_filled", "register"]
