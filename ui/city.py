"""The city pages' pieces: which city and period, the commune table as shown and exported, filters, trend charts."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import i18n
from ui import auth
from ui.cached import city, registry
from ui.charts import CLASS_COLOURS, NOT_REPORTED_COLOUR, chart_title, separators, stacked
from ui.filters import Filters
from ui.language import tr
from warehouse.codes import DIGITAL_DOMAINS
from warehouse.database import Warehouse
from warehouse.queries import LOW_COVERAGE

UNIT_TYPES = ("xa", "phuong", "dac_khu")
ALL_TYPES = "all"
# What travels in the URL between the city pages and a commune's pages.
KEPT_PARAMS = ("language", "commune", "period")


@dataclass(frozen=True)
class ShownCity:
    province: str
    province_name: str
    period: str  # the sidebar's period, else the city's newest month
    is_demo: bool  # whether a demo commune's (invented) figures are among the city's


def choose_city(db: Warehouse, chosen: Filters) -> ShownCity:
    """The city of the chosen commune and the period to show; the page stops with a sentence when the session may
    not see every commune's figures (checked whenever the page runs), or when there is nothing to show."""
    if not auth.sees_city_map(db):
        st.error(tr("city.refused", roles=", ".join(auth.role_name(role) for role in auth.CITY_VIEWER_ROLES)),
                 icon=":material/lock:")
        st.stop()
    province = city.commune_province(db, chosen.commune)
    provinces = registry.provinces(db).set_index("code")["name"]
    if province is None or province not in provinces.index:
        st.info(tr("city.no_province", commune=chosen.commune_name))
        st.stop()
    months = city.province_months(db, province)
    period = chosen.period or (months[-1] if months else None)
    if period is None:
        st.info(tr("city.no_reports", province=provinces[province]))
        st.stop()
    return ShownCity(province, provinces[province], period, city.has_demo_data(db, province))


def kept_params() -> dict[str, str]:
    """The URL parameters a link between the city pages keeps (language, commune, period)."""
    return {key: st.query_params[key] for key in KEPT_PARAMS if key in st.query_params}


def search_key(text: object) -> str:
    """Text without case, tone marks or the bar of đ, so that "gia loc" finds "Xã Gia Lộc"."""
    decomposed = unicodedata.normalize("NFD", str(text).casefold().replace("đ", "d"))
    return " ".join("".join(part for part in decomposed if not unicodedata.combining(part)).split())


def filter_communes(table: pd.DataFrame, unit_type: str, search: str) -> pd.DataFrame:
    """The rows of a commune table of one type (or all) whose name contains the search text (any accents)."""
    rows = table if unit_type == ALL_TYPES else table[table["unit_type"] == unit_type]
    wanted = search_key(search)
    if wanted:
        rows = rows[rows["commune_name"].map(search_key).str.contains(wanted, regex=False)]
    return rows.reset_index(drop=True)


def _report_status(status: object, language: str) -> str:
    return i18n.MISSING_VALUE if pd.isna(status) else i18n.t(f"city.report.{status}", language)


def _columns(language: str) -> dict[str, str]:
    names = ["rank", "commune", "type", "headline", "guided", "villages_meeting", *DIGITAL_DOMAINS, "members",
             "training", "latest_report", "quarterly_report", "reports"]
    return {name: i18n.t(f"domain.{name}" if name in DIGITAL_DOMAINS else f"city.column.{name}", language)
            for name in names}


def shown_table(rows: pd.DataFrame, communes: int, language: str) -> pd.DataFrame:
    """The commune table as the page shows it (rank out of `communes`): Vietnamese numbers, percentages and words;
    no data said as such."""
    column = _columns(language)
    no_data = i18n.t("city.no_data", language)
    frame = pd.DataFrame({
        column["rank"]: [i18n.MISSING_VALUE if pd.isna(rank) else f"{rank}/{communes}"
                         for rank in rows["rank"]],
        column["commune"]: rows["commune_name"],
        column["type"]: [i18n.t(f"city.type.{kind}", language) if isinstance(kind, str) else i18n.MISSING_VALUE
                         for kind in rows["unit_type"]],
        column["headline"]: [no_data if pd.isna(share) else i18n.percent(share, language)
                             for share in rows["guided_share"]],
        column["guided"]: [f"{i18n.number(guided, language)}/{i18n.number(households, language)}"
                           for guided, households in zip(rows["households_guided"], rows["households"], strict=True)],
        column["villages_meeting"]: [
            f"{i18n.number(meeting, language)}/{i18n.number(villages, language)}"
            for meeting, villages in zip(rows["villages_meeting_target"], rows["villages"], strict=True)],
    })
    for domain in DIGITAL_DOMAINS:
        frame[column[domain]] = [i18n.percent(share, language) for share in rows[domain]]
    frame[column["members"]] = [i18n.number(members, language) for members in rows["members"]]
    frame[column["training"]] = [i18n.percent(rate, language) for rate in rows["training_rate"]]
    frame[column["latest_report"]] = [i18n.period_label(month, language) if isinstance(month, str)
                                      else i18n.MISSING_VALUE for month in rows["latest_report"]]
    frame[column["quarterly_report"]] = [_report_status(status, language) for status in rows["quarterly_report"]]
    frame[column["reports"]] = [
        i18n.t("city.reports_count", language, on_time=on_time, late=late, missing=missing)
        for on_time, late, missing in zip(rows["reports_on_time"], rows["reports_late"], rows["reports_missing"],
                                          strict=True)]
    return frame


