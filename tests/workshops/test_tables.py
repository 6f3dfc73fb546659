"""Reading measure tables: pasted, CSV and XLSX, as workshops and German offices produce them."""

import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from workshops import tables
from workshops.tables import TableError, build_table, read_csv, read_paste, read_upload

from .seed_tables import GROUP_TABLES

ACTION_FIELDS = ["Neue Arbeitsformen / Arbeit 4.0", "Attraktivität für Tourismus und Bevölkerung"]
HEADER = (
    "Priorität\tMaßnahme (Idee/Beschreibung)\tMehrwert (Ziele der Maßnahme)\t"
    "Machbarkeit (Zeithorizont, Erfolgskriterien)"
)


def excel_paste(table: str) -> str:
    """As Excel copies it: bullet lists („- a - b“) as line breaks, such cells quoted."""
    lines = []
    for line in table.strip("\n").split("\n"):
        cells = []
        for cell in line.split("\t"):
            if cell.startswith("- "):
                cell = "- " + cell[2:].replace(" - ", "\n- ")
                cell = '"' + cell.replace('"', '""') + '"'
            cells.append(cell)
        lines.append("\t".join(cells))
    return "\r\n".join(lines) + "\r\n"


def word_paste(table: str) -> str:
    """As Word puts it into a text field: line breaks inside cells, unquoted."""
    lines = []
    for line in table.strip("\n").split("\n"):
        cells = [
            "- " + cell[2:].replace(" - ", "\n- ") if cell.startswith("- ") else cell
            for cell in line.split("\t")
        ]
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def build(raw, **kwargs):
    return build_table(raw, action_fields=kwargs.pop("action_fields", ACTION_FIELDS), **kwargs)


# --- the seed's four tables -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "style", [lambda t: t, excel_paste, word_paste], ids=["plain", "excel", "word"]
)
def test_the_seeds_four_tables_give_thirteen_measures(style):
    rows = []
    for number in sorted(GROUP_TABLES):
        table = build(read_paste(style(GROUP_TABLES[number])))
        assert table.is_valid, table.all_errors
        rows += table.rows
    assert len(rows) == 13
    assert [row.priority for row in rows] == [1, 2, 3, 4, 1, 2, 3, 1, 2, 3, 1, 2, 3]
    assert rows[0].title == "Coworking im Landkreis weiter voranbringen"
    assert rows[-1].title == "Offene-Daten-Plattform"
    assert rows[-1].added_value == "Nutzerkreis erhöhen / Innovation befördern"
    assert rows[-1].feasibility == "offen / 2030"


def test_excel_paste_keeps_line_breaks_inside_cells():
    table = build(read_paste(excel_paste(GROUP_TABLES[1])))
    first = table.rows[0]
    assert first.added_value == "- Bekanntmachung dieser Arbeitsform\n- Attraktivität steigern"
    assert first.feasibility.split("\n") == [
        "- Testphase mit Popup",
        "- Zeitraum: ca. 3 Monate",
        "- Marketing zwingend notwendig",
        "- Kooperation mit Hochschulen",
    ]
    assert len(table.rows) == 4


def test_word_paste_joins_the_lines_of_one_row():
    table = build(read_paste(word_paste(GROUP_TABLES[3])))
    assert [row.title for row in table.rows] == [
        "Wissenstransfer - praktische Ausbildung in Schule - unternehmensintern alt - jung",
        "lebenslanges Lernen - alt -> digitale, jung -> analog",
        "ÖPNV digitalisieren - Schaffung von Angeboten und Zugängen - alternative Angebote "
        "(Schichtshuttle, Carsharing)",
    ]
    assert table.rows[2].feasibility == (
        "- mittelfristig\n- Bedarfsanalyse\n- Budget\n- Akzeptanz, Sicherheit"
    )
    assert table.rows[0].added_value.startswith("- Wissen bewahren")


