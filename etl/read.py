"""Read an uploaded file (CSV in any of the encodings staff have, .xlsx, .xls) into a grid of text cells.

Every cell becomes a string ("" when empty) and each grid row keeps the row number the user sees in the
spreadsheet or text editor, so that messages can point at it. What cannot be read is refused with a reason.
"""

from __future__ import annotations

import csv
import functools
import io
import pickle
import re
import subprocess
import sys
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

import exports
from settings import PROJECT_ROOT, UploadLimits

XLSX_SIGNATURE = b"PK\x03\x04"
XLS_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SEPARATORS = [",", ";", "\t"]
# charset-normalizer's "chaos" of the best reading above which the encoding is not trusted.
MOST_CHAOS_TRUSTED = 0.1
LINE_BREAK = re.compile(r"\r\n|\r|\n")
SPREADSHEET_NAMESPACE = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
# A sheet as read: its name, its rows of text cells, and its formula cells saved without a value.
Sheet = tuple[str, list[list[str]], frozenset[tuple[int, int]]]
DEFAULT_LIMITS = UploadLimits()
MEGABYTE = 1024 * 1024
WORKSHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)
# A sheet's declared extent (`<dimension ref="A1:XFD1048576"/>`), near the start of its XML.
DECLARED_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?\"")
DIMENSION_SEARCHED_BYTES = 64 * 1024
UNPACKED_CHUNK_BYTES = 4 * MEGABYTE
# Bytes of XML text a cell of the longest allowed text can take: UTF-8 and entities (`&amp;`) make it longer.
XML_BYTES_PER_CHARACTER = 6


