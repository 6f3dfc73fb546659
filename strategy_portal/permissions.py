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


# --- Process phases -------------------------------------------------------------------------------
# What people may do depends on the district's current phase: proposing, supporting and commenting
# in „Beteiligung“, evaluating in „Bewertung“. A district that has defined no phases at all keeps
# everything open. The phases are read once per district and request and kept on the user object
# (like the roles above), so a list that checks a permission per row adds no query per row.


def district_phase_state(user, district) -> tuple[bool, str | None]:
    """(whether the district has any phases, the kind of the phase running today)."""
    from django.utils import timezone

    from .models import Phase

    cache = getattr(user, "_district_phases", None) if user is not None else None
    if cache is None:
        cache = {}
        if user is not None:
            user._district_phases = cache
    if district.pk not in cache:
        today = timezone.localdate()
        phases = list(
            Phase.objects.filter(district_id=district.pk).values_list("kind", "start", "end")
        )
        current = next((kind for kind, start, end in phases if start <= today <= end), None)
        cache[district.pk] = (bool(phases), current)
    return cache[district.pk]


def _phase_district(obj) -> District | None:
    district = _district_of(obj)
    if district is None and obj is not None and hasattr(obj, "measure"):
        district = getattr(obj.measure, "district", None)
    return district


def phase_allows(user, obj, kind: str) -> bool:
    district = _phase_district(obj)
    if district is None:
        return True
    has_phases, current = district_phase_state(user, district)
    return not has_phases or current == kind


def is_phase_open(kind: str):
    """A predicate that holds while the district of the object is in a phase of `kind` (or has
    no phases at all), e.g. `is_phase_open(PhaseKind.EVALUATION)` for scoring."""

    def check(user, obj=None) -> bool:
        return phase_allows(user, obj, kind)

    return rules.predicate(check, name=f"is_{kind}_open")


is_participation_open = is_phase_open("participation")
is_evaluation_open = is_phase_open("evaluation")

# The strategy's structure and the process timeline: district admins and site admins.
rules.add_perm("strategy_portal.change_strategy", is_district_admin | is_site_admin)
