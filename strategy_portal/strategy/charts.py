"""Charts as SVG, drawn on the server: bars for categories, columns for months.

Readable without colour: every bar carries its number and its label as text, bars are hatched
and outlined. Each SVG is an image with a title and a description (`role="img"`); the page shows
the numbers as a table beside it. The strategy PDF uses the same drawings.
"""

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from strategy_portal.statistics import Chart

WIDTH = 640
FONT = 'font-family="Fira Sans, Arial, sans-serif"'
INK = "#1a1a1a"
BAR = "#1b4f8a"


def _label(row_label) -> str:
    if hasattr(row_label, "year"):
        return date_format(row_label, "F Y")
    return str(row_label)


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _defs(uid: str) -> str:
    return (
        f'<defs><pattern id="{uid}-hatch" class="sp-chart__hatch" patternUnits="userSpaceOnUse" '
        f'width="8" height="8" patternTransform="rotate(45)">'
        f'<rect width="8" height="8" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="{BAR}" stroke-width="5"/></pattern></defs>'
    )


def describe(chart: Chart) -> str:
    """A sentence that says what the chart shows: the total and the largest value."""
    if not chart.rows or chart.total == 0:
        return _("No figures yet.")
    label, value = max(chart.rows, key=lambda row: row[1])
    return _("Total: %(total)s. Highest value: %(label)s with %(value)s.") % {
        "total": number_format(chart.total, force_grouping=True),
        "label": _label(label),
        "value": number_format(value, force_grouping=True),
    }


def _open(chart: Chart, uid: str, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sp-chart__svg" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{uid}-title {uid}-desc">'
        f'<title id="{uid}-title">{escape(chart.title)}</title>'
        f'<desc id="{uid}-desc">{escape(describe(chart))}</desc>{_defs(uid)}'
    )


def bars(chart: Chart, uid: str) -> str:
    """Horizontal bars, one per category, label above and number beside each bar."""
    row_height = 46
    height = max(row_height * len(chart.rows) + 8, 40)
    top = max((value for _label_, value in chart.rows), default=0) or 1
    usable = WIDTH - 80
    parts = [_open(chart, uid, height)]
    for index, (label, value) in enumerate(chart.rows):
        y = index * row_height + 4
        length = round(usable * value / top)
        parts.append(
            f'<text x="0" y="{y + 14}" {FONT} font-size="14" fill="{INK}">'
            f"{escape(_short(_label(label)))}</text>"
        )
        if length:
            parts.append(
                f'<rect class="sp-chart__bar" x="0" y="{y + 20}" width="{length}" height="18" '
                f'fill="url(#{uid}-hatch)" stroke="{BAR}" stroke-width="1.5"/>'
            )
        else:
            parts.append(
                f'<line x1="0" y1="{y + 20}" x2="0" y2="{y + 38}" stroke="{INK}" stroke-width="2"/>'
            )
        parts.append(
            f'<text x="{length + 6}" y="{y + 34}" {FONT} font-size="14" font-weight="600" '
            f'fill="{INK}">{number_format(value, force_grouping=True)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def columns(chart: Chart, uid: str) -> str:
    """Columns per month with the number on top; every few months labelled on the axis."""
    height, bottom, left = 260, 40, 36
    plot_height = height - bottom - 24
    count = max(len(chart.rows), 1)
    slot = (WIDTH - left) / count
    width = max(min(slot * 0.7, 40), 2)
    top = max((value for _label_, value in chart.rows), default=0) or 1
    step = 1 if count <= 12 else (2 if count <= 18 else 3)
    parts = [_open(chart, uid, height)]
    base = height - bottom
    for fraction in (0, 0.5, 1):
        y = round(base - plot_height * fraction, 1)
        value = round(top * fraction)
        dash = ' stroke-dasharray="3 3"' if fraction else ""
        parts.append(
            f'<line x1="{left}" y1="{y}" x2="{WIDTH}" y2="{y}" stroke="#767676" '
            f'stroke-width="{1 if fraction else 1.5}"{dash}/>'
            f'<text x="{left - 6}" y="{y + 4}" {FONT} font-size="12" text-anchor="end" '
            f'fill="{INK}">{number_format(value, force_grouping=True)}</text>'
        )
    for index, (month, value) in enumerate(chart.rows):
        x = left + index * slot + (slot - width) / 2
        column = plot_height * value / top
        if value:
            parts.append(
                f'<rect class="sp-chart__bar" x="{x:.1f}" y="{base - column:.1f}" '
                f'width="{width:.1f}" height="{column:.1f}" fill="url(#{uid}-hatch)" '
                f'stroke="{BAR}" stroke-width="1.5"/>'
            )
            if count <= 24:
                parts.append(
                    f'<text x="{x + width / 2:.1f}" y="{base - column - 4:.1f}" {FONT} '
                    f'font-size="11" text-anchor="middle" fill="{INK}">{value}</text>'
                )
        if index % step == 0:
            parts.append(
                f'<text x="{x + width / 2:.1f}" y="{base + 16}" {FONT} font-size="11" '
                f'text-anchor="middle" fill="{INK}">{escape(date_format(month, "M y"))}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def svg(chart: Chart, uid: str | None = None) -> str:
    uid = uid or f"chart-{chart.key}"
    if chart.kind == "months":
        return columns(chart, uid)
    return bars(chart, uid)


def table_rows(chart: Chart) -> list[tuple[str, int]]:
    return [(_label(label), value) for label, value in chart.rows]
