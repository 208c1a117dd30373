"""The commune boundaries shipped with the project (`geo/data/`: origin and licence in its README)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

from geo.geojson import PROVINCE_OUTLINES

DATA = Path(__file__).resolve().parent / "data"
HAI_PHONG_COMMUNES = DATA / "hai_phong_communes_2025.geojson.gz"
GIA_LOC_OUTLINE = DATA / "gia_loc_commune_2025.geojson.gz"
VIETNAM_COMMUNES = DATA / "vietnam_communes_2025.geojson.gz"
# The 34 provinces dissolved from VIETNAM_COMMUNES by `python -m geo.provinces` (about 500 m).
VIETNAM_PROVINCES = PROVINCE_OUTLINES
# Longitude and latitude around every shipped commune, islands included, with about 50 km to spare.
VIETNAM_EXTENT = (101.7, 6.7, 118.3, 23.9)


def read_layer(path: Path) -> gpd.GeoDataFrame:
    """A shipped (gzip-compressed GeoJSON) layer, in EPSG:4326."""
    return gpd.read_file(gdal_path(path))


def gdal_path(path: Path) -> str:
    """The name GDAL opens a file by: gzip-compressed files through its `/vsigzip/` reader."""
    return f"/vsigzip/{path}" if path.suffix.lower() == ".gz" else str(path)


def shipped_commune_outline(code: str) -> tuple[str, shapely.Geometry] | None:
    """A commune's name and outline from the shipped layers (Hải Phòng's 1 m layer first, else the national one)."""
    for path in (HAI_PHONG_COMMUNES, VIETNAM_COMMUNES):
        found = pyogrio.read_dataframe(gdal_path(path), where=f"code = '{code}'") if code.isdigit() else None
        if found is not None and len(found):
            return str(found["fullName"].iloc[0]), shapely.union_all(found.geometry.to_numpy())
    return None


@cache
def national_communes() -> gpd.GeoDataFrame:
    """Every commune of Vietnam (code, fullName, province, geometry at about 50 m), read once per process."""
    return read_layer(VIETNAM_COMMUNES)[["code", "fullName", "province", "geometry"]]


@cache
def province_extents() -> dict[str, tuple[float, float, float, float]]:
    """Each province's bounding box (west, south, east, north), by province code."""
    communes = national_communes()
    bounds = communes.geometry.bounds.assign(province=communes["province"]).groupby("province")
    return {province: (row.minx, row.miny, row.maxx, row.maxy)
            for province, row in bounds.agg({"minx": "min", "miny": "min", "maxx": "max", "maxy": "max"}).iterrows()}


def communes_at(points: list[shapely.Point]) -> list[str]:
    """The names of the communes (national layer) these points fall in, each once, in the order found."""
    communes = national_communes()
    hits = communes.sindex.query(points, predicate="within")
    return list(dict.fromkeys(communes["fullName"].iloc[hits[1]]))
