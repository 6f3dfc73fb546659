"""Bad input on every measure page and form: odd page numbers, 100,000 characters in each text,
a tag of 300 characters, odd ids. The answer is a clean page or a German message, never a 500,
and nothing is stored."""

import time

import pytest

from measures import services
from measures.forms import started_token
from measures.models import AnswerTemplate, Comment, Flag, Measure, StatusChange

pytestmark = pytest.mark.django_db

HUGE = "x" * 100_000
TOO_LONG = "Dieser Text ist zu lang"


@pytest.mark.parametrize("page", ["abc", "999999", "-1", "0", "1.5", "", "2" * 40])
@pytest.mark.parametrize(
    "path",
    [
        "massnahmen/",
        "verwaltung/massnahmen/",
        "verwaltung/moderation/",
        "verwaltung/moderation/protokoll/",
        "verwaltung/antwortvorlagen/",
    ],
)
def test_odd_page_numbers_give_a_clean_page(login, facilitator, district, measure, path, page):
    response = login(facilitator).get(f"/{district.slug}/{path}", {"page": page})

    assert response.status_code == 200
    assert "<h1" in response.content.decode()


def started():
    return started_token(time.time() - 60)


def test_huge_withdrawal_reason_gets_a_german_message(login, citizen, measure, district):
    response = login(citizen).post(
        f"/{district.slug}/massnahmen/{measure.pk}/zurueckziehen/", {"reason": HUGE}
    )

    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    measure.refresh_from_db()
    assert measure.status == "proposed"


def test_huge_comment_edit_and_flag_reason_get_a_german_message(
    login, company, citizen, measure, district
):
    comment = services.comment_add(measure=measure, author=company, body="Kurz")
    edit = login(company).post(
        f"/{district.slug}/massnahmen/kommentare/{comment.pk}/bearbeiten/", {"body": HUGE}
    )
    flag = login(citizen).post(
        f"/{district.slug}/massnahmen/kommentare/{comment.pk}/melden/", {"reason": HUGE}
    )

    assert (edit.status_code, flag.status_code) == (200, 200)
    assert TOO_LONG in edit.content.decode() and TOO_LONG in flag.content.decode()
    assert Comment.objects.get().body == "Kurz"
    assert not Flag.objects.exists()


def test_huge_reply_through_htmx_gets_a_german_message(login, company, citizen, measure, district):
    comment = services.comment_add(measure=measure, author=company, body="Kurz")
    response = login(citizen).post(
        f"/{district.slug}/massnahmen/{measure.pk}/kommentare/",
        {"body": HUGE, "parent": comment.pk, "started": started(), "website": ""},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", HUGE, "höchstens 200 Zeichen"),
        ("description", HUGE, TOO_LONG),
        ("added_value", HUGE, TOO_LONG),
        ("feasibility", HUGE, TOO_LONG),
        ("on_behalf_of", HUGE, "höchstens"),
        ("tags", "x" * 300, "höchstens 100 Zeichen"),
        ("action_field", "999999", "Bitte wählen Sie ein Handlungsfeld dieses Landkreises."),
    ],
)
def test_recording_with_bad_input_gets_a_german_message(
    login, facilitator, district, field, value, message
):
    data = {
        "origin": "phone",
        "on_behalf_of": "Erika Muster",
        "title": "Bürgerbus",
        "description": "Ein Bus am Wochenende.",
        field: value,
    }
    response = login(facilitator).post(f"/{district.slug}/verwaltung/massnahmen/erfassen/", data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Measure.objects.exists()


def test_huge_status_reason_answer_and_merge_reason_get_a_german_message(
    login, facilitator, district, measure, other_measure
):
    client = login(facilitator)
    base = f"/{district.slug}/verwaltung/massnahmen/{measure.pk}"

    status = client.post(f"{base}/status/", {"status": "prioritised", "reason": HUGE})
    answer = client.post(f"{base}/antwort/", {"text": HUGE})
    merge = client.post(
        f"{base}/zusammenfuehren/", {"target": other_measure.pk, "confirm": "1", "reason": HUGE}
    )
    template = client.post(
        f"/{district.slug}/verwaltung/antwortvorlagen/neu/", {"title": "T", "body": HUGE}
    )

    for response in (status, answer, merge, template):
        assert response.status_code == 200
        assert TOO_LONG in response.content.decode()
    measure.refresh_from_db()
    assert (measure.status, measure.official_answer, measure.merged_into_id) == (
        "proposed",
        "",
        None,
    )
    assert StatusChange.objects.filter(measure=measure).count() == 1
    assert not AnswerTemplate.objects.exists()


def test_huge_moderation_reason_gets_a_german_message(
    login, facilitator, district, measure, company
):
    comment = services.comment_add(measure=measure, author=company, body="Kurz")
    response = login(facilitator).post(
        f"/{district.slug}/verwaltung/moderation/kommentar/{comment.pk}/ausblenden/",
        {"reason": HUGE},
    )

    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_unknown_ids_are_not_found(login, facilitator, district):
    client = login(facilitator)
    for path in (
        f"/{district.slug}/massnahmen/999999-x/",
        f"/{district.slug}/massnahmen/999999/bearbeiten/",
        f"/{district.slug}/verwaltung/massnahmen/999999/",
        f"/{district.slug}/verwaltung/massnahmen/999999/status/",
        f"/{district.slug}/massnahmen/kommentare/999999/bearbeiten/",
    ):
        assert client.get(path).status_code == 404, path
