"""Stored counters never drift from the rows: after every kind of change they equal what
`recount_measures` rebuilds."""

import pytest
from django.core.management import call_command

from measures import services
from measures.models import Measure
from strategy_portal.services import account_delete

from ..factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db

COUNTERS = (
    "support_count",
    "support_count_citizen",
    "support_count_company",
    "support_count_institution",
    "comment_count",
    "follower_count",
)


def counters() -> dict:
    return {m["pk"]: m for m in Measure.objects.values("pk", *COUNTERS)}


def assert_no_drift():
    stored = counters()
    call_command("recount_measures", verbosity=0)
    assert counters() == stored


def test_counters_match_rows_through_support_comment_merge_hide_and_account_deletion(
    measure, other_measure, facilitator, citizen
):
    people = [UserFactory() for _ in range(3)] + [CompanyFactory() for _ in range(2)]
    for person in people:
        services.support_add(measure=measure, user=person)
        services.support_add(measure=other_measure, user=person)
        services.follow_add(measure=other_measure, user=person)
    assert_no_drift()

    services.support_toggle(measure=measure, user=people[0])  # take back
    services.support_toggle(measure=measure, user=people[0])  # and again
    services.support_remove(measure=measure, user=people[1])
    assert_no_drift()

    top = services.comment_add(measure=other_measure, author=people[2], body="Gut")
    reply = services.comment_add(measure=other_measure, author=people[3], body="Ja", parent=top)
    services.comment_add(measure=measure, author=people[4], body="Auch hier")
    services.comment_delete(comment=reply, user=people[3])
    assert_no_drift()

    services.moderation_hide(moderator=facilitator, comment=top, reason="Werbung")
    services.moderation_restore(moderator=facilitator, comment=top)
    services.moderation_hide(moderator=facilitator, comment=top, reason="Doch Werbung")
    assert_no_drift()

    services.measure_merge(duplicate=other_measure, target=measure, user=facilitator)
    assert_no_drift()

    account_delete(user=people[4])
    account_delete(user=people[2])
    assert_no_drift()

    services.block_author(
        moderator=facilitator, user=people[3], district=measure.district, reason="Spam"
    )
    assert_no_drift()

    measure.refresh_from_db()
    # people[1] took back, then came with the merge; the others supported both (counted once);
    # deleted accounts keep counting anonymously).
    assert measure.support_count == measure.supports.count() == 5
    assert measure.comment_count == 1


def test_recount_repairs_a_counter_changed_by_hand(measure):
    Measure.objects.filter(pk=measure.pk).update(
        support_count=7, support_count_citizen=7, comment_count=3
    )
    call_command("recount_measures", str(measure.pk), verbosity=0)
    measure.refresh_from_db()
    assert (measure.support_count, measure.comment_count, measure.follower_count) == (0, 0, 1)
