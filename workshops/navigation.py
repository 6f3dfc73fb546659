from django.utils.translation import gettext_lazy as _

from strategy_portal.navigation import NavEntry, register

register(NavEntry(key="workshops", label=_("Workshops"), url_name="workshops:list", position=30))
register(NavEntry(key="dates", label=_("Dates"), url_name="workshops:dates", position=40))
