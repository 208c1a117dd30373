"""Every CSV, Excel and Word file the program writes goes through here, so that text from an uploaded file is
always text in it: never a formula, a link or a character that breaks the file.

CSV: a field a spreadsheet would run (starting with `=`, `+`, `-`, `@`, a tab or a line break, or their full-width
forms) gets a leading apostrophe. Excel: one writer library (XlsxWriter) whose strings are always written as
strings; text that looks like a formula also gets Excel's own "quote prefix" (the value stays exactly the text,
and Excel keeps it text when the cell is edited). Word: characters XML cannot hold are dropped; a filled-in template
(docxtpl) gets its values through `word_values` and escapes them as it renders.
"""

from __future__ import annotations

import io
import math
import re
from datetime import date, datetime
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

# What a spreadsheet reads as the start of a formula, including the DDE forms (`=cmd|' /C calc'!A0`, `+cmd|…`,
# `-2+3+cmd|…`, `@SUM(…)`) and the full-width signs an East Asian keyboard types.
FORMULA_STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
# Characters a spreadsheet skips or breaks on before it looks for a formula.
LEADING_BLANKS = " \t\r\n\u00a0"
CSV_ENCODING = "utf-8-sig"  # with a byte-order mark, so that Excel shows Vietnamese
# Never turn text into a formula, a link or a number, whatever it looks like.
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                    "remove_timezone": True, "in_memory": True}
DEFAULT_DATE_FORMAT = "dd/mm/yyyy"
# Excel's limit on a sheet name, and the characters it refuses in one.
SHEET_NAME_LENGTH = 31
SHEET_NAME_REFUSED = re.compile(r"[\[\]:*?/\\]")
# What XML 1.0 (and so .docx and .xlsx) cannot hold: control characters other than tab and line breaks.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet opening `text` as a cell might run it (a formula, a DDE call)."""
    if text[:1] in ("\t", "\r", "\n"):
        return True
    return text.lstrip(LEADING_BLANKS).startswith(FORMULA_STARTS)


def neutralise_cell(value: object) -> object:
    """A text that looks like a formula gets a leading apostrophe (CSV); anything else is returned unchanged."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the table whose text cells (and headers) cannot run as spreadsheet formulas."""
    safe = frame.copy()
    safe.columns = [neutralise_cell(str(column)) for column in safe.columns]
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]) and not pd.api.types.is_bool_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_cell)
    return safe


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as CSV in UTF-8 with a byte-order mark, formulas neutralised."""
    return neutralise_formulas(frame).to_csv(index=False).encode(CSV_ENCODING)


def document_text(text: str) -> str:
    """`text` as a Word document can hold it: without the control characters XML refuses."""
    return XML_ILLEGAL.sub("", text)


def word_text(text: str) -> str:
    """`text` as a filled-in Word template holds it: no XML-illegal character, every line break a `\\n`."""
    return document_text(text).replace("\r\n", "\n").replace("\r", "\n")


def word_values(value: object) -> object:
    """`value` with every string in it (through dicts, lists and tuples) passed through `word_text`."""
    if isinstance(value, str):
        return word_text(value)
    if isinstance(value, dict):
        return {key: word_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(word_values(item) for item in value)
    return value


def sheet_name(name: str) -> str:
    """`name` as Excel accepts a sheet name: no `[]:*?/\\`, at most 31 characters, not empty."""
    cleaned = SHEET_NAME_REFUSED.sub(" ", document_text(name)).strip("'")[:SHEET_NAME_LENGTH]
    return cleaned or "Sheet1"


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


class Sheet:
    """One worksheet; `write` puts every value in with its own type and every string as a string."""

    def __init__(self, workbook: Workbook, worksheet: Worksheet) -> None:
        self.workbook = workbook
        self.worksheet = worksheet  # for layout: widths, frozen rows, printing

    def write(self, row: int, column: int, value: object, style: dict[str, Any] | None = None) -> None:
        """Write `value` at (row, column), counted from 0, with the cell style `style` (XlsxWriter's properties)."""
        style = dict(style or {})
        if hasattr(value, "item") and not isinstance(value, str):  # numpy and pandas scalars
            value = value.item()
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        if _is_missing(value) or value == "":
            self.worksheet.write_blank(row, column, None, self.workbook.style(style))
        elif isinstance(value, str):
            if looks_like_formula(value):
                style["quote_prefix"] = True
            self.worksheet.write_string(row, column, document_text(value), self.workbook.style(style))
        elif isinstance(value, bool):
            self.worksheet.write_boolean(row, column, value, self.workbook.style(style))
        elif isinstance(value, int | float):
            self.worksheet.write_number(row, column, value, self.workbook.style(style))
        elif isinstance(value, datetime | date):
            style.setdefault("num_format", DEFAULT_DATE_FORMAT)
            self.worksheet.write_datetime(row, column, value, self.workbook.style(style))
        else:  # anything else is shown as its text, never interpreted
            self.write(row, column, str(value), style)

    def write_row(self, row: int, values: list[object], style: dict[str, Any] | None = None) -> None:
        for column, value in enumerate(values):
            self.write(row, column, value, style)

    def merge(self, row: int, first_column: int, last_column: int, value: object, style: dict[str, Any]) -> None:
        """One cell over several columns holding `value`, written as `write` writes it."""
        self.worksheet.merge_range(row, first_column, row, last_column, "", self.workbook.style(style))
        self.write(row, first_column, value, style)

    def table(self, frame: pd.DataFrame, first_row: int = 0, header_style: dict[str, Any] | None = None) -> None:
        """The frame's headers on `first_row` and its rows below them."""
        self.write_row(first_row, [str(column) for column in frame.columns], header_style)
        for offset, values in enumerate(frame.itertuples(index=False), start=1):
            self.write_row(first_row + offset, list(values))


class Workbook:
    """An .xlsx workbook, written with XlsxWriter, whose strings are always strings."""

    def __init__(self, title: str | None = None) -> None:
        self._buffer = io.BytesIO()
        self._book = xlsxwriter.Workbook(self._buffer, WORKBOOK_OPTIONS)
        self._styles: dict[tuple, Format] = {}
        if title:
            self._book.set_properties({"title": document_text(title)})

    def sheet(self, name: str) -> Sheet:
        return Sheet(self, self._book.add_worksheet(sheet_name(name)))

    def style(self, properties: dict[str, Any]) -> Format | None:
        """The cell format with these properties, made once per workbook."""
        if not properties:
            return None
        key = tuple(sorted(properties.items()))
        if key not in self._styles:
            self._styles[key] = self._book.add_format(properties)
        return self._styles[key]

    def to_bytes(self) -> bytes:
        """Close the workbook and return its bytes."""
        self._book.close()
        return self._buffer.getvalue()


def xlsx_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """The table as an .xlsx workbook of one sheet, header on the first row."""
    workbook = Workbook()
    workbook.sheet(sheet).table(frame, header_style={"bold": True})
    return workbook.to_bytes()
