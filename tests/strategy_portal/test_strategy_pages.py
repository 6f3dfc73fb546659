"""The public strategy pages, the statistics and the good examples (the roof)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures import services as measure_services
from measures.models import Measure, Origin, Status, Tier
from strategy_portal import services
from strategy_portal.models import District

from ..factories import ActionFieldFactory, CommentFactory, MeasureFactory, UserFactory

pytestmark = pytest.mark.django_db

BUDGET = 12


@pytest.fixture(autouse=True)
def _statistics_computed_on_every_request(settings):
    """The tests here count and check the statistics' aggregate queries, not the cache."""
    settings.STATISTICS_CACHE_SECONDS = 0


def build(district, *, fields=2, missions_per_field=2, measures_per_mission=3):
    """A strategy with action fields, missions and measures of every tier, some supported."""
    services.strategy_save(
        district=district,
        fields={"title": "Digitalstrategie", "vision": "Im Jahr 2035 ist alles digital."},
        values=[{"title": "Offenheit", "explanation": "Wir teilen."}],
        goals=[{"title": "Fachkräfte sichern"}],
    )
    tiers = [Tier.PREMIUM_PLUS, Tier.PREMIUM, Tier.FURTHER, ""]
    supporter = UserFactory()
    for f in range(district.strategy_portal_actionfield_set.count(), fields):
        field = ActionFieldFactory(district=district, title=f"Feld {f}", slug=f"feld-{f}")
        for m in range(missions_per_field):
            mission = services.mission_save(
                district=district, action_field=field, title=f"Mission {f}-{m}"
            )
            for n in range(measures_per_mission):
                measure = MeasureFactory(
                    district=district,
                    action_field=field,
                    mission=mission,
                    tier=tiers[n % 4],
                    origin=[Origin.ONLINE, Origin.WORKSHOP, Origin.PHONE][n % 3],
                )
                measure_services.support_add(measure=measure, user=supporter)
                CommentFactory(measure=measure, author=supporter)


def queries(client, path):
    client.get(path)  # warm up per-process caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(context.captured_queries)


PATHS = [
    "/landkreis-meissen/strategie/",
    "/landkreis-meissen/strategie/feld-0/",
    "/landkreis-meissen/strategie/feld-0/mission-0-0/",
    "/landkreis-meissen/statistik/",
    "/gute-beispiele/",
    "/",
]


def test_query_counts_stay_constant_as_the_strategy_grows(client, district):
    build(district)
    first = Measure.objects.filter(district=district).first()
    Measure.objects.filter(pk=first.pk).update(status=Status.IMPLEMENTED)
    small = {path: queries(client, path) for path in PATHS}

    build(district, fields=6, missions_per_field=4, measures_per_mission=8)
    Measure.objects.filter(district=district, tier=Tier.PREMIUM).update(status=Status.IMPLEMENTED)
    grown = {path: queries(client, path) for path in PATHS}

    assert grown == small, (small, grown)
    assert max(grown.values()) <= BUDGET, grown


def test_overview_shows_vision_values_goals_and_counts_by_tier(client, district):
    build(district)

    response = client.get("/landkreis-meissen/strategie/")

    html = response.content.decode()
    assert "Im Jahr 2035 ist alles digital." in html
    assert "Offenheit" in html and "Fachkräfte sichern" in html
    field = next(f for f in response.context["action_fields"] if f.slug == "feld-0")
    assert field.mission_count == 2
    assert {t["tier"]: t["count"] for t in field.tiers} == {
        Tier.PREMIUM_PLUS: 2,
        Tier.PREMIUM: 2,
        Tier.FURTHER: 2,
    }


def test_mission_page_groups_its_measures_by_tier(client, district):
    build(district, fields=1, missions_per_field=1, measures_per_mission=4)

    response = client.get("/landkreis-meissen/strategie/feld-0/mission-0-0/")

    labels = [group["label"] for group in response.context["groups"]]
    assert [str(label) for label in labels] == [
        "Premium+",
        "Premium",
        "Weitere Idee",
        "Noch nicht bewertet",
    ]
    assert all(len(group["measures"]) == 1 for group in response.context["groups"])


