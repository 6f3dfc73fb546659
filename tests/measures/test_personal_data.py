"""The measures part of the data export and of account deletion."""

import json

import pytest

from measures import services
from measures.models import Comment, Follow, Measure, Support
from strategy_portal.personal_data import author_label
from strategy_portal.services import account_delete, account_export

pytestmark = pytest.mark.django_db


def test_export_holds_proposals_comments_supports_and_follows(measure, other_measure, citizen):
    services.comment_add(measure=other_measure, author=citizen, body="Mein Kommentar")
    services.support_add(measure=other_measure, user=citizen)
    data = json.loads(account_export(user=citizen))["measures"]
    assert [m["title"] for m in data["measures_proposed"]] == ["Coworking im Dorfladen"]
    assert [c["body"] for c in data["comments"]] == ["Mein Kommentar"]
    assert [s["measure"] for s in data["supports"]] == ["Mobiles Bürgerbüro"]
    assert [f["measure"] for f in data["follows"]] == ["Coworking im Dorfladen"]
    assert data["notifications"] == "instant"


def test_deleting_the_account_keeps_contributions_without_author(measure, other_measure, citizen):
    services.comment_add(measure=other_measure, author=citizen, body="Bleibt stehen")
    services.support_add(measure=other_measure, user=citizen)
    account_delete(user=citizen)
    measure.refresh_from_db()
    other_measure.refresh_from_db()
    assert measure.author is None
    assert str(author_label(measure.author)) == "gelöschtes Konto"
    assert Comment.objects.get().body == "Bleibt stehen"
    assert Comment.objects.get().author is None
    assert Support.objects.get().user is None
    assert other_measure.support_count == 1
    assert not Follow.objects.exists()
    assert measure.follower_count == 0
    assert Measure.objects.count() == 2
