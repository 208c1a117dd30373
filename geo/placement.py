"""Whether a boundary file's coordinates land where its commune is, and if not: how far off, which way, and why.

Before any transformation, the coordinates must lie in Vietnam's extent in the CRS the file declares (otherwise the
file is refused, recognising degrees declared as metres, metres declared or assumed as degrees, and swapped axes).
A VN-2000 CRS without its datum shift is read with the official parameters only when it is a known EPSG CRS.
After the transformation, villages must lie inside their commune's outline and communes inside their province.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import shapely
import shapely.ops
from pyproj import CRS, Geod, Transformer
from pyproj.database import query_crs_info
from pyproj.transformer import TransformerGroup

import i18n
from geo.shipped import VIETNAM_EXTENT, communes_at, national_communes, province_extents

WGS84 = CRS.from_epsg(4326)
GEOD = Geod(ellps="WGS84")
# How far a village may reach outside its commune's outline (line work of two surveys rarely agrees better).
VILLAGE_TOLERANCE_M = 300
# How far a commune may reach outside its province's bounding box.
COMMUNE_TOLERANCE_M = 1000
# A guessed CRS is named only when it puts the file this close to the commune.
GUESS_DISTANCE_M = 5000
# The official VN-2000 → WGS 84 parameters (EPSG:6960 "VN-2000 to WGS 84 (2)"), for the advice and the measure.
VN2000_TOWGS84 = (-191.90441429, -39.30318279, -111.45032835, -0.00928836, 0.01975479, -0.00427372, 0.252906278)
VN2000_NAMES = ("vn2000", "vn 2000", "vn-2000", "vn_2000", "vietnam 2000", "vietnam_2000")
_COMPASS = ("n", "ne", "e", "se", "s", "sw", "w", "nw")


@dataclass(frozen=True)
class Place:
    """Where a file's boundaries belong: a commune's name and outline (EPSG:4326)."""

    name: str
    outline: shapely.Geometry


@dataclass(frozen=True)
class Finding:
    """A problem found in the coordinates: the feature (1-based, None for the file), translation key and values."""

    row: int | None
    key: str
    values: dict


def distance_text(metres: float, language: str) -> str:
    """`224 m`, `8,2 km`, `2.394 km`."""
    if metres < 1000:
        return f"{i18n.number(round(metres), language)} m"
    kilometres = metres / 1000
    return f"{i18n.number(kilometres, language, 1 if kilometres < 100 else 0)} km"


def offset(start: shapely.Point, end: shapely.Point) -> tuple[float, str]:
    """Metres from `start` to `end` on the ellipsoid and the compass direction (n, ne, …) to go."""
    bearing, _, metres = GEOD.inv(start.x, start.y, end.x, end.y)
    return metres, _COMPASS[int(((bearing % 360) + 22.5) // 45) % 8]


def where(place_name: str, start: shapely.Point, end: shapely.Point | None, language: str) -> str:
    """`cách Xã Gia Lộc 2.394 km về phía tây nam`, in the user's language."""
    if end is None or not (abs(end.x) <= 180 and abs(end.y) <= 90):
        return i18n.t("maps.place.where_unknown", language)
    metres, direction = offset(start, end)
    return i18n.t("maps.place.where", language, place=place_name, distance=distance_text(metres, language),
                  direction=i18n.t(f"maps.direction.{direction}", language))


def _where_from(place: Place | None, end: shapely.Point | None, language: str) -> str:
    """Where `end` is from the commune's centre, or (no commune) from the nearest point of Vietnam's extent."""
    if place is not None:
        return where(place.name, place.outline.centroid, end, language)
    extent = shapely.box(*VIETNAM_EXTENT)
    start = shapely.ops.nearest_points(extent, end)[0] if end is not None and abs(end.y) <= 90 else extent.centroid
    return where(i18n.t("maps.place.vietnam", language), start, end, language)


def crs_label(crs: CRS) -> str:
    """`WGS 84 / UTM zone 48N (EPSG:32648)`, or the CRS's name alone when it has no EPSG code."""
    code = crs.to_epsg()
    return f"{crs.name} (EPSG:{code})" if code else crs.name


def _within(bounds: np.ndarray, extent: tuple[float, float, float, float]) -> np.ndarray:
    west, south, east, north = extent
    return (bounds[:, 0] >= west) & (bounds[:, 1] >= south) & (bounds[:, 2] <= east) & (bounds[:, 3] <= north)


def _extent_in(crs: CRS) -> tuple[float, float, float, float] | None:
    """Vietnam's extent in `crs`, or None when the CRS cannot express it."""
    try:
        extent = Transformer.from_crs(WGS84, crs, always_xy=True).transform_bounds(*VIETNAM_EXTENT, densify_pts=21)
    except Exception:  # noqa: BLE001 (PROJ refuses some areas of some projections)
        return None
    return extent if np.isfinite(extent).all() else None


def _to_degrees(crs: CRS, x: float, y: float) -> shapely.Point | None:
    try:
        lon, lat = Transformer.from_crs(crs, WGS84, always_xy=True).transform(x, y)
    except Exception:  # noqa: BLE001
        return None
    return shapely.Point(lon, lat) if np.isfinite([lon, lat]).all() and abs(lon) <= 180 and abs(lat) <= 90 else None


