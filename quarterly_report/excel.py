"""The quarterly report's annexes as an Excel workbook: one sheet per table, numbers kept as numbers."""

from __future__ import annotations

import exports
import i18n
from quarterly_report.builder import QuarterlyReport
from quarterly_report.tables import ReportTable, annex_tables

NUMBER_FORMATS = {"integer": "#,##0", "decimal": "#,##0.0", "percent": "0.0%", "date": "dd/mm/yyyy"}
# Row 1 holds the sheet's title, row 2 the column headers, data start at row 3 (counted from 0 below).
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 0, 1, 2
BORDER = {"border": 1, "border_color": "#808080"}
TITLE_STYLE = {"bold": True, "font_size": 12}
HEADER_STYLE = {**BORDER, "bold": True, "pattern": 1, "bg_color": "#DDEBF7", "align": "center",
                "valign": "vcenter", "text_wrap": True}
A4_PAPER = 9


def render_xlsx(report: QuarterlyReport, language: str = i18n.DEFAULT_LANGUAGE) -> bytes:
    """The report's annex tables as the bytes of a .xlsx file."""
    title = i18n.t("report.doc.subtitle", language, quarter=i18n.ROMAN_QUARTERS[report.quarter_number],
                   year=report.year)
    return annex_workbook(title, annex_tables(report, language), language)


def annex_workbook(title: str, tables: list[ReportTable], language: str) -> bytes:
    """Annex tables as the bytes of a .xlsx file titled `title`: one sheet each, numbered as the document cites them."""
    workbook = exports.Workbook(title)
    for number, table in enumerate(tables, start=1):
        sheet = workbook.sheet(i18n.t("report.sheet_label", language, number=number, name=table.sheet))
        _write_sheet(sheet, table, i18n.t("report.annex_label", language, number=number))
    return workbook.to_bytes()


def _write_sheet(sheet: exports.Sheet, table: ReportTable, label: str) -> None:
    sheet.write(TITLE_ROW, 0, f"{label}. {table.title}", TITLE_STYLE)
    for index, column in enumerate(table.columns):
        sheet.write(HEADER_ROW, index, column.header, HEADER_STYLE)
        sheet.worksheet.set_column(index, index, column.width)
    rows = [*table.rows, *([table.totals] if table.totals else [])]
    for row_number, row in enumerate(rows, start=FIRST_DATA_ROW):
        is_totals = table.totals is not None and row_number == FIRST_DATA_ROW + len(rows) - 1
        for index, (column, value) in enumerate(zip(table.columns, row, strict=True)):
            style = {**BORDER, **({"bold": True} if is_totals else {})}
            if column.kind in NUMBER_FORMATS and not isinstance(value, str):
                style["num_format"] = NUMBER_FORMATS[column.kind]
            sheet.write(row_number, index, value, style)
    page = sheet.worksheet
    page.freeze_panes(FIRST_DATA_ROW, 0)
    # Printed as an annex: A4 landscape, as wide as the page, the header row repeated on every page.
    page.set_paper(A4_PAPER)
    page.set_landscape()
    page.fit_to_pages(1, 0)
    page.repeat_rows(HEADER_ROW)
    page.set_row(HEADER_ROW, 32)
