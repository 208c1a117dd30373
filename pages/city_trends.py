"""Xu hướng toàn thành phố: the city month by month, the communes by band, and the projection to the campaign's end."""

import pandas as pd
import streamlit as st

import i18n
from ui.cached import analysis, city
from ui.chart_key import show_chart
from ui.city import choose_city, city_trend_chart, distribution_chart, kept_params
from ui.context import warehouse
from ui.filters import filters
from ui.language import language, tr, tr_plain
from ui.tables import show_table

chosen = filters()
lang = language()
db = warehouse()
shown_city = choose_city(db, chosen)
province, province_name = shown_city.province, shown_city.province_name
st.title(tr("city.trends.title", province=province_name))
series = city.city_series(db, province)
target = i18n.percent(series.attrs["target_share"], lang, 0)
if shown_city.is_demo:
    st.warning(tr("city.demo_label"), icon=":material/science:")
st.page_link("pages/city.py", label=tr("city.trends.back"), icon=":material/location_city:", query_params=kept_params())
show_chart(city_trend_chart(series, lang))
show_chart(distribution_chart(series, lang))
end = i18n.day(analysis.CAMPAIGN_END, lang)
st.subheader(tr("city.projection.title", day=end))
st.markdown(tr("city.projection.method", months=analysis.PROJECTION_MONTHS, day=end, target=target))
projection = city.projected_communes(db, province)
at_risk = projection[projection["at_risk"]]
if at_risk.empty:
    st.success(tr("city.projection.none_at_risk", target=target))
else:
    st.warning(tr("city.projection.at_risk", count=len(at_risk), communes=len(projection), target=target))
shown = pd.DataFrame({
    tr("city.column.commune"): projection["commune_name"],
    tr("city.column.type"): [tr(f"city.type.{kind}") if isinstance(kind, str) else i18n.MISSING_VALUE
                             for kind in projection["unit_type"]],
    tr("city.projection.projected"): [i18n.percent(share, lang) for share in projection["projected_share"]],
    tr("city.projection.at_risk_column"): [tr("analysis.yes") if risk else tr("analysis.no")
                                           for risk in projection["at_risk"]],
    tr("city.projection.reported"): [tr("analysis.yes") if data else tr("city.no_data")
                                     for data in projection["has_data"]],
})
# On a phone the commune, its projected share and whether it is at risk; every column behind the expander.
show_table(shown, f"du-bao-cac-xa-{province}", tr_plain("city.projection.title", day=end),
           export=shown.assign(**{tr("city.projection.projected"): projection["projected_share"].round(4)}),
           main_columns=[tr("city.column.commune"), tr("city.projection.projected"),
                         tr("city.projection.at_risk_column")])
