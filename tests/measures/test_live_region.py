"""What an htmx action did is said in the page's polite live region: the answer swaps new
content into `#messages` (out of band, its content only, so the region itself stays and screen
readers read the change), and focus has somewhere sensible to stay or go."""

import time

import pytest
import tinyhtml5

from measures import services
from measures.forms import started_token
from measures.models import Comment

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


class Page:
    """The answer parsed as a browser would (tinyhtml5 comes with WeasyPrint)."""

    def __init__(self, response):
        self.root = tinyhtml5.parse(response.content.decode())

    def find(self, id=None, *, tag=None, **attrs):
        for element in self.root.iter():
            name = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
            if id is not None and element.get("id") != id:
                continue
            if tag is not None and name != tag:
                continue
            if all(element.get(key) == value for key, value in attrs.items()):
                return element
        return None

    def text(self, element=None) -> str:
        return " ".join("".join((element if element is not None else self.root).itertext()).split())


def soup_of(response) -> Page:
    return Page(response)


def announcement(response) -> str:
    """The text swapped into the live region, checked to be an out-of-band content swap."""
    page = soup_of(response)
    region = page.find("messages")
    assert region is not None, response.content.decode()[:500]
    assert region.get("hx-swap-oob") == "innerHTML"
    assert any(child.get("role") in ("status", "alert") for child in region.iter())
    return page.text(region)


def comment_data(body="Gute Idee!", **extra):
    return {"body": body, "website": "", "started": started_token(time.time() - 60), **extra}


def test_the_page_has_a_polite_live_region_for_the_swaps(client, measure):
    page = soup_of(client.get(measure.get_absolute_url()))

    region = page.find("messages")
    assert region.get("aria-live") == "polite"
    assert page.find("unterstuetzen") is not None and page.find("kommentare") is not None


def test_support_with_htmx_announces_the_new_count(login, company, citizen, measure, district):
    services.support_add(measure=measure, user=citizen)
    url = f"/{district.slug}/massnahmen/{measure.pk}/unterstuetzen/"
    client = login(company)

    supported = client.post(url, **HTMX)
    taken_back = client.post(url, **HTMX)

    assert announcement(supported) == "Unterstützung gezählt: 2"
    assert announcement(taken_back) == "Unterstützung zurückgenommen: 1"
    # The button keeps its id, so htmx gives the focus back to it after the swap.
    assert soup_of(supported).find("support-button").get("aria-pressed") == "true"
    assert soup_of(taken_back).find("support-button").get("aria-pressed") == "false"


def test_support_without_javascript_shows_the_same_words_after_the_redirect(
    login, company, measure, district
):
    client = login(company)
    response = client.post(f"/{district.slug}/massnahmen/{measure.pk}/unterstuetzen/", follow=True)

    page = soup_of(response)
    region = page.find("messages")
    assert "Unterstützung gezählt: 1" in page.text(region)
    assert region.get("hx-swap-oob") is None


def test_follow_with_htmx_announces_it(login, company, measure, district):
    url = f"/{district.slug}/massnahmen/{measure.pk}/folgen/"
    client = login(company)

    followed = client.post(url, **HTMX)
    stopped = client.post(url, **HTMX)

    assert announcement(followed).startswith("Sie folgen dieser Maßnahme jetzt.")
    assert announcement(stopped) == "Sie folgen dieser Maßnahme nicht mehr."
    assert soup_of(followed).find("follow-button").get("aria-pressed") == "true"


def test_comment_with_htmx_swaps_the_thread_focuses_the_comment_and_announces(
    login, company, measure, district
):
    response = login(company).post(
        f"/{district.slug}/massnahmen/{measure.pk}/kommentare/",
        comment_data("Würde ich sofort nutzen."),
        **HTMX,
    )

    comment = Comment.objects.get()
    page = soup_of(response)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert page.find("kommentare", tag="section") is not None
    new = page.find(f"kommentar-{comment.pk}")
    assert new.get("autofocus") is not None and new.get("tabindex") == "-1"
    assert "Würde ich sofort nutzen." in page.text(new)
    assert announcement(response) == "Ihr Kommentar ist veröffentlicht."


def test_reply_with_htmx_announces_the_reply(login, company, citizen, measure, district):
    first = services.comment_add(measure=measure, author=company, body="Erster")

    response = login(citizen).post(
        f"/{district.slug}/massnahmen/{measure.pk}/kommentare/",
        comment_data("Danke!", parent=first.pk),
        **HTMX,
    )

    reply = Comment.objects.get(parent=first)
    assert soup_of(response).find(f"kommentar-{reply.pk}").get("autofocus") is not None
    assert announcement(response) == "Ihre Antwort ist veröffentlicht."


def test_invalid_comment_with_htmx_comes_back_with_its_error_focused(
    login, citizen, measure, district
):
    response = login(citizen).post(
        f"/{district.slug}/massnahmen/{measure.pk}/kommentare/", comment_data(""), **HTMX
    )

    page = soup_of(response)
    field = page.find(tag="textarea", name="body")
    assert response.status_code == 200  # htmx swaps only successful answers
    assert field.get("autofocus") is not None and field.get("aria-invalid") == "true"
    assert "Dieses Feld ist zwingend erforderlich." in page.text()
    assert announcement(response).startswith("Ihr Kommentar wurde nicht veröffentlicht.")
    assert not Comment.objects.exists()


def test_team_member_sees_no_stale_message_after_an_htmx_action(login, measure, district):
    """The message is consumed by the swap; it does not come back on the next page."""
    user = UserFactory(kind="institution")
    client = login(user)
    client.post(f"/{district.slug}/massnahmen/{measure.pk}/unterstuetzen/", **HTMX)

    page = soup_of(client.get(measure.get_absolute_url()))

    assert "Unterstützung gezählt" not in page.text(page.find("messages"))


def test_a_comment_through_htmx_takes_away_the_edit_link_it_ends(login, citizen, measure, district):
    """The author may edit until the first comment, their own included: the swap says so."""
    client = login(citizen)
    before = soup_of(client.get(measure.get_absolute_url()))
    assert before.find("measure-links").find(".//*[@href]") is not None

    response = client.post(
        f"/{district.slug}/massnahmen/{measure.pk}/kommentare/",
        comment_data("Ergänzung: auch samstags."),
        **HTMX,
    )

    links = soup_of(response).find("measure-links")
    assert links.get("hx-swap-oob") == "true"
    hrefs = [element.get("href") for element in links.iter() if element.get("href")]
    assert f"/{district.slug}/massnahmen/{measure.pk}/bearbeiten/" not in hrefs
    assert f"/{district.slug}/massnahmen/{measure.pk}/zurueckziehen/" in hrefs
