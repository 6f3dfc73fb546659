"""Every text field has a maximum; rendered Markdown is cached by content."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models

from strategy_portal import markdown
from strategy_portal.markdown import render_markdown
from strategy_portal.models import ActionField, District, SiteProfile
from strategy_portal.validators import LONG_TEXT_MAX_LENGTH, MaxTextLengthValidator

from .test_workspace import settings_data

pytestmark = pytest.mark.django_db

SETTINGS = "/landkreis-meissen/verwaltung/einstellungen/"
IMPRINT = "/landkreis-meissen/impressum/"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- limits ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [District, SiteProfile, ActionField])
def test_every_text_field_of_the_ground_floor_has_a_maximum(model):
    unbounded = [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.TextField)
        and not any(isinstance(v, MaxTextLengthValidator) for v in field.validators)
    ]
    assert not unbounded, f"{model.__name__}: text fields without a maximum: {unbounded}"


def test_an_imprint_of_four_and_a_half_megabytes_is_refused_in_german(
    login, district, district_admin
):
    huge = "Impressum des Landkreises. " * 170_000  # about 4.5 MB; the last blank is stripped

    response = login(district_admin).post(SETTINGS, settings_data(district, imprint=huge))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_imprint_error"' in html
    assert (
        "Dieser Text ist zu lang: Er hat 4.589.999 Zeichen, erlaubt sind höchstens 50.000" in html
    )
    district.refresh_from_db()
    assert district.imprint == ""


def test_an_imprint_at_the_limit_is_accepted(login, district, district_admin):
    text = "x" * LONG_TEXT_MAX_LENGTH

    response = login(district_admin).post(SETTINGS, settings_data(district, imprint=text))

    assert response.status_code == 302
    district.refresh_from_db()
    assert len(district.imprint) == LONG_TEXT_MAX_LENGTH


@pytest.mark.parametrize(
    ("field", "length"),
    [
        ("privacy_policy", 50_001),
        ("accessibility_statement", 50_001),
        ("easy_language", 50_001),
        ("contact_address", 501),
        ("sign_language_video_description", 5_001),
    ],
)
def test_district_texts_over_their_maximum_are_refused(
    login, district, district_admin, field, length
):
    response = login(district_admin).post(
        SETTINGS, settings_data(district, **{field: "a" * length})
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_long_site_texts_are_refused_by_model_validation():
    profile = SiteProfile.load()
    profile.privacy_policy = "a" * (LONG_TEXT_MAX_LENGTH + 1)

    with pytest.raises(ValidationError) as excinfo:
        profile.full_clean()

    assert "privacy_policy" in excinfo.value.message_dict


def test_the_django_admin_refuses_an_overlong_site_imprint(client, site_admin):
    client.force_login(site_admin)
    profile = SiteProfile.load()
    url = f"/admin/strategy_portal/siteprofile/{profile.pk}/change/"

    response = client.post(
        url, {"operator_name": "Betreiber", "imprint": "a" * (LONG_TEXT_MAX_LENGTH + 1)}
    )

    assert response.status_code == 200
    assert "imprint" in response.context["adminform"].form.errors
    profile.refresh_from_db()
    assert profile.imprint == ""


# --- Markdown cache -------------------------------------------------------------------------------


@pytest.fixture
def render_spy(monkeypatch):
    spy = mock.Mock(wraps=markdown._render)
    monkeypatch.setattr(markdown, "_render", spy)
    return spy


def test_an_unchanged_text_is_rendered_once(render_spy):
    first = render_markdown("## Impressum\n\nLandkreis Meißen")
    second = render_markdown("## Impressum\n\nLandkreis Meißen")

    assert first == second == "<h2>Impressum</h2>\n<p>Landkreis Meißen</p>\n"
    assert render_spy.call_count == 1


def test_a_changed_text_is_rendered_again(render_spy):
    render_markdown("Erste Fassung")
    html = render_markdown("Zweite Fassung")

    assert html == "<p>Zweite Fassung</p>\n"
    assert render_spy.call_count == 2


def test_a_new_renderer_version_renders_again(render_spy, monkeypatch):
    render_markdown("Text")
    monkeypatch.setattr(markdown, "RENDERER_VERSION", markdown.RENDERER_VERSION + 1)
    render_markdown("Text")

    assert render_spy.call_count == 2


def test_the_cache_holds_the_sanitised_html_only(render_spy):
    render_markdown("<script>alert(1)</script> und [x](javascript:alert(1))")

    cached = cache.get(
        markdown._cache_key("<script>alert(1)</script> und [x](javascript:alert(1))")
    )
    assert "<script" not in cached
    assert 'href="javascript' not in cached


def test_repeated_views_of_a_page_do_not_render_its_text_again(client, district, render_spy):
    district.imprint = "## Verantwortlich\n\nLandrat des Landkreises Meißen"
    district.save()

    for _ in range(3):
        response = client.get(IMPRINT)
        assert "<h2>Verantwortlich</h2>" in response.content.decode()

    rendered = [c.args[0] for c in render_spy.call_args_list]
    assert rendered.count(district.imprint) == 1


def test_pages_with_markdown_work_while_the_cache_is_down(client, district, settings, render_spy):
    district.imprint = "## Verantwortlich\n\nLandrat"
    district.save()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }

    response = client.get(IMPRINT)

    assert response.status_code == 200
    assert "<h2>Verantwortlich</h2>" in response.content.decode()
    assert render_spy.call_count >= 1
