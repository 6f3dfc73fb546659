"""Districts: landing page, district home, legal pages, validation, theme colour, demo content."""

import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.management import call_command

from strategy_portal.demo import DEMO_LOGINS, DEMO_PASSWORD
from strategy_portal.models import (
    RESERVED_SLUGS,
    ActionField,
    District,
    Membership,
    Role,
    SiteProfile,
    User,
)

from ..factories import ActionFieldFactory, DistrictFactory

pytestmark = pytest.mark.django_db


def _card_of(html: str, name: str) -> str:
    """The landing-page card (one <li>) that shows the district `name`."""
    start = html.index(f">{name}</a>")
    return html[html.rindex("<li", 0, start) : html.index("</li>", start)]


# --- Landing page ---------------------------------------------------------------------------------


def test_landing_lists_active_districts_but_not_unpublished_ones(client, district, other_district):
    DistrictFactory(name="Geheimkreis", slug="geheimkreis", is_active=False)

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/landkreis-meissen/"' in html
    assert 'href="/wetteraukreis/"' in html
    assert "Geheimkreis" not in html
    assert "/geheimkreis/" not in html


def test_landing_counts_action_fields_without_cross_cutting_themes(
    client, district, other_district
):
    ActionFieldFactory.create_batch(3, district=district)
    ActionFieldFactory(district=district, is_cross_cutting=True)
    ActionFieldFactory(district=other_district)

    response = client.get("/")

    counts = {d.slug: d.action_field_count for d in response.context["districts"]}
    assert counts == {"landkreis-meissen": 3, "wetteraukreis": 1}
    html = response.content.decode()
    assert re.search(r">\s*3\s\w", _card_of(html, "Landkreis Meißen"))
    assert re.search(r">\s*1\s\w", _card_of(html, "Wetteraukreis"))


def test_landing_without_districts_says_so(client, db):
    response = client.get("/")

    assert response.status_code == 200
    assert list(response.context["districts"]) == []
    assert 'class="kern-card' not in response.content.decode()


# --- District home --------------------------------------------------------------------------------


def test_district_home_shows_action_fields_and_contact(client, district, other_district):
    district.contact_name = "Wirtschaftsförderung Region Meißen"
    district.contact_email = "digital@wrm.example"
    district.contact_phone = "03522 303-0"
    district.contact_address = "Remonteplatz 8\n01558 Großenhain"
    district.save()
    ActionFieldFactory(district=district, title="Neue Arbeitsformen / Arbeit 4.0")
    ActionFieldFactory(district=district, title="Daten als Grundlage", is_cross_cutting=True)
    ActionFieldFactory(district=other_district, title="Nahversorgung und Gewerbe")

    response = client.get("/landkreis-meissen/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "Neue Arbeitsformen / Arbeit 4.0" in html
    assert "Daten als Grundlage" in html
    assert "Nahversorgung und Gewerbe" not in html
    assert "Wirtschaftsförderung Region Meißen" in html
    assert 'href="mailto:digital@wrm.example"' in html
    assert "03522 303-0" in html
    assert "Remonteplatz 8<br>01558 Großenhain" in html


def test_district_home_links_the_district_legal_pages_in_the_footer(client, district):
    html = client.get("/landkreis-meissen/").content.decode()

    assert 'href="/landkreis-meissen/impressum/"' in html
    assert 'href="/landkreis-meissen/datenschutz/"' in html
    assert 'href="/landkreis-meissen/barrierefreiheit/"' in html


def test_unknown_district_is_404(client, db):
    assert client.get("/gibt-es-nicht/").status_code == 404
    assert client.get("/gibt-es-nicht/impressum/").status_code == 404


def test_unpublished_district_is_404(client, db):
    DistrictFactory(name="Geheimkreis", slug="geheimkreis", is_active=False, imprint="# Geheim")

    assert client.get("/geheimkreis/").status_code == 404
    assert client.get("/geheimkreis/impressum/").status_code == 404


# --- Legal pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("impressum/", "imprint"),
        ("datenschutz/", "privacy_policy"),
        ("barrierefreiheit/", "accessibility_statement"),
    ],
)
def test_district_legal_page_renders_its_markdown_as_html(client, district, path, field):
    setattr(
        district,
        field,
        f"# Angaben zu {field}\n\nLandratsamt **Meißen**\n\n- Punkt eins\n\n"
        "[Website](https://www.kreis-meissen.de)",
    )
    district.save()

    response = client.get(f"/landkreis-meissen/{path}")

    html = response.content.decode()
    assert response.status_code == 200
    # The Markdown heading is demoted: the page title is the only <h1>.
    assert html.count("<h1") == 1
    assert f"<h2>Angaben zu {field}</h2>" in html
    assert "<strong>Meißen</strong>" in html
    assert "<li>Punkt eins</li>" in html
    assert re.search(r'<a href="https://www.kreis-meissen.de" rel="[^"]*nofollow', html)
    assert "**Meißen**" not in html


