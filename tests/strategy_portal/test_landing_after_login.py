"""Where a login leads, and the 404 page under a district's address."""

import pytest

from ..factories import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client, user, next_url=None):
    url = "/konto/anmelden/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": user.email, "password": PASSWORD})


@pytest.mark.parametrize("role", ["facilitator", "district_admin"])
def test_district_staff_land_in_their_workspace(client, request, role):
    response = log_in(client, request.getfixturevalue(role))
    assert response.status_code == 302
    assert response["Location"] == "/landkreis-meissen/verwaltung/"


def test_participants_return_to_the_page_they_came_from(client, citizen, district):
    page = client.get("/landkreis-meissen/impressum/").content.decode()
    assert 'href="/konto/anmelden/?next=/landkreis-meissen/impressum/"' in page

    response = log_in(client, citizen, next_url="/landkreis-meissen/impressum/")
    assert response["Location"] == "/landkreis-meissen/impressum/"


def test_participants_without_a_page_to_return_to_land_on_their_profile(client, company):
    assert log_in(client, company)["Location"] == "/konto/profil/"


def test_site_admins_see_a_link_to_the_django_admin(client, site_admin, citizen):
    response = log_in(client, site_admin)
    assert response["Location"] == "/konto/profil/"
    assert 'href="/admin/"' in client.get("/konto/profil/").content.decode()
    client.force_login(citizen)
    assert 'href="/admin/"' not in client.get("/konto/profil/").content.decode()


def test_a_404_under_a_district_is_drawn_in_the_districts_branding(client, district):
    response = client.get("/landkreis-meissen/gibt-es-nicht/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "--sp-theme: #8a1b2e;" in html
    assert '<span class="sp-brand__name">Landkreis Meißen</span>' in html
    assert 'href="/landkreis-meissen/impressum/"' in html


def test_a_404_elsewhere_and_under_unpublished_districts_is_the_sites(client, district):
    district.is_active = False
    district.save()
    for path in ("/landkreis-meissen/gibt-es-nicht/", "/gibt-es-nicht/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Landkreis Meißen" not in response.content.decode()
