"""Template helpers of PDF documents: `{% load pdf %}`.

Kept apart from `strategy_portal.pdf`: Django loads every tag library at start-up, and WeasyPrint
(with Pango) should load only where documents are rendered.
"""

from urllib.parse import quote, urlsplit

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def pdf_src(file) -> str:
    """The address of an uploaded file inside a PDF: `<img src="{{ district.logo|pdf_src }}">`.

    Documents read uploads through the storage API by name (`SiteURLFetcher` maps the media
    path back to it), never through the storage's public URL, which may point at another host.
    """
    name = getattr(file, "name", file)
    return urlsplit(settings.MEDIA_URL).path + quote(name) if name else ""
