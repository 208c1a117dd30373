"""Tải dữ liệu lên: templates, a checked preview of an uploaded file, confirmation, and the history with undo."""

from datetime import date

import pandas as pd
import streamlit as st

import i18n
from operations import uploads as upload_operations
from operations.uploads import ACCEPTED, REFUSED, UNCHANGED, FileOutcome, UndoRefused, message
from ui import auth
from ui.cached import queries
from ui.context import settings, warehouse
from ui.document import uploader_texts
from ui.filters import filters
from ui.language import language, markdown_text, tr
from ui.url_state import url_selectbox
from warehouse import uploads
from warehouse.errors import WarehouseBusy
from warehouse.periods import is_month

ACCEPTED_TYPES = ["csv", "xlsx", "xls"]
UNDO_PENDING = "undo_pending"


def month_options(today: date, reported: list[str]) -> list[str]:
    """The months a template can be made for, newest first: this month back a year, and every month reported
    (a later month cannot be reported yet: the import refuses it)."""
    recent = pd.period_range(end=pd.Period(today, "M"), periods=13, freq="M")
    return sorted({str(month) for month in recent} | set(reported), reverse=True)


def problems_table(outcome: FileOutcome, lang: str) -> pd.DataFrame:
    """Every error and warning of the file as rows the user can read: row, column, kind, what to fix."""
    rows = [
        {tr("import.page.row"): problem.row,
         tr("import.page.column"): problem.column or "", tr("import.page.severity"): tr(f"import.page.{severity}"),
         tr("import.page.message"): message(problem, lang)}
        for severity, found in (("error", outcome.errors), ("warning", outcome.warnings)) for problem in found
    ]
    table = pd.DataFrame(rows)
    if not table.empty:
        # Row numbers stay numbers, a problem of the whole file has none (a column of numbers and text would not
        # convert for display, and the server would log the failure).
        table[tr("import.page.row")] = table[tr("import.page.row")].astype("Int64")
    return table


def changes_table(outcome: FileOutcome, lang: str) -> pd.DataFrame:
    """The stored figures the file raises, lowers or clears, old → new, in the file's row order."""
    cells = outcome.changed_cells
    return pd.DataFrame({
        tr("import.page.row"): cells["row"],
        tr("village.label"): cells["village_name"].fillna(cells["village_code"]),
        tr("import.page.period_column"): [i18n.period_label(period, lang) if isinstance(period, str) else ""
                                          for period in cells["period"]],
        tr("import.page.column"): cells["column"],
        tr("import.page.stored"): [i18n.number(value, lang) for value in cells["old"]],
        tr("import.page.in_file"): [i18n.number(value, lang) for value in cells["new"]],
        tr("import.page.change"): [tr(f"import.change.{change}") for change in cells["change"]],
    })


def load_file(data: bytes, name: str, dry_run: bool, allow_lower: bool = False) -> FileOutcome:
    """The file checked (and, unless `dry_run`, loaded) as the signed-in user, within that user's communes."""
    return upload_operations.import_file(db, data, name, user, settings(), dry_run=dry_run, allow_lower=allow_lower)


def load_confirmed(data: bytes, name: str, allow_lower: bool) -> FileOutcome | None:
    """The file loaded, after waiting (with a spinner) for someone else's upload to end; None when it did not end."""
    try:
        if db.busy():
            with st.spinner(tr("storage.waiting"), show_time=True):
                return load_file(data, name, dry_run=False, allow_lower=allow_lower)
        return load_file(data, name, dry_run=False, allow_lower=allow_lower)
    except WarehouseBusy:
        st.error(tr("storage.busy"))
        return None


def ask_to_undo(upload_id: int, file_name: str) -> bool | None:
    """What undoing the upload takes out and puts back, with buttons to go ahead or not: True to undo, False when
    the user calls it off, None until either is pressed."""
    preview = uploads.undo_preview(db, upload_id)
    question = st.empty()  # cleared once answered
    with question.container():
        st.warning(tr("import.page.undo_ask", upload=upload_id, file=file_name), icon=":material/undo:")
        st.dataframe(pd.DataFrame({
            tr("import.page.undo_data"): [tr(f"import.table.{table}") for table in preview["table"]],
            tr("import.page.undo_removed"): [i18n.number(count, lang) for count in preview["removed"]],
            tr("import.page.undo_restored"): [i18n.number(count, lang) for count in preview["restored"]],
        }), hide_index=True)
        go_ahead, cancel = st.columns(2)
        answer = (True if go_ahead.button(tr("import.page.undo_confirm"), type="primary", icon=":material/undo:")
                  else False if cancel.button(tr("import.page.undo_cancel")) else None)
    if answer is not None:
        question.empty()
    return answer


# Checked here, when the page runs, and not only by leaving it out of the navigation.
auth.require_role(*auth.UPLOADERS)
user = auth.signed_in_user()
chosen = filters()
lang = language()
db = warehouse()
st.title(tr("import.page.title"))
st.caption(tr("import.page.intro"))

st.subheader(tr("import.page.step_template"))
kind = url_selectbox(tr("import.page.kind"), list(upload_operations.KINDS), "loai",
                     format_func=lambda option: tr(f"import.kind.{option}"))
period = None
if kind == "monthly":
    default = chosen.period if chosen.period and is_month(chosen.period) else None
    options = month_options(date.today(), queries.reported_months(db, chosen.commune))
    period = url_selectbox(tr("import.page.period"), options, "ky_mau",
                           default=default if default in options else options[0],
                           format_func=lambda option: i18n.period_label(option, lang))
file_stem = f"mau_{kind}_{chosen.commune}" + (f"_{period}" if period else "")