def test_district_legal_page_shows_the_text_of_that_district_only(client, district, other_district):
    district.imprint = "Impressum des Landkreises Meißen"
    district.save()
    other_district.imprint = "Impressum des Wetteraukreises"
    other_district.save()

    html = client.get("/wetteraukreis/impressum/").content.decode()

    assert "Impressum des Wetteraukreises" in html
    assert "Impressum des Landkreises Meißen" not in html


def test_district_legal_page_does_not_execute_html_from_the_text(client, district):
    district.privacy_policy = 'Hallo <script>alert("x")</script> [klick](javascript:alert(1))'
    district.save()

    html = client.get("/landkreis-meissen/datenschutz/").content.decode()

    assert '<script>alert("x")</script>' not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;" in html  # shown as text, not run


def test_empty_district_legal_page_says_it_is_not_published_yet(client, district):
    district.accessibility_statement = ""
    district.save()

    response = client.get("/landkreis-meissen/barrierefreiheit/")

    assert response.status_code == 200
    assert response.context["body"] == ""
    assert "Landkreis Meißen" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/impressum/", "imprint"),
        ("/datenschutz/", "privacy_policy"),
        ("/barrierefreiheit/", "accessibility_statement"),
    ],
)
def test_site_wide_legal_page_renders_the_operators_markdown(client, db, path, field):
    profile = SiteProfile.load()
    setattr(profile, field, f"## Betreiber {field}\n\nStrategieportal *Demo*")
    profile.save()

    response = client.get(path)

    html = response.content.decode()
    assert response.status_code == 200
    assert f"<h2>Betreiber {field}</h2>" in html
    assert "<em>Demo</em>" in html
    # Not in a district: no district footer, no district theme.
    assert response.context["current_district"] is None
    assert "--sp-theme" not in html


# --- Validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug",
    [
        "konto",
        "api",
        "admin",
        "gute-beispiele",
        "newsletter",
        "healthz",
        "static",
        "media",
        "Konto",
    ],
)
def test_reserved_slug_is_rejected_with_a_clear_message(db, slug):
    district = District(name="Landkreis Konto", slug=slug)

    with pytest.raises(ValidationError) as excinfo:
        district.full_clean()

    errors = excinfo.value.error_dict
    assert list(errors) == ["slug"]
    assert errors["slug"][0].code == "reserved"
    assert slug in excinfo.value.message_dict["slug"][0]


def test_every_reserved_slug_is_rejected(db):
    for slug in sorted(RESERVED_SLUGS):
        with pytest.raises(ValidationError) as excinfo:
            District(name="Test", slug=slug).full_clean()
        assert "slug" in excinfo.value.error_dict, slug


def test_ordinary_slug_and_dark_colour_are_accepted(db):
    district = District(name="Landkreis Meißen", slug="landkreis-meissen", theme_colour="#1b4f8a")

    district.full_clean()  # raises if invalid
    district.save()

    assert District.objects.get(slug="landkreis-meissen").theme_colour == "#1b4f8a"


def test_light_theme_colour_is_rejected_for_its_contrast(db):
    district = District(name="Gelber Kreis", slug="gelber-kreis", theme_colour="#ffff00")

    with pytest.raises(ValidationError) as excinfo:
        district.full_clean()

    assert list(excinfo.value.error_dict) == ["theme_colour"]
    error = excinfo.value.error_dict["theme_colour"][0]
    assert error.code == "contrast"
    message = excinfo.value.message_dict["theme_colour"][0]
    assert "ontrast" in message  # contrast / Kontrast
    assert re.search(r"\b1[.,]\d:1", message)  # the reached ratio is named


@pytest.mark.parametrize("colour", ["1b4f8a", "#1b4f8", "#1b4f8a0", "blue", "#gggggg", ""])
def test_theme_colour_must_be_a_six_digit_hex_code(db, colour):
    district = District(name="Kreis", slug="kreis", theme_colour=colour)

    with pytest.raises(ValidationError) as excinfo:
        district.full_clean()

    assert "theme_colour" in excinfo.value.error_dict


def test_page_sets_the_district_theme_colour_in_a_nonced_style(client, district):
    response = client.get("/landkreis-meissen/")

    html = response.content.decode()
    match = re.search(r'<style nonce="([^"]+)">:root \{ --sp-theme: #8a1b2e; \}</style>', html)
    assert match, "theme colour style block missing"
    nonce = match.group(1)
    policy = response["Content-Security-Policy"]
    style_src = next(d for d in policy.split(";") if d.strip().startswith("style-src"))
    assert f"'nonce-{nonce}'" in style_src
    assert "unsafe-inline" not in policy


