"""Who gets what: every URL pattern of the project, requested by GET as every role, and every URL
that accepts POST, POSTed as every role (with a check that the POST changed something or not).

The patterns come from the resolver, not from a hand-written list, so a new view cannot slip in
unnoticed: a pattern without an entry in EXPECTED fails `test_every_url_pattern_has_an_expectation`
with its name, one that accepts POST without an entry in POST fails
`test_every_url_accepting_post_has_a_post_expectation`. Nobody edits this file for that: each app
adds its entries, URL-parameter values and objects in `tests/<app>/matrix.py` (the contract is in
`tests/matrix.py`; the ground floor's own entries are in `tests/strategy_portal/matrix.py`).

An expectation is a status code, or (status, start of the Location header) for redirects.
Keys are URL names ("namespace:name"); a pattern without a name is keyed by its namespace and
route. Keys may use shell wildcards ("admin:*"); the exact key wins, then the longest wildcard.
"""

import fnmatch
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from taggit.models import Tag

from strategy_portal.models import District, Membership, OutgoingEmail, Role, SiteProfile, User

from .factories import MembershipFactory
from .matrix import ANONYMOUS, MISSING, NOT_AN_ERROR, ROLES, PostCase, World, contributions, merged

EXPECTED = merged("EXPECTED")
POST = merged("POST")
_PROBE = PostCase(expected={})  # a POST with an empty form, to find the URLs that accept POST
OPTIONAL_KEYS = set().union(*(getattr(m, "OPTIONAL_KEYS", set()) for m in contributions()))


# --- enumerating the URL patterns -----------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    key: str
    route: str
    patterns: tuple
    callback: object

    def __str__(self):
        return f"{self.key} ({self.route})"


def _walk(resolver, patterns, namespace):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, (*patterns, entry.pattern), inner)
            continue
        chain = (*patterns, entry.pattern)
        route = "".join(str(pattern) for pattern in chain)
        if entry.name:
            key = f"{namespace}:{entry.name}" if namespace else entry.name
        else:
            key = f"{namespace}:{route}" if namespace else route
        yield Endpoint(key=key, route=route, patterns=chain, callback=entry.callback)


def all_endpoints() -> list[Endpoint]:
    return list(_walk(get_resolver(), (), ""))


def lookup(table: dict, key: str):
    """The entry for `key`: the exact key wins, then the longest matching wildcard."""
    if key in table:
        return table[key]
    wildcards = [pattern for pattern in table if fnmatch.fnmatchcase(key, pattern)]
    if not wildcards:
        return None
    return table[max(wildcards, key=len)]


def expectation_for(key: str):
    return lookup(EXPECTED, key)


# --- building a concrete URL for a pattern --------------------------------------------------------

_ROUTE_PARAMETER = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)")
_REGEX_LEFTOVER = re.compile(r"[\\()\[\]*+?|{}^$]")


def admin_model_of(endpoint: Endpoint):
    match = re.match(r"admin/(\w+)/(\w+)/", endpoint.route)
    if not match:
        return None
    try:
        return apps.get_model(match[1], match[2])
    except LookupError:
        return None


def kwarg_value(name: str, endpoint: Endpoint, world: World) -> str:
    for module in contributions():
        contributed = getattr(module, "kwarg_value", None)
        value = contributed(name, endpoint, world) if contributed else None
        if value is not None:
            return value
    if name == "district":
        return world.district.slug
    if name == "object_id" and endpoint.key == "admin:view_on_site":
        return str(world.district.pk)
    if name == "content_type_id":
        return str(ContentType.objects.get_for_model(District).pk)
    if name in {"object_id", "id"}:
        obj = world.admin_objects.get(admin_model_of(endpoint))
        return str(obj.pk) if obj is not None else MISSING
    if name == "app_label":
        return "strategy_portal"
    if name == "url":  # the admin's catch-all
        return "nicht-vorhanden/"
    if name == "path":  # uploaded files
        return "districts/logos/nicht-vorhanden.png"
    if name == "key":  # allauth confirmation and reset keys
        return "erfundener-schluessel"
    if name == "uidb36":
        return "1z"
    pytest.fail(
        f"No value for URL parameter {name!r} of {endpoint}; "
        "add one in kwarg_value() of the app's tests/<app>/matrix.py."
    )


