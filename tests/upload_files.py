"""Builders of upload files as staff have them (CSV in several encodings, Excel with title rows), and a way to
see whether a warehouse changed; every test builds its own files from these, no binary fixtures."""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from pathlib import Path

import openpyxl

from etl.load import FileOutcome, import_file
from warehouse.database import Warehouse

TODAY = date(2025, 12, 20)
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
MONTHLY_HEADER = ["Mã thôn", "Kỳ báo cáo", "Ngày báo cáo", "Số hộ đã được Tổ hướng dẫn", "ho_vneid",
                  "luot_tuyen_truyen", "Ghi chú"]


def windows_1258(text: str) -> bytes:
    """Text as Windows-1258 writes it: precomposed â ê ô ă ơ ư đ, tones as combining marks after the letter."""
    written = []
    for character in text:
        parts = unicodedata.normalize("NFD", character)
        base = unicodedata.normalize("NFC", "".join(part for part in parts if part not in TONE_MARKS))
        written.append(base + "".join(part for part in parts if part in TONE_MARKS))
    return "".join(written).encode("cp1258")


def csv_text(rows: list[list[object]], separator: str = ",") -> str:
    return "\n".join(separator.join("" if cell is None else str(cell) for cell in row) for row in rows) + "\n"


def encode(text: str, encoding: str) -> bytes:
    if encoding == "windows-1258":
        return windows_1258(text)
    return text.encode(encoding)


def xlsx(rows: list[list[object]], merge: str | None = None) -> bytes:
    """An Excel workbook whose first sheet holds `rows` from A1 (None = empty cell), optionally merging a range."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row_number, row in enumerate(rows, start=1):
        for column_number, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=row_number, column=column_number, value=value)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xls(rows: list[list[object]], merge_title_over: int = 0) -> bytes:
    """An old-style .xls workbook holding `rows` from A1, the first row merged over `merge_title_over` columns."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Bao cao")
    dates = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for row_number, row in enumerate(rows):
        if row_number == 0 and merge_title_over:
            sheet.write_merge(0, 0, 0, merge_title_over - 1, row[0])
            continue
        for column_number, value in enumerate(row):
            if isinstance(value, date):
                sheet.write(row_number, column_number, value, dates)
            elif value is not None:
                sheet.write(row_number, column_number, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(warehouse: Path, data: bytes | str, name: str = "bao_cao.csv", **options: object) -> FileOutcome:
    """Import bytes (or UTF-8 text) as if uploaded by a member of staff on TODAY."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    options.setdefault("uploaded_by", "can_bo")
    options.setdefault("today", TODAY)
    return import_file(payload, name, Warehouse.open(warehouse), **options)


def contents(warehouse: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: equal before and after means the warehouse did not change."""
    db = Warehouse.open(warehouse)
    tables = [row[0] for row in db.rows("SELECT table_name FROM information_schema.tables ORDER BY table_name")]
    return {table: sorted(db.rows(f"SELECT * FROM {table}"), key=repr) for table in tables}


def values_of(warehouse: Path, village: str, period: str) -> dict[str, int]:
    """The stored indicator values of one village's report."""
    rows = Warehouse.open(warehouse).rows(
        "SELECT indicator_code, value FROM report_values WHERE village_code = ? AND period = ?", [village, period]
    )
    return dict(rows)
