"""Audiences of a workshop for the newsletter: the people who engage with what it produced.

The newsletter app discovers this module (`AUDIENCES`) and offers each audience as a segment;
this app does not import the newsletters. The participant list of a workshop records names and
organisations only, no addresses, so the audience is made of accounts: everyone who follows,
supports or commented on a measure that came from the chosen workshop's group tables. The
newsletter app then keeps only the addresses with a deliverable subscription of the district.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from measures.models import Comment, Follow, Measure, Support
from strategy_portal.models import User

from .models import Workshop


def _workshops(district):
    return Workshop.objects.for_district(district).published().order_by("-start", "pk")


def workshop_choices(district) -> list[tuple[str, str]]:
    return [
        (str(pk), f"{title} ({localtime(start):%d.%m.%Y})")
        for pk, title, start in _workshops(district).values_list("pk", "title", "start")
    ]


def engaged_users(district, workshop_id):
    """Accounts that follow, support or commented on a measure from the workshop's tables."""
    measures = Measure.objects.for_district(district).filter(
        workshop_link__group__workshop__in=_workshops(district).filter(pk=workshop_id)
    )
    return User.objects.filter(
        Q(pk__in=Follow.objects.filter(measure__in=measures).values("user"))
        | Q(pk__in=Support.objects.filter(measure__in=measures).values("user"))
        | Q(pk__in=Comment.objects.filter(measure__in=measures).values("author"))
    )


def engaged_addresses(district, value) -> list[str]:
    """The e-mail addresses of `engaged_users`: the account's address and its verified ones."""
    users = engaged_users(district, value)
    addresses = set(users.exclude(email="").values_list("email", flat=True))
    addresses.update(
        EmailAddress.objects.filter(user__in=users, verified=True).values_list("email", flat=True)
    )
    return sorted(address.lower() for address in addresses)


@dataclass(frozen=True)
class Audience:
    key: str
    label: object
    choice_label: object
    choices: object
    addresses: object


AUDIENCES = [
    Audience(
        key="workshop",
        label=_("Interested in a workshop (follow, support or commented on its measures)"),
        choice_label=_("Workshop"),
        choices=workshop_choices,
        addresses=engaged_addresses,
    )
]