def exported_table(rows: pd.DataFrame, language: str) -> pd.DataFrame:
    """The commune table for a spreadsheet: the same columns, numbers as numbers (shares to 4 decimals)."""
    column = _columns(language)
    frame = pd.DataFrame({
        column["rank"]: rows["rank"].astype("object").where(rows["rank"].notna(), None),
        i18n.t("city.column.code", language): rows["commune_code"],
        column["commune"]: rows["commune_name"],
        column["type"]: [i18n.t(f"city.type.{kind}", language) if isinstance(kind, str) else None
                         for kind in rows["unit_type"]],
        column["headline"]: rows["guided_share"].astype(float).round(4),
        i18n.t("city.column.households_guided", language): rows["households_guided"],
        i18n.t("city.column.households", language): rows["households"],
        i18n.t("city.column.villages_meeting_count", language): rows["villages_meeting_target"],
        i18n.t("city.column.villages", language): rows["villages"],
    })
    for domain in DIGITAL_DOMAINS:
        frame[column[domain]] = rows[domain].astype(float).round(4)
    frame[column["members"]] = rows["members"]
    frame[column["training"]] = rows["training_rate"].astype(float).round(4)
    frame[column["latest_report"]] = rows["latest_report"]
    frame[column["quarterly_report"]] = [_report_status(status, language) for status in rows["quarterly_report"]]
    frame[i18n.t("city.report.on_time", language)] = rows["reports_on_time"]
    frame[i18n.t("city.report.late", language)] = rows["reports_late"]
    frame[i18n.t("city.report.missing", language)] = rows["reports_missing"]
    return frame


def city_trend_chart(series: pd.DataFrame, language: str) -> go.Figure:
    """The city's share of households guided per month, with the target line."""
    target = series.attrs["target_share"]
    # Two lines per month, so that four to twelve labels stay level and apart on a phone.
    months = [stacked(i18n.period_label(month, language)) for month in series["period"]]
    figure = go.Figure(go.Scatter(
        x=months, y=series["guided_share"], mode="lines+markers+text", name=i18n.t("city.headline", language),
        text=[i18n.percent(share, language) for share in series["guided_share"]], textposition="top center",
        line={"color": CLASS_COLOURS["on_target"]},
        hovertemplate="%{x}: %{text}<extra></extra>",
    ))
    figure.add_hline(y=target, line_dash="dash", line_color="#333333",
                     annotation_text=i18n.t("target.label", language, share=i18n.percent(target, language, 0)))
    figure.update_layout(
        title=chart_title(i18n.t("city.trends.city_chart", language)), separators=separators(language), height=360,
        yaxis={"tickformat": ".0%", "range": [0, 1.05], "title": i18n.t("coverage.axis", language)},
        xaxis={"type": "category", "tickangle": 0},
        margin={"l": 10, "r": 10, "t": 10, "b": 10}, showlegend=False,
    )
    return figure


def distribution_chart(series: pd.DataFrame, language: str) -> go.Figure:
    """How many communes fall under half, under the target, at or above it, or have no data, month by month."""
    target = series.attrs["target_share"]
    # Two lines per month, so that four to twelve labels stay level and apart on a phone.
    months = [stacked(i18n.period_label(month, language)) for month in series["period"]]
    bands = [(city.BELOW_HALF, CLASS_COLOURS["below_half"]), (city.BELOW_TARGET, CLASS_COLOURS["below_target"]),
             (city.MEETING_TARGET, CLASS_COLOURS["on_target"]), (city.WITHOUT_DATA, NOT_REPORTED_COLOUR)]
    figure = go.Figure([
        go.Bar(x=months, y=series[band], name=band_label(band, target, language), marker_color=colour,
               text=series[band], textposition="inside", hovertemplate="%{x}: %{y}<extra>%{fullData.name}</extra>")
        for band, colour in bands
    ])
    figure.update_layout(
        barmode="stack", title=chart_title(i18n.t("city.trends.distribution_chart", language)),
        separators=separators(language), height=360,
        # Headroom above the tallest bar, so that the top tick's label stays clear of the title.
        yaxis={"title": i18n.t("city.trends.communes_axis", language),
               "range": [0, 1.1 * float(series[[band for band, _ in bands]].sum(axis=1).max() or 1)]},
        xaxis={"type": "category", "tickangle": 0},
        margin={"l": 10, "r": 10, "t": 10, "b": 10}, showlegend=False,
    )
    return figure


def band_label(band: str, target_share: float, language: str) -> str:
    """The name of a band of communes, with its limits from the target (e.g. `50% – dưới 80%`)."""
    return i18n.t(f"city.band.{band}", language, half=i18n.percent(min(LOW_COVERAGE, target_share), language, 0),
                  target=i18n.percent(target_share, language, 0))
