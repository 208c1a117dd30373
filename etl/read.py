"""Read an uploaded file (CSV in any of the encodings staff have, .xlsx, .xls) into a grid of text cells.

Every cell becomes a string ("" when empty) and each grid row keeps the row number the user sees in the
spreadsheet or text editor, so that messages can point at it. What cannot be read is refused with a reason.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from xml.etree import ElementTree

import charset_normalizer
import numpy as np
import openpyxl
import pandas as pd
import xlrd
from openpyxl.utils.cell import coordinate_to_tuple

XLSX_SIGNATURE = b"PK\x03\x04"
XLS_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SEPARATORS = [",", ";", "\t"]
# charset-normalizer's "chaos" of the best reading above which the encoding is not trusted.
MOST_CHAOS_TRUSTED = 0.1
LINE_BREAK = re.compile(r"\r\n|\r|\n")
SPREADSHEET_NAMESPACE = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class ReadRefused(ValueError):
    """The file cannot be read; `key` names the translated reason, `values` fill it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Grid:
    """The file's cells as text, one DataFrame column per position, and each row's number as the user sees it.

    A CSV file also gives each row's own number of fields (a row with more or fewer than its header is damaged);
    a workbook gives the positions (row, column) of formula cells saved without their computed value.
    """

    cells: pd.DataFrame
    row_numbers: np.ndarray
    sheet: str | None = None
    field_counts: np.ndarray | None = None
    uncalculated: frozenset[tuple[int, int]] = frozenset()


def read_sheets(data: bytes, file_name: str) -> Iterator[Grid]:
    """Each non-empty sheet of a workbook in order (the one table of a CSV file); ReadRefused says why not."""
    if not data.strip():
        raise ReadRefused("import.read.empty")
    if data.startswith(XLSX_SIGNATURE):
        sheets = _xlsx_sheets(data)
    elif data.startswith(XLS_SIGNATURE):
        sheets = _xls_sheets(data)
    elif file_name.lower().endswith((".xlsx", ".xls", ".xlsm")):
        raise ReadRefused("import.read.broken_excel")
    else:
        yield _read_csv_text(decode(data))
        return
    found = False
    for name, rows, uncalculated in sheets:
        if any(any(row) for row in rows) or uncalculated:
            found = True
            # Workbook rows start at row 1 and include empty rows, so positions are row numbers.
            yield _grid(_frame(rows), np.arange(1, len(rows) + 1), name, uncalculated=uncalculated)
    if not found:
        raise ReadRefused("import.read.empty")


def read_grid(data: bytes, file_name: str) -> Grid:
    """The first non-empty sheet of the file (or its CSV table)."""
    return next(read_sheets(data, file_name))


