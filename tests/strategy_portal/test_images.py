"""Uploaded images: size and pixel caps, metadata stripped, real format, no orphaned files."""

import io
import struct
import warnings
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.views.static import serve
from PIL import Image

from strategy_portal.images import ImageFormField, process_image
from strategy_portal.models import District

from .test_workspace import settings_data

pytestmark = pytest.mark.django_db

SETTINGS = "/landkreis-meissen/verwaltung/einstellungen/"
GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg_with_gps(size=(40, 20), orientation=None) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Handyhersteller"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (51.0, 9.0, 36.0)  # Meißen
    gps[3] = "E"
    gps[4] = (13.0, 28.0, 12.0)
    if orientation:
        exif[ORIENTATION] = orientation
    image = Image.new("RGB", size, "#8a1b2e")
    image.paste((255, 255, 255), (0, 0, size[0] // 2, size[1]))  # left half white
    return encoded(image, "JPEG", exif=exif, comment=b"Aufgenommen in der Kreisstrasse 5")


def one_colour_png(width: int, height: int) -> bytes:
    """A valid black-and-white PNG of any size that is small on disk (rows compress to nothing)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def error_of(excinfo) -> tuple[str, str]:
    error = excinfo.value.error_list[0]
    return error.code, str(error.message % error.params if error.params else error.message)


# --- what comes out -------------------------------------------------------------------------------


def test_gps_position_and_other_metadata_are_removed_from_a_jpeg():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test's premise

    cleaned = process_image(upload("foto.jpg", original, "image/jpeg"))

    data = cleaned.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert cleaned.name == "foto.jpg"
    assert not image.getexif()
    assert "exif" not in image.info
    assert "comment" not in image.info
    assert b"Kreisstrasse" not in data
    assert b"Handyhersteller" not in data


def test_exif_orientation_is_applied_before_the_metadata_goes():
    # Orientation 6: the camera was turned; the picture is shown rotated by 90° clockwise.
    cleaned = process_image(upload("hoch.jpg", jpeg_with_gps((40, 20), orientation=6)))

    image = Image.open(cleaned)
    assert image.size == (20, 40)
    assert ORIENTATION not in image.getexif()
    top_left = image.convert("RGB").getpixel((1, 1))
    assert top_left[0] > 200 and top_left[1] > 200  # the white half is now on top


def test_png_stays_png_with_its_transparency():
    image = Image.new("RGBA", (8, 8), (0, 0, 0, 0))
    image.putpixel((2, 2), (138, 27, 46, 255))

    cleaned = process_image(upload("wappen.png", encoded(image, "PNG")))

    result = Image.open(cleaned)
    assert result.format == "PNG"
    assert cleaned.name == "wappen.png"
    assert result.getpixel((0, 0))[3] == 0
    assert result.getpixel((2, 2)) == (138, 27, 46, 255)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_other_formats_become_png_and_keep_transparency(fmt):
    image = Image.new("RGBA", (8, 8), (0, 0, 0, 0))
    image.putpixel((3, 3), (27, 79, 138, 255))
    original = encoded(image, fmt, **({"lossless": True} if fmt == "WEBP" else {}))

    cleaned = process_image(upload(f"logo.{fmt.lower()}", original))

    result = Image.open(cleaned).convert("RGBA")
    assert Image.open(cleaned).format == "PNG"
    assert cleaned.name == "logo.png"
    assert result.getpixel((0, 0))[3] == 0
    assert result.getpixel((3, 3))[3] == 255


def test_the_extension_follows_the_content_not_the_name():
    png = encoded(Image.new("RGB", (4, 4), "white"), "PNG")

    cleaned = process_image(upload("Wappen des Kreises.JPG", png, "image/jpeg"))

    assert cleaned.name == "wappen-des-kreises.png"
    assert cleaned.content_type == "image/png"


# --- what is refused ------------------------------------------------------------------------------


def test_a_20000_by_20000_image_is_refused_with_a_clear_message():
    data = one_colour_png(20_000, 20_000)
    assert len(data) < 200_000  # small on disk, 400 megapixels once unpacked

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning may leave the helper
        with pytest.raises(ValidationError) as excinfo:
            process_image(upload("bombe.png", data))

    code, message = error_of(excinfo)
    assert code == "too_many_pixels"


def test_pillows_decompression_warning_becomes_the_same_field_error():
    # 10,000 × 10,000 is above Pillow's warning threshold but below its hard limit.
    assert Image.MAX_IMAGE_PIXELS < 10_000 * 10_000 < 2 * Image.MAX_IMAGE_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValidationError) as excinfo:
            process_image(upload("gross.png", one_colour_png(10_000, 10_000)))

    assert error_of(excinfo)[0] == "too_many_pixels"


def test_the_pixel_cap_of_the_helper_applies_below_pillows_limit():
    with pytest.raises(ValidationError) as excinfo:
        process_image(upload("breit.png", one_colour_png(3_000, 2_000)), max_pixels=5_000_000)

    code, message = error_of(excinfo)
    assert code == "too_many_pixels"
    assert "3,000 × 2,000" in message or "3.000 × 2.000" in message


def test_too_many_bytes_are_refused_before_the_image_is_opened():
    data = encoded(Image.new("RGB", (200, 200), "white"), "PNG")

    with pytest.raises(ValidationError) as excinfo:
        process_image(upload("logo.png", data), max_bytes=100)

    assert error_of(excinfo)[0] == "file_too_large"


SVG_WITH_SCRIPT = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
<script>fetch('/konto/daten/export/').then(r => r.text()).then(alert)</script></svg>"""


@pytest.mark.parametrize("name", ["wappen.svg", "wappen.png"])
def test_svg_is_refused_because_of_scripts(name):
    with pytest.raises(ValidationError) as excinfo:
        process_image(upload(name, SVG_WITH_SCRIPT, "image/svg+xml"))

    assert error_of(excinfo)[0] == "svg"


def test_a_text_file_named_png_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        process_image(upload("wappen.png", b"Das ist kein Bild.\n"))

    assert error_of(excinfo)[0] == "invalid_image"


def test_a_truncated_image_is_refused():
    data = encoded(Image.new("RGB", (300, 300), "white"), "JPEG")

    with pytest.raises(ValidationError) as excinfo:
        process_image(upload("kaputt.jpg", data[: len(data) // 2], "image/jpeg"))

    assert error_of(excinfo)[0] == "invalid_image"


def test_the_form_field_gives_the_error_in_german():
    field = ImageFormField()
    with translation.override("de"), pytest.raises(ValidationError) as excinfo:
        field.clean(upload("bombe.png", one_colour_png(20_000, 20_000)))

    assert "höchstens 40 Megapixel" in excinfo.value.messages[0]


# --- the district logo ----------------------------------------------------------------------------


def post_logo(client, district, data: bytes, name="wappen.jpg"):
    form = settings_data(district, logo=upload(name, data, "image/jpeg"), logo_alt="Wappen")
    return client.post(SETTINGS, form)


def test_logo_upload_is_stored_without_gps_and_served_as_its_real_type(
    login, district, district_admin, rf, tmp_path
):
    client = login(district_admin)

    response = post_logo(client, district, jpeg_with_gps(), name="wappen.png")

    assert response.status_code == 302
    district.refresh_from_db()
    assert district.logo.name.endswith(".jpg")
    with district.logo.open("rb") as stored:
        assert not Image.open(stored).getexif()
    served = serve(rf.get(district.logo.url), district.logo.name, document_root=tmp_path)
    assert served["Content-Type"] == "image/jpeg"


def test_a_bomb_as_logo_is_an_error_on_the_logo_field(login, district, district_admin):
    client = login(district_admin)
    form = settings_data(
        district, logo=upload("wappen.png", one_colour_png(20_000, 20_000)), logo_alt="Wappen"
    )

    response = client.post(SETTINGS, form)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_logo_error"' in html
    assert "höchstens 40 Megapixel" in html
    district.refresh_from_db()
    assert not district.logo


def test_replacing_the_logo_deletes_the_old_file_after_the_commit(
    login, district, district_admin, tmp_path, django_capture_on_commit_callbacks
):
    client = login(district_admin)
    post_logo(client, district, jpeg_with_gps())
    district.refresh_from_db()
    old = tmp_path / district.logo.name
    assert old.exists()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_logo(client, District.objects.get(pk=district.pk), jpeg_with_gps((60, 30)))
    assert old.exists()  # nothing is deleted before the new logo is committed
    for callback in callbacks:
        callback()

    district.refresh_from_db()
    assert (tmp_path / district.logo.name).exists()
    assert not old.exists()


def test_removing_the_logo_deletes_the_file(
    login, district, district_admin, tmp_path, django_capture_on_commit_callbacks
):
    client = login(district_admin)
    post_logo(client, district, jpeg_with_gps())
    district.refresh_from_db()
    old = tmp_path / district.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(SETTINGS, {**settings_data(district), "logo-clear": "on", "logo_alt": ""})

    district.refresh_from_db()
    assert not district.logo
    assert not old.exists()


def test_saving_without_a_new_logo_keeps_the_file(
    login, district, district_admin, tmp_path, django_capture_on_commit_callbacks
):
    client = login(district_admin)
    post_logo(client, district, jpeg_with_gps())
    district.refresh_from_db()
    kept = tmp_path / district.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(SETTINGS, settings_data(district, tagline="Neu"))

    district.refresh_from_db()
    assert district.tagline == "Neu"
    assert kept.exists()


def test_the_django_admin_cleans_logos_too(client, district, site_admin, tmp_path):
    client.force_login(site_admin)
    url = f"/admin/strategy_portal/district/{district.pk}/change/"
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("logo", "sign_language_video")
    }
    for prefix in ("memberships", "strategy_portal_actionfield_set"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(logo=upload("wappen.png", jpeg_with_gps()), logo_alt="Wappen")

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    district.refresh_from_db()
    assert district.logo.name.endswith(".jpg")
    with district.logo.open("rb") as stored:
        assert not Image.open(stored).getexif()


def test_a_truncated_image_is_refused_after_weasyprint_was_imported():
    import weasyprint  # noqa: F401  (it makes Pillow accept truncated files process-wide)

    data = encoded(Image.new("RGB", (300, 300), "white"), "JPEG")
    with pytest.raises(ValidationError) as excinfo:
        process_image(upload("kaputt.jpg", data[: len(data) // 2], "image/jpeg"))

    assert error_of(excinfo)[0] == "invalid_image"
