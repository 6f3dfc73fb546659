"""The one PDF renderer: a Django template, laid out by WeasyPrint, as tagged PDF (PDF/UA-1).

Documents reference only the site's own files, by path: `{% static %}` for stylesheets, fonts and
images of the site, and `{{ file|pdf_src }}` (from `{% load pdf %}`) for uploaded files. These
paths resolve against an internal base address (`sp-site:/`), and `SiteURLFetcher` serves them
from the static files and from Django's storage API. Nothing else is fetched: no `file://`, no
network request to any host (the site's own host name included, so a render never waits for the
web server that may be waiting for it), no redirects, and `data:` only for small images.
"""

import base64
import binascii
import functools
import hashlib
import io
import logging
import mimetypes
import os
import posixpath
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import unquote, unquote_to_bytes, urlsplit, uses_relative

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from fontTools.ttLib import TTFont

# WeasyPrint reports every page it lays out at INFO, and parses its own stylesheets on import;
# the document record shows the progress.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

logger = logging.getLogger(__name__)

SITE_SCHEME = "sp-site"
BASE_URL = f"{SITE_SCHEME}:/"
PDF_VARIANT = "pdf/ua-1"
# Small inline images (an icon, a chart exported as PNG) are fine; anything bigger must be a file.
DATA_URL_MAX_BYTES = 100 * 1024
DATA_URL_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"})

# urljoin resolves relative references (`url(../fonts/x.woff2)` inside a stylesheet) only for the
# schemes listed here; the internal scheme behaves like a path-only `http:`.
if SITE_SCHEME not in uses_relative:
    uses_relative.append(SITE_SCHEME)


class RefusedURL(ValueError):
    """A document asked for something outside the site's own static and media files."""


def _static_prefix() -> str:
    return urlsplit(settings.STATIC_URL).path


def _media_prefix() -> str:
    return urlsplit(settings.MEDIA_URL).path


def _relative_name(path: str, prefix: str) -> str:
    """The storage name below `prefix`, refusing anything that climbs out of it."""
    name = unquote(path[len(prefix) :])
    parts = name.split("/")
    if not name or name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts):
        raise RefusedURL(f"Not a plain file name: {path!r}")
    return name


def _content_type(name: str) -> str:
    guessed, _encoding = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def _open_static(name: str) -> IO[bytes]:
    # The finders first, so that a developer's edit shows without collectstatic; then the
    # collected files (hashed names of the manifest storage exist only there).
    found = finders.find(name)
    if found:
        return open(found, "rb")  # noqa: SIM115 (closed by WeasyPrint through the response)
    if staticfiles_storage.exists(name):
        return staticfiles_storage.open(name, "rb")
    raise FileNotFoundError(f"No static file {name!r}")


def _font_cache_dir() -> Path:
    return Path(settings.PDF_FONT_CACHE_DIR or tempfile.gettempdir()) / "strategieportal-fonts"


@functools.lru_cache(maxsize=32)
def _static_font(name: str) -> bytes:
    """A static WOFF2 font as plain TrueType. fontTools takes about a second per face, which every
    document would otherwise pay again: the result is kept for the process, and on disk (named by
    the hash of the WOFF2 file, so an updated font is converted anew) for the next process, e.g.
    a restarted worker or a management command. The disk copy is only a cache; any process that
    does not find it converts the font itself."""
    with _open_static(name) as source:
        data = source.read()
    if not data.startswith(b"wOF2"):
        return data
    cached = _font_cache_dir() / f"{hashlib.sha256(data).hexdigest()}.ttf"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    font = TTFont(io.BytesIO(data))
    font.flavor = None
    output = io.BytesIO()
    font.save(output)
    converted = output.getvalue()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        # Written under a name of its own and renamed: another process never reads half a file.
        with tempfile.NamedTemporaryFile(dir=cached.parent, suffix=".part", delete=False) as part:
            part.write(converted)
        os.replace(part.name, cached)
    except OSError:
        logger.warning("Could not keep the converted font %s in %s", name, cached.parent)
    return converted


