"""Sections that apps add to pages of the ground floor, which cannot import them.

An app registers its sections in its own `sections.py` (found like `navigation.py`):

    # measures/sections.py
    from strategy_portal.sections import Section, register

    def top_measures(request, district):
        return {"measures": Measure.objects.for_district(district)...[:3]}

    register(Section(key="measures", page="district_home",
                     template="measures/sections/district_home.html",
                     context=top_measures, position=20))

Pages with sections: "district_home" (object: the District), "landing" (object: None) and
"profile" (object: the user).
A page draws them with `{% page_sections "district_home" district %}` (template tags `portal`):
each section's template is rendered with the page's context plus what `context(request, obj)`
returns; a section whose function returns None is left out. Sections appear by `position`
(the navigation's positions: measures 20, workshops 30, …).
"""

from collections.abc import Callable
from dataclasses import dataclass

from .discovery import app_modules


@dataclass(frozen=True)
class Section:
    key: str
    page: str
    template: str
    context: Callable | None = None
    position: int = 50


_sections: dict[tuple[str, str], Section] = {}


def register(section: Section) -> Section:
    """Add a section to a page (registering the same page and key again replaces it)."""
    _sections[(section.page, section.key)] = section
    return section


def sections_for(page: str) -> list[Section]:
    app_modules("{app}.sections")
    found = [section for (name, _key), section in _sections.items() if name == page]
    return sorted(found, key=lambda section: (section.position, section.key))


def _current_phase(request, district):
    from django.utils import timezone

    from .models import Phase

    phases = list(Phase.objects.for_district(district))
    if not phases:
        return None
    today = timezone.localdate()
    current = next((p for p in phases if p.start <= today <= p.end), None)
    upcoming = next((p for p in phases if p.start > today), None)
    # The template reads `section.…`, as the sections of other pages do.
    return {"section": {"phase": current, "next_phase": upcoming, "phases": phases}}


register(
    Section(
        key="current-phase",
        page="district_home",
        template="strategy_portal/_home_phase.html",
        position=10,
        context=_current_phase,
    )
)