@cache
def vn2000_crs() -> tuple[CRS, ...]:
    """VN-2000 and its UTM and TM-3 projections, as PROJ's EPSG database knows them."""
    return tuple(CRS.from_epsg(info.code) for info in query_crs_info(auth_name="EPSG")
                 if info.name.startswith("VN-2000") and not info.deprecated)


def _metric_candidates() -> list[CRS]:
    projected = [crs for crs in vn2000_crs() if crs.is_projected]
    return projected + [CRS.from_epsg(32648), CRS.from_epsg(32649)]


def _guess(x: float, y: float, reference: shapely.Point, language: str) -> str:
    """A sentence naming the CRSs that put the point within a few kilometres of the reference, if any does."""
    fitting = [crs_label(crs) for crs in _metric_candidates()
               if (point := _to_degrees(crs, x, y)) is not None and offset(reference, point)[0] <= GUESS_DISTANCE_M]
    if not fitting:
        return ""
    return i18n.t("maps.place.guess", language, crs=i18n.t("maps.place.or", language).join(fitting))


def check_declared_coordinates(
    bounds: np.ndarray, crs: CRS | None, geojson_without_crs: bool, place: Place | None, path_name: str,
    language: str,
) -> tuple[CRS | None, list[Finding], list[Finding]]:
    """The CRS to read the features in (None: refused), with errors and warnings, judged before any transform.

    `bounds` holds each feature's (west, south, east, north) in the file's own coordinates.
    """
    reference = place.outline.centroid if place is not None else shapely.box(*VIETNAM_EXTENT).centroid
    whole = np.array([bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max()])
    centre_x, centre_y = (whole[0] + whole[2]) / 2, (whole[1] + whole[3]) / 2
    in_degrees = _within(bounds, VIETNAM_EXTENT)
    swapped_in_degrees = _within(bounds[:, [1, 0, 3, 2]], VIETNAM_EXTENT)
    example = f"{i18n.number(centre_x, language, 1)}; {i18n.number(centre_y, language, 1)}"
    values = {"path": path_name, "example": example}

    if crs is None:
        if in_degrees.all():
            return WGS84, [], [Finding(None, "maps.import.assumed_wgs84", {"path": path_name})]
        if swapped_in_degrees.all():
            return None, [Finding(None, "maps.place.swapped_degrees", {
                **values, "where": _where_from(place, shapely.Point(centre_y, centre_x), language)})], []
        return None, [Finding(None, "maps.import.no_crs", {
            **values, "guess": _guess(centre_x, centre_y, reference, language)})], []

    extent = _extent_in(crs)
    inside = _within(bounds, extent) if extent is not None else np.zeros(len(bounds), dtype=bool)
    if inside.all():
        return _checked_datum(crs, centre_x, centre_y, path_name, language)
    landing = _to_degrees(crs, centre_x, centre_y)
    values = {**values, "crs": crs_label(crs), "where": _where_from(place, landing, language)}
    if inside.any():
        return None, [Finding(int(row), "maps.place.feature_outside_vietnam", {"crs": crs_label(crs)})
                      for row in np.flatnonzero(~inside) + 1], []
    if crs.is_geographic and geojson_without_crs:
        key = "maps.place.swapped_degrees" if swapped_in_degrees.all() else "maps.place.geojson_not_degrees"
    elif crs.is_geographic:
        key = "maps.place.swapped_degrees" if swapped_in_degrees.all() else "maps.place.not_degrees"
    elif in_degrees.all():
        key = "maps.place.degrees_declared_as_metres"
    elif extent is not None and _within(bounds[:, [1, 0, 3, 2]], extent).all():
        key = "maps.place.swapped_metres"
    else:
        key = "maps.place.outside_vietnam"
    if key in ("maps.place.geojson_not_degrees", "maps.place.not_degrees"):
        values["guess"] = _guess(centre_x, centre_y, reference, language)
    return None, [Finding(None, key, values)], []


def _checked_datum(
    crs: CRS, x: float, y: float, path_name: str, language: str
) -> tuple[CRS | None, list[Finding], list[Finding]]:
    """A VN-2000 CRS whose shift to WGS 84 PROJ does not know: read as its EPSG twin, or refused; else as declared."""
    if not _lacks_datum_shift(crs) or not _named_or_shaped_vn2000(crs):
        return crs, [], []
    twin = _vn2000_twin(crs)
    declared = _to_degrees(crs, x, y)
    official = _with_official_shift(crs, x, y)
    shift = distance_text(offset(declared, official)[0], language) if declared and official else "?"
    if twin is None:
        return None, [Finding(None, "maps.crs.vn2000_without_shift", {
            "path": path_name, "crs": crs.name, "distance": shift,
            "towgs84": ",".join(str(value) for value in VN2000_TOWGS84)})], []
    return twin, [], [Finding(None, "maps.crs.vn2000_read_as_epsg", {
        "path": path_name, "crs": crs.name, "epsg": crs_label(twin), "distance": shift})]