def concrete_url(endpoint: Endpoint, world: World) -> str:
    path = ""
    for pattern in endpoint.patterns:
        if isinstance(pattern, RoutePattern):
            path += _ROUTE_PARAMETER.sub(
                lambda m: kwarg_value(m["name"], endpoint, world), pattern._route
            )
        elif isinstance(pattern, RegexPattern):
            segment = _REGEX_GROUP.sub(
                lambda m: kwarg_value(m["name"], endpoint, world), pattern._regex
            )
            segment = segment.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
            assert not _REGEX_LEFTOVER.search(segment), f"cannot build a URL for {endpoint}"
            path += segment
        elif isinstance(pattern, LocalePrefixPattern):
            path += pattern.language_prefix
        else:
            pytest.fail(f"Unknown pattern type {type(pattern)} in {endpoint}")
    url = "/" + path
    match = resolve(url)
    assert match.func is endpoint.callback, (
        f"{url} built for {endpoint} resolves to {match.view_name or match.route} instead"
    )
    return url


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture
def world(
    district, other_district, citizen, company, facilitator, other_district_facilitator,
    district_admin, site_admin, request,
):  # fmt: skip
    site_profile = SiteProfile.load()
    email = OutgoingEmail.objects.create(
        to=citizen.email,
        from_email="noreply@example.org",
        subject="Test",
        text_body="Hallo",
        template_prefix="test",
        district=district,
    )
    objects = {
        District: district,
        Membership: Membership.objects.get(
            user=facilitator, district=district, role=Role.FACILITATOR
        ),
        User: citizen,
        SiteProfile: site_profile,
        OutgoingEmail: email,
        Group: Group.objects.create(name="Redaktion"),
        Site: Site.objects.get_current(),
        EmailAddress: EmailAddress.objects.get(user=citizen),
        Tag: Tag.objects.create(name="Coworking", slug="coworking"),
    }
    world = World(district=district, membership=objects[Membership], admin_objects=objects)
    for module in contributions():
        if hasattr(module, "populate"):
            module.populate(world, request)
    # Models of other apps without an object from `populate`: their first row, if the fixtures
    # created one (else `expected_for` expects the admin's "object does not exist" redirect).
    for model in admin.site._registry:
        if objects.get(model) is None:
            objects[model] = model._default_manager.order_by("pk").first()
    return world


def client_for(role: str, request) -> Client:
    client = Client(raise_request_exception=False)
    if role != ANONYMOUS:
        user = request.getfixturevalue(role)
        client.force_login(user)
    return client


def get_as(role: str, client: Client, request, url: str, **kwargs):
    """GET with a fresh session each time, so no request depends on the one before."""
    client.logout()
    if role != ANONYMOUS:
        user = request.getfixturevalue(role)
        client.force_login(user)
    return client.get(url, **kwargs)


def expected_for(endpoint: Endpoint, role: str, world: World):
    expected = expectation_for(endpoint.key)[role]
    model = admin_model_of(endpoint)
    if (
        role == "site_admin"
        and model is not None
        and re.search(r"_(change|history|delete)$", endpoint.key)
        and world.admin_objects.get(model) is None
        and endpoint.key not in EXPECTED
    ):
        # A model no test object exists for: the admin redirects to its index with a message
        # (unless an entry of its own says otherwise, e.g. a log whose rows cannot be deleted).
        expected = (302, "/admin/")
    return expected


def describe(response) -> str:
    location = response.get("Location")
    return f"{response.status_code} → {location}" if location else str(response.status_code)


def matches(response, expected) -> bool:
    if expected == NOT_AN_ERROR:
        return response.status_code < 500
    if isinstance(expected, tuple):
        status, location = expected
        return response.status_code == status and response.get("Location", "").startswith(location)
    return response.status_code == expected


