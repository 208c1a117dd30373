"""Toàn quốc: every province side by side (admins, and the Department's reviewers of every province), each row
made of its city view's totals; a click opens that province's city view."""

from datetime import date

import streamlit as st

import i18n
from ui import auth
from ui.cached import city, geography, registry
from ui.chart_key import show_chart
from ui.context import settings, warehouse
from ui.filters import period_options
from ui.language import language, tr
from ui.maps import clicked_location
from ui.national import open_province, province_map_figure, shown_table
from ui.tables import show_columns
from ui.url_state import url_selectbox
from warehouse.periods import is_month

lang = language()
db = warehouse()
st.title(tr("national.title"))

# Checked here, whenever the page runs: the navigation offers the page to these sessions only.
allowed = auth.city_provinces()
if not auth.sees_city_map(db) or (allowed is not None and len(allowed) < 2):
    st.info(tr("national.refused"), icon=":material/lock:")
    st.stop()
registered = registry.provinces(db)
codes = [code for code in registered["code"] if allowed is None or code in allowed]
months = sorted({month for code in codes for month in city.province_months(db, code)})
if not months:
    st.info(tr("national.no_reports"))
    st.stop()
options = period_options(months)
period = url_selectbox(tr("sidebar.period"), options, "national_period",
                       default=next(option for option in options if is_month(option)),
                       format_func=lambda option: i18n.period_label(option, lang))

provinces = city.province_table(db, period, settings().report_deadline_day, date.today(), codes)
if provinces.attrs["is_demo"]:
    st.warning(tr("national.demo"), icon=":material/science:")
with_data = provinces[provinces["guided_share"].notna()]
first, second, third = st.columns(3)
first.metric(tr("national.metric.provinces"),
             f"{i18n.number(len(with_data), lang)}/{i18n.number(len(provinces), lang)}")
households, guided = int(provinces["households"].sum()), int(provinces["households_guided"].sum())
second.metric(tr("national.metric.guided"), i18n.percent(guided / households if households else None, lang),
              help=tr("national.metric.guided_help", guided=i18n.number(guided, lang),
                      households=i18n.number(households, lang)))
third.metric(tr("national.metric.meeting"), i18n.number(int(provinces["communes_meeting_target"].sum()), lang))
st.caption(tr("national.definitions", target=i18n.percent(provinces.attrs["target_share"], lang, 0)))

# On a phone the province and its headline; every column behind the expander.
selected = show_columns(shown_table(provinces, lang), [tr("national.column.province"), tr("national.column.headline")],
                        selection_key="national_table")
if selected:
    open_province(db, provinces["province"].iloc[selected[0]], period)

st.subheader(tr("national.map.title"))
layer = geography.national_map(provinces)
event = show_chart(province_map_figure(layer, lang), on_select="rerun", selection_mode="points",
                   key="national_map")
clicked = clicked_location(event)
if clicked:
    open_province(db, clicked, period)
st.caption(tr("national.open_hint"))
