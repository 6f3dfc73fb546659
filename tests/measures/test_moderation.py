"""Flags, the moderation actions and their log, blocking, and the hourly summary to the team."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from measures import services
from measures.models import (
    Comment,
    Flag,
    FlagStatus,
    Measure,
    ModerationAction,
    ModerationSummary,
    UserBlock,
)
from strategy_portal.models import OutgoingEmail

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_flag_once_per_person_and_item(measure, company):
    flag, created = services.flag_add(user=company, measure=measure, reason="Werbung")
    assert created and flag.district == measure.district
    again, created = services.flag_add(user=company, measure=measure, reason="Nochmal")
    assert not created and again == flag
    assert Flag.objects.count() == 1


def test_flag_needs_a_reason_and_exactly_one_item(measure, company):
    with pytest.raises(ValidationError):
        services.flag_add(user=company, measure=measure, reason=" ")
    with pytest.raises(IntegrityError), transaction.atomic():
        Flag.objects.create(district=measure.district, user=company, reason="x")


def test_queue_sorts_by_flag_count(measure, other_measure, company, citizen, institution):
    services.flag_add(user=company, measure=other_measure, reason="a")
    for person in (company, citizen, institution):
        services.flag_add(user=person, measure=measure, reason="b")
    queue = list(Measure.objects.for_district(measure.district).moderation_queue())
    assert [(m, m.open_flag_count) for m in queue] == [(measure, 3), (other_measure, 1)]


def test_hide_resolves_flags_and_is_logged(measure, company, citizen, facilitator):
    comment = services.comment_add(measure=measure, author=company, body="Kauft bei uns!")
    services.flag_add(user=citizen, comment=comment, reason="Werbung")
    services.moderation_hide(moderator=facilitator, comment=comment, reason="Werbung")
    comment.refresh_from_db()
    assert comment.is_hidden
    assert Flag.objects.get().status == FlagStatus.ACTED
    assert not Comment.objects.moderation_queue().exists()
    action = ModerationAction.objects.get()
    assert (action.kind, action.moderator, action.comment, action.reason) == (
        "hide",
        facilitator,
        comment,
        "Werbung",
    )
    services.moderation_restore(moderator=facilitator, comment=comment, reason="Irrtum")
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert ModerationAction.objects.count() == 2


def test_dismiss_keeps_content_and_empties_the_queue(measure, company, facilitator):
    services.flag_add(user=company, measure=measure, reason="Finde ich doof")
    services.moderation_dismiss(moderator=facilitator, measure=measure)
    measure.refresh_from_db()
    assert not measure.is_hidden
    assert not Measure.objects.moderation_queue().exists()


def test_other_district_and_participants_cannot_moderate(
    measure, company, other_district_facilitator
):
    for user in (company, other_district_facilitator):
        with pytest.raises(PermissionDenied):
            services.moderation_hide(moderator=user, measure=measure, reason="x")
    measure.refresh_from_db()
    assert not measure.is_hidden


def test_block_hides_everything_they_wrote_and_stops_login(
    client, measure, district, other_district, facilitator, password
):
    from ..factories import MeasureFactory

    troll = UserFactory(email="troll@example.org")
    own = MeasureFactory(district=other_district, author=troll)
    comment = services.comment_add(measure=measure, author=troll, body="Unsinn")
    services.block_author(moderator=facilitator, user=troll, district=district, reason="Spam")
    own.refresh_from_db()
    comment.refresh_from_db()
    troll.refresh_from_db()
    assert own.is_hidden and comment.is_hidden
    assert not troll.is_active
    assert UserBlock.objects.filter(user=troll).exists()
    assert not client.login(email="troll@example.org", password=password)
    assert ModerationAction.objects.filter(kind="block", target_user=troll).exists()


def test_team_members_cannot_be_blocked_by_a_district(district, facilitator, district_admin):
    with pytest.raises(ValidationError):
        services.block_author(
            moderator=facilitator, user=district_admin, district=district, reason="x"
        )
    district_admin.refresh_from_db()
    assert district_admin.is_active


def test_only_site_admin_unblocks(district, facilitator, site_admin, client, password):
    troll = UserFactory(email="troll@example.org")
    services.block_author(moderator=facilitator, user=troll, district=district, reason="Spam")
    with pytest.raises(PermissionDenied):
        services.unblock_author(admin=facilitator, user=troll)
    assert services.unblock_author(admin=site_admin, user=troll)
    troll.refresh_from_db()
    assert troll.is_active
    assert client.login(email="troll@example.org", password=password)


def test_team_gets_at_most_one_summary_an_hour(measure, company, citizen, facilitator):
    services.flag_add(user=company, measure=measure, reason="Werbung")
    now = datetime.datetime(2026, 3, 2, 10, 15, tzinfo=datetime.UTC)
    assert services.moderation_summaries_send(now=now) == 1
    (email,) = OutgoingEmail.objects.filter(to=facilitator.email)
    assert "Werbung" in email.text_body
    assert "/landkreis-meissen/verwaltung/moderation/" in email.text_body
    services.flag_add(user=citizen, measure=measure, reason="Beleidigend")
    assert services.moderation_summaries_send(now=now + datetime.timedelta(minutes=30)) == 0
    assert services.moderation_summaries_send(now=now + datetime.timedelta(hours=1)) == 1
    assert OutgoingEmail.objects.filter(to=facilitator.email).count() == 2
    assert ModerationSummary.objects.count() == 2
    assert not OutgoingEmail.objects.filter(to=company.email).exists()