# --- the tests ------------------------------------------------------------------------------------


def test_every_url_pattern_has_an_expectation():
    missing = [str(e) for e in all_endpoints() if expectation_for(e.key) is None]
    assert not missing, (
        "URL patterns without an entry in EXPECTED of tests/test_permission_matrix.py "
        "(say who may see them):\n  " + "\n  ".join(missing)
    )


def test_every_expectation_belongs_to_a_url_pattern():
    keys = {endpoint.key for endpoint in all_endpoints()}
    stale = [
        entry
        for entry in EXPECTED
        if entry not in OPTIONAL_KEYS and not any(fnmatch.fnmatchcase(key, entry) for key in keys)
    ]
    assert not stale, f"Entries in EXPECTED without a URL pattern: {stale}"


def test_every_expectation_names_every_role():
    incomplete = {key: set(ROLES) ^ set(value) for key, value in EXPECTED.items()}
    assert not {key: diff for key, diff in incomplete.items() if diff}


def test_the_matrix_covers_the_central_pages():
    # Guard against an enumeration that silently finds nothing.
    keys = {endpoint.key for endpoint in all_endpoints()}
    assert {"landing", "profile", "workspace", "account_login", "admin:index"} <= keys


def follow_redirects(client: Client, response, limit: int = 10):
    """The answer at the end of `response`'s redirects within the site (as `follow=True` would
    give, without requesting the first URL again)."""
    for _hop in range(limit):
        if response.status_code not in (301, 302, 303, 307, 308):
            break
        location = urlsplit(response["Location"])
        if location.netloc and location.netloc != "testserver":
            break
        response = client.get(location.path, QueryDict(location.query))
    return response


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, world, request):
    """Every URL as `role`: the expected answer, and, followed through its redirects, never a
    server error (whether or not the URL has an expectation yet)."""
    client = Client(raise_request_exception=False)
    mismatches = []
    errors = []
    for endpoint in all_endpoints():
        url = concrete_url(endpoint, world)
        response = get_as(role, client, request, url)
        final = follow_redirects(client, response)
        if response.status_code >= 500 or final.status_code >= 500:
            errors.append(f"{endpoint.key}: GET {url} → {describe(response)} → {final.status_code}")
        if expectation_for(endpoint.key) is None:
            continue  # reported by test_every_url_pattern_has_an_expectation
        expected = expected_for(endpoint, role, world)
        if not matches(response, expected):
            mismatches.append(
                f"{endpoint.key}: GET {url} → {describe(response)}, expected {expected}"
            )
    assert not errors, f"server errors as {role}:\n  " + "\n  ".join(errors)
    assert not mismatches, f"as {role}:\n  " + "\n  ".join(mismatches)


def test_following_redirects_reaches_the_final_page(client, db):
    first = client.get("/konto/profil/")
    assert first.status_code == 302
    final = follow_redirects(client, first)
    assert final.status_code == 200
    assert final.request["PATH_INFO"] == urlsplit(first["Location"]).path


# --- POST -----------------------------------------------------------------------------------------


def post_as(role: str, client: Client, request, url: str, case, world):
    """POST as `role`; returns the response and whether the case's state changed. Everything the
    POST wrote is rolled back, so no POST depends on the one before."""
    client.logout()
    if role != ANONYMOUS:
        user = request.getfixturevalue(role)
        client.force_login(user)
    with transaction.atomic():
        before = case.state(world)
        response = client.post(url, case.data_for(world))
        changed = case.state(world) != before
        transaction.set_rollback(True)
    return response, changed


def test_every_url_accepting_post_has_a_post_expectation(world, request):
    """A site admin POSTs to every URL; whatever does not answer 405 needs an entry in POST."""
    client = Client(raise_request_exception=False)
    missing = []
    for endpoint in all_endpoints():
        if lookup(POST, endpoint.key) is not None:
            continue
        view_class = getattr(endpoint.callback, "view_class", None)
        if view_class is not None and not hasattr(view_class, "post"):
            continue  # a class-based view without `post` answers 405 by construction
        url = concrete_url(endpoint, world)
        response, _changed = post_as("site_admin", client, request, url, _PROBE, world)
        if response.status_code != 405:
            missing.append(f"{endpoint} answers POST with {describe(response)}")
    assert not missing, (
        "URLs that accept POST without an entry in POST of their app's tests/<app>/matrix.py:\n  "
        + "\n  ".join(missing)
    )


