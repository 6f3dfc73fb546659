"""Who may do what with workshops, as `rules` predicates."""

import rules

from measures.permissions import is_participant
from strategy_portal.permissions import is_district_staff, is_site_admin


@rules.predicate
def is_staff_of_group_district(user, group) -> bool:
    """A facilitator or admin of the district whose workshop the group belongs to."""
    workshop = getattr(group, "workshop", None)
    return workshop is not None and is_district_staff(user, workshop)


# Importing a group's measure table (object: the WorkshopGroup), drafts included.
rules.add_perm(
    "workshops.import_measures", is_participant & (is_staff_of_group_district | is_site_admin)
)
