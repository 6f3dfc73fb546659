"""Who may compose and send a district's newsletter: its administrators (and site admins).

Facilitators work on the content of the process but do not write to the district's subscribers.
The object is the `District` (or a `Newsletter`, whose district decides).
"""

import rules

from strategy_portal.permissions import is_district_admin, is_site_admin

rules.add_perm("newsletters.manage_newsletters", is_district_admin | is_site_admin)
