"""Who gets what: every URL pattern of the project, requested by GET as every role.

The patterns come from the resolver, not from a hand-written list, so a new view cannot slip in
unnoticed: a pattern without an entry in EXPECTED fails `test_every_url_pattern_has_an_expectation`
with its name. Add the entry (and, for a new URL parameter, a way to fill it in `kwarg_value`).

An expectation is a status code, or (status, start of the Location header) for redirects.
Keys are URL names ("namespace:name"); a pattern without a name is keyed by its namespace and
route. Keys may use shell wildcards ("admin:*"); the exact key wins, then the longest wildcard.
"""

import fnmatch
import re
from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from taggit.models import Tag

from strategy_portal.models import District, Membership, OutgoingEmail, Role, SiteProfile, User

from .factories import MembershipFactory

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


def everyone(expected):
    return dict.fromkeys(ROLES, expected)


def roles(default, **overrides):
    unknown = set(overrides) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {**dict.fromkeys(ROLES, default), **overrides}


PUBLIC = everyone(200)
SIGNED_IN = roles(200, anonymous=TO_LOGIN)
# allauth sends signed-in users away from login and sign-up.
ENTRANCE = roles((302, "/konto/profil/"), anonymous=200)
# Workspace of the district: its facilitators and admins, and site admins.
WORKSPACE = roles(403, anonymous=TO_LOGIN, facilitator=200, district_admin=200, site_admin=200)
# Settings and team of the district: its admins and site admins only.
WORKSPACE_ADMIN = roles(403, anonymous=TO_LOGIN, district_admin=200, site_admin=200)
POST_ONLY = everyone(405)
# Django admin: non-staff are sent to the admin login; a site admin sees the page.
ADMIN_PAGE = roles(TO_ADMIN_LOGIN, site_admin=200)

EXPECTED = {
    # --- site pages
    "landing": PUBLIC,
    "healthz": PUBLIC,
    "site_imprint": PUBLIC,
    "site_privacy_policy": PUBLIC,
    "site_accessibility_statement": PUBLIC,
    # Django's language switch acts on POST; a GET just goes back to where the visitor came from.
    "set_language": everyone((302, "/")),
    # --- own account
    "profile": SIGNED_IN,
    "personal_data": SIGNED_IN,
    "personal_data_export": SIGNED_IN,
    # --- allauth
    "account_login": ENTRANCE,
    "account_signup": ENTRANCE,
    # Logout needs POST; GET shows a confirmation form, anonymous visitors have nothing to leave.
    "account_logout": roles(200, anonymous=(302, "/")),
    "account_inactive": PUBLIC,
    "account_reauthenticate": SIGNED_IN,
    # Login by code is off: there is never a pending code to confirm.
    "account_confirm_login_code": roles(
        (302, "/konto/profil/"), anonymous=(302, "/konto/anmelden/")
    ),
    "account_email": SIGNED_IN,
    "account_email_verification_sent": PUBLIC,
    "account_change_password": SIGNED_IN,
    # Everybody here has a password, so "set" forwards to "change".
    "account_set_password": roles((302, "/konto/passwort/aendern/"), anonymous=TO_LOGIN),
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    # A forged key shows the "link invalid" page, for everyone alike.
    "account_confirm_email": PUBLIC,
    "account_reset_password_from_key": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    # --- district pages
    "district_home": PUBLIC,
    "imprint": PUBLIC,
    "privacy_policy": PUBLIC,
    "accessibility_statement": PUBLIC,
    "workspace": WORKSPACE,
    "workspace_settings": WORKSPACE_ADMIN,
    "workspace_team": WORKSPACE_ADMIN,
    "workspace_team_remove": POST_ONLY,
    # --- uploaded files (served by Django only with DEBUG or SERVE_MEDIA); a missing file is 404
    r"^media/(?P<path>.*)$": everyone(404),
    # --- Django admin
    "admin:*": ADMIN_PAGE,
    "admin:login": roles(200, site_admin=(302, "/admin/")),
    # Logout needs POST; the admin sends non-staff to its index (and from there to its login).
    "admin:logout": roles((302, "/admin/"), site_admin=405),
    # Without its query parameters the autocomplete refuses.
    "admin:autocomplete": roles(TO_ADMIN_LOGIN, site_admin=403),
    "admin:view_on_site": roles(TO_ADMIN_LOGIN, site_admin=(302, "http://")),
    # The outbox is written by the code only; the site profile exists once.
    "admin:strategy_portal_outgoingemail_add": roles(TO_ADMIN_LOGIN, site_admin=403),
    "admin:strategy_portal_siteprofile_add": roles(TO_ADMIN_LOGIN, site_admin=403),
    # Logs of the measures app are read-only in the admin; blocks are lifted by an action.
    **{
        f"admin:measures_{model}_{view}": roles(TO_ADMIN_LOGIN, site_admin=403)
        for model in (
            "moderationaction",
            "measuremerge",
            "notificationevent",
            "digestrun",
            "userblock",
        )
        for view in ("add", "delete")
    },
    # Old-style object URLs redirect to the change page (which then checks permissions).
    "admin:admin/*/<path:object_id>/": everyone((302, "/admin/")),
    # Unknown admin addresses: 404 for staff, login for everyone else.
    "admin:admin/(?P<url>.*)$": roles(TO_ADMIN_LOGIN, site_admin=404),
}

