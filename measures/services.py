"""Writes of the measures app: proposing, supporting, commenting, following, answering, merging,
moderating and notifying.

Every service takes keyword arguments only and runs in one transaction. Services that act for a
person check the `measures.*` permission themselves and raise `PermissionDenied`, so a view that
forgot a check still changes nothing; bad input raises `ValidationError` keyed by field with a
message in the user's language. Counters on `Measure` are changed here with `F()` updates only;
`recount` rebuilds them from the rows. Mails go out after commit: a service stores a
`NotificationEvent` and `notification_dispatch` fans it out once.
"""

import logging
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from strategy_portal.emails import send_templated_email
from strategy_portal.models import ActionField, District, Membership, Mission, ParticipantKind

from .models import (
    RECORDED_ORIGINS,
    Comment,
    DigestRun,
    EventKind,
    Flag,
    FlagStatus,
    Follow,
    Measure,
    MeasureMerge,
    ModerationAction,
    ModerationActionKind,
    ModerationSummary,
    NotificationEvent,
    NotificationFrequency,
    NotificationSettings,
    Origin,
    PendingNotification,
    Status,
    StatusChange,
    Support,
    UserBlock,
    on_postgres,
)
from .notifications import unsubscribe_headers, unsubscribe_url

logger = logging.getLogger(__name__)

# Fields the author may change (until the first support or comment); the team may change more.
AUTHOR_FIELDS = (
    "title",
    "description",
    "added_value",
    "feasibility",
    "time_horizon",
    "success_criteria",
    "funding_idea",
    "action_field",
    "mission",
)
TEAM_FIELDS = (*AUTHOR_FIELDS, "priority", "on_behalf_of", "origin")

SUPPORT_COUNTER = {
    ParticipantKind.CITIZEN: "support_count_citizen",
    ParticipantKind.COMPANY: "support_count_company",
    ParticipantKind.INSTITUTION: "support_count_institution",
}
TAG_MAX_LENGTH = 100
MAX_TAGS = 10


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _require(user, perm: str, obj=None) -> None:
    if not user or not user.has_perm(perm, obj):
        raise PermissionDenied(perm)


def _required_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("Please give a reason.")}, code="required")
    return value


def _clean_tags(tags: Iterable[str] | None) -> list[str]:
    cleaned = []
    for tag in tags or ():
        tag = " ".join(str(tag).split())
        if not tag:
            continue
        if len(tag) > TAG_MAX_LENGTH:
            raise ValidationError(
                {"tags": _("A tag may have at most %(max)d characters.") % {"max": TAG_MAX_LENGTH}},
                code="max_length",
            )
        if tag.casefold() not in {t.casefold() for t in cleaned}:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError(
            {"tags": _("Please use at most %(max)d tags.") % {"max": MAX_TAGS}}, code="max_tags"
        )
    return cleaned


def _check_action_field(action_field, district: District) -> None:
    if action_field is not None and (
        not isinstance(action_field, ActionField) or action_field.district_id != district.pk
    ):
        raise ValidationError(
            {"action_field": _("Please choose an action field of this district.")},
            code="invalid_choice",
        )


def _validate(measure: Measure) -> None:
    measure.full_clean(
        exclude=["district", "search_vector", "slug", "tags"],
        validate_unique=False,
        validate_constraints=False,
    )


def _enqueue_dispatch(event: NotificationEvent) -> None:
    def send():
        from .tasks import dispatch_notification_event

        try:
            dispatch_notification_event.delay(event.pk)
        except Exception:  # broker down: the periodic sweep dispatches it
            logger.exception("Could not enqueue notification event %s", event.pk)

    transaction.on_commit(send)


def _event(*, kind: str, measure: Measure, actor=None, **kwargs) -> NotificationEvent:
    event = NotificationEvent.objects.create(kind=kind, measure=measure, actor=actor, **kwargs)
    _enqueue_dispatch(event)
    return event


# --- Search index ---------------------------------------------------------------------------------


def search_index_update(*, measure_ids: Iterable[int] | None = None) -> int:
    """Rebuild the German full-text vector (title A, description B, the rest C) on PostgreSQL;
    does nothing elsewhere. Returns the number of measures updated."""
    if not on_postgres():
        return 0
    vector = (
        SearchVector("title", weight="A", config="german")
        + SearchVector("description", weight="B", config="german")
        + SearchVector(
            "added_value",
            "feasibility",
            "success_criteria",
            "funding_idea",
            "official_answer",
            weight="C",
            config="german",
        )
    )
    qs = Measure.objects.all()
    if measure_ids is not None:
        qs = qs.filter(pk__in=list(measure_ids))
    return qs.update(search_vector=vector)


# --- Proposing and editing ------------------------------------------------------------------------


