"""The XSS corpus through every text a participant writes on the measure pages (title,
description, Mehrwert, Machbarkeit, comment, withdrawal reason) and the team's official answer
and status reason: the pages, parsed as a browser would, contain nothing executable.
(tests/browser/test_measures_xss.py views them in Chromium.)"""

import time
from html import unescape
from html.parser import HTMLParser

import pytest

from measures import services
from measures.forms import started_token
from measures.models import Measure

from ..strategy_portal.xss_payloads import XSS_CASES

pytestmark = pytest.mark.django_db

ACTIVE_TAGS = {"iframe", "object", "embed", "frame", "frameset", "base", "svg", "math", "applet"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")


class Elements(HTMLParser):
    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_nothing_executable(html: str) -> None:
    for tag, attrs in Elements(html).elements:
        assert tag not in ACTIVE_TAGS, f"<{tag}> on the page"
        attributes = dict(attrs)
        if tag == "script":
            assert (attributes.get("src") or "").startswith("/static/"), f"script {attrs}"
        if tag == "meta":
            assert "http-equiv" not in attributes, f"meta {attrs}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name}= on <{tag}>"
            assert name != "style", f"style attribute on <{tag}>"
            if name in URL_ATTRIBUTES:
                cleaned = "".join(unescape(value or "").split()).lower()
                assert not cleaned.startswith(BAD_SCHEMES), f"{name}={value!r} on <{tag}>"


PAYLOADS = [pytest.param(payload, id=case_id) for case_id, payload in XSS_CASES]


def stored(payload: str) -> str:
    """PostgreSQL refuses NUL in text; the forms refuse it with a message (Django's
    ProhibitNullCharactersValidator), so what reaches the database has none."""
    return payload.replace("\x00", "")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_measure_page_renders_payloads_harmless(
    client, district, citizen, company, facilitator, payload
):
    payload = stored(payload)
    measure = services.measure_submit(
        district=district,
        author=citizen,
        title=payload[:200],
        description=payload,
        added_value=payload,
        feasibility=payload,
        success_criteria=payload,
        funding_idea=payload,
    )
    services.comment_add(measure=measure, author=company, body=payload)
    services.status_change(
        measure=measure, user=facilitator, status="under_evaluation", reason=payload
    )
    services.answer_publish(measure=measure, user=facilitator, text=payload)
    services.measure_withdraw(measure=measure, user=citizen, reason=payload)

    detail = client.get(measure.get_absolute_url())

    assert detail.status_code == 200
    assert_nothing_executable(detail.content.decode())
    assert f"Antwort: {district.name}" in detail.content.decode()

    client.force_login(facilitator)
    workspace = client.get(f"/{district.slug}/verwaltung/massnahmen/{measure.pk}/")
    assert workspace.status_code == 200
    assert_nothing_executable(workspace.content.decode())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_preview_renders_payloads_harmless(login, district, citizen, payload):
    response = login(citizen).post(
        f"/{district.slug}/massnahmen/neu/",
        {
            "title": payload[:200],
            "description": payload,
            "added_value": payload,
            "feasibility": payload,
            "tags": payload[:100].replace(",", " "),
            "started": started_token(time.time() - 60),
            "step": "preview",
        },
    )

    assert response.status_code == 200
    assert_nothing_executable(response.content.decode())


def test_list_search_and_home_render_every_payload_harmless(client, district, citizen):
    for _case_id, payload in XSS_CASES:
        payload = stored(payload)
        measure = services.measure_create(
            district=district, author=citizen, title=payload[:200], description=payload
        )
        measure.tags.set([payload[:100]])
    assert Measure.objects.count() == len(XSS_CASES)

    pages = [
        f"/{district.slug}/massnahmen/",
        f"/{district.slug}/massnahmen/?page=2",
        f"/{district.slug}/massnahmen/?q=alert",
        f"/{district.slug}/massnahmen/?q=%3Cscript%3Ealert(1)%3C/script%3E",
        f"/{district.slug}/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_nothing_executable(response.content.decode())
