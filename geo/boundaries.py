"""Boundary files → checked, matched and display-simplified boundaries, ready for the writer.

A boundary file is GeoJSON (also gzip-compressed), a zipped Shapefile or a GeoPackage, in any CRS; it is reprojected
to EPSG:4326.
Features are matched to the registry (villages of a commune, or communes) by code, or by name compared without
diacritics and case. Nothing is written here: the command line hands the result to `warehouse.writer`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

import i18n
from geo.geojson import feature_collection, geojson_text
from geo.names import fold, without_unit
from geo.shipped import gdal_path

LEVELS = ("village", "commune")
SUFFIXES = (".geojson", ".json", ".zip", ".gpkg", ".shp", ".geojson.gz")
# Degrees; about 5 m for a village map, 50 m for a map of communes (a city of 114 communes stays under 500 KB).
DISPLAY_TOLERANCE = {"village": 0.00005, "commune": 0.0005}
# Display coordinates are rounded to 1e-5 degree (about 1 m): finer digits only cost bytes.
DISPLAY_GRID = 1e-5
# Equal-area projection for areas anywhere on Earth.
EQUAL_AREA_CRS = "EPSG:6933"
OFFICIAL_COMMUNE_CODE_LENGTH = 5
LABEL_FIELDS = ("fullName", "name", "ten", "TEN")


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or repaired) in a boundary file: feature number (1-based), property, sentence."""

    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class BoundaryImport:
    """What importing one boundary file would store, and what did not match either way."""

    path: Path
    level: str
    boundaries: pd.DataFrame = field(default_factory=pd.DataFrame)  # code, geometry (WKB), display, area_km2
    matched: list[dict] = field(default_factory=list)  # code, name (registry), feature
    registry_without_boundary: list[dict] = field(default_factory=list)  # code, name
    boundaries_without_registry: list[dict] = field(default_factory=list)  # feature, value
    registered: list[dict] = field(default_factory=list)  # code, name: communes to add to the registry
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    figure_bytes_before: int = 0
    figure_bytes_after: int = 0

    @property
    def refused(self) -> bool:
        return bool(self.errors)


def read_boundary_file(path: Path, language: str = i18n.DEFAULT_LANGUAGE) -> tuple[gpd.GeoDataFrame | None, list]:
    """The file's features in EPSG:4326, or None and the reason it cannot be read."""
    def refuse(key: str, **values: object) -> tuple[None, list[Problem]]:
        return None, [Problem(None, None, i18n.t(key, language, path=path.name, **values))]

    if not path.is_file():
        return refuse("maps.import.no_file")
    if not path.name.lower().endswith(SUFFIXES):
        return refuse("maps.import.unknown_format", suffix=path.suffix or "—")
    try:
        frame = gpd.read_file(gdal_path(path))
    except Exception as error:  # noqa: BLE001 (GDAL raises many kinds; each becomes the same sentence)
        return refuse("maps.import.unreadable", reason=str(error).splitlines()[0])
    if frame.empty:
        return refuse("maps.import.empty")
    warnings = []
    if frame.crs is None:
        west, south, east, north = frame.total_bounds
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            return refuse("maps.import.no_crs")
        frame = frame.set_crs("EPSG:4326")
        warnings.append(Problem(None, None, i18n.t("maps.import.assumed_wgs84", language, path=path.name)))
    return frame.to_crs("EPSG:4326").reset_index(drop=True), warnings


def polygonal_geometries(frame: gpd.GeoDataFrame, language: str) -> tuple[np.ndarray, list, list]:
    """Each feature's (multi)polygon, invalid ones repaired; errors for features that are not areas."""
    errors, warnings = [], []
    geometries = []
    for row, geometry in enumerate(frame.geometry, start=1):
        if geometry is None or geometry.is_empty:
            errors.append(Problem(row, "geometry", i18n.t("maps.import.empty_geometry", language)))
            geometries.append(None)
            continue
        repaired = geometry
        if not geometry.is_valid:
            reason = shapely.is_valid_reason(geometry)
            repaired = _polygonal_part(shapely.make_valid(geometry))
            if repaired is None:
                errors.append(Problem(row, "geometry", i18n.t("maps.import.unrepairable", language, reason=reason)))
            else:
                warnings.append(Problem(row, "geometry", i18n.t("maps.import.repaired", language, reason=reason)))
        elif geometry.geom_type not in ("Polygon", "MultiPolygon"):
            repaired = None
            errors.append(Problem(row, "geometry", i18n.t("maps.import.not_area", language, kind=geometry.geom_type)))
        geometries.append(repaired)
    return np.array(geometries, dtype=object), errors, warnings


