"""Figures of the analysis pages: a village × indicator heatmap and coverage over time, both with the 80% target."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

import i18n
from ui.cached import cached_figure
from ui.charts import (
    CLASS_COLOURS,
    TITLE_LINE_CHARACTERS,
    chart_title,
    coverage_classes,
    plot_text,
    separators,
    stacked,
    wrapped,
)
from warehouse.analysis import RECEIVED
from warehouse.codes import LATE, MISSING, NOT_DUE, ON_TIME

# Cells above 100% are drawn as 100% (the top class); their text still says the real share.
COLOUR_CEILING = 1.0
LINE_DASHES = ("solid", "dot", "dash", "longdash", "dashdot")
# Trends: villages on course in grey, villages at risk in the lowest class's red, the commune in black.
ON_COURSE_GREY, AT_RISK_RED, COMMUNE_BLACK = "#c4c4c4", CLASS_COLOURS["below_half"], "#222222"
# Line colours, set here so that the key under the chart can show them.
LINE_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f")
# A heatmap's column names, wrapped into lines of this many characters and written level above the columns: an
# indicator's name, a month's (`Tháng` over `10/2025`), each narrow enough for a phone.
INDICATOR_LABEL_CHARACTERS, MONTH_LABEL_CHARACTERS = 12, 7
TITLE_LINE_PIXELS, TICK_LINE_PIXELS = 22, 16


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
    y_title: str,
) -> go.Figure:
    """A heatmap of coverage (columns row, column, coverage), in the order given, with the target on the colour bar.

    Empty cells (not reported) stay blank and read `—`.
    """
    grid = cells.pivot_table(index="row", columns="column", values="coverage", aggfunc="first", dropna=False)
    grid = grid.reindex(index=rows, columns=columns)
    shares = grid.to_numpy(dtype=float)
    text = [[i18n.percent(share, language) for share in row] for row in shares]
    figure = go.Figure(go.Heatmap(
        z=[[min(share, COLOUR_CEILING) if share == share else None for share in row] for row in shares],
        x=_column_labels(columns, INDICATOR_LABEL_CHARACTERS), y=[plot_text(row) for row in rows], text=text,
        texttemplate="%{text}", zmin=0, zmax=COLOUR_CEILING,
        colorscale=_class_colourscale(target_share), xgap=2, ygap=2, showscale=False,
        hovertemplate="<b>%{y}</b><br>%{x}: %{text}<extra></extra>",
    ))
    _legend_squares(figure, [(item.label(language), item.colour) for item in coverage_classes(target_share)],
                    i18n.t("maps.legend.coverage", language,
                           target=i18n.percent(target_share, language, 0)))
    _heatmap_layout(figure, title, columns, INDICATOR_LABEL_CHARACTERS, y_title, language,
                    height=max(380, 28 * len(rows) + 240))
    return figure


def _column_labels(columns: list[str], width: int) -> list[str]:
    return ["<br>".join(plot_text(line) for line in wrapped(column, width)) for column in columns]


def _heatmap_layout(figure: go.Figure, title: str, columns: list[str], label_width: int, y_title: str,
                    language: str, height: int) -> None:
    """Title, then the column names level above the columns, each with room of its own (a Plotly title does not
    see labels above a chart); the legend below. No title over the columns: their names say what they are."""
    title_lines = len(wrapped(title, TITLE_LINE_CHARACTERS))
    label_lines = max((len(wrapped(column, label_width)) for column in columns), default=1)
    top = TITLE_LINE_PIXELS * title_lines + TICK_LINE_PIXELS * label_lines + 30
    # Plotly anchors a title of several lines by its first line: the others would rise above the figure.
    title_top = (8 + TITLE_LINE_PIXELS * (title_lines - 1)) / (height + top)
    figure.update_layout(
        title={**chart_title(title), "yref": "container", "y": 1 - title_top, "yanchor": "top", "automargin": False},
        separators=separators(language), height=height + top, margin={"l": 10, "r": 10, "t": top, "b": 10},
        showlegend=False,
        xaxis={"side": "top", "type": "category", "tickangle": 0, "automargin": False},
        yaxis={"title": y_title, "autorange": "reversed", "type": "category", "automargin": True},
    )


def _legend_squares(figure: go.Figure, entries: list[tuple[str, str]], title: str | None = None) -> None:
    """Legend entries (name, colour) as squares, for the key under a heatmap (a colour bar took a phone's width)."""
    for name, colour in entries:
        figure.add_scatter(x=[None], y=[None], mode="markers", name=plot_text(name), showlegend=True,
                           marker={"symbol": "square", "size": 12, "color": colour}, hoverinfo="skip")
    if title is not None:
        figure.update_layout(legend_title={"text": plot_text(title), "side": "top"})


@cached_figure
def coverage_lines(
    series: pd.DataFrame, target_share: float, title: str, language: str, x_title: str,
    highlight: str | None = None,
) -> go.Figure:
    """Coverage over time, one line per series (columns series, period, coverage), the target as a dashed line.

    The `highlight` series (e.g. the commune) is drawn thick and black, the others thin.
    """
    periods = sorted(series["period"].unique())
    labels = {period: stacked(i18n.period_label(period, language)) for period in periods}
    figure = go.Figure()
    for position, (name, rows) in enumerate(series.groupby("series", sort=False)):
        rows = rows.sort_values("period")
        emphasised = name == highlight
        figure.add_scatter(
            x=[labels[period] for period in rows["period"]], y=rows["coverage"].tolist(), name=plot_text(name),
            mode="lines+markers",
            line={"width": 4 if emphasised else 1.5, "dash": LINE_DASHES[position % len(LINE_DASHES)],
                  "color": COMMUNE_BLACK if emphasised else LINE_COLOURS[position % len(LINE_COLOURS)]},
            customdata=[i18n.percent(share, language) for share in rows["coverage"]],
            hovertemplate="<b>%{fullData.name}</b><br>%{x}: %{customdata}<extra></extra>",
        )
    figure.add_hline(
        y=target_share, line_dash="dash", line_color="#b2182b",
        annotation_text=i18n.t("target.label", language, share=i18n.percent(target_share, language, 0)),
        annotation_position="top left",
    )
    figure.update_layout(
        title=chart_title(title), separators=separators(language), height=480,
        margin={"l": 10, "r": 10, "t": 10, "b": 10}, showlegend=False,
        xaxis={"title": x_title, "type": "category", "categoryorder": "array", "tickangle": 0,
               "categoryarray": [labels[period] for period in periods]},
        yaxis={"title": i18n.t("coverage.axis", language), "tickformat": ".0%", "rangemode": "tozero"},
    )
    return figure


# Pixels per character of an end label (12 px text) and the least vertical gap between two labels, in pixels.
LABEL_CHARACTER_PIXELS, LABEL_GAP_PIXELS = 6, 14
TREND_HEIGHT = 480


def spread_labels(values: list[float], gap: float) -> list[float]:
    """Label heights near `values` (in the order given) at least `gap` apart: labels that would overlap are set
    as one block centred on their values' mean."""
    order = sorted(range(len(values)), key=lambda index: values[index])
    blocks: list[list[int]] = []  # runs of label indexes, lowest first, each drawn `gap` apart
    for index in order:
        blocks.append([index])
        while len(blocks) > 1 and _block_bottom(blocks[-2], values, gap) + len(blocks[-2]) * gap > _block_bottom(
                blocks[-1], values, gap):
            blocks[-2:] = [blocks[-2] + blocks[-1]]
    placed = [0.0] * len(values)
    for block in blocks:
        bottom = _block_bottom(block, values, gap)
        for position, index in enumerate(block):
            placed[index] = bottom + position * gap
    return placed


def _block_bottom(block: list[int], values: list[float], gap: float) -> float:
    """The lowest label's height of a block centred on its values' mean."""
    return sum(values[index] for index in block) / len(block) - (len(block) - 1) * gap / 2


@cached_figure
def trend_lines(
    commune: pd.DataFrame, villages: pd.DataFrame, commune_label: str, at_risk: set[str], target_share: float,
    title: str, language: str, x_title: str,
) -> go.Figure:
    """The commune's coverage over time (columns period, coverage) drawn thick and black, each village's (columns
    village_name, period, coverage) thin: grey when on course, red and named at its line's end when at risk.

    No legend: the names that matter are written beside their lines, the others show on hover.
    """
    periods = sorted(set(commune["period"]) | set(villages["period"]))
    labels = {period: stacked(i18n.period_label(period, language)) for period in periods}
    figure = go.Figure()
    ends: list[tuple[str, str, float, str]] = []  # (name, x, y, colour) of each labelled line's last point

    def add_line(name: str, rows: pd.DataFrame, colour: str, width: float, labelled: bool) -> None:
        rows = rows.dropna(subset=["coverage"]).sort_values("period")
        if rows.empty:
            return
        x = [labels[period] for period in rows["period"]]
        figure.add_scatter(
            x=x, y=rows["coverage"].tolist(), name=plot_text(name), mode="lines+markers", showlegend=False,
            line={"width": width, "color": colour}, marker={"size": width + 3, "color": colour},
            customdata=[i18n.percent(share, language) for share in rows["coverage"]],
            hovertemplate="<b>%{fullData.name}</b><br>%{x}: %{customdata}<extra></extra>",
        )
        if labelled:
            ends.append((name, x[-1], float(rows["coverage"].iloc[-1]), colour))

    # Grey first, then red, then the commune: what matters is drawn on top.
    for risky in (False, True):
        for name, rows in villages.groupby("village_name", sort=False):
            if (name in at_risk) == risky:
                add_line(name, rows, AT_RISK_RED if risky else ON_COURSE_GREY, 2.5 if risky else 1.2, risky)
    add_line(commune_label, commune, COMMUNE_BLACK, 4, True)
    figure.add_hline(
        y=target_share, line_dash="dash", line_color=COMMUNE_BLACK,
        annotation_text=i18n.t("target.label", language, share=i18n.percent(target_share, language, 0)),
        annotation_position="top left",
    )
    top = max([target_share, *villages["coverage"].dropna(), *commune["coverage"].dropna()]) * 1.08
    plot_pixels = TREND_HEIGHT - 160  # the plot area, without title and axis labels
    heights = spread_labels([y for _, _, y, _ in ends], LABEL_GAP_PIXELS * top / plot_pixels)
    for (name, x, _, colour), height in zip(ends, heights, strict=True):
        figure.add_annotation(x=x, y=height, text=plot_text(name), showarrow=False, xanchor="left", xshift=8,
                              font={"size": 11, "color": colour}, yanchor="middle")
    label_pixels = max((len(name) for name, *_ in ends), default=0) * LABEL_CHARACTER_PIXELS
    figure.update_layout(
        title=chart_title(title), separators=separators(language), height=TREND_HEIGHT, showlegend=False,
        margin={"l": 10, "r": 10 + round(label_pixels), "t": 10, "b": 10},
        # A fixed range: Plotly would widen it to take in the end labels, which belong in the margin.
        xaxis={"title": x_title, "type": "category", "categoryorder": "array", "tickangle": 0,
               "tickfont": {"size": 11}, "categoryarray": [labels[period] for period in periods],
               "range": [-0.3, len(periods) - 0.7]},
        # No axis title: the chart's title says what the percentages are, and a phone needs the width.
        yaxis={"tickformat": ".0%", "range": [0, top]},
    )
    return figure


# Report statuses from best to worst, with colours in the coverage classes' red → green family.
STATUS_COLOURS = {ON_TIME: "#00441b", RECEIVED: "#5aae61", NOT_DUE: "#d9d9d9", LATE: "#fdb863", MISSING: "#b2182b"}


@cached_figure
def reporting_status_chart(
    matrix: pd.DataFrame, rows: list[str], columns: list[str], title: str, language: str, y_title: str,
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
        z=positions, x=_column_labels(columns, MONTH_LABEL_CHARACTERS), y=[plot_text(row) for row in rows], text=names,
        zmin=-0.5, zmax=last + 0.5,
        colorscale=scale, xgap=2, ygap=2, showscale=False,
        hovertemplate="<b>%{y}</b><br>%{x}: %{text}<extra></extra>",
    ))
    _legend_squares(figure, [(i18n.t(f"analysis.status.{status}", language), STATUS_COLOURS[status])
                             for status in statuses])
    _heatmap_layout(figure, title, columns, MONTH_LABEL_CHARACTERS, y_title, language,
                    height=max(380, 24 * len(rows) + 220))
    return figure
