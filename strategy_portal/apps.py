from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyPortalConfig(AppConfig):
    name = "strategy_portal"
    verbose_name = _("Strategy portal")

    def ready(self):
        from . import (
            document_tasks,  # noqa: F401  (registers the document task)
            permissions,  # noqa: F401  (registers the rules)
            tasks,  # noqa: F401  (registers the tasks that `emails` enqueues by name)
        )