def _lacks_datum_shift(crs: CRS) -> bool:
    group = TransformerGroup(crs, WGS84, always_xy=True)
    return all("Ballpark" in transformer.description for transformer in group.transformers)


def _named_or_shaped_vn2000(crs: CRS) -> bool:
    names = " ".join(filter(None, [crs.name, crs.geodetic_crs.name if crs.geodetic_crs else None,
                                   crs.datum.name if crs.datum else None])).lower()
    operation = crs.coordinate_operation
    scales = [param.value for param in operation.params
              if param.name == "Scale factor at natural origin"] if crs.is_projected and operation else []
    # TM-3 zones (scale 0.9999) are a VN-2000 convention only.
    return any(name in names for name in VN2000_NAMES) or (scales == [0.9999] and _vn2000_twin(crs) is not None)


def _vn2000_twin(crs: CRS) -> CRS | None:
    """The EPSG VN-2000 CRS with the same projection (or VN-2000 itself for degrees), if there is one."""
    for known in vn2000_crs():
        if known.is_geographic and crs.is_geographic:
            return known
        if known.is_projected and crs.is_projected and _same_projection(known, crs):
            return known
    return None


def _same_projection(one: CRS, other: CRS) -> bool:
    first, second = one.coordinate_operation, other.coordinate_operation
    if first is None or second is None or first.method_name != second.method_name:
        return False
    values = [param.value for param in first.params], [param.value for param in second.params]
    return len(values[0]) == len(values[1]) and np.allclose(*values, rtol=0, atol=1e-9) and (
        one.axis_info[0].unit_name == other.axis_info[0].unit_name)


def _with_official_shift(crs: CRS, x: float, y: float) -> shapely.Point | None:
    """The point read as VN-2000 with the official shift: its own longitude and latitude, shifted to WGS 84."""
    lon, lat = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True).transform(x, y)
    return _to_degrees(CRS.from_epsg(4756), lon, lat)


def check_villages_in_commune(geometries: np.ndarray, place: Place, path_name: str, language: str) -> list[Finding]:
    """Villages reaching more than the tolerance outside the commune's outline: per feature, or for the file when
    none is inside (then also where they are and the likely cause)."""
    local = CRS.from_proj4(f"+proj=aeqd +lat_0={place.outline.centroid.y} +lon_0={place.outline.centroid.x} "
                           "+datum=WGS84 +units=m")
    to_local = Transformer.from_crs(WGS84, local, always_xy=True)
    outline = shapely.transform(place.outline, lambda xy: np.column_stack(to_local.transform(xy[:, 0], xy[:, 1])))
    features = np.array([shapely.transform(geometry, lambda xy: np.column_stack(to_local.transform(xy[:, 0],
                                                                                                    xy[:, 1])))
                         for geometry in geometries])
    reach = np.array([shapely.distance(shapely.points(shapely.get_coordinates(feature)), outline).max()
                      for feature in features])
    outside = reach > VILLAGE_TOLERANCE_M
    if not outside.any():
        return []
    centre = place.outline.centroid
    if outside.all():
        points = [shapely.Point(point) for point in shapely.get_coordinates(
            shapely.point_on_surface(geometries))]
        landed = [name for name in communes_at(points) if name != place.name]
        middle = shapely.union_all(geometries).centroid
        values = {"path": path_name, "place": place.name, "where": where(place.name, centre, middle, language),
                  "reach": distance_text(reach.max(), language)}
        if landed:
            return [Finding(None, "maps.place.villages_in_other_communes", {**values, "communes": ", ".join(landed)})]
        return [Finding(None, "maps.place.villages_elsewhere", values)]
    findings = []
    for row in np.flatnonzero(outside):
        beyond = shapely.difference(geometries[row], place.outline)
        target = beyond.centroid if not beyond.is_empty else geometries[row].centroid
        _, direction = offset(centre, target)
        findings.append(Finding(int(row) + 1, "maps.place.village_outside", {
            "place": place.name, "distance": distance_text(reach[row], language),
            "direction": i18n.t(f"maps.direction.{direction}", language),
            "tolerance": distance_text(VILLAGE_TOLERANCE_M, language)}))
    return findings


def check_communes_in_provinces(geometries: np.ndarray, codes: list[str], language: str) -> list[Finding]:
    """Communes reaching more than the tolerance outside their province's extent (provinces of the shipped layer)."""
    communes = national_communes()
    province_of = dict(zip(communes["code"], communes["province"], strict=True))
    names_of = dict(zip(communes["code"], communes["fullName"], strict=True))
    extents = province_extents()
    findings = []
    for row, (geometry, code) in enumerate(zip(geometries, codes, strict=True), start=1):
        province = province_of.get(code)
        if province is None:
            continue
        west, south, east, north = extents[province]
        margin = COMMUNE_TOLERANCE_M / 111_000
        if shapely.box(west - margin, south - margin, east + margin, north + margin).contains(geometry):
            continue
        own = communes.geometry[communes["code"] == code].iloc[0].centroid
        findings.append(Finding(row, "maps.place.commune_outside_province", {
            "commune": names_of[code], "where": where(names_of[code], own, geometry.centroid, language)}))
    return findings
