"""The national view's pieces: the province table as shown, the province map, and opening a province's city view."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import i18n
from ui.charts import plot_text
from ui.maps import _class_rows, _layout, _trace
from warehouse.geography import MapLayer

CITY_PAGE = "pages/city.py"
# The view the user has chosen travels with them to the province's city view.
KEPT_PARAMS = ("language",)


def shown_table(provinces: pd.DataFrame, language: str) -> pd.DataFrame:
    """The province table as the page shows it: Vietnamese numbers and percentages, no data said as such."""
    t = lambda key: i18n.t(f"national.column.{key}", language)  # noqa: E731
    no_data = i18n.t("national.no_data", language)
    return pd.DataFrame({
        t("province"): provinces["province_name"],
        t("headline"): [no_data if pd.isna(share) else i18n.percent(share, language)
                        for share in provinces["guided_share"]],
        t("guided"): [f"{i18n.number(guided, language)}/{i18n.number(households, language)}"
                      for guided, households in zip(provinces["households_guided"], provinces["households"],
                                                    strict=True)],
        t("communes_with_data"): [f"{i18n.number(with_data, language)}/{i18n.number(communes, language)}"
                                  for with_data, communes in zip(provinces["communes_with_data"],
                                                                 provinces["communes"], strict=True)],
        t("communes_meeting_target"): [i18n.number(count, language) for count in provinces["communes_meeting_target"]],
        t("communes_not_reported"): [i18n.number(count, language) for count in provinces["communes_not_reported"]],
    })


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


def open_province(code: str) -> None:
    """Go to the city view of province `code`, keeping the language."""
    kept = {key: st.query_params[key] for key in KEPT_PARAMS if key in st.query_params}
    st.switch_page(CITY_PAGE, query_params={**kept, "province": code})