def decode(data: bytes) -> str:
    """The text of a CSV file: BOMs and valid UTF-8 first, then charset-normalizer's reading if it is sure."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode_strictly(data, "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_strictly(data, "utf-16")
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise ReadRefused("import.read.not_text")
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.chaos > MOST_CHAOS_TRUSTED:
        raise ReadRefused("import.read.unknown_encoding")
    # Windows-1258 writes tones as combining marks after the letter; compose them as UTF-8 files have them.
    return unicodedata.normalize("NFC", str(best))


def _decode_strictly(data: bytes, encoding: str) -> str:
    try:
        return unicodedata.normalize("NFC", data.decode(encoding))
    except UnicodeDecodeError:
        raise ReadRefused("import.read.unknown_encoding") from None


def _read_csv_text(text: str) -> Grid:
    if "\x00" in text:
        raise ReadRefused("import.read.not_text")
    lines = LINE_BREAK.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # the last line's line break ends it; it does not start another
    separator = _separator(lines[:30])
    if '"' in text:
        return _read_quoted_csv(text, separator)
    # Without quotes every line is one row (blank ones too), split at every separator: pandas' C parser reads the
    # cells fast, and each line's separators count its fields.
    counts = np.fromiter((line.count(separator) + 1 for line in lines), dtype=np.int64, count=len(lines))
    try:
        cells = pd.read_csv(io.StringIO(text), sep=separator, header=None, names=range(int(counts.max())),
                            dtype=str, keep_default_na=False, skip_blank_lines=False, engine="c",
                            quoting=csv.QUOTE_NONE)
    except (pd.errors.ParserError, ValueError):
        raise ReadRefused("import.read.not_table") from None
    if len(cells) != len(counts):  # line breaks pandas counts otherwise: read record by record
        return _read_quoted_csv(text, separator)
    return _grid(cells, np.arange(1, len(cells) + 1), field_counts=counts)


def _read_quoted_csv(text: str, separator: str) -> Grid:
    """A CSV file with quoted cells, record by record: a quoted separator or line break stays inside its cell, and
    each row is numbered by the line it starts on."""
    try:
        records, starts = _records(text, separator, strict=True)
    except csv.Error as error:
        if "unexpected end of data" in str(error) or "field larger" in str(error):
            raise ReadRefused("import.read.not_table") from None
        # Text after a closing quote (`"Đông" mới`): read leniently, as spreadsheet programs do.
        records, starts = _records(text, separator, strict=False)
    counts = np.fromiter((len(record) for record in records), dtype=np.int64, count=len(records))
    return _grid(_frame(records), np.asarray(starts), field_counts=counts)


def _records(text: str, separator: str, strict: bool) -> tuple[list[list[str]], list[int]]:
    """The CSV records and the line each starts on."""
    records, starts, line = [], [], 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=strict)
    for record in reader:
        records.append(record)
        starts.append(line + 1)
        line = reader.line_num
    return records, starts


def _separator(lines: list[str]) -> str:
    """The separator splitting the first lines most consistently: the highest median count per line
    (title rows have none, and a comma inside a note does not outvote the semicolons of every row)."""
    filled = [line for line in lines if line.strip()]
    return max(SEPARATORS, key=lambda separator: (
        float(np.median([line.count(separator) for line in filled])) if filled else 0.0,
        -SEPARATORS.index(separator),
    ))


def _grid(cells: pd.DataFrame, row_numbers: np.ndarray, sheet: str | None = None, *,
          field_counts: np.ndarray | None = None, uncalculated: frozenset[tuple[int, int]] = frozenset()) -> Grid:
    if cells.empty:
        raise ReadRefused("import.read.empty")
    cells = cells.fillna("").astype(str).apply(lambda column: column.str.strip())
    cells.columns = range(len(cells.columns))
    return Grid(cells, row_numbers, sheet, field_counts, uncalculated)


def _frame(rows: list[list[str]]) -> pd.DataFrame:
    width = max((len(row) for row in rows), default=0)
    return pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=object)


def _xlsx_sheets(data: bytes) -> Iterator[tuple[str, list[list[str]], frozenset[tuple[int, int]]]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        archive = zipfile.ZipFile(io.BytesIO(data))
        for sheet in workbook.worksheets:
            rows = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
            yield sheet.title, rows, _uncalculated_formulas(archive.read(sheet._worksheet_path))
    except ReadRefused:
        raise
    except Exception:  # openpyxl raises many types for damaged files; all mean the same to the user
        raise ReadRefused("import.read.broken_excel") from None


def _uncalculated_formulas(sheet_xml: bytes) -> frozenset[tuple[int, int]]:
    """(row, column position) of the formula cells a program saved without computing them (openpyxl reads those
    as empty): a formula and no value, where a computed one always has a value, or a type saying it is text."""
    if b"<f>" not in sheet_xml and b"<f " not in sheet_xml:
        return frozenset()  # the common case, decided without parsing
    found, row, column = set(), 0, 0
    for event, element in ElementTree.iterparse(io.BytesIO(sheet_xml), events=("start", "end")):
        if element.tag == f"{SPREADSHEET_NAMESPACE}row":
            if event == "start":
                row, column = int(element.get("r", row + 1)), 0
            else:
                element.clear()
        elif event == "end" and element.tag == f"{SPREADSHEET_NAMESPACE}c":
            reference = element.get("r")
            if reference:
                row, column = coordinate_to_tuple(reference)
            else:
                column += 1
            has_value = (element.findtext(f"{SPREADSHEET_NAMESPACE}v") or "") != ""
            if (element.find(f"{SPREADSHEET_NAMESPACE}f") is not None and not has_value
                    and element.get("t", "n") == "n"):
                found.add((row, column - 1))
    return frozenset(found)


def _xls_sheets(data: bytes) -> Iterator[tuple[str, list[list[str]], frozenset[tuple[int, int]]]]:
    try:
        book = xlrd.open_workbook(file_contents=data)
        for sheet in book.sheets():
            yield sheet.name, [[_xls_cell_text(cell, book.datemode) for cell in sheet.row(number)]
                               for number in range(sheet.nrows)], frozenset()
    except ReadRefused:
        raise
    except Exception:  # xlrd raises many types for damaged files; all mean the same to the user
        raise ReadRefused("import.read.broken_excel") from None


def _xls_cell_text(cell: xlrd.sheet.Cell, datemode: int) -> str:
    if cell.ctype == xlrd.XL_CELL_DATE:
        return _cell_text(xlrd.xldate_as_datetime(cell.value, datemode))
    return _cell_text(cell.value)


def _cell_text(value: object) -> str:
    """A cell as text: whole numbers without `.0`, dates as dd/mm/yyyy, fractions with 4+ decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # Never three decimals, which would read as thousands (`1.234`): a fraction stays a fraction.
        text = repr(value)
        return text if len(text.split(".")[-1]) > 4 else f"{value:.4f}"
    return unicodedata.normalize("NFC", str(value))