@transaction.atomic
def measure_create(
    *,
    district: District,
    title: str,
    description: str,
    added_value: str = "",
    feasibility: str = "",
    time_horizon: str = "",
    success_criteria: str = "",
    funding_idea: str = "",
    action_field: ActionField | None = None,
    mission: Mission | None = None,
    tags: Iterable[str] | None = None,
    origin: str = Origin.ONLINE,
    author=None,
    recorded_by=None,
    on_behalf_of: str = "",
    priority: int | None = None,
) -> Measure:
    """Create a measure without permission checks: for callers that checked already (the other
    services here, the workshop table import, demo data). The author, if any, follows it."""
    _check_action_field(action_field, district)
    measure = Measure(
        district=district,
        title=(title or "").strip(),
        description=(description or "").strip(),
        added_value=(added_value or "").strip(),
        feasibility=(feasibility or "").strip(),
        time_horizon=time_horizon or "",
        success_criteria=(success_criteria or "").strip(),
        funding_idea=(funding_idea or "").strip(),
        action_field=action_field,
        mission=mission,
        origin=origin,
        author=author,
        recorded_by=recorded_by,
        on_behalf_of=(on_behalf_of or "").strip(),
        priority=priority,
        status=Status.PROPOSED,
    )
    _validate(measure)
    tag_names = _clean_tags(tags)
    measure.save()
    if tag_names:
        measure.tags.set(tag_names)
    StatusChange.objects.create(
        measure=measure,
        from_status="",
        to_status=Status.PROPOSED,
        changed_by=author or recorded_by,
    )
    if author is not None:
        Follow.objects.create(measure=measure, user=author)
        Measure.objects.filter(pk=measure.pk).update(follower_count=F("follower_count") + 1)
        measure.follower_count += 1
    search_index_update(measure_ids=[measure.pk])
    return measure


def _check_proposal_rate(author) -> None:
    limit = _limit("MEASURES_PROPOSALS_PER_DAY", 5)
    since = timezone.now() - timedelta(days=1)
    if Measure.objects.filter(author=author, created__gte=since).count() >= limit:
        raise ValidationError(
            _(
                "You have already proposed %(limit)d measures today. Please wait until tomorrow "
                "before proposing another one."
            )
            % {"limit": limit},
            code="rate_limited",
        )


@transaction.atomic
def measure_submit(
    *,
    district: District,
    author,
    title: str,
    description: str,
    added_value: str = "",
    feasibility: str = "",
    time_horizon: str = "",
    success_criteria: str = "",
    funding_idea: str = "",
    action_field: ActionField | None = None,
    mission: Mission | None = None,
    tags: Iterable[str] | None = None,
) -> Measure:
    """A participant proposes a measure online (status „eingereicht“); they follow it."""
    _require(author, "measures.propose_measure", district)
    if not author.has_perm("measures.record_measure", district):
        _check_proposal_rate(author)
    return measure_create(
        district=district,
        author=author,
        origin=Origin.ONLINE,
        title=title,
        description=description,
        added_value=added_value,
        feasibility=feasibility,
        time_horizon=time_horizon,
        success_criteria=success_criteria,
        funding_idea=funding_idea,
        action_field=action_field,
        mission=mission,
        tags=tags,
    )


@transaction.atomic
def measure_record_on_behalf(
    *,
    district: District,
    recorded_by,
    origin: str,
    on_behalf_of: str = "",
    title: str,
    description: str,
    added_value: str = "",
    feasibility: str = "",
    time_horizon: str = "",
    success_criteria: str = "",
    funding_idea: str = "",
    action_field: ActionField | None = None,
    mission: Mission | None = None,
    tags: Iterable[str] | None = None,
) -> Measure:
    """A facilitator records an idea collected by phone, on paper, in a survey or an expert
    interview, for a named person or „anonym“ (empty `on_behalf_of`). It has no author."""
    _require(recorded_by, "measures.record_measure", district)
    if origin not in RECORDED_ORIGINS:
        raise ValidationError(
            {"origin": _("Please choose how the idea was collected.")}, code="invalid_choice"
        )
    return measure_create(
        district=district,
        recorded_by=recorded_by,
        on_behalf_of=on_behalf_of,
        origin=origin,
        title=title,
        description=description,
        added_value=added_value,
        feasibility=feasibility,
        time_horizon=time_horizon,
        success_criteria=success_criteria,
        funding_idea=funding_idea,
        action_field=action_field,
        mission=mission,
        tags=tags,
    )


@transaction.atomic
def measure_update(*, measure: Measure, user, tags: Iterable[str] | None = None, **changes):
    """Change a measure's texts, action field, mission and tags. The author may do so until the
    first support or comment; the district's team always, and also `priority`, `on_behalf_of`
    and `origin`. Unknown fields raise `TypeError`."""
    measure = Measure.objects.select_for_update().select_related("district").get(pk=measure.pk)
    _require(user, "measures.change_measure", measure)
    allowed = TEAM_FIELDS if user.has_perm("measures.record_measure", measure) else AUTHOR_FIELDS
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"measure_update() cannot change {', '.join(sorted(unknown))}")
    if "action_field" in changes:
        _check_action_field(changes["action_field"], measure.district)
    for field, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(measure, field, value)
    if "time_horizon" in changes and changes["time_horizon"] is None:
        measure.time_horizon = ""
    _validate(measure)
    measure.save()
    if tags is not None:
        measure.tags.set(_clean_tags(tags))
    search_index_update(measure_ids=[measure.pk])
    return measure


