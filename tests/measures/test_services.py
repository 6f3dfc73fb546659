"""The write layer of measures: what each service stores, and what it refuses."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from measures import services
from measures.models import (
    Comment,
    Follow,
    Measure,
    MeasureMerge,
    Origin,
    Status,
    StatusChange,
    Support,
)

from ..factories import ActionFieldFactory, CommentFactory, CompanyFactory

pytestmark = pytest.mark.django_db


# --- Proposing ------------------------------------------------------------------------------------


def test_citizen_proposes_measure_and_follows_it(district, citizen, action_field):
    measure = services.measure_submit(
        district=district,
        author=citizen,
        title="  Ärztehaus mit Telemedizin  ",
        description="Sprechstunden per Video für Dörfer ohne Praxis.",
        added_value="Kürzere Wege für Ältere.",
        time_horizon="medium",
        action_field=action_field,
        tags=["Gesundheit", "gesundheit", " Digitalisierung "],
    )
    measure.refresh_from_db()
    assert measure.title == "Ärztehaus mit Telemedizin"
    assert measure.slug == "aerztehaus-mit-telemedizin"
    assert measure.status == Status.PROPOSED
    assert measure.origin == Origin.ONLINE
    assert sorted(t.name for t in measure.tags.all()) == ["Digitalisierung", "Gesundheit"]
    assert Follow.objects.filter(measure=measure, user=citizen).exists()
    assert measure.follower_count == 1
    assert list(measure.status_changes.values_list("to_status", flat=True)) == [Status.PROPOSED]
    assert measure.get_absolute_url() == (
        f"/landkreis-meissen/massnahmen/{measure.pk}-aerztehaus-mit-telemedizin/"
    )


def test_empty_title_is_refused_on_its_field(district, citizen):
    with pytest.raises(ValidationError) as info:
        services.measure_submit(district=district, author=citizen, title="  ", description="x")
    assert "title" in info.value.message_dict
    assert not Measure.objects.exists()


def test_overlong_title_and_tag_are_refused(district, citizen):
    with pytest.raises(ValidationError) as info:
        services.measure_submit(
            district=district, author=citizen, title="T" * 100_000, description="x"
        )
    assert "title" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.measure_submit(
            district=district, author=citizen, title="Titel", description="x", tags=["x" * 300]
        )
    assert "tags" in info.value.message_dict
    assert not Measure.objects.exists()


def test_action_field_of_another_district_is_refused(district, other_district, citizen):
    foreign = ActionFieldFactory(district=other_district)
    with pytest.raises(ValidationError) as info:
        services.measure_submit(
            district=district, author=citizen, title="T", description="x", action_field=foreign
        )
    assert "action_field" in info.value.message_dict


def test_proposals_are_rate_limited(district, citizen, settings):
    settings.MEASURES_PROPOSALS_PER_DAY = 2
    for n in range(2):
        services.measure_submit(district=district, author=citizen, title=f"T{n}", description="x")
    with pytest.raises(ValidationError) as info:
        services.measure_submit(district=district, author=citizen, title="T3", description="x")
    assert info.value.code == "rate_limited"
    assert Measure.objects.count() == 2


def test_anonymous_visitor_cannot_propose(district):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.measure_submit(
            district=district, author=AnonymousUser(), title="T", description="x"
        )


def test_facilitator_records_on_behalf_of_anonymous(district, facilitator):
    measure = services.measure_record_on_behalf(
        district=district,
        recorded_by=facilitator,
        origin=Origin.PHONE,
        title="Bürgerbus per App buchen",
        description="Am Telefon vorgeschlagen.",
    )
    assert measure.author is None
    assert measure.recorded_by == facilitator
    assert measure.is_recorded
    assert str(measure.on_behalf_of_label) == "anonym"


def test_recording_needs_a_collection_origin(district, facilitator):
    with pytest.raises(ValidationError):
        services.measure_record_on_behalf(
            district=district,
            recorded_by=facilitator,
            origin=Origin.ONLINE,
            title="T",
            description="x",
        )


def test_citizen_cannot_record_on_behalf(district, citizen, other_district_facilitator):
    for user in (citizen, other_district_facilitator):
        with pytest.raises(PermissionDenied):
            services.measure_record_on_behalf(
                district=district,
                recorded_by=user,
                origin=Origin.PAPER,
                on_behalf_of="Frau M.",
                title="T",
                description="x",
            )
    assert not Measure.objects.exists()


# --- Editing and withdrawing ----------------------------------------------------------------------


def test_author_edits_until_first_support(measure, citizen, company):
    services.measure_update(measure=measure, user=citizen, title="Coworking im Dorfladen Zabeltitz")
    measure.refresh_from_db()
    assert measure.title == "Coworking im Dorfladen Zabeltitz"
    services.support_add(measure=measure, user=company)
    with pytest.raises(PermissionDenied):
        services.measure_update(measure=measure, user=citizen, title="Anders")
    measure.refresh_from_db()
    assert measure.title == "Coworking im Dorfladen Zabeltitz"


def test_author_cannot_edit_after_first_comment(measure, citizen, company):
    services.comment_add(measure=measure, author=company, body="Wir machen mit.")
    with pytest.raises(PermissionDenied):
        services.measure_update(measure=measure, user=citizen, description="Neu")


def test_facilitator_edits_any_measure_of_the_district(measure, facilitator, company):
    services.support_add(measure=measure, user=company)
    services.measure_update(measure=measure, user=facilitator, priority=1, tags=["Arbeit 4.0"])
    measure.refresh_from_db()
    assert measure.priority == 1
    assert [t.name for t in measure.tags.all()] == ["Arbeit 4.0"]


def test_author_cannot_set_team_fields(measure, citizen):
    with pytest.raises(TypeError):
        services.measure_update(measure=measure, user=citizen, priority=1)


def test_stranger_and_other_district_cannot_edit(measure, company, other_district_facilitator):
    for user in (company, other_district_facilitator):
        with pytest.raises(PermissionDenied):
            services.measure_update(measure=measure, user=user, title="Gekapert")
    measure.refresh_from_db()
    assert measure.title == "Coworking im Dorfladen"


def test_author_withdraws_with_reason_and_it_stays_visible(measure, citizen):
    with pytest.raises(ValidationError):
        services.measure_withdraw(measure=measure, user=citizen, reason=" ")
    services.measure_withdraw(measure=measure, user=citizen, reason="Gibt es schon.")
    measure.refresh_from_db()
    assert measure.status == Status.WITHDRAWN
    assert measure.withdrawn_reason == "Gibt es schon."
    assert Measure.objects.visible_to(None).filter(pk=measure.pk).exists()
    assert measure.status_changes.last().reason == "Gibt es schon."


def test_withdrawn_measure_takes_no_support_or_comment(measure, citizen, company):
    services.measure_withdraw(measure=measure, user=citizen, reason="Doppelt")
    measure.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.support_add(measure=measure, user=company)
    with pytest.raises(PermissionDenied):
        services.comment_add(measure=measure, author=company, body="Schade")
    assert not Support.objects.exists() and not Comment.objects.exists()


# --- Status and answers ---------------------------------------------------------------------------


def test_status_change_needs_reason_and_is_recorded(measure, facilitator):
    with pytest.raises(ValidationError):
        services.status_change(measure=measure, user=facilitator, status="prioritised", reason="")
    change = services.status_change(
        measure=measure, user=facilitator, status="prioritised", reason="Hohe Wirkung."
    )
    measure.refresh_from_db()
    assert measure.status == Status.PRIORITISED
    assert (change.from_status, change.to_status, change.changed_by) == (
        Status.PROPOSED,
        Status.PRIORITISED,
        facilitator,
    )


def test_status_change_refuses_unknown_and_withdrawn_status(measure, facilitator):
    for status in ("erledigt", Status.WITHDRAWN):
        with pytest.raises(ValidationError):
            services.status_change(measure=measure, user=facilitator, status=status, reason="x")


def test_participant_cannot_change_status(measure, citizen, other_district_facilitator):
    for user in (citizen, other_district_facilitator):
        with pytest.raises(PermissionDenied):
            services.status_change(measure=measure, user=user, status="implemented", reason="x")
    measure.refresh_from_db()
    assert measure.status == Status.PROPOSED


def test_official_answer_is_published_with_date(measure, district_admin):
    services.answer_publish(measure=measure, user=district_admin, text="Wir prüfen das.")
    measure.refresh_from_db()
    assert measure.official_answer == "Wir prüfen das."
    assert measure.answered_by == district_admin
    assert measure.answered_at is not None


def test_bulk_status_change_is_all_or_none(district, facilitator, other_district, measure):
    from ..factories import MeasureFactory

    second = MeasureFactory(district=district)
    withdrawn = MeasureFactory(district=district, status=Status.WITHDRAWN)
    foreign = MeasureFactory(district=other_district)
    with pytest.raises(ValidationError) as info:
        services.bulk_status_change(
            district=district,
            user=facilitator,
            measure_ids=[measure.pk, second.pk, withdrawn.pk, foreign.pk],
            status="under_evaluation",
            reason="Bewertung beginnt.",
        )
    assert len(info.value.messages) == 2
    assert set(Measure.objects.values_list("status", flat=True)) == {"proposed", "withdrawn"}
    changes = services.bulk_status_change(
        district=district,
        user=facilitator,
        measure_ids=[measure.pk, second.pk],
        status="under_evaluation",
        reason="Bewertung beginnt.",
    )
    assert len(changes) == 2
    assert Measure.objects.filter(status="under_evaluation").count() == 2


# --- Supports and follows -------------------------------------------------------------------------


def test_one_support_per_participant_and_second_click_takes_it_back(measure, company):
    assert services.support_toggle(measure=measure, user=company) is True
    assert services.support_add(measure=measure, user=company) is False
    measure.refresh_from_db()
    assert (measure.support_count, measure.support_count_company) == (1, 1)
    assert services.support_toggle(measure=measure, user=company) is False
    measure.refresh_from_db()
    assert (measure.support_count, measure.support_count_company) == (0, 0)


def test_database_refuses_a_second_support_row(measure, company):
    Support.objects.create(measure=measure, user=company, kind="company")
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(measure=measure, user=company, kind="company")


def test_support_keeps_the_kind_at_the_time(measure, citizen, company, institution):
    for user in (citizen, company, institution):
        services.support_add(measure=measure, user=user)
    company.kind = "citizen"
    company.save()
    measure.refresh_from_db()
    assert measure.supports_by_kind() == {"citizen": 1, "company": 1, "institution": 1}
    assert Support.objects.get(user=company).kind == "company"


def test_follow_toggle(measure, company):
    assert services.follow_toggle(measure=measure, user=company) is True
    measure.refresh_from_db()
    assert measure.follower_count == 2
    assert services.follow_toggle(measure=measure, user=company) is False
    measure.refresh_from_db()
    assert measure.follower_count == 1


# --- Comments -------------------------------------------------------------------------------------


def test_replies_nest_three_levels_and_deeper_ones_attach_to_the_third(measure, citizen, company):
    top = services.comment_add(measure=measure, author=citizen, body="Ebene 1")
    second = services.comment_add(measure=measure, author=company, body="Ebene 2", parent=top)
    third = services.comment_add(measure=measure, author=citizen, body="Ebene 3", parent=second)
    fourth = services.comment_add(measure=measure, author=company, body="Ebene 4", parent=third)
    assert [c.depth for c in (top, second, third, fourth)] == [0, 1, 2, 2]
    assert fourth.parent == second
    assert fourth.reply_to == third
    measure.refresh_from_db()
    assert measure.comment_count == 4


def test_reply_to_a_comment_of_another_measure_is_refused(measure, other_measure, company):
    foreign = CommentFactory(measure=other_measure)
    with pytest.raises(PermissionDenied):
        services.comment_add(measure=measure, author=company, body="x", parent=foreign)
    assert not Comment.objects.filter(measure=measure).exists()


def test_empty_and_overlong_comment_refused(measure, company):
    for body in ("   ", "x" * 100_000):
        with pytest.raises(ValidationError) as info:
            services.comment_add(measure=measure, author=company, body=body)
        assert "body" in info.value.message_dict


def test_comments_are_rate_limited(measure, company, settings):
    settings.MEASURES_COMMENTS_PER_HOUR = 1
    services.comment_add(measure=measure, author=company, body="eins")
    with pytest.raises(ValidationError) as info:
        services.comment_add(measure=measure, author=company, body="zwei")
    assert info.value.code == "rate_limited"


def test_comment_edit_within_fifteen_minutes_is_marked(measure, company):
    comment = services.comment_add(measure=measure, author=company, body="Tippfehlr")
    services.comment_edit(comment=comment, user=company, body="Tippfehler")
    comment.refresh_from_db()
    assert comment.body == "Tippfehler" and comment.edited_at is not None
    Comment.objects.filter(pk=comment.pk).update(created=timezone.now() - timedelta(minutes=16))
    comment.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, user=company, body="Später")
    comment.refresh_from_db()
    assert comment.body == "Tippfehler"


def test_nobody_edits_someone_elses_comment(measure, company, citizen, facilitator):
    comment = services.comment_add(measure=measure, author=company, body="Meins")
    for user in (citizen, facilitator):
        with pytest.raises(PermissionDenied):
            services.comment_edit(comment=comment, user=user, body="Deins")


def test_deleted_comment_loses_its_text_and_keeps_replies(measure, company, citizen):
    comment = services.comment_add(measure=measure, author=company, body="Geheim")
    reply = services.comment_add(measure=measure, author=citizen, body="Antwort", parent=comment)
    services.comment_delete(comment=comment, user=company)
    comment.refresh_from_db()
    assert comment.is_deleted and comment.body == ""
    assert Comment.objects.filter(pk=reply.pk, parent=comment).exists()
    measure.refresh_from_db()
    assert measure.comment_count == 1
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=comment, user=company)


def test_replying_to_a_deleted_comment_is_refused(measure, company, citizen):
    comment = services.comment_add(measure=measure, author=company, body="Weg")
    services.comment_delete(comment=comment, user=company)
    comment.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.comment_add(measure=measure, author=citizen, body="x", parent=comment)


# --- Merging --------------------------------------------------------------------------------------


def test_merge_moves_supports_without_double_counting(
    measure, other_measure, facilitator, citizen, company, institution
):
    duplicate, target = other_measure, measure
    services.support_add(measure=duplicate, user=company)  # supports both
    services.support_add(measure=target, user=company)
    services.support_add(measure=duplicate, user=institution)  # only the duplicate
    services.follow_add(measure=duplicate, user=company)
    services.comment_add(measure=duplicate, author=institution, body="Wie beim Bürgerbüro")
    merge = services.measure_merge(
        duplicate=duplicate, target=target, user=facilitator, reason="Gleiche Idee"
    )
    target.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == target
    assert (merge.moved_supports, merge.dropped_supports, merge.moved_comments) == (1, 1, 1)
    assert target.support_count == Support.objects.filter(measure=target).count() == 2
    assert target.supports_by_kind() == {"citizen": 0, "company": 1, "institution": 1}
    assert target.comment_count == 1
    # citizen (the author) and company follow the target once each.
    assert target.follower_count == Follow.objects.filter(measure=target).count()
    assert set(Follow.objects.filter(measure=target).values_list("user", flat=True)) >= {
        citizen.pk,
        company.pk,
    }
    assert (duplicate.support_count, duplicate.comment_count, duplicate.follower_count) == (
        0,
        0,
        0,
    )
    assert MeasureMerge.objects.filter(duplicate=duplicate, target=target).count() == 1
    assert Measure.objects.listed().filter(pk=duplicate.pk).count() == 0


def test_merge_refuses_self_other_district_and_participants(
    measure, other_district, facilitator, citizen
):
    from ..factories import MeasureFactory

    with pytest.raises(ValidationError):
        services.measure_merge(duplicate=measure, target=measure, user=facilitator)
    foreign = MeasureFactory(district=other_district)
    with pytest.raises(PermissionDenied):
        services.measure_merge(duplicate=foreign, target=measure, user=facilitator)
    other = MeasureFactory(district=measure.district)
    with pytest.raises(PermissionDenied):
        services.measure_merge(duplicate=other, target=measure, user=citizen)
    assert not MeasureMerge.objects.exists()


def test_merged_duplicate_cannot_be_merged_again(measure, other_measure, facilitator):
    from ..factories import MeasureFactory

    services.measure_merge(duplicate=other_measure, target=measure, user=facilitator)
    third = MeasureFactory(district=measure.district)
    with pytest.raises(ValidationError):
        services.measure_merge(duplicate=other_measure, target=third, user=facilitator)
    with pytest.raises(ValidationError):
        services.measure_merge(duplicate=third, target=other_measure, user=facilitator)


def test_status_history_is_kept_per_measure(measure, facilitator):
    services.status_change(measure=measure, user=facilitator, status="under_evaluation", reason="a")
    services.status_change(measure=measure, user=facilitator, status="prioritised", reason="b")
    assert list(
        StatusChange.objects.filter(measure=measure).values_list("to_status", flat=True)
    ) == ["proposed", "under_evaluation", "prioritised"]


def test_company_can_propose_measure(district):
    company = CompanyFactory()
    measure = services.measure_submit(
        district=district, author=company, title="Gewerbeflächen digital", description="x"
    )
    assert measure.author == company
