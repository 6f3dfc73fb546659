"""The district navigation: entries registered by apps, shown on every district page."""

import re

import pytest
from django.utils.translation import gettext_lazy as _

from strategy_portal import navigation
from strategy_portal.navigation import NavEntry

pytestmark = pytest.mark.django_db


def nav_links(response) -> list[tuple[str, str, bool]]:
    """(text, href, current) of each link in the main navigation."""
    html = response.content.decode()
    nav = html[
        html.index('<nav class="sp-nav"') : html.index("</nav>", html.index('class="sp-nav"'))
    ]
    return [
        (text.strip(), href, bool(current))
        for href, current, text in re.findall(
            r'<a class="sp-nav__link" href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav
        )
    ]


@pytest.fixture
def contributed_entry():
    """An entry as an app would register it from its `navigation.py`."""
    entry = navigation.register(
        NavEntry(key="test-legal", label=_("Imprint"), url_name="imprint", position=50)
    )
    yield entry
    navigation._entries.pop(entry.key)


@pytest.fixture
def staff_only_entry():
    entry = navigation.register(
        NavEntry(
            key="test-staff",
            label=_("Privacy policy"),
            url_name="privacy_policy",
            position=60,
            permission="strategy_portal.view_workspace",
        )
    )
    yield entry
    navigation._entries.pop(entry.key)


def test_district_pages_show_the_ground_floor_entries(client, district):
    links = nav_links(client.get("/landkreis-meissen/"))
    assert links[0] == ("Übersicht", "/landkreis-meissen/", True)
    assert ("Alle Landkreise und Kommunen", "/", False) in links
    assert not any(href.endswith("/verwaltung/") for _text, href, _c in links)


def test_workspace_entry_only_for_those_who_may_enter(client, district, facilitator, citizen):
    client.force_login(citizen)
    assert "Verwaltung" not in [
        text for text, _h, _c in nav_links(client.get("/landkreis-meissen/"))
    ]
    client.force_login(facilitator)
    links = nav_links(client.get("/landkreis-meissen/verwaltung/"))
    assert ("Verwaltung", "/landkreis-meissen/verwaltung/", True) in links
    assert ("Übersicht", "/landkreis-meissen/", False) in links


def test_an_apps_entry_appears_in_its_position_and_is_marked_current(
    client, district, contributed_entry
):
    links = nav_links(client.get("/landkreis-meissen/impressum/"))
    texts = [text for text, _h, _c in links]
    assert (
        texts.index("Übersicht")
        < texts.index("Impressum")
        < texts.index("Alle Landkreise und Kommunen")
    )
    assert ("Impressum", "/landkreis-meissen/impressum/", True) in links
    other = nav_links(client.get("/landkreis-meissen/"))
    assert ("Impressum", "/landkreis-meissen/impressum/", False) in other


def test_an_entry_with_a_permission_is_hidden_from_those_without_it(
    client, district, facilitator, other_district_facilitator, staff_only_entry
):
    def texts():
        return [text for text, _h, _c in nav_links(client.get("/landkreis-meissen/"))]

    assert "Datenschutz" not in texts()
    client.force_login(other_district_facilitator)
    assert "Datenschutz" not in texts()
    client.force_login(facilitator)
    assert "Datenschutz" in texts()


def test_the_nav_is_shown_on_error_pages_under_a_district(client, district, facilitator):
    client.force_login(facilitator)
    response = client.get("/landkreis-meissen/verwaltung/team/")
    assert response.status_code == 403
    assert ("Übersicht", "/landkreis-meissen/", False) in nav_links(response)


def test_pages_outside_a_district_have_no_district_entries(client, district):
    links = nav_links(client.get("/"))
    assert links[0] == ("Landkreise und Kommunen", "/", True)
    assert "Übersicht" not in [text for text, _h, _c in links]


def test_narrow_screens_get_a_menu_button_that_needs_no_javascript(client, district):
    html = client.get("/landkreis-meissen/").content.decode()
    assert re.search(
        r'<details class="sp-nav__menu">\s*<summary class="sp-nav__toggle">Menü</summary>', html
    )


def test_an_entry_with_an_unknown_way_of_being_current_is_refused():
    with pytest.raises(ValueError):
        navigation.register(NavEntry(key="x", label="X", url_name="imprint", current="fuzzy"))


@pytest.fixture
def app_with_namespace(settings):
    settings.ROOT_URLCONF = "tests.strategy_portal.urls_with_an_app"
    entry = navigation.register(
        NavEntry(key="example", label=_("Overview"), url_name="example:list", position=20)
    )
    yield
    navigation._entries.pop(entry.key)


def test_an_app_under_its_namespace_gets_the_district_and_the_nav(
    client, district, app_with_namespace
):
    from django.urls import reverse

    assert reverse("example:list", kwargs={"district": district.slug}) == (
        "/landkreis-meissen/beispiele/"
    )
    response = client.get("/landkreis-meissen/beispiele/")
    assert response.content.decode() == "list of Landkreis Meißen"
    home = client.get("/landkreis-meissen/")
    assert ("Übersicht", "/landkreis-meissen/beispiele/", False) in nav_links(home)
    # The ground floor's own addresses still resolve unchanged.
    assert client.get("/landkreis-meissen/impressum/").status_code == 200
