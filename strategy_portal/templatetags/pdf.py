"""Template helpers of PDF documents: `{% load pdf %}`."""

from django import template

from ..pdf import media_src

register = template.Library()


@register.filter
def pdf_src(file) -> str:
    """The address of an uploaded file inside a PDF: `<img src="{{ district.logo|pdf_src }}">`.

    Documents read uploads through the storage API by name, never through the storage's public
    URL (which may point at another host)."""
    name = getattr(file, "name", file)
    return media_src(name) if name else ""
