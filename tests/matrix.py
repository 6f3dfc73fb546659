"""The vocabulary of the permission matrix, and how apps contribute to it.

`tests/test_permission_matrix.py` requests every URL pattern of the project as every role (GET),
and POSTs to every URL that accepts POST. It has no list of URLs of its own: each app contributes
its rows from `tests/<app>/matrix.py` (the ground floor's are in `tests/strategy_portal/matrix.py`),
found by `strategy_portal.discovery.app_modules("tests.{app}.matrix")`. Such a module may define:

- `EXPECTED`: URL name ("namespace:name"; shell wildcards allowed, e.g. "admin:*") → expectation
  per role, for GET. Build them with `everyone(...)` and `roles(default, role=...)`; an
  expectation is a status code, or (status, start of the Location header) for redirects.
- `POST`: URL name → `PostCase(expected=..., state=..., changes=..., data=...)`. Every URL that
  accepts POST needs one: it is POSTed as every role, and `state(world)` (a snapshot of what the
  POST may change, e.g. `lambda world: Measure.objects.filter(pk=world.objects["measure"].pk)
  .exists()`) must differ afterwards exactly for the roles in `changes`.
- `OPTIONAL_KEYS`: keys for patterns that exist only in some configurations.
- `kwarg_value(name, endpoint, world) -> str | None`: a value for a URL parameter of the app's
  patterns (e.g. `pk` of "measures:detail" → `str(world.objects["measure"].pk)`); None if the
  app does not know the parameter.
- `populate(world, request) -> None`: create the objects the app's URLs need, e.g.
  `world.objects["measure"] = MeasureFactory(district=world.district)`, and for the app's Django
  admin pages `world.admin_objects[Measure] = ...`. `request.getfixturevalue("citizen")` gives the
  users of the roles.

The same discovery serves page query budgets (`tests/<app>/query_budgets.py`, see
`tests/strategy_portal/test_query_counts.py`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from strategy_portal.discovery import app_modules

ANONYMOUS = "anonymous"
ROLES = [
    ANONYMOUS,
    "citizen",
    "company",
    "facilitator",
    "other_district_facilitator",
    "district_admin",
    "site_admin",
]

TO_LOGIN = (302, "/konto/anmelden/?next=")
TO_ADMIN_LOGIN = (302, "/admin/login/?next=")
MISSING = "0"  # an id no object has
NOT_AN_ERROR = "any status below 500"  # for pages whose answer is someone else's (Django admin)


def everyone(expected):
    return dict.fromkeys(ROLES, expected)


def roles(default, **overrides):
    unknown = set(overrides) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {**dict.fromkeys(ROLES, default), **overrides}


PUBLIC = everyone(200)
SIGNED_IN = roles(200, anonymous=TO_LOGIN)
# Workspace of the district: its facilitators and admins, and site admins.
WORKSPACE = roles(403, anonymous=TO_LOGIN, facilitator=200, district_admin=200, site_admin=200)
# Settings and team of the district: its admins and site admins only.
WORKSPACE_ADMIN = roles(403, anonymous=TO_LOGIN, district_admin=200, site_admin=200)
POST_ONLY = everyone(405)
# Django admin: non-staff are sent to the admin login; a site admin sees the page.
ADMIN_PAGE = roles(TO_ADMIN_LOGIN, site_admin=200)


def unchanged(world):
    """The state of a POST that changes nothing in the database (e.g. it only renders a form)."""
    return None


@dataclass(frozen=True)
class PostCase:
    """What a POST to one URL does for each role."""

    expected: dict  # role → status or (status, Location prefix)
    state: Callable[[Any], Any] = unchanged  # snapshot taken before and after the POST
    changes: frozenset = frozenset()  # roles for whom the snapshot must differ afterwards
    data: Callable[[Any], dict] | dict = field(default_factory=dict)  # the form sent

    def data_for(self, world) -> dict:
        return self.data(world) if callable(self.data) else self.data


@dataclass
class World:
    """What the matrix requests URLs against: one district, its team, and the apps' objects."""

    district: Any
    membership: Any  # of a facilitator in `district`
    admin_objects: dict  # model → the object whose admin pages are requested
    objects: dict = field(default_factory=dict)  # what apps add in `populate`, by name


def contributions():
    """The `tests/<app>/matrix.py` modules, lower floors first."""
    return app_modules("tests.{app}.matrix")


def merged(attribute: str, modules=None) -> dict:
    """One dictionary from every contribution's `attribute`; a key defined twice is an error."""
    result = {}
    for module in contributions() if modules is None else modules:
        part = getattr(module, attribute, {})
        twice = set(part) & set(result)
        assert not twice, f"{module.__name__}.{attribute} redefines {sorted(twice)}"
        result.update(part)
    return result
