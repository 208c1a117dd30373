"""Boundary files → checked, placed, matched and display-simplified boundaries, ready for the write layer.

A boundary file is GeoJSON (also gzip-compressed), a Shapefile (zipped, folders inside too), a GeoPackage, KML or
KMZ, in any CRS (`geo.reading` opens it and decodes its text); its coordinates must land where the commune is
(`geo.placement`) before it is reprojected to EPSG:4326. Features are matched to the registry (villages of a
commune, or communes) by code, or by name: exactly first (tone marks count), then without diacritics only when
that names one entry. Nothing is written here: the command line hands the result to the write layer
(`warehouse/write/boundaries.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

import i18n
from geo.geojson import geojson_text
from geo.names import NAME_FORMS
from geo.placement import (
    Finding,
    Place,
    check_communes_in_provinces,
    check_declared_coordinates,
    check_villages_in_commune,
)
from geo.reading import SUFFIXES, ReadRefused, choose_layer, find_layers, read_chosen_layer
from geo.text import looks_garbled

LEVELS = ("village", "commune")
# Degrees; about 5 m for a village map, 50 m for a map of communes (a city of 114 communes stays under 500 KB).
DISPLAY_TOLERANCE = {"village": 0.00005, "commune": 0.0005}
# Display coordinates are rounded to 1e-5 degree (about 1 m): finer digits only cost bytes.
DISPLAY_GRID = 1e-5
# Equal-area projection for areas anywhere on Earth.
EQUAL_AREA_CRS = "EPSG:6933"
OFFICIAL_COMMUNE_CODE_LENGTH = 5
LABEL_FIELDS = ("fullName", "name", "ten")  # compared without case


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
    removed: list[dict] = field(default_factory=list)  # code, name: stored boundaries the import deletes
    layer: str | None = None
    crs: str | None = None
    encoding: str | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.errors)


def _problem(finding: Finding, language: str, column: str | None = None) -> Problem:
    return Problem(finding.row, column if finding.row is not None else None,
                   i18n.t(finding.key, language, **finding.values))


def read_boundary_file(
    path: Path, language: str = i18n.DEFAULT_LANGUAGE, layer: str | None = None,
) -> tuple[gpd.GeoDataFrame | None, list[Problem], dict]:
    """The chosen layer's features in the file's own CRS (Z dropped, text decoded), or None and the reason;
    and what was read: layer, encoding, whether a GeoJSON declared its CRS."""
    def refuse(key: str, **values: object) -> tuple[None, list[Problem], dict]:
        return None, [Problem(None, None, i18n.t(key, language, path=path.name, **values))], {}

    if not path.is_file():
        return refuse("maps.import.no_file")
    if not path.name.lower().endswith(SUFFIXES):
        return refuse("maps.import.unknown_format", suffix=path.suffix or "—")
    try:
        chosen = choose_layer(find_layers(path), layer)
        frame, encoding = read_chosen_layer(chosen)
    except ReadRefused as refused:
        return refuse(refused.key, **refused.values)
    except Exception:  # noqa: BLE001 (GDAL raises many kinds, in English; each becomes the same sentence)
        return refuse("maps.import.unreadable")
    if frame.empty:
        return refuse("maps.import.empty")
    frame = frame.set_geometry(shapely.force_2d(frame.geometry.to_numpy()), crs=frame.crs)
    warnings = []
    if encoding is not None:
        warnings.append(Problem(None, None, i18n.t("maps.import.encoding", language, path=path.name,
                                                   encoding=encoding)))
    about = {"layer": chosen.label, "encoding": encoding,
             "geojson_without_crs": chosen.geojson_declares_crs is False}
    return frame.reset_index(drop=True), warnings, about


def polygonal_geometries(frame: gpd.GeoDataFrame, language: str) -> tuple[np.ndarray, list, list]:
    """Each feature's (multi)polygon, invalid ones repaired; errors for features that are not areas."""
    errors, warnings = [], []
    geometries: list[shapely.Geometry] = []
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


