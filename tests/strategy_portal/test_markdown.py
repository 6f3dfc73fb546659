"""User Markdown becomes HTML that is safe to put into a page, whatever the user typed.

The output is checked by parsing it (html.parser), the way a browser would see elements and
attributes, not by looking for substrings.
"""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString
from markdown_it import MarkdownIt

from strategy_portal.markdown import render_markdown

from .xss_payloads import XSS_CASES, XSS_PAYLOADS

# What the helper may emit at most; anything else (img included) is a failure.
EXPECTED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr", "li",
    "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul", "del", "s",
}  # fmt: skip
EXPECTED_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
FORBIDDEN_TAGS = {
    "script", "iframe", "object", "embed", "svg", "math", "style", "form", "meta", "base", "img",
    "link", "input", "button", "textarea", "video", "audio", "source", "frame", "frameset",
    "applet", "template", "xmp", "noscript", "noembed", "details", "body", "html", "title", "h1",
}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}

# Browsers drop ASCII tab and newline anywhere in a URL and C0 controls and spaces at its ends
# before they read the scheme; this is stricter and drops every control character and space.
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\ufeff]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


class Element:
    def __init__(self, tag, attrs):
        self.tag = tag
        self.attrs = attrs  # list of (name, value); html.parser has already decoded entities

    def get(self, name):
        return next((value for key, value in self.attrs if key == name), None)


class ElementCollector(HTMLParser):
    """Every element the browser would create, with its attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append(Element(tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, attrs))


def parse(html: str) -> list[Element]:
    collector = ElementCollector()
    collector.feed(html)
    collector.close()
    return collector.elements


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see, after decoding entities (twice, to be strict)."""
    cleaned = _INVISIBLE.sub("", unescape(unescape(url)))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def assert_nothing_executable(html: str) -> None:
    elements = parse(html)
    for element in elements:
        assert element.tag not in FORBIDDEN_TAGS, f"<{element.tag}> in {html!r}"
        assert element.tag in EXPECTED_TAGS, f"<{element.tag}> is not allowed: {html!r}"
        for name, value in element.attrs:
            assert not name.startswith("on"), f"event handler {name}= in {html!r}"
            assert name != "style", f"style attribute in {html!r}"
            assert name in EXPECTED_ATTRIBUTES.get(element.tag, set()), (
                f"attribute {name}= on <{element.tag}> in {html!r}"
            )
            if name in {"href", "src", "action", "formaction", "xlink:href", "data"}:
                scheme = url_scheme(value or "")
                assert scheme is None or scheme in SAFE_SCHEMES, (
                    f"{name}={value!r} has scheme {scheme!r} in {html!r}"
                )
        if element.tag == "a":
            rel = (element.get("rel") or "").split()
            assert "nofollow" in rel and "noopener" in rel, f"<a> without rel in {html!r}"


def tags(html: str) -> list[str]:
    return [element.tag for element in parse(html)]


# --- the corpus -----------------------------------------------------------------------------------


def test_corpus_has_at_least_fifty_distinct_payloads():
    assert len(set(XSS_PAYLOADS)) >= 50
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS), "a payload appears twice"


@pytest.mark.parametrize("payload", [case[1] for case in XSS_CASES], ids=[c[0] for c in XSS_CASES])
def test_payload_renders_nothing_executable(payload):
    assert_nothing_executable(str(render_markdown(payload)))


@pytest.mark.parametrize("payload", [case[1] for case in XSS_CASES], ids=[c[0] for c in XSS_CASES])
def test_payload_is_harmless_even_if_raw_html_were_enabled(payload, monkeypatch):
    """Defence in depth: the allowlist alone stops the corpus, should someone switch on raw HTML
    in the renderer one day."""
    html_enabled = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    monkeypatch.setattr("strategy_portal.markdown._renderer", html_enabled)
    assert_nothing_executable(str(render_markdown(payload)))


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "jav\tascript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "&#0000106avascript:alert(1)",
        " \x01javascript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
    ],
)
def test_scheme_check_catches_what_browsers_would_run(url):
    # The check above must itself be able to fail.
    with pytest.raises(AssertionError):
        assert_nothing_executable(f'<a href="{url}" rel="nofollow noopener">x</a>')


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        "<img src=x>",
        '<p onclick="x">a</p>',
        '<p style="color:red">a</p>',
        '<a href="https://example.org">no rel</a>',
        "<h1>two h1</h1>",
    ],
)
def test_element_check_catches_forbidden_markup(html):
    with pytest.raises(AssertionError):
        assert_nothing_executable(html)


def test_script_text_stays_visible_as_text():
    html = str(render_markdown("Bitte kein <script>alert(1)</script> hier"))
    assert "script" not in tags(html)
    assert "&lt;script&gt;" in html


def test_template_syntax_is_plain_text():
    html = str(render_markdown("{{ 7*7 }} und {% now 'Y' %}"))
    assert "{{ 7*7 }}" in html
    assert "49" not in html


