"""The `measures.*` permissions for each role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from measures import services

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_author_may_edit_until_first_response_then_only_the_team(
    measure, citizen, company, facilitator, district_admin, other_district_facilitator, site_admin
):
    assert citizen.has_perm("measures.change_measure", measure)
    assert not company.has_perm("measures.change_measure", measure)
    services.comment_add(measure=measure, author=company, body="Gute Idee")
    measure.refresh_from_db()
    assert not citizen.has_perm("measures.change_measure", measure)
    assert facilitator.has_perm("measures.change_measure", measure)
    assert district_admin.has_perm("measures.change_measure", measure)
    assert site_admin.has_perm("measures.change_measure", measure)
    assert not other_district_facilitator.has_perm("measures.change_measure", measure)


@pytest.mark.parametrize(
    "perm",
    [
        "measures.change_status",
        "measures.answer_measure",
        "measures.merge_measure",
        "measures.moderate",
        "measures.record_measure",
    ],
)
def test_team_permissions_stay_in_their_district(
    perm, measure, citizen, facilitator, other_district_facilitator
):
    assert facilitator.has_perm(perm, measure)
    assert not other_district_facilitator.has_perm(perm, measure)
    assert not citizen.has_perm(perm, measure)
    assert not AnonymousUser().has_perm(perm, measure)


def test_visitor_can_only_read(measure):
    visitor = AnonymousUser()
    assert visitor.has_perm("measures.view_measure", measure)
    for perm in ("support_measure", "comment_measure", "follow_measure", "flag"):
        assert not visitor.has_perm(f"measures.{perm}", measure)


def test_hidden_measure_is_seen_by_author_and_team_only(measure, citizen, company, facilitator):
    services.moderation_hide(moderator=facilitator, measure=measure, reason="Beleidigend")
    measure.refresh_from_db()
    assert citizen.has_perm("measures.view_measure", measure)
    assert facilitator.has_perm("measures.view_measure", measure)
    assert not company.has_perm("measures.view_measure", measure)
    assert not AnonymousUser().has_perm("measures.view_measure", measure)
    assert not company.has_perm("measures.comment_measure", measure)


def test_blocked_user_can_do_nothing(measure, district, facilitator):
    troll = UserFactory()
    services.block_author(moderator=facilitator, user=troll, district=district, reason="Spam")
    troll.refresh_from_db()
    for perm in ("propose_measure", "support_measure", "comment_measure", "flag"):
        assert not troll.has_perm(f"measures.{perm}", measure)


def test_only_site_admins_unblock(district, facilitator, district_admin, site_admin):
    assert not facilitator.has_perm("measures.unblock_author")
    assert not district_admin.has_perm("measures.unblock_author")
    assert site_admin.has_perm("measures.unblock_author")