def _data_url(url: str) -> URLFetcherResponse:
    header, comma, payload = url[len("data:") :].partition(",")
    if not comma:
        raise RefusedURL("Malformed data: URL")
    params = header.split(";")
    media_type = params[0].strip().lower() or "text/plain"
    if media_type not in DATA_URL_TYPES:
        raise RefusedURL(f"data: URL of type {media_type!r} refused; only small images")
    # Base64 grows the data by a third; refuse before decoding anything large.
    if len(payload) > DATA_URL_MAX_BYTES * 4 // 3 + 4:
        raise RefusedURL("data: URL too large")
    try:
        body = (
            base64.b64decode(payload, validate=True)
            if "base64" in (p.strip().lower() for p in params[1:])
            else unquote_to_bytes(payload)
        )
    except (binascii.Error, ValueError) as exc:
        raise RefusedURL("Malformed data: URL") from exc
    if len(body) > DATA_URL_MAX_BYTES:
        raise RefusedURL("data: URL too large")
    return URLFetcherResponse("data:", body, {"Content-Type": media_type})


class SiteURLFetcher(URLFetcher):
    """Serves the site's static files and media files from storage; refuses everything else."""

    def __init__(self):
        # No protocol and no redirects for the inherited opener, should anything ever reach it.
        super().__init__(allowed_protocols=(), allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return _data_url(url)
        parts = urlsplit(url)
        if parts.scheme != SITE_SCHEME or parts.netloc:
            raise RefusedURL(f"Only the site's own files are used in documents, not {url[:200]!r}")
        path = posixpath.normpath(parts.path)
        static_prefix, media_prefix = _static_prefix(), _media_prefix()
        if path.startswith(static_prefix):
            name = _relative_name(path, static_prefix)
            if name.endswith(".woff2"):
                return URLFetcherResponse(url, _static_font(name), {"Content-Type": "font/ttf"})
            body = _open_static(name)
        elif path.startswith(media_prefix):
            name = _relative_name(path, media_prefix)
            body = default_storage.open(name, "rb")
        else:
            raise RefusedURL(f"Not a static or media file: {path!r}")
        return URLFetcherResponse(url, body, {"Content-Type": _content_type(name)})


@dataclass
class RenderedPDF:
    content: bytes
    page_count: int


def render_html(
    html: str,
    *,
    progress: Callable[[int, str], None] | None = None,
    target: IO[bytes] | None = None,
) -> RenderedPDF:
    """Lay out `html` (a whole document with `<title>`, `<meta name=author>` and `lang`) as
    tagged PDF. Writes to `target` if given (then `content` is empty), else returns the bytes."""
    report = progress or (lambda percent, label: None)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=SiteURLFetcher()).render(
        font_config=FontConfiguration(), pdf_variant=PDF_VARIANT
    )
    page_count = len(document.pages)
    report(70, "write")
    content = document.write_pdf(target, pdf_variant=PDF_VARIANT) or b""
    return RenderedPDF(content=content, page_count=page_count)


def document_html(template_name: str, context: dict, *, title: str, author: str = "") -> str:
    """The whole HTML document of a template extending `pdf/base.html`, in German."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            template_name,
            {
                "document_title": title,
                "document_author": author,
                "document_date": timezone.localdate(),
                "document_lang": settings.LANGUAGE_CODE,
                **context,
            },
        )


def render_template(
    template_name: str,
    context: dict,
    *,
    title: str,
    author: str = "",
    progress: Callable[[int, str], None] | None = None,
    target: IO[bytes] | None = None,
) -> RenderedPDF:
    """Render a document template (extending `pdf/base.html`) in German and lay it out."""
    report = progress or (lambda percent, label: None)
    html = document_html(template_name, context, title=title, author=author)
    report(20, "layout")
    return render_html(html, progress=report, target=target)


_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def safe_filename(name: str, *, extension: str = ".pdf") -> str:
    """A download name in German as given (umlauts kept), without path or control characters."""
    cleaned = _UNSAFE_FILENAME.sub("-", name).strip(" .-") or "Dokument"
    cleaned = cleaned[:150]
    return cleaned if cleaned.lower().endswith(extension) else cleaned + extension
