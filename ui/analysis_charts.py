"""Figures of the analysis pages: a village × indicator heatmap and coverage over time, both with the 80% target."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

import i18n
from ui.cached import cached_figure
from ui.charts import coverage_classes, plot_text, separators
from warehouse.analysis import RECEIVED
from warehouse.codes import LATE, MISSING, NOT_DUE, ON_TIME

# Cells above 100% are drawn as 100% (the top class); their text still says the real share.
COLOUR_CEILING = 1.0
LINE_DASHES = ("solid", "dot", "dash", "longdash", "dashdot")


def _class_colourscale(target_share: float) -> list[tuple[float, str]]:
    """Hard steps at the class limits, so that each coverage class is one flat colour on the 0..100% scale."""

    def position(share: float) -> float:
        # The top class (100% and over) gets a sliver at the very end of the scale.
        return COLOUR_CEILING - 1e-6 if share >= COLOUR_CEILING else share / COLOUR_CEILING

    scale: list[tuple[float, str]] = []
    for item in coverage_classes(target_share):
        end = 1.0 if item.high == float("inf") else position(item.high)
        scale += [(position(item.low), item.colour), (end, item.colour)]
    return scale


@cached_figure
def coverage_heatmap(
    cells: pd.DataFrame, rows: list[str], columns: list[str], target_share: float, title: str, language: str,
    x_title: str, y_title: str,
) -> go.Figure:
    """A heatmap of coverage (columns row, column, coverage), in the order given, with the target on the colour bar.

    Empty cells (not reported) stay blank and read `—`.
    """
    grid = cells.pivot_table(index="row", columns="column", values="coverage", aggfunc="first", dropna=False)
    grid = grid.reindex(index=rows, columns=columns)
    shares = grid.to_numpy(dtype=float)
    text = [[i18n.percent(share, language) for share in row] for row in shares]
    target_text = i18n.t("target.label", language, share=i18n.percent(target_share, language, 0))
    ticks = sorted({item.low for item in coverage_classes(target_share)} | {COLOUR_CEILING})
    figure = go.Figure(go.Heatmap(
        z=[[min(share, COLOUR_CEILING) if share == share else None for share in row] for row in shares],
        x=[plot_text(column) for column in columns], y=[plot_text(row) for row in rows], text=text,
        texttemplate="%{text}", zmin=0, zmax=COLOUR_CEILING,
        colorscale=_class_colourscale(target_share), xgap=2, ygap=2,
        hovertemplate="<b>%{y}</b><br>%{x}: %{text}<extra></extra>",
        colorbar={
            "title": {"text": i18n.t("coverage.axis", language)}, "tickvals": ticks,
            "ticktext": [target_text if tick == target_share else i18n.percent(tick, language, 0) for tick in ticks],
        },
    ))
    figure.update_layout(
        title=plot_text(title), separators=separators(language), height=max(320, 28 * len(rows) + 160),
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        xaxis={"title": x_title, "side": "top"}, yaxis={"title": y_title, "autorange": "reversed"},
    )
    return figure


@cached_figure
def coverage_lines(
    series: pd.DataFrame, target_share: float, title: str, language: str, x_title: str,
    highlight: str | None = None,
) -> go.Figure:
    """Coverage over time, one line per series (columns series, period, coverage), the target as a dashed line.

    The `highlight` series (e.g. the commune) is drawn thick and black, the others thin.
    """
    periods = sorted(series["period"].unique())
    labels = {period: i18n.period_label(period, language) for period in periods}
    figure = go.Figure()
    for position, (name, rows) in enumerate(series.groupby("series", sort=False)):
        rows = rows.sort_values("period")
        emphasised = name == highlight
        figure.add_scatter(
            x=[labels[period] for period in rows["period"]], y=rows["coverage"].tolist(), name=plot_text(name),
            mode="lines+markers",
            line={"width": 4 if emphasised else 1.5, "dash": LINE_DASHES[position % len(LINE_DASHES)],
                  **({"color": "#222222"} if emphasised else {})},
            customdata=[i18n.percent(share, language) for share in rows["coverage"]],
            hovertemplate="<b>%{fullData.name}</b><br>%{x}: %{customdata}<extra></extra>",
        )
    figure.add_hline(
        y=target_share, line_dash="dash", line_color="#b2182b",
        annotation_text=i18n.t("target.label", language, share=i18n.percent(target_share, language, 0)),
        annotation_position="top left",
    )
    figure.update_layout(
        title=plot_text(title), separators=separators(language), height=440,
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
        xaxis={"title": x_title, "type": "category", "categoryorder": "array",
               "categoryarray": [labels[period] for period in periods]},
        yaxis={"title": i18n.t("coverage.axis", language), "tickformat": ".0%", "rangemode": "tozero"},
    )
    return figure


# Report statuses from best to worst, with colours in the coverage classes' red → green family.
STATUS_COLOURS = {ON_TIME: "#00441b", RECEIVED: "#5aae61", NOT_DUE: "#d9d9d9", LATE: "#fdb863", MISSING: "#b2182b"}


@cached_figure
def reporting_status_chart(
    matrix: pd.DataFrame, rows: list[str], columns: list[str], title: str, language: str, x_title: str,
    y_title: str,
) -> go.Figure:
    """Village × month squares coloured by report status (columns row, column, status), named in the legend."""
    statuses = list(STATUS_COLOURS)
    grid = matrix.pivot_table(index="row", columns="column", values="status", aggfunc="first")
    grid = grid.reindex(index=rows, columns=columns)
    positions = [[statuses.index(status) if isinstance(status, str) else None for status in row]
                 for row in grid.to_numpy()]
    names = [[i18n.t(f"analysis.status.{status}", language) if isinstance(status, str) else ""
              for status in row] for row in grid.to_numpy()]
    last = len(statuses) - 1
    # One flat band of the 0..1 colour scale per status.
    scale = [item for position, status in enumerate(statuses)
             for item in ((position / (last + 1), STATUS_COLOURS[status]),
                          ((position + 1) / (last + 1), STATUS_COLOURS[status]))]
    figure = go.Figure(go.Heatmap(
        z=positions, x=columns, y=[plot_text(row) for row in rows], text=names, zmin=-0.5, zmax=last + 0.5,
        colorscale=scale, xgap=2, ygap=2,
        hovertemplate="<b>%{y}</b><br>%{x}: %{text}<extra></extra>",
        colorbar={"tickvals": list(range(len(statuses))),
                  "ticktext": [i18n.t(f"analysis.status.{status}", language) for status in statuses]},
    ))
    figure.update_layout(
        title=plot_text(title), separators=separators(language), height=max(320, 24 * len(rows) + 160),
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        xaxis={"title": x_title, "side": "top", "type": "category"},
        yaxis={"title": y_title, "autorange": "reversed", "type": "category"},
    )
    return figure
