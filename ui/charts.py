"""Plotly figures in the chosen language, with Vietnamese number separators and the target line."""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

import i18n
from ui.cached import cached_figure
from warehouse.queries import LOW_COVERAGE

NOT_REPORTED_COLOUR = "#bdbdbd"
# Red → amber → green with distinct lightness between neighbours, so the classes stay apart for colour-blind readers.
CLASS_COLOURS = {"below_half": "#b2182b", "below_target": "#fdb863", "on_target": "#5aae61", "complete": "#00441b"}
# `st.plotly_chart(..., config=CHART_CONFIG)`: no floating toolbar, which covered titles on a phone (and spoke English).
CHART_CONFIG = {"displayModeBar": False}
# A chart title's line length: on a 390-pixel phone a chart is about 358 pixels wide, some 40 characters of 15 px.
TITLE_LINE_CHARACTERS = 36
TITLE_FONT_SIZE = 15
# A map's legend: below it, left-aligned, in rows (over the map it hid villages on a phone). Other charts show no
# Plotly legend: a key under the chart (ui/chart_key.py) wraps like text, where a legend beside a chart took most of
# a phone's width and one below it ran into the axis labels.
LEGEND_BELOW = {"orientation": "h", "x": 0, "xanchor": "left", "yref": "container", "y": 0, "yanchor": "bottom"}


@dataclass(frozen=True)
class CoverageClass:
    key: str
    low: float
    high: float
    colour: str

    def label(self, language: str) -> str:
        """The class's name with its limits, e.g. `50% – dưới 80%`."""
        return i18n.t(f"coverage.class.{self.key}", language, low=i18n.percent(self.low, language, 0),
                      high=i18n.percent(min(self.high, 1.0), language, 0))


def coverage_classes(target_share: float) -> tuple[CoverageClass, ...]:
    """The classes of coverage around the target (the catalogue's `target_share`): under half the households, under
    the target, on target, complete (100% and over)."""
    target = min(target_share, 1.0)
    half = min(LOW_COVERAGE, target)
    limits = {"below_half": (0.0, half), "below_target": (half, target), "on_target": (target, 1.0),
              "complete": (1.0, float("inf"))}
    return tuple(CoverageClass(key, low, high, CLASS_COLOURS[key]) for key, (low, high) in limits.items())


def plot_text(value: object) -> str:
    """`value` as a Plotly chart shows it literally: Plotly reads `<a href>`, `<b>` and a few more tags in every
    text (titles, axis labels, hover), and names come from uploaded files."""
    return html.escape(str(value), quote=False)


def wrapped(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` characters (a longer word keeps its own line)."""
    return textwrap.wrap(str(text), width, break_long_words=False) or [""]


def stacked(label: str) -> str:
    """A short axis label on two lines (`Tháng<br>9/2025`), so that labels stay level and apart on a phone."""
    return label.replace(" ", "<br>", 1)


def chart_title(text: str) -> dict:
    """A Plotly title that wraps into lines (Plotly never wraps) and pushes the chart down instead of overlapping its
    axis labels; shown literally (see `plot_text`)."""
    lines = wrapped(text, TITLE_LINE_CHARACTERS)
    return {"text": "<br>".join(plot_text(line) for line in lines), "xref": "container", "x": 0, "xanchor": "left",
            "pad": {"l": 4}, "yref": "paper", "y": 1, "yanchor": "bottom", "automargin": True,
            "font": {"size": TITLE_FONT_SIZE}}


def coverage_class(share: float | None, target_share: float) -> CoverageClass | None:
    """The class of a coverage share against the target; None when there is no value (not reported)."""
    if share is None or pd.isna(share):
        return None
    return next(item for item in coverage_classes(target_share) if share < item.high)


def separators(language: str) -> str:
    """Plotly's decimal and thousands separators: `72,5%` and `1.234` in Vietnamese."""
    return ",." if language == "vi" else ".,"


@cached_figure
def coverage_bar_chart(
    villages: pd.DataFrame, target_share: float, title: str, language: str
) -> go.Figure:
    """Villages ranked by coverage (columns village_name, value, households, coverage), the target as a line."""
    ranked = villages.sort_values("coverage", ascending=True, na_position="first")
    figure = go.Figure()
    for item in (None, *coverage_classes(target_share)):
        if item is None:
            rows = ranked[ranked["coverage"].isna()]
            name, colour = i18n.t("coverage.not_reported", language), NOT_REPORTED_COLOUR
        else:
            rows = ranked[(ranked["coverage"] >= item.low) & (ranked["coverage"] < item.high)]
            name, colour = item.label(language), item.colour
        if rows.empty:
            continue
        figure.add_bar(
            x=rows["coverage"].fillna(0).tolist(), y=rows["village_name"].map(plot_text).tolist(), orientation="h",
            name=name,
            marker_color=colour,
            customdata=list(zip(
                [i18n.number(value, language) for value in rows["value"].astype(object)],
                [i18n.number(value, language) for value in rows["households"]],
                [i18n.percent(share, language) if pd.notna(share) else name for share in rows["coverage"]],
                strict=True,
            )),
            hovertemplate=(
                "<b>%{y}</b><br>"
                + i18n.t("coverage.axis", language) + ": %{customdata[2]}<br>"
                + i18n.t("coverage.value", language) + ": %{customdata[0]}<br>"
                + i18n.t("coverage.households", language) + ": %{customdata[1]}<extra></extra>"
            ),
        )
    figure.add_vline(
        x=target_share, line_dash="dash", line_color="#333333",
        annotation_text=i18n.t("target.label", language, share=i18n.percent(target_share, language, 0)),
        annotation_position="top",
    )
    figure.update_layout(
        title=chart_title(title), separators=separators(language), barmode="overlay",
        height=max(380, 22 * len(ranked) + 180), margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"title": i18n.t("coverage.axis", language), "tickformat": ".0%", "rangemode": "tozero"},
        yaxis={"title": i18n.t("village.label", language), "categoryorder": "array",
               "categoryarray": ranked["village_name"].map(plot_text).tolist()},
        showlegend=False,
    )
    return figure


def legend_entries(figure: go.Figure) -> list[tuple[str, str, str]]:
    """(name, colour, shape) of each bar or line trace a legend would list: shape `square` or `line`."""
    entries = []
    for trace in figure.data:
        if trace.type not in ("bar", "scatter") or not trace.name or trace.showlegend is False:
            continue
        if trace.type == "scatter" and "lines" in (trace.mode or ""):
            entries.append((trace.name, trace.line.color, "line"))
        else:
            entries.append((trace.name, trace.marker.color, "square"))
    return entries
