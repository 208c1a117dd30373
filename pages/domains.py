"""Lĩnh vực: each digital domain's indicators, village by village, against the 80% target."""

import streamlit as st

import i18n
from ui.analysis_charts import coverage_heatmap
from ui.cached import analysis, queries
from ui.chart_key import show_chart
from ui.city_standing import show_city_medians
from ui.context import warehouse
from ui.filters import filters, stop_unless_reported
from ui.language import language, tr, tr_plain
from ui.tables import show_table
from ui.url_state import url_selectbox
from warehouse.codes import DIGITAL_DOMAINS
from warehouse.collation import vietnamese_order

chosen = filters()
lang = language()
db = warehouse()
st.title(tr("analysis.domains.title"))
stop_unless_reported(chosen)

domain = url_selectbox(tr("analysis.domains.domain"), list(DIGITAL_DOMAINS), key="domain",
                       format_func=lambda code: i18n.t(f"domain.{code}", lang))
period_name = i18n.period_in_sentence(chosen.period, lang)
indicators = analysis.household_indicators(db, domain)
cells = analysis.indicator_coverage_by_village(db, chosen.commune, chosen.period, domain)
if indicators.empty or cells["value"].isna().all():
    st.info(tr("analysis.domains.no_data", domain=tr(f"domain.{domain}"), period=period_name))
    st.stop()

short_name = dict(zip(indicators["code"], indicators[f"short_{lang}"], strict=True))
village_order = vietnamese_order(cells["village_name"])
means = queries.domain_coverage_by_village(db, chosen.commune, chosen.period)
means = means[means["domain"] == domain].set_index("village_name")["coverage"]
commune_mean = queries.domain_coverage_of_commune(db, chosen.commune, chosen.period).set_index("domain")
target = float(indicators["target_share"].max())

metric_column, _ = st.columns([1, 2])
metric_column.metric(tr("analysis.domains.commune_mean", domain=tr(f"domain.{domain}")),
                     i18n.percent(commune_mean.loc[domain, "coverage"], lang), border=True)
st.caption(tr("domain.definition", count=len(indicators)) + " " + tr("analysis.domains.commune_mean_help"))

heat = cells.assign(row=cells["village_name"], column=cells["indicator_code"].map(short_name))
show_chart(coverage_heatmap(
    heat, village_order, [short_name[code] for code in indicators["code"]], target,
    tr_plain("analysis.domains.chart_title", domain=tr(f"domain.{domain}"), period=period_name), lang,
    tr("village.label"),
))

mean_column = tr("analysis.domains.mean")
table = heat.assign(cell=[i18n.percent(share, lang) for share in heat["coverage"]]).pivot_table(
    index="row", columns="column", values="cell", aggfunc="first",
).reindex(index=village_order, columns=[short_name[code] for code in indicators["code"]])
table[mean_column] = [i18n.percent(means.get(name), lang) for name in village_order]
table = table.rename_axis(index=tr("village.label"), columns=None).reset_index()
# On a phone the village and the domain's mean; each indicator behind the expander.
show_table(table, f"linh-vuc-{domain}", tr(f"domain.{domain}"), main_columns=[tr("village.label"), mean_column])
st.caption(tr("domain.definition", count=len(indicators)) + " " + tr("analysis.domains.mean_help"))

show_city_medians(db, chosen, domain, short_name)