def find_field(frame: pd.DataFrame, wanted: str) -> str | None:
    """The property named `wanted`, compared without case when no property has exactly that name."""
    columns = [column for column in frame.columns if column != "geometry"]
    if wanted in columns:
        return wanted
    matching = [column for column in columns if str(column).casefold() == wanted.strip().casefold()]
    return matching[0] if len(matching) == 1 else None


def feature_keys(frame: pd.DataFrame, field_name: str, level: str, by_code: bool, language: str) -> tuple[list, list]:
    """Each feature's code or name as text; errors for blank values and for names whose text looks garbled."""
    errors = []
    keys: list[str] = []
    for row, value in enumerate(frame[field_name], start=1):
        text = _as_text(value, level if by_code else None)
        if not text:
            errors.append(Problem(row, field_name, i18n.t("maps.import.blank_key", language)))
        elif not by_code and looks_garbled(text):
            errors.append(Problem(row, field_name, i18n.t("maps.import.garbled", language, value=text)))
        keys.append(text)
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


@dataclass(frozen=True)
class Match:
    """The registry entry a feature names: its code (None when none or several), whether it was found only
    loosely (without tone marks, or by the village's number in the commune), and the entries it could be."""

    code: str | None
    loose: bool = False
    candidates: tuple[str, ...] = ()


def match_to_registry(keys: list[str], registry: pd.DataFrame, by_code: bool) -> list[Match]:
    """The registry entry each feature key names; a key fitting several entries is never guessed."""
    codes = registry["code"].astype(str).tolist()
    if by_code:
        return [_match_code(key, codes) for key in keys]
    forms: list[dict[str, list[str]]] = [{} for _ in NAME_FORMS]
    for code, name in zip(codes, registry["name"], strict=True):
        for index, form in enumerate(NAME_FORMS):
            forms[index].setdefault(form(name), []).append(code)
    matches = []
    for key in keys:
        match = Match(None)
        for index, form in enumerate(NAME_FORMS):
            found = list(dict.fromkeys(forms[index].get(form(key), [])))
            if found:
                # Strict forms (index 0, 1) keep tone marks; folded ones drop them.
                match = Match(found[0], index >= 2) if len(found) == 1 else Match(None, candidates=tuple(found))
                break
        matches.append(match)
    return matches


def _match_code(key: str, codes: list[str]) -> Match:
    """A code as written, then without case, then as the number of a village within its commune (`01`, `1`)."""
    if key in codes:
        return Match(key)
    same = [code for code in codes if code.casefold() == key.casefold()]
    if len(same) == 1:
        return Match(same[0])
    if key.isdigit():
        numbered = [code for code in codes if code.rsplit("-", 1)[-1].isdigit() and "-" in code
                    and int(code.rsplit("-", 1)[-1]) == int(key)]
        if len(numbered) == 1:
            return Match(numbered[0], loose=True)
    return Match(None)


def simplify_for_display(geometries: np.ndarray, level: str) -> np.ndarray:
    """The geometries simplified together (shared edges stay shared: no slivers), rounded to about 1 m."""
    simplified = shapely.coverage_simplify(geometries, DISPLAY_TOLERANCE[level])
    rounded = shapely.set_precision(simplified, DISPLAY_GRID)
    # Rounding can collapse a tiny feature; keep its unsimplified shape rather than lose it.
    return np.where(shapely.is_empty(rounded), geometries, rounded)


