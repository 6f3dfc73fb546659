"""Answer templates of a district: list, create, edit, delete, and only the district's own."""

import pytest

from measures.models import AnswerTemplate

from ..factories import AnswerTemplateFactory

TEAM = ["facilitator", "district_admin"]


def base(district):
    return f"/{district.slug}/verwaltung/antwortvorlagen/"


@pytest.mark.parametrize("role", TEAM)
def test_team_creates_edits_and_deletes_answer_templates(role, request, login, district):
    client = login(request.getfixturevalue(role))

    created = client.post(
        f"{base(district)}neu/", {"title": "Eingangsbestätigung", "body": "Danke für Ihre Idee."}
    )
    template = AnswerTemplate.objects.get()
    edited = client.post(
        f"{base(district)}{template.pk}/bearbeiten/",
        {"title": "Eingang", "body": "Vielen Dank für Ihre Idee."},
    )
    listing = client.get(base(district)).content.decode()
    deleted = client.post(f"{base(district)}{template.pk}/loeschen/")

    assert created.status_code == edited.status_code == deleted.status_code == 302
    assert template.district == district
    assert "Vielen Dank für Ihre Idee." in listing and "Eingang" in listing
    assert not AnswerTemplate.objects.exists()


def test_an_empty_template_is_refused_in_german(login, facilitator, district):
    response = login(facilitator).post(f"{base(district)}neu/", {"title": "", "body": ""})

    html = response.content.decode()
    assert "Bitte geben Sie der Vorlage einen Titel." in html
    assert "Bitte schreiben Sie den Text der Vorlage." in html
    assert not AnswerTemplate.objects.exists()


def test_templates_of_another_district_are_neither_listed_nor_editable(
    login, facilitator, district, other_district
):
    foreign = AnswerTemplateFactory(district=other_district, title="Fremde Vorlage")
    client = login(facilitator)

    assert "Fremde Vorlage" not in client.get(base(district)).content.decode()
    assert (
        client.post(
            f"{base(district)}{foreign.pk}/bearbeiten/", {"title": "X", "body": "Y"}
        ).status_code
        == 404
    )
    assert client.post(f"{base(district)}{foreign.pk}/loeschen/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.title == "Fremde Vorlage"


@pytest.mark.parametrize("role", ["other_district_facilitator", "citizen"])
def test_outsiders_cannot_manage_templates(role, request, login, district):
    template = AnswerTemplateFactory(district=district, title="Vorlage")
    client = login(request.getfixturevalue(role))

    assert client.get(base(district)).status_code == 403
    assert client.post(f"{base(district)}neu/", {"title": "X", "body": "Y"}).status_code == 403
    assert client.post(f"{base(district)}{template.pk}/loeschen/").status_code == 403
    assert list(AnswerTemplate.objects.values_list("title", flat=True)) == ["Vorlage"]


def test_anonymous_visitors_are_sent_to_the_login(client, district):
    assert "/konto/anmelden/" in client.get(base(district))["Location"]
    assert "/konto/anmelden/" in client.post(f"{base(district)}neu/", {"title": "X"})["Location"]
    assert not AnswerTemplate.objects.exists()