def test_theme_colour_follows_the_district(client, district, other_district):
    other_district.theme_colour = "#2f5d34"
    other_district.save()

    assert "--sp-theme: #2f5d34;" in client.get("/wetteraukreis/").content.decode()
    assert "--sp-theme: #8a1b2e;" in client.get("/landkreis-meissen/").content.decode()


# --- Demo content ---------------------------------------------------------------------------------


def _counts():
    return {
        "districts": District.objects.count(),
        "action_fields": ActionField.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "email_addresses": EmailAddress.objects.count(),
    }


def test_load_demo_is_idempotent(db):
    call_command("load_demo", "--quiet-logins", stdout=StringIO())
    first = _counts()
    first_fields = sorted(ActionField.objects.values_list("district__slug", "slug", "title"))

    out = StringIO()
    call_command("load_demo", "--quiet-logins", stdout=out)

    assert _counts() == first
    assert sorted(ActionField.objects.values_list("district__slug", "slug", "title")) == (
        first_fields
    )
    assert "0 districts, 0 action_fields, 0 users, 0 memberships" in out.getvalue()


def test_load_demo_creates_the_five_seeded_districts(db):
    call_command("load_demo", "--quiet-logins", stdout=StringIO())

    names = set(District.objects.values_list("name", flat=True))
    assert {
        "Wetteraukreis",
        "Werra-Meißner-Kreis",
        "Landkreis Meißen",
        "Landkreis Mittelsachsen",
        "Halle (Saale)",
    } <= names
    for district in District.objects.all():
        assert district.strategy_portal_actionfield_set.exists(), district.name
        assert district.imprint and district.privacy_policy and district.accessibility_statement
        district.full_clean()  # the demo itself respects the validation rules


def test_load_demo_prints_the_demo_logins(db):
    out = StringIO()

    call_command("load_demo", stdout=out)

    for _label, email in DEMO_LOGINS:
        assert email in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()


def test_demo_users_can_log_in(client, db):
    call_command("load_demo", "--quiet-logins", stdout=StringIO())

    for _label, email in DEMO_LOGINS:
        response = client.post("/konto/anmelden/", {"login": email, "password": DEMO_PASSWORD})

        assert response.status_code == 302, email
        assert int(client.session["_auth_user_id"]) == User.objects.get(email=email).pk
        client.logout()


def test_demo_district_admin_and_facilitator_have_their_roles(db):
    call_command("load_demo", "--quiet-logins", stdout=StringIO())

    roles = dict(
        Membership.objects.filter(district__slug="landkreis-meissen").values_list(
            "user__email", "role"
        )
    )
    assert roles == {
        "kreisverwaltung@landkreis-meissen.example": Role.ADMIN,
        "moderation@landkreis-meissen.example": Role.FACILITATOR,
    }
    assert User.objects.get(email="admin@strategieportal.example").is_superuser


@pytest.fixture
def app_demo_loaders():
    """Two apps' loaders, registered upper floor first, as their `demo.py` modules would."""
    from strategy_portal import demo

    calls = []

    def workshops_loader():
        calls.append(("workshops", District.objects.filter(slug="landkreis-meissen").exists()))
        return {"workshops": 0 if len(calls) > 2 else 2}

    def measures_loader():
        calls.append(("measures", District.objects.filter(slug="landkreis-meissen").exists()))
        return {"measures": 0 if len(calls) > 2 else 7}

    workshops_loader.__module__ = "workshops.demo"
    measures_loader.__module__ = "measures.demo"
    demo.loaders()  # the apps' real loaders are discovered once; they stand aside here
    real = list(demo._loaders)
    demo._loaders.clear()
    demo.register(workshops_loader)
    demo.register(measures_loader)
    yield calls
    demo._loaders[:] = real


def test_load_demo_runs_every_apps_loader_after_the_ground_floor_in_floor_order(
    db, app_demo_loaders
):
    out = StringIO()
    call_command("load_demo", "--quiet-logins", stdout=out)

    # The districts exist before any app loads its part; measures (floor 2) before workshops.
    assert app_demo_loaders == [("measures", True), ("workshops", True)]
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Demo of strategy_portal loaded (newly created: 5 districts")
    assert lines[1] == "Demo of measures loaded (newly created: 7 measures)."
    assert lines[2] == "Demo of workshops loaded (newly created: 2 workshops)."

    out = StringIO()
    call_command("load_demo", "--quiet-logins", stdout=out)
    assert "Demo of measures loaded (newly created: 0 measures)." in out.getvalue()
