"""Who receives a newsletter: segments, each a subset of the people who consented.

Every segment starts from the district's *deliverable* subscriptions — confirmed through the
double opt-in or by a signed-in user's opt-in on their profile, without a recorded bounce or
complaint — and only narrows them. `recipients()` applies the district and the consent again
after the segment has narrowed, so a segment cannot add anybody, and never anyone of another
district, whatever its code does.

Segments of participation match a subscription to an account by the account (a profile opt-in
links it) or by a verified address of the account.

Segments contributed by a lower floor (the workshops' "attendees of workshop X")
--------------------------------------------------------------------------------
A lower floor must not import this app, so it describes its audiences in plain objects, in a
module `<app>/audiences.py` with a list `AUDIENCES`; each item has

- `key` (str, unique), `label` (lazy text), `choice_label` (lazy text of the select field),
- `choices(district) -> list[(value, label)]`: what can be chosen (the district's workshops),
- `addresses(district, value) -> iterable or QuerySet of e-mail addresses` (the recorded
  attendees of the workshop `value`).

They are discovered here (`strategy_portal.discovery.app_modules("{app}.audiences")`) and
become segments like the ones below; an attendee receives the newsletter only if their address
belongs to a deliverable subscription of the district.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from measures.models import Comment, Follow, Measure, Support
from strategy_portal.discovery import app_modules
from strategy_portal.models import ActionField, District, User

from .models import Subscription


@dataclass(frozen=True)
class Segment:
    key: str
    label: Any
    # Narrow the deliverable subscriptions of the district (`base`) for the chosen value.
    narrow: Callable[[District, str, QuerySet], QuerySet]
    # For segments with a selection: the values to choose from, and the label of that field.
    choices: Callable[[District], list[tuple[str, str]]] | None = None
    choice_label: Any = ""


class SegmentError(ValueError):
    """An unknown segment or a value that is not among its choices for the district."""


_registry: dict[str, Segment] = {}


def register(segment: Segment) -> Segment:
    _registry[segment.key] = segment
    return segment


def consenting(district: District) -> QuerySet:
    """Everyone who may receive the district's newsletter."""
    return Subscription.objects.for_district(district).deliverable()


def of_users(base: QuerySet, users: QuerySet) -> QuerySet:
    """The subscriptions in `base` that belong to one of `users`: linked to the account, or
    subscribed with one of its verified addresses."""
    addresses = (
        EmailAddress.objects.filter(user__in=users, verified=True)
        .annotate(address=Lower("email"))
        .values("address")
    )
    return base.annotate(address=Lower("email")).filter(
        Q(user__in=users) | Q(address__in=addresses)
    )


def of_addresses(base: QuerySet, addresses) -> QuerySet:
    """The subscriptions in `base` with one of `addresses` (compared without case)."""
    if not isinstance(addresses, QuerySet):
        addresses = [address.strip().lower() for address in addresses]
    return base.annotate(address=Lower("email")).filter(address__in=addresses)


def _field_choices(district):
    return [
        (str(pk), title)
        for pk, title in ActionField.objects.for_district(district).values_list("pk", "title")
    ]


def _field(district, value) -> ActionField:
    field = ActionField.objects.for_district(district).filter(pk=value).first()
    if field is None:
        raise SegmentError(value)
    return field


def _participants(district, value, base):
    field = _field(district, value)
    measures = Measure.objects.for_district(district).filter(action_field=field)
    users = User.objects.filter(
        Q(pk__in=measures.values("author"))
        | Q(pk__in=Comment.objects.filter(measure__in=measures).values("author"))
        | Q(pk__in=Support.objects.filter(measure__in=measures).values("user"))
    )
    return of_users(base, users)


def _followers(district, value, base):
    users = User.objects.filter(
        pk__in=Follow.objects.filter(measure__district=district).values("user")
    )
    return of_users(base, users)


register(Segment("all", _("All confirmed subscribers"), narrow=lambda d, v, base: base))
register(
    Segment(
        "topic",
        _("Subscribers of a topic"),
        narrow=lambda d, v, base: base.filter(topics=_field(d, v)),
        choices=_field_choices,
        choice_label=_("Action field"),
    )
)
register(
    Segment(
        "participants",
        _("Participants in an action field (proposed, commented on or supported measures)"),
        narrow=_participants,
        choices=_field_choices,
        choice_label=_("Action field"),
    )
)
register(Segment("followers", _("Followers of measures"), narrow=_followers))


def _from_audience(audience) -> Segment:
    def narrow(district, value, base):
        if value not in {str(v) for v, _label in audience.choices(district)}:
            raise SegmentError(value)
        return of_addresses(base, audience.addresses(district, value))

    return Segment(
        audience.key,
        audience.label,
        narrow=narrow,
        choices=lambda district: [(str(v), label) for v, label in audience.choices(district)],
        choice_label=getattr(audience, "choice_label", _("Selection")),
    )


def all_segments() -> list[Segment]:
    """The segments of this app and those the lower floors describe in `audiences.py`."""
    for module in app_modules("{app}.audiences"):
        for audience in getattr(module, "AUDIENCES", ()):
            if audience.key not in _registry:
                register(_from_audience(audience))
    return list(_registry.values())


def get_segment(key: str) -> Segment:
    for segment in all_segments():
        if segment.key == key:
            return segment
    raise SegmentError(key)


def recipients(*, district: District, segment: str, value: str = "") -> QuerySet:
    """The deliverable subscriptions of `district` in the segment; raises SegmentError for an
    unknown segment or a value that is not the district's."""
    chosen = get_segment(segment)
    if chosen.choices is not None and not value:
        raise SegmentError(value)
    base = consenting(district)
    narrowed = chosen.narrow(district, value, base)
    if narrowed is base:
        # All of them: no self-join of the subscriptions table (without fresh statistics the
        # planner makes it a nested loop over every pair of rows).
        return base.order_by("pk")
    # Whatever the segment did: nobody outside the district's consenting subscribers.
    return consenting(district).filter(pk__in=narrowed.values("pk")).order_by("pk")