@transaction.atomic
def measure_withdraw(*, measure: Measure, user, reason: str) -> StatusChange:
    """The author withdraws their measure with a reason; it stays visible as withdrawn."""
    reason = _required_text(reason, "reason")
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    _require(user, "measures.withdraw_measure", measure)
    measure.withdrawn_reason = reason
    measure.save(update_fields=["withdrawn_reason", "modified"])
    return _set_status(measure=measure, user=user, status=Status.WITHDRAWN, reason=reason)


# --- Status and answers ---------------------------------------------------------------------------


def _set_status(*, measure: Measure, user, status: str, reason: str) -> StatusChange:
    change = StatusChange.objects.create(
        measure=measure,
        from_status=measure.status,
        to_status=status,
        reason=reason,
        changed_by=user,
    )
    measure.status = status
    measure.save(update_fields=["status", "modified"])
    _event(kind=EventKind.STATUS_CHANGED, measure=measure, actor=user, status_change=change)
    return change


def _status_problem(measure: Measure, status: str) -> str | None:
    if measure.merged_into_id is not None:
        return _("It has been merged into another measure.")
    if measure.status == Status.WITHDRAWN:
        return _("It has been withdrawn by its author.")
    return None


def _check_new_status(status: str) -> str:
    if status not in Status.values or status == Status.WITHDRAWN:
        raise ValidationError({"status": _("Please choose a status.")}, code="invalid_choice")
    return status


@transaction.atomic
def status_change(*, measure: Measure, user, status: str, reason: str) -> StatusChange:
    """The district's team moves a measure to another status with a public reason; followers are
    told after commit. Withdrawing is the author's (`measure_withdraw`)."""
    status = _check_new_status(status)
    reason = _required_text(reason, "reason")
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    _require(user, "measures.change_status", measure)
    problem = _status_problem(measure, status)
    if problem:
        raise ValidationError({"status": problem}, code="invalid")
    if measure.status == status:
        raise ValidationError(
            {"status": _("The measure already has this status.")}, code="unchanged"
        )
    return _set_status(measure=measure, user=user, status=status, reason=reason)


@transaction.atomic
def bulk_status_change(
    *, district: District, user, measure_ids: Iterable[int], status: str, reason: str
) -> list[StatusChange]:
    """Give every selected measure of `district` the same status and reason — all or none.
    Measures that already have the status are left as they are. Raises one `ValidationError`
    listing every measure that cannot change."""
    status = _check_new_status(status)
    reason = _required_text(reason, "reason")
    ids = sorted({int(pk) for pk in measure_ids})
    if not ids:
        raise ValidationError(_("Please select at least one measure."), code="empty")
    measures = list(
        Measure.objects.select_for_update().filter(district=district, pk__in=ids).order_by("pk")
    )
    problems = []
    found = {m.pk for m in measures}
    for pk in ids:
        if pk not in found:
            problems.append(_("Measure %(id)s does not belong to this district.") % {"id": pk})
    for measure in measures:
        if not user.has_perm("measures.change_status", measure):
            raise PermissionDenied("measures.change_status")
        problem = _status_problem(measure, status)
        if problem:
            problems.append(f"„{measure.title}“: {problem}")
    if problems:
        raise ValidationError(problems, code="invalid")
    return [
        _set_status(measure=m, user=user, status=status, reason=reason)
        for m in measures
        if m.status != status
    ]