def prepare_boundaries(
    path: Path, level: str, registry: pd.DataFrame, code_field: str | None = None, name_field: str | None = None,
    register_unknown: bool = False, label_field: str | None = None, language: str = i18n.DEFAULT_LANGUAGE,
    layer: str | None = None, place: Place | None = None,
) -> BoundaryImport:
    """Read, check, place and match a boundary file against `registry` (columns code, name); refused when errors.

    `place` is the commune the villages belong to (level village); without it their position cannot be checked.
    """
    if level not in LEVELS or (code_field is None) == (name_field is None):
        raise ValueError("give a level and exactly one of code_field, name_field")
    result = BoundaryImport(path=path, level=level)
    frame, problems, about = read_boundary_file(path, language, layer)
    if frame is None:
        result.errors += problems
        return result
    result.warnings += problems
    result.layer, result.encoding = about["layer"], about["encoding"]
    by_code = code_field is not None
    wanted_key = code_field or name_field
    assert wanted_key is not None  # exactly one of them is given (checked above)
    key_field = find_field(frame, wanted_key)
    if key_field is None:
        result.errors.append(Problem(None, wanted_key, i18n.t(
            "maps.import.no_field", language, field=wanted_key,
            fields=", ".join(str(column) for column in frame.columns if column != "geometry"))))
        return result
    label_field = (find_field(frame, label_field) if label_field else
                   next((found for name in LABEL_FIELDS if (found := find_field(frame, name))), key_field))
    if register_unknown and (not by_code or label_field is None):
        result.errors.append(Problem(None, label_field, i18n.t("maps.import.register_needs", language)))
        return result
    geometries, errors, warnings = polygonal_geometries(frame, language)
    keys, key_errors = feature_keys(frame, key_field, level, by_code, language)
    result.errors += errors + key_errors
    result.warnings += warnings
    if result.refused:
        return result

    crs, errors, warnings = check_declared_coordinates(
        shapely.bounds(geometries), frame.crs, about["geojson_without_crs"], place, path.name, language)
    result.errors += [_problem(finding, language, "geometry") for finding in errors]
    result.warnings += [_problem(finding, language) for finding in warnings]
    if result.refused or crs is None:  # without errors the coordinates' system is known
        return result
    result.crs = crs.to_string()
    geometries = gpd.GeoSeries(geometries, crs=crs).to_crs("EPSG:4326").to_numpy()

    codes = _match(result, frame, keys, registry, key_field, label_field, by_code, register_unknown, language)
    kept = np.array([code is not None for code in codes])
    kept_codes = [code for code in codes if code is not None]
    result.errors += _placement(result, geometries, kept, kept_codes, place, path.name, language)
    if result.refused:
        return result
    full = geometries[kept]
    display = [geojson_text(geometry) for geometry in simplify_for_display(full, level)]
    areas = gpd.GeoSeries(full, crs="EPSG:4326").to_crs(EQUAL_AREA_CRS).area / 1e6
    result.boundaries = pd.DataFrame({
        "code": kept_codes,
        "geometry": shapely.to_wkb(full),
        "display": display,
        "area_km2": areas.to_numpy(),
    })
    return result


def _match(
    result: BoundaryImport, frame: pd.DataFrame, keys: list[str], registry: pd.DataFrame, key_field: str,
    label_field: str | None, by_code: bool, register_unknown: bool, language: str,
) -> list[str | None]:
    """Each feature's registry code (None: not stored), filling the result's lists; errors for two features
    naming one entry."""
    names = dict(zip(registry["code"].astype(str), registry["name"], strict=True))
    codes: list[str | None] = []
    numbered = 0
    first_feature: dict[str, int] = {}
    for row, (key, match) in enumerate(zip(keys, match_to_registry(keys, registry, by_code), strict=True), start=1):
        code = match.code
        if code is None and register_unknown:
            label = str(frame[label_field].iloc[row - 1]).strip()
            if looks_garbled(label):
                result.errors.append(Problem(row, label_field, i18n.t("maps.import.garbled", language, value=label)))
            if key not in first_feature:
                result.registered.append({"code": key, "name": label})
            code = key
        elif code is None:
            unmatched = {"feature": row, "value": key}
            if match.candidates:
                unmatched["candidates"] = [{"code": candidate, "name": names[candidate]}
                                           for candidate in match.candidates]
            result.boundaries_without_registry.append(unmatched)
        else:
            result.matched.append({"code": code, "name": names[code], "feature": row})
            if match.loose and by_code:
                numbered += 1
            elif match.loose:
                result.warnings.append(Problem(row, key_field, i18n.t(
                    "maps.import.matched_without_tones", language, value=key, name=names[code], code=code)))
        if code is not None and code in first_feature:
            first = first_feature[code]
            result.errors.append(Problem(row, key_field, i18n.t(
                "maps.import.same_unit_twice", language, value=key, first=first, first_value=keys[first - 1],
                name=names.get(code, key), code=code)))
            code = None
        elif code is not None:
            first_feature[code] = row
        codes.append(code)
    if numbered:
        example = next(entry for entry in result.matched)
        result.warnings.append(Problem(None, key_field, i18n.t(
            "maps.import.matched_by_number", language, count=numbered, value=keys[example["feature"] - 1],
            code=example["code"])))
    matched_codes = {entry["code"] for entry in result.matched}
    result.registry_without_boundary = [
        {"code": code, "name": name} for code, name in names.items() if code not in matched_codes
    ]
    return codes


