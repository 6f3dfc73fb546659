"""The team's work on measures in the workspace: the list with bulk status changes, recording on
someone's behalf, editing, status, official answers and merging — through the test client."""

import pytest

from measures import services
from measures.models import (
    EventKind,
    Measure,
    MeasureMerge,
    NotificationEvent,
    Origin,
    Status,
    StatusChange,
    Support,
)

from ..factories import AnswerTemplateFactory, MeasureFactory, UserFactory

TEAM = ["facilitator", "district_admin"]
OUTSIDERS = ["other_district_facilitator", "citizen"]


def url(district, name, pk=None):
    base = f"/{district.slug}/verwaltung/massnahmen/"
    return {
        "list": base,
        "record": f"{base}erfassen/",
        "detail": f"{base}{pk}/",
        "edit": f"{base}{pk}/bearbeiten/",
        "status": f"{base}{pk}/status/",
        "answer": f"{base}{pk}/antwort/",
        "merge": f"{base}{pk}/zusammenfuehren/",
    }[name]


# --- the list and bulk status changes -------------------------------------------------------------


@pytest.mark.parametrize("role", TEAM)
def test_team_sees_every_measure_of_the_district_with_staff_links(
    role, request, login, district, other_district, measure
):
    hidden = MeasureFactory(district=district, title="Ausgeblendete Idee", is_hidden=True)
    MeasureFactory(district=other_district, title="Idee aus dem Wetteraukreis")
    client = login(request.getfixturevalue(role))

    response = client.get(url(district, "list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Coworking im Dorfladen" in html
    assert "Ausgeblendete Idee" in html
    assert "Wetteraukreis" not in html.split("<main", 1)[1]
    assert f'name="measures" value="{measure.pk}"' in html
    assert url(district, "status", measure.pk) in html
    assert url(district, "merge", hidden.pk) in html


def test_list_filters_by_status_and_number(login, facilitator, district, measure, other_measure):
    services.status_change(
        measure=other_measure, user=facilitator, status=Status.PRIORITISED, reason="Wichtig"
    )
    client = login(facilitator)

    by_status = client.get(url(district, "list"), {"status": Status.PRIORITISED}).content.decode()
    by_number = client.get(url(district, "list"), {"q": str(measure.pk)}).content.decode()

    assert "Mobiles Bürgerbüro" in by_status and "Coworking im Dorfladen" not in by_status
    assert "Coworking im Dorfladen" in by_number and "Mobiles Bürgerbüro" not in by_number


@pytest.mark.parametrize("role", TEAM)
def test_bulk_status_change_applies_to_every_selected_measure(
    role, request, login, district, measure, other_measure
):
    client = login(request.getfixturevalue(role))

    response = client.post(
        url(district, "list"),
        {
            "measures": [measure.pk, other_measure.pk],
            "status": Status.UNDER_EVALUATION,
            "reason": "Wir prüfen alle Vorschläge bis Ende März.",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0].endswith(url(district, "list"))
    assert "Der Status von 2 Maßnahmen" in response.content.decode()
    for item in (measure, other_measure):
        item.refresh_from_db()
        assert item.status == Status.UNDER_EVALUATION
        assert item.status_changes.last().reason == "Wir prüfen alle Vorschläge bis Ende März."


def test_bulk_status_change_changes_none_when_one_cannot_change(
    login, facilitator, citizen, district, measure, other_measure
):
    services.measure_withdraw(measure=measure, user=citizen, reason="Doppelt eingereicht")
    client = login(facilitator)

    response = client.post(
        url(district, "list"),
        {
            "measures": [measure.pk, other_measure.pk],
            "status": Status.PRIORITISED,
            "reason": "Priorisiert in der Sitzung",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Es wurde nichts geändert." in html
    assert "„Coworking im Dorfladen“: " in html and "zurückgezogen" in html
    other_measure.refresh_from_db()
    assert other_measure.status == Status.PROPOSED
    # The selection survives the error, so the facilitator can untick the one and try again.
    assert f'value="{other_measure.pk}" id="select-{other_measure.pk}" checked' in html


def test_bulk_status_change_refuses_measures_of_another_district(
    login, facilitator, district, other_district, measure
):
    foreign = MeasureFactory(district=other_district)
    client = login(facilitator)

    response = client.post(
        url(district, "list"),
        {"measures": [measure.pk, foreign.pk], "status": Status.PRIORITISED, "reason": "Ja"},
    )

    assert response.status_code == 200
    assert f"Maßnahme {foreign.pk} gehört nicht zu diesem" in response.content.decode()
    measure.refresh_from_db()
    foreign.refresh_from_db()
    assert measure.status == foreign.status == Status.PROPOSED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": Status.PRIORITISED, "reason": "Ja"}, "Bitte wählen Sie mindestens eine"),
        ({"status": "", "reason": "Ja"}, "Bitte wählen Sie einen Status"),
        ({"status": Status.PRIORITISED, "reason": " "}, "Bitte geben Sie eine Begründung an"),
        ({"status": Status.WITHDRAWN, "reason": "Ja"}, "Bitte wählen Sie einen Status"),
    ],
)
def test_bulk_status_change_explains_missing_input_in_german(
    login, facilitator, district, measure, data, message
):
    client = login(facilitator)
    if "Bitte wählen Sie mindestens" not in message:
        data = {**data, "measures": [measure.pk]}

    response = client.post(url(district, "list"), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    measure.refresh_from_db()
    assert measure.status == Status.PROPOSED


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_cannot_change_status_in_bulk(role, request, login, district, measure):
    client = login(request.getfixturevalue(role))

    response = client.post(
        url(district, "list"),
        {"measures": [measure.pk], "status": Status.PRIORITISED, "reason": "Ja"},
    )

    assert response.status_code == 403
    measure.refresh_from_db()
    assert measure.status == Status.PROPOSED


def test_anonymous_visitors_are_sent_to_the_login(client, district, measure):
    for name in ("list", "record"):
        response = client.get(url(district, name))
        assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
    response = client.post(
        url(district, "list"), {"measures": [measure.pk], "status": "prioritised", "reason": "x"}
    )
    assert "/konto/anmelden/" in response["Location"]
    measure.refresh_from_db()
    assert measure.status == Status.PROPOSED


# --- recording on someone's behalf ----------------------------------------------------------------


@pytest.mark.parametrize("role", TEAM)
def test_team_records_a_measure_on_behalf_of_a_named_person(
    role, request, login, district, action_field
):
    user = request.getfixturevalue(role)
    client = login(user)

    response = client.post(
        url(district, "record"),
        {
            "origin": Origin.PHONE,
            "on_behalf_of": "Erika Muster",
            "title": "Bürgerbus am Wochenende",
            "description": "Ein Bus, der samstags die Dörfer mit der Stadt verbindet.",
            "action_field": action_field.pk,
            "tags": "Mobilität, Dörfer",
        },
    )

    measure = Measure.objects.get(title="Bürgerbus am Wochenende")
    assert response.status_code == 302
    assert response["Location"] == url(district, "detail", measure.pk)
    assert measure.district == district
    assert measure.origin == Origin.PHONE
    assert measure.recorded_by == user
    assert measure.author is None
    assert measure.on_behalf_of == "Erika Muster"
    assert sorted(t.name for t in measure.tags.all()) == ["Dörfer", "Mobilität"]
    page = client.get(response["Location"]).content.decode()
    assert "im Auftrag von Erika Muster" in page


def test_a_measure_recorded_without_a_name_is_anonymous(login, facilitator, district):
    client = login(facilitator)

    client.post(
        url(district, "record"),
        {"origin": Origin.PAPER, "title": "Sitzbänke", "description": "Mehr Bänke am Markt."},
    )

    measure = Measure.objects.get(title="Sitzbänke")
    assert measure.on_behalf_of == ""
    page = client.get(url(district, "detail", measure.pk)).content.decode()
    assert "im Auftrag von anonym" in page


def test_recording_refuses_an_online_origin_and_an_empty_title(login, facilitator, district):
    client = login(facilitator)

    response = client.post(
        url(district, "record"), {"origin": Origin.ONLINE, "title": "", "description": "Text"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Bitte geben Sie der Maßnahme einen Titel." in html
    assert 'aria-invalid="true"' in html
    assert not Measure.objects.exists()


@pytest.mark.parametrize("role", [*OUTSIDERS, "company"])
def test_outsiders_cannot_record(role, request, login, district):
    client = login(request.getfixturevalue(role))

    get = client.get(url(district, "record"))
    post = client.post(
        url(district, "record"), {"origin": Origin.PHONE, "title": "X", "description": "Y"}
    )

    assert get.status_code == post.status_code == 403
    assert not Measure.objects.exists()


# --- editing, status, answer ----------------------------------------------------------------------


@pytest.mark.parametrize("role", TEAM)
def test_team_edits_any_measure_of_the_district(role, request, login, district, measure):
    client = login(request.getfixturevalue(role))
    form = client.get(url(district, "edit", measure.pk)).content.decode()
    assert "Coworking im Dorfladen" in form

    response = client.post(
        url(district, "edit", measure.pk),
        {
            "title": "Coworking im Dorfladen Zehren",
            "description": "Neu beschrieben.",
            "origin": Origin.ONLINE,
            "priority": "2",
            "tags": "Coworking",
        },
    )

    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.title == "Coworking im Dorfladen Zehren"
    assert measure.description == "Neu beschrieben."
    assert measure.priority == 2
    assert [t.name for t in measure.tags.all()] == ["Coworking"]


def test_the_author_cannot_use_the_workspace_edit_page(login, citizen, district, measure):
    client = login(citizen)

    response = client.post(
        url(district, "edit", measure.pk),
        {"title": "Anders", "description": "Anders", "origin": Origin.PHONE},
    )

    assert response.status_code == 403
    measure.refresh_from_db()
    assert measure.title == "Coworking im Dorfladen"


@pytest.mark.parametrize("role", TEAM)
def test_team_changes_the_status_with_a_public_reason(role, request, login, district, measure):
    user = request.getfixturevalue(role)
    client = login(user)

    response = client.post(
        url(district, "status", measure.pk),
        {"status": Status.UNDER_EVALUATION, "reason": "Die Steuerungsgruppe prüft die Idee."},
    )

    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == Status.UNDER_EVALUATION
    change = StatusChange.objects.filter(measure=measure).last()
    assert (change.reason, change.changed_by) == ("Die Steuerungsgruppe prüft die Idee.", user)
    assert NotificationEvent.objects.filter(measure=measure, kind=EventKind.STATUS_CHANGED).exists()


def test_status_change_needs_a_reason(login, facilitator, district, measure):
    response = login(facilitator).post(
        url(district, "status", measure.pk), {"status": Status.PRIORITISED, "reason": ""}
    )

    assert "Bitte geben Sie eine Begründung an." in response.content.decode()
    measure.refresh_from_db()
    assert measure.status == Status.PROPOSED


def test_status_to_the_same_status_is_explained(login, facilitator, district, measure):
    response = login(facilitator).post(
        url(district, "status", measure.pk), {"status": Status.PROPOSED, "reason": "Nochmal"}
    )

    assert response.status_code == 200
    assert "hat diesen Status bereits" in response.content.decode()
    assert measure.status_changes.count() == 1


@pytest.mark.parametrize("role", TEAM)
def test_team_publishes_an_official_answer(role, request, login, district, measure):
    user = request.getfixturevalue(role)
    client = login(user)

    response = client.post(
        url(district, "answer", measure.pk), {"text": "Der Kreis fördert das Vorhaben 2026."}
    )

    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.official_answer == "Der Kreis fördert das Vorhaben 2026."
    assert measure.answered_by == user and measure.answered_at is not None
    page = client.get(url(district, "detail", measure.pk)).content.decode()
    assert "Der Kreis fördert das Vorhaben 2026." in page


def test_an_answer_template_prefills_the_answer(
    login, facilitator, district, other_district, measure
):
    template = AnswerTemplateFactory(
        district=district, title="Eingang", body="Danke! Wir melden uns bis zum Sommer."
    )
    foreign = AnswerTemplateFactory(district=other_district, body="Fremder Text")
    client = login(facilitator)

    page = client.get(url(district, "answer", measure.pk)).content.decode()
    chosen = client.get(url(district, "answer", measure.pk), {"vorlage": template.pk})
    refused = client.get(url(district, "answer", measure.pk), {"vorlage": foreign.pk})

    assert "Eingang" in page and "Fremder" not in page
    assert "Danke! Wir melden uns bis zum Sommer.</textarea>" in chosen.content.decode()
    assert "Fremder Text" not in refused.content.decode()
    assert "gültige Auswahl" in refused.content.decode()
    measure.refresh_from_db()
    assert measure.official_answer == ""


@pytest.mark.parametrize("name", ["detail", "edit", "status", "answer", "merge"])
@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_cannot_open_the_staff_pages_of_a_measure(
    name, role, request, login, district, measure
):
    client = login(request.getfixturevalue(role))

    assert client.get(url(district, name, measure.pk)).status_code == 403
    # The overview only shows (405 for a POST); the others refuse the POST.
    expected_post = 405 if name == "detail" else 403
    assert client.post(url(district, name, measure.pk), {"text": "x"}).status_code == expected_post


@pytest.mark.parametrize("name", ["status", "answer", "merge"])
def test_outsiders_posting_change_nothing(
    name, login, other_district_facilitator, district, measure, other_measure
):
    client = login(other_district_facilitator)

    client.post(
        url(district, name, measure.pk),
        {
            "status": "prioritised",
            "reason": "x",
            "text": "x",
            "target": other_measure.pk,
            "confirm": "1",
        },
    )

    measure.refresh_from_db()
    assert (measure.status, measure.official_answer, measure.merged_into) == (
        Status.PROPOSED,
        "",
        None,
    )


def test_a_measure_of_another_district_is_not_found_here(
    login, facilitator, district, other_district
):
    foreign = MeasureFactory(district=other_district)

    assert login(facilitator).get(url(district, "detail", foreign.pk)).status_code == 404


# --- merging --------------------------------------------------------------------------------------


def test_merge_finds_the_target_by_number_and_by_words(
    login, facilitator, district, measure, other_measure
):
    services.search_index_update(measure_ids=[other_measure.pk])
    client = login(facilitator)

    by_number = client.get(url(district, "merge", measure.pk), {"q": other_measure.pk})
    by_words = client.get(url(district, "merge", measure.pk), {"q": "Bürgerbüro"})
    itself = client.get(url(district, "merge", measure.pk), {"q": measure.pk})

    assert f'value="{other_measure.pk}"' in by_number.content.decode()
    assert f'value="{other_measure.pk}"' in by_words.content.decode()
    assert 'name="target"' not in itself.content.decode()


@pytest.mark.parametrize("role", TEAM)
def test_merge_shows_what_moves_then_moves_supports_without_double_counting(
    role, request, login, district, citizen, company, measure, other_measure
):
    both = UserFactory(email="beide@example.org")
    for user in (company, both):
        services.support_add(measure=measure, user=user)
    services.support_add(measure=other_measure, user=both)
    services.comment_add(measure=measure, author=company, body="Unbedingt!")
    client = login(request.getfixturevalue(role))

    confirm = client.post(url(district, "merge", measure.pk), {"target": other_measure.pk})

    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "1 Unterstützung wird übertragen" in html
    assert "1 Person unterstützt beide" in html
    assert "1 Kommentar wird übertragen" in html
    measure.refresh_from_db()
    assert measure.merged_into is None  # nothing happened yet

    done = client.post(
        url(district, "merge", measure.pk),
        {"target": other_measure.pk, "confirm": "1", "reason": "Gleiche Idee"},
    )

    assert done.status_code == 302
    assert done["Location"] == url(district, "detail", other_measure.pk)
    measure.refresh_from_db()
    other_measure.refresh_from_db()
    assert measure.merged_into == other_measure
    assert other_measure.support_count == 2
    assert Support.objects.filter(measure=other_measure).count() == 2
    assert other_measure.comments.count() == 1
    merge = MeasureMerge.objects.get()
    assert (merge.duplicate, merge.target, merge.reason) == (measure, other_measure, "Gleiche Idee")


def test_merge_refuses_a_target_of_another_district(
    login, facilitator, district, other_district, measure
):
    foreign = MeasureFactory(district=other_district)

    response = login(facilitator).post(
        url(district, "merge", measure.pk), {"target": foreign.pk, "confirm": "1"}
    )

    assert response.status_code == 200
    assert "Bitte wählen Sie eine Maßnahme dieses Landkreises" in response.content.decode()
    measure.refresh_from_db()
    assert measure.merged_into is None


def test_choosing_a_template_with_htmx_returns_only_the_prefilled_form(
    login, facilitator, district, measure
):
    template = AnswerTemplateFactory(district=district, body="Danke, wir prüfen das.")

    response = login(facilitator).get(
        url(district, "status", measure.pk),
        {"vorlage": template.pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="status-form",
    )

    html = response.content.decode()
    assert html.startswith('<form class="sp-form" id="status-form"')
    assert "Danke, wir prüfen das.</textarea>" in html
    assert "<html" not in html


@pytest.mark.parametrize("value", ["99999999999999999999999", "-1", "abc", "1.5"])
def test_odd_numbers_give_a_clean_page_not_an_error(login, facilitator, district, measure, value):
    client = login(facilitator)

    listing = client.get(url(district, "list"), {"q": value, "page": value})
    merge = client.get(url(district, "merge", measure.pk), {"q": value})
    merge_post = client.post(url(district, "merge", measure.pk), {"target": value, "confirm": "1"})
    bulk = client.post(
        url(district, "list"), {"measures": [value], "status": "prioritised", "reason": "x"}
    )

    assert listing.status_code == merge.status_code == merge_post.status_code == 200
    assert bulk.status_code == 200
    assert "Es wurde nichts geändert." in bulk.content.decode()
    measure.refresh_from_db()
    assert (measure.status, measure.merged_into) == (Status.PROPOSED, None)
