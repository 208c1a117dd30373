"""Choropleth maps drawn without tiles (offline), in coverage classes, with the legend in the chosen language.

`choroplethmap` with the built-in `white-bg` style downloads nothing; plotly's `geo` choropleth would fetch a
world topojson from the internet for every GeoJSON map, so it is not used.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import shapely
from shapely.geometry import shape

import i18n
from ui.cached import cached_figure
from ui.charts import LEGEND_BELOW, NOT_REPORTED_COLOUR, CoverageClass, coverage_classes, plot_text, separators
from warehouse.geography import MapLayer

MAP_HEIGHT = 560
# The width the zoom is fitted to: a phone's (390 pixels less the page's margins), so that no area is cut on a
# phone; wider screens show more around the area.
ASSUMED_MAP_WIDTH = 340
# Room under the map for its legend, in rows below it (a legend over the map hid villages on a phone).
LEGEND_ROOM = 130
# MapLibre draws the world 512 pixels wide at zoom 0.
WORLD_PIXELS = 512
EDGE_COLOUR = "#ffffff"
# Offline by default: a plain background. The tile base map is an option for users with internet.
PLAIN_STYLE, TILE_STYLE = "white-bg", "open-street-map"


def _bounds(geojson: dict) -> tuple[float, float, float, float]:
    return tuple(shapely.total_bounds([shape(feature["geometry"]) for feature in geojson["features"]]))


def _mercator_y(latitude: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


def fitted_view(geojson: dict) -> dict:
    """The map centre and zoom that show every feature (what `fitbounds` does for plotly's other maps)."""
    west, south, east, north = _bounds(geojson)
    zoom_for_width = math.log2(ASSUMED_MAP_WIDTH * 360 / (WORLD_PIXELS * max(east - west, 1e-6)))
    span = max(_mercator_y(north) - _mercator_y(south), 1e-8)
    zoom_for_height = math.log2(MAP_HEIGHT * 2 * math.pi / (WORLD_PIXELS * span))
    return {"center": {"lon": (west + east) / 2, "lat": (south + north) / 2},
            "zoom": min(zoom_for_width, zoom_for_height) - 0.3}


def _class_rows(
    rows: pd.DataFrame, share_column: str, target_share: float,
) -> list[tuple[CoverageClass | None, str, pd.DataFrame]]:
    """The rows of each coverage class around the target, not reported first: (class, colour, rows)."""
    shares = rows[share_column]
    groups = [(None, NOT_REPORTED_COLOUR, rows[shares.isna()])]
    groups += [(item, item.colour, rows[(shares >= item.low) & (shares < item.high)])
               for item in coverage_classes(target_share)]
    return [group for group in groups if not group[2].empty]


def _trace(geojson: dict, locations: list[str], z: list[float], colour: str, name: str,
           customdata: list, hovertemplate: str) -> go.Choroplethmap:
    # One constant-colour trace per class, so that the legend lists the classes by name; each trace carries
    # only its own features, so that no boundary is sent to the browser twice.
    wanted = set(locations)
    own_features = {"type": "FeatureCollection",
                    "features": [feature for feature in geojson["features"] if feature["id"] in wanted]}
    return go.Choroplethmap(
        geojson=own_features, locations=locations, z=z, featureidkey="id",
        colorscale=[[0, colour], [1, colour]], showscale=False, showlegend=True, name=name,
        marker={"line": {"color": EDGE_COLOUR, "width": 1}, "opacity": 0.9},
        customdata=customdata, hovertemplate=hovertemplate,
    )


def _layout(figure: go.Figure, geojson: dict, legend_title: str, language: str, tiles: bool) -> go.Figure:
    figure.update_layout(
        map={"style": TILE_STYLE if tiles else PLAIN_STYLE, **fitted_view(geojson)},
        separators=separators(language), height=MAP_HEIGHT + LEGEND_ROOM,
        margin={"l": 0, "r": 0, "t": 10, "b": LEGEND_ROOM},
        legend={**LEGEND_BELOW, "title": {"text": plot_text(legend_title), "side": "top"}},
        clickmode="event+select",
    )
    return figure


@cached_figure
def village_map_figure(
    layer: MapLayer, language: str, tiles: bool = False, value_label: str | None = None,
) -> go.Figure:
    """The villages coloured by coverage class; grey and *chưa báo cáo* where there is no value. `value_label` says
    what the value counts (e.g. *Số hộ đã được Tổ hướng dẫn*); without one (a domain) the value is not shown."""
    not_reported = i18n.t("coverage.not_reported", language)
    figure = go.Figure()
    for item, colour, rows in _class_rows(layer.rows, "coverage", layer.target_share):
        name = not_reported if item is None else item.label(language)
        customdata = [
            [i18n.number(row.value, language), i18n.number(row.households, language),
             not_reported if pd.isna(row.coverage) else i18n.percent(row.coverage, language)]
            for row in rows.itertuples(index=False)
        ]
        figure.add_trace(_trace(
            layer.geojson, rows["village_code"].tolist(), rows["coverage"].fillna(0).tolist(), colour, name,
            customdata,
            "<b>%{text}</b><br>"
            + (plot_text(value_label) + ": %{customdata[0]}<br>" if value_label else "")
            + i18n.t("coverage.households", language) + ": %{customdata[1]}<br>"
            + i18n.t("coverage.axis", language) + ": %{customdata[2]}<extra></extra>",
        ))
        figure.data[-1].text = rows["village_name"].map(plot_text).tolist()
    target = i18n.percent(layer.target_share, language, 0)
    legend_title = i18n.t("maps.legend.coverage", language, target=target)
    return _layout(figure, layer.geojson, legend_title, language, tiles)


@cached_figure
def city_map_figure(layer: MapLayer, language: str, tiles: bool = False) -> go.Figure:
    """The communes coloured by the share of their villages meeting the target; grey without data."""
    share = i18n.t("maps.legend.share", language)
    return _commune_map(layer, "share_meeting_target", share, share, language, tiles)


@cached_figure
def commune_headline_map_figure(layer: MapLayer, language: str, tiles: bool = False) -> go.Figure:
    """The communes of a city coloured by their headline (households guided), with their rank; grey without data."""
    legend_title = i18n.t("maps.legend.coverage", language, target=i18n.percent(layer.target_share, language, 0))
    return _commune_map(layer, "guided_share", i18n.t("city.headline", language), legend_title, language, tiles,
                        with_rank=True)


def _commune_map(layer: MapLayer, measure: str, measure_label: str, legend_title: str, language: str, tiles: bool,
                 with_rank: bool = False) -> go.Figure:
    """The communes coloured by the classes of `measure`; the hover names it, the villages meeting the target and,
    `with_rank`, the commune's rank."""
    no_data = i18n.t("maps.city.no_data", language)
    hover = "<b>%{text}</b><br>" + measure_label + ": %{customdata[0]}<br>%{customdata[1]}"
    if with_rank:
        hover += "<br>" + i18n.t("city.column.rank", language) + ": %{customdata[2]}"
    figure = go.Figure()
    for item, colour, rows in _class_rows(layer.rows, measure, layer.target_share):
        customdata = []
        for row in rows.itertuples(index=False):
            value = getattr(row, measure)
            line = [no_data if pd.isna(value) else i18n.percent(value, language),
                    i18n.t("maps.city.villages_meeting", language,
                           meeting=i18n.number(row.villages_meeting_target, language),
                           villages=i18n.number(row.villages, language))]
            if with_rank:
                line.append(i18n.MISSING_VALUE if pd.isna(row.rank) else f"{row.rank}/{row.communes}")
            customdata.append(line)
        figure.add_trace(_trace(
            layer.geojson, rows["commune_code"].tolist(), rows[measure].fillna(0).tolist(), colour,
            no_data if item is None else item.label(language), customdata, hover + "<extra></extra>",
        ))
        figure.data[-1].text = rows["commune_name"].map(plot_text).tolist()
    return _layout(figure, layer.geojson, legend_title, language, tiles)


def clicked_location(event: object) -> str | None:
    """The code of the area clicked on a map drawn by `st.plotly_chart(..., on_select="rerun")`, if any."""
    points = (getattr(event, "selection", None) or {}).get("points") or []
    locations = [point.get("location") for point in points if point.get("location")]
    return locations[0] if locations else None