def test_every_post_expectation_names_every_role():
    incomplete = {key: set(ROLES) ^ set(case.expected) for key, case in POST.items()}
    assert not {key: diff for key, diff in incomplete.items() if diff}
    unknown = {key: set(case.changes) - set(ROLES) for key, case in POST.items()}
    assert not {key: diff for key, diff in unknown.items() if diff}


@pytest.mark.parametrize("role", ROLES)
def test_post_matrix(role, world, request):
    client = Client(raise_request_exception=False)
    mismatches = []
    for endpoint in all_endpoints():
        case = lookup(POST, endpoint.key)
        if case is None:
            continue  # answers 405: checked by test_every_url_accepting_post_has_a_post_expectation
        url = concrete_url(endpoint, world)
        response, changed = post_as(role, client, request, url, case, world)
        expected = case.expected[role]
        if not matches(response, expected):
            mismatches.append(
                f"{endpoint.key}: POST {url} → {describe(response)}, expected {expected}"
            )
        if changed != (role in case.changes):
            mismatches.append(
                f"{endpoint.key}: POST {url} {'changed' if changed else 'did not change'} "
                f"the state, expected it {'to' if role in case.changes else 'not to'}"
            )
    assert not mismatches, f"as {role}:\n  " + "\n  ".join(mismatches)


def test_a_contributed_row_is_picked_up(monkeypatch):
    """The discovery itself: a module in tests/<app>/ adds its rows without editing this file."""
    import types

    contribution = types.ModuleType("tests.example_app.matrix")
    contribution.EXPECTED = {"example:page": dict.fromkeys(ROLES, 200)}
    contribution.POST = {"example:action": PostCase(expected=dict.fromkeys(ROLES, 403))}
    found = [*contributions(), contribution]

    assert merged("EXPECTED", found)["example:page"]["citizen"] == 200
    assert merged("POST", found)["example:action"].expected["site_admin"] == 403
    assert "landing" in merged("EXPECTED", found)
    with pytest.raises(AssertionError, match="redefines"):
        merged("EXPECTED", [*found, contribution])


def test_the_ground_floor_rows_come_from_its_contribution_module():
    from .strategy_portal import matrix as ground_floor

    assert ground_floor in contributions()
    assert EXPECTED["workspace"] is ground_floor.EXPECTED["workspace"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (ANONYMOUS, 302),
        ("citizen", 403),
        ("company", 403),
        ("facilitator", 403),
        ("other_district_facilitator", 403),
    ],
)
def test_only_admins_can_remove_team_members(role, expected, world, request):
    """The matrix only sends GET; the one POST action of the ground floor is checked here."""
    url = f"/{world.district.slug}/verwaltung/team/{world.membership.pk}/entfernen/"
    client = client_for(role, request)
    response = client.post(url)
    assert response.status_code == expected
    assert Membership.objects.filter(pk=world.membership.pk).exists()


def test_district_admin_can_remove_a_facilitator(world, request):
    url = f"/{world.district.slug}/verwaltung/team/{world.membership.pk}/entfernen/"
    response = client_for("district_admin", request).post(url)
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=world.membership.pk).exists()


def test_admin_of_another_district_cannot_remove_this_districts_members(world, other_district):
    foreign_admin = MembershipFactory(district=other_district, role=Role.ADMIN).user
    client = Client()
    client.force_login(foreign_admin)
    url = f"/{world.district.slug}/verwaltung/team/{world.membership.pk}/entfernen/"
    assert client.post(url).status_code == 403
    # Nor through their own district's address with this district's membership id.
    url = f"/{other_district.slug}/verwaltung/team/{world.membership.pk}/entfernen/"
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=world.membership.pk).exists()
