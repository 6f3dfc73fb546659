"""Who may do what with workshops, as `rules` predicates.

The object of a check is a `Workshop`, one of its parts (anything with a `district`), or the
`District` (creating a workshop). Drafts are seen only by the district's team and site admins.
"""

import rules

from measures.permissions import is_participant
from strategy_portal.permissions import is_district_staff, is_site_admin

from .models import WorkshopStatus


@rules.predicate
def is_published_workshop(user, workshop) -> bool:
    return getattr(workshop, "status", None) == WorkshopStatus.PUBLISHED


can_edit = is_district_staff | is_site_admin

# Read a workshop's public page (and its PDF): published, or the district's team.
rules.add_perm("workshops.view_workshop", is_published_workshop | can_edit)
# Create workshops in a district (object: the district).
rules.add_perm("workshops.add_workshop", can_edit)
# Change, preview, publish, unpublish, upload to a workshop (object: the workshop).
rules.add_perm("workshops.change_workshop", can_edit)


@rules.predicate
def is_staff_of_group_district(user, group) -> bool:
    """A facilitator or admin of the district whose workshop the group belongs to."""
    workshop = getattr(group, "workshop", None)
    return workshop is not None and is_district_staff(user, workshop)


# Importing a group's measure table (object: the WorkshopGroup), drafts included.
rules.add_perm(
    "workshops.import_measures", is_participant & (is_staff_of_group_district | is_site_admin)
)
