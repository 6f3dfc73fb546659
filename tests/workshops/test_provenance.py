import pytest

from workshops.models import GroupMeasure, WorkshopStatus
from workshops.provenance import for_measure, for_measures

from .helpers import add_parts, make_workshop

pytestmark = pytest.mark.django_db


def test_a_measure_knows_its_workshop_and_group(district):
    workshop = add_parts(make_workshop(district, title="Expertenworkshop"), figures=0)
    link = GroupMeasure.objects.filter(group__number=2).first()
    provenance = for_measure(link.measure)
    assert provenance.group_number == 2
    assert "Expertenworkshop" in provenance.label
    assert provenance.url == f"{workshop.get_absolute_url()}#gruppe-2"
    assert set(for_measures([link.measure])) == {link.measure.pk}


def test_a_draft_workshop_is_not_named_as_origin(district):
    add_parts(make_workshop(district, status=WorkshopStatus.DRAFT), figures=0)
    assert for_measure(GroupMeasure.objects.first().measure) is None


def test_the_measure_page_links_the_workshop_group(client, district):
    workshop = add_parts(make_workshop(district, title="Expertenworkshop"), figures=0)
    measure = GroupMeasure.objects.filter(group__number=2).first().measure

    page = client.get(measure.get_absolute_url()).content.decode()

    assert f'href="{workshop.get_absolute_url()}#gruppe-2"' in page
    assert "aus dem Workshop „Expertenworkshop“, Gruppe 2" in page
