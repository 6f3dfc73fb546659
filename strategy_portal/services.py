"""Writes of the ground floor that touch several models or have side effects."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .models import District, Membership, Role, User
from .personal_data import erase_personal_data, export_personal_data


def account_export(*, user: User) -> str:
    """All data the platform holds about `user`, as a JSON document."""
    document = {
        "generated": timezone.now().isoformat(),
        "platform": "Strategieportal",
        **export_personal_data(user),
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete an account. Every app first anonymises its part; public contributions stay and are
    shown as by "gelöschtes Konto"."""
    erase_personal_data(user)
    user.delete()


@transaction.atomic
def membership_add(*, district: District, user: User, role: str, organisation: str = ""):
    """Give `user` a role in `district`."""
    return Membership.objects.create(
        district=district, user=user, role=Role(role), organisation=organisation
    )


@transaction.atomic
def membership_remove(*, membership: Membership) -> bool:
    """Remove a role; the last district admin of a district cannot be removed."""
    if membership.role == Role.ADMIN:
        # Serialise team changes of one district: two admins removing each other at the same
        # moment must not both succeed.
        District.objects.select_for_update().get(pk=membership.district_id)
        admins = Membership.objects.filter(district_id=membership.district_id, role=Role.ADMIN)
        if admins.count() <= 1:
            return False
    membership.delete()
    return True
