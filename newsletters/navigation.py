from django.utils.translation import gettext_lazy as _

from strategy_portal.navigation import NavEntry, register

# The public page: sign-up, and below it the archive (`current="prefix"` marks both).
register(
    NavEntry(key="newsletter", label=_("Newsletter"), url_name="newsletters:subscribe", position=60)
)
