"""Uploaded images, for every app: checked, cleaned and re-encoded before anything is stored.

- a cap on bytes and on pixels (a small file can unpack into gigabytes: a "decompression bomb");
  Pillow's own bomb warning is turned into the same clear field error, never let through;
- only PNG, JPEG, GIF and WebP are opened; SVG is refused, it can carry scripts;
- EXIF orientation is applied, then the pixels are written into a new file without any metadata
  (EXIF with GPS position, XMP, comments): PNG stays PNG, JPEG stays JPEG, the rest becomes PNG,
  transparency is kept;
- the stored name ends in the real format, so the storage serves a matching content type.

Use `ImageModelField` on a model (every ModelForm and the Django admin then get `ImageFormField`),
or `ImageFormField` in a plain form, or `process_image()` directly. Mix
`uploads.ReplacedFilesCleanupMixin` into the ModelForm to delete replaced files.
"""

import io
import logging
import warnings

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps

from .uploads import check_size, safe_name

logger = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 10 * 1024 * 1024
# 40 megapixels: any photo from a phone or camera; far below what would exhaust a web process.
# Below Pillow's own limit (Image.MAX_IMAGE_PIXELS), so its warning never decides alone.
MAX_IMAGE_PIXELS = 40_000_000
OPENED_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
ACCEPT = "image/png,image/jpeg,image/gif,image/webp"
# Metadata that belongs to the picture itself; everything else in `Image.info` is dropped.
KEPT_INFO = ("transparency", "icc_profile")
PNG_MODES = {"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"}

NOT_AN_IMAGE = _("The file is not an image in a format we accept. Please upload a PNG or JPEG.")


def _too_many_pixels(max_pixels: int, size: tuple[int, int] | None = None) -> ValidationError:
    if size:
        return ValidationError(
            _(
                "The image is too large: %(width)s × %(height)s pixels. At most %(limit)s "
                "megapixels are allowed; please make it smaller."
            ),
            code="too_many_pixels",
            params={
                "width": number_format(size[0], force_grouping=True),
                "height": number_format(size[1], force_grouping=True),
                "limit": number_format(max_pixels // 1_000_000),
            },
        )
    return ValidationError(
        _("The image has too many pixels. At most %(limit)s megapixels are allowed."),
        code="too_many_pixels",
        params={"limit": number_format(max_pixels // 1_000_000)},
    )


def _looks_like_svg(upload, head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return (upload.name or "").lower().endswith((".svg", ".svgz")) or (
        text.startswith((b"<?xml", b"<svg", b"<!doctype svg")) and b"<svg" in text
    )


def _open(upload, max_pixels: int) -> Image.Image:
    """The decoded image, or a ValidationError; Pillow's warnings never leave this function."""
    upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. odd EXIF in an otherwise good photo
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload, formats=OPENED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(max_pixels) from None
        except Exception:  # Pillow raises many kinds for files it cannot read
            raise ValidationError(NOT_AN_IMAGE, code="invalid_image") from None
        if image.width * image.height > max_pixels:
            raise _too_many_pixels(max_pixels, image.size)
        # WeasyPrint switches Pillow to accepting truncated files for the whole process; an upload
        # must be complete whatever else this process has imported.
        truncated_ok, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(max_pixels, image.size) from None
        except Exception:
            raise ValidationError(NOT_AN_IMAGE, code="invalid_image") from None
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = truncated_ok
        try:
            upright = ImageOps.exif_transpose(image)
        except Exception:  # broken EXIF: keep the pixels as they are
            logger.info("Ignoring unreadable EXIF orientation of an upload")
            upright = image
        upright.format = image.format
        return upright


def _encode(image: Image.Image) -> tuple[bytes, str, str]:
    """Pixels into a new file without metadata: (data, extension, content type)."""
    kept = {key: image.info[key] for key in KEPT_INFO if key in image.info}
    if image.format == "JPEG":
        if image.mode not in {"RGB", "L"}:
            image = image.convert("RGB")
            kept.pop("icc_profile", None)  # a CMYK profile does not describe RGB pixels
        image.info = kept
        options = {"quality": 90, "optimize": True, "exif": b""}
        if "icc_profile" in kept:
            options["icc_profile"] = kept["icc_profile"]
        fmt, extension, content_type = "JPEG", "jpg", "image/jpeg"
    else:
        if image.mode not in PNG_MODES:
            has_alpha = "A" in image.mode or "transparency" in image.info
            image = image.convert("RGBA" if has_alpha else "RGB")
            kept.pop("transparency", None)
            kept.pop("icc_profile", None)
        image.info = kept
        options = {"optimize": True, "exif": b""}
        fmt, extension, content_type = "PNG", "png", "image/png"
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue(), extension, content_type


def process_image(
    upload, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_IMAGE_PIXELS
) -> SimpleUploadedFile:
    """Check an uploaded image and return a clean re-encoded copy; ValidationError otherwise."""
    check_size(upload, max_bytes)
    upload.seek(0)
    head = upload.read(512)
    if _looks_like_svg(upload, head):
        raise ValidationError(
            _(
                "SVG graphics are not accepted because they can contain programs. Please "
                "upload the image as PNG or JPEG."
            ),
            code="svg",
        )
    image = _open(upload, max_pixels)
    try:
        data, extension, content_type = _encode(image)
    except Exception:
        logger.warning("Could not re-encode an uploaded image", exc_info=True)
        raise ValidationError(NOT_AN_IMAGE, code="invalid_image") from None
    finally:
        image.close()
    return SimpleUploadedFile(safe_name(upload.name, extension, "bild"), data, content_type)


class ImageFormField(forms.FileField):
    """A file field that hands the form the cleaned image from `process_image()`."""

    def __init__(self, *, max_bytes=MAX_IMAGE_BYTES, max_pixels=MAX_IMAGE_PIXELS, **kwargs):
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return process_image(upload, max_bytes=self.max_bytes, max_pixels=self.max_pixels)


class ImageModelField(models.ImageField):
    """An ImageField whose forms (ModelForms, the Django admin) clean uploads with
    `ImageFormField`."""

    def __init__(self, *args, max_bytes=MAX_IMAGE_BYTES, max_pixels=MAX_IMAGE_PIXELS, **kwargs):
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.max_bytes != MAX_IMAGE_BYTES:
            kwargs["max_bytes"] = self.max_bytes
        if self.max_pixels != MAX_IMAGE_PIXELS:
            kwargs["max_pixels"] = self.max_pixels
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(
            **{
                "form_class": ImageFormField,
                "max_bytes": self.max_bytes,
                "max_pixels": self.max_pixels,
                **kwargs,
            }
        )
