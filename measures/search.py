"""Showing search snippets safely: the snippet is user text, so it is escaped first and only the
database's match markers become <mark> elements."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import HIGHLIGHT_START, HIGHLIGHT_STOP


def highlight(headline: str | None) -> SafeString:
    """Escape a `MeasureQuerySet.search` headline and mark its matches."""
    text = escape(headline or "")
    return mark_safe(  # noqa: S308 - everything but our own two markers is escaped above
        text.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
    )
