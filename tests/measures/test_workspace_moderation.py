"""The moderation queue of a district and its actions, through the test client."""

import pytest

from measures import services
from measures.models import Comment, FlagStatus, ModerationAction, ModerationActionKind, UserBlock

from ..factories import MeasureFactory, UserFactory

TEAM = ["facilitator", "district_admin"]
OUTSIDERS = ["other_district_facilitator", "citizen"]


def queue(district):
    return f"/{district.slug}/verwaltung/moderation/"


def action_url(district, item, pk, action):
    return f"{queue(district)}{item}/{pk}/{action}/"


@pytest.fixture
def flagged_comment(measure, company, citizen):
    comment = services.comment_add(measure=measure, author=company, body="Unsachlicher Beitrag")
    services.flag_add(user=citizen, comment=comment, reason="Beleidigend")
    return comment


@pytest.fixture
def often_flagged_measure(district):
    measure = MeasureFactory(district=district, title="Werbung für einen Onlineshop")
    for n in range(3):
        services.flag_add(
            user=UserFactory(email=f"melder{n}@example.org"), measure=measure, reason="Spam"
        )
    return measure


@pytest.mark.parametrize("role", TEAM)
def test_queue_lists_flagged_content_most_flagged_first(
    role, request, login, district, flagged_comment, often_flagged_measure, other_district
):
    foreign = MeasureFactory(district=other_district, title="Fremde Meldung")
    services.flag_add(user=UserFactory(), measure=foreign, reason="Spam")
    client = login(request.getfixturevalue(role))

    html = client.get(queue(district)).content.decode()

    assert "Werbung für einen Onlineshop" in html
    assert "3 offene Meldungen" in html
    assert "Unsachlicher Beitrag" in html and "Beleidigend" in html
    assert "Fremde Meldung" not in html
    assert html.index("Werbung für einen Onlineshop") < html.index("Unsachlicher Beitrag")


@pytest.mark.parametrize("role", TEAM)
def test_hiding_a_comment_asks_for_a_reason_then_hides_and_logs_it(
    role, request, login, district, flagged_comment
):
    user = request.getfixturevalue(role)
    client = login(user)
    url = action_url(district, "kommentar", flagged_comment.pk, "ausblenden")

    confirm = client.get(url)
    without_reason = client.post(url, {"reason": ""})

    assert "Unsachlicher Beitrag" in confirm.content.decode()
    assert "Bitte geben Sie eine Begründung an." in without_reason.content.decode()
    flagged_comment.refresh_from_db()
    assert not flagged_comment.is_hidden

    response = client.post(url, {"reason": "Verstößt gegen die Netiquette"}, follow=True)

    flagged_comment.refresh_from_db()
    assert flagged_comment.is_hidden
    assert flagged_comment.flags.get().status == FlagStatus.ACTED
    action = ModerationAction.objects.get()
    assert (action.kind, action.moderator, action.comment, action.reason) == (
        ModerationActionKind.HIDE,
        user,
        flagged_comment,
        "Verstößt gegen die Netiquette",
    )
    html = response.content.decode()
    assert "Der Inhalt wurde ausgeblendet." in html
    # Out of the queue, into the hidden content and the log.
    assert "Keine gemeldeten Kommentare." in html
    assert action_url(district, "kommentar", flagged_comment.pk, "wiederherstellen") in html
    assert "Verstößt gegen die Netiquette" in html


@pytest.mark.parametrize("role", TEAM)
def test_restoring_shows_hidden_content_again(role, request, login, district, flagged_comment):
    user = request.getfixturevalue(role)
    services.moderation_hide(moderator=user, comment=flagged_comment, reason="Zu scharf")
    client = login(user)

    client.post(
        action_url(district, "kommentar", flagged_comment.pk, "wiederherstellen"),
        {"reason": "Nach Rücksprache in Ordnung"},
    )

    flagged_comment.refresh_from_db()
    assert not flagged_comment.is_hidden
    assert flagged_comment.measure.comment_count == 1
    assert ModerationAction.objects.filter(
        kind=ModerationActionKind.RESTORE, reason="Nach Rücksprache in Ordnung"
    ).exists()


def test_dismissing_keeps_the_measure_visible_and_empties_the_queue(
    login, facilitator, district, often_flagged_measure
):
    client = login(facilitator)

    client.post(
        action_url(district, "massnahme", often_flagged_measure.pk, "verwerfen"),
        {"reason": "Kein Spam, ein Hinweis auf ein lokales Geschäft"},
    )

    often_flagged_measure.refresh_from_db()
    assert not often_flagged_measure.is_hidden
    assert set(often_flagged_measure.flags.values_list("status", flat=True)) == {
        FlagStatus.DISMISSED
    }
    assert "Keine gemeldeten Maßnahmen." in client.get(queue(district)).content.decode()


