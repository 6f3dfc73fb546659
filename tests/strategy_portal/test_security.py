"""Security of the ground floor: response headers, production settings, no third-party requests,
uploads that must be images, and user-controlled text that must stay text."""

import io
import json
import os
import secrets
import string
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from strategy_portal.forms import DistrictSettingsForm
from strategy_portal.models import Membership, Role

from ..factories import PASSWORD, MembershipFactory

BASE_DIR = Path(settings.BASE_DIR)
SCRIPT_PAYLOAD = "<script>alert(1)</script>"
ESCAPED_PAYLOAD = "&lt;script&gt;alert(1)&lt;/script&gt;"


# --- parsing pages --------------------------------------------------------------------------------


class Page(HTMLParser):
    """Elements with their attributes, and the text inside each <script> and <style>."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.inline: list[tuple[str, dict, str]] = []  # (tag, attrs, content) of script/style
        self._open: tuple[str, dict] | None = None
        self._text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag in {"script", "style"}:
            self._open, self._text = (tag, attributes), []

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            self.inline.append((*self._open, "".join(self._text)))
            self._open = None

    def all(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.elements if name == tag]


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def csp_nonce(response) -> str | None:
    """The style nonce of this response; django-csp only adds one when the page used it."""
    nonces = [
        value.removeprefix("'nonce-").removesuffix("'")
        for value in csp_directives(response)["style-src"]
        if value.startswith("'nonce-")
    ]
    assert len(nonces) <= 1
    return nonces[0] if nonces else None


# --- response headers -----------------------------------------------------------------------------


@pytest.fixture
def district_pages(district):
    return ["/", f"/{district.slug}/", f"/{district.slug}/impressum/", "/gibt-es-nicht/"]


def test_content_security_policy_forbids_inline_and_eval_scripts(client, district, district_pages):
    for path in district_pages:
        response = client.get(path)
        directives = csp_directives(response)
        assert directives["default-src"] == ["'self'"], path
        assert "'unsafe-inline'" not in directives["script-src"], path
        assert "'unsafe-eval'" not in directives["script-src"], path
        assert "'unsafe-inline'" not in directives["style-src"], path
        assert directives["frame-ancestors"] == ["'none'"], path
        assert directives["object-src"] == ["'none'"], path
        assert directives["base-uri"] == ["'self'"], path
        assert directives["form-action"] == ["'self'"], path
        for name, values in directives.items():
            assert "*" not in values and "https:" not in values and "http:" not in values, (
                f"{name} allows any host on {path}"
            )


def test_every_page_sends_the_hardening_headers(client, district, district_pages):
    for path in district_pages:
        response = client.get(path)
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Referrer-Policy"] in {
            "same-origin",
            "strict-origin",
            "strict-origin-when-cross-origin",
            "no-referrer",
        }, path
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", path


def test_csp_nonce_changes_with_every_response(client, district):
    # A district page carries its theme colour in a nonced <style>.
    first = csp_nonce(client.get(f"/{district.slug}/"))
    second = csp_nonce(client.get(f"/{district.slug}/"))
    assert first and second
    assert first != second
    assert len(first) >= 16


# --- production settings (subprocesses: settings are read once per process) ---------------------

# Only what a shell needs to find Python; nothing from this test run (pytest-env, other tests'
# conftests) leaks into the "production" process.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "SYSTEMROOT")


def production_env(**overrides) -> dict[str, str]:
    env = {key: os.environ[key] for key in PASSED_THROUGH if key in os.environ}
    env.update(
        DEBUG="0",
        SECRET_KEY="".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(50)),
        ALLOWED_HOSTS="portal.example",
        DJANGO_SETTINGS_MODULE="strategy_portal.settings",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run(args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


SETTINGS_AS_JSON = """
import json
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in [
    "DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_HTTPONLY", "LANGUAGE_COOKIE_SECURE", "ALLOWED_HOSTS",
    "ALLAUTH_TRUSTED_PROXY_COUNT",
]}))
"""


def production_settings(**overrides) -> dict:
    result = run(["-c", SETTINGS_AS_JSON], production_env(**overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean_with_production_values():
    result = run(["manage.py", "check", "--deploy"], production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output


def test_production_defaults_are_secure():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["LANGUAGE_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["ALLOWED_HOSTS"] == ["portal.example"]


def test_production_refuses_to_start_without_secret_key():
    result = run(["manage.py", "check"], production_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_has_no_default_allowed_hosts():
    assert production_settings(ALLOWED_HOSTS=None)["ALLOWED_HOSTS"] == []


def test_secure_defaults_can_be_relaxed_behind_a_tls_proxy():
    values = production_settings(
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
    )
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False


def test_proxy_ssl_header_is_read_from_the_environment():
    values = production_settings(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO=https")
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production_settings()["SECURE_PROXY_SSL_HEADER"] is None


def test_trusted_proxy_count_is_read_from_the_environment():
    assert production_settings(TRUSTED_PROXY_COUNT="1")["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
    assert production_settings()["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0


def test_a_misspelt_boolean_stops_the_start_instead_of_guessing():
    result = run(["-c", SETTINGS_AS_JSON], production_env(SECURE_SSL_REDIRECT="nein"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


# --- no third-party requests, no inline scripts ---------------------------------------------------

URL_ATTRIBUTES = (
    "src", "href", "action", "formaction", "srcset", "poster", "data", "xlink:href",
    "hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete",
)  # fmt: skip


def png_bytes(size=(4, 4), colour=(27, 79, 138)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def district_with_logo(district, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    district.logo.save("logo.png", SimpleUploadedFile("logo.png", png_bytes()), save=False)
    district.logo_alt = "Wappen des Landkreises"
    district.tagline = "Digital. Gemeinsam. Vor Ort."
    district.save()
    return district


def rendered_pages(client, login, district, citizen, facilitator):
    """Each page as the user who would see it: (label, response)."""
    pages = [
        ("landing", client.get("/")),
        ("district home", client.get(f"/{district.slug}/")),
        ("legal page", client.get(f"/{district.slug}/impressum/")),
        ("login", client.get("/konto/anmelden/")),
        ("signup", client.get("/konto/registrieren/")),
        ("not found", client.get(f"/{district.slug}/gibt-es-nicht/")),
    ]
    login(citizen)
    pages.append(("profile", client.get("/konto/profil/")))
    pages.append(("personal data", client.get("/konto/daten/")))
    login(facilitator)
    pages.append(("workspace", client.get(f"/{district.slug}/verwaltung/")))
    return pages


def test_pages_request_nothing_from_other_hosts(
    client, login, district_with_logo, citizen, facilitator
):
    pages = rendered_pages(client, login, district_with_logo, citizen, facilitator)
    images = 0
    for label, response in pages:
        assert response.status_code in {200, 404}, label
        page = Page(response.content.decode())
        for tag, attrs in page.elements:
            for name in URL_ATTRIBUTES:
                value = attrs.get(name)
                if value is None:
                    continue
                for url in value.split(",") if name == "srcset" else [value]:
                    parts = urlsplit(url.strip().split(" ")[0])
                    if tag == "a" and name == "href" and parts.scheme in {"mailto", "tel"}:
                        continue
                    same_host = parts.scheme in {"", "http"} and parts.netloc in {"", "testserver"}
                    assert same_host, f"{label}: <{tag} {name}={value!r}> leaves the site"
            if tag == "link":
                assert attrs.get("href", "").startswith("/static/"), f"{label}: {attrs}"
            if tag == "img":
                assert attrs.get("src", "").startswith(("/static/", "/media/")), f"{label}: {attrs}"
        images += len(page.all("img"))
    assert images, "the district logo was not on any page, so its address was not checked"


def test_pages_have_no_inline_scripts_and_only_nonced_styles(
    client, login, district_with_logo, citizen, facilitator
):
    for label, response in rendered_pages(client, login, district_with_logo, citizen, facilitator):
        nonce = csp_nonce(response)
        page = Page(response.content.decode())
        for tag, attrs, content in page.inline:
            if tag == "script":
                assert attrs.get("src", "").startswith("/static/"), f"{label}: inline <script>"
                assert not content.strip(), f"{label}: <script src> with a body"
            else:
                assert nonce and attrs.get("nonce") == nonce, f"{label}: <style> without nonce"
        for tag, attrs in page.elements:
            assert "style" not in attrs, f"{label}: style attribute on <{tag}>"
            assert not [name for name in attrs if name.startswith("on")], (
                f"{label}: event handler attribute on <{tag}>"
            )
            if tag == "a":
                assert not attrs.get("href", "").lower().startswith("javascript:"), label


def test_stylesheets_load_nothing_from_other_hosts(client, district):
    from django.contrib.staticfiles import finders

    page = Page(client.get(f"/{district.slug}/").content.decode())
    stylesheets = [attrs["href"] for attrs in page.all("link") if attrs.get("rel") == "stylesheet"]
    assert stylesheets
    for href in stylesheets:
        path = finders.find(href.removeprefix(settings.STATIC_URL))
        assert path, f"{href} is not a static file of the site"
        css = Path(path).read_text(encoding="utf-8")
        assert "@import" not in css, href
        for reference in css.split("url(")[1:]:
            target = reference.split(")")[0].strip("'\" ")
            assert target.startswith(("data:", "./", "../", "/")) or "://" not in target, (
                f"{href} loads {target}"
            )


# --- uploads --------------------------------------------------------------------------------------

SVG_LOGO = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)">
<script>alert(document.domain)</script><rect width="10" height="10"/></svg>"""
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def settings_form(district, upload: SimpleUploadedFile):
    fields = DistrictSettingsForm._meta.fields
    data = {key: value for key, value in model_to_dict(district, fields=fields).items() if value}
    data.pop("logo", None)
    data["logo_alt"] = "Wappen"
    return DistrictSettingsForm(data=data, files={"logo": upload}, instance=district)


