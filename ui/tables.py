"""Tables on pages with their downloads: CSV (UTF-8 with BOM, so that Excel reads Vietnamese) and Excel.

The files are written by `exports`, which keeps text from running as a spreadsheet formula (CSV injection).
Streamlit's own table toolbar offers no download (`client.disableDataExport` in `.streamlit/config.toml`): these
buttons are the only way out, so that no raw text leaves unneutralised.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import exports
from ui.language import tr

CSV_MIME = "text/csv"
EXCEL_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def show_table(
    frame: pd.DataFrame, file_stem: str, title: str | None = None, export: pd.DataFrame | None = None,
    main_columns: list[str] | None = None, main_widths: dict[str, str | int] | None = None,
) -> None:
    """The table on the page, followed by its CSV and Excel downloads (file names start with `file_stem`).

    With `main_columns`, the table shows those columns, and every column behind an expander (a narrow screen shows
    the few that matter; `main_widths` caps some of them, e.g. {"Chủ đề": "medium"} or in pixels). The downloads
    hold the whole table, or `export` when given (e.g. the same columns as plain numbers).
    """
    show_columns(frame, main_columns, main_widths=main_widths)
    download_buttons(frame if export is None else export, file_stem, title or file_stem)


def show_columns(frame: pd.DataFrame, main_columns: list[str] | None = None, selection_key: str | None = None,
                 main_widths: dict[str, str | int] | None = None) -> list[int]:
    """The table showing `main_columns`, every column behind an expander; with `selection_key`, a click on a row of
    either selects it, and the positions of the selected rows in `frame` are returned."""
    options = {} if selection_key is None else {"on_select": "rerun", "selection_mode": "single-row"}
    if main_columns is None or len(main_columns) == len(frame.columns):
        events = [st.dataframe(frame, hide_index=True, width="stretch", key=selection_key, **options)]
    else:
        widths = {column: st.column_config.Column(width=width) for column, width in (main_widths or {}).items()}
        events = [st.dataframe(frame[main_columns], hide_index=True, width="stretch", key=selection_key,
                               column_config=widths, **options)]
        with st.expander(tr("analysis.tables.all_columns", count=len(frame.columns))):
            events.append(st.dataframe(frame, hide_index=True, width="stretch",
                                       key=None if selection_key is None else f"{selection_key}-all", **options))
    if selection_key is None:
        return []
    return next((event.selection.rows for event in events if event is not None and event.selection.rows), [])


def download_buttons(frame: pd.DataFrame, file_stem: str, sheet: str) -> None:
    """Two buttons offering the table as CSV and as Excel, each file written when its button is clicked (few are:
    writing both for every table on every run took about a third of a page's time)."""
    csv_column, excel_column, _ = st.columns([1, 1, 4])
    csv_column.download_button(
        tr("analysis.tables.download_csv"), lambda: exports.csv_bytes(frame), file_name=f"{file_stem}.csv",
        mime=CSV_MIME, key=f"download-csv-{file_stem}", icon=":material/download:", on_click="ignore",
    )
    excel_column.download_button(
        tr("analysis.tables.download_excel"), lambda: exports.xlsx_bytes(frame, sheet), file_name=f"{file_stem}.xlsx",
        mime=EXCEL_MIME, key=f"download-excel-{file_stem}", icon=":material/table_view:", on_click="ignore",
    )
