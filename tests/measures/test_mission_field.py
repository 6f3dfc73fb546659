"""The measure forms offer the strategy's missions: optional, only those of the district, grouped by
action field, and refused on the field when the mission belongs to another action field or
district. The workspace links each measure to its Steckbrief."""

import pytest
from django.core.exceptions import ValidationError

from measures import services
from measures.models import Measure, Origin, Tier
from strategy_portal.models import Mission

from ..factories import ActionFieldFactory, MeasureFactory
from .test_views import proposal

pytestmark = pytest.mark.django_db


def mission_of(field, title="Coworking etablieren"):
    return Mission.objects.create(
        district=field.district, action_field=field, title=title, slug=title.lower()[:40]
    )


def propose_url(district):
    return f"/{district.slug}/massnahmen/neu/"


def record_url(district):
    return f"/{district.slug}/verwaltung/massnahmen/erfassen/"


def edit_url(district, pk):
    return f"/{district.slug}/verwaltung/massnahmen/{pk}/bearbeiten/"


def recorded(**overrides):
    return {
        "origin": Origin.PHONE,
        "title": "Coworking im Bahnhof",
        "description": "Ein Coworking-Raum im alten Bahnhofsgebäude.",
        **overrides,
    }


def test_the_proposal_form_offers_the_districts_missions_grouped_by_action_field(
    login, citizen, district, other_district, action_field
):
    mission = mission_of(action_field)
    foreign = mission_of(ActionFieldFactory(district=other_district), "Fremde Mission")

    html = login(citizen).get(propose_url(district)).content.decode()

    assert 'name="mission"' in html
    assert f'<optgroup label="{action_field.title}">' in html
    assert f'value="{mission.pk}"' in html
    assert f'value="{foreign.pk}"' not in html


def test_a_citizen_proposes_a_measure_for_a_mission(login, citizen, district, action_field):
    mission = mission_of(action_field)

    response = login(citizen).post(
        propose_url(district),
        proposal(step="publish", action_field=action_field.pk, mission=mission.pk),
    )

    measure = Measure.objects.get()
    assert response.status_code == 302
    assert measure.mission == mission and measure.action_field == action_field
    page = login(citizen).get(measure.get_absolute_url()).content.decode()
    assert "Coworking etablieren" in page


def test_the_mission_is_optional(login, citizen, district, action_field):
    mission_of(action_field)

    login(citizen).post(propose_url(district), proposal(step="publish", mission=""))

    assert Measure.objects.get().mission is None


def test_a_mission_without_an_action_field_brings_its_action_field(
    login, citizen, district, action_field
):
    mission = mission_of(action_field)

    login(citizen).post(
        propose_url(district), proposal(step="publish", action_field="", mission=mission.pk)
    )

    assert Measure.objects.get().action_field == action_field


def test_a_mission_of_another_action_field_is_refused_on_the_field(
    login, citizen, district, action_field
):
    other_field = ActionFieldFactory(district=district, title="Tourismus", slug="tourismus")
    mission = mission_of(other_field, "Tourismus digitalisieren")

    response = login(citizen).post(
        propose_url(district),
        proposal(step="publish", action_field=action_field.pk, mission=mission.pk),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "gehört zum Handlungsfeld" in html
    assert 'id="id_mission_error"' in html or 'aria-invalid="true"' in html
    assert not Measure.objects.exists()


@pytest.mark.parametrize("form", ["propose", "record"])
def test_a_mission_of_another_district_is_refused_on_the_field(
    form, login, citizen, facilitator, district, other_district
):
    foreign_field = ActionFieldFactory(district=other_district)
    foreign = mission_of(foreign_field, "Fremde Mission")
    if form == "propose":
        response = login(citizen).post(
            propose_url(district), proposal(step="publish", mission=foreign.pk)
        )
    else:
        response = login(facilitator).post(record_url(district), recorded(mission=foreign.pk))

    assert response.status_code == 200
    assert "Bitte wählen Sie eine Mission dieses Landkreises." in response.content.decode()
    assert not Measure.objects.exists()


def test_a_facilitator_records_a_measure_for_a_mission(login, facilitator, district, action_field):
    mission = mission_of(action_field)

    response = login(facilitator).post(
        record_url(district), recorded(action_field=action_field.pk, mission=mission.pk)
    )

    assert response.status_code == 302
    assert Measure.objects.get().mission == mission


def test_the_team_changes_and_removes_the_mission_in_the_workspace(
    login, facilitator, district, action_field
):
    first, second = mission_of(action_field), mission_of(action_field, "Homeoffice stärken")
    measure = MeasureFactory(district=district, action_field=action_field, mission=first)
    client = login(facilitator)
    form = client.get(edit_url(district, measure.pk)).content.decode()
    assert f'<option value="{first.pk}" selected>' in form

    data = {
        "origin": measure.origin,
        "title": measure.title,
        "description": measure.description,
        "action_field": action_field.pk,
    }
    client.post(edit_url(district, measure.pk), {**data, "mission": second.pk})
    measure.refresh_from_db()
    assert measure.mission == second

    client.post(edit_url(district, measure.pk), {**data, "mission": ""})
    measure.refresh_from_db()
    assert measure.mission is None


def test_the_workspace_edit_refuses_a_mission_of_another_action_field(
    login, facilitator, district, action_field
):
    other_field = ActionFieldFactory(district=district, title="Tourismus", slug="tourismus")
    mission = mission_of(other_field, "Tourismus digitalisieren")
    measure = MeasureFactory(district=district, action_field=action_field)

    response = login(facilitator).post(
        edit_url(district, measure.pk),
        {
            "origin": measure.origin,
            "title": measure.title,
            "description": measure.description,
            "action_field": action_field.pk,
            "mission": mission.pk,
        },
    )

    assert "gehört zum Handlungsfeld" in response.content.decode()
    measure.refresh_from_db()
    assert measure.mission is None


def test_the_service_refuses_a_mission_of_another_district(
    district, other_district, citizen, action_field
):
    foreign = mission_of(ActionFieldFactory(district=other_district), "Fremde Mission")
    measure = MeasureFactory(district=district, author=citizen, action_field=None)

    with pytest.raises(ValidationError) as error:
        services.measure_update(measure=measure, user=citizen, mission=foreign)

    assert "mission" in error.value.message_dict
    measure.refresh_from_db()
    assert measure.mission is None


# --- links to the Steckbrief ----------------------------------------------------------------------


def steckbrief_url(district, pk):
    return f"/{district.slug}/verwaltung/massnahmen/{pk}/steckbrief/"


@pytest.mark.parametrize("page", ["bearbeiten/", ""])
def test_the_workspace_measure_pages_link_to_the_steckbrief(
    page, login, facilitator, district, measure
):
    html = (
        login(facilitator)
        .get(f"/{district.slug}/verwaltung/massnahmen/{measure.pk}/{page}")
        .content.decode()
    )

    assert f'href="{steckbrief_url(district, measure.pk)}"' in html


def test_the_ranking_links_premium_measures_to_their_steckbrief(login, district_admin, district):
    premium_plus = MeasureFactory(district=district, tier=Tier.PREMIUM_PLUS)
    premium = MeasureFactory(district=district, tier=Tier.PREMIUM)
    further = MeasureFactory(district=district, tier=Tier.FURTHER)

    html = login(district_admin).get(f"/{district.slug}/verwaltung/bewertung/").content.decode()

    assert steckbrief_url(district, premium_plus.pk) in html
    assert steckbrief_url(district, premium.pk) in html
    assert steckbrief_url(district, further.pk) not in html
