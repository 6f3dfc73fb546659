"""Reading the measure tables a workshop produces: pasted from Word, Excel or LibreOffice, or
uploaded as CSV or XLSX. Pure Python: no models, no database.

Three steps, each usable alone:

1. A reader turns the input into a `RawTable` (rows of text cells, each with the row number the
   user sees: the row of the spreadsheet, or of the pasted table). `read_paste`, `read_csv`,
   `read_xlsx`, or `read_upload` for a file of either kind. What cannot be read at all (too
   large, an unknown encoding, a broken quote, a ZIP that is no workbook) raises `TableError`
   with a German message the user can act on.
2. `build_table` finds the header row, recognises the columns from their German headings (or
   takes a mapping chosen by hand) and validates every row. Problems are collected, not raised:
   `ImportTable.errors` for the table, `ImportRow.errors` by row and column.
3. The service (`workshops.services.group_measures_import`) creates the measures of a valid table.

Each row carries a `source_key`, a hash of its normalised title, so that importing the same table
twice into a group finds the measures it created the first time.
"""

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# --- limits ---------------------------------------------------------------------------------------

MAX_PASTE_CHARS = 2 * 1024 * 1024
MAX_FILE_BYTES = 5 * 1024 * 1024
# An XLSX is a ZIP: what it unpacks to is capped too, so a small file cannot expand to gigabytes.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 500
MAX_COLUMNS = 30
# The header may sit below a title, a date or merged cells: it is looked for in the first rows.
HEADER_SEARCH_ROWS = 10
TITLE_MAX_LENGTH = 200  # Measure.title
TEXT_MAX_LENGTH = 5_000
MISSION_MAX_LENGTH = 100  # kept as a tag of the measure until missions are modelled
MAX_PRIORITY = 32_767

# --- the fields a column can hold -----------------------------------------------------------------

PRIORITY = "priority"
TITLE = "title"
DESCRIPTION = "description"
ADDED_VALUE = "added_value"
FEASIBILITY = "feasibility"
ACTION_FIELD = "action_field"
MISSION = "mission"

FIELDS = (PRIORITY, TITLE, DESCRIPTION, ADDED_VALUE, FEASIBILITY, ACTION_FIELD, MISSION)
FIELD_LABELS = {
    PRIORITY: gettext_lazy("Priority"),
    TITLE: gettext_lazy("Measure"),
    DESCRIPTION: gettext_lazy("Description"),
    ADDED_VALUE: gettext_lazy("Added value"),
    FEASIBILITY: gettext_lazy("Feasibility"),
    ACTION_FIELD: gettext_lazy("Action field"),
    MISSION: gettext_lazy("Mission"),
}

# The first word of a heading (normalised: lower case, umlauts spelt out, punctuation removed)
# decides the field: „Maßnahme (Idee/Beschreibung)“ → massnahme → title,
# „Mehrwert (Ziele der Maßnahme)“ → mehrwert → added value.
HEADER_WORDS = {
    PRIORITY: {"prioritaet", "prioritat", "prio", "priorisierung", "rang", "rangfolge", "priority"},
    TITLE: {"massnahme", "massnahmen", "massnahmenidee", "idee", "ideen", "titel", "measure"},
    DESCRIPTION: {"beschreibung", "erlaeuterung", "description"},
    ADDED_VALUE: {"mehrwert", "ziele", "ziel", "nutzen", "wirkung"},
    FEASIBILITY: {"machbarkeit", "umsetzbarkeit", "umsetzung", "feasibility"},
    ACTION_FIELD: {"handlungsfeld", "handlungsfelder", "themenfeld"},
    MISSION: {"mission", "missionen"},
}
_WORD_TO_FIELD = {word: name for name, words in HEADER_WORDS.items() for word in words}

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_BULLET = re.compile(r"^\s*(?:[-–—•*·▪●○]|\d+[.)])\s+")


