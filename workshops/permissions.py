"""Who may do what with workshops, as `rules` predicates.

The object of a check is a `Workshop`, one of its parts (anything with a `district`), or the
`District` (creating a workshop). Drafts are seen only by the district's team and site admins.
"""

import rules

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
