from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyDocumentConfig(AppConfig):
    """The roof as an installed app (the last floor), so that the ground floor finds its
    document builder (`documents.py`) and Django its management commands, without importing it."""

    name = "strategy_portal.strategy"
    label = "strategy"
    verbose_name = _("Strategy document")
