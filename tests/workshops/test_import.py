"""Importing a workshop group's measure table: the service and the workspace pages."""

import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from measures.models import Measure, Origin
from workshops.import_views import preview_state
from workshops.models import GroupMeasure, Workshop, WorkshopGroup
from workshops.services import group_measures_import
from workshops.tables import build_table, read_paste

from ..factories import ActionFieldFactory
from .seed_tables import GROUP_TABLES
from .test_tables import CSV_TEXT, excel_paste, word_paste

BERLIN = ZoneInfo("Europe/Berlin")
TOPICS = {
    1: "Neue Arbeitsformen / Arbeit 4.0",
    2: "Attraktivität für Tourismus und Bevölkerung",
    3: "Kompetenzaufbau in der Erwerbsbevölkerung",
    4: "Innovationsförderung bei Unternehmen",
}


@pytest.fixture
def workshop(district):
    return Workshop.objects.create(
        district=district,
        title="Expert:innenworkshop Digitalisierungsstrategie",
        slug="expertinnenworkshop-digitalisierungsstrategie",
        start=datetime(2023, 6, 13, 13, tzinfo=BERLIN),
        end=datetime(2023, 6, 13, 17, tzinfo=BERLIN),
    )


@pytest.fixture
def groups(workshop):
    return {
        number: WorkshopGroup.objects.create(workshop=workshop, number=number, topic=topic)
        for number, topic in TOPICS.items()
    }


@pytest.fixture
def group(groups):
    return groups[1]


def rows(text, action_fields=()):
    table = build_table(read_paste(text), action_fields=list(action_fields))
    return table.rows


def url(group):
    return (
        f"/{group.workshop.district.slug}/verwaltung/workshops/{group.workshop.slug}"
        f"/gruppen/{group.number}/import/"
    )


# --- the service ----------------------------------------------------------------------------------


def test_the_seeds_four_tables_become_thirteen_measures(groups, facilitator, district):
    for number, group in groups.items():
        group_measures_import(group=group, rows=rows(GROUP_TABLES[number]), user=facilitator)

    measures = Measure.objects.filter(district=district)
    assert measures.count() == 13
    assert set(measures.values_list("origin", flat=True)) == {Origin.WORKSHOP}
    links = GroupMeasure.objects.filter(group=groups[4]).order_by("position")
    assert [(link.position, link.measure.title, link.measure.priority) for link in links] == [
        (1, "Kreis-IT-Schule", 1),
        (2, "Stabstelle Smart Region", 2),
        (3, "Offene-Daten-Plattform", 3),
    ]
    school = Measure.objects.get(title="Kreis-IT-Schule")
    assert school.added_value == "Fachkräfte + digitale Bildung"
    assert school.feasibility == "2030 (Crowdfunding Unternehmen)"
    assert school.time_horizon == "long"
    assert school.description == "Kreis-IT-Schule"
    assert school.recorded_by == facilitator
    assert school.on_behalf_of == (
        "Workshop „Expert:innenworkshop Digitalisierungsstrategie“, Gruppe 4"
    )
    transfer = Measure.objects.get(title__startswith="Wissenstransfer")
    assert transfer.time_horizon == "short"  # „sofort umsetzbar“


def test_reimporting_the_same_table_creates_no_duplicates(group, facilitator):
    first = group_measures_import(group=group, rows=rows(GROUP_TABLES[1]), user=facilitator)
    again = group_measures_import(
        group=group, rows=rows(excel_paste(GROUP_TABLES[1])), user=facilitator
    )
    assert len(first.created) == 4
    assert again.created == []
    assert [row.number for row in again.skipped] == [2, 3, 4, 5]
    assert Measure.objects.count() == 4
    assert GroupMeasure.objects.filter(group=group).count() == 4


def test_a_longer_table_adds_only_its_new_rows_at_the_end(group, facilitator):
    group_measures_import(group=group, rows=rows(GROUP_TABLES[2]), user=facilitator)
    longer = GROUP_TABLES[2] + "4\tKulturkalender\talle Termine\tsofort\n"
    result = group_measures_import(group=group, rows=rows(longer), user=facilitator)
    assert [measure.title for measure in result.created] == ["Kulturkalender"]
    assert GroupMeasure.objects.get(measure=result.created[0]).position == 4


