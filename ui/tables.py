"""Tables on pages with their downloads: CSV (UTF-8 with BOM, so that Excel reads Vietnamese) and Excel.

Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-` or `@`) are prefixed with an
apostrophe in both exports, so that a note typed by a team cannot execute in the office's Excel (CSV injection).
"""

from __future__ import annotations

import io
import re

import pandas as pd
import streamlit as st

from ui.context import tr

FORMULA_STARTS = ("=", "+", "-", "@")
CSV_MIME = "text/csv"
EXCEL_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's limit on a sheet name.
SHEET_NAME_LENGTH = 31


def neutralise_cell(value: object) -> object:
    """A text starting like a formula gets a leading apostrophe; anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
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
    return neutralise_formulas(frame).to_csv(index=False).encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """The table as an .xlsx workbook of one sheet, formulas neutralised and kept as text."""
    buffer = io.BytesIO()
    sheet_name = re.sub(r"[\[\]:*?/\\]", " ", sheet)[:SHEET_NAME_LENGTH] or "Sheet1"
    # XlsxWriter would turn "=..." into a formula: write every string as a string.
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as workbook:
        neutralise_formulas(frame).to_excel(workbook, sheet_name=sheet_name, index=False)
    return buffer.getvalue()


def show_table(
    frame: pd.DataFrame, file_stem: str, title: str | None = None, export: pd.DataFrame | None = None
) -> None:
    """The table on the page, followed by its CSV and Excel downloads (file names start with `file_stem`).

    The downloads hold the table as shown, or `export` when given (e.g. the same columns as plain numbers).
    """
    st.dataframe(frame, hide_index=True, width="stretch")
    download_buttons(frame if export is None else export, file_stem, title or file_stem)


def download_buttons(frame: pd.DataFrame, file_stem: str, sheet: str) -> None:
    """Two buttons offering the table as CSV and as Excel."""
    csv_column, excel_column, _ = st.columns([1, 1, 4])
    csv_column.download_button(
        tr("analysis.tables.download_csv"), csv_bytes(frame), file_name=f"{file_stem}.csv", mime=CSV_MIME,
        key=f"download-csv-{file_stem}", icon=":material/download:", on_click="ignore",
    )
    excel_column.download_button(
        tr("analysis.tables.download_excel"), excel_bytes(frame, sheet), file_name=f"{file_stem}.xlsx", mime=EXCEL_MIME,
        key=f"download-excel-{file_stem}", icon=":material/table_view:", on_click="ignore",
    )
