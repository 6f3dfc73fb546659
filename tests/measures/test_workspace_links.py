"""The workspace start page lists the apps' links from the registry, by permission."""

import pytest

from strategy_portal import workspace
from strategy_portal.workspace import WorkspaceEntry


@pytest.mark.parametrize("role", ["facilitator", "district_admin"])
def test_the_workspace_start_page_links_to_the_measures_pages(role, request, login, district):
    html = (
        login(request.getfixturevalue(role)).get(f"/{district.slug}/verwaltung/").content.decode()
    )

    for path in ("massnahmen/", "massnahmen/erfassen/", "moderation/", "antwortvorlagen/"):
        assert f'href="/{district.slug}/verwaltung/{path}"' in html
    assert "Moderation" in html


def test_an_entry_is_shown_only_with_its_permission(monkeypatch, facilitator, district):
    monkeypatch.setattr(workspace, "_entries", dict(workspace._entries))
    workspace.register(
        WorkspaceEntry(
            key="team_only",
            label="Team",
            url_name="workspace_team",
            group="Extra",
            permission="strategy_portal.manage_team",
        )
    )

    groups = workspace.groups_for(facilitator, district)

    assert "Extra" not in [group.title for group in groups]
    assert any(link.key == "measures_moderation" for group in groups for link in group.links)
