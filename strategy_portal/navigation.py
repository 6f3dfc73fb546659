"""The district navigation: every app contributes its entries from its own `navigation.py`.

    # measures/navigation.py
    from django.utils.translation import gettext_lazy as _

    from strategy_portal.navigation import NavEntry, register

    register(NavEntry(key="measures", label=_("Measures"), url_name="measures:list", position=20))

`NavEntry` fields:
- `key`: unique name of the entry (registering the same key again replaces it);
- `label`: lazily translated text of the link;
- `url_name`: reversed with the district's slug as its only argument (`district=<slug>`);
- `position`: order in the bar, lower first. The ground floor uses 0 (Overview) and 100
  (Workspace); apps take the tens in between: measures 20, workshops 30, dates 40, strategy 50,
  newsletter 60, …;
- `permission`: optional `rules` permission, checked with the district as object; the entry is
  shown only to users who have it;
- `current`: when the link is marked as the current page (`aria-current="page"`): "prefix" (the
  path starts with the entry's address: a list and everything below it), "exact", or a function
  `(request, url) -> bool`.

Every page that has `request.district` (set by `strategy_portal.districts`) gets the entries in
the template variable `district_nav` (from the context processor `context_processors.site`), so
the bar is the same whoever renders the page; `templates/base.html` draws it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .discovery import app_modules


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: Any  # a lazy translation
    url_name: str
    position: int = 50
    permission: str | None = None
    current: str | Callable = "prefix"

    def is_current(self, request, url: str) -> bool:
        if callable(self.current):
            return bool(self.current(request, url))
        if self.current == "exact":
            return request.path == url
        return request.path.startswith(url)


@dataclass(frozen=True)
class NavItem:
    """One link of the bar as a template sees it."""

    key: str
    label: str
    url: str
    is_current: bool


_entries: dict[str, NavEntry] = {}


def register(entry: NavEntry) -> NavEntry:
    """Add an entry to every district's navigation (called from an app's `navigation.py`)."""
    if entry.current not in ("prefix", "exact") and not callable(entry.current):
        raise ValueError(f"NavEntry.current must be 'prefix', 'exact' or a function: {entry}")
    _entries[entry.key] = entry
    return entry


def entries() -> list[NavEntry]:
    """Every registered entry, in the order of the bar."""
    app_modules("{app}.navigation")
    return sorted(_entries.values(), key=lambda entry: (entry.position, entry.key))


def items_for(request, district) -> list[NavItem]:
    """The entries of `district`'s bar that the user of `request` may see."""
    if district is None:
        return []
    user = getattr(request, "user", None)
    items = []
    for entry in entries():
        if entry.permission and not (
            user is not None and user.has_perm(entry.permission, district)
        ):
            continue
        url = reverse(entry.url_name, kwargs={"district": district.slug})
        items.append(
            NavItem(
                key=entry.key,
                label=str(entry.label),
                url=url,
                is_current=entry.is_current(request, url),
            )
        )
    return items


# The ground floor's own entries.
register(
    NavEntry(
        key="overview", label=_("Overview"), url_name="district_home", position=0, current="exact"
    )
)
register(
    NavEntry(
        key="workspace",
        label=_("Workspace"),
        url_name="workspace",
        position=100,
        permission="strategy_portal.view_workspace",
    )
)
register(NavEntry(key="strategy", label=_("Strategy"), url_name="strategy:overview", position=50))
register(
    NavEntry(key="statistics", label=_("Statistics"), url_name="strategy:statistics", position=55)
)