def test_word_paste_with_a_line_break_in_a_header_cell():
    text = (
        "Priorität\tMaßnahme\n(Idee/Beschreibung)\tMehrwert\tMachbarkeit\n"
        "1\tKreis-IT-Schule\tFachkräfte\n+ digitale Bildung\t2030\n"
    )
    table = build(read_paste(text))
    assert table.is_valid, table.all_errors
    assert table.mapping == {0: "priority", 1: "title", 2: "added_value", 3: "feasibility"}
    assert table.rows[0].added_value == "Fachkräfte\n+ digitale Bildung"


def test_excel_paste_with_a_title_row_above_the_table():
    text = "Maßnahmen der Gruppe 2\t\t\t\r\n" + excel_paste(GROUP_TABLES[2])
    table = build(read_paste(text))
    assert table.is_valid, table.all_errors
    assert table.header_row == 1
    assert [row.number for row in table.rows] == [3, 4, 5]
    assert table.rows[2].title == "Strategieworkshop Markenbildung"


def test_first_line_of_the_measure_cell_is_the_title_the_rest_the_description():
    text = (
        '"Maßnahme"\t"Mehrwert"\n'
        '"Kreis-IT-Schule\nwie die Musikschule\nmit Lehrkräften aus Unternehmen"\tFachkräfte\n'
    )
    row = build(read_paste(text)).rows[0]
    assert row.title == "Kreis-IT-Schule"
    assert row.description == "wie die Musikschule\nmit Lehrkräften aus Unternehmen"


# --- recognising columns --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header,field",
    [
        ("Priorität", "priority"),
        ("PRIORITAET", "priority"),
        ("  prioritaet ", "priority"),
        ("Maßnahme (Idee/Beschreibung)", "title"),
        ("Massnahme", "title"),
        ("Maßnahme\n(Idee/\nBeschreibung)", "title"),
        ("Idee", "title"),
        ("Mehrwert (Ziele der Maßnahme)", "added_value"),
        ("Ziele", "added_value"),
        ("Machbarkeit (Zeithorizont, Erfolgskriterien)", "feasibility"),
        ("Machbarkeit (Zeithorizont/Erfolgskriterien)", "feasibility"),
        ("Handlungsfeld", "action_field"),
        ("Mission", "mission"),
        ("Nr.", None),
        ("", None),
    ],
)
def test_headers_are_recognised_tolerantly(header, field):
    assert tables.field_for_header(header) == field


def test_decomposed_umlauts_are_recognised():
    assert tables.field_for_header("Priorita\u0308t") == "priority"


def test_optional_columns_are_read_and_unknown_ones_ignored():
    text = (
        "Nr.\tHandlungsfeld\tMaßnahme\tMission\tBemerkung\n"
        "7\tneue arbeitsformen / ARBEIT 4.0\tCoworking\tCoworking etablieren\tintern\n"
    )
    table = build(read_paste(text))
    assert table.is_valid, table.all_errors
    row = table.rows[0]
    assert row.action_field == "Neue Arbeitsformen / Arbeit 4.0"  # the district's spelling
    assert row.mission == "Coworking etablieren"
    assert row.priority is None


def test_missing_measure_column_is_reported_and_can_be_mapped_by_hand():
    text = "Priorität\tVorschlag\tMehrwert\n1\tCoworking\tAttraktivität\n"
    raw = read_paste(text)
    table = build(raw)
    assert not table.is_valid
    assert "Maßnahme" in table.errors[0]
    mapped = build(raw, mapping={0: "priority", 1: "title", 2: "added_value"})
    assert mapped.is_valid, mapped.all_errors
    assert mapped.rows[0].title == "Coworking"
    assert mapped.headers == ["Priorität", "Vorschlag", "Mehrwert"]


def test_table_without_headings_is_mapped_by_hand():
    raw = read_paste("1\tCoworking\tAttraktivität\n2\tGästekarte\tAlles auf einen Blick\n")
    table = build(raw)
    assert table.header_row is None
    assert table.headers == ["Spalte 1", "Spalte 2", "Spalte 3"]
    mapped = build(raw, mapping={0: "priority", 1: "title"})
    assert [row.title for row in mapped.rows] == ["Coworking", "Gästekarte"]


# --- row validation -------------------------------------------------------------------------------


