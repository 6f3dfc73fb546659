"""The measure list filtered by the workshop a measure came from (contributed by workshops)."""

import pytest

from measures.services import measure_create
from workshops.models import GroupMeasure, WorkshopStatus

from .helpers import add_parts, make_workshop

pytestmark = pytest.mark.django_db


def list_url(district):
    return f"/{district.slug}/massnahmen/"


def shown(response) -> set[int]:
    return {measure.pk for measure in response.context["page"].paginator.object_list}


def of(workshop) -> set[int]:
    return set(
        GroupMeasure.objects.filter(group__workshop=workshop).values_list("measure", flat=True)
    )


@pytest.fixture
def two_workshops(district):
    first = add_parts(make_workshop(district, title="Expertenworkshop"), figures=0)
    second = add_parts(
        make_workshop(district, title="Zukunftswerkstatt", slug="zukunft"),
        figures=0,
        groups=1,
        measures=3,
    )
    measure_create(district=district, title="Eigener Vorschlag", description="Ohne Workshop")
    return first, second


def test_the_list_shows_only_the_measures_of_the_chosen_workshop(client, district, two_workshops):
    first, second = two_workshops

    response = client.get(list_url(district), {"workshop": second.pk})

    assert response.status_code == 200
    assert shown(response) == of(second)
    assert len(of(second)) == 3
    assert shown(client.get(list_url(district), {"workshop": first.pk})) == of(first)


def test_the_filter_offers_the_districts_published_workshops(
    client, district, other_district, two_workshops
):
    make_workshop(district, title="Entwurf im Landkreis", slug="entwurf", status="draft")
    make_workshop(other_district, title="Workshop anderswo", slug="anderswo")

    html = client.get(list_url(district)).content.decode()

    assert 'name="workshop"' in html
    assert "Zukunftswerkstatt" in html and "Expertenworkshop" in html
    assert "Entwurf im Landkreis" not in html
    assert "Workshop anderswo" not in html


@pytest.mark.parametrize("value", ["999999", "abc", "-1", "1' OR '1'='1", "x" * 3000])
def test_an_unknown_workshop_gives_a_clean_page(client, district, two_workshops, value):
    response = client.get(list_url(district), {"workshop": value})

    assert response.status_code == 200
    assert "<h1" in response.content.decode()
    assert response.context["filter"].form.errors["workshop"]
    # The other filters still apply; the unknown workshop narrows nothing.
    assert "Eigener Vorschlag" in response.content.decode()


def test_a_workshop_of_another_district_or_a_draft_is_refused(
    client, district, other_district, two_workshops
):
    foreign = add_parts(make_workshop(other_district, title="Anderswo"), figures=0, groups=1)
    draft = add_parts(
        make_workshop(district, title="Entwurf", slug="entwurf", status=WorkshopStatus.DRAFT),
        figures=0,
        groups=1,
    )

    for workshop in (foreign, draft):
        response = client.get(list_url(district), {"workshop": workshop.pk})
        assert response.status_code == 200
        errors = response.context["filter"].form.errors["workshop"]
        assert errors == ["Bitte wählen Sie einen veröffentlichten Workshop dieses Landkreises."]
        assert not shown(response) & of(foreign)
        assert "Eigener Vorschlag" in response.content.decode()
