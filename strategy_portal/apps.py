from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyPortalConfig(AppConfig):
    name = "strategy_portal"
    verbose_name = _("Strategy portal")

    def ready(self):
        # The rules, and the tasks that emails.py enqueues by name.
        from . import permissions, tasks  # noqa: F401