@transaction.atomic
def answer_publish(*, measure: Measure, user, text: str) -> Measure:
    """The district's team publishes (or replaces) the official answer; followers are told."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Please write the answer.")}, code="required")
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    _require(user, "measures.answer_measure", measure)
    measure.official_answer = text
    measure.answered_at = timezone.now()
    measure.answered_by = user
    measure.save(update_fields=["official_answer", "answered_at", "answered_by", "modified"])
    search_index_update(measure_ids=[measure.pk])
    _event(kind=EventKind.ANSWER_PUBLISHED, measure=measure, actor=user)
    return measure


# --- Supports and follows -------------------------------------------------------------------------


@transaction.atomic
def support_add(*, measure: Measure, user) -> bool:
    """Support a measure once. Returns False if `user` supported it already. Safe under
    concurrency: the row is the truth, the counter moves only when this call inserted it."""
    _require(user, "measures.support_measure", measure)
    kind = user.kind if user.kind in SUPPORT_COUNTER else ParticipantKind.CITIZEN
    try:
        with transaction.atomic():
            Support.objects.create(measure=measure, user=user, kind=kind)
    except IntegrityError:
        return False
    counter = SUPPORT_COUNTER[kind]
    Measure.objects.filter(pk=measure.pk).update(
        support_count=F("support_count") + 1, **{counter: F(counter) + 1}
    )
    return True


@transaction.atomic
def support_remove(*, measure: Measure, user) -> bool:
    """Take a support back. Returns False if there was none."""
    if not user or not user.is_authenticated:
        raise PermissionDenied("measures.support_measure")
    support = Support.objects.filter(measure=measure, user=user).first()
    if support is None:
        return False
    deleted, _rows = Support.objects.filter(pk=support.pk).delete()
    if not deleted:  # taken back by a concurrent request
        return False
    counter = SUPPORT_COUNTER.get(support.kind, "support_count_citizen")
    Measure.objects.filter(pk=measure.pk).update(
        support_count=F("support_count") - 1, **{counter: F(counter) - 1}
    )
    return True


@transaction.atomic
def support_toggle(*, measure: Measure, user) -> bool:
    """Support, or take the support back. Returns True if `user` supports it afterwards."""
    if Support.objects.filter(measure=measure, user=user).exists():
        support_remove(measure=measure, user=user)
        return False
    support_add(measure=measure, user=user)
    return True


@transaction.atomic
def follow_add(*, measure: Measure, user) -> bool:
    """Follow a measure. Returns False if already following."""
    _require(user, "measures.follow_measure", measure)
    try:
        with transaction.atomic():
            Follow.objects.create(measure=measure, user=user)
    except IntegrityError:
        return False
    Measure.objects.filter(pk=measure.pk).update(follower_count=F("follower_count") + 1)
    return True


@transaction.atomic
def follow_remove(*, measure: Measure, user) -> bool:
    """Stop following. Returns False if not following."""
    if not user or not user.is_authenticated:
        raise PermissionDenied("measures.follow_measure")
    deleted, _rows = Follow.objects.filter(measure=measure, user=user).delete()
    if not deleted:
        return False
    Measure.objects.filter(pk=measure.pk).update(follower_count=F("follower_count") - 1)
    return True


@transaction.atomic
def follow_toggle(*, measure: Measure, user) -> bool:
    """Follow, or stop following. Returns True if `user` follows it afterwards."""
    if Follow.objects.filter(measure=measure, user=user).exists():
        follow_remove(measure=measure, user=user)
        return False
    follow_add(measure=measure, user=user)
    return True


# --- Comments -------------------------------------------------------------------------------------


def _check_comment_rate(author) -> None:
    limit = _limit("MEASURES_COMMENTS_PER_HOUR", 30)
    since = timezone.now() - timedelta(hours=1)
    if Comment.objects.filter(author=author, created__gte=since).count() >= limit:
        raise ValidationError(
            _(
                "You have written %(limit)d comments in the last hour. Please wait a little "
                "before writing another one."
            )
            % {"limit": limit},
            code="rate_limited",
        )


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Please write a comment.")}, code="required")
    limit = _limit("MEASURES_COMMENT_MAX_LENGTH", 5000)
    if len(body) > limit:
        raise ValidationError(
            {"body": _("A comment may have at most %(max)d characters.") % {"max": limit}},
            code="max_length",
        )
    return body


@transaction.atomic
def comment_add(*, measure: Measure, author, body: str, parent: Comment | None = None) -> Comment:
    """Comment on a measure, or reply to `parent`. Three levels are kept; a reply to a
    third-level comment becomes its sibling and names it in `reply_to`. The author of the
    comment replied to is told."""
    body = _clean_body(body)
    if parent is None:
        _require(author, "measures.comment_measure", measure)
    else:
        if parent.measure_id != measure.pk:
            raise PermissionDenied("measures.reply_comment")
        parent.measure = measure
        _require(author, "measures.reply_comment", parent)
    if not author.has_perm("measures.moderate", measure):
        _check_comment_rate(author)
    reply_to = parent
    if parent is not None and parent.depth >= Comment.MAX_DEPTH:
        parent = parent.parent
    comment = Comment.objects.create(
        measure=measure,
        parent=parent,
        reply_to=reply_to,
        depth=0 if parent is None else parent.depth + 1,
        author=author,
        body=body,
    )
    Measure.objects.filter(pk=measure.pk).update(comment_count=F("comment_count") + 1)
    if reply_to is not None and reply_to.author_id and reply_to.author_id != author.pk:
        _event(
            kind=EventKind.COMMENT_REPLY,
            measure=measure,
            actor=author,
            comment=comment,
            recipient_ids=[reply_to.author_id],
        )
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, user, body: str) -> Comment:
    """The author edits their comment within 15 minutes; it is marked „bearbeitet“."""
    body = _clean_body(body)
    comment = Comment.objects.select_for_update().select_related("measure").get(pk=comment.pk)
    _require(user, "measures.change_comment", comment)
    if body != comment.body:
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at", "modified"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user) -> Comment:
    """The author deletes their comment: its text is removed („Kommentar gelöscht“ is shown),
    replies stay."""
    comment = Comment.objects.select_for_update().select_related("measure").get(pk=comment.pk)
    _require(user, "measures.delete_comment", comment)
    comment.is_deleted = True
    comment.body = ""
    comment.save(update_fields=["is_deleted", "body", "modified"])
    Measure.objects.filter(pk=comment.measure_id).update(comment_count=F("comment_count") - 1)
    return comment


# --- Merging --------------------------------------------------------------------------------------


@transaction.atomic
def measure_merge(*, duplicate: Measure, target: Measure, user, reason: str = "") -> MeasureMerge:
    """Merge `duplicate` into `target` (same district). Supports move, except those of people
    who support the target already; comments and followers move; tags are added to the target.
    The duplicate keeps a pointer (`merged_into`) so its page can say where it went. Supporters
    and followers of the duplicate are told."""
    if duplicate.pk == target.pk:
        raise ValidationError(_("A measure cannot be merged into itself."), code="same")
    locked = {
        m.pk: m
        for m in Measure.objects.select_for_update().filter(pk__in=[duplicate.pk, target.pk])
    }
    duplicate, target = locked[duplicate.pk], locked[target.pk]
    _require(user, "measures.merge_measure", duplicate)
    _require(user, "measures.merge_measure", target)
    if duplicate.district_id != target.district_id:
        raise ValidationError(_("Only measures of the same district can be merged."))
    if duplicate.merged_into_id is not None:
        raise ValidationError(_("This measure has already been merged."), code="merged")
    if target.merged_into_id is not None:
        raise ValidationError(
            _("The measure to merge into has itself been merged into another one."),
            code="merged",
        )
    recipients = set(
        Support.objects.filter(measure=duplicate, user__isnull=False).values_list(
            "user_id", flat=True
        )
    ) | set(Follow.objects.filter(measure=duplicate).values_list("user_id", flat=True))
    recipients.discard(user.pk)

    target_supporters = Support.objects.filter(measure=target, user__isnull=False).values("user_id")
    dropped, _rows = Support.objects.filter(
        measure=duplicate, user_id__in=Subquery(target_supporters)
    ).delete()
    moved_supports = Support.objects.filter(measure=duplicate).update(measure=target)
    target_followers = Follow.objects.filter(measure=target).values("user_id")
    Follow.objects.filter(measure=duplicate, user_id__in=Subquery(target_followers)).delete()
    moved_followers = Follow.objects.filter(measure=duplicate).update(measure=target)
    moved_comments = Comment.objects.filter(measure=duplicate).update(measure=target)
    duplicate_tags = list(duplicate.tags.all())
    if duplicate_tags:
        target.tags.add(*duplicate_tags)
    # Earlier duplicates of the duplicate now point at the target directly.
    Measure.objects.filter(merged_into=duplicate).update(merged_into=target)
    duplicate.merged_into = target
    duplicate.save(update_fields=["merged_into", "modified"])
    recount(measure_ids=[duplicate.pk, target.pk])
    merge = MeasureMerge.objects.create(
        district_id=target.district_id,
        duplicate=duplicate,
        target=target,
        merged_by=user,
        reason=(reason or "").strip(),
        moved_supports=moved_supports,
        dropped_supports=dropped,
        moved_comments=moved_comments,
        moved_followers=moved_followers,
    )
    _event(
        kind=EventKind.MERGED,
        measure=duplicate,
        actor=user,
        merge=merge,
        recipient_ids=sorted(recipients),
    )
    return merge


# --- Counters -------------------------------------------------------------------------------------


def _count_of(model, **conditions):
    rows = (
        model.objects.filter(measure=OuterRef("pk"), **conditions)
        .order_by()
        .values("measure")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), Value(0))


@transaction.atomic
def recount(*, measure_ids: Iterable[int] | None = None) -> int:
    """Rebuild the stored counters of the given measures (all if None) from the rows.
    Returns the number of measures updated."""
    qs = Measure.objects.all()
    if measure_ids is not None:
        qs = qs.filter(pk__in=list(measure_ids))
    return qs.update(
        support_count=_count_of(Support),
        support_count_citizen=_count_of(Support, kind=ParticipantKind.CITIZEN),
        support_count_company=_count_of(Support, kind=ParticipantKind.COMPANY),
        support_count_institution=_count_of(Support, kind=ParticipantKind.INSTITUTION),
        comment_count=_count_of(Comment, is_deleted=False, is_hidden=False),
        follower_count=_count_of(Follow),
    )


# --- Moderation -----------------------------------------------------------------------------------


def _item(measure: Measure | None, comment: Comment | None):
    if (measure is None) == (comment is None):
        raise TypeError("Pass exactly one of measure= and comment=.")
    return measure if measure is not None else comment


@transaction.atomic
def flag_add(
    *, user, reason: str, measure: Measure | None = None, comment: Comment | None = None
) -> tuple[Flag, bool]:
    """Report a measure or a comment, once per person and item. Returns (flag, created)."""
    item = _item(measure, comment)
    _require(user, "measures.flag", item)
    reason = _required_text(reason, "reason")[:2000]
    district_id = measure.district_id if measure is not None else comment.measure.district_id
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                district_id=district_id, measure=measure, comment=comment, user=user, reason=reason
            )
    except IntegrityError:
        return Flag.objects.get(user=user, measure=measure, comment=comment), False
    return flag, True


def _log(*, kind, moderator, district_id, measure=None, comment=None, target_user=None, reason=""):
    return ModerationAction.objects.create(
        district_id=district_id,
        kind=kind,
        moderator=moderator,
        measure=measure,
        comment=comment,
        target_user=target_user,
        reason=(reason or "").strip(),
    )


def _district_id_of(item) -> int:
    return item.district_id if isinstance(item, Measure) else item.measure.district_id


def _log_item(kind, *, moderator, item, reason):
    """Log a moderation action on a measure or a comment."""
    return _log(
        kind=kind,
        moderator=moderator,
        district_id=_district_id_of(item),
        measure=item if isinstance(item, Measure) else None,
        comment=item if isinstance(item, Comment) else None,
        target_user=item.author,
        reason=reason,
    )


@transaction.atomic
def moderation_hide(
    *, moderator, reason: str, measure: Measure | None = None, comment: Comment | None = None
) -> ModerationAction:
    """Hide a measure or comment („Von der Moderation ausgeblendet“); its open flags count as
    acted on. The author and the team still see it."""
    item = _item(measure, comment)
    _require(moderator, "measures.moderate", item)
    reason = _required_text(reason, "reason")
    model = type(item)
    item = model.objects.select_for_update().get(pk=item.pk)
    if not item.is_hidden:
        item.is_hidden = True
        item.save(update_fields=["is_hidden", "modified"])
        if isinstance(item, Comment) and not item.is_deleted:
            Measure.objects.filter(pk=item.measure_id).update(comment_count=F("comment_count") - 1)
    item.flags.filter(status=FlagStatus.OPEN).update(status=FlagStatus.ACTED)
    return _log_item(ModerationActionKind.HIDE, moderator=moderator, item=item, reason=reason)


@transaction.atomic
def moderation_restore(
    *, moderator, reason: str = "", measure: Measure | None = None, comment: Comment | None = None
) -> ModerationAction:
    """Show hidden content again."""
    item = _item(measure, comment)
    _require(moderator, "measures.moderate", item)
    model = type(item)
    item = model.objects.select_for_update().get(pk=item.pk)
    if item.is_hidden:
        item.is_hidden = False
        item.save(update_fields=["is_hidden", "modified"])
        if isinstance(item, Comment) and not item.is_deleted:
            Measure.objects.filter(pk=item.measure_id).update(comment_count=F("comment_count") + 1)
    return _log_item(ModerationActionKind.RESTORE, moderator=moderator, item=item, reason=reason)


@transaction.atomic
def moderation_dismiss(
    *, moderator, reason: str = "", measure: Measure | None = None, comment: Comment | None = None
) -> ModerationAction:
    """Dismiss the open flags of an item: it stays visible and leaves the queue."""
    item = _item(measure, comment)
    _require(moderator, "measures.moderate", item)
    item.flags.filter(status=FlagStatus.OPEN).update(status=FlagStatus.DISMISSED)
    return _log_item(ModerationActionKind.DISMISS, moderator=moderator, item=item, reason=reason)


@transaction.atomic
def block_author(*, moderator, user, district: District, reason: str) -> UserBlock:
    """Block a person from the moderation of `district`: everything they wrote on the site is
    hidden and their account is deactivated, so they cannot log in. Only site admins unblock."""
    _require(moderator, "measures.block_author", district)
    reason = _required_text(reason, "reason")
    if user.pk == moderator.pk or user.is_superuser:
        raise ValidationError(_("This account cannot be blocked."), code="protected")
    if Membership.objects.filter(user=user).exists():
        raise ValidationError(
            _("Members of a district team cannot be blocked here; please ask a site admin."),
            code="protected",
        )
    affected = set(
        Comment.objects.filter(author=user, is_hidden=False).values_list("measure_id", flat=True)
    )
    Comment.objects.filter(author=user, is_hidden=False).update(
        is_hidden=True, modified=timezone.now()
    )
    Measure.objects.filter(author=user, is_hidden=False).update(
        is_hidden=True, modified=timezone.now()
    )
    Flag.objects.filter(
        Q(measure__author=user) | Q(comment__author=user), status=FlagStatus.OPEN
    ).update(status=FlagStatus.ACTED)
    if affected:
        recount(measure_ids=affected)
    user.is_active = False
    user.save(update_fields=["is_active"])
    block, _created = UserBlock.objects.update_or_create(
        user=user, defaults={"district": district, "blocked_by": moderator, "reason": reason}
    )
    _log(
        kind=ModerationActionKind.BLOCK,
        moderator=moderator,
        district_id=district.pk,
        target_user=user,
        reason=reason,
    )
    return block


@transaction.atomic
def unblock_author(*, admin, user, reason: str = "") -> bool:
    """A site admin lifts a block: the account can log in again. Hidden content stays hidden
    until it is restored one by one. Returns False if the person was not blocked."""
    _require(admin, "measures.unblock_author")
    block = UserBlock.objects.filter(user=user).first()
    if block is None:
        return False
    district_id = block.district_id
    block.delete()
    user.is_active = True
    user.save(update_fields=["is_active"])
    if district_id:
        _log(
            kind=ModerationActionKind.UNBLOCK,
            moderator=admin,
            district_id=district_id,
            target_user=user,
            reason=reason,
        )
    return True


def _team_of(district_id: int):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(memberships__district_id=district_id, is_active=True)
        .distinct()
    )


def moderation_summaries_send(*, now=None) -> int:
    """Tell each district's team about new flags, at most once an hour per district: the hour is
    claimed in the transaction that queues the mails. Returns the number of summaries."""
    now = now or timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    district_ids = set(
        Flag.objects.filter(status=FlagStatus.OPEN, notified_at__isnull=True).values_list(
            "district_id", flat=True
        )
    )
    sent = 0
    for district_id in sorted(district_ids):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    summary = ModerationSummary.objects.create(district_id=district_id, hour=hour)
            except IntegrityError:
                continue
            flags = list(
                Flag.objects.select_for_update(of=("self",))
                .filter(district_id=district_id, status=FlagStatus.OPEN, notified_at__isnull=True)
                .select_related("measure", "comment__measure", "district")
            )
            if not flags:
                continue
            Flag.objects.filter(pk__in=[f.pk for f in flags]).update(notified_at=now)
            summary.flag_count = len(flags)
            summary.save(update_fields=["flag_count", "modified"])
            district = flags[0].district
            open_total = Flag.objects.filter(district_id=district_id, status=FlagStatus.OPEN)
            for member in _team_of(district_id):
                send_templated_email(
                    template_prefix="emails/measures/moderation_summary",
                    to=member.email,
                    district=district,
                    context={
                        "recipient": member,
                        "flags": flags,
                        "open_count": open_total.count(),
                        "queue_url": f"{settings.SITE_URL}/{district.slug}/verwaltung/moderation/",
                    },
                )
            sent += 1
    return sent


# --- Notifications --------------------------------------------------------------------------------


@transaction.atomic
def notification_settings_set(*, user, frequency: str) -> NotificationSettings:
    """Choose instant mails, a daily digest or none. Turning mails off drops waiting entries."""
    if frequency not in NotificationFrequency.values:
        raise ValidationError({"frequency": _("Please choose an option.")}, code="invalid_choice")
    row, _created = NotificationSettings.objects.update_or_create(
        user=user, defaults={"frequency": frequency}
    )
    if frequency == NotificationFrequency.OFF:
        PendingNotification.objects.filter(user=user, digest__isnull=True).delete()
    return row


def notifications_off(*, user) -> NotificationSettings:
    """Turn all measure notifications off (the signed link in every mail)."""
    return notification_settings_set(user=user, frequency=NotificationFrequency.OFF)


def _recipients(event: NotificationEvent):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True)
    if event.kind in (EventKind.STATUS_CHANGED, EventKind.ANSWER_PUBLISHED):
        users = users.filter(measure_follows__measure_id=event.measure_id)
    else:
        users = users.filter(pk__in=event.recipient_ids or [])
    if event.actor_id:
        users = users.exclude(pk=event.actor_id)
    return list(users.distinct().order_by("pk"))


def _event_context(event: NotificationEvent) -> dict:
    measure = event.measure
    context = {"event": event, "measure": measure, "measure_url": measure.get_full_url()}
    if event.status_change_id:
        context["status_change"] = event.status_change
    if event.comment_id:
        context["comment"] = event.comment
        context["comment_url"] = f"{settings.SITE_URL}{event.comment.get_absolute_url()}"
    if event.merge_id:
        context["merge"] = event.merge
        context["target"] = event.merge.target
        context["target_url"] = event.merge.target.get_full_url()
    return context


def notification_dispatch(*, event_id: int) -> int:
    """Fan an event out once: a mail to each recipient who wants instant mails, an entry for the
    daily digest for the others, nothing for those who turned mails off. The event is marked in
    the same transaction that queues the mails, so a rerun sends nothing twice. Returns the
    number of people reached."""
    with transaction.atomic():
        event = (
            NotificationEvent.objects.select_for_update()
            .filter(pk=event_id, dispatched_at__isnull=True)
            .first()
        )
        if event is None:
            return 0
        event = NotificationEvent.objects.select_related(
            "measure__district", "status_change", "comment__author", "merge__target__district"
        ).get(pk=event.pk)
        recipients = _recipients(event)
        frequencies = dict(
            NotificationSettings.objects.filter(user__in=recipients).values_list(
                "user_id", "frequency"
            )
        )
        context = _event_context(event)
        reached = 0
        for user in recipients:
            frequency = frequencies.get(user.pk, NotificationFrequency.INSTANT)
            if frequency == NotificationFrequency.OFF:
                continue
            reached += 1
            if frequency == NotificationFrequency.DAILY:
                PendingNotification.objects.get_or_create(user=user, event=event)
                continue
            url = unsubscribe_url(user)
            send_templated_email(
                template_prefix=f"emails/measures/{event.kind}",
                to=user.email,
                district=event.measure.district,
                context={**context, "recipient": user, "unsubscribe_url": url},
                headers=unsubscribe_headers(url),
            )
        event.dispatched_at = timezone.now()
        event.save(update_fields=["dispatched_at", "modified"])
    return reached


def notification_events_pending(*, older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """Ids of events not fanned out a while after they were stored (e.g. the broker was down)."""
    return list(
        NotificationEvent.objects.filter(
            dispatched_at__isnull=True, created__lt=timezone.now() - older_than
        ).values_list("pk", flat=True)
    )


def digest_send(*, user, day: date) -> DigestRun | None:
    """Send `user` their digest of `day` with every waiting entry. The (user, day) record is
    claimed in the transaction that queues the mail: one digest per person and day, however
    often this runs. Returns None if there was nothing to send or it was sent already."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                run = DigestRun.objects.create(user=user, day=day)
        except IntegrityError:
            return None
        items = list(
            PendingNotification.objects.select_for_update()
            .filter(user=user, digest__isnull=True)
            .order_by("created", "pk")
        )
        if not items or not user.is_active:
            # Nothing to say: release the claim so a later event that day can still be sent.
            transaction.set_rollback(True)
            return None
        PendingNotification.objects.filter(pk__in=[i.pk for i in items]).update(digest=run)
        run.item_count = len(items)
        run.save(update_fields=["item_count", "modified"])
        events = (
            NotificationEvent.objects.filter(pk__in=[i.event_id for i in items])
            .select_related(
                "measure__district", "status_change", "comment__author", "merge__target__district"
            )
            .order_by("created", "pk")
        )
        entries = [_event_context(event) for event in events]
        url = unsubscribe_url(user)
        districts = {entry["measure"].district_id for entry in entries}
        send_templated_email(
            template_prefix="emails/measures/daily_digest",
            to=user.email,
            district=entries[0]["measure"].district if len(districts) == 1 else None,
            context={"recipient": user, "entries": entries, "day": day, "unsubscribe_url": url},
            headers=unsubscribe_headers(url),
        )
    return run


