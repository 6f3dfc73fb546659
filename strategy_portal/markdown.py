"""User Markdown to safe HTML: markdown-it-py renders, nh3 keeps only an allowlist.

Raw HTML in the input is not interpreted (markdown-it's `html` option is off, so it arrives
escaped); nh3 then removes every tag, attribute and URL scheme that is not on the lists below, so
nothing executable survives even if the renderer were tricked.

Rendered HTML is cached under the SHA-256 of the source, so a page shows an unchanged text without
rendering it again; a source that changes gets a new key, so nothing is ever stale. When the cache
cannot be reached the text is rendered on every view, and the page still works.
"""

import hashlib
import logging
import re

import nh3
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

logger = logging.getLogger(__name__)

# Part of every cache key: raise it whenever a change below turns the same source into other HTML.
RENDERER_VERSION = 1
CACHE_TIMEOUT = 60 * 60 * 24 * 7  # content-addressed: an entry is never wrong, only unused

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr", "li",
    "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul", "del", "s",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
# tel: for the phone numbers every Impressum carries.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

_renderer = (
    MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    .enable("table")
    .enable("strikethrough")
    .enable("linkify")
)


def _image_as_alt_text(self, tokens, idx, options, env):
    # Images from other hosts would break the no-third-party rule; keep what the author said
    # about the picture instead of dropping it silently.
    return escape(tokens[idx].content)


_renderer.add_render_rule("image", _image_as_alt_text)


def _demote_headings(html: str) -> str:
    # A page has exactly one <h1>: the page's own title. User headings start at <h2>.
    return html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")


_CELL_ALIGN = re.compile(r'<(t[dh]) style="text-align:(left|center|right)">')


def _align_cells(html: str) -> str:
    # markdown-it aligns table cells with style="", which the allowlist strips; `align` survives.
    return _CELL_ALIGN.sub(r'<\1 align="\2">', html)


def _render(text: str) -> str:
    html = _align_cells(_demote_headings(_renderer.render(text)))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def _cache_key(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"markdown:{RENDERER_VERSION}:{digest}"


def render_markdown(text: str | None) -> SafeString:
    """Render user-written Markdown to HTML that is safe to put into a page."""
    if not text:
        return mark_safe("")  # noqa: S308 (empty string)
    key = _cache_key(text)
    try:
        html = cache.get(key)
    except Exception as exc:  # the cache only saves time; a page must not fail without it
        logger.warning("Markdown cache unavailable, rendering without it: %s", exc)
        return mark_safe(_render(text))  # noqa: S308 (sanitised by nh3 in _render)
    if html is None:
        html = _render(text)
        try:
            cache.set(key, html, CACHE_TIMEOUT)
        except Exception as exc:
            logger.warning("Markdown cache unavailable, rendering without it: %s", exc)
    return mark_safe(html)  # noqa: S308 (sanitised by nh3 in _render, or cached from there)
