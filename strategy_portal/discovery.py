"""Finding what each installed app contributes from its own modules.

The ground floor never lists the apps: it imports a module of the same name from every installed
app, in the order of INSTALLED_APPS (which is the order of the floors), and the module registers
its part on import. Used for `personal_data.py`, `navigation.py`, `demo.py`, and on the test side
for `tests/<app>/matrix.py` and `tests/<app>/query_budgets.py`.
"""

import importlib
import importlib.util
from types import ModuleType

from django.apps import apps

_imported: dict[str, list[ModuleType]] = {}


def _exists(dotted: str) -> bool:
    """True if the module can be imported; a missing parent package counts as missing."""
    parts = dotted.split(".")
    for end in range(1, len(parts) + 1):
        try:
            if importlib.util.find_spec(".".join(parts[:end])) is None:
                return False
        except ModuleNotFoundError:
            return False
    return True


def app_modules(template: str) -> list[ModuleType]:
    """Import `template.format(app=<app label>)` for every installed app that has it, once.

    `app_modules("{app}.navigation")` imports `measures.navigation`, `workshops.navigation`, …;
    `app_modules("tests.{app}.matrix")` the apps' contributions to the permission matrix. An app
    without the module is skipped; an error inside a module is raised, not hidden.
    """
    if template not in _imported:
        found = []
        for config in apps.get_app_configs():
            dotted = template.format(app=config.name)
            if _exists(dotted):
                found.append(importlib.import_module(dotted))
        _imported[template] = found
    return _imported[template]


def module_if_present(dotted: str) -> ModuleType | None:
    """Import `dotted` if it exists (for the roof's modules, which the ground floor may only name,
    never import statically); None if it does not."""
    return importlib.import_module(dotted) if _exists(dotted) else None
