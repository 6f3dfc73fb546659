"""What the current phase opens, the measure's mission, and the Steckbrief with its milestones."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone

from measures import services
from measures.models import Measure, Status
from strategy_portal import services as ground
from strategy_portal.districts import district_view
from strategy_portal.urls import urlpatterns as site_urlpatterns

from ..factories import ActionFieldFactory, MeasureFactory

pytestmark = pytest.mark.django_db


@district_view("measures.propose_measure")
def propose(request, district):
    return HttpResponse("Formular")


# The site's addresses plus a page guarded like the proposal form.
urlpatterns = [
    path("<slug:district>/vorschlagen/", propose),
    path("", include(site_urlpatterns)),
]


def _phase(district, kind, start_offset, end_offset):
    today = timezone.localdate()
    return ground.phase_save(
        district=district,
        kind=kind,
        start=today + timedelta(days=start_offset),
        end=today + timedelta(days=end_offset),
    )


def _submit(district, user):
    return services.measure_submit(
        district=district, author=user, title="Coworking", description="Ein Raum im Ort."
    )


def test_without_phases_everything_stays_open(district, citizen, company):
    measure = _submit(district, citizen)

    assert services.support_add(measure=measure, user=company)
    assert services.comment_add(measure=measure, author=company, body="Gute Idee")


def test_in_participation_proposing_and_supporting_are_open(district, citizen, company):
    _phase(district, "participation", -5, 5)

    measure = _submit(district, citizen)

    assert services.support_add(measure=measure, user=company)


def test_outside_participation_proposing_supporting_and_commenting_are_closed(
    district, citizen, company
):
    measure = _submit(district, citizen)
    _phase(district, "participation", -30, -1)
    _phase(district, "evaluation", 0, 30)
    company = type(company).objects.get(pk=company.pk)  # a new request: no cached phase
    citizen = type(citizen).objects.get(pk=citizen.pk)

    with pytest.raises(PermissionDenied):
        _submit(district, citizen)
    with pytest.raises(PermissionDenied):
        services.support_add(measure=measure, user=company)
    with pytest.raises(PermissionDenied):
        services.comment_add(measure=measure, author=company, body="Noch ein Gedanke")
    assert Measure.objects.count() == 1
    assert Measure.objects.get().support_count == 0


def test_phases_of_another_district_do_not_close_this_one(district, other_district, citizen):
    _phase(other_district, "implementation", -5, 5)

    assert _submit(district, citizen).pk


def test_proposing_outside_participation_is_refused_with_an_explanation(
    client, settings, district, citizen
):
    settings.ROOT_URLCONF = __name__
    _phase(district, "information", -5, 5)
    _phase(district, "participation", 6, 40)
    client.force_login(citizen)

    response = client.get("/landkreis-meissen/vorschlagen/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "Nur in der Phase „Beteiligung“ möglich" in html
    assert "derzeit in der Phase „Information“" in html
    assert "Die nächste Phase „Beteiligung“ beginnt am" in html


def test_proposing_in_participation_shows_the_form(client, settings, district, citizen):
    settings.ROOT_URLCONF = __name__
    _phase(district, "participation", -5, 5)
    client.force_login(citizen)

    response = client.get("/landkreis-meissen/vorschlagen/")

    assert response.status_code == 200


def test_district_home_shows_the_current_phase(client, district):
    _phase(district, "participation", -5, 5)

    html = client.get("/landkreis-meissen/").content.decode()

    assert "Aktuelle Phase: Beteiligung" in html


def test_mission_must_belong_to_the_measures_district_and_action_field(district, other_district):
    field = ActionFieldFactory(district=district)
    other_field = ActionFieldFactory(district=district)
    foreign_field = ActionFieldFactory(district=other_district)
    own = ground.mission_save(district=district, action_field=other_field, title="Coworking")
    foreign = ground.mission_save(
        district=other_district, action_field=foreign_field, title="Tourismus"
    )
    measure = MeasureFactory(district=district, action_field=field)

    for mission in (own, foreign):
        measure.mission = mission
        with pytest.raises(ValidationError) as error:
            measure.full_clean()
        assert "mission" in error.value.message_dict


# --- Steckbrief -----------------------------------------------------------------------------------


def _milestones(*done):
    return [
        {"title": f"Schritt {i}", "due_date": date(2026, 1, i + 1), "is_done": flag}
        for i, flag in enumerate(done)
    ]


def test_first_milestone_done_moves_the_measure_into_implementation(district, facilitator):
    measure = MeasureFactory(district=district)

    services.steckbrief_save(
        measure=measure,
        user=facilitator,
        fields={"responsible_body": "Wirtschaftsförderung", "budget_estimate": "40.000 €"},
        milestones=_milestones(True, False),
    )

    measure.refresh_from_db()
    assert measure.status == Status.IN_IMPLEMENTATION
    assert measure.steckbrief.progress == 50
    change = measure.status_changes.latest("created")
    assert change.reason == "Der erste Meilenstein ist erreicht: „Schritt 0“."


def test_all_milestones_done_make_the_measure_implemented(district, facilitator):
    measure = MeasureFactory(district=district)
    services.steckbrief_save(
        measure=measure, user=facilitator, fields={}, milestones=_milestones(True, False)
    )

    services.steckbrief_save(
        measure=measure, user=facilitator, fields={}, milestones=_milestones(True, True)
    )

    measure.refresh_from_db()
    assert measure.status == Status.IMPLEMENTED
    assert measure.steckbrief.progress == 100
    assert measure.steckbrief.milestones.filter(done_on__isnull=False).count() == 2
    assert list(measure.status_changes.values_list("to_status", flat=True).order_by("pk")) == [
        Status.IN_IMPLEMENTATION,
        Status.IMPLEMENTED,
    ]


def test_steckbrief_with_reversed_dates_is_refused(district, facilitator):
    measure = MeasureFactory(district=district)

    with pytest.raises(ValidationError) as error:
        services.steckbrief_save(
            measure=measure,
            user=facilitator,
            fields={"start": date(2026, 5, 1), "end": date(2026, 1, 1)},
            milestones=[],
        )

    assert "end" in error.value.message_dict


def test_citizen_and_other_district_cannot_change_a_steckbrief(
    district, citizen, other_district_facilitator
):
    measure = MeasureFactory(district=district)

    for user in (citizen, other_district_facilitator):
        with pytest.raises(PermissionDenied):
            services.steckbrief_save(measure=measure, user=user, fields={}, milestones=[])


def test_facilitator_edits_the_steckbrief_page(client, district, facilitator):
    measure = MeasureFactory(district=district, title="Werra-Meißner-Lab")
    client.force_login(facilitator)
    url = f"/landkreis-meissen/verwaltung/massnahmen/{measure.pk}/steckbrief/"

    response = client.post(
        url,
        {
            "responsible_body": "Wirtschaftsförderung",
            "partners": "- Volkshochschule",
            "milestones-TOTAL_FORMS": "2",
            "milestones-INITIAL_FORMS": "0",
            "milestones-0-title": "Räume anmieten",
            "milestones-0-is_done": "on",
            "milestones-0-ORDER": "1",
            "milestones-1-title": "",
        },
    )

    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Werra-Meißner-Lab" in page
    assert "Räume anmieten" in page
    measure.refresh_from_db()
    assert measure.status == Status.IMPLEMENTED
