"""The national view's pieces: the province table as shown, the province map, and opening a province's city view."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import i18n
from ui.cached import cached_figure
from ui.charts import plot_text
from ui.filters import default_commune
from ui.maps import _class_rows, _layout, _trace
from warehouse import queries
from warehouse.database import Warehouse
from warehouse.geography import MapLayer

CITY_PAGE = "pages/city.py"
# The view the user has chosen travels with them to the province's city view.
KEPT_PARAMS = ("language",)


def shown_table(provinces: pd.DataFrame, language: str) -> pd.DataFrame:
    """The province table as the page shows it: Vietnamese numbers and percentages, no data said as such."""
    no_data = i18n.t("national.no_data", language)

    def number(value: int) -> str:
        return i18n.number(value, language)

    def out_of(parts: pd.Series, wholes: pd.Series) -> list[str]:
        return [f"{number(part)}/{number(whole)}" for part, whole in zip(parts, wholes, strict=True)]

    return pd.DataFrame({
        i18n.t("national.column.province", language): provinces["province_name"],
        i18n.t("national.column.headline", language): [
            no_data if pd.isna(share) else i18n.percent(share, language) for share in provinces["guided_share"]],
        i18n.t("national.column.guided", language): out_of(provinces["households_guided"], provinces["households"]),
        i18n.t("national.column.communes_with_data", language): out_of(provinces["communes_with_data"],
                                                                       provinces["communes"]),
        i18n.t("national.column.communes_meeting_target", language): provinces["communes_meeting_target"].map(number),
        i18n.t("national.column.communes_not_reported", language): provinces["communes_not_reported"].map(number),
    })


@cached_figure
def province_map_figure(layer: MapLayer, language: str) -> go.Figure:
    """The provinces coloured by the share of their households guided; grey without data."""
    no_data = i18n.t("national.no_data", language)
    figure = go.Figure()
    for item, colour, rows in _class_rows(layer.rows, "guided_share", layer.target_share):
        customdata = [
            [no_data if pd.isna(row.guided_share) else i18n.percent(row.guided_share, language),
             i18n.t("national.map.communes", language, with_data=i18n.number(row.communes_with_data, language),
                    communes=i18n.number(row.communes, language))]
            for row in rows.itertuples(index=False)
        ]
        figure.add_trace(_trace(
            layer.geojson, rows["province"].tolist(), rows["guided_share"].fillna(0).astype(float).tolist(), colour,
            no_data if item is None else item.label(language), customdata,
            "<b>%{text}</b><br>" + i18n.t("national.column.headline", language) + ": %{customdata[0]}<br>"
            + "%{customdata[1]}<extra></extra>",
        ))
        figure.data[-1].text = rows["province_name"].map(plot_text).tolist()
    target = i18n.percent(layer.target_share, language, 0)
    return _layout(figure, layer.geojson, i18n.t("maps.legend.coverage", language, target=target), language,
                   tiles=False)


def open_province(db: Warehouse, code: str, period: str) -> None:
    """Go to the city view of province `code` (the city of the sidebar's commune: the province's commune with the
    newest reports), keeping the language and the period."""
    communes = queries.communes(db)
    communes = communes[communes["province"] == code]
    if communes.empty:
        return
    kept = {key: st.query_params[key] for key in KEPT_PARAMS if key in st.query_params}
    st.switch_page(CITY_PAGE, query_params={**kept, "commune": default_commune(communes), "period": period})