def test_one_bad_row_creates_nothing(group, facilitator):
    text = GROUP_TABLES[1] + "x\t\tMehrwert ohne Maßnahme\t\n"
    with pytest.raises(ValidationError) as raised:
        group_measures_import(group=group, rows=rows(text), user=facilitator)
    assert raised.value.messages == [
        "Zeile 6, Spalte „Priorität“: „x“ ist keine Priorität. Bitte geben Sie eine ganze Zahl "
        "wie 1, 2 oder 3 an.",
        "Zeile 6, Spalte „Maßnahme“: Die Maßnahme hat keinen Titel: Die erste Zeile dieser Zelle "
        "ist leer.",
    ]
    assert Measure.objects.count() == 0
    assert GroupMeasure.objects.count() == 0


def test_action_field_mission_and_labelled_success_criteria(group, facilitator, district):
    field = ActionFieldFactory(district=district, title="Neue Arbeitsformen / Arbeit 4.0")
    text = (
        "Maßnahme\tHandlungsfeld\tMission\tMachbarkeit\n"
        '"Coworking-Pilot\nim Dorfladen"\tneue arbeitsformen / arbeit 4.0\tCoworking etablieren\t'
        '"Zeithorizont: mittelfristig\nErfolgskriterien: 20 Plätze belegt"\n'
    )
    result = group_measures_import(group=group, rows=rows(text, [field.title]), user=facilitator)
    (measure,) = result.created
    assert measure.title == "Coworking-Pilot"
    assert measure.description == "im Dorfladen"
    assert measure.action_field == field
    assert list(measure.tags.names()) == ["Coworking etablieren"]
    assert measure.time_horizon == "medium"
    assert measure.success_criteria == "20 Plätze belegt"
    assert measure.feasibility == "Zeithorizont: mittelfristig"


def test_facilitator_of_another_district_cannot_import(group, other_district_facilitator):
    with pytest.raises(PermissionDenied):
        group_measures_import(
            group=group, rows=rows(GROUP_TABLES[1]), user=other_district_facilitator
        )
    assert Measure.objects.count() == 0


def test_a_participant_cannot_import(group, citizen):
    with pytest.raises(PermissionDenied):
        group_measures_import(group=group, rows=rows(GROUP_TABLES[1]), user=citizen)
    assert Measure.objects.count() == 0


# --- the pages ------------------------------------------------------------------------------------


def confirmation(response, **changes):
    """What the preview's „… Maßnahmen anlegen“ button sends."""
    context = response.context
    form = context["mapping_form"]
    data = {"table": context["signed_table"], "previewed": context["previewed"]}
    for name in form.fields:
        value = form[name].value()
        if name == "has_header":
            if value:
                data[name] = "on"
        else:
            data[name] = value or ""
    data["action"] = "confirm"
    data.update(changes)
    return data


def test_facilitator_pastes_previews_and_confirms(client, login, group, facilitator):
    login(facilitator)
    page = client.get(url(group))
    assert page.status_code == 200
    assert "Maßnahmentabelle importieren" in page.content.decode()

    preview = client.post(url(group), {"text": word_paste(GROUP_TABLES[1])})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "4 Maßnahmen werden angelegt." in html
    assert "Coworking im Landkreis weiter voranbringen" in html
    assert "4 Maßnahmen anlegen" in html
    assert Measure.objects.count() == 0  # the preview creates nothing

    done = client.post(url(group), confirmation(preview), follow=True)
    assert done.redirect_chain == [(url(group), 302)]
    assert "4 Maßnahmen wurden angelegt." in done.content.decode()
    assert Measure.objects.filter(origin=Origin.WORKSHOP).count() == 4
    assert "Homeoffice Landratsamt/Rathäuser (mit gutem Beispiel voran)" in done.content.decode()


def test_reimport_preview_marks_existing_rows_and_creates_nothing(
    client, login, group, facilitator
):
    group_measures_import(group=group, rows=rows(GROUP_TABLES[1]), user=facilitator)
    login(facilitator)
    preview = client.post(url(group), {"text": excel_paste(GROUP_TABLES[1])})
    html = preview.content.decode()
    assert html.count("Bereits in dieser Gruppe – wird übersprungen") == 4
    assert "0 Maßnahmen werden angelegt." in html
    assert "Maßnahmen anlegen" not in html
    client.post(url(group), confirmation(preview))
    assert Measure.objects.count() == 4


def test_csv_from_german_excel_is_imported(client, login, groups, facilitator):
    login(facilitator)
    upload = SimpleUploadedFile("Gruppe 2.csv", CSV_TEXT.encode("cp1252"), "text/csv")
    preview = client.post(url(groups[2]), {"file": upload})
    assert "3 Maßnahmen werden angelegt." in preview.content.decode()
    client.post(url(groups[2]), confirmation(preview))
    assert Measure.objects.get(title="digitale Gästekarte").added_value == (
        "alle touristischen Angebote\n(inkl. Anreizsystem)"
    )


