"""The public page of a measure shows its Steckbrief and the progress of its milestones."""

from datetime import date

import pytest

from measures import services

pytestmark = pytest.mark.django_db


def test_the_measure_page_shows_the_steckbrief_with_its_progress(client, measure, facilitator):
    services.steckbrief_save(
        measure=measure,
        user=facilitator,
        fields={"responsible_body": "Wirtschaftsförderung Region Meißen", "partners": "- WRM"},
        milestones=[
            {"title": "Räume gefunden", "is_done": True, "done_on": date(2026, 3, 1)},
            {"title": "Eröffnung", "due_date": date(2026, 9, 1)},
        ],
    )

    html = client.get(measure.get_absolute_url()).content.decode()

    assert "Steckbrief" in html
    assert "Wirtschaftsförderung Region Meißen" in html
    assert "Räume gefunden" in html and "Eröffnung" in html
    assert 'value="50"' in html


def test_a_measure_without_steckbrief_shows_none(client, measure):
    html = client.get(measure.get_absolute_url()).content.decode()

    assert "Verantwortliche Stelle" not in html
    assert "sp-progress" not in html
