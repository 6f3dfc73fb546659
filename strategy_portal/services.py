"""Writes of the ground floor that touch several models or have side effects."""

import json
import logging
import secrets
from collections.abc import Callable, Iterable
from typing import TypeVar

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from .emails import send_templated_email
from .models import District, Invitation, InvitationStatus, Membership, Role, User
from .personal_data import erase_personal_data, export_personal_data

logger = logging.getLogger(__name__)

T = TypeVar("T")

# The link in it is a secret: the outbox keeps only the record that it was sent.
INVITATION_EMAIL = "account/email/team_invitation"
DISTRICT_WITHOUT_ADMIN_EMAIL = "strategy_portal/email/district_without_admin"


# --- Account --------------------------------------------------------------------------------------


def account_export(*, user: User) -> str:
    """All data the platform holds about `user`, as a JSON document."""
    document = {
        "generated": timezone.now().isoformat(),
        "platform": "Strategieportal",
        **export_personal_data(user),
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


@transaction.atomic
def account_delete(*, user: User) -> list[District]:
    """Delete an account. Every app first anonymises its part; public contributions stay and are
    shown as by "gelöschtes Konto".

    The right to erasure is never blocked by a role: this is the one team change that may take
    away a district's last administrator. The district's administration then falls to the site
    admins, who are told by mail. Returns the districts left without an administrator."""
    admin_of = Membership.objects.filter(user=user, role=Role.ADMIN).values("district_id")
    # Locked in the same order as every other team change, so two deletions cannot deadlock.
    districts = list(District.objects.select_for_update().filter(pk__in=admin_of).order_by("pk"))
    still_administered = set(
        Membership.objects.filter(district__in=districts, role=Role.ADMIN)
        .exclude(user=user)
        .values_list("district_id", flat=True)
    )
    orphaned = sorted(
        (d for d in districts if d.pk not in still_administered), key=lambda d: d.name
    )
    erase_personal_data(user)
    user.delete()
    for district in orphaned:
        _notify_site_admins_of_district_without_admin(district=district)
    return orphaned


def _notify_site_admins_of_district_without_admin(*, district: District) -> None:
    recipients = (
        User.objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .order_by("email")
    )
    if not recipients:
        logger.warning("District %s has no administrator and there is no site admin.", district)
    for address in recipients:
        send_templated_email(
            template_prefix=DISTRICT_WITHOUT_ADMIN_EMAIL,
            to=address,
            context={
                "orphaned_district": district,
                "admin_url": settings.SITE_URL
                + reverse("admin:strategy_portal_district_change", args=[district.pk]),
                "team_url": settings.SITE_URL
                + reverse("workspace_team", kwargs={"district": district.slug}),
            },
        )


# --- The team of a district: the "at least one administrator" rule --------------------------------


class LastAdminError(Exception):
    """A change would leave a district that has an administrator without one."""

    def __init__(self, district: District):
        self.district = district
        super().__init__(f"{district} would be left without an administrator")

    @property
    def message(self) -> str:
        return gettext(
            "%(district)s would be left without an administrator. Please make another person "
            "administrator first."
        ) % {"district": self.district.name}


def leaves_without_admin(*, district: District, leaving: Iterable[int] = (), joining: int = 0):
    """The rule, in one place: True if `district` has an administrator now and would have none
    once the memberships `leaving` (ids) no longer hold the role – removed, given another role or
    moved – and `joining` new administrators were added. A district that has no administrator
    (a new one, or one whose last administrator deleted the account) may be changed freely."""
    admins = set(
        Membership.objects.filter(district_id=district.pk, role=Role.ADMIN).values_list(
            "pk", flat=True
        )
    )
    return bool(admins) and not (admins - set(leaving)) and joining <= 0


def check_admin_remains(*, district: District, leaving: Iterable[int] = (), joining: int = 0):
    """Raise `LastAdminError` if the change described as in `leaves_without_admin` breaks the
    rule. Forms call it to show the error; the writes below call it under the team lock."""
    if leaves_without_admin(district=district, leaving=leaving, joining=joining):
        raise LastAdminError(district)


def _lock_teams(district_ids: Iterable[int]) -> None:
    # Serialise team changes of a district: two admins removing each other at the same moment
    # must not both succeed. Always in id order, so that no two changes wait for each other.
    list(District.objects.select_for_update().filter(pk__in=set(district_ids)).order_by("pk"))


@transaction.atomic
def team_change(
    *, district: District, apply: Callable[[], T], leaving: Iterable[int] = (), joining: int = 0
) -> T:
    """Run `apply` (the writes of one change to a district's team) under the team lock, if the
    rule allows the change; raises `LastAdminError` otherwise and writes nothing."""
    _lock_teams([district.pk])
    check_admin_remains(district=district, leaving=leaving, joining=joining)
    return apply()


def _by_district(memberships: Iterable[Membership]) -> list[tuple[District, list[int]]]:
    groups: dict[int, tuple[District, list[int]]] = {}
    for membership in memberships:
        groups.setdefault(membership.district_id, (membership.district, []))[1].append(
            membership.pk
        )
    return [groups[pk] for pk in sorted(groups)]


def check_memberships_removable(*, memberships: Iterable[Membership]) -> None:
    """Raise `LastAdminError` if removing `memberships` would break the rule in a district."""
    for district, ids in _by_district(memberships):
        check_admin_remains(district=district, leaving=ids)


@transaction.atomic
def memberships_remove(*, memberships: Iterable[Membership]) -> None:
    """Remove roles, in one or several districts; all or none (`LastAdminError`)."""
    groups = _by_district(memberships)
    _lock_teams(district.pk for district, _ids in groups)
    for district, ids in groups:
        team_change(
            district=district,
            leaving=ids,
            apply=lambda ids=ids: Membership.objects.filter(pk__in=ids).delete(),
        )


def membership_remove(*, membership: Membership) -> None:
    """Remove one role (from the team page, or the member leaving it themselves)."""
    memberships_remove(memberships=[membership])


def membership_set_role(*, membership: Membership, role: str) -> Membership:
    """Give a member of a team another role; the last administrator keeps theirs."""
    role = Role(role)

    def apply():
        membership.role = role
        membership.save(update_fields=["role", "modified"])
        return membership

    leaving = [membership.pk] if role != Role.ADMIN else []
    return team_change(district=membership.district, leaving=leaving, apply=apply)


# --- Invitations ----------------------------------------------------------------------------------


class InvitationError(Exception):
    """An invitation cannot be accepted: `code` is its status, or "address" for a person who is
    not signed in with a confirmed invited address."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def owns_address(user: User, email: str) -> bool:
    """Whether `email` is a confirmed address of `user` (letters in any case)."""
    return EmailAddress.objects.filter(user=user, verified=True, email__iexact=email).exists()


@transaction.atomic
def invitation_create(
    *, district: District, email: str, role: str, organisation: str = "", invited_by: User
) -> Invitation:
    """Invite `email` into the team of `district` and mail the link. Whether the address has an
    account makes no difference here. An open invitation to the same address is replaced.

    The returned invitation carries the link's `token` (only its hash is stored)."""
    Invitation.objects.for_district(district).open().filter(email__iexact=email).delete()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        district=district,
        email=email,
        role=Role(role),
        organisation=organisation,
        invited_by=invited_by,
        token_hash=Invitation.hash_token(token),
        expires_at=timezone.now() + Invitation.VALID_FOR,
    )
    send_templated_email(
        template_prefix=INVITATION_EMAIL,
        to=email,
        district=district,
        context={
            "invitation": invitation,
            "invitation_url": settings.SITE_URL + reverse("invitation", args=[token]),
        },
    )
    invitation.token = token
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Accept an invitation: `user` joins the team with the invited role. Only once, only before
    it expires, and only by the owner of the invited address (`InvitationError` otherwise)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.OPEN:
        raise InvitationError(invitation.status)
    if not owns_address(user, invitation.email):
        raise InvitationError("address")
    membership, _created = Membership.objects.get_or_create(
        user=user,
        district_id=invitation.district_id,
        # A member who was added meanwhile keeps the role they have.
        defaults={"role": invitation.role, "organisation": invitation.organisation},
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "modified"])
    return membership