def test_csv_utf8_with_bom_is_imported(client, login, groups, facilitator):
    login(facilitator)
    data = b"\xef\xbb\xbf" + CSV_TEXT.encode()
    preview = client.post(url(groups[2]), {"file": SimpleUploadedFile("g.csv", data)})
    client.post(url(groups[2]), confirmation(preview))
    assert Measure.objects.count() == 3


def test_xlsx_with_title_row_and_merged_headers_is_imported(client, login, groups, facilitator):
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "Gruppenarbeit 2 – Gruppe 4: Innovationsförderung bei Unternehmen"
    sheet.merge_cells("A1:D1")
    sheet.append(["Priorität", "Maßnahme (Idee/Beschreibung)", "Mehrwert", "Machbarkeit"])
    sheet.merge_cells("B3:B3")
    for line in GROUP_TABLES[4].strip().split("\n")[1:]:
        priority, *cells = line.split("\t")
        sheet.append([int(priority), *cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    login(facilitator)
    upload = SimpleUploadedFile("Gruppe 4.xlsx", buffer.getvalue())
    preview = client.post(url(groups[4]), {"file": upload})
    assert "3 Maßnahmen werden angelegt." in preview.content.decode()
    client.post(url(groups[4]), confirmation(preview))
    assert list(Measure.objects.order_by("priority").values_list("title", flat=True)) == [
        "Kreis-IT-Schule",
        "Stabstelle Smart Region",
        "Offene-Daten-Plattform",
    ]


def test_missing_column_is_reported_and_mapped_by_hand(client, login, group, facilitator):
    login(facilitator)
    text = "Priorität\tVorschlag\tMehrwert\n1\tCoworking-Pilot\tAttraktivität\n"
    preview = client.post(url(group), {"text": text})
    html = preview.content.decode()
    assert "Keine Spalte mit den Maßnahmen gefunden" in html
    assert "Maßnahmen anlegen" not in html
    # Confirming the unmapped table creates nothing.
    client.post(url(group), confirmation(preview))
    assert Measure.objects.count() == 0
    # Choosing the column updates the preview; then it can be confirmed.
    mapped = client.post(url(group), confirmation(preview, column_1="title", action="preview"))
    assert "Die Spaltenzuordnung wurde geändert" in mapped.content.decode()
    assert Measure.objects.count() == 0
    assert "1 Maßnahme anlegen" in mapped.content.decode()
    client.post(url(group), confirmation(mapped))
    assert Measure.objects.get().title == "Coworking-Pilot"


def test_changed_mapping_is_previewed_before_anything_is_created(client, login, group, facilitator):
    login(facilitator)
    preview = client.post(url(group), {"text": GROUP_TABLES[1]})
    response = client.post(url(group), confirmation(preview, column_2=""))
    assert response.status_code == 200
    assert "Die Spaltenzuordnung wurde geändert" in response.content.decode()
    assert Measure.objects.count() == 0


def test_empty_title_and_unknown_action_field_are_listed_by_row_and_column(
    client, login, group, facilitator, action_field
):
    login(facilitator)
    text = (
        "Maßnahme\tHandlungsfeld\n"
        "Coworking\tNeue Arbeitsformen / Arbeit 4.0\n"
        "\tNeue Arbeitsformen / Arbeit 4.0\n"
        "Gästekarte\tTourismus\n"
    )
    preview = client.post(url(group), {"text": text})
    html = preview.content.decode()
    assert "es wurde nichts angelegt" in html
    assert "Zeile 3, Spalte „Maßnahme“: Die Maßnahme hat keinen Titel" in html
    assert "Zeile 4, Spalte „Handlungsfeld“: „Tourismus“ ist kein Handlungsfeld" in html
    assert "Maßnahmen anlegen" not in html
    client.post(url(group), confirmation(preview))
    assert Measure.objects.count() == 0


def test_a_five_megabyte_paste_gets_a_message(client, login, group, facilitator):
    login(facilitator)
    text = "Maßnahme\n" + "x" * 5_000_000
    response = client.post(url(group), {"text": text})
    assert response.status_code == 200
    assert "Der eingefügte Text ist zu lang" in response.content.decode()
    assert Measure.objects.count() == 0


@pytest.mark.parametrize(
    "name,data,message",
    [
        (
            "kaputt.csv",
            'Maßnahme;Mehrwert\nA;B\n"Gästekarte;Überblick\n'.encode(),
            "Zeile 3 der Datei: Ein Anführungszeichen",
        ),
        (
            "dos.csv",
            "Maßnahme;Mehrwert\nBürgerbüro;Übersicht\n".encode("cp850"),
            "weder UTF-8 noch Windows-1252",
        ),
        ("tabelle.xlsx", None, "keine Excel-Arbeitsmappe"),
    ],
    ids=["broken-quote", "unexpected-encoding", "zip-not-xlsx"],
)
def test_unreadable_files_get_a_message_on_the_field(
    client, login, group, facilitator, name, data, message
):
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
        data = buffer.getvalue()
    login(facilitator)
    response = client.post(url(group), {"file": SimpleUploadedFile(name, data)})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_file_error"' in html
    assert message in html
    assert Measure.objects.count() == 0


def test_a_tampered_preview_creates_nothing(client, login, group, facilitator):
    login(facilitator)
    preview = client.post(url(group), {"text": GROUP_TABLES[1]})
    data = confirmation(preview)
    data["table"] = data["table"][:-3] + "abc"
    response = client.post(url(group), data)
    assert "Die Vorschau ist veraltet" in response.content.decode()
    assert Measure.objects.count() == 0


def test_a_preview_for_another_group_creates_nothing(client, login, groups, facilitator):
    login(facilitator)
    preview = client.post(url(groups[1]), {"text": GROUP_TABLES[1]})
    client.post(url(groups[2]), confirmation(preview))
    assert Measure.objects.count() == 0


def test_facilitator_of_another_district_gets_403_and_nothing_is_created(
    client, login, group, facilitator, other_district_facilitator
):
    login(facilitator)
    preview = client.post(url(group), {"text": GROUP_TABLES[1]})
    data = confirmation(preview)
    client.logout()
    login(other_district_facilitator)
    assert client.get(url(group)).status_code == 403
    assert client.post(url(group), {"text": GROUP_TABLES[1]}).status_code == 403
    assert client.post(url(group), data).status_code == 403
    assert Measure.objects.count() == 0


def test_anonymous_visitors_are_sent_to_the_login(client, group):
    response = client.post(url(group), {"text": GROUP_TABLES[1]})
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/")
    assert Measure.objects.count() == 0


def test_unknown_group_is_404(client, login, group, facilitator):
    login(facilitator)
    assert client.get(url(group).replace("/gruppen/1/", "/gruppen/9/")).status_code == 404


def test_preview_state_is_stable():
    assert preview_state({1: "title", 0: "priority"}, True) == preview_state(
        {0: "priority", 1: "title"}, True
    )


def test_the_four_seed_tables_pasted_into_their_groups_give_thirteen_measures(
    client, login, groups, facilitator, district
):
    login(facilitator)
    for number, group in groups.items():
        preview = client.post(url(group), {"text": excel_paste(GROUP_TABLES[number])})
        client.post(url(group), confirmation(preview))
    assert Measure.objects.filter(district=district, origin=Origin.WORKSHOP).count() == 13
    assert [GroupMeasure.objects.filter(group=groups[n]).count() for n in TOPICS] == [4, 3, 3, 3]


def test_the_same_field_for_two_columns_is_refused(client, login, group, facilitator):
    login(facilitator)
    preview = client.post(url(group), {"text": GROUP_TABLES[2]})
    response = client.post(url(group), confirmation(preview, column_2="title"))
    html = response.content.decode()
    assert "„Maßnahme“ ist bereits für Spalte 2 gewählt." in html
    assert 'aria-invalid="true"' in html
    assert Measure.objects.count() == 0


def test_a_table_without_headings_is_mapped_and_imported(client, login, group, facilitator):
    login(facilitator)
    text = "1\tKreis-IT-Schule\tFachkräfte\n2\tStabstelle Smart Region\tdigitaler Vorreiter\n"
    preview = client.post(url(group), {"text": text})
    html = preview.content.decode()
    assert "Die erste Zeile enthält Überschriften" in html
    assert "Keine Spalte mit den Maßnahmen gefunden" in html
    mapped = client.post(
        url(group),
        confirmation(preview, column_0="priority", column_1="title", action="preview"),
    )
    assert "2 Maßnahmen anlegen" in mapped.content.decode()
    client.post(url(group), confirmation(mapped))
    assert list(Measure.objects.order_by("priority").values_list("title", "priority")) == [
        ("Kreis-IT-Schule", 1),
        ("Stabstelle Smart Region", 2),
    ]