def test_empty_title_is_an_error_by_row_and_column():
    text = HEADER + "\n1\tCoworking\tx\ty\n2\t\tMehrwert ohne Maßnahme\tz\n"
    table = build(read_paste(text))
    assert not table.is_valid
    assert table.all_errors == [
        "Zeile 3, Spalte „Maßnahme“: Die Maßnahme hat keinen Titel: Die erste Zeile dieser "
        "Zelle ist leer."
    ]


def test_unknown_action_field_is_an_error_naming_the_possible_ones():
    text = "Maßnahme\tHandlungsfeld\nA\tNeue Arbeitsformen / Arbeit 4.0\nB\tRaumfahrt\n"
    table = build(read_paste(text))
    (error,) = table.all_errors
    assert error.startswith("Zeile 3, Spalte „Handlungsfeld“: „Raumfahrt“ ist kein Handlungsfeld")
    assert "„Attraktivität für Tourismus und Bevölkerung“" in error


def test_action_field_when_the_district_has_none():
    table = build(read_paste("Maßnahme\tHandlungsfeld\nA\tRaumfahrt\n"), action_fields=[])
    assert "noch keine Handlungsfelder" in table.all_errors[0]


@pytest.mark.parametrize("value,expected", [("1", 1), ("2.", 2), ("3.0", 3), ("Prio 4", 4)])
def test_priority_accepts_what_tables_write(value, expected):
    assert build(read_paste(f"Priorität\tMaßnahme\n{value}\tA\n")).rows[0].priority == expected


@pytest.mark.parametrize("value", ["hoch", "0", "1,5", "99999"])
def test_priority_must_be_a_whole_number(value):
    table = build(read_paste(f"Priorität\tMaßnahme\n{value}\tA\n"))
    assert table.all_errors[0].startswith("Zeile 2, Spalte „Priorität“:")


def test_too_long_title_and_text():
    text = f"Maßnahme\tMehrwert\n{'T' * 201}\t{'M' * 5001}\n"
    errors = build(read_paste(text)).all_errors
    assert len(errors) == 2
    assert "201 Zeichen" in errors[0]
    assert errors[1].startswith("Zeile 2, Spalte „Mehrwert“: Der Text hat 5.001 Zeichen")


def test_extra_cells_beyond_the_headings_are_an_error():
    table = build(read_paste("Maßnahme\tMehrwert\nA\tB\tverrutscht\n"))
    assert table.all_errors[0].startswith("Zeile 2: Diese Zeile hat mehr Zellen")


def test_same_title_twice_in_one_table_is_marked_not_imported_twice():
    table = build(read_paste("Maßnahme\nCoworking im Landkreis\ncoworking  im landkreis.\n"))
    assert table.is_valid
    assert table.rows[1].duplicate_of == 2
    assert [row.number for row in table.importable_rows] == [2]


def test_source_key_ignores_case_spacing_and_umlaut_spelling():
    key = tables.source_key("Digitale Gästekarte")
    assert key == tables.source_key("  digitale  Gaestekarte ")
    assert key != tables.source_key("Digitale Gästekarte 2")
    assert len(key) == 64


# --- size limits ----------------------------------------------------------------------------------


