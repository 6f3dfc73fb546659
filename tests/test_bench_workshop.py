"""The pieces of `python -m bench --workshop`; its figures themselves are never asserted on."""

import io

import pytest
from PIL import Image

from bench import workshop as scenario
from bench.run import SCENARIOS
from workshops.content import workshop_content, workshop_queryset


def test_the_scenario_is_dispatched_by_its_flag():
    assert SCENARIOS["--workshop"] == "bench.workshop"
    args = scenario.parse_args(["--duration", "2", "--pdf-runs", "1"])
    assert (args.duration, args.pdf_runs, args.pdf_child) == (2.0, 1, None)
    with pytest.raises(SystemExit):
        scenario.parse_args(["--pdf-runs", "0"])
    with pytest.raises(SystemExit):
        scenario.parse_args(["--clients", "0"])


@pytest.mark.parametrize(("number", "kind"), [(0, "JPEG"), (1, "PNG")])
def test_figures_are_real_images(number, kind):
    name, data = scenario.image_bytes(number, size=(120, 80))
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == (kind, (120, 80))
    assert name.endswith(".jpg" if kind == "JPEG" else ".png")


def test_the_plain_document_loses_only_its_stylesheets():
    html = (
        '<html><head><title>T</title><link rel="stylesheet" href="/static/css/pdf.css">'
        "<style>:root { --pdf-theme: #000; }</style></head>"
        '<body><img src="/media/a.png" alt="A"><p>Text</p></body></html>'
    )
    plain = scenario.without_stylesheets(html)
    assert "stylesheet" not in plain and "<style" not in plain
    assert '<img src="/media/a.png" alt="A"><p>Text</p>' in plain


def test_pdf_figures_compare_with_the_plain_rendering():
    styled = {"seconds": [3.0, 2.0, 9.0], "pages": 30, "memory_before_mib": 100.0}
    styled["peak_memory_mib"] = 160.0
    plain = {"seconds": [1.0, 1.0, 1.0], "pages": 40, "memory_before_mib": 100.0}
    plain["peak_memory_mib"] = 120.0
    figures = {figure.name: figure for figure in scenario.pdf_figures(styled, plain)}
    assert figures["workshop_pdf.seconds"].value == 3.0
    assert figures["workshop_pdf.seconds"].ratio == pytest.approx(3.0)
    assert figures["workshop_pdf.pages"].line() == (
        "workshop_pdf.pages: 30 pages (baseline 40 pages, 0.75x)"
    )
    assert figures["workshop_pdf.memory_growth"].ratio == pytest.approx(3.0)


@pytest.mark.django_db
def test_the_workshop_has_the_requested_parts(district, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    workshop = scenario.build_workshop(
        district, agenda=6, participants=5, figures=3, groups=2, measures=4
    )
    content = workshop_content(workshop_queryset().get(pk=workshop.pk))
    assert workshop.is_published
    assert workshop.agenda_items.count() == 6
    assert len(content.agenda) == 3
    assert workshop.participants.count() == 5
    assert [figure.number for figure in content.figures] == [1, 2, 3]
    assert all(figure.thumbnail for figure in content.figures)
    assert [len(group.measures.all()) for group in content.groups] == [4, 4]
