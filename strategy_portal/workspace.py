"""Links on the workspace start page (`/<district>/verwaltung/`): every app contributes its own
from `<app>/workspace.py`, so that no app edits the ground floor's template.

    # measures/workspace.py
    from django.utils.translation import gettext_lazy as _

    from strategy_portal.workspace import WorkspaceEntry, register

    register(
        WorkspaceEntry(
            key="moderation",
            label=_("Moderation queue"),
            url_name="measures:workspace_moderation",
            description=_("Flagged measures and comments, most flagged first."),
            group=_("Measures"),
            position=20,
            permission="measures.moderate",
        )
    )

`WorkspaceEntry` fields:
- `key`: unique name (registering the same key again replaces the entry);
- `label`: lazily translated text of the link; `description`: one optional sentence under it;
- `url_name`: reversed with the district's slug as its only argument (`district=<slug>`);
- `group`: the heading the link is listed under (lazily translated); entries of one group stay
  together, groups are ordered by the lowest `position` of their entries;
- `position`: order, lower first; apps use the positions of their navigation entries (measures
  20, workshops 30, …) and add units for several links;
- `permission`: optional `rules` permission, checked with the district as object.

The start page draws the entries with `{% workspace_links %}` (`{% load workspace %}`), see
`strategy_portal/templates/strategy_portal/workspace/_links.html`.
"""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from .discovery import app_modules


@dataclass(frozen=True)
class WorkspaceEntry:
    key: str
    label: Any  # a lazy translation
    url_name: str
    group: Any = ""
    description: Any = ""
    position: int = 50
    permission: str | None = None


@dataclass(frozen=True)
class WorkspaceLink:
    """One link as a template sees it."""

    key: str
    label: str
    url: str
    description: str


@dataclass(frozen=True)
class WorkspaceGroup:
    title: str
    links: list


_entries: dict[str, WorkspaceEntry] = {}


def register(entry: WorkspaceEntry) -> WorkspaceEntry:
    """Add a link to every district's workspace start page (called from `<app>/workspace.py`)."""
    _entries[entry.key] = entry
    return entry


def entries() -> list[WorkspaceEntry]:
    """Every registered entry, lowest position first."""
    app_modules("{app}.workspace")
    return sorted(_entries.values(), key=lambda entry: (entry.position, entry.key))


def groups_for(user, district) -> list[WorkspaceGroup]:
    """The links of `district`'s workspace that `user` may follow, grouped by their heading."""
    grouped: dict[str, list[WorkspaceLink]] = {}
    for entry in entries():
        if entry.permission and not (
            user is not None and user.has_perm(entry.permission, district)
        ):
            continue
        url = reverse(entry.url_name, kwargs={"district": district.slug})
        link = WorkspaceLink(
            key=entry.key, label=str(entry.label), url=url, description=str(entry.description)
        )
        grouped.setdefault(str(entry.group), []).append(link)
    return [WorkspaceGroup(title=title, links=links) for title, links in grouped.items()]
