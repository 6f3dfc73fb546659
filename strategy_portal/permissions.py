"""Who may do what, as `rules` predicates. Roles are per district; site admins are superusers.

A user's roles are loaded once per request and kept on the user object, so permission checks in a
template do not add a query each.
"""

import rules

from .models import District, Role


def district_roles(user) -> dict[int, str]:
    """Map of district id → role for this user, cached on the instance."""
    if not user or not user.is_authenticated:
        return {}
    cached = getattr(user, "_district_roles", None)
    if cached is None:
        cached = dict(user.memberships.values_list("district_id", "role"))
        user._district_roles = cached
    return cached


def _district_of(obj) -> District | None:
    if obj is None:
        return None
    if isinstance(obj, District):
        return obj
    return getattr(obj, "district", None)


@rules.predicate
def is_site_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser)


@rules.predicate
def is_district_admin(user, obj) -> bool:
    district = _district_of(obj)
    return district is not None and district_roles(user).get(district.pk) == Role.ADMIN


@rules.predicate
def is_facilitator(user, obj) -> bool:
    district = _district_of(obj)
    return district is not None and district_roles(user).get(district.pk) == Role.FACILITATOR


is_district_staff = is_district_admin | is_facilitator

# The workspace (/<district>/verwaltung/): drafts, imports, evaluation, moderation.
rules.add_perm("strategy_portal.view_workspace", is_district_staff | is_site_admin)
# Branding, contact, legal pages, newsletter sender of a district.
rules.add_perm("strategy_portal.change_district", is_district_admin | is_site_admin)
# Adding and removing facilitators and admins of a district.
rules.add_perm("strategy_portal.manage_team", is_district_admin | is_site_admin)
