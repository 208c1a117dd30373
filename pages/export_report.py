"""Xuất báo cáo: the quarterly report for the People's Committee as Word and Excel, with the staff's own text."""

from datetime import date

import streamlit as st

import i18n
from operations.reports import record_report_export, save_report_text
from quarterly_report import ReportRefused, build_quarterly_report, render_docx, render_xlsx
from ui import auth
from ui.auth import works_for_commune
from ui.cached import queries
from ui.context import settings, warehouse
from ui.filters import filters, stop_unless_reported
from ui.language import language, tr
from ui.url_state import url_selectbox
from warehouse.periods import is_month, quarter_of, quarters_of
from warehouse.report_queries import ReportTexts, report_texts

auth.require_role(*auth.REPORTERS)

FILES_KEY = "report_files"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_FIELDS = ("difficulties", "next_tasks", "proposals")

chosen = filters()
lang = language()
db = warehouse()
st.title(tr("report.page.title"))
st.caption(tr("report.page.intro"))
stop_unless_reported(chosen)

quarters = list(reversed(quarters_of(queries.reported_months(db, chosen.commune))))
quarter = url_selectbox(
    tr("report.page.quarter"), quarters, "quarter",
    default=quarter_of(chosen.period) if is_month(chosen.period) else chosen.period,
    format_func=lambda option: i18n.period_label(option, lang),
)

saved = report_texts(db, chosen.commune, quarter)
# The commune's own words are written by its staff (or an admin); reviewers make the report with them as saved.
may_save = works_for_commune(chosen.commune)
# Keys carry the commune and quarter, so that choosing another quarter shows that quarter's saved text.
with st.form(f"report-texts-{chosen.commune}-{quarter}"):
    st.subheader(tr("report.page.texts"))
    if not may_save:
        st.caption(tr("report.page.texts_read_only"))
    typed = {field: st.text_area(tr(f"report.page.{field}"), getattr(saved, field), height=120, disabled=not may_save)
             for field in TEXT_FIELDS}
    number_column, signatory_column = st.columns(2)
    report_number = number_column.text_input(tr("report.page.report_number"), saved.report_number,
                                             disabled=not may_save)
    signatory = signatory_column.text_input(tr("report.page.signatory"), saved.signatory, disabled=not may_save)
    generate = st.form_submit_button(tr("report.page.generate" if may_save else "report.page.generate_only"),
                                     type="primary", icon=":material/description:")

if generate:
    if may_save:
        texts = ReportTexts(**typed, report_number=report_number, signatory=signatory)
        save_report_text(db, chosen.commune, quarter, texts, auth.signed_in_user())
    try:  # refused: a quarter without data, or a Word template the program cannot fill
        report = build_quarterly_report(db, chosen.commune, quarter, settings(), date.today())
        st.session_state[FILES_KEY] = {
            "for": (chosen.commune, quarter), "docx": render_docx(report, lang), "xlsx": render_xlsx(report, lang),
            "saved": may_save,
        }
    except ReportRefused as refusal:
        st.error(tr(refusal.key, **refusal.values))
        st.stop()
    record_report_export(db, auth.signed_in_user(), chosen.commune, quarter)

files = st.session_state.get(FILES_KEY)
if files is not None and files["for"] == (chosen.commune, quarter):
    st.success(tr("report.page.ready" if files["saved"] else "report.page.ready_read_only",
                  quarter=i18n.period_in_sentence(quarter, lang)))
    stem = f"bao-cao-{chosen.commune}-{quarter}"
    docx_column, xlsx_column = st.columns(2)
    docx_column.download_button(tr("report.page.download_docx"), files["docx"], file_name=f"{stem}.docx",
                                mime=DOCX_MIME, icon=":material/download:")
    xlsx_column.download_button(tr("report.page.download_xlsx"), files["xlsx"], file_name=f"{stem}.xlsx",
                                mime=XLSX_MIME, icon=":material/download:")
