"""Finding measures in the workspace by words, on PostgreSQL's full-text search as on SQLite."""

from measures import services

from ..factories import MeasureFactory


def _index(*measures):
    services.search_index_update(measure_ids=[m.pk for m in measures])


def test_list_finds_measures_by_words(login, facilitator, district, measure, other_measure):
    _index(measure, other_measure)

    html = (
        login(facilitator)
        .get(f"/{district.slug}/verwaltung/massnahmen/", {"q": "Bürgerbüro"})
        .content.decode()
    )

    assert "Mobiles Bürgerbüro" in html
    assert "Coworking im Dorfladen" not in html


def test_merge_search_finds_targets_by_words(login, facilitator, district, measure):
    target = MeasureFactory(district=district, title="Coworking in der Alten Schule")
    _index(measure, target)

    html = (
        login(facilitator)
        .get(
            f"/{district.slug}/verwaltung/massnahmen/{measure.pk}/zusammenfuehren/",
            {"q": "Coworking"},
        )
        .content.decode()
    )

    assert f'value="{target.pk}"' in html
    assert f'value="{measure.pk}"' not in html  # never itself
