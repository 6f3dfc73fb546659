"""BITV 2.0 § 4: explanations in Leichte Sprache and in German Sign Language, per district and
for the whole site, linked from every page's footer."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from strategy_portal.easy_language import default_text
from strategy_portal.models import SiteProfile, validate_district_slug
from strategy_portal.videos import VideoFormField

from .test_workspace import settings_data

pytestmark = pytest.mark.django_db

SETTINGS = "/landkreis-meissen/verwaltung/einstellungen/"
EASY = "/landkreis-meissen/leichte-sprache/"
SIGN = "/landkreis-meissen/gebaerdensprache/"

MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 64
WEBM_HEAD = (
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
    b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02" + b"\x00" * 64
)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def video(name="dgs.mp4", data=MP4_HEAD, content_type="video/mp4"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def footer(html: str) -> str:
    return html[html.index('<footer class="sp-footer">') :]


# --- addresses ------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["leichte-sprache", "gebaerdensprache"])
def test_the_new_paths_cannot_be_taken_by_a_district(slug):
    with pytest.raises(ValidationError):
        validate_district_slug(slug)


# --- Leichte Sprache ------------------------------------------------------------------------------


def test_district_page_in_easy_language_has_a_standard_text(client, district):
    response = client.get(EASY)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "Leichte Sprache</h1>" in html
    assert "Diese Internet-Seite gehört zu: Landkreis Meißen." in html
    assert 'href="/landkreis-meissen/barrierefreiheit/"' in html  # the accessibility statement
    assert district.contact_email in html
    assert "<h2>So finden Sie sich zurecht</h2>" in html


def test_standard_text_has_one_statement_per_line():
    from strategy_portal.models import District

    text = default_text(District(name="Landkreis Meißen", slug="landkreis-meissen"))
    sentences = [
        line.strip(" -\\")
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]
    too_long = [s for s in sentences if len(s.split()) > 15]
    assert not too_long, too_long
    # A sentence ends its line: no ". " in the middle of a line.
    assert not [s for s in sentences if ". " in s.rstrip(".")]


def test_district_admin_edits_the_text_in_easy_language(login, district, district_admin, client):
    login(district_admin)
    form_page = client.get(SETTINGS).content.decode()
    assert "Diese Internet-Seite gehört zu: Landkreis Meißen." in form_page  # to start from

    response = client.post(
        SETTINGS, settings_data(district, easy_language="## Willkommen\n\nDas ist unser Text.")
    )

    assert response.status_code == 302
    html = client.get(EASY).content.decode()
    assert "Das ist unser Text." in html
    assert "Diese Internet-Seite gehört zu" not in html


def test_saving_the_standard_text_unchanged_keeps_following_the_standard(
    login, district, district_admin, client
):
    login(district_admin)
    standard = client.get(SETTINGS).context["form"]["easy_language"].value()

    client.post(SETTINGS, settings_data(district, easy_language=standard.replace("\n", "\r\n")))
    district.refresh_from_db()
    assert district.easy_language == ""

    district.name = "Landkreis Meißen-Radebeul"
    district.save()
    assert "Diese Internet-Seite gehört zu: Landkreis Meißen-Radebeul." in (
        client.get(EASY).content.decode()
    )


def test_site_page_in_easy_language(client, db):
    SiteProfile.objects.update_or_create(pk=1, defaults={"contact_email": "info@portal.example"})

    response = client.get("/leichte-sprache/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Auf der ersten Seite sehen Sie alle Land-Kreise, Städte und Gemeinden." in html
    assert 'href="/barrierefreiheit/"' in html
    assert "info@portal.example" in html


def test_the_easy_language_page_is_marked_german_on_the_english_interface(client, district):
    client.cookies["sp_language"] = "en"

    html = client.get(EASY).content.decode()

    assert "Easy language</h1>" in html
    assert '<div class="sp-prose kern-body" lang="de">' in html


# --- Gebärdensprache ------------------------------------------------------------------------------


def test_without_a_video_the_page_says_so_and_points_to_the_contact(client, district):
    response = client.get(SIGN)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Gebärdensprache</h1>" in html
    assert "<video" not in html
    assert "noch kein Video in Deutscher Gebärdensprache" in html
    assert f'href="mailto:{district.contact_email}"' in html


def test_district_admin_uploads_a_video_that_the_site_serves_itself(
    login, district, district_admin, client
):
    login(district_admin)
    response = client.post(
        SETTINGS,
        settings_data(
            district,
            sign_language_video=video(name="Erklärvideo.mov"),
            sign_language_video_description="Wir erklären die Seite.",
        ),
    )

    assert response.status_code == 302
    district.refresh_from_db()
    assert district.sign_language_video.name == "districts/videos/erklarvideo.mp4"
    html = client.get(SIGN).content.decode()
    assert "<video " in html and " controls" in html
    assert f'<source src="{district.sign_language_video.url}" type="video/mp4">' in html
    assert "Wir erklären die Seite." in html
    assert "youtube" not in html.lower() and "vimeo" not in html.lower()


def test_a_webm_video_is_accepted_and_named_after_its_type():
    cleaned = VideoFormField().clean(video(name="dgs.mp4", data=WEBM_HEAD))

    assert cleaned.name == "dgs.webm"
    assert cleaned.content_type == "video/webm"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("dgs.mp4", b"Kein Video, nur Text.\n" * 10),
        ("dgs.mp4", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        ("dgs.mkv", b"\x1a\x45\xdf\xa3\x9f\x42\x82\x88matroska" + b"\x00" * 64),
        ("dgs.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64),
    ],
    ids=["text", "png", "matroska", "heic"],
)
def test_only_mp4_and_webm_videos_are_accepted(login, district, district_admin, name, data):
    response = login(district_admin).post(
        SETTINGS,
        settings_data(
            district,
            sign_language_video=video(name=name, data=data),
            sign_language_video_description="Beschreibung",
        ),
    )

    assert response.status_code == 200
    assert "Bitte laden Sie eine MP4- oder WebM-Datei hoch." in response.content.decode()
    district.refresh_from_db()
    assert not district.sign_language_video


def test_a_video_over_the_size_cap_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        VideoFormField(max_bytes=50).clean(video())

    assert excinfo.value.error_list[0].code == "file_too_large"


def test_a_video_needs_a_description_of_its_content(login, district, district_admin):
    response = login(district_admin).post(
        SETTINGS, settings_data(district, sign_language_video=video())
    )

    assert response.status_code == 200
    assert "sign_language_video_description" in response.context["form"].errors
    district.refresh_from_db()
    assert not district.sign_language_video


def test_site_admin_uploads_the_sites_video_in_the_django_admin(client, site_admin, tmp_path):
    client.force_login(site_admin)
    profile = SiteProfile.load()
    url = f"/admin/strategy_portal/siteprofile/{profile.pk}/change/"

    response = client.post(
        url,
        {
            "operator_name": "Strategieportal",
            "sign_language_video": video(name="portal.webm", data=WEBM_HEAD),
            "sign_language_video_description": "Das Portal in Gebärdensprache.",
            "easy_language": "## Eigener Text\n\nKurz und klar.",
        },
    )

    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.sign_language_video.name == "site/videos/portal.webm"
    html = client.get("/gebaerdensprache/").content.decode()
    assert 'type="video/webm"' in html
    assert "Kurz und klar." in client.get("/leichte-sprache/").content.decode()


# --- footer ---------------------------------------------------------------------------------------


def test_district_pages_link_the_districts_explanations_in_the_footer(client, district):
    html = footer(client.get("/landkreis-meissen/").content.decode())

    assert f'href="{EASY}"' in html
    assert f'href="{SIGN}"' in html
    assert 'href="/leichte-sprache/"' not in html


@pytest.mark.parametrize("path", ["/", "/impressum/", "/konto/anmelden/"])
def test_other_pages_link_the_sites_explanations_in_the_footer(client, db, path):
    html = footer(client.get(path).content.decode())

    assert 'href="/leichte-sprache/">Leichte Sprache</a>' in html
    assert 'href="/gebaerdensprache/">Gebärdensprache</a>' in html


def test_a_replaced_site_video_is_deleted_from_the_storage(
    client, site_admin, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(site_admin)
    url = f"/admin/strategy_portal/siteprofile/{SiteProfile.load().pk}/change/"

    def upload_video(name, data):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url,
                {
                    "operator_name": "Strategieportal",
                    "sign_language_video": video(name=name, data=data),
                    "sign_language_video_description": "Das Portal in Gebärdensprache.",
                },
            )
        assert response.status_code == 302
        return tmp_path / SiteProfile.load().sign_language_video.name

    first = upload_video("erste.mp4", MP4_HEAD)
    second = upload_video("zweite.webm", WEBM_HEAD)

    assert second.exists()
    assert not first.exists()
