"""The demo measures: real content on the seed districts, loaded twice without a duplicate."""

import pytest

from measures.models import Comment, Flag, Follow, Measure, StatusChange, Support
from measures.participation_demo import load_measures
from strategy_portal.demo import load_demo

pytestmark = pytest.mark.django_db


def test_demo_fills_meissen_and_wetterau_and_is_idempotent():
    load_demo()
    first = load_measures()

    for slug in ("landkreis-meissen", "wetteraukreis"):
        measures = Measure.objects.filter(district__slug=slug)
        assert measures.filter(author__kind="citizen").exists(), slug
        assert measures.filter(author__kind="company").exists(), slug
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Support.objects.count() == first["supports"] > 0
    assert Follow.objects.exclude(user__in=Measure.objects.values("author")).exists()
    assert Flag.objects.filter(comment__isnull=False, status="open").count() == 1
    assert StatusChange.objects.exclude(reason="").exists()

    counts = {"measures": Measure.objects.count(), "comments": Comment.objects.count()}
    again = load_measures()

    assert again["measures"] == again["comments"] == again["supports"] == 0
    assert counts == {"measures": Measure.objects.count(), "comments": Comment.objects.count()}
