"""One definition of which profile fields belong to which participant kind."""

import re

import pytest

from strategy_portal.forms import ProfileForm
from strategy_portal.models import PARTICIPANT_KIND_FIELDS, ParticipantKind

pytestmark = pytest.mark.django_db

SCRIPT = "js/participant-kind.js"


def data_fields(html: str) -> dict[str, str]:
    """kind → the `data-fields` its radio button names."""
    found = {}
    for tag in re.findall(r'<input type="radio" name="kind"[^>]*>', html):
        found[re.search(r'value="(\w+)"', tag)[1]] = re.search(r'data-fields="([^"]*)"', tag)[1]
    return found


def test_kind_radios_name_the_fields_of_the_one_definition(client):
    html = client.get("/konto/registrieren/").content.decode()
    assert data_fields(html) == {
        kind: " ".join(fields) for kind, fields in PARTICIPANT_KIND_FIELDS.items()
    }
    assert data_fields(html)["company"] == "organisation_name sector company_size"


def test_the_script_holds_no_list_of_fields_of_its_own():
    from django.conf import settings

    script = (settings.BASE_DIR / "static" / SCRIPT).read_text()
    assert "data-fields" in script
    for name in ("sector", "company_size", "institution_type", "organisation_name"):
        assert f'"{name}"' not in script


def test_the_script_is_loaded_only_where_a_kind_is_chosen(client, citizen, district):
    assert SCRIPT in client.get("/konto/registrieren/").content.decode()
    assert SCRIPT not in client.get("/").content.decode()
    assert SCRIPT not in client.get("/landkreis-meissen/").content.decode()
    assert SCRIPT not in client.get("/konto/anmelden/").content.decode()
    client.force_login(citizen)
    assert SCRIPT in client.get("/konto/profil/").content.decode()
    assert SCRIPT not in client.get("/konto/daten/").content.decode()


def test_forms_and_radios_follow_a_changed_definition(monkeypatch, company, client):
    monkeypatch.setitem(PARTICIPANT_KIND_FIELDS, ParticipantKind.COMPANY, ("organisation_name",))
    form = ProfileForm(
        instance=company,
        data={"kind": "company", "organisation_name": "Lötwerk GmbH", "sector": "it"},
    )
    assert form.is_valid(), form.errors
    # Sector is no longer a company's field: it is not kept.
    assert form.cleaned_data["sector"] == ""
    client.force_login(company)
    assert data_fields(client.get("/konto/profil/").content.decode())["company"] == (
        "organisation_name"
    )


def test_kind_choices_still_draw_as_kern_radio_buttons(client):
    html = client.get("/konto/registrieren/").content.decode()
    assert re.search(r'<fieldset class="kern-fieldset"[^>]*>\s*<legend class="kern-label">', html)
    assert html.count('class="kern-form-check__radio"') == 3