def test_a_real_png_is_accepted_as_logo(district, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    form = settings_form(district, SimpleUploadedFile("wappen.png", png_bytes(), "image/png"))
    assert form.is_valid(), form.errors
    form.save()
    district.refresh_from_db()
    assert district.logo.name.endswith(".png")


@pytest.mark.parametrize(
    ("filename", "content", "content_type"),
    [
        ("wappen.svg", SVG_LOGO, "image/svg+xml"),
        ("wappen.png", SVG_LOGO, "image/png"),
        ("wappen.png", HTML_PAGE, "image/png"),
        ("wappen.html", png_bytes(), "text/html"),
        ("wappen.png", b"", "image/png"),
    ],
    ids=["svg", "svg-as-png", "html-as-png", "png-as-html", "empty"],
)
def test_logo_only_accepts_images(district, settings, tmp_path, filename, content, content_type):
    settings.MEDIA_ROOT = tmp_path
    form = settings_form(district, SimpleUploadedFile(filename, content, content_type))
    assert not form.is_valid()
    assert "logo" in form.errors
    assert not any(tmp_path.rglob("*")), "a rejected upload was stored"


def test_theme_colour_cannot_break_out_of_the_style_element(district):
    fields = DistrictSettingsForm._meta.fields
    data = {key: value for key, value in model_to_dict(district, fields=fields).items() if value}
    data["theme_colour"] = "#000000;}</style><script>alert(1)</script><style>"
    form = DistrictSettingsForm(data=data, instance=district)
    assert not form.is_valid()
    assert "theme_colour" in form.errors


# --- user-controlled text stays text --------------------------------------------------------------


def assert_escaped(response, label):
    html = response.content.decode()
    assert response.status_code == 200, label
    page = Page(html)
    for tag, _attrs, content in page.inline:
        assert "alert(1)" not in content, f"{label}: the payload runs as <{tag}>"
    assert all(attrs.get("src") for attrs in page.all("script")), f"{label}: inline script"
    assert ESCAPED_PAYLOAD in html, f"{label}: the text is not shown escaped"
    assert SCRIPT_PAYLOAD not in html, label


def test_district_name_and_tagline_are_escaped(client, login, district, district_admin):
    district.name = f"Kreis {SCRIPT_PAYLOAD}"
    district.tagline = f"Motto {SCRIPT_PAYLOAD}"
    district.save()
    assert_escaped(client.get("/"), "landing")
    assert_escaped(client.get(f"/{district.slug}/"), "district home")
    login(district_admin)
    assert_escaped(client.get(f"/{district.slug}/verwaltung/team/"), "team page")
    assert_escaped(client.get(f"/{district.slug}/verwaltung/"), "workspace")


def test_display_name_is_escaped_on_the_team_pages(client, login, district, district_admin):
    MembershipFactory(
        district=district, role=Role.FACILITATOR, user__display_name=f"Moderation {SCRIPT_PAYLOAD}"
    )
    assert Membership.objects.filter(district=district).count() == 2
    login(district_admin)
    assert_escaped(client.get(f"/{district.slug}/verwaltung/team/"), "team page")
    assert_escaped(client.get(f"/{district.slug}/verwaltung/"), "workspace")


# --- rate limits: the admin's login, visitors behind a proxy --------------------------------------


def test_admin_login_form_is_replaced_by_the_rate_limited_account_login(client, site_admin):
    page = client.get("/admin/login/?next=/admin/")
    # The admin's own form would check a password without any limit; it is not offered …
    posted = client.post(
        "/admin/login/?next=/admin/", {"username": site_admin.email, "password": PASSWORD}
    )

    assert page.status_code == 302
    assert page["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"
    # … and a password sent to it logs nobody in.
    assert posted.status_code == 302
    assert posted["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_site_admin_reaches_the_admin_through_the_account_login(client, site_admin):
    response = client.post(
        f"{reverse('account_login')}?next=/admin/",
        {"login": site_admin.email, "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_logins_are_rate_limited(client, site_admin):
    for _attempt in range(5):
        client.post(
            f"{reverse('account_login')}?next=/admin/",
            {"login": site_admin.email, "password": "rate-mal"},
        )

    response = client.post(
        f"{reverse('account_login')}?next=/admin/",
        {"login": site_admin.email, "password": PASSWORD},
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def spam_signups(client, forwarded_for: str, times: int = 10):
    for _attempt in range(times):
        # Invalid sign-ups count as well and cost nothing to hash.
        client.post(
            reverse("account_signup"), {"email": "kaputt"}, HTTP_X_FORWARDED_FOR=forwarded_for
        )


def test_rate_limits_count_each_visitor_behind_a_trusted_proxy(client, settings, db):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    spam_signups(client, "203.0.113.7")

    blocked = client.post(
        reverse("account_signup"), {"email": "kaputt"}, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    other_visitor = client.post(
        reverse("account_signup"),
        {"email": "kaputt"},
        # A visitor cannot escape by prepending an address: the proxy's entry counts.
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.8",
    )

    assert blocked.status_code == 429
    assert other_visitor.status_code == 200


def test_forwarded_for_header_is_ignored_without_a_trusted_proxy(client, settings, db):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    spam_signups(client, "203.0.113.7")

    response = client.post(
        reverse("account_signup"), {"email": "kaputt"}, HTTP_X_FORWARDED_FOR="203.0.113.8"
    )

    assert response.status_code == 429


# --- the 400 page ---------------------------------------------------------------------------------


def assert_site_400_page(response):
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "sp-skip-link" in html  # the site's own layout
    assert html.count("<h1") == 1
    with translation.override("de"):
        heading = gettext("The request could not be processed")
    assert heading != "The request could not be processed"
    assert heading in html


def test_too_large_a_request_body_gets_the_sites_400_page(client, settings, district):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000

    response = client.post(reverse("account_login"), {"login": "x" * 20_000, "password": "x"})

    assert_site_400_page(response)
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_too_large_a_body_on_a_district_page_gets_the_sites_400_page(
    login, district, district_admin, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = login(district_admin)

    response = client.post(
        reverse("workspace_settings", args=[district.slug]), {"name": "x" * 20_000}
    )

    assert_site_400_page(response)


@pytest.mark.parametrize("ssl_redirect", [False, True])
def test_unknown_host_gets_the_sites_400_page(client, settings, db, ssl_redirect):
    settings.SECURE_SSL_REDIRECT = ssl_redirect

    response = client.get("/", HTTP_HOST="angreifer.example")

    assert_site_400_page(response)
    assert "angreifer.example" not in response.content.decode()