class ReadRefused(ValueError):
    """The file cannot be read; `key` names the translated reason, `values` fill it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def __reduce__(self) -> tuple:
        # Kept whole when it comes back from the worker process that read the file.
        return functools.partial(ReadRefused, self.key, **self.values), ()


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


def read_sheets(data: bytes, file_name: str, limits: UploadLimits = DEFAULT_LIMITS) -> Iterator[Grid]:
    """Each non-empty sheet of a workbook in order (the one table of a CSV file); ReadRefused says why not,
    also when the file is beyond `limits` (checked before parsing wherever the file says how big it is)."""
    check_file_size(len(data), limits)
    if not data.strip():
        raise ReadRefused("import.read.empty")
    if data.startswith(XLSX_SIGNATURE):
        _check_workbook(data, limits)
        sheets = _xlsx_sheets(data, limits)
    elif data.startswith(XLS_SIGNATURE):
        sheets = _xls_sheets(data, limits)
    elif file_name.lower().endswith((".xlsx", ".xls", ".xlsm")):
        raise ReadRefused("import.read.broken_excel")
    else:
        yield _read_csv_text(decode(data), limits)
        return
    found = False
    for name, rows, uncalculated in sheets:
        if any(any(row) for row in rows) or uncalculated:
            found = True
            # Workbook rows start at row 1 and include empty rows, so positions are row numbers.
            yield _grid(_frame(rows), np.arange(1, len(rows) + 1), name, uncalculated=uncalculated)
    if not found:
        raise ReadRefused("import.read.empty")


def read_sheets_elsewhere(data: bytes, file_name: str, limits: UploadLimits = DEFAULT_LIMITS) -> list[Grid]:
    """`read_sheets` in a process of its own: parsing a large workbook is pure Python work that would otherwise hold
    the dashboard's interpreter lock and slow every other user's pages down until it is done."""
    worker = subprocess.run([sys.executable, "-m", "etl.read_worker"], input=pickle.dumps((data, file_name, limits)),
                            capture_output=True, check=False, cwd=PROJECT_ROOT)
    if worker.returncode != 0:
        raise RuntimeError(f"the reading process failed ({worker.returncode}): {worker.stderr.decode()[-2000:]}")
    found = pickle.loads(worker.stdout)
    if isinstance(found, ReadRefused):
        raise found
    return found


def all_sheets(data: bytes, file_name: str, limits: UploadLimits) -> list[Grid] | ReadRefused:
    """Every sheet `read_sheets` yields, or the reason it refused the file."""
    try:
        return list(read_sheets(data, file_name, limits))
    except ReadRefused as refused:
        return refused


def read_grid(data: bytes, file_name: str, limits: UploadLimits = DEFAULT_LIMITS) -> Grid:
    """The first non-empty sheet of the file (or its CSV table)."""
    return next(read_sheets(data, file_name, limits))


def check_file_size(size: int, limits: UploadLimits) -> None:
    """Refuse a file larger than the limit (before reading it, where its size is known)."""
    if size > limits.megabytes * MEGABYTE:
        raise ReadRefused("import.limit.file_size", size=-(-size // MEGABYTE), limit=limits.megabytes)


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


def _read_csv_text(text: str, limits: UploadLimits) -> Grid:
    if "\x00" in text:
        raise ReadRefused("import.read.not_text")
    lines = LINE_BREAK.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # the last line's line break ends it; it does not start another
    if len(lines) > limits.rows:
        raise ReadRefused("import.limit.rows", limit=limits.rows)
    separator = _separator(lines[:30])
    # Each line's fields; a separator inside quotes counts too, so the widest line bounds the table's width.
    counts = np.fromiter((line.count(separator) + 1 for line in lines), dtype=np.int64, count=len(lines))
    width = int(counts.max(initial=1))
    if width > limits.columns:
        raise ReadRefused("import.limit.columns", row=int(np.argmax(counts)) + 1, found=width, limit=limits.columns)
    if '"' in text:
        return _read_quoted_csv(text, separator, limits)
    # Without quotes every line is one row (blank ones too), split at every separator: pandas' C parser reads the
    # cells fast, and each line's separators count its fields.
    try:
        cells = pd.read_csv(io.StringIO(text), sep=separator, header=None, names=range(width), dtype=str,
                            keep_default_na=False, skip_blank_lines=False, engine="c", quoting=csv.QUOTE_NONE)
    except (pd.errors.ParserError, ValueError):
        raise ReadRefused("import.read.not_table") from None
    if len(cells) != len(counts):  # line breaks pandas counts otherwise: read record by record
        return _read_quoted_csv(text, separator, limits)
    if max(map(len, lines), default=0) > limits.cell_characters:
        _check_cell_lengths(cells, limits)
    return _grid(cells, np.arange(1, len(cells) + 1), field_counts=counts)


def _read_quoted_csv(text: str, separator: str, limits: UploadLimits) -> Grid:
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
    cells = _frame(records)
    if max((len(field) for record in records for field in record), default=0) > limits.cell_characters:
        _check_cell_lengths(cells, limits)
    return _grid(cells, np.asarray(starts), field_counts=counts)


def _records(text: str, separator: str, strict: bool) -> tuple[list[list[str]], list[int]]:
    """The CSV records and the line each starts on."""
    records, starts, line = [], [], 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=strict)
    for record in reader:
        records.append(record)
        starts.append(line + 1)
        line = reader.line_num
    return records, starts


def _check_cell_lengths(cells: pd.DataFrame, limits: UploadLimits) -> None:
    lengths = cells.apply(lambda column: column.str.len()).fillna(0)
    longest = lengths.max(axis=1)
    if longest.max() > limits.cell_characters:
        row = int(np.argmax(longest.to_numpy()))
        raise ReadRefused("import.limit.cell", row=row + 1, found=int(longest.iloc[row]),
                          limit=limits.cell_characters)


def _without_formula_mark(column: pd.Series) -> pd.Series:
    """The text without the apostrophe that our exports (and spreadsheets) put before a formula-like text, so that
    a template downloaded as CSV and uploaded again stores exactly the names it was given."""
    marked = column.str.startswith(tuple("'" + start for start in exports.FORMULA_STARTS))
    return column.where(~marked, column.str[1:]) if marked.any() else column


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
    cells = cells.fillna("").astype(str).apply(lambda column: _without_formula_mark(column.str.strip()))
    cells.columns = range(len(cells.columns))
    return Grid(cells, row_numbers, sheet, field_counts, uncalculated)


def _frame(rows: list[list[str]]) -> pd.DataFrame:
    width = max((len(row) for row in rows), default=0)
    return pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=object)


def _xlsx_sheets(data: bytes, limits: UploadLimits) -> Iterator[Sheet]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_sheet_count(len(workbook.worksheets), limits)
        for sheet in workbook.worksheets:
            rows = _within_limits(
                ([_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)), limits)
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


def _xls_sheets(data: bytes, limits: UploadLimits) -> Iterator[Sheet]:
    try:
        # Sheet by sheet: the workbook's directory first, then each sheet only when it is read.
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        _check_sheet_count(book.nsheets, limits)
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            extent = f"{sheet.name}!A1:{_column_letters(sheet.ncols)}{sheet.nrows}"
            _check_extent(sheet.nrows, sheet.ncols, limits, extent)
            yield sheet.name, _within_limits(([_xls_cell_text(cell, book.datemode) for cell in sheet.row(number)]
                                              for number in range(sheet.nrows)), limits), frozenset()
            book.unload_sheet(index)
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


def _check_sheet_count(count: int, limits: UploadLimits) -> None:
    if count > limits.sheets:
        raise ReadRefused("import.limit.sheets", found=count, limit=limits.sheets)


def _check_extent(rows: int, columns: int, limits: UploadLimits, declared: str) -> None:
    if rows > limits.rows or columns > limits.columns:
        raise ReadRefused("import.limit.dimension", range=declared,
                          rows=rows, columns=columns, limit_rows=limits.rows, limit_columns=limits.columns)


def _within_limits(rows: Iterator[list[str]], limits: UploadLimits) -> list[list[str]]:
    """The rows, refused as soon as one is beyond the limits (so that a bloated sheet is never read whole)."""
    kept = []
    for number, row in enumerate(rows, start=1):
        if number > limits.rows:
            raise ReadRefused("import.limit.rows", limit=limits.rows)
        width = len(row)
        while width and not row[width - 1]:
            width -= 1
        if width > limits.columns:
            raise ReadRefused("import.limit.columns", row=number, found=width, limit=limits.columns)
        longest = max(map(len, row), default=0)
        if longest > limits.cell_characters:
            raise ReadRefused("import.limit.cell", row=number, found=longest, limit=limits.cell_characters)
        kept.append(row)
    return kept


def _check_workbook(data: bytes, limits: UploadLimits) -> None:
    """The limits a workbook's zip directory and XML declare, checked without parsing its sheets: the unpacked
    size, the number of sheets, each sheet's declared extent, and no text longer than a cell may be."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))  # reads the directory at the end of the file, nothing else
    except (zipfile.BadZipFile, ValueError):
        raise ReadRefused("import.read.broken_excel") from None
    with archive:
        parts = archive.infolist()
        unpacked = sum(part.file_size for part in parts)
        if unpacked > limits.unpacked_megabytes * MEGABYTE:
            raise ReadRefused("import.limit.unpacked", size=-(-unpacked // MEGABYTE), limit=limits.unpacked_megabytes)
        sheets = [part for part in parts if WORKSHEET_PART.fullmatch(part.filename)]
        _check_sheet_count(len(sheets), limits)
        try:
            for part in sheets:
                _check_declared_dimension(archive, part, limits)
            for part in parts:
                if part.filename.lower().endswith(".xml"):
                    _check_longest_text(archive, part, limits)
        except ReadRefused:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            raise ReadRefused("import.read.broken_excel") from None


def _check_declared_dimension(archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: UploadLimits) -> None:
    with archive.open(part) as stream:
        found = DECLARED_DIMENSION.search(stream.read(DIMENSION_SEARCHED_BYTES))
    if found is None:
        return
    first_column, first_row = found.group(1).decode(), found.group(2).decode()
    last_column = found.group(3).decode() if found.group(3) else first_column
    last_row = found.group(4).decode() if found.group(4) else first_row
    rows = int(last_row) - int(first_row) + 1
    columns = _column_number(last_column) - _column_number(first_column) + 1
    declared = f"{first_column}{first_row}:{last_column}{last_row}"
    _check_extent(rows, columns, limits, declared)


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters or "A"


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _check_longest_text(archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: UploadLimits) -> None:
    """Refuse a part holding a run of text (between two tags) longer than a cell may be, reading it unpacked a
    few megabytes at a time: a 300 MB shared string is refused after its first chunk."""
    most = limits.cell_characters * XML_BYTES_PER_CHARACTER
    run = 0  # bytes since the last `<`, carried from one chunk to the next
    with archive.open(part) as stream:
        while chunk := stream.read(UNPACKED_CHUNK_BYTES):
            tags = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == ord("<"))
            if len(tags):
                # The bytes before the chunk's first tag continue the run; between two tags is a run of its own.
                longest = max(run + int(tags[0]), int(np.diff(tags).max(initial=1)) - 1)
                run = len(chunk) - int(tags[-1]) - 1
            else:
                longest = run = run + len(chunk)
            if max(longest, run) > most:
                raise ReadRefused("import.limit.cell_in_workbook", part=part.filename,
                                  limit=limits.cell_characters)