def test_link_title_cannot_break_out_of_its_attribute():
    html = str(render_markdown('[x](https://example.org "\\" onmouseover=\\"alert(1)")'))
    (link,) = [element for element in parse(html) if element.tag == "a"]
    assert {name for name, _value in link.attrs} <= {"href", "title", "rel"}
    assert "onmouseover" in (link.get("title") or "")


# --- what must survive ----------------------------------------------------------------------------


def test_top_level_heading_becomes_h2_because_the_page_owns_the_h1():
    html = str(render_markdown("# Vision\n\n### Werte"))
    assert tags(html) == ["h2", "h3"]
    assert "Vision" in html and "Werte" in html


def test_emphasis_strong_and_strikethrough():
    html = str(render_markdown("*wichtig* und **sehr wichtig** und ~~gestrichen~~"))
    assert tags(html) == ["p", "em", "strong", "s"]
    assert "gestrichen" in html


def test_lists_keep_their_structure_and_start_number():
    html = str(render_markdown("- eins\n- zwei\n\n3. drei\n4. vier\n"))
    elements = parse(html)
    assert [element.tag for element in elements] == ["ul", "li", "li", "ol", "li", "li"]
    assert elements[3].get("start") == "3"


def test_tables_survive():
    html = str(render_markdown("| Maßnahme | Stimmen |\n|---|---|\n| Coworking | 12 |\n"))
    assert tags(html) == ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]
    assert "Coworking" in html


def test_table_column_alignment_survives_without_style_attributes():
    html = str(render_markdown("| Links | Mitte | Rechts |\n|:--|:-:|--:|\n| a | b | c |\n"))
    cells = [element for element in parse(html) if element.tag in {"th", "td"}]
    assert [cell.get("align") for cell in cells] == ["left", "center", "right"] * 2
    assert_nothing_executable(html)


def test_code_blocks_and_inline_code_survive_escaped():
    html = str(render_markdown("```python\nif a < b:\n    pass\n```\n\n`x < y`"))
    assert tags(html) == ["pre", "code", "p", "code"]
    assert "a &lt; b" in html
    assert "x &lt; y" in html


def test_https_link_survives_with_rel():
    html = str(render_markdown("[Landkreis](https://www.landkreis-meissen.de/digital)"))
    (link,) = parse(html)[1:]
    assert link.get("href") == "https://www.landkreis-meissen.de/digital"
    assert set((link.get("rel") or "").split()) >= {"nofollow", "noopener"}


def test_http_autolink_and_relative_link_survive():
    html = str(render_markdown("<http://example.org/a> und [Impressum](/landkreis/impressum/)"))
    hrefs = [element.get("href") for element in parse(html) if element.tag == "a"]
    assert hrefs == ["http://example.org/a", "/landkreis/impressum/"]


def test_mailto_link_survives():
    html = str(render_markdown("[Schreiben Sie uns](mailto:digital@kreis-meissen.de)"))
    hrefs = [element.get("href") for element in parse(html) if element.tag == "a"]
    assert hrefs == ["mailto:digital@kreis-meissen.de"]


def test_umlauts_and_typography_survive():
    html = str(render_markdown("„Anführungszeichen“ – Straße, Bürger*innen"))
    assert "„Anführungszeichen“ – Straße, Bürger*innen" in html


def test_empty_input_gives_empty_string():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_result_is_marked_safe_for_templates():
    assert isinstance(render_markdown("**x**"), SafeString)


# --- the template filter --------------------------------------------------------------------------

FILTER = Template("{% load portal %}{{ text|markdown }}")


@pytest.mark.parametrize(
    "text",
    [
        "# Impressum\n\n**Landratsamt** [Web](https://example.org)",
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
    ],
)
def test_template_filter_returns_the_same_safe_html(text):
    rendered = FILTER.render(Context({"text": text}))
    assert rendered == str(render_markdown(text))
    assert_nothing_executable(rendered)


def test_template_filter_does_not_escape_its_own_html():
    rendered = FILTER.render(Context({"text": "**fett**"}))
    assert "<strong>fett</strong>" in rendered


def test_template_filter_on_empty_value_renders_nothing():
    assert FILTER.render(Context({"text": ""})) == ""
    assert FILTER.render(Context({"text": None})) == ""


def test_images_are_replaced_by_their_alt_text_and_load_nothing():
    html = str(
        render_markdown("Vorher ![Karte des Kreises](https://fremd.example/karte.png) danach")
    )

    assert "<img" not in html
    assert "fremd.example" not in html
    assert "Vorher Karte des Kreises danach" in html


def test_bare_web_addresses_and_phone_links_become_links():
    html = str(
        render_markdown(
            "Mehr unter https://www.kreis-meissen.de – Telefon [03521 725-0](tel:+493521725)"
        )
    )

    assert 'href="https://www.kreis-meissen.de"' in html
    assert 'href="tel:+493521725"' in html
    assert html.count('rel="nofollow noopener"') == 2


def test_gender_stars_stay_stars_and_emphasis_still_works():
    html = str(render_markdown("Bürger*innen und Nutzer*innen sind *wichtig* und **sehr**."))
    assert "Bürger*innen und Nutzer*innen" in html
    assert "<em>wichtig</em>" in html
    assert "<strong>sehr</strong>" in html
    assert html.count("<em>") == 1
