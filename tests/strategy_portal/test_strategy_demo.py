"""The strategy demo builds on the measures the apps' demos created: every measure once, assigned
to a mission, scored into tiers, the leading ones with a Steckbrief — and a second run changes
nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from measures.models import Measure, Score, Status, Steckbrief, Tier
from strategy_portal import demo
from strategy_portal.models import ActionField

pytestmark = pytest.mark.django_db

WORKSHOP_MEASURES = 13


def load() -> str:
    out = StringIO()
    call_command("load_demo", "--quiet-logins", stdout=out)
    return out.getvalue()


def test_the_strategy_demo_runs_after_every_apps_demo():
    labels = [demo._app_label_of(loader) for loader in demo.loaders()]

    assert labels[-1] == "strategy_portal.strategy"
    assert labels.index("workshops") < labels.index("strategy_portal.strategy")


def test_the_demo_creates_no_measure_twice_and_a_second_run_changes_nothing():
    load()
    counts = (Measure.objects.count(), Score.objects.count(), Steckbrief.objects.count())
    again = load()

    duplicates = Measure.objects.values("district", "title").annotate(n=Count("pk")).filter(n__gt=1)
    assert list(duplicates) == []
    assert counts == (Measure.objects.count(), Score.objects.count(), Steckbrief.objects.count())
    roof_line = next(line for line in again.splitlines() if "strategy_portal.strategy" in line)
    assert all(part.strip().startswith("0 ") for part in roof_line.split(":", 1)[1].split(","))


def test_meissen_workshop_measures_are_assigned_scored_and_tiered():
    load()

    workshop = Measure.objects.filter(district__slug="landkreis-meissen", origin="workshop")
    assert workshop.count() == WORKSHOP_MEASURES
    assert not workshop.filter(mission__isnull=True).exists()
    assert not workshop.filter(tier="").exists()
    assert all(m.mission.action_field_id == m.action_field_id for m in workshop)
    premium_plus = set(workshop.filter(tier=Tier.PREMIUM_PLUS).values_list("title", flat=True))
    assert premium_plus == {
        "Coworking im Landkreis weiter voranbringen",
        "Tourismusportal für Gäste und Anbieter",
        "Wissenstransfer zwischen Alt und Jung",
        "Kreis-IT-Schule",
    }
    assert Score.objects.filter(measure__in=workshop).values("evaluator").distinct().count() == 2
    overridden = workshop.get(tier_overridden=True)
    assert overridden.title == "Offene-Daten-Plattform" and "Daten als Grundlage" in (
        overridden.tier_reason
    )
    coworking = workshop.get(title="Coworking im Landkreis weiter voranbringen")
    assert coworking.steckbrief.milestones.count() == 4
    assert coworking.steckbrief.responsible_body.startswith("Wirtschaftsförderung Region Meißen")


def test_werra_meissner_has_a_tiered_plan_with_steckbriefe_and_described_action_fields():
    load()

    wmk = Measure.objects.filter(district__slug="werra-meissner-kreis")
    assert not wmk.filter(mission__isnull=True).exists()
    assert {Tier.PREMIUM_PLUS, Tier.PREMIUM, Tier.FURTHER} <= set(
        wmk.values_list("tier", flat=True)
    )
    assert wmk.filter(status=Status.IMPLEMENTED, steckbrief__isnull=False).count() >= 2
    assert not wmk.filter(tier=Tier.PREMIUM, status=Status.PROPOSED).exists()
    fields = ActionField.objects.filter(
        district__slug__in=["landkreis-meissen", "werra-meissner-kreis"]
    )
    assert not fields.filter(summary="").exists()
    assert not fields.filter(colour="").exists()
