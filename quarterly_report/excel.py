"""The quarterly report's annexes as an Excel workbook: one sheet per table, numbers kept as numbers."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

import i18n
from quarterly_report.builder import QuarterlyReport
from quarterly_report.tables import ReportTable, annex_tables

NUMBER_FORMATS = {"integer": "#,##0", "decimal": "#,##0.0", "percent": "0.0%", "date": "dd/mm/yyyy"}
# Row 1 holds the sheet's title, row 2 the column headers, data start at row 3.
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3
THIN = Side(style="thin", color="808080")
HEADER_FILL = PatternFill("solid", start_color="DDEBF7")


def render_xlsx(report: QuarterlyReport, language: str = i18n.DEFAULT_LANGUAGE) -> bytes:
    """The report's annex tables as the bytes of a .xlsx file."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for number, table in enumerate(annex_tables(report, language), start=1):
        sheet = workbook.create_sheet(i18n.t("report.sheet_label", language, number=number, name=table.sheet))
        _write_sheet(sheet, table, i18n.t("report.annex_label", language, number=number))
    workbook.properties.title = i18n.t(
        "report.doc.subtitle", language, quarter=i18n.ROMAN_QUARTERS[report.quarter_number], year=report.year
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet: Worksheet, table: ReportTable, label: str) -> None:
    sheet.cell(TITLE_ROW, 1, f"{label}. {table.title}").font = Font(bold=True, size=12)
    border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
    for index, column in enumerate(table.columns, start=1):
        header = sheet.cell(HEADER_ROW, index, column.header)
        header.font = Font(bold=True)
        header.fill = HEADER_FILL
        header.border = border
        header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    rows = [*table.rows, *([table.totals] if table.totals else [])]
    for row_number, row in enumerate(rows, start=FIRST_DATA_ROW):
        is_totals = table.totals is not None and row_number == FIRST_DATA_ROW + len(rows) - 1
        for index, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            cell = sheet.cell(row_number, index, value)
            cell.border = border
            if column.kind in NUMBER_FORMATS and not isinstance(value, str):
                cell.number_format = NUMBER_FORMATS[column.kind]
            if is_totals:
                cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 1)
    # Printed as an annex: A4 landscape, as wide as the page, the header row repeated on every page.
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.row_dimensions[HEADER_ROW].height = 32