def test_hiding_a_measure_works_from_the_queue(
    login, district_admin, district, often_flagged_measure
):
    login(district_admin).post(
        action_url(district, "massnahme", often_flagged_measure.pk, "ausblenden"),
        {"reason": "Werbung"},
    )

    often_flagged_measure.refresh_from_db()
    assert often_flagged_measure.is_hidden


@pytest.mark.parametrize("role", TEAM)
def test_blocking_an_author_hides_all_they_wrote_and_locks_them_out(
    role, request, login, district, company, flagged_comment
):
    user = request.getfixturevalue(role)
    own_measure = MeasureFactory(district=district, author=company, title="Eigene Idee")
    client = login(user)
    url = f"{queue(district)}personen/{company.pk}/sperren/"

    confirm = client.get(url).content.decode()
    refused = client.post(url, {"reason": ""})
    company.refresh_from_db()
    assert company.is_active
    assert "Bitte geben Sie eine Begründung an." in refused.content.decode()
    assert "Derzeit sichtbar: 1 Maßnahme, 1 Kommentar" in confirm

    client.post(url, {"reason": "Wiederholt beleidigend"})

    company.refresh_from_db()
    own_measure.refresh_from_db()
    flagged_comment.refresh_from_db()
    assert not company.is_active
    assert own_measure.is_hidden and flagged_comment.is_hidden
    assert UserBlock.objects.get(user=company).reason == "Wiederholt beleidigend"
    assert ModerationAction.objects.filter(
        kind=ModerationActionKind.BLOCK, target_user=company, moderator=user
    ).exists()
    log = client.get(f"{queue(district)}protokoll/").content.decode()
    assert "Wiederholt beleidigend" in log and "Verfasser*in gesperrt" in log


def test_a_team_member_cannot_be_blocked(login, facilitator, district_admin, district, measure):
    Comment.objects.create(measure=measure, author=district_admin, body="Antwort des Teams")

    response = login(facilitator).post(
        f"{queue(district)}personen/{district_admin.pk}/sperren/", {"reason": "Test"}
    )

    assert response.status_code == 200
    assert "Teams" in response.content.decode()
    district_admin.refresh_from_db()
    assert district_admin.is_active


def test_only_people_who_wrote_in_the_district_can_be_blocked_here(login, facilitator, district):
    stranger = UserFactory()

    response = login(facilitator).post(
        f"{queue(district)}personen/{stranger.pk}/sperren/", {"reason": "Test"}
    )

    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.is_active


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_cannot_moderate(role, request, login, district, company, flagged_comment):
    client = login(request.getfixturevalue(role))

    assert client.get(queue(district)).status_code == 403
    assert client.get(f"{queue(district)}protokoll/").status_code == 403
    for action in ("ausblenden", "verwerfen"):
        response = client.post(
            action_url(district, "kommentar", flagged_comment.pk, action), {"reason": "x"}
        )
        assert response.status_code == 403
    response = client.post(f"{queue(district)}personen/{company.pk}/sperren/", {"reason": "x"})
    assert response.status_code == 403
    flagged_comment.refresh_from_db()
    company.refresh_from_db()
    assert not flagged_comment.is_hidden and company.is_active
    assert flagged_comment.flags.get().status == FlagStatus.OPEN
    assert not ModerationAction.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login(client, district, flagged_comment):
    response = client.post(
        action_url(district, "kommentar", flagged_comment.pk, "ausblenden"), {"reason": "x"}
    )

    assert "/konto/anmelden/" in response["Location"]
    assert "/konto/anmelden/" in client.get(queue(district))["Location"]
    flagged_comment.refresh_from_db()
    assert not flagged_comment.is_hidden


def test_a_comment_of_another_district_is_not_found_here(
    login, facilitator, district, other_district, citizen
):
    foreign = services.comment_add(
        measure=MeasureFactory(district=other_district), author=citizen, body="Anderswo"
    )

    response = login(facilitator).post(
        action_url(district, "kommentar", foreign.pk, "ausblenden"), {"reason": "x"}
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert not foreign.is_hidden


def test_the_log_shows_who_when_and_why(login, facilitator, district, flagged_comment):
    services.moderation_hide(moderator=facilitator, comment=flagged_comment, reason="Netiquette")

    html = login(facilitator).get(f"{queue(district)}protokoll/").content.decode()

    assert "Netiquette" in html
    assert "ausgeblendet" in html
    assert facilitator.public_name in html
