"""Xuất báo cáo: the quarterly report for the People's Committee as Word and Excel, with the staff's own text."""

from datetime import date

import streamlit as st

import i18n
from quarterly_report import ReportRefused, build_quarterly_report, render_docx, render_xlsx
from ui import auth
from ui.context import connection, filters, language, settings, stop_unless_reported, tr, url_selectbox
from warehouse import queries, writer
from warehouse.periods import is_month, quarter_of, quarters_of
from warehouse.report_queries import ReportTexts, report_texts

auth.require_role(*auth.REPORTERS)

FILES_KEY = "report_files"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_FIELDS = ("difficulties", "next_tasks", "proposals")

chosen = filters()
lang = language()
con = connection()
st.title(tr("report.page.title"))
st.caption(tr("report.page.intro"))
stop_unless_reported(chosen)

quarters = list(reversed(quarters_of(queries.reported_months(con, chosen.commune))))
quarter = url_selectbox(
    tr("report.page.quarter"), quarters, "quarter",
    default=quarter_of(chosen.period) if is_month(chosen.period) else chosen.period,
    format_func=lambda option: i18n.period_label(option, lang),
)

saved = report_texts(con, chosen.commune, quarter)
# Keys carry the commune and quarter, so that choosing another quarter shows that quarter's saved text.
with st.form(f"report-texts-{chosen.commune}-{quarter}"):
    st.subheader(tr("report.page.texts"))
    typed = {field: st.text_area(tr(f"report.page.{field}"), getattr(saved, field), height=120)
             for field in TEXT_FIELDS}
    number_column, signatory_column = st.columns(2)
    report_number = number_column.text_input(tr("report.page.report_number"), saved.report_number)
    signatory = signatory_column.text_input(tr("report.page.signatory"), saved.signatory)
    generate = st.form_submit_button(tr("report.page.generate"), type="primary", icon=":material/description:")

if generate:
    texts = ReportTexts(**typed, report_number=report_number, signatory=signatory)
    writer.save_report_texts(settings().warehouse_path, chosen.commune, quarter, texts)
    try:
        report = build_quarterly_report(con, chosen.commune, quarter, settings(), date.today())
    except ReportRefused as refusal:
        st.error(tr(refusal.key, **refusal.values))
        st.stop()
    st.session_state[FILES_KEY] = {
        "for": (chosen.commune, quarter), "docx": render_docx(report, lang), "xlsx": render_xlsx(report, lang),
    }

files = st.session_state.get(FILES_KEY)
if files is not None and files["for"] == (chosen.commune, quarter):
    st.success(tr("report.page.ready", quarter=i18n.period_label(quarter, lang)))
    stem = f"bao-cao-{chosen.commune}-{quarter}"
    docx_column, xlsx_column = st.columns(2)
    docx_column.download_button(tr("report.page.download_docx"), files["docx"], file_name=f"{stem}.docx",
                                mime=DOCX_MIME, icon=":material/download:")
    xlsx_column.download_button(tr("report.page.download_xlsx"), files["xlsx"], file_name=f"{stem}.xlsx",
                                mime=XLSX_MIME, icon=":material/download:")