class TableError(Exception):
    """The input cannot be read as a table at all; `message` says why, in German."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def normalise(text: str) -> str:
    """For comparing what people type: „Maßnahme\\n(Idee)“ → „massnahme idee“, „Maerz“ = „März“."""
    text = unicodedata.normalize("NFKC", text or "").casefold().translate(_UMLAUTS)
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def field_for_header(header: str) -> str | None:
    words = normalise(header).split()
    return _WORD_TO_FIELD.get(words[0]) if words else None


def source_key(title: str) -> str:
    """Stable across re-imports: case, spacing, umlaut spelling and punctuation do not count."""
    return hashlib.sha256(normalise(title).encode()).hexdigest()


# --- the raw table --------------------------------------------------------------------------------


@dataclass
class RawTable:
    """Rows of text cells as read, without empty rows; `rows[i] = (number, cells)`."""

    rows: list[tuple[int, list[str]]]

    def to_data(self) -> list:
        return [[number, cells] for number, cells in self.rows]

    @classmethod
    def from_data(cls, data) -> "RawTable":
        rows = []
        for number, cells in data:
            rows.append((int(number), [str(cell) for cell in cells]))
        return cls(rows=rows)

    @property
    def width(self) -> int:
        return max((len(cells) for _number, cells in self.rows), default=0)


def _clean_cell(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    return "\n".join(line.rstrip() for line in value.strip().split("\n"))


def _finish(rows: list[tuple[int, list[str]]]) -> RawTable:
    """Cleans the cells, drops empty rows and trailing empty cells, enforces the caps."""
    result = []
    for number, cells in rows:
        cells = [_clean_cell(cell) for cell in cells]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(cells) > MAX_COLUMNS:
            raise TableError(
                _(
                    "Row %(row)d has %(count)d columns; a measure table may have at most "
                    "%(max)d. Please remove the columns that are not needed."
                )
                % {"row": number, "count": len(cells), "max": MAX_COLUMNS}
            )
        result.append((number, cells))
        if len(result) > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise _too_many_rows()
    if not result:
        raise TableError(_("The table is empty. Please paste or upload a table with measures."))
    return RawTable(rows=result)


def _too_many_rows() -> TableError:
    return TableError(
        _("The table has more than %(max)d rows. Please import it in several parts.")
        % {"max": MAX_ROWS}
    )


# --- pasted text ----------------------------------------------------------------------------------


def read_paste(text: str) -> RawTable:
    """A table pasted from Excel or LibreOffice (tab-separated; cells with line breaks in double
    quotes) or from Word (tab-separated; line breaks inside cells unquoted)."""
    text = text or ""
    if len(text) > MAX_PASTE_CHARS:
        raise TableError(
            _(
                "The pasted text is too long (%(size)s); at most %(limit)s can be pasted. Please "
                "split the table or upload it as a file."
            )
            % {
                "size": filesizeformat(len(text.encode("utf-8", "replace"))),
                "limit": filesizeformat(MAX_PASTE_CHARS),
            }
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise TableError(_("Please paste a table or choose a file."))
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t", strict=True))
    except csv.Error:
        # Quotes in Word text are just characters: read the lines as they are.
        records = [line.split("\t") for line in text.split("\n")]
    records = [record for record in records if any(cell.strip() for cell in record)]
    if len(records) > 4 * (MAX_ROWS + HEADER_SEARCH_ROWS):
        raise _too_many_rows()
    records = _join_broken_rows(records)
    return _finish([(number, cells) for number, cells in enumerate(records, start=1)])


def _continues(record: list[str]) -> bool:
    """A first line of a header broken by Word: several headings, the last one going on."""
    filled = [cell for cell in record if cell.strip()]
    return len(filled) > 1 and bool(record[-1].strip()) and bool(_recognised(record))


def _join_broken_rows(records: list[list[str]]) -> list[list[str]]:
    """Word puts line breaks inside cells into the text unquoted, so one table row arrives as
    several lines. From the header on, lines are joined until a row has the header's width, and a
    line without a tab after a complete row continues that row's last cell. (Where this guesses
    wrong the preview shows it; Excel and LibreOffice quote such cells and need no guessing.)"""
    header_index = _find_header_index(records)
    if header_index is None:
        header_index = 0
    # The header's own first line may be the one before („Priorität⇥Maßnahme⏎(Idee)⇥…“); a
    # title line above the table has no tab and stays apart.
    header_width = len(records[header_index]) if records else 0
    while header_index > 0 and _continues(records[header_index - 1]):
        header_index -= 1
        header_width += len(records[header_index]) - 1
    width = max([header_width, *(len(record) for record in records[header_index:])])
    rows = [list(record) for record in records[:header_index]]
    current = None
    # From the header on: a header cell may hold a line break too („Maßnahme⏎(Idee)“).
    for record in records[header_index:]:
        if current is not None and len(current) < width and len(current) + len(record) - 1 <= width:
            current[-1] = f"{current[-1]}\n{record[0]}"
            current.extend(record[1:])
            continue
        if current is not None and len(current) >= width and len(record) == 1 and width > 1:
            current[-1] = f"{current[-1]}\n{record[0]}"
            continue
        current = list(record)
        rows.append(current)
    return rows


# --- CSV ------------------------------------------------------------------------------------------

_DELIMITERS = (";", "\t", ",")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's „Unicode-Text“), else Windows-1252
    (what German Excel writes as „CSV (Trennzeichen-getrennt)“). Anything else is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    elif b"\x00" in data:
        candidates = []
    else:
        candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not re.search(r"[\x00-\x08\x0e-\x1f\x7f]", text):
            return text
    raise TableError(
        _(
            "The file could not be read: it is neither UTF-8 nor Windows-1252 (ANSI) encoded, or "
            "it is not a text file. Please save it in Excel as “CSV UTF-8 (comma delimited)” or "
            "upload the XLSX file."
        )
    )


def _guess_delimiter(text: str) -> str:
    sample = text[:65_536]
    first_line = next((line for line in sample.split("\n") if line.strip()), "")
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        delimiter = None
    if delimiter in _DELIMITERS and first_line.count(delimiter) > 0:
        return delimiter
    # Fallback: the separator the first (header) line uses most; semicolon as German Excel does.
    counts = {candidate: first_line.count(candidate) for candidate in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda candidate: counts[candidate])
    return best if counts[best] else ";"


def read_csv(data: bytes) -> RawTable:
    """A CSV file as German offices produce it; the separator (; , or tab) is detected."""
    _check_file_size(data)
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise TableError(_("The file is empty."))
    delimiter = _guess_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    line = 1  # the line of the file where the next record starts
    number = 0
    try:
        for record in reader:
            number += 1
            line = reader.line_num + 1
            if any(cell.strip() for cell in record):
                rows.append((number, record))
                if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                    raise _too_many_rows()
    except csv.Error as error:
        if "field limit" in str(error):
            message = _(
                "Line %(line)d of the file: a cell is too long. Please check whether a quotation "
                'mark (") is missing there.'
            )
        else:
            message = _(
                'Line %(line)d of the file: a quotation mark (") is not closed, or text follows '
                "a closing quotation mark. Cells that contain quotation marks, separators or line "
                "breaks must be enclosed in quotation marks, and a quotation mark inside such a "
                'cell must be doubled ("").'
            )
        raise TableError(message % {"line": line}) from error
    return _finish(rows)


# --- XLSX -----------------------------------------------------------------------------------------


def _not_xlsx() -> TableError:
    return TableError(
        _(
            "The file is not an Excel workbook (XLSX), although its name or content suggests it. "
            "Please open it in Excel or LibreOffice and save it as XLSX or CSV."
        )
    )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return number_format(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def read_xlsx(data: bytes) -> RawTable:
    """The first worksheet that has a recognisable header in its first rows (else the first
    one). A title row or merged cells above the table are fine: merged cells hold their text in
    their first cell, and the header is looked for in the first rows."""
    _check_file_size(data)
    buffer = io.BytesIO(data)
    try:
        with zipfile.ZipFile(buffer) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _not_xlsx() from error
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _not_xlsx()
    if unpacked > MAX_UNPACKED_BYTES:
        raise TableError(
            _("The workbook is too large when unpacked (%(size)s). Please import a smaller part.")
            % {"size": filesizeformat(unpacked)}
        )
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(buffer, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for damaged files
        raise _not_xlsx() from error
    try:
        sheets = [_sheet_rows(sheet) for sheet in workbook.worksheets]
    except TableError:
        raise
    except Exception as error:
        raise _not_xlsx() from error
    finally:
        workbook.close()
    sheets = [rows for rows in sheets if rows]
    if not sheets:
        raise TableError(_("The workbook contains no table."))
    for rows in sheets:
        if _find_header_index([cells for _number, cells in rows]) is not None:
            return _finish(rows)
    return _finish(sheets[0])


def _sheet_rows(sheet) -> list[tuple[int, list[str]]]:
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # some writers record wrong dimensions; read what is there
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell_text(value) for value in values]
        if any(cell.strip() for cell in cells):
            rows.append((number, cells))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise _too_many_rows()
    return rows


# --- any upload -----------------------------------------------------------------------------------


def check_file_size(size: int) -> None:
    """Before reading an upload: at most MAX_FILE_BYTES, and not empty."""
    if size > MAX_FILE_BYTES:
        raise TableError(
            _("The file is too large (%(size)s). At most %(limit)s are allowed.")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_FILE_BYTES)}
        )
    if not size:
        raise TableError(_("The file is empty."))


def _check_file_size(data: bytes) -> None:
    check_file_size(len(data))


def read_upload(name: str, data: bytes) -> RawTable:
    """A CSV or XLSX file, told apart by its content (a ZIP is read as a workbook)."""
    _check_file_size(data)
    lower = (name or "").lower()
    if data.startswith(b"PK\x03\x04") or lower.endswith((".xlsx", ".xlsm")):
        return read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0") or lower.endswith(".xls"):
        raise TableError(
            _(
                "This is a file in the old Excel format (XLS). Please save it in Excel or "
                "LibreOffice as XLSX or CSV and upload it again."
            )
        )
    if lower.endswith((".ods", ".odt", ".pdf", ".docx", ".doc")) or data.startswith(b"%PDF"):
        raise TableError(
            _(
                "Only CSV and XLSX files can be imported. Please save the table as XLSX or CSV, "
                "or copy it and paste it into the text field."
            )
        )
    return read_csv(data)


# --- recognising the columns and validating the rows ----------------------------------------------


def _recognised(cells: list[str]) -> dict[int, str]:
    mapping = {}
    for index, cell in enumerate(cells):
        name = field_for_header(cell)
        if name and name not in mapping.values():
            mapping[index] = name
    return mapping


def _find_header_index(rows: list[list[str]]) -> int | None:
    """The row among the first few that names the most known columns. A row with a single
    filled cell (a title above the table, merged cells) is a header only of a one-column table."""
    width = max((len([c for c in cells if c.strip()]) for cells in rows), default=0)
    best, best_score = None, 0
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        filled = [cell for cell in cells if cell.strip()]
        if len(filled) == 1 and width > 1:
            continue
        score = len(_recognised(cells))
        if score > best_score:
            best, best_score = index, score
    return best


def recognise(raw: RawTable) -> tuple[int | None, dict[int, str]]:
    """(index of the header row in `raw.rows`, or None; column index → field)."""
    index = _find_header_index([cells for _number, cells in raw.rows])
    if index is None:
        return None, {}
    return index, _recognised(raw.rows[index][1])


def looks_like_header(cells: list[str]) -> bool:
    """Without recognised headings: is the first row headings rather than a measure? Headings
    are text; a measure row usually has a number (its priority) somewhere."""
    filled = [cell for cell in cells if cell.strip()]
    return bool(filled) and not any(re.fullmatch(r"\d+[.)]?", cell.strip()) for cell in filled)


@dataclass
class RowError:
    row: int
    field: str | None
    message: str

    def __str__(self):
        if self.field is None:
            return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)d, column “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": FIELD_LABELS[self.field],
            "message": self.message,
        }


@dataclass
class ImportRow:
    number: int
    title: str = ""
    description: str = ""
    added_value: str = ""
    feasibility: str = ""
    priority: int | None = None
    action_field: str = ""  # the district's own spelling of the title
    mission: str = ""
    source_key: str = ""
    errors: list[RowError] = field(default_factory=list)
    duplicate_of: int | None = None  # an earlier row of this table with the same title
    raw: dict[str, str] = field(default_factory=dict)  # field → the cell as written

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass
class ImportTable:
    headers: list[str]  # one per column, as shown in the preview
    mapping: dict[int, str]  # column index → field
    header_row: int | None  # index into the raw rows, None if the table has no header
    rows: list[ImportRow]
    errors: list[str] = field(default_factory=list)

    @property
    def row_errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def is_valid(self) -> bool:
        return not self.errors and not self.row_errors

    @property
    def all_errors(self) -> list[str]:
        return [*self.errors, *(str(error) for error in self.row_errors)]

    @property
    def importable_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.duplicate_of is None]


def build_table(
    raw: RawTable,
    *,
    action_fields: list[str],
    mapping: dict[int, str] | None = None,
    has_header: bool | None = None,
) -> ImportTable:
    """Recognise the columns (or use `mapping`), then validate every row below the header.
    `action_fields` are the titles of the district's action fields; `has_header` says, for a
    table whose headings were not recognised, whether its first row holds headings."""
    header_row, recognised = recognise(raw)
    if header_row is None:
        if has_header is None:
            has_header = looks_like_header(raw.rows[0][1])
        header_row = 0 if has_header else None
    if mapping is None:
        mapping = recognised
    mapping = {index: name for index, name in mapping.items() if name in FIELDS}
    width = raw.width
    header_cells = raw.rows[header_row][1] if header_row is not None else []
    headers = [
        (header_cells[i] if i < len(header_cells) and header_cells[i] else "")
        or _("Column %(number)d") % {"number": i + 1}
        for i in range(width)
    ]
    data_rows = raw.rows[header_row + 1 :] if header_row is not None else raw.rows
    table = ImportTable(headers=headers, mapping=mapping, header_row=header_row, rows=[])
    if TITLE not in mapping.values():
        table.errors.append(
            _(
                "No column with the measures was found: a heading “Maßnahme” (or “Maßnahme "
                "(Idee/Beschreibung)”, “Idee”) is missing. Please choose below which column "
                "holds the measures."
            )
        )
    if not data_rows:
        table.errors.append(_("The table has no rows below its headings."))
    if len(data_rows) > MAX_ROWS:
        table.errors.append(str(_too_many_rows()))
        data_rows = data_rows[:MAX_ROWS]
    used_columns = len(header_cells) if header_row is not None else width
    fields_by_name = {normalise(title): title for title in action_fields}
    seen: dict[str, int] = {}
    for number, cells in data_rows:
        row = _build_row(number, cells, mapping, fields_by_name, used_columns)
        if row.source_key:
            if row.source_key in seen:
                row.duplicate_of = seen[row.source_key]
            else:
                seen[row.source_key] = number
        table.rows.append(row)
    return table


def _split_title(cell: str) -> tuple[str, str]:
    lines = [line.strip() for line in cell.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    if not lines:
        return "", ""
    title = _BULLET.sub("", lines[0]).strip()
    return title, "\n".join(lines[1:]).strip()


def _parse_priority(value: str) -> int:
    value = value.strip()
    match = re.fullmatch(r"(?:prio(?:rität)?\.?\s*)?(\d+)(?:[.,]0+)?[.)]?", value, re.IGNORECASE)
    if not match:
        raise ValueError(value)
    number = int(match[1])
    if not 1 <= number <= MAX_PRIORITY:
        raise ValueError(value)
    return number


def _build_row(number, cells, mapping, fields_by_name, used_columns) -> ImportRow:
    row = ImportRow(number=number)

    def cell(name: str) -> str:
        for index, mapped in mapping.items():
            if mapped == name:
                return cells[index].strip() if index < len(cells) else ""
        return ""

    def error(name, message):
        row.errors.append(RowError(row=number, field=name, message=message))

    def too_long(name, value, limit):
        if len(value) > limit:
            error(
                name,
                _("The text has %(length)s characters; at most %(max)s are allowed.")
                % {
                    "length": number_format(len(value), force_grouping=True),
                    "max": number_format(limit, force_grouping=True),
                },
            )

    if used_columns and any(c.strip() for c in cells[used_columns:]):
        error(
            None,
            _(
                "This row has more cells than the table has headings. Please check whether a "
                "separator is misplaced or a heading is missing."
            ),
        )
    row.raw = {name: cell(name) for name in mapping.values()}
    row.title, rest = _split_title(cell(TITLE))
    row.description = "\n\n".join(part for part in (rest, cell(DESCRIPTION)) if part)
    row.added_value = cell(ADDED_VALUE)
    row.feasibility = cell(FEASIBILITY)
    row.mission = " ".join(cell(MISSION).split())
    if not row.title:
        error(TITLE, _("The measure has no title: the first line of this cell is empty."))
    elif len(row.title) > TITLE_MAX_LENGTH:
        error(
            TITLE,
            _(
                "The title (the first line of the cell) has %(length)d characters; at most "
                "%(max)d are allowed. Please put a line break after a short title: the following "
                "lines become the description."
            )
            % {"length": len(row.title), "max": TITLE_MAX_LENGTH},
        )
    too_long(DESCRIPTION if cell(DESCRIPTION) else TITLE, row.description, TEXT_MAX_LENGTH)
    too_long(ADDED_VALUE, row.added_value, TEXT_MAX_LENGTH)
    too_long(FEASIBILITY, row.feasibility, TEXT_MAX_LENGTH)
    too_long(MISSION, row.mission, MISSION_MAX_LENGTH)
    priority = cell(PRIORITY)
    if priority:
        try:
            row.priority = _parse_priority(priority)
        except ValueError:
            error(
                PRIORITY,
                _("“%(value)s” is not a priority. Please enter a whole number such as 1, 2 or 3.")
                % {"value": priority[:50]},
            )
    action_field = cell(ACTION_FIELD)
    if action_field:
        match = fields_by_name.get(normalise(action_field))
        if match:
            row.action_field = match
        elif fields_by_name:
            error(
                ACTION_FIELD,
                _("“%(value)s” is not an action field of this district. Possible are: %(choices)s.")
                % {
                    "value": action_field[:100],
                    "choices": ", ".join(f"„{title}“" for title in fields_by_name.values()),
                },
            )
        else:
            error(
                ACTION_FIELD,
                _(
                    "“%(value)s” is not an action field of this district: the district has no "
                    "action fields yet. Please leave the column empty or add the action field "
                    "first."
                )
                % {"value": action_field[:100]},
            )
    if row.title:
        row.source_key = source_key(row.title)
    # Left to right, as the user reads the table.
    positions = {name: index for index, name in mapping.items()}
    row.errors.sort(key=lambda error: positions.get(error.field, -1))
    return row


# --- feasibility: time horizon and success criteria -----------------------------------------------

SHORT, MEDIUM, LONG = "short", "medium", "long"  # measures.models.TimeHorizon values

_SUCCESS_LABEL = re.compile(
    r"^\s*(?:[-–•*]\s*)?(?:erfolgskriteri\w*|erfolgsmessung|indikator\w*|kpis?)\s*[:–-]\s*(.*)$",
    re.IGNORECASE,
)
_OTHER_LABEL = re.compile(
    r"^\s*(?:[-–•*]\s*)?(?:zeithorizont|zeitraum|zeitrahmen|dauer|umsetzung|finanzierung|"
    r"kosten|budget|verantwortlich\w*|partner)\s*:",
    re.IGNORECASE,
)
_HORIZON_PATTERNS = (
    (SHORT, re.compile(r"\b(?:sofort|kurzfristig\w*|zeitnah|umgehend|kurzzeitig)\b")),
    (MEDIUM, re.compile(r"\bmittelfristig\w*\b")),
    (LONG, re.compile(r"\blangfristig\w*\b")),
)
_MONTHS = re.compile(r"\b(\d{1,2})\s*(?:-|–|bis)?\s*(\d{1,2})?\s*(?:monat|woche)")
_YEARS = re.compile(r"\b(\d{1,2})\s*(?:-|–|bis)?\s*(\d{1,2})?\s*jahr")
_YEAR = re.compile(r"\b(20\d\d)\b")


def time_horizon(text: str, *, today: date | None = None) -> str:
    """„sofort“, „3 Monate“ → short; „mittelfristig“, „2-3 Jahre“ → medium; „langfristig“,
    „2030“ (more than three years ahead) → long; the first clue in the text decides; "" if none."""
    text = (text or "").casefold()
    year_now = (today or date.today()).year
    clues = []
    for horizon, pattern in _HORIZON_PATTERNS:
        match = pattern.search(text)
        if match:
            clues.append((match.start(), horizon))
    for match in _MONTHS.finditer(text):
        months = int(match[2] or match[1])
        clues.append((match.start(), SHORT if months <= 12 else MEDIUM))
    for match in _YEARS.finditer(text):
        years = int(match[2] or match[1])
        clues.append((match.start(), SHORT if years < 1 else MEDIUM if years <= 3 else LONG))
    for match in _YEAR.finditer(text):
        ahead = int(match[1]) - year_now
        clues.append((match.start(), SHORT if ahead <= 1 else MEDIUM if ahead <= 3 else LONG))
    return min(clues)[1] if clues else ""


def split_feasibility(text: str, *, today: date | None = None) -> tuple[str, str, str]:
    """(time horizon, success criteria, the rest of the feasibility text). Success criteria are
    taken out only where they are labelled („Erfolgskriterien: …“); the rest keeps everything
    else, the time given included."""
    rest, criteria = [], []
    in_criteria = False
    for line in (text or "").split("\n"):
        labelled = _SUCCESS_LABEL.match(line)
        if labelled:
            in_criteria = True
            if labelled[1].strip():
                criteria.append(labelled[1].strip())
            continue
        if _OTHER_LABEL.match(line):
            in_criteria = False
        (criteria if in_criteria else rest).append(line)
    return (
        time_horizon(text, today=today),
        "\n".join(criteria).strip(),
        "\n".join(rest).strip(),
    )