# Entries for patterns that only exist in some configurations.
OPTIONAL_KEYS = {r"^media/(?P<path>.*)$"}


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


def expectation_for(key: str):
    if key in EXPECTED:
        return EXPECTED[key]
    wildcards = [pattern for pattern in EXPECTED if fnmatch.fnmatchcase(key, pattern)]
    if not wildcards:
        return None
    return EXPECTED[max(wildcards, key=len)]


# --- building a concrete URL for a pattern --------------------------------------------------------

_ROUTE_PARAMETER = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)")
_REGEX_LEFTOVER = re.compile(r"[\\()\[\]*+?|{}^$]")

MISSING = "0"  # an id no object has


@dataclass
class World:
    district: District
    membership: Membership  # of a facilitator in `district`
    admin_objects: dict  # model → the object whose admin pages are requested


def admin_model_of(endpoint: Endpoint):
    match = re.match(r"admin/(\w+)/(\w+)/", endpoint.route)
    if not match:
        return None
    try:
        return apps.get_model(match[1], match[2])
    except LookupError:
        return None


def kwarg_value(name: str, endpoint: Endpoint, world: World) -> str:
    if name == "district":
        return world.district.slug
    if name == "pk" and endpoint.key == "workspace_team_remove":
        return str(world.membership.pk)
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
    pytest.fail(f"No value for URL parameter {name!r} of {endpoint}; add one in kwarg_value().")


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
    district_admin, site_admin,
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
    # Models registered later by other apps: their first row, if the fixtures created one (else
    # `expected_for` expects the admin's "object does not exist" redirect for the site admin).
    for model in admin.site._registry:
        objects.setdefault(model, model._default_manager.order_by("pk").first())
    return World(
        district=district,
        membership=objects[Membership],
        admin_objects=objects,
    )


def client_for(role: str, request) -> Client:
    client = Client(raise_request_exception=False)
    if role != ANONYMOUS:
        user = request.getfixturevalue(role)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def get_as(role: str, client: Client, request, url: str, **kwargs):
    """GET with a fresh session each time, so no request depends on the one before."""
    client.logout()
    if role != ANONYMOUS:
        user = request.getfixturevalue(role)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
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


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, world, request):
    client = Client(raise_request_exception=False)
    mismatches = []
    for endpoint in all_endpoints():
        if expectation_for(endpoint.key) is None:
            continue  # reported by test_every_url_pattern_has_an_expectation
        url = concrete_url(endpoint, world)
        expected = expected_for(endpoint, role, world)
        response = get_as(role, client, request, url)
        if not matches(response, expected):
            mismatches.append(
                f"{endpoint.key}: GET {url} → {describe(response)}, expected {expected}"
            )
    assert not mismatches, f"as {role}:\n  " + "\n  ".join(mismatches)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_fails_with_a_server_error(role, world, request):
    """Every URL, followed through its redirects, as every role: never a 500."""
    client = Client(raise_request_exception=False)
    errors = []
    for endpoint in all_endpoints():
        url = concrete_url(endpoint, world)
        response = get_as(role, client, request, url, follow=True)
        if response.status_code >= 500:
            errors.append(f"{endpoint.key}: GET {url} → {response.status_code}")
    assert not errors, f"as {role}:\n  " + "\n  ".join(errors)


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
    client.force_login(foreign_admin, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/{world.district.slug}/verwaltung/team/{world.membership.pk}/entfernen/"
    assert client.post(url).status_code == 403
    # Nor through their own district's address with this district's membership id.
    url = f"/{other_district.slug}/verwaltung/team/{world.membership.pk}/entfernen/"
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=world.membership.pk).exists()
