import pytest

from workshops.models import AgendaItem, Workshop, WorkshopStatus
from workshops.signals import workshop_published

from .helpers import add_parts, make_workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(district):
    return add_parts(make_workshop(district, status=WorkshopStatus.DRAFT), figures=0)


def test_a_draft_is_not_public(client, draft):
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 404


def test_the_districts_facilitator_previews_a_draft(login, facilitator, draft):
    response = login(facilitator).get(
        f"/landkreis-meissen/verwaltung/workshops/{draft.pk}/vorschau/"
    )
    assert response.status_code == 200
    assert "Vorschau" in response.content.decode() or "Preview" in response.content.decode()
    assert draft.title in response.content.decode()


@pytest.mark.parametrize(
    "path",
    ["", "vorschau/", "tagesordnung/"],
)
def test_another_districts_facilitator_cannot_see_a_draft(
    login, other_district_facilitator, draft, path
):
    response = login(other_district_facilitator).get(
        f"/landkreis-meissen/verwaltung/workshops/{draft.pk}/{path}"
    )
    assert response.status_code == 403
    assert login(other_district_facilitator).get(draft.get_absolute_url()).status_code == 404


def test_another_districts_facilitator_cannot_edit_or_publish(
    login, other_district_facilitator, draft
):
    client = login(other_district_facilitator)
    base = f"/landkreis-meissen/verwaltung/workshops/{draft.pk}/"
    assert client.post(base, {"title": "Übernommen"}).status_code == 403
    assert client.post(base + "veroeffentlichen/").status_code == 403
    assert client.post(base + "tagesordnung/", {"title": "Neu"}).status_code == 403
    item = draft.agenda_items.first()
    assert client.post(base + f"tagesordnung/{item.pk}/loeschen/").status_code == 403
    draft.refresh_from_db()
    assert draft.status == WorkshopStatus.DRAFT
    assert draft.title != "Übernommen"
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_publishing_sends_the_signal_once(
    login, facilitator, draft, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, workshop, user, **kwargs):
        received.append((workshop.pk, user.pk))

    workshop_published.connect(listener)
    try:
        client = login(facilitator)
        url = f"/landkreis-meissen/verwaltung/workshops/{draft.pk}/veroeffentlichen/"
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url)
            client.post(url)
    finally:
        workshop_published.disconnect(listener)
    draft.refresh_from_db()
    assert draft.status == WorkshopStatus.PUBLISHED
    assert draft.published_at is not None
    assert received == [(draft.pk, facilitator.pk)]
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_unpublishing_hides_the_page(login, facilitator, client, district):
    workshop = make_workshop(district)
    login(facilitator).post(f"/landkreis-meissen/verwaltung/workshops/{workshop.pk}/zurueckziehen/")
    assert Workshop.objects.get(pk=workshop.pk).status == WorkshopStatus.DRAFT
    client.logout()
    assert client.get(workshop.get_absolute_url()).status_code == 404
