"""Xu hướng: coverage month by month and quarter by quarter, and where each village will be on 31/12/2025."""

import pandas as pd
import streamlit as st

import i18n
from ui.analysis_charts import trend_lines
from ui.cached import analysis
from ui.chart_key import show_chart
from ui.charts import coverage_bar_chart
from ui.context import warehouse
from ui.filters import filters, stop_unless_reported
from ui.language import language, markdown_text, tr, tr_plain
from ui.tables import show_table
from ui.url_state import url_selectbox
from ui.village_links import open_clicked_village
from warehouse.codes import HEADLINE_INDICATOR
from warehouse.collation import sort_by_name

GRANULARITIES = ["month", "quarter"]

chosen = filters()
lang = language()
db = warehouse()
st.title(tr("analysis.trends.title"))
stop_unless_reported(chosen)

indicators = analysis.household_indicators(db)
short_name = dict(zip(indicators["code"], indicators[f"short_{lang}"], strict=True))
target_share = dict(zip(indicators["code"], indicators["target_share"], strict=True))
left, right = st.columns(2)
indicator = url_selectbox(tr("analysis.indicator"), list(short_name), key="indicator", default=HEADLINE_INDICATOR,
                          format_func=short_name.get, container=left)
granularity = url_selectbox(tr("analysis.trends.granularity"), GRANULARITIES, key="step",
                            format_func=lambda step: i18n.t(f"analysis.trends.{step}", lang), container=right)
quarterly = granularity == "quarter"

villages = sort_by_name(analysis.coverage_over_time(db, chosen.commune, indicator, quarterly), "village_name")
commune = analysis.commune_coverage_over_time(db, chosen.commune, indicator, quarterly)
commune_label = tr_plain("analysis.trends.commune", commune=chosen.commune_name)
lines = pd.concat([
    commune.assign(series=commune_label)[["series", "period", "coverage"]],
    villages.assign(series=villages["village_name"])[["series", "period", "coverage"]],
], ignore_index=True)
# The villages whose line leads below the target by 31/12/2025 are drawn in red and named; the others in grey.
indicator_projection = analysis.projected_coverage(db, chosen.commune, indicator=indicator)
at_risk_names = set(indicator_projection.loc[indicator_projection["at_risk"], "village_name"])
show_chart(trend_lines(
    commune, villages, commune_label, at_risk_names, float(target_share[indicator]),
    tr_plain("analysis.trends.chart_title", indicator=short_name[indicator]), lang, tr("analysis.period"),
))
st.caption(tr("analysis.trends.commune_help"))

table = lines.assign(
    column=lines["period"].map(lambda period: i18n.period_label(period, lang)),
    cell=[i18n.percent(share, lang) for share in lines["coverage"]],
).pivot_table(index="series", columns="column", values="cell", aggfunc="first", sort=False)
periods = [i18n.period_label(period, lang) for period in sorted(lines["period"].unique())]
table = table.reindex(columns=periods).rename_axis(index=tr("village.label"), columns=None).reset_index()
# On a phone the village and its last two periods; every period behind the expander.
show_table(table.fillna(i18n.MISSING_VALUE), f"xu-huong-{indicator}-{granularity}", short_name[indicator],
           main_columns=[tr("village.label"), *periods[-2:]])

st.subheader(tr("analysis.trends.change"))
change = analysis.quarter_over_quarter_change(db, chosen.commune, indicator)
if change.empty:
    st.info(tr("analysis.trends.one_quarter"))
else:
    previous = i18n.period_label(change.attrs["previous"], lang)
    latest = i18n.period_label(change.attrs["latest"], lang)
    shown = pd.DataFrame({
        tr("village.label"): change["village_name"],
        previous: [i18n.percent(share, lang) for share in change["previous"]],
        latest: [i18n.percent(share, lang) for share in change["latest"]],
        tr("analysis.trends.change_points"): [
            i18n.MISSING_VALUE if pd.isna(points) else ("+" if points > 0 else "") + i18n.number(points * 100, lang, 1)
            for points in change["change"]
        ],
    })
    # "+40,0" would read as a formula in a spreadsheet: the download carries the points as numbers.
    exported = shown.assign(**{
        previous: change["previous"].round(4), latest: change["latest"].round(4),
        tr("analysis.trends.change_points"): (change["change"] * 100).round(1),
    })
    show_table(shown, f"thay-doi-theo-quy-{indicator}", tr("analysis.trends.change"), export=exported,
               main_columns=[tr("village.label"), latest, tr("analysis.trends.change_points")])

st.subheader(tr("analysis.trends.projection", day=i18n.day(analysis.CAMPAIGN_END, lang)))
projection = analysis.projected_coverage(db, chosen.commune)
st.markdown(tr("analysis.trends.method", months=analysis.PROJECTION_MONTHS, day=i18n.day(analysis.CAMPAIGN_END, lang)))
target = projection.attrs["target_share"]
clicked = show_chart(coverage_bar_chart(
    projection, target, tr_plain("analysis.trends.projection_chart", day=i18n.day(analysis.CAMPAIGN_END, lang)), lang,
), on_select="rerun", selection_mode="points", key="projection-chart")
st.caption(tr("analysis.click_to_open_village"))
open_clicked_village(clicked, dict(zip(projection["village_name"], projection["village_code"], strict=True)))
at_risk = projection[projection["at_risk"]].sort_values("coverage")
if at_risk.empty:
    st.success(tr("analysis.trends.none_at_risk", target=i18n.percent(target, lang, 0)))
else:
    st.warning(tr("analysis.trends.at_risk", count=len(at_risk), target=i18n.percent(target, lang, 0)) + " "
               + markdown_text(", ".join(f"{row.village_name} ({i18n.percent(row.coverage, lang)})"
                                         for row in at_risk.itertuples())))
shown = sort_by_name(projection, "village_name", ["coverage"])
shown = pd.DataFrame({
    tr("village.label"): shown["village_name"],
    tr("coverage.households"): [i18n.number(value, lang) for value in shown["households"]],
    tr("analysis.trends.last_month"): [
        i18n.period_label(period, lang) if isinstance(period, str) else i18n.MISSING_VALUE
        for period in shown["last_period"]
    ],
    tr("analysis.trends.last_value"): [i18n.number(value, lang) for value in shown["last_value"]],
    tr("analysis.trends.projected_value"): [i18n.number(value, lang) for value in shown["value"]],
    tr("analysis.trends.projected_share"): [i18n.percent(share, lang) for share in shown["coverage"]],
    tr("analysis.trends.at_risk_column"): [tr("analysis.yes") if risk else tr("analysis.no")
                                          for risk in shown["at_risk"]],
})
show_table(shown, "du-bao-31-12-2025", tr("analysis.trends.projection_table"),
           main_columns=[tr("village.label"), tr("analysis.trends.projected_share"),
                         tr("analysis.trends.at_risk_column")])