def _placement(
    result: BoundaryImport, geometries: np.ndarray, kept: np.ndarray, kept_codes: list[str], place: Place | None,
    path_name: str, language: str,
) -> list[Problem]:
    """Errors for boundaries that are not where their commune (or province) is."""
    if result.level == "commune":
        findings = check_communes_in_provinces(geometries[kept], kept_codes, language)
        rows = np.flatnonzero(kept) + 1
        problems = []
        for finding in findings:
            assert finding.row is not None  # each finding names a commune's feature
            problems.append(Problem(int(rows[finding.row - 1]), "geometry",
                                    i18n.t(finding.key, language, **finding.values)))
        return problems
    if place is None:
        result.warnings.append(Problem(None, None, i18n.t("maps.place.no_outline", language, path=path_name)))
        return []
    # With nothing matched, every feature is placed: it tells whether the file is another commune's.
    checked = kept if kept.any() else np.ones(len(kept), dtype=bool)
    rows = np.flatnonzero(checked) + 1
    findings = check_villages_in_commune(geometries[checked], place, path_name, language)
    return [Problem(None if finding.row is None else int(rows[finding.row - 1]),
                    None if finding.row is None else "geometry", i18n.t(finding.key, language, **finding.values))
            for finding in findings]


def check_replacement(result: BoundaryImport, stored: pd.DataFrame, replace: bool, language: str) -> None:
    """Refuse an import that matches nothing, or would delete stored boundaries, unless `replace` asks for it.

    `stored` (code, name) holds the boundaries the import would replace: a village import replaces all of its
    commune's, a commune import those of the codes it matches. The ones that would disappear go to `removed`.
    """
    if result.refused:
        return
    unmatched = ", ".join(f"{entry['feature']} ({entry['value']})" for entry in result.boundaries_without_registry)
    kept = set(result.boundaries["code"]) if len(result.boundaries) else set()
    if result.level == "commune":
        if not kept:
            result.errors.append(Problem(None, None, i18n.t("maps.import.nothing_matched", language,
                                                            path=result.path.name, features=unmatched or "—")))
        return
    disappearing = stored[~stored["code"].isin(kept)]
    removed = [{"code": code, "name": name} for code, name in zip(disappearing["code"], disappearing["name"],
                                                                   strict=True)]
    if not kept and not (removed and replace):
        result.errors.append(Problem(None, None, i18n.t("maps.import.nothing_matched", language,
                                                        path=result.path.name, features=unmatched or "—")))
    if removed and not replace:
        items = ", ".join(f"{entry['code']} {entry['name']}" for entry in removed)
        result.errors.append(Problem(None, None, i18n.t(
            "maps.import.would_remove", language, path=result.path.name, count=len(removed), stored=len(stored),
            items=items, matched=len(kept),
            unmatched=i18n.t("maps.import.unmatched_features", language, features=unmatched) if unmatched else "")))
    if not result.refused:
        result.removed = removed
