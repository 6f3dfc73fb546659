"""Sections of the district home page and of the landing page that other parts contribute.

    # <app>/sections.py
    from strategy_portal.sections import Section, register

    register(Section(key="next-dates", template="workshops/_home_dates.html", position=20,
                     context=lambda request, district: {"dates": ...}), page="district_home")

- `page`: "district_home" (`/<district>/`) or "landing" (`/`);
- `template`: rendered with the page's context plus `section` (what `context` returned);
- `context(request, district)`: the section's data (`district` is None on the landing page);
  returning None leaves the section out;
- `position`: order on the page, lower first (the current phase is 10).

Apps' `sections.py` modules are found like their `navigation.py`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .discovery import app_modules

PAGES = ("district_home", "landing")


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    position: int = 50
    context: Callable[[Any, Any], dict | None] | None = None


@dataclass(frozen=True)
class RenderedSection:
    key: str
    template: str
    context: dict


_sections: dict[str, dict[str, Section]] = {page: {} for page in PAGES}


def register(section: Section, *, page: str = "district_home") -> Section:
    if page not in PAGES:
        raise ValueError(f"Unknown page {page!r}; one of {PAGES}")
    _sections[page][section.key] = section
    return section


def unregister(key: str, *, page: str = "district_home") -> None:
    _sections[page].pop(key, None)


def sections_for(page: str, request, district=None) -> list[RenderedSection]:
    """The sections of `page` with their data, in order."""
    app_modules("{app}.sections")
    result = []
    for section in sorted(_sections[page].values(), key=lambda s: (s.position, s.key)):
        data = section.context(request, district) if section.context else {}
        if data is not None:
            result.append(RenderedSection(section.key, section.template, data))
    return result


def _current_phase(request, district):
    from django.utils import timezone

    from .models import Phase

    phases = list(Phase.objects.for_district(district))
    if not phases:
        return None
    today = timezone.localdate()
    current = next((p for p in phases if p.start <= today <= p.end), None)
    upcoming = next((p for p in phases if p.start > today), None)
    return {"phase": current, "next_phase": upcoming, "phases": phases}


register(
    Section(
        key="current-phase",
        template="strategy_portal/_home_phase.html",
        position=10,
        context=_current_phase,
    )
)
