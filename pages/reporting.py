"""Tiến độ báo cáo: which village reported each month, and whether each quarterly report arrived by the deadline."""

from datetime import date

import streamlit as st

import i18n
from ui.analysis_charts import reporting_status_chart
from ui.cached import analysis
from ui.chart_key import show_chart
from ui.context import settings, warehouse
from ui.filters import filters, stop_unless_reported
from ui.language import language, tr, tr_plain
from ui.tables import show_table

chosen = filters()
lang = language()
db = warehouse()
deadline_day = settings().report_deadline_day
st.title(tr("analysis.reporting.title"))
st.caption(tr("analysis.reporting.rule", day=deadline_day))
stop_unless_reported(chosen)

today = date.today()
matrix = analysis.reporting_matrix(db, chosen.commune, deadline_day, today)
months = analysis.reporting_months(db, chosen.commune)
month_labels = {month: i18n.period_label(month, lang) for month in months}

st.subheader(tr("analysis.reporting.matrix"))
villages = matrix.drop_duplicates("village_code")["village_name"].tolist()
show_chart(reporting_status_chart(
    matrix.assign(row=matrix["village_name"], column=matrix["period"].map(month_labels)), villages,
    list(month_labels.values()), tr_plain("analysis.reporting.chart_title", commune=chosen.commune_name), lang,
    tr("village.label"),
))
statuses = matrix.assign(
    label=[tr(f"analysis.status.{status}") for status in matrix["status"]],
    column=matrix["period"].map(month_labels),
)
# By village's name (each village has one team; its code means nothing to a reader).
wide = statuses.pivot_table(index="village_name", columns="column", values="label", aggfunc="first", sort=False)
wide = wide.reindex(columns=list(month_labels.values())).rename_axis(columns=None).reset_index()
wide = wide.rename(columns={"village_name": tr("village.label")})
# On a phone the village and its last two months; every month behind the expander.
show_table(wide, "tien-do-bao-cao", tr("analysis.reporting.matrix"),
           main_columns=[tr("village.label"), *list(month_labels.values())[-2:]])
st.caption(tr("analysis.reporting.matrix_caption"))

st.subheader(tr("analysis.reporting.rates"))
rates = analysis.reporting_rates(db, chosen.commune, deadline_day, today)
rates_shown = rates.assign(
    period=rates["period"].map(month_labels),
    closes_quarter=[tr("analysis.yes") if closes else tr("analysis.no") for closes in rates["closes_quarter"]],
    completeness=[i18n.percent(share, lang) for share in rates["completeness"]],
    timeliness=[i18n.percent(share, lang) for share in rates["timeliness"]],
    on_time=[i18n.number(count, lang) if closes else i18n.MISSING_VALUE
             for count, closes in zip(rates["on_time"], rates["closes_quarter"], strict=True)],
).rename(columns={
    "period": tr("analysis.period"), "closes_quarter": tr("analysis.reporting.closes_quarter"),
    "expected": tr("analysis.reporting.expected"), "received": tr("analysis.reporting.received"),
    "on_time": tr("analysis.reporting.on_time"), "completeness": tr("analysis.reporting.completeness"),
    "timeliness": tr("analysis.reporting.timeliness"),
})
show_table(rates_shown, "ty-le-bao-cao", tr("analysis.reporting.rates"),
           main_columns=[tr("analysis.period"), tr("analysis.reporting.completeness"),
                         tr("analysis.reporting.timeliness")])
st.caption(tr("analysis.reporting.rates_caption", day=deadline_day))
