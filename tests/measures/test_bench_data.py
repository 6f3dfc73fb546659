"""`manage.py generate_bench_data` at a small size: what it makes, and that it is consistent."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from measures.bench_data import DEBATED_TITLE, split
from measures.models import Comment, Criterion, Follow, Measure, Score, Support
from strategy_portal.models import (
    ActionField,
    District,
    Membership,
    Mission,
    ParticipantKind,
    Phase,
    Strategy,
    User,
)

pytestmark = pytest.mark.django_db

SIZES = {
    "action_fields": 3,
    "missions": 5,
    "measures": 30,
    "comments": 400,
    "supports": 600,
    "participants": 60,
    "debated_comments": 50,
}


def generate(slug="bench-klein", **sizes):
    out = io.StringIO()
    call_command("generate_bench_data", slug=slug, stdout=out, **{**SIZES, **sizes})
    return District.objects.get(slug=slug), out.getvalue()


def test_generates_the_sizes_asked_for():
    district, output = generate()

    measures = Measure.objects.for_district(district)
    assert ActionField.objects.for_district(district).filter(is_cross_cutting=False).count() == 3
    assert Mission.objects.for_district(district).count() == 5
    assert measures.count() == 30
    assert Comment.objects.filter(measure__district=district).count() == 400
    assert Support.objects.filter(measure__district=district).count() == 600
    debated = measures.get(title=DEBATED_TITLE)
    assert debated.comments.count() == 50
    assert "30 measures, 400 comments, 600 supports" in output
    assert debated.get_absolute_url() in output


def test_participants_of_all_kinds_support_once_per_measure():
    district, _output = generate()

    supporters = User.objects.filter(measure_supports__measure__district=district).distinct()
    assert set(supporters.values_list("kind", flat=True)) == set(ParticipantKind.values)
    assert not Support.objects.exclude(kind=F("user__kind")).exists()
    assert Membership.objects.filter(district=district, role="facilitator").count() == 2


def test_stored_counters_match_the_rows():
    district, _output = generate()

    wrong = (
        Measure.objects.for_district(district)
        .annotate(
            n_supports=Count("supports", distinct=True),
            n_citizens=Count("supports", filter=Q(supports__kind="citizen"), distinct=True),
            n_comments=Count("comments", distinct=True),
            n_followers=Count("follows", distinct=True),
        )
        .exclude(
            support_count=F("n_supports"),
            support_count_citizen=F("n_citizens"),
            comment_count=F("n_comments"),
            follower_count=F("n_followers"),
        )
    )
    assert not wrong.exists()
    assert Follow.objects.filter(measure__district=district).exists()


def test_comments_form_threads_of_three_levels_within_their_measure():
    district, _output = generate()

    comments = Comment.objects.filter(measure__district=district)
    assert comments.filter(depth=0).exists()
    assert comments.filter(depth=1).exists() and comments.filter(depth=2).exists()
    assert not comments.filter(depth__gt=0).exclude(parent__measure=F("measure")).exists()
    assert not comments.filter(depth__gt=0).exclude(depth=F("parent__depth") + 1).exists()


def test_the_ranking_strategy_and_participation_have_data():
    district, _output = generate()

    assert Strategy.objects.for_district(district).current().exists()
    assert Criterion.objects.for_district(district).count() == 4
    assert Score.objects.filter(measure__district=district).exists()
    assert Measure.objects.for_district(district).filter(evaluation_score__isnull=False).exists()
    assert Phase.objects.for_district(district).current().get().kind == "participation"
    # Spread over months, for the statistics' charts.
    months = {m.created.strftime("%Y-%m") for m in Measure.objects.for_district(district)}
    assert len(months) > 1


def test_refuses_a_district_that_exists():
    generate()

    with pytest.raises(CommandError, match="exists"):
        generate()


def test_split_adds_up_and_respects_the_cap():
    import random

    counts = split(1000, 30, random.Random(1), cap=80)

    assert sum(counts) == 1000
    assert max(counts) <= 80
    assert len(counts) == 30
