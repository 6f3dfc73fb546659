"""The measure page shows its comment threads a page at a time (`?kommentare=<n>`): the first
threads with all their replies and a control for more; htmx appends the next page in place,
without JavaScript the control is a link to it. Every link to a comment leads to its page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures import services
from measures.models import Comment
from strategy_portal.models import OutgoingEmail

from ..factories import UserFactory
from .test_live_region import HTMX, announcement, comment_data, soup_of

pytestmark = pytest.mark.django_db

PER_PAGE = Comment.THREADS_PER_PAGE


@pytest.fixture
def threads(measure, company):
    """100 threads, each a top-level comment (“Thema n”) with a reply (“Antwort n”)."""
    roots = []
    for n in range(100):
        root = Comment.objects.create(measure=measure, author=company, body=f"Thema {n}")
        Comment.objects.create(
            measure=measure, author=company, body=f"Antwort {n}", parent=root, depth=1
        )
        roots.append(root)
    services.recount(measure_ids=[measure.pk])
    measure.refresh_from_db()
    return roots


def shown_topics(response) -> set[int]:
    page = soup_of(response)
    return {
        int(text.removeprefix("Thema "))
        for element in page.root.iter()
        if isinstance(element.tag, str) and element.tag.endswith("p")
        for text in [page.text(element)]
        if text.startswith("Thema ")
    }


def more_link(response):
    return soup_of(response).find("kommentare-mehr").find(".//{*}a")


def test_the_page_shows_the_first_threads_with_their_replies_and_the_total(
    client, measure, threads
):
    response = client.get(measure.get_absolute_url())

    assert response.status_code == 200
    assert shown_topics(response) == set(range(PER_PAGE))
    html = response.content.decode()
    assert f'id="kommentar-{threads[0].replies.get().pk}"' in html
    assert f'id="kommentar-{threads[PER_PAGE].pk}"' not in html
    assert "200 Kommentare" in soup_of(response).text(soup_of(response).find("comments-heading"))
    link = more_link(response)
    assert link.get("href") == f"{measure.get_absolute_url()}?kommentare=2#kommentare"
    assert link.get("hx-get") == f"{measure.get_absolute_url()}?kommentare=2"
    assert "Weitere Kommentare anzeigen" in soup_of(response).text(link)


def test_without_javascript_the_next_page_shows_the_next_threads_and_links_back(
    client, measure, threads
):
    response = client.get(f"{measure.get_absolute_url()}?kommentare=2")

    assert response.status_code == 200
    assert shown_topics(response) == set(range(PER_PAGE, 2 * PER_PAGE))
    page = soup_of(response)
    assert "Seite 2 von 4 der Kommentare." in page.text(page.find("kommentare"))
    back = page.find(tag="a", href=f"{measure.get_absolute_url()}#kommentare")
    assert back is not None and "Vorherige Kommentare anzeigen" in page.text(back)
    assert more_link(response).get("href").endswith("?kommentare=3#kommentare")
    # A comment's own link names its page.
    assert page.find(
        tag="a", href=f"{measure.get_absolute_url()}?kommentare=2#kommentar-{threads[30].pk}"
    )


@pytest.mark.parametrize(
    ("value", "topics"),
    [
        ("abc", range(PER_PAGE)),
        ("0", range(PER_PAGE)),
        ("-2", range(PER_PAGE)),
        ("", range(PER_PAGE)),
        ("999", range(3 * PER_PAGE, 100)),
        ("99999999999999999999999", range(3 * PER_PAGE, 100)),
    ],
)
def test_a_page_number_out_of_range_gives_a_clean_page(client, measure, threads, value, topics):
    response = client.get(f"{measure.get_absolute_url()}?kommentare={value}")

    assert response.status_code == 200
    assert shown_topics(response) == set(topics)


def test_the_last_page_has_no_control_for_more(client, measure, threads):
    response = client.get(f"{measure.get_absolute_url()}?kommentare=4")

    assert shown_topics(response) == set(range(3 * PER_PAGE, 100))
    assert more_link(response) is None
    assert "Zu den ersten Kommentaren" in response.content.decode()


def test_with_htmx_more_appends_the_next_threads_and_announces_them(client, measure, threads):
    response = client.get(f"{measure.get_absolute_url()}?kommentare=2", **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="kommentare"' not in html
    assert shown_topics(response) == set(range(PER_PAGE, 2 * PER_PAGE))
    assert announcement(response) == "50 weitere Kommentare geladen"
    # The control that had the focus is replaced: the first thread loaded takes it.
    first = soup_of(response).find(f"kommentar-{threads[PER_PAGE].pk}")
    assert first.get("autofocus") is not None and first.get("tabindex") == "-1"
    control = soup_of(response).find("kommentare-mehr")
    assert control.get("hx-swap-oob") == "outerHTML"
    assert more_link(response).get("hx-get").endswith("?kommentare=3")
    assert "HX-Request" in response["Vary"]

    last = client.get(f"{measure.get_absolute_url()}?kommentare=4", **HTMX)
    assert shown_topics(last) == set(range(3 * PER_PAGE, 100))
    assert more_link(last) is None


def test_more_follows_the_measure_visibility(client, measure, threads, facilitator):
    services.moderation_hide(moderator=facilitator, measure=measure, reason="Werbung")

    response = client.get(f"{measure.get_absolute_url()}?kommentare=2", **HTMX)

    assert response.status_code == 404


def test_reply_notification_links_to_the_page_of_the_thread(
    measure, threads, citizen, django_capture_on_commit_callbacks
):
    # Thread 60 is on page 3: its author hears of a reply to the reply in it.
    first_reply = threads[60].replies.get()
    with django_capture_on_commit_callbacks(execute=True):
        deep = services.comment_add(
            measure=measure, author=citizen, body="Genau so.", parent=first_reply
        )
    (email,) = OutgoingEmail.objects.filter(to=first_reply.author.email)
    assert f"{measure.get_absolute_url()}?kommentare=3#kommentar-{deep.pk}" in email.text_body
    assert deep.get_absolute_url() == (
        f"{measure.get_absolute_url()}?kommentare=3#kommentar-{deep.pk}"
    )
    assert (
        threads[0].get_absolute_url() == f"{measure.get_absolute_url()}#kommentar-{threads[0].pk}"
    )


def test_a_reply_without_javascript_returns_to_the_page_of_its_thread(
    login, citizen, measure, district, threads
):
    response = login(citizen).post(
        f"/{district.slug}/massnahmen/{measure.pk}/kommentare/",
        comment_data("Sehe ich auch so.", parent=threads[80].pk),
    )

    reply = Comment.objects.get(body="Sehe ich auch so.")
    assert response["Location"] == f"{measure.get_absolute_url()}?kommentare=4#kommentar-{reply.pk}"
    page = login(citizen).get(response["Location"])
    assert f'id="kommentar-{reply.pk}"' in page.content.decode()


def test_a_reply_with_htmx_swaps_in_the_page_of_its_thread(
    login, citizen, measure, district, threads
):
    response = login(citizen).post(
        f"/{district.slug}/massnahmen/{measure.pk}/kommentare/",
        comment_data("Auf Seite zwei.", parent=threads[30].pk),
        **HTMX,
    )

    reply = Comment.objects.get(body="Auf Seite zwei.")
    assert shown_topics(response) == set(range(PER_PAGE, 2 * PER_PAGE))
    new = soup_of(response).find(f"kommentar-{reply.pk}")
    assert new.get("autofocus") is not None
    assert announcement(response) == "Ihre Antwort ist veröffentlicht."


def test_a_new_comment_with_htmx_swaps_in_the_last_page(login, citizen, measure, district, threads):
    response = login(citizen).post(
        f"/{district.slug}/massnahmen/{measure.pk}/kommentare/",
        comment_data("Ganz neu."),
        **HTMX,
        HTTP_HX_CURRENT_URL=f"http://testserver{measure.get_absolute_url()}",
    )

    # The 101st thread starts page 5.
    comment = Comment.objects.get(body="Ganz neu.")
    page = soup_of(response)
    assert page.find(f"kommentar-{comment.pk}").get("autofocus") is not None
    assert shown_topics(response) == set()
    assert "Seite 5 von 5 der Kommentare." in page.text(page.find("kommentare"))


def test_an_invalid_reply_with_htmx_comes_back_on_the_page_of_its_thread(
    login, citizen, measure, district, threads
):
    response = login(citizen).post(
        f"/{district.slug}/massnahmen/{measure.pk}/kommentare/",
        comment_data("", parent=threads[55].pk),
        **HTMX,
    )

    assert response.status_code == 200
    assert shown_topics(response) == set(range(2 * PER_PAGE, 3 * PER_PAGE))


def test_the_moderation_queue_links_a_comment_to_its_page(
    login, measure, threads, district_admin, district
):
    for reporter in (UserFactory(), UserFactory()):
        services.flag_add(user=reporter, comment=threads[99], reason="Beleidigend")

    html = login(district_admin).get(f"/{district.slug}/verwaltung/moderation/").content.decode()

    assert f'href="{measure.get_absolute_url()}?kommentare=4#kommentar-{threads[99].pk}"' in html


def test_every_page_of_threads_takes_the_same_queries(
    client, measure, threads, django_assert_num_queries
):
    client.get(measure.get_absolute_url())  # fills the caches that every page shares
    with CaptureQueriesContext(connection) as first:
        client.get(measure.get_absolute_url())
    with django_assert_num_queries(len(first)):
        client.get(f"{measure.get_absolute_url()}?kommentare=3")