def digests_send_due(*, day: date | None = None) -> int:
    """Send today's digest to everyone with waiting entries who chose the daily digest.
    Returns the number of digests sent."""
    day = day or timezone.localdate()
    user_ids = (
        PendingNotification.objects.filter(digest__isnull=True)
        .exclude(user__measure_notification_settings__frequency=NotificationFrequency.OFF)
        .values_list("user_id", flat=True)
        .distinct()
    )
    from django.contrib.auth import get_user_model

    sent = 0
    for user in get_user_model().objects.filter(pk__in=list(user_ids)).order_by("pk"):
        if digest_send(user=user, day=day) is not None:
            sent += 1
    return sent


# --- Steckbrief and milestones --------------------------------------------------------------------

STECKBRIEF_FIELDS = (
    "responsible_body",
    "partners",
    "budget_estimate",
    "funding_programme",
    "start",
    "end",
    "indicators",
)


@transaction.atomic
def steckbrief_save(*, measure: Measure, user, fields: dict, milestones: Iterable[dict]):
    """Save the Steckbrief of `measure` and replace its milestones by `milestones` (dicts with
    `title`, `due_date`, `is_done`, `done_on`; in this order). The status follows the progress
    (`steckbrief_status_follow`). Returns the Steckbrief."""
    from .models import Milestone, Steckbrief

    _require(user, "measures.change_steckbrief", measure)
    steckbrief = Steckbrief.objects.filter(measure=measure).first() or Steckbrief(measure=measure)
    for name in STECKBRIEF_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(steckbrief, name, value.strip() if isinstance(value, str) else value)
    steckbrief.full_clean(exclude=["measure"], validate_unique=False)
    steckbrief.save()
    steckbrief.milestones.all().delete()
    today = timezone.localdate()
    rows = []
    for position, item in enumerate(m for m in milestones if (m.get("title") or "").strip()):
        done = bool(item.get("is_done"))
        rows.append(
            Milestone(
                steckbrief=steckbrief,
                title=item["title"].strip(),
                due_date=item.get("due_date"),
                is_done=done,
                done_on=(item.get("done_on") or today) if done else None,
                position=position,
            )
        )
    for row in rows:
        row.full_clean(exclude=["steckbrief"])
    Milestone.objects.bulk_create(rows)
    steckbrief_status_follow(measure=measure, user=user)
    return steckbrief


def steckbrief_status_follow(*, measure: Measure, user) -> StatusChange | None:
    """Let the status follow the milestones: the first one done → „in implementation“, all done
    → „implemented“, each with a public reason. Returns the change, or None if none was due."""
    from .models import Milestone

    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    milestones = list(
        Milestone.objects.filter(steckbrief__measure=measure).values_list("is_done", "title")
    )
    done = [title for is_done, title in milestones if is_done]
    if not done or measure.status in (Status.WITHDRAWN, Status.NOT_PURSUED):
        return None
    if measure.merged_into_id is not None:
        return None
    if len(done) == len(milestones):
        if measure.status == Status.IMPLEMENTED:
            return None
        return status_change(
            measure=measure,
            user=user,
            status=Status.IMPLEMENTED,
            reason=_("All milestones of the Steckbrief have been reached."),
        )
    if measure.status in (Status.IN_IMPLEMENTATION, Status.IMPLEMENTED):
        return None
    return status_change(
        measure=measure,
        user=user,
        status=Status.IN_IMPLEMENTATION,
        reason=_("The first milestone has been reached: „%(title)s“.") % {"title": done[0]},
    )