def _polygonal_part(geometry: shapely.Geometry) -> shapely.Geometry | None:
    """The polygons of a repaired geometry (make_valid may add stray lines or points), None if there are none."""
    parts = [part for part in shapely.get_parts(geometry) if part.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def feature_keys(frame: pd.DataFrame, field_name: str, level: str, by_code: bool, language: str) -> tuple[list, list]:
    """Each feature's code or name as text; errors for blank values and for a code given twice."""
    errors = []
    keys: list[str] = []
    for row, value in enumerate(frame[field_name], start=1):
        text = _as_text(value, level if by_code else None)
        if not text:
            errors.append(Problem(row, field_name, i18n.t("maps.import.blank_key", language)))
        keys.append(text)
    seen: dict[str, int] = {}
    for row, key in enumerate(keys, start=1):
        compared = key if by_code else fold(key)
        if key and compared in seen:
            errors.append(Problem(row, field_name, i18n.t("maps.import.repeated_key", language, value=key,
                                                          first=seen[compared])))
        seen.setdefault(compared, row)
    return keys, errors


def _as_text(value: object, code_level: str | None) -> str:
    """A property value as text; a numeric commune code gets back its leading zeros (Shapefiles drop them)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if code_level == "commune" and text.isdigit():
        text = text.zfill(OFFICIAL_COMMUNE_CODE_LENGTH)
    return text


def match_to_registry(keys: list[str], registry: pd.DataFrame, by_code: bool) -> list[str | None]:
    """The registry code each feature key names (None when none, or when a name fits several entries)."""
    if by_code:
        known = set(registry["code"])
        return [key if key in known else None for key in keys]
    codes_by_name: dict[str, list[str]] = {}
    codes_by_bare_name: dict[str, list[str]] = {}
    for code, name in zip(registry["code"], registry["name"], strict=True):
        codes_by_name.setdefault(fold(name), []).append(code)
        codes_by_bare_name.setdefault(without_unit(name), []).append(code)
    matches = []
    for key in keys:
        # The exact folded name first; then without the unit word ("Thôn An Thái" = "An Thái").
        candidates = codes_by_name.get(fold(key)) or codes_by_bare_name.get(without_unit(key)) or []
        matches.append(candidates[0] if len(candidates) == 1 else None)
    return matches


def simplify_for_display(geometries: np.ndarray, level: str) -> np.ndarray:
    """The geometries simplified together (shared edges stay shared: no slivers), rounded to about 1 m."""
    simplified = shapely.coverage_simplify(geometries, DISPLAY_TOLERANCE[level])
    rounded = shapely.set_precision(simplified, DISPLAY_GRID)
    # Rounding can collapse a tiny feature; keep its unsimplified shape rather than lose it.
    return np.where(shapely.is_empty(rounded), geometries, rounded)


def figure_json_bytes(codes: list[str], geometries: list[str]) -> int:
    """Size of the JSON of a map figure drawing these geometries: what a browser would download."""
    figure = go.Figure(go.Choroplethmap(
        geojson=feature_collection(codes, geometries), locations=codes, z=[0] * len(codes),
    ))
    return len(figure.to_json())


def prepare_boundaries(
    path: Path, level: str, registry: pd.DataFrame, code_field: str | None = None, name_field: str | None = None,
    register_unknown: bool = False, label_field: str | None = None, language: str = i18n.DEFAULT_LANGUAGE,
) -> BoundaryImport:
    """Read, check and match a boundary file against `registry` (columns code, name); refused when errors."""
    if level not in LEVELS or (code_field is None) == (name_field is None):
        raise ValueError("give a level and exactly one of code_field, name_field")
    result = BoundaryImport(path=path, level=level)
    frame, problems = read_boundary_file(path, language)
    if frame is None:
        result.errors += problems
        return result
    result.warnings += problems
    by_code = code_field is not None
    key_field = code_field or name_field
    if key_field not in frame.columns:
        result.errors.append(Problem(None, key_field, i18n.t(
            "maps.import.no_field", language, field=key_field,
            fields=", ".join(str(column) for column in frame.columns if column != "geometry"))))
        return result
    label_field = label_field or next((name for name in LABEL_FIELDS if name in frame.columns), key_field)
    if register_unknown and (not by_code or label_field not in frame.columns):
        result.errors.append(Problem(None, label_field, i18n.t("maps.import.register_needs", language)))
        return result
    geometries, errors, warnings = polygonal_geometries(frame, language)
    keys, key_errors = feature_keys(frame, key_field, level, by_code, language)
    result.errors += errors + key_errors
    result.warnings += warnings
    if result.refused:
        return result

    codes = match_to_registry(keys, registry, by_code)
    names = dict(zip(registry["code"], registry["name"], strict=True))
    for row, (key, code) in enumerate(zip(keys, codes, strict=True), start=1):
        if code is not None:
            result.matched.append({"code": code, "name": names[code], "feature": row})
        elif register_unknown:
            codes[row - 1] = key
            result.registered.append({"code": key, "name": str(frame[label_field].iloc[row - 1]).strip()})
        else:
            result.boundaries_without_registry.append({"feature": row, "value": key})
    matched_codes = {entry["code"] for entry in result.matched}
    result.registry_without_boundary = [
        {"code": code, "name": name} for code, name in names.items() if code not in matched_codes
    ]
    kept = np.array([code is not None for code in codes])
    kept_codes = [code for code in codes if code is not None]
    full = geometries[kept]
    display = [geojson_text(geometry) for geometry in simplify_for_display(full, level)]
    result.figure_bytes_before = figure_json_bytes(kept_codes, [geojson_text(geometry) for geometry in full])
    result.figure_bytes_after = figure_json_bytes(kept_codes, display)
    areas = gpd.GeoSeries(full, crs="EPSG:4326").to_crs(EQUAL_AREA_CRS).area / 1e6
    result.boundaries = pd.DataFrame({
        "code": kept_codes,
        "geometry": shapely.to_wkb(full),
        "display": display,
        "area_km2": areas.to_numpy(),
    })
    return result