@transaction.atomic
def invitation_decline(*, invitation: Invitation) -> bool:
    """Decline an open invitation; its link stops working. Returns False if it was not open."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.OPEN:
        return False
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at", "modified"])
    return True


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation) -> None:
    """Withdraw an invitation: it is deleted, and its link leads nowhere."""
    invitation.delete()


# --- The strategy's structure and the process timeline --------------------------------------------


def _german_slug(text: str, max_length: int = 80) -> str:
    from django.utils.text import slugify

    umlauts = str.maketrans(
        {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
    )
    return slugify(text.translate(umlauts))[:max_length].strip("-")


def unique_slug(
    queryset, text: str, *, exclude_pk=None, fallback: str = "eintrag", reserved=frozenset()
) -> str:
    """A slug for `text` that no other row of `queryset` has (…-2, …-3 if taken), nor any of
    `reserved` (addresses of pages beside the rows')."""
    base = _german_slug(text, 74) or fallback
    taken = set(queryset.exclude(pk=exclude_pk).values_list("slug", flat=True)) | set(reserved)
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _position_items(items: Iterable[dict]) -> list[dict]:
    return [item for item in items if (item.get("title") or "").strip()]


@transaction.atomic
def strategy_save(
    *,
    district: District,
    fields: dict,
    values: Iterable[dict] = (),
    goals: Iterable[dict] = (),
    new_version: bool = False,
):
    """Save the district's current strategy with its values and goals (each a dict with `title`,
    `explanation` or `text`, in the order given). With `new_version`, the current one is kept as
    it was and a new current version takes its place."""
    from .models import ProjectGoal, Strategy, StrategyValue

    current = Strategy.objects.for_district(district).current().select_for_update().first()
    if current is not None and new_version:
        Strategy.objects.filter(pk=current.pk).update(is_current=False)
        current = None
    strategy = current or Strategy(district=district, is_current=True)
    for name, value in fields.items():
        setattr(strategy, name, value)
    strategy.full_clean(exclude=["district"], validate_constraints=False)
    strategy.save()
    strategy.values.all().delete()
    strategy.goals.all().delete()
    value_rows = [
        StrategyValue(
            strategy=strategy,
            title=item["title"].strip(),
            explanation=(item.get("explanation") or "").strip(),
            position=position,
        )
        for position, item in enumerate(_position_items(values))
    ]
    goal_rows = [
        ProjectGoal(
            strategy=strategy,
            title=item["title"].strip(),
            text=(item.get("text") or "").strip(),
            position=position,
        )
        for position, item in enumerate(_position_items(goals))
    ]
    for row in value_rows + goal_rows:
        row.full_clean(exclude=["strategy"])
    StrategyValue.objects.bulk_create(value_rows)
    ProjectGoal.objects.bulk_create(goal_rows)
    return strategy


class ActionFieldInUse(Exception):
    """An action field that still has measures cannot be deleted."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# `/<district>/strategie/pdf/` is the strategy PDF, not an action field.
RESERVED_FIELD_SLUGS = frozenset({"pdf"})


@transaction.atomic
def action_field_save(*, district: District, action_field=None, **fields):
    """Create or change an action field of `district`; the address follows a new title."""
    from django.core.exceptions import ValidationError

    from .models import ActionField

    action_field = action_field or ActionField(district=district)
    if action_field.district_id != district.pk:
        raise ValidationError(gettext("This action field belongs to another district."))
    for name, value in fields.items():
        setattr(action_field, name, value)
    if not action_field.slug or "title" in fields:
        action_field.slug = unique_slug(
            ActionField.objects.for_district(district),
            action_field.title,
            exclude_pk=action_field.pk,
            fallback="handlungsfeld",
            reserved=RESERVED_FIELD_SLUGS,
        )
    action_field.full_clean(exclude=["district"], validate_constraints=False)
    action_field.save()
    return action_field


@transaction.atomic
def action_field_delete(*, action_field) -> None:
    """Delete an action field and its missions; refused while measures are assigned to it."""
    from django.db.models import ProtectedError

    # Measures point here from an upper floor: find them through the reverse relations Django
    # knows, without importing the app.
    in_use = [
        relation
        for relation in action_field._meta.related_objects
        if relation.related_model._meta.app_label != action_field._meta.app_label
        and relation.related_model.objects.filter(**{relation.field.name: action_field}).exists()
    ]
    message = gettext(
        "The action field „%(title)s“ still has measures. Please assign them to another action "
        "field first; then it can be deleted."
    ) % {"title": action_field.title}
    if in_use:
        raise ActionFieldInUse(message)
    try:
        action_field.delete()
    except ProtectedError as error:
        raise ActionFieldInUse(message) from error


@transaction.atomic
def mission_save(*, district: District, action_field, mission=None, **fields):
    """Create or change a mission; its action field must belong to the same district."""
    from django.core.exceptions import ValidationError

    from .models import Mission

    if action_field is None or action_field.district_id != district.pk:
        raise ValidationError(
            {"action_field": gettext("Please choose an action field of this district.")},
            code="other_district",
        )
    mission = mission or Mission(district=district)
    if mission.district_id != district.pk:
        raise ValidationError(gettext("This mission belongs to another district."))
    mission.action_field = action_field
    for name, value in fields.items():
        setattr(mission, name, value)
    if not mission.slug or "title" in fields:
        mission.slug = unique_slug(
            Mission.objects.filter(action_field=action_field),
            mission.title,
            exclude_pk=mission.pk,
            fallback="mission",
        )
    mission.full_clean(validate_constraints=False)
    mission.save()
    return mission


@transaction.atomic
def phase_save(*, district: District, phase=None, kind: str, start, end, description: str = ""):
    """Create or change a phase of the district's timeline. Refuses reversed dates and dates
    that overlap another phase (`ValidationError` on `end` or `start`)."""
    from django.core.exceptions import ValidationError

    from .models import Phase

    # One writer at a time per district, so that two overlapping phases cannot both pass.
    District.objects.select_for_update().filter(pk=district.pk).first()
    phase = phase or Phase(district=district)
    if phase.district_id != district.pk:
        raise ValidationError(gettext("This phase belongs to another district."))
    phase.kind, phase.start, phase.end = kind, start, end
    phase.description = (description or "").strip()
    phase.full_clean(exclude=["district"], validate_constraints=False)
    phase.save()
    return phase


def phases_open_due(*, today=None) -> int:
    """Announce each phase whose first day has come (`phase_opened`), once: the record of the
    announcement and the signal's receivers run in one transaction per phase. Phases that ended
    before anyone announced them are only recorded. Returns the number of signals sent."""
    from .models import Phase
    from .signals import phase_opened

    today = today or timezone.localdate()
    now = timezone.now()
    Phase.objects.filter(opened_signal_sent_at__isnull=True, end__lt=today).update(
        opened_signal_sent_at=now
    )
    sent = 0
    due = Phase.objects.filter(opened_signal_sent_at__isnull=True, start__lte=today)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = Phase.objects.filter(pk=pk, opened_signal_sent_at__isnull=True).update(
                opened_signal_sent_at=now
            )
            if not claimed:
                continue  # another run announced it
            phase = Phase.objects.select_related("district").get(pk=pk)
            phase_opened.send(sender=Phase, phase=phase, district=phase.district)
            sent += 1
    return sent
