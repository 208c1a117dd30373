"""Toàn thành phố: every commune of the city side by side for the Department: totals, ranking, map."""

from datetime import date

import streamlit as st

import i18n
from ui.cached import city
from ui.chart_key import show_chart
from ui.city import ALL_TYPES, UNIT_TYPES, choose_city, exported_table, filter_communes, kept_params, shown_table
from ui.context import settings, warehouse
from ui.filters import filters
from ui.language import language, tr
from ui.maps import clicked_location, commune_headline_map_figure
from ui.tables import download_buttons, show_columns
from ui.village_links import open_commune

chosen = filters()
lang = language()
db = warehouse()
shown_city = choose_city(db, chosen)
province, province_name, period = shown_city.province, shown_city.province_name, shown_city.period
st.title(tr("city.title", province=province_name))
deadline_day = settings().report_deadline_day
table = city.commune_table(db, province, period, deadline_day, date.today())
totals = city.city_totals(table)
period_name, quarter_name = i18n.period_label(period, lang), i18n.period_label(totals.quarter, lang)
target = i18n.percent(totals.target_share, lang, 0)

if shown_city.is_demo:
    st.warning(tr("city.demo_label"), icon=":material/science:")
st.caption(tr("city.period_caption", period=period_name))

cards = st.columns(4)
cards[0].metric(tr("city.card.guided"), i18n.percent(totals.guided_share, lang), border=True,
                delta=tr("city.card.guided_detail", guided=i18n.number(totals.households_guided, lang),
                         households=i18n.number(totals.households, lang)),
                delta_color="off", delta_arrow="off")
cards[1].metric(tr("city.card.meeting", target=target),
                f"{i18n.number(totals.communes_meeting_target, lang)}/{i18n.number(totals.communes, lang)}",
                border=True)
cards[2].metric(tr("city.card.not_reported"), i18n.number(totals.communes_not_reported, lang), border=True,
                help=tr("city.card.not_reported_help", quarter=quarter_name, day=deadline_day))
cards[3].metric(tr("city.card.median"), i18n.percent(totals.median_share, lang), border=True,
                delta=tr("city.card.with_data", count=i18n.number(totals.communes_with_data, lang),
                         communes=i18n.number(totals.communes, lang)),
                delta_color="off", delta_arrow="off")
st.caption(tr("city.definitions", target=target, day=deadline_day))

ranking, city_map = st.tabs([tr("city.tab.table"), tr("city.tab.map")])
st.page_link("pages/city_trends.py", label=tr("city.trends.link"), icon=":material/trending_up:",
             query_params=kept_params())

with ranking:
    left, right = st.columns([2, 3])
    unit_type = left.radio(tr("city.filter.type"), [ALL_TYPES, *UNIT_TYPES], horizontal=True, key="city_type",
                           format_func=lambda kind: tr(f"city.type.{kind}"))
    search = right.text_input(tr("city.filter.search"), key="city_search", placeholder=tr("city.filter.placeholder"))
    rows = filter_communes(table, unit_type, search)
    st.caption(tr("city.table.caption", shown=i18n.number(len(rows), lang), communes=i18n.number(len(table), lang)))
    shown = shown_table(rows, len(table), lang)
    # On a phone the commune and its headline (with its rank too it was 395 pixels wide); every column behind the
    # expander, in the order of the ranking.
    selected = show_columns(shown, [tr("city.column.commune"), tr("city.column.headline")], selection_key="city_table")
    if selected:
        open_commune(rows["commune_code"].iloc[selected[0]])
    st.caption(tr("city.table.click"))
    download_buttons(exported_table(rows, lang), f"cac-xa-{province}-{period}", tr("city.tab.table"))

with city_map:
    layer = city.province_map(db, province, table)
    if layer.rows.empty:
        st.info(tr("city.map.no_boundaries", province=province_name))
    else:
        st.caption(tr("city.map.caption", period=period_name, target=target))
        clicked = clicked_location(show_chart(
            commune_headline_map_figure(layer, lang), on_select="rerun", selection_mode="points",
            key="city_headline_map"))
        if clicked:
            open_commune(clicked)
