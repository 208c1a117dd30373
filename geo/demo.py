"""Demo geography: Gia Lộc's real outline (shipped in geo/data) cut into one invented Voronoi cell per demo village.

The real village boundaries of Gia Lộc are not public, so every village shape here is invented (and labelled demo
on the map); only the commune's outline is real, so that the demo villages pass the import's placement check.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint

from geo.boundaries import EQUAL_AREA_CRS, simplify_for_display
from geo.geojson import geojson_text
from geo.shipped import GIA_LOC_OUTLINE, read_layer

# A local plane in metres around Gia Lộc's centre is exact enough at the scale of one commune.
CENTRE_LAT, CENTRE_LON = 20.871, 106.311
METRES_PER_DEGREE_LAT = 110_574.0
METRES_PER_DEGREE_LON = 111_320.0 * np.cos(np.radians(CENTRE_LAT))
RELAXATION_ROUNDS = 4


def _to_metres(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(
        geometry, lambda xy: np.column_stack([(xy[:, 0] - CENTRE_LON) * METRES_PER_DEGREE_LON,
                                              (xy[:, 1] - CENTRE_LAT) * METRES_PER_DEGREE_LAT]))


def _to_degrees(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(
        geometry, lambda xy: np.column_stack([xy[:, 0] / METRES_PER_DEGREE_LON + CENTRE_LON,
                                              xy[:, 1] / METRES_PER_DEGREE_LAT + CENTRE_LAT]))


def commune_outline() -> shapely.Geometry:
    """Gia Lộc's real outline in longitude and latitude (EPSG:4326), as shipped."""
    return shapely.union_all(read_layer(GIA_LOC_OUTLINE).geometry.to_numpy())


def _village_points(rng: np.random.Generator, outline: shapely.Geometry, count: int) -> np.ndarray:
    """Random points inside the outline, spread evenly by a few rounds of Lloyd relaxation."""
    west, south, east, north = outline.bounds
    points: list[tuple[float, float]] = []
    while len(points) < count:
        x, y = rng.uniform(west, east), rng.uniform(south, north)
        if outline.contains(shapely.Point(x, y)):
            points.append((x, y))
    centres = np.array(points)
    for _ in range(RELAXATION_ROUNDS):
        cells = _cells(centres, outline)
        # A cell's centroid may fall outside a concave outline; its point on surface never does.
        centres = shapely.get_coordinates(np.where(shapely.contains(outline, shapely.centroid(cells)),
                                                   shapely.centroid(cells), shapely.point_on_surface(cells)))
    return centres


def _cells(centres: np.ndarray, outline: shapely.Geometry) -> np.ndarray:
    """The Voronoi cell of each centre (in the centres' order), cut to the outline."""
    regions = shapely.voronoi_polygons(MultiPoint(centres), extend_to=outline, ordered=True)
    return shapely.intersection(np.array(shapely.get_parts(regions)), outline)


def invented_cells(outline: shapely.Geometry, count: int, seed: int) -> np.ndarray:
    """`count` invented polygons (EPSG:4326) covering an outline near Gia Lộc without gaps or overlaps."""
    in_metres = _to_metres(outline)
    cells = _cells(_village_points(np.random.default_rng(seed), in_metres, count), in_metres)
    return np.array([_to_degrees(cell) for cell in cells])


def village_boundaries(village_codes: list[str], seed: int) -> pd.DataFrame:
    """One invented polygon per village, covering the commune's outline without gaps: code, geometry, display, area."""
    cells = invented_cells(commune_outline(), len(village_codes), seed)
    return pd.DataFrame({
        "code": village_codes,
        "geometry": shapely.to_wkb(cells),
        "display": [geojson_text(cell) for cell in simplify_for_display(cells, "village")],
        "area_km2": gpd.GeoSeries(cells, crs="EPSG:4326").to_crs(EQUAL_AREA_CRS).area.to_numpy() / 1e6,
    })
