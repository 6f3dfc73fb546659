"""Uploaded videos (the sign-language pages): MP4 or WebM, recognised by their content.

The site serves the file itself in a `<video controls>` element, so no external player and no
third-party request is involved. The type is read from the first bytes of the file (an MP4
`ftyp` box with a video brand, or a Matroska header of DocType `webm`), never from the name or the
browser's claim, and the stored name gets the matching extension, so the storage serves
`video/mp4` or `video/webm`. Videos are not re-encoded: their metadata stays as uploaded.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .uploads import check_size, safe_name

MAX_VIDEO_BYTES = 200 * 1024 * 1024
ACCEPT = "video/mp4,video/webm"
# Major brands of the `ftyp` box that browsers play as MP4 video.
MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ",
    b"M4VP", b"dash", b"mmp4", b"f4v ",
}  # fmt: skip
EBML_MAGIC = b"\x1a\x45\xdf\xa3"


def video_type(head: bytes) -> tuple[str, str] | None:
    """(extension, content type) of a video by its first bytes, or None."""
    if head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return "mp4", "video/mp4"
    if head.startswith(EBML_MAGIC) and b"webm" in head[:64]:  # the DocType element
        return "webm", "video/webm"
    return None


def check_video(upload, *, max_bytes: int = MAX_VIDEO_BYTES):
    """The upload, renamed after its real type; ValidationError unless it is an MP4 or WebM."""
    check_size(upload, max_bytes)
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    kind = video_type(head)
    if kind is None:
        raise ValidationError(
            _("The file is not a video in a format we accept. Please upload an MP4 or WebM file."),
            code="invalid_video",
        )
    extension, content_type = kind
    upload.name = safe_name(upload.name, extension, "video")
    upload.content_type = content_type
    return upload


class VideoFormField(forms.FileField):
    def __init__(self, *, max_bytes=MAX_VIDEO_BYTES, **kwargs):
        self.max_bytes = max_bytes
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return check_video(upload, max_bytes=self.max_bytes)


class VideoModelField(models.FileField):
    """A FileField whose forms (ModelForms, the Django admin) accept only MP4 and WebM videos."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": VideoFormField, **kwargs})