def test_a_five_megabyte_paste_is_refused_with_a_message():
    text = HEADER + "\n" + ("1\tA\tB\tC\n" * (5 * 1024 * 1024 // 8))
    with pytest.raises(TableError) as raised:
        read_paste(text)
    assert "zu lang" in raised.value.message
    assert "2,0\xa0MB" in raised.value.message or "2,0 MB" in raised.value.message


def test_more_than_500_rows_are_refused():
    text = "Maßnahme\n" + "".join(f"Maßnahme {i}\n" for i in range(600))
    with pytest.raises(TableError, match="mehr als 500 Zeilen"):
        read_paste(text)


def test_a_file_above_five_megabytes_is_refused():
    with pytest.raises(TableError, match="zu groß"):
        read_upload("tabelle.csv", b"a;b\n" * (2 * 1024 * 1024))


def test_empty_paste():
    with pytest.raises(TableError, match="fügen Sie eine Tabelle ein"):
        read_paste(" \n\t\n")


# --- CSV ------------------------------------------------------------------------------------------

CSV_TEXT = (
    "Priorität;Maßnahme (Idee/Beschreibung);Mehrwert (Ziele der Maßnahme);"
    "Machbarkeit (Zeithorizont, Erfolgskriterien)\r\n"
    '1;Tourismusportal für Gäste und Anbieter;alle Angebote auf einem Blick;"technische machbar, '
    'finanziell zu klären"\r\n'
    '2;digitale Gästekarte;"alle touristischen Angebote\r\n(inkl. Anreizsystem)";"technische '
    'machbar; finanziell zu klären"\r\n'
    "3;Strategieworkshop Markenbildung;Imagebildung LK Meißen;in Arbeit\r\n"
)


def _check_group_2(table):
    assert table.is_valid, table.all_errors
    assert [row.title for row in table.rows] == [
        "Tourismusportal für Gäste und Anbieter",
        "digitale Gästekarte",
        "Strategieworkshop Markenbildung",
    ]
    assert table.rows[1].added_value == "alle touristischen Angebote\n(inkl. Anreizsystem)"
    assert table.rows[1].feasibility == "technische machbar; finanziell zu klären"


def test_csv_from_german_excel_windows_1252_semicolons():
    _check_group_2(build(read_upload("Gruppe 2.csv", CSV_TEXT.encode("cp1252"))))


def test_csv_utf8_with_bom():
    _check_group_2(build(read_upload("gruppe2.csv", b"\xef\xbb\xbf" + CSV_TEXT.encode())))


def test_csv_utf8_without_bom_and_commas():
    text = 'Maßnahme,Mehrwert\n"Gästekarte, digital",Überblick\nKreis-IT-Schule,Fachkräfte\n'
    table = build(read_csv(text.encode()))
    assert [row.title for row in table.rows] == ["Gästekarte, digital", "Kreis-IT-Schule"]


def test_csv_with_tabs_and_utf16_as_excel_saves_unicode_text():
    text = "Maßnahme\tMehrwert\r\nGästekarte\tÜberblick\r\n"
    table = build(read_csv(text.encode("utf-16")))
    assert table.rows[0].added_value == "Überblick"


def test_csv_with_a_broken_quote_names_the_line():
    text = 'Maßnahme;Mehrwert\nA;B\n"Gästekarte;Überblick\nC;D\n'
    with pytest.raises(TableError) as raised:
        read_csv(text.encode())
    assert raised.value.message.startswith("Zeile 3 der Datei: Ein Anführungszeichen")


def test_csv_with_text_after_a_closing_quote_names_the_line():
    text = 'Maßnahme;Mehrwert\nA;B\nC;"Überblick" für alle\n'
    with pytest.raises(TableError, match="^Zeile 3 der Datei"):
        read_csv(text.encode())


def test_csv_in_an_unexpected_encoding_is_refused_clearly():
    # DOS code page 850, as old German tools write it: „ü“ is a byte Windows-1252 does not know.
    data = "Maßnahme;Mehrwert\nBürgerbüro;Übersicht für Bürger\n".encode("cp850")
    with pytest.raises(TableError, match="weder UTF-8 noch Windows-1252"):
        read_upload("tabelle.csv", data)


def test_utf16_without_bom_is_refused_clearly():
    with pytest.raises(TableError, match="weder UTF-8 noch Windows-1252"):
        read_upload("tabelle.csv", "Maßnahme;Mehrwert\n".encode("utf-16-le"))


def test_old_excel_format_is_refused_with_advice():
    with pytest.raises(TableError, match="XLSX oder CSV"):
        read_upload("tabelle.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)


# --- XLSX -----------------------------------------------------------------------------------------


def xlsx(fill) -> bytes:
    workbook = Workbook()
    fill(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_a_title_row_and_merged_header_cells():
    def fill(sheet):
        sheet["A1"] = "Gruppenarbeit 2: Konkretisierung – Gruppe 4"
        sheet.merge_cells("A1:D1")
        sheet["A2"] = "Expert:innenworkshop am 13.06.2023"
        sheet.merge_cells("A2:D2")
        sheet.append([])
        sheet.append(
            [
                "Priorität",
                "Maßnahme\n(Idee/Beschreibung)",
                "Mehrwert\n(Ziele der Maßnahme)",
                "Machbarkeit",
                None,
            ]
        )
        sheet.merge_cells("D4:E4")  # the heading spans two columns
        sheet.append([1, "Kreis-IT-Schule", "Fachkräfte + digitale Bildung", "2030", None])
        sheet.append([2.0, "Stabstelle Smart Region", "digitaler Vorreiter", "2-3 Jahre"])
        sheet.append([])
        sheet.append([3, "Offene-Daten-Plattform", "Nutzerkreis erhöhen", "offen / 2030"])

    table = build(read_upload("gruppe4.xlsx", xlsx(fill)))
    assert table.is_valid, table.all_errors
    assert [(row.number, row.priority, row.title) for row in table.rows] == [
        (5, 1, "Kreis-IT-Schule"),
        (6, 2, "Stabstelle Smart Region"),
        (8, 3, "Offene-Daten-Plattform"),
    ]
    assert table.rows[1].feasibility == "2-3 Jahre"


def test_xlsx_errors_name_the_spreadsheet_row():
    def fill(sheet):
        sheet["A1"] = "Maßnahmen der Gruppe 1"
        sheet.append(["Maßnahme", "Handlungsfeld"])
        sheet.append(["Coworking", "Mond"])

    table = build(read_upload("g.xlsx", xlsx(fill)))
    assert table.all_errors[0].startswith("Zeile 3, Spalte „Handlungsfeld“")


def test_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(TableError, match="keine Excel-Arbeitsmappe"):
        read_upload("tabelle.xlsx", buffer.getvalue())


def test_damaged_workbook_is_refused():
    data = xlsx(lambda sheet: sheet.append(["Maßnahme"]))
    with pytest.raises(TableError, match="keine Excel-Arbeitsmappe"):
        read_upload("tabelle.xlsx", data[: len(data) // 2])


def test_xlsx_name_with_text_content_is_refused():
    with pytest.raises(TableError, match="keine Excel-Arbeitsmappe"):
        read_upload("tabelle.xlsx", b"Massnahme;Mehrwert\n")


def test_serialised_raw_table_round_trips():
    raw = read_paste(excel_paste(GROUP_TABLES[1]))
    assert tables.RawTable.from_data(raw.to_data()) == raw


# --- feasibility ----------------------------------------------------------------------------------

WORKSHOP_DAY = date(2023, 6, 13)


@pytest.mark.parametrize(
    "text,horizon",
    [
        ("- sofort umsetzbar - immerwährende Organisation", "short"),
        ("- Testphase mit Popup - Zeitraum: ca. 3 Monate", "short"),
        ("- mittelfristig - Bedarfsanalyse - Budget", "medium"),
        ("2-3 Jahre (Kreishaushalt)", "medium"),
        ("- langfristige Entwicklung - Experten, die moderieren", "long"),
        ("2030 (Crowdfunding Unternehmen)", "long"),
        ("offen / 2030", "long"),
        ("technische machbar, finanziell zu klären", ""),
        ("in Arbeit", ""),
    ],
)
def test_time_horizon_from_the_seeds_feasibility_texts(text, horizon):
    assert tables.time_horizon(text, today=WORKSHOP_DAY) == horizon


def test_labelled_success_criteria_are_split_off():
    text = (
        "Zeithorizont: kurzfristig\nErfolgskriterien: 20 Plätze belegt\n- Nutzerbefragung\n"
        "Budget: offen"
    )
    horizon, criteria, rest = tables.split_feasibility(text, today=WORKSHOP_DAY)
    assert horizon == "short"
    assert criteria == "20 Plätze belegt\n- Nutzerbefragung"
    assert rest == "Zeithorizont: kurzfristig\nBudget: offen"


def test_unlabelled_feasibility_stays_whole():
    assert tables.split_feasibility("in Arbeit") == ("", "", "in Arbeit")
