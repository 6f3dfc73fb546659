"""The strategy's structure and the process timeline, as a district admin builds them."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from strategy_portal import services
from strategy_portal.models import ActionField, Mission, Phase, Strategy
from strategy_portal.signals import phase_opened

from ..factories import ActionFieldFactory, MeasureFactory
from .xss_payloads import SCRIPT_TAGS

pytestmark = pytest.mark.django_db

PHASES = "/landkreis-meissen/verwaltung/strategie/phasen/"
FIELDS = "/landkreis-meissen/verwaltung/strategie/handlungsfelder/"
STRATEGY = "/landkreis-meissen/verwaltung/strategie/"


def test_admin_builds_the_strategy_with_values_and_goals(client, district, district_admin):
    client.force_login(district_admin)
    data = {
        "title": "Digitalstrategie",
        "subtitle": "Gemeinsam erarbeitet",
        "as_of": "2026-06-13",
        "version": "1.0",
        "preamble": "Ein **Vorwort**",
        "vision": "Im Jahr 2035 …",
        "values-TOTAL_FORMS": "3",
        "values-INITIAL_FORMS": "0",
        "values-0-title": "Offenheit",
        "values-0-explanation": "Wir teilen Daten.",
        "values-0-ORDER": "2",
        "values-1-title": "Nachhaltigkeit",
        "values-1-ORDER": "1",
        "values-2-title": "",
        "goals-TOTAL_FORMS": "1",
        "goals-INITIAL_FORMS": "0",
        "goals-0-title": "Fachkräfte sichern",
        "goals-0-ORDER": "1",
    }

    response = client.post(STRATEGY, data)

    assert response.status_code == 302
    strategy = Strategy.objects.for_district(district).current().get()
    assert strategy.title == "Digitalstrategie"
    assert strategy.as_of == date(2026, 6, 13)
    assert [v.title for v in strategy.values.all()] == ["Nachhaltigkeit", "Offenheit"]
    assert [g.title for g in strategy.goals.all()] == ["Fachkräfte sichern"]


def test_a_new_version_keeps_the_previous_one(district):
    first = services.strategy_save(district=district, fields={"title": "Entwurf", "version": "1"})
    second = services.strategy_save(
        district=district, fields={"title": "Beschluss", "version": "2"}, new_version=True
    )

    first.refresh_from_db()
    assert not first.is_current and first.title == "Entwurf"
    assert second.is_current
    assert Strategy.objects.for_district(district).current().get() == second


def test_reversed_phase_dates_are_refused_on_the_field(client, district, district_admin):
    client.force_login(district_admin)

    response = client.post(
        PHASES, {"kind": "participation", "start": "2026-05-01", "end": "2026-04-01"}
    )

    assert response.status_code == 200
    assert "Der letzte Tag kann nicht vor dem ersten Tag liegen." in response.content.decode()
    assert not Phase.objects.exists()


def test_overlapping_phases_are_refused(client, district, district_admin):
    services.phase_save(
        district=district, kind="information", start=date(2026, 1, 1), end=date(2026, 3, 31)
    )
    client.force_login(district_admin)

    response = client.post(
        PHASES, {"kind": "participation", "start": "2026-03-15", "end": "2026-05-31"}
    )

    assert response.status_code == 200
    assert "überschneiden sich mit der Phase „Information“" in response.content.decode()
    assert Phase.objects.count() == 1
    with pytest.raises(ValidationError):
        services.phase_save(
            district=district, kind="evaluation", start=date(2026, 2, 1), end=date(2026, 2, 2)
        )


def test_phases_of_another_district_do_not_clash(district, other_district):
    services.phase_save(
        district=other_district, kind="information", start=date(2026, 1, 1), end=date(2026, 3, 1)
    )

    phase = services.phase_save(
        district=district, kind="information", start=date(2026, 1, 1), end=date(2026, 3, 1)
    )

    assert phase.pk


def test_current_phase_and_for_date(district):
    today = timezone.localdate()
    past = services.phase_save(
        district=district,
        kind="information",
        start=today - timedelta(days=30),
        end=today - timedelta(days=1),
    )
    now = services.phase_save(
        district=district, kind="participation", start=today, end=today + timedelta(days=30)
    )

    from strategy_portal.models import current_phase

    assert current_phase(district) == now
    assert list(Phase.objects.for_date(today - timedelta(days=5))) == [past]


def test_mission_with_an_action_field_of_another_district_is_refused(district, other_district):
    foreign = ActionFieldFactory(district=other_district)

    with pytest.raises(ValidationError) as error:
        services.mission_save(district=district, action_field=foreign, title="Coworking")

    assert "action_field" in error.value.message_dict
    mission = Mission(district=district, action_field=foreign, title="X", slug="x")
    with pytest.raises(ValidationError):
        mission.full_clean()
    assert not Mission.objects.exists()


def test_mission_form_offers_only_the_districts_action_fields(
    client, district, other_district, district_admin
):
    own = ActionFieldFactory(district=district, title="Eigenes Feld")
    foreign = ActionFieldFactory(district=other_district, title="Fremdes Feld")
    client.force_login(district_admin)
    url = f"{FIELDS}{own.pk}/missionen/neu/"

    page = client.get(url).content.decode()
    response = client.post(url, {"action_field": foreign.pk, "title": "Coworking", "position": 0})

    assert "Fremdes Feld" not in page
    assert response.status_code == 200
    assert not Mission.objects.exists()


def test_deleting_an_action_field_with_measures_is_refused(client, district, district_admin):
    field = ActionFieldFactory(district=district, title="Arbeit 4.0")
    MeasureFactory(district=district, action_field=field)
    client.force_login(district_admin)

    response = client.post(f"{FIELDS}{field.pk}/loeschen/", follow=True)

    assert ActionField.objects.filter(pk=field.pk).exists()
    assert "hat noch Maßnahmen" in response.content.decode()


def test_deleting_an_empty_action_field_deletes_its_missions(client, district, district_admin):
    field = ActionFieldFactory(district=district)
    services.mission_save(district=district, action_field=field, title="Coworking")
    client.force_login(district_admin)

    response = client.post(f"{FIELDS}{field.pk}/loeschen/")

    assert response.status_code == 302
    assert not ActionField.objects.filter(pk=field.pk).exists()
    assert not Mission.objects.exists()


def test_action_field_colour_must_be_dark_enough(client, district, district_admin):
    client.force_login(district_admin)

    response = client.post(FIELDS, {"title": "Hell", "colour": "#ffff00", "position": 0})

    assert "zu hell" in response.content.decode()
    assert not ActionField.objects.filter(title="Hell").exists()


def test_facilitator_cannot_edit_the_strategy(client, district, facilitator):
    client.force_login(facilitator)

    assert client.get(STRATEGY).status_code == 403
    assert client.post(PHASES, {"kind": "information", "start": "2026-01-01"}).status_code == 403


@pytest.mark.parametrize("payload", SCRIPT_TAGS[:4])
def test_markdown_with_script_is_harmless_in_every_strategy_text(client, district, payload):
    services.strategy_save(
        district=district,
        fields={"title": "Strategie", "preamble": payload, "vision": payload},
        values=[{"title": "Wert", "explanation": payload}],
        goals=[{"title": "Ziel", "text": payload}],
    )
    field = ActionFieldFactory(district=district, summary=payload, slug="feld")
    mission = services.mission_save(
        district=district, action_field=field, title="Mission", description=payload
    )
    today = timezone.localdate()
    services.phase_save(
        district=district, kind="participation", start=today, end=today, description=payload
    )

    pages = [
        "/landkreis-meissen/",
        "/landkreis-meissen/strategie/",
        f"/landkreis-meissen/strategie/feld/{mission.slug}/",
        "/landkreis-meissen/strategie/feld/",
    ]
    for path in pages:
        html = client.get(path).content.decode().lower()
        assert "<script>alert" not in html, path
        assert "<script src=https://evil" not in html, path


def test_phase_opening_is_announced_once(district):
    today = timezone.localdate()
    received = []

    def receiver(sender, phase, district, **kwargs):
        received.append((phase.kind, district.slug))

    phase_opened.connect(receiver)
    try:
        services.phase_save(
            district=district,
            kind="information",
            start=today - timedelta(days=20),
            end=today - timedelta(days=10),
        )
        services.phase_save(
            district=district, kind="participation", start=today, end=today + timedelta(days=9)
        )
        services.phase_save(
            district=district,
            kind="evaluation",
            start=today + timedelta(days=10),
            end=today + timedelta(days=20),
        )

        first = services.phases_open_due()
        second = services.phases_open_due()
        later = services.phases_open_due(today=today + timedelta(days=10))
    finally:
        phase_opened.disconnect(receiver)

    assert (first, second, later) == (1, 0, 1)
    assert received == [("participation", "landkreis-meissen"), ("evaluation", "landkreis-meissen")]
    assert not Phase.objects.filter(opened_signal_sent_at__isnull=True).exists()


def test_a_failing_receiver_leaves_the_phase_to_be_announced_again(district):
    today = timezone.localdate()
    services.phase_save(district=district, kind="participation", start=today, end=today)

    def broken(sender, **kwargs):
        raise RuntimeError("newsletter down")

    phase_opened.connect(broken)
    try:
        with pytest.raises(RuntimeError):
            services.phases_open_due()
    finally:
        phase_opened.disconnect(broken)

    assert Phase.objects.get().opened_signal_sent_at is None
    assert services.phases_open_due() == 1


def test_demo_builds_the_meissen_strategy_and_phases(db):
    from io import StringIO

    from django.core.management import call_command

    from measures.models import Measure

    call_command("load_demo", "--quiet-logins", stdout=StringIO())
    call_command("load_demo", "--quiet-logins", stdout=StringIO())  # idempotent

    meissen = Strategy.objects.get(district__slug="landkreis-meissen", is_current=True)
    assert meissen.values.count() == 4 and meissen.goals.count() == 4
    assert set(
        Mission.objects.filter(district__slug="landkreis-meissen").values_list("title", flat=True)
    ) == {
        "Coworking etablieren",
        "Kompetenzaufbau",
        "Tourismus digitalisieren",
        "Innovationsförderung",
    }
    from strategy_portal.models import current_phase

    assert current_phase(meissen.district).kind == "participation"
    werra = Strategy.objects.get(district__slug="werra-meissner-kreis").district
    assert current_phase(werra).kind == "implementation"
    lab = Measure.objects.get(district=werra, title="Werra-Meißner-Lab")
    assert lab.status == "implemented" and lab.steckbrief.progress == 100
    assert Measure.objects.filter(district=werra, title="Werra-Meißner-Lab").count() == 1
