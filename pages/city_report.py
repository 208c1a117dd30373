"""Báo cáo của Sở: the Department's quarterly summary of a province as Word and Excel, made on demand (nothing is
saved: the number and signatory typed here go into the files only)."""

from datetime import date

import streamlit as st

import i18n
from operations.reports import record_report_export
from quarterly_report import ReportRefused
from quarterly_report.department import build_city_report, render_city_docx, render_city_xlsx
from ui import auth
from ui.cached import city, registry
from ui.context import settings, warehouse
from ui.language import language, tr
from ui.url_state import url_selectbox
from warehouse.periods import quarters_of

auth.require_role(*auth.CITY_VIEWER_ROLES)

FILES_KEY = "city_report_files"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

lang = language()
db = warehouse()
st.title(tr("report.city.page.title"))
st.caption(tr("report.city.page.intro"))

allowed = auth.city_provinces()
registered = registry.provinces(db)
provinces = registered[registered["code"].map(lambda code: (allowed is None or code in allowed)
                                                and bool(city.province_months(db, code)))]
if provinces.empty:
    st.info(tr("report.city.page.nothing" if allowed != [] else "report.city.page.refused"))
    st.stop()
names = dict(zip(provinces["code"], provinces["name"], strict=True))
province = url_selectbox(tr("report.city.page.province"), list(names), "province", format_func=names.get)
quarters = list(reversed(quarters_of(city.province_months(db, province))))
quarter = url_selectbox(tr("report.page.quarter"), quarters, "quarter",
                        format_func=lambda option: i18n.period_label(option, lang))

with st.form(f"city-report-{province}-{quarter}"):
    number_column, signatory_column = st.columns(2)
    report_number = number_column.text_input(tr("report.page.report_number"))
    signatory = signatory_column.text_input(tr("report.page.signatory"))
    st.caption(tr("report.city.page.not_saved"))
    generate = st.form_submit_button(tr("report.page.generate_only"), type="primary", icon=":material/description:")

if generate:
    try:  # refused: a quarter without data, or a Word template the program cannot fill
        report = build_city_report(db, province, quarter, settings(), date.today(), number=report_number,
                                   signatory=signatory)
        st.session_state[FILES_KEY] = {"for": (province, quarter), "docx": render_city_docx(report, lang),
                                       "xlsx": render_city_xlsx(report, lang)}
    except ReportRefused as refusal:
        st.error(tr(refusal.key, **refusal.values))
        st.stop()
    record_report_export(db, auth.signed_in_user(), province, quarter)

files = st.session_state.get(FILES_KEY)
if files is not None and files["for"] == (province, quarter):
    st.success(tr("report.city.page.ready", province=names[province], quarter=i18n.period_label(quarter, lang)))
    stem = f"bao-cao-so-{province}-{quarter}"
    docx_column, xlsx_column = st.columns(2)
    docx_column.download_button(tr("report.page.download_docx"), files["docx"], file_name=f"{stem}.docx",
                                mime=DOCX_MIME, icon=":material/download:")
    xlsx_column.download_button(tr("report.page.download_xlsx"), files["xlsx"], file_name=f"{stem}.xlsx",
                                mime=XLSX_MIME, icon=":material/download:")
