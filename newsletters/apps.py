import importlib
import importlib.util

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Signals of other floors that announce something worth a newsletter. They are looked up by name
# when the app is ready, so that this app works whether or not the sending app has landed:
# (module, signal, receiver in newsletters.announcements).
ANNOUNCING_SIGNALS = [
    ("workshops.signals", "workshop_published", "workshop_published"),
    ("strategy_portal.signals", "phase_opened", "phase_opened"),
]


def _signal(module_name: str, name: str):
    try:
        if importlib.util.find_spec(module_name) is None:
            return None
    except ModuleNotFoundError:
        return None
    return getattr(importlib.import_module(module_name), name, None)


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = _("Newsletters")

    def ready(self):
        # rules' permissions, anymail's signal, and the tasks that services enqueue by name.
        from . import announcements, permissions, tasks, webhooks  # noqa: F401

        for module_name, name, receiver in ANNOUNCING_SIGNALS:
            signal = _signal(module_name, name)
            if signal is not None:
                signal.connect(
                    getattr(announcements, receiver), dispatch_uid=f"newsletters.{receiver}"
                )
