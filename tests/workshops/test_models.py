import pytest
from django.db import IntegrityError, transaction

from workshops.content import workshop_content, workshop_queryset
from workshops.models import AgendaItem, GroupMeasure, Workshop

from .helpers import add_parts, make_workshop

pytestmark = pytest.mark.django_db


def test_slug_comes_from_the_title_with_umlauts_spelled_out(district):
    workshop = make_workshop(district, title="Bürgerdialog Großenhain")
    assert workshop.slug == "buergerdialog-grossenhain"


def test_two_workshops_of_a_district_cannot_share_an_address(district):
    make_workshop(district, slug="termin")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_workshop(district, slug="termin")


def test_a_row_key_appears_once_per_group(district):
    workshop = add_parts(make_workshop(district), groups=1, measures=1, figures=0)
    link = GroupMeasure.objects.get()
    other = add_parts(make_workshop(district, slug="zwei"), groups=1, measures=1, figures=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupMeasure.objects.create(
            group=link.group,
            measure=GroupMeasure.objects.get(group__workshop=other).measure,
            source_key=link.source_key,
        )
    assert workshop.groups.count() == 1


def test_figures_are_numbered_in_the_order_they_appear(district):
    workshop = add_parts(make_workshop(district), agenda=2, figures=3)
    figures = list(workshop.figures.order_by("position"))
    figures[2].agenda_item = AgendaItem.objects.get(workshop=workshop, number="TOP 1")
    figures[2].save()
    content = workshop_content(workshop_queryset().get(pk=workshop.pk))
    assert [f.number for f in content.figures] == [1, 2, 3]
    assert content.figures[0].pk == figures[2].pk  # shown with TOP 1, so first


def test_only_attended_participants_with_consent_are_named(district):
    workshop = add_parts(make_workshop(district), participants=4)
    workshop.participants.filter(name="Person 0").update(attended=False)
    content = workshop_content(workshop_queryset().get(pk=workshop.pk))
    assert [p.name for p in content.named_participants] == ["Person 2"]
    assert content.attended_count == 3


def test_as_of_is_the_last_substantive_change(district):
    workshop = make_workshop(district)
    assert workshop.as_of == workshop.published_at
    Workshop.objects.filter(pk=workshop.pk).update(substantive_change_at=workshop.end)
    workshop.refresh_from_db()
    assert workshop.as_of == workshop.end