def test_hidden_and_foreign_measures_are_not_counted(client, district, other_district):
    build(district, fields=1, missions_per_field=1, measures_per_mission=1)
    Measure.objects.update(is_hidden=True)

    response = client.get("/landkreis-meissen/strategie/feld-0/mission-0-0/")

    assert response.context["groups"] == []
    assert client.get("/wetteraukreis/strategie/feld-0/").status_code == 404


def test_statistics_come_from_aggregates_with_a_table_for_each_chart(client, district):
    build(district, fields=2, missions_per_field=1, measures_per_mission=3)

    response = client.get("/landkreis-meissen/statistik/")

    html = response.content.decode()
    charts = {
        entry["chart"].key: entry
        for section in response.context["sections"]
        for entry in section["charts"]
    }
    origin = dict(charts["measures-by-origin"]["rows"])
    assert origin["Online-Vorschlag"] == 2 and origin["Workshop-Gruppe"] == 2
    assert dict(charts["measures-by-action-field"]["rows"]) == {"Feld 0": 3, "Feld 1": 3}
    assert charts["supports-by-month"]["chart"].total == 6
    assert dict(charts["supports-by-action-field"]["rows"]) == {"Feld 0": 3, "Feld 1": 3}
    assert charts["participants-by-kind"]["rows"][0][1] == 7  # six authors, one supporter
    assert html.count('role="img"') == html.count("<table")
    assert "Insgesamt: 6." in html
    assert "<script" not in html.split("</header>", 1)[1].split("<footer", 1)[0]


def test_statistics_are_shared_through_the_cache_for_a_while(client, district, settings):
    settings.STATISTICS_CACHE_SECONDS = 300
    build(district, fields=2, missions_per_field=1, measures_per_mission=3)
    path = "/landkreis-meissen/statistik/"

    with CaptureQueriesContext(connection) as computed:
        client.get(path)
    MeasureFactory(district=district)  # shows once the cached figures expire
    with CaptureQueriesContext(connection) as cached:
        response = client.get(path)

    assert len(computed) - len(cached) >= 8  # the charts' aggregates
    charts = {e["chart"].key: e for s in response.context["sections"] for e in s["charts"]}
    assert charts["measures-by-origin"]["chart"].total == 6


def test_chart_labels_are_escaped(client, district):
    field = ActionFieldFactory(district=district, title="<b>Feld</b> & Co")
    MeasureFactory(district=district, action_field=field)

    html = client.get("/landkreis-meissen/statistik/").content.decode()

    assert "<b>Feld</b>" not in html
    assert "&lt;b&gt;Feld&lt;/b&gt; &amp; Co" in html


def test_good_examples_show_implemented_measures_with_their_steckbrief(
    client, district, other_district, facilitator
):
    measure = MeasureFactory(district=district, title="Coworking-Pilot in Großenhain")
    MeasureFactory(district=other_district, title="Noch nicht umgesetzt")
    measure_services.steckbrief_save(
        measure=measure,
        user=facilitator,
        fields={"responsible_body": "WRM", "funding_programme": "Simul+"},
        milestones=[{"title": "Eröffnung", "is_done": True, "done_on": date(2026, 3, 1)}],
    )

    examples = client.get("/gute-beispiele/").content.decode()
    landing = client.get("/").content.decode()

    assert "Coworking-Pilot in Großenhain" in examples
    assert "Simul+" in examples and "Eröffnung" in examples
    assert "Noch nicht umgesetzt" not in examples
    assert "Gute Beispiele" in landing and "Coworking-Pilot in Großenhain" in landing


def test_strategy_is_in_the_district_navigation(client, district):
    html = client.get("/landkreis-meissen/strategie/").content.decode()

    assert 'href="/landkreis-meissen/strategie/" aria-current="page">Strategie<' in html


def test_print_stylesheet_hides_navigation_and_spells_out_links():
    from pathlib import Path

    css = Path("static/css/portal.css").read_text()
    print_rules = css[css.index("@media print") :]

    assert ".sp-nav" in print_rules and "display: none" in print_rules
    assert 'content: " (" attr(href) ")"' in print_rules
    assert "break-inside: avoid" in print_rules


def test_unpublished_district_has_no_strategy_pages(client, district):
    District.objects.filter(pk=district.pk).update(is_active=False)

    assert client.get("/landkreis-meissen/strategie/").status_code == 404
    assert client.get("/landkreis-meissen/statistik/").status_code == 404