def template(file_format: str) -> bytes:
    """The template file, written when its button is clicked."""
    return upload_operations.template_files(db, kind, chosen.commune, chosen.commune_name, period)[file_format]


left, right = st.columns(2)
left.download_button(tr("import.page.download_xlsx"), lambda: template("xlsx"),
                     f"{file_stem}.xlsx", icon=":material/download:",
                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
right.download_button(tr("import.page.download_csv"), lambda: template("csv"),
                      f"{file_stem}.csv", mime="text/csv", icon=":material/download:")

st.subheader(tr("import.page.step_upload"))
uploader_texts("upload_file", ACCEPTED_TYPES)
uploaded = st.file_uploader(tr("import.page.file"), type=ACCEPTED_TYPES, help=tr("import.page.file_help"),
                            key="upload_file")
if uploaded is not None:
    data = uploaded.getvalue()
    # The check lets lowered and cleared figures through so that they are shown; loading them needs the checkbox.
    checked = load_file(data, uploaded.name, dry_run=True, allow_lower=True)
    kind_name = tr(f"import.kind.{checked.kind}") if checked.kind else tr("import.page.unknown_kind")
    if checked.status == REFUSED:
        st.error(tr("import.page.refused", file=uploaded.name, errors=i18n.number(len(checked.errors), lang)))
    elif checked.status == UNCHANGED:
        st.info(tr("import.page.unchanged", file=uploaded.name, upload=checked.upload_id))
    else:
        st.success(tr("import.page.valid", file=uploaded.name, kind=kind_name, rows=i18n.number(checked.rows, lang),
                      warnings=i18n.number(len(checked.warnings), lang)))
    if checked.changes and checked.status == ACCEPTED:
        st.markdown(tr("import.page.changes", **{change: i18n.number(count, lang)
                                                 for change, count in checked.changes.items()}))
        if len(checked.changed_cells):
            st.dataframe(changes_table(checked, lang), hide_index=True, width="stretch")
    if checked.errors or checked.warnings:
        st.dataframe(problems_table(checked, lang), hide_index=True, width="stretch", placeholder="")
    if checked.preview is not None:
        with st.expander(tr("import.page.preview"), expanded=checked.status == REFUSED):
            shown = checked.preview.rename(columns={"row": tr("import.page.row"),
                                                    "errors": tr("import.page.errors"),
                                                    "warnings": tr("import.page.warnings")})
            st.dataframe(shown, hide_index=True, width="stretch")
    lowering_confirmed = False
    if checked.status == ACCEPTED and checked.needs_confirmation:
        st.warning(tr("import.page.lowers", lowered=i18n.number(checked.changes["lowered"], lang),
                      cleared=i18n.number(checked.changes["cleared"], lang)))
        lowering_confirmed = st.checkbox(tr("import.page.confirm_lower"), key="confirm_lower")
    if checked.status == ACCEPTED and st.button(tr("import.page.confirm"), type="primary",
                                                icon=":material/upload:",
                                                disabled=checked.needs_confirmation and not lowering_confirmed):
        progress = st.progress(0.2, text=tr("import.page.loading"))
        loaded = load_confirmed(data, uploaded.name, allow_lower=lowering_confirmed)
        progress.progress(1.0, text=tr("import.page.loaded_progress"))
        if loaded is not None and loaded.status == ACCEPTED:
            st.success(tr("import.page.loaded", file=uploaded.name, upload=loaded.upload_id,
                          rows=i18n.number(loaded.rows, lang)))
        elif loaded is not None and loaded.status == UNCHANGED:  # someone loaded the same file meanwhile
            st.info(tr("import.page.unchanged", file=uploaded.name, upload=loaded.upload_id))
        elif loaded is not None:
            st.error(tr("import.page.refused", file=uploaded.name, errors=i18n.number(len(loaded.errors), lang)))
            st.dataframe(problems_table(loaded, lang), hide_index=True, width="stretch", placeholder="")

st.subheader(tr("import.page.history"))
history = uploads.upload_history(db, [chosen.commune])
undoable = history.loc[history["status"] == ACCEPTED, "id"].tolist()
if undoable:
    names = dict(zip(history["id"], history["file_name"], strict=True))
    target = st.selectbox(tr("import.page.undo_choice"), undoable,
                          format_func=lambda upload_id: f"#{upload_id} — {names[upload_id]}")
    # Undo asks first, showing what it takes out and what it puts back.
    if st.button(tr("import.page.undo"), icon=":material/undo:"):
        st.session_state[UNDO_PENDING] = target
    if st.session_state.get(UNDO_PENDING) == target:
        confirmed = ask_to_undo(target, names[target])
        if confirmed is not None:
            st.session_state.pop(UNDO_PENDING, None)
        if confirmed:
            try:
                st.success(upload_operations.undo_upload(db, target, user, lang))
            except UndoRefused as refused:
                st.warning(markdown_text(refused.reason))
            except WarehouseBusy:
                st.error(tr("storage.busy"))
            history = uploads.upload_history(db, [chosen.commune])
if history.empty:
    st.info(tr("import.page.no_history"))
else:
    st.dataframe(pd.DataFrame({
        tr("import.page.upload_id"): history["id"],
        tr("import.page.when"): history["uploaded_at"].dt.strftime("%d/%m/%Y %H:%M"),
        tr("import.page.file_name"): history["file_name"],
        tr("import.page.kind"): history["kind"].map(lambda code: tr(f"import.kind.{code}")),
        tr("import.page.rows"): history["rows_accepted"].map(lambda count: i18n.number(count, lang)),
        tr("import.page.who"): history["uploaded_by"],
        tr("import.page.status"): history["status"].map(lambda code: tr(f"import.status.{code}")),
    }), hide_index=True, width="stretch")
