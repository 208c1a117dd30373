"""Demo geography: an invented outline with Gia Lộc's real extent, cut into one Voronoi cell per demo village.

The real village boundaries of Gia Lộc are not public, so every shape here is invented (and labelled demo on
the map). Only the commune's published extent is real: its bounding box, its area and its centre.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Polygon

from geo.boundaries import simplify_for_display
from geo.geojson import geojson_text

# Gia Lộc (10999) after the 2025 reform: bounding box, area and centre as published.
SOUTH, NORTH = 20.856, 20.888
WEST, EAST = 106.263, 106.351
AREA_KM2 = 21.78
CENTRE_LAT, CENTRE_LON = 20.871, 106.311
# A local plane in metres around the centre is exact enough at the scale of one commune.
METRES_PER_DEGREE_LAT = 110_574.0
METRES_PER_DEGREE_LON = 111_320.0 * np.cos(np.radians(CENTRE_LAT))
OUTLINE_VERTICES = 180
RELAXATION_ROUNDS = 4


def _to_metres(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (lon - CENTRE_LON) * METRES_PER_DEGREE_LON, (lat - CENTRE_LAT) * METRES_PER_DEGREE_LAT


def _to_degrees(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(
        geometry, lambda xy: np.column_stack([xy[:, 0] / METRES_PER_DEGREE_LON + CENTRE_LON,
                                              xy[:, 1] / METRES_PER_DEGREE_LAT + CENTRE_LAT]))


def _outline_in_metres(rng: np.random.Generator, exponent: float) -> Polygon:
    """A wobbly superellipse stretched to the commune's bounding box; the exponent sets how full it is."""
    angles = np.linspace(0, 2 * np.pi, OUTLINE_VERTICES, endpoint=False)
    wobble = 1 + sum(
        amplitude * np.sin(frequency * angles + phase)
        for frequency, amplitude, phase in zip(
            (2, 3, 5, 7), rng.uniform(0.03, 0.08, 4), rng.uniform(0, 2 * np.pi, 4), strict=True)
    )
    cos, sin = np.cos(angles), np.sin(angles)
    radius = wobble / (np.abs(cos) ** exponent + np.abs(sin) ** exponent) ** (1 / exponent)
    x, y = radius * cos, radius * sin
    west, south = _to_metres(np.array(WEST), np.array(SOUTH))
    east, north = _to_metres(np.array(EAST), np.array(NORTH))
    x = west + (x - x.min()) / (x.max() - x.min()) * (east - west)
    y = south + (y - y.min()) / (y.max() - y.min()) * (north - south)
    return Polygon(np.column_stack([x, y]))


def commune_outline_in_metres(seed: int) -> Polygon:
    """The demo outline in local metres: the published bounding box exactly and the published area to 0.1%."""
    low, high = 1.0, 6.0  # a fuller shape (higher exponent) has a larger area in the same box
    for _ in range(60):
        exponent = (low + high) / 2
        area = _outline_in_metres(np.random.default_rng(seed), exponent).area / 1e6
        if abs(area - AREA_KM2) < AREA_KM2 * 1e-4:
            break
        low, high = (exponent, high) if area < AREA_KM2 else (low, exponent)
    return _outline_in_metres(np.random.default_rng(seed), exponent)


def commune_outline(seed: int) -> Polygon:
    """The demo outline of Gia Lộc in longitude and latitude (EPSG:4326)."""
    return _to_degrees(commune_outline_in_metres(seed))


def _village_points(rng: np.random.Generator, outline: Polygon, count: int) -> np.ndarray:
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
        centres = shapely.get_coordinates(shapely.centroid(cells))
    return centres


def _cells(centres: np.ndarray, outline: Polygon) -> np.ndarray:
    """The Voronoi cell of each centre (in the centres' order), cut to the outline."""
    regions = shapely.voronoi_polygons(MultiPoint(centres), extend_to=outline, ordered=True)
    return shapely.intersection(np.array(shapely.get_parts(regions)), outline)


def village_boundaries(village_codes: list[str], seed: int) -> pd.DataFrame:
    """One invented polygon per village, covering the demo outline without gaps: code, geometry, display, area."""
    rng = np.random.default_rng(seed)
    outline = commune_outline_in_metres(seed)
    cells_in_metres = _cells(_village_points(rng, outline, len(village_codes)), outline)
    cells = np.array([_to_degrees(cell) for cell in cells_in_metres])
    return pd.DataFrame({
        "code": village_codes,
        "geometry": shapely.to_wkb(cells),
        "display": [geojson_text(cell) for cell in simplify_for_display(cells, "village")],
        "area_km2": shapely.area(cells_in_metres) / 1e6,
    })
