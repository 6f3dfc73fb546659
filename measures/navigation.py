from django.utils.translation import gettext_lazy as _

from strategy_portal.navigation import NavEntry, register

register(NavEntry(key="measures", label=_("Measures"), url_name="measures:list", position=20))
