"""Who may do what with measures, as `rules` predicates.

The object of a measure permission is a `Measure`, of a comment permission a `Comment`, and of a
district-wide permission (propose, record, moderate) the `District`. Blocked people can do
nothing: their account is inactive, and the predicates check that as well.
"""

import rules
from django.utils import timezone

from strategy_portal.permissions import (
    is_district_admin,
    is_district_staff,
    is_evaluation_open,
    is_participation_open,
    is_site_admin,
)

from .models import Comment, Measure, Status


def is_blocked(user) -> bool:
    """Blocked by moderation (or otherwise deactivated). `block_author` deactivates the account
    and `unblock_author` reactivates it, so the flag is enough and costs no query; the
    `UserBlock` row records who blocked and why."""
    return bool(user and user.is_authenticated) and not user.is_active


@rules.predicate
def is_participant(user) -> bool:
    """Signed in and not blocked."""
    return bool(user and user.is_authenticated) and not is_blocked(user)


def _measure_of(obj) -> Measure | None:
    if isinstance(obj, Measure):
        return obj
    if isinstance(obj, Comment):
        return obj.measure
    return None


@rules.predicate
def is_measure_author(user, measure) -> bool:
    measure = _measure_of(measure)
    return measure is not None and user.is_authenticated and measure.author_id == user.pk


@rules.predicate
def is_comment_author(user, comment) -> bool:
    return isinstance(comment, Comment) and user.is_authenticated and comment.author_id == user.pk


@rules.predicate
def measure_has_no_responses(user, measure) -> bool:
    measure = _measure_of(measure)
    return measure is not None and not measure.has_responses


@rules.predicate
def measure_is_open(user, measure) -> bool:
    """Takes supports and comments: not hidden, not merged, not withdrawn or not pursued."""
    measure = _measure_of(measure)
    return measure is not None and measure.is_open


@rules.predicate
def measure_is_current(user, measure) -> bool:
    """Not merged away and not withdrawn: can still be edited or withdrawn."""
    measure = _measure_of(measure)
    return (
        measure is not None
        and measure.merged_into_id is None
        and measure.status != Status.WITHDRAWN
    )


@rules.predicate
def measure_is_proposed(user, measure) -> bool:
    measure = _measure_of(measure)
    return measure is not None and measure.status == Status.PROPOSED


@rules.predicate
def measure_is_visible(user, measure) -> bool:
    measure = _measure_of(measure)
    return measure is not None and not measure.is_hidden


@rules.predicate
def comment_in_edit_window(user, comment) -> bool:
    return isinstance(comment, Comment) and timezone.now() <= comment.editable_until()


@rules.predicate
def comment_is_live(user, comment) -> bool:
    """Neither deleted nor hidden."""
    return isinstance(comment, Comment) and not comment.is_deleted and not comment.is_hidden


@rules.predicate
def comment_is_visible(user, comment) -> bool:
    return isinstance(comment, Comment) and not comment.is_hidden


@rules.predicate
def is_staff_of_measure_district(user, obj) -> bool:
    measure = _measure_of(obj)
    return is_district_staff(user, measure if measure is not None else obj)


is_team = is_participant & (is_staff_of_measure_district | is_site_admin)

# Reading: hidden content only for its author and the team (the public sees a placeholder).
rules.add_perm("measures.view_measure", measure_is_visible | is_measure_author | is_team)
rules.add_perm("measures.view_comment", comment_is_visible | is_comment_author | is_team)

# Participants (object: the District).
# Proposing, supporting and commenting: while the district is in its „Beteiligung“ phase (or has
# no phases at all).
rules.add_perm("measures.propose_measure", is_participant & is_participation_open)
rules.add_perm("measures.flag", is_participant)

# The author, until the first support or comment; the team always (object: the Measure).
rules.add_perm(
    "measures.change_measure",
    is_team
    | (
        is_participant
        & is_measure_author
        & measure_is_current
        & measure_is_proposed
        & measure_has_no_responses
    ),
)
rules.add_perm("measures.withdraw_measure", is_participant & is_measure_author & measure_is_current)
rules.add_perm("measures.support_measure", is_participant & measure_is_open & is_participation_open)
rules.add_perm("measures.comment_measure", is_participant & measure_is_open & is_participation_open)
rules.add_perm("measures.follow_measure", is_participant & measure_is_visible)

# Comments (object: the Comment).
rules.add_perm(
    "measures.reply_comment",
    is_participant & measure_is_open & comment_is_live & is_participation_open,
)
rules.add_perm(
    "measures.change_comment",
    is_participant & is_comment_author & comment_is_live & comment_in_edit_window,
)
rules.add_perm("measures.delete_comment", is_participant & is_comment_author & comment_is_live)

# The district's team (object: the Measure, or the District for district-wide work).
rules.add_perm("measures.record_measure", is_team)
rules.add_perm("measures.change_status", is_team)
rules.add_perm("measures.answer_measure", is_team)
rules.add_perm("measures.merge_measure", is_team)
rules.add_perm("measures.moderate", is_team)
rules.add_perm("measures.block_author", is_team)
rules.add_perm("measures.manage_answer_templates", is_team)
# Lifting a block affects the whole site: site admins only.
rules.add_perm("measures.unblock_author", is_site_admin)


# --- Evaluation -----------------------------------------------------------------------------------


is_district_admin_here = is_participant & (is_district_admin | is_site_admin)

# The ranking and the scoring pages: the district's facilitators and admins (object: District).
rules.add_perm("measures.view_evaluation", is_team)
# Scoring a measure (object: the Measure).
rules.add_perm("measures.score_measure", is_team & measure_is_current & is_evaluation_open)
# Criteria, weights, thresholds (object: District) and tier overrides (object: Measure).
rules.add_perm("measures.manage_criteria", is_district_admin_here)
rules.add_perm("measures.override_tier", is_district_admin_here)

# The Steckbrief of a measure and its milestones (object: the Measure).
rules.add_perm("measures.change_steckbrief", is_team)
