"""Reading measures: visibility, list annotations, sort orders, search fallback, tag suggestions."""

import pytest
from django.contrib.auth.models import AnonymousUser

from measures import services
from measures.models import Measure, tags_in_use
from measures.search import highlight

from ..factories import MeasureFactory

pytestmark = pytest.mark.django_db


def test_list_marks_what_the_user_supports_and_follows(measure, other_measure, company):
    services.support_add(measure=measure, user=company)
    rows = {m.pk: m for m in Measure.objects.for_district(measure.district).for_list(company)}
    assert rows[measure.pk].user_supports is True
    assert rows[other_measure.pk].user_supports is False
    assert rows[measure.pk].user_follows is False


def test_list_query_count_does_not_grow(district, django_assert_num_queries):
    for n in range(3):
        MeasureFactory(district=district, title=f"M{n}").tags.add("Mobilität")

    def run():
        for m in Measure.objects.for_district(district).for_list(AnonymousUser()):
            (m.author.public_name, m.action_field, list(m.tags.all()))

    with django_assert_num_queries(2):
        run()
    for n in range(20):
        MeasureFactory(district=district, title=f"N{n}").tags.add("Bildung")
    with django_assert_num_queries(2):
        run()


def test_sort_orders(district):
    quiet = MeasureFactory(district=district, title="Leise")
    popular = MeasureFactory(
        district=district, title="Beliebt", support_count=5, support_count_citizen=5
    )
    discussed = MeasureFactory(district=district, title="Diskutiert", comment_count=9)
    qs = Measure.objects.for_district(district)
    assert list(qs.sorted_by("supported"))[0] == popular
    assert list(qs.sorted_by("discussed"))[0] == discussed
    assert list(qs.sorted_by("unknown"))[0] == discussed  # newest
    assert quiet in qs.sorted_by("newest")


def test_hidden_and_merged_measures_leave_the_public_list(measure, other_measure, facilitator):
    services.moderation_hide(moderator=facilitator, measure=measure, reason="Spam")
    public = Measure.objects.visible_to(AnonymousUser())
    assert measure not in public
    assert measure in Measure.objects.visible_to(facilitator)
    assert measure in Measure.objects.visible_to(measure.author)
    third = MeasureFactory(district=measure.district)
    services.measure_merge(duplicate=other_measure, target=third, user=facilitator)
    assert other_measure not in Measure.objects.listed()


def test_search_finds_words_in_title_and_texts(district):
    """On SQLite through `icontains`; on PostgreSQL the same through German full-text search."""
    hit = MeasureFactory(district=district, title="Coworking im Bahnhof", description="Büro")
    MeasureFactory(district=district, title="Radweg", description="Sicher zur Schule")
    via_added_value = MeasureFactory(
        district=district, title="Dorfladen", added_value="Auch Coworking-Plätze"
    )
    services.search_index_update()
    found = list(Measure.objects.for_district(district).search("coworking"))
    assert set(found) == {hit, via_added_value}
    assert list(Measure.objects.search("  ")) == list(Measure.objects.all())
    assert list(Measure.objects.search("coworking bahnhof")) == [hit]


def test_search_snippet_is_escaped_but_marks_matches():
    snippet = highlight("<script>x</script> \x02Coworking\x03")
    assert snippet == "&lt;script&gt;x&lt;/script&gt; <mark>Coworking</mark>"


def test_tag_suggestions_come_from_the_district(district, other_district):
    MeasureFactory(district=district).tags.add("Mobilität", "Bildung")
    MeasureFactory(district=district).tags.add("Mobilität")
    MeasureFactory(district=other_district).tags.add("Tourismus")
    assert [t.name for t in tags_in_use(district)] == ["Mobilität", "Bildung"]
